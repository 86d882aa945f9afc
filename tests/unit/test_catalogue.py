"""The metric catalogue is the one definition of every metric: docs/metrics.md is what it
generates, every key a module, a page or settings.toml names is in it, and what is built from it
(notes, board pack, inspection, evidence pack, Overview) says what the catalogue says."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from pipelines import (
    benchmark_local,
    benchmarks,
    board_pack,
    catalogue,
    inspection,
    inspection_pack,
    metrics,
)
from pipelines.notes import NOTES

ROOT = Path(__file__).resolve().parents[2]
OVERVIEW = ROOT / "dashboard" / "views" / "overview.py"

# Where a module names a metric or a figure by its key, in source: (pattern, which registry).
REFERENCES = (
    (r"""\brates\(\s*(?:con,\s*)?["'](\w+)["']""", "metric"),
    (r"""\boverall\(\s*con,\s*["'](\w+)["']""", "metric"),
    (r"""\babout(?:_many)?\(\s*\[?\s*["'](\w+)["']""", "metric"),
    (r"""\bNOTES\[\s*["'](\w+)["']\s*\]""", "metric"),
    (r"""\bCATALOGUE\[\s*["'](\w+)["']\s*\]""", "metric"),
    (r"""\btargets(?:\.get\(|\[)\s*["'](\w+)["']""", "target"),
    (r"""\b(?:LABELS|FIGURES)\[\s*["'](\w+)["']\s*\]""", "figure"),
)


def unknown_keys(source: str) -> list[str]:
    """The metric, figure and target keys `source` names that the catalogue does not hold."""
    known = {"metric": set(metrics.CATALOGUE), "figure": set(metrics.FIGURES),
             "target": set(metrics.TARGETS)}
    return [f"{kind} {key}" for pattern, kind in REFERENCES
            for key in re.findall(pattern, source) if key not in known[kind]]


def test_docs_are_what_the_catalogue_generates() -> None:
    assert catalogue.DOCS.exists(), f"docs/metrics.md is missing: run {catalogue.REGENERATE}"
    assert catalogue.DOCS.read_text(encoding="utf-8") == catalogue.markdown(), (
        f"docs/metrics.md is out of step with the metric catalogue: run {catalogue.REGENERATE}")


def test_the_docs_state_each_metric_in_full() -> None:
    text = catalogue.markdown()
    for m in metrics.CATALOGUE.values():
        assert f"### {m.title}\n" in text
        assert m.definition in text and m.basis in text, m.key
    assert "shared/" not in text and "DOMAIN" not in text  # nothing outside the repository


def test_the_docs_check_fails_when_out_of_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "metrics.md"
    stale.write_text(catalogue.markdown().replace("Health advice returned", "Health advice sent"),
                     encoding="utf-8")
    monkeypatch.setattr(catalogue, "DOCS", stale)
    assert catalogue.main(["--check"]) == 1
    assert catalogue.REGENERATE in capsys.readouterr().out
    assert catalogue.main(["--write-docs"]) == 0 and catalogue.main(["--check"]) == 0


def test_keys_titles_and_figures_are_unique() -> None:
    keys = [m.key for m in metrics.catalogue.ENTRIES]
    assert len(keys) == len(set(keys))
    titles = [m.title for m in metrics.catalogue.ENTRIES]
    assert len(titles) == len(set(titles))
    figures = [f.key for m in metrics.catalogue.ENTRIES for f in m.figures]
    assert len(figures) == len(set(figures))
    labels = [f.label for f in metrics.FIGURES.values()]
    assert len(labels) == len(set(labels))  # one label per figure, one figure per label


def test_every_figure_and_base_names_its_own_metric() -> None:
    for key, figure in metrics.FIGURES.items():
        assert figure.metric in metrics.CATALOGUE, key
        if metrics.CATALOGUE[figure.metric].kind == "base":
            assert figure.column in ("pct", "pct_incl", "items", "numerator"), key
    for key, m in metrics.CATALOGUE.items():
        assert (key in metrics.BASES) == (m.kind == "base"), key
        assert m.definition and m.basis and m.caveats and m.unit and m.anchor, key
        if m.england:
            assert m.england in benchmarks.MEASURES, key
    assert set(metrics.HEADLINE_KEYS) <= set(metrics.FIGURES)


def test_settings_targets_are_targets_the_catalogue_knows() -> None:
    settings = tomllib.loads((ROOT / "settings.toml").read_text(encoding="utf-8"))
    targets = set(settings["targets"]) - {"amber_margin"}
    assert targets and targets <= set(metrics.TARGETS)


def test_what_is_built_from_the_catalogue_names_only_its_keys() -> None:
    assert set(NOTES) == set(metrics.CATALOGUE)
    for spec in board_pack.METRICS:
        m = metrics.CATALOGUE[spec.metric]
        assert (spec.title, spec.target_key, spec.of_what) == (m.title, m.target, m.of_what)
        assert spec.england_measure == m.england and spec.improvement == m.direction
    for key, live in inspection.LIVE_METRICS.items():
        figure = metrics.FIGURES[key]
        assert (live.label, live.source, live.good) == (figure.label, figure.metric,
                                                       figure.direction)
    for theme in inspection.THEMES.values():
        assert set(theme.metrics) <= set(metrics.FIGURES), theme.key
    for key, (what, _, of_what) in inspection_pack.SERIES.items():
        m = metrics.CATALOGUE[key]
        assert what.startswith(m.title) and of_what == m.of_what and key in metrics.BASES
    assert set(inspection_pack.SERIES_DATASET) <= set(inspection_pack.SERIES)
    for measure, local in benchmark_local.LOCAL_MEASURES.items():
        assert local.metric in metrics.BASES and measure in benchmarks.MEASURES, measure


@pytest.mark.parametrize("path", sorted(
    str(p.relative_to(ROOT)) for folder in ("pipelines", "dashboard") for p in (ROOT / folder).rglob("*.py")))
def test_every_key_a_module_names_is_in_the_catalogue(path: str) -> None:
    assert unknown_keys((ROOT / path).read_text(encoding="utf-8")) == []


def test_the_overview_reads_its_labels_and_sparklines_from_the_catalogue() -> None:
    source = OVERVIEW.read_text(encoding="utf-8")
    assert "LABELS = {key: figure.label for key, figure in FIGURES.items()}" in source
    assert re.search(r"TREND_SERIES = tuple\(", source)
    assert re.findall(r'LABELS\["(\w+)"\]', source)  # the cards read labels by figure key


@pytest.mark.parametrize(("source", "unknown"), [
    ('metrics.rates(con, "health_advice", f)', []),
    ('metrics.rates(con, "health_advise", f)', ["metric health_advise"]),
    ('about.about("waiting_trends")', ["metric waiting_trends"]),
    ('targets.get("complaints_responded_in_time_pct")', ["target complaints_responded_in_time_pct"]),
    ('LABELS["schools_compliant_pct"]', ["figure schools_compliant_pct"]),
    ('NOTES["phb_active"].definition', []),
])
def test_an_unknown_key_is_caught(source: str, unknown: list[str]) -> None:
    assert unknown_keys(source) == unknown


def test_the_metric_modules_import_one_way() -> None:
    """The catalogue names the queries and `rates()` reads the registry built from it: neither may
    import the other back (the catalogue imports no module that imports `rates`)."""
    folder = ROOT / "pipelines" / "metrics"
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        if path.stem == "__init__":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[path.stem] = {node.module.rsplit(".", 1)[1] for node in ast.walk(tree)
                            if isinstance(node, ast.ImportFrom) and node.module
                            and node.module.startswith("pipelines.metrics.")}

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph.get(start, ()))

    assert "catalogue" in graph["rates"] and not reaches("catalogue", "rates")
    assert [m for m in graph if reaches(m, m)] == []
