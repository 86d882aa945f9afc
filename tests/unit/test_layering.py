"""Data flows one way: the pipelines never import the dashboard or Streamlit, so the command
line, the board pack and the tests run without a web app; and the dashboard reaches the data
only through its gateway and the pipelines' query API: no SQL, no DuckDB, no database module."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIPELINES = ROOT / "pipelines"
DASHBOARD = ROOT / "dashboard"
# What only pipelines may touch: the database engine, connections, loading, the command line.
NOT_IN_DASHBOARD = ("duckdb", "pipelines.db", "pipelines.load", "pipelines.cli")
CONNECTION_CALLS = {"execute", "executemany", "sql", "fetchall", "fetchone", "fetchdf"}
# SQL as this project writes it (keywords in capitals), and lower-case SQL shaped like SQL (a
# star, a function call or a column list between SELECT and FROM) rather than like prose.
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET"
                 r"|(CREATE|DROP|ALTER)\s+(TABLE|VIEW)|GROUP\s+BY|ORDER\s+BY|JOIN|UNION)\b")
LOWER_SQL = re.compile(r"\bselect\s+(distinct\s+)?(\*|\w+\(|\w+\s*,)[^;]*?\bfrom\s+\w+"
                       r"|\b(insert\s+into|delete\s+from|create\s+table)\s+\w+", re.IGNORECASE)


def looks_like_sql(text: str) -> bool:
    return bool(SQL.search(text) or LOWER_SQL.search(text))


def _trees(folder: Path) -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(folder.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def imported_modules(tree: ast.AST) -> Iterator[str]:
    """Every module an import statement names, `from a import b` giving both `a` and `a.b`,
    and every module named to importlib.import_module or __import__."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) == "__import__")):
            yield node.args[0].value


def _banned(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


def test_pipelines_import_neither_the_dashboard_nor_streamlit() -> None:
    offenders = [f"{path.name}: {name}" for path, tree in _trees(PIPELINES)
                 for name in imported_modules(tree) if _banned(name, ("dashboard", "streamlit"))]
    assert len(list(PIPELINES.rglob("*.py"))) > 20
    assert offenders == []


def test_the_dashboard_imports_no_database_module() -> None:
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path, tree in _trees(DASHBOARD)
                 for name in imported_modules(tree) if _banned(name, NOT_IN_DASHBOARD)]
    assert len(list(DASHBOARD.rglob("*.py"))) > 20
    assert offenders == []


def test_the_dashboard_holds_no_sql_and_uses_no_connection() -> None:
    offenders = []
    for path, tree in _trees(DASHBOARD):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and looks_like_sql(
                    node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in CONNECTION_CALLS):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}()")
    assert offenders == []


@pytest.mark.parametrize("text", [
    "SELECT count(*) FROM loads",
    "SELECT ",  # the head of an f-string: f"SELECT {columns} FROM benchmark_imports"
    " FROM benchmark_imports ORDER BY imported_at DESC",
    "WITH base AS (x) SELECT week FROM base GROUP BY ALL",
    "SELECT local_authority FROM ehcp UNION SELECT local_authority FROM tribunals",
    "select * from health_advice where service = 'SALT'",
    "select count(*) from ehcp",
    "select la, count(*) from ehcp group by la",
    "insert into benchmarks values (1)",
    "DELETE FROM rejects WHERE load_id = ?",
    "UPDATE evidence_items SET status = 'done'",
    "CREATE TABLE t (a INTEGER)",
])
def test_sql_is_recognised(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize("text", [
    "Draw the filters in the sidebar and return what they select.",
    "Edit cells, add a row at the foot of the table or select rows to delete them, then save.",
    "Select a load from the list to see its rejected rows.",
    "Rejected rows of an earlier load",
    "Load the exports from local authorities, health providers and the Tribunal tracker.",
    "Order by date; group the services by provider.",
])
def test_prose_is_not_taken_for_sql(text: str) -> None:
    assert not looks_like_sql(text)


@pytest.mark.parametrize("source, found, banned", [
    ("import duckdb", ["duckdb"], True),
    ("import duckdb.typing", ["duckdb.typing"], True),
    ("from pipelines import db", ["pipelines", "pipelines.db"], True),
    ("from pipelines.load import FileResult", ["pipelines.load", "pipelines.load.FileResult"], True),
    ("importlib.import_module('pipelines.cli')", ["pipelines.cli"], True),
    ("from pipelines import metrics", ["pipelines", "pipelines.metrics"], False),
    ("from pipelines.loader import x", ["pipelines.loader", "pipelines.loader.x"], False),
])
def test_every_way_of_importing_is_seen(source: str, found: list[str], banned: bool) -> None:
    assert list(imported_modules(ast.parse(source))) == found
    assert any(_banned(name, NOT_IN_DASHBOARD) for name in found) == banned


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


def _project_modules() -> list[str]:
    return [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for folder in (PIPELINES, DASHBOARD) for p in sorted(folder.rglob("*.py"))]


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle of modules importing each other (one path of each strongly connected group)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_module_imports_itself_back() -> None:
    """No import cycle, at the top of a module or inside a function: a package's __init__
    re-exporting its modules is the one way down, and no module imports its package back."""
    graph = {m: {i for i in _imports(_module_file(m), m) if i not in ("pipelines", "dashboard")}
             for m in _project_modules() if m not in ("pipelines", "dashboard")}
    assert len(graph) > 60
    assert import_cycles(graph) == []


def test_a_cycle_would_be_found() -> None:
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_source_module_is_over_700_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for folder in (PIPELINES, DASHBOARD)
            for p in folder.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert long == {}


def test_the_read_commands_import_no_reader_or_loader_of_files() -> None:
    """`python -m pipelines metrics|status|loads` starts without the file readers and loaders
    (0.3 s of imports, most of `metrics --json` on a small database); the commands that load
    import them where they run."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.cli; print(' '.join(sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    imported = set(done.stdout.split())
    assert "pipelines.metrics" in imported and "pipelines.status" in imported
    assert imported & {"pipelines.load", "pipelines.readers", "pipelines.validate",
                       "pipelines.isolated", "pipelines.bootstrap", "pipelines.benchmarks",
                       "python_calamine"} == set()
