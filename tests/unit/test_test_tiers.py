"""The browser tests run under their own marker, so `python -m pytest -m "not e2e"` runs every
other tier without Chromium, and CI (`.ci/run`) still runs them all."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _module_marks(path: Path) -> list[str]:
    """The dotted names assigned to `pytestmark` at the top of a test module."""
    marks = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            marks += [ast.unparse(v) for v in values]
    return marks


def test_every_browser_test_module_carries_the_e2e_marker() -> None:
    modules = sorted((TESTS / "e2e").glob("test_*.py"))
    assert modules
    assert [p.name for p in modules if "pytest.mark.e2e" not in _module_marks(p)] == []


def test_no_other_tier_claims_the_browser_marker() -> None:
    others = [p for p in TESTS.rglob("test_*.py") if "e2e" not in p.relative_to(TESTS).parts]
    assert [p.name for p in others if "pytest.mark.e2e" in _module_marks(p)] == []


def test_ci_runs_every_tier_the_browser_included() -> None:
    run = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")
    pytest_lines = [line for line in run.splitlines() if line.startswith("python -m pytest")]
    assert pytest_lines and all("e2e" not in line for line in pytest_lines)
    assert "apt-get install" in run and "chromium" in run
