"""The board pack's package keeps one job per module: none over 700 lines, no import inside a
function (the sign of a dodged cycle), and no module imports the package's front door
(`pipelines.board_pack` itself), so the writers and the model cannot import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pipelines" / "board_pack"
MODULES = sorted(PACKAGE.glob("*.py"))


def test_the_package_has_its_modules() -> None:
    assert [m.name for m in MODULES] == ["__init__.py", "build.py", "charts.py", "model.py",
                                         "pdf.py", "pptx.py", "summary.py", "xlsx.py"]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_a_module_of_one_job(module: Path) -> None:
    text = module.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 700
    tree = ast.parse(text)
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        inner = [n for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not inner, f"{module.name}: import inside {function.name}()"
    if module.name != "__init__.py":
        front = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                 and n.module == "pipelines.board_pack"]
        assert not front, f"{module.name} imports the package's front door"


def test_writers_depend_on_the_model_not_on_each_other() -> None:
    for writer in ("pdf.py", "pptx.py", "xlsx.py", "charts.py"):
        tree = ast.parse((PACKAGE / writer).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        siblings = {m for m in imported if m and m.startswith("pipelines.board_pack.")}
        assert siblings <= {"pipelines.board_pack.model", "pipelines.board_pack.charts"}, writer
