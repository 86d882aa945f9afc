"""Data flows one way: the pipelines never import the dashboard or Streamlit, so the command
line, the board pack and the tests run without a web app."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"


def test_pipelines_import_neither_the_dashboard_nor_streamlit() -> None:
    offenders = []
    for path in sorted(PIPELINES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in ("dashboard", "streamlit")]
    assert len(list(PIPELINES.rglob("*.py"))) > 20
    assert offenders == []


ROOT = PIPELINES.parent
TOOLS = ("pipelines.samples", "pipelines.bench")  # the sample generator and the benchmark script


def _module_file(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """The project modules a file imports, wherever in it (a function's imports count too)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from pipelines import x`
    return {m for m in found if m.split(".")[0] in ("pipelines", "dashboard") and _module_file(m)}


def imported_by(roots: list[str]) -> set[str]:
    """Every project module the roots import, directly or through others (and their packages)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parent = module.rpartition(".")[0]
        if parent:
            todo.append(parent)  # importing a.b runs a/__init__.py
        todo += _imports(_module_file(module), module)
    return seen


def test_the_app_never_loads_the_sample_generator_or_the_benchmark_script() -> None:
    app = ["dashboard." + ".".join(p.relative_to(ROOT / "dashboard").with_suffix("").parts)
           for p in sorted((ROOT / "dashboard").rglob("*.py")) if p.name != "__init__.py"]
    loaded = imported_by(app)
    assert {"dashboard.app", "pipelines.load", "pipelines.db"} <= loaded  # the walk finds them
    assert sorted(m for m in loaded if any(m == t or m.startswith(f"{t}.") for t in TOOLS)) == []


def test_the_walk_would_see_a_tool_imported() -> None:
    assert "pipelines.samples.messiness" in imported_by(["pipelines.samples"])
    assert {"pipelines.load", "pipelines.validate"} <= imported_by(["pipelines.bench"])


def test_storage_needs_no_validator() -> None:
    """The schemas own storage: `db` makes the tables without the row rules or their parsers."""
    assert not {"pipelines.validate", "pipelines.rules"} & imported_by(["pipelines.db"])
