"""The /board-pack page: it opens, previews every page of the pack with the same figures the PDF
draws, suppresses small numbers, and offers the three downloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.board_pack import METRICS, WAITING, build_board_pack
from pipelines.db import reader
from pipelines.metrics import CATALOGUE
from pipelines.suppression import WITHHELD

# These tests read the pack on calendar quarters ("2025 Q4"); NHS financial-year quarters, the
# default, have their own tests.
pytestmark = pytest.mark.usefixtures("calendar_quarters")
PAGE = "views/board_pack.py"
DOWNLOADS = ["Download PDF", "Download PowerPoint", "Download xlsx appendix"]


def _headers(at: AppTest) -> list[str]:
    return [h.value for h in at.main.get("header")]


def test_the_page_previews_the_pack(run_app: Callable[..., AppTest], sample_db: Path) -> None:
    at = run_app(PAGE)
    assert [t.value for t in at.title] == ["Board pack"]
    quarter = at.sidebar.selectbox[0].value
    headers = _headers(at)
    assert headers[0] == "Headlines"
    for spec in METRICS:  # the samples hold every dataset, so every metric has its page
        when = "at the end of September 2026" if spec.metric == WAITING else quarter.label
        assert any(h.startswith(f"{spec.title}:") and when in h for h in headers), spec.title
    assert any(h.startswith("Overdue health advice:") for h in headers)
    assert any(h.startswith("Open needs assessments:") for h in headers)
    assert any(h.startswith("Schools:") for h in headers)
    assert any(h.startswith("Personal health budgets:") for h in headers)
    buttons = [b.label for b in at.get("download_button")]
    assert buttons[:3] == DOWNLOADS
    icons = " ".join(m.value for m in at.markdown)
    assert "Variation:" in icons and "Assurance:" in icons and "<svg" in icons

    # The charts are the figures the PDF renders: built once by pipelines.board_pack.
    as_of = at.sidebar.date_input[0].value
    pack = build_board_pack(sample_db, quarter, (), as_of)
    shown = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    drawn = [page for page in pack.pages if page.drawn]
    assert len(shown) == len(drawn) >= 2
    # Every chart has the table switch and the CSV and Excel downloads the other pages have, and
    # so has the headline table.
    switches = {c.key for c in at.get("segmented_control")}
    assert {f"bp_{page.spec.metric}_view" for page in drawn} <= switches
    assert buttons.count("Download CSV") == buttons.count("Download Excel") == 1 + len(pack.pages)
    # The wider remit's other figures and tables, as the files show them.
    cards = {(m.label, m.value) for m in at.metric}
    for page in pack.document():
        for figure in page.figures:
            # The page shows a withheld figure as "Withheld" (a count of 1-4 would be given away).
            shown_as = "Withheld" if figure.value == WITHHELD else figure.value
            assert (figure.label, shown_as) in cards, figure
    subheaders = [s.value for s in at.subheader]
    assert [t.title for page in pack.document() for t in page.tables] == subheaders
    for spec, page in zip(shown, drawn, strict=True):
        expected = json.loads(page.figure.to_json())
        assert spec["data"] == expected["data"]
        assert spec["layout"]["title"] == expected["layout"]["title"]


def test_another_quarter_and_one_local_authority(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    quarter = at.sidebar.selectbox[0]
    earlier = quarter.options[2]
    quarter.select_index(2).run()
    at.sidebar.multiselect[0].select("Riverside").run()
    assert not at.exception
    assert all(earlier.split(",")[0] in h for h in _headers(at)[1:5])  # "2026 Q1, Jan-Mar 2026"
    assert any("Riverside" in c.value for c in at.caption)


def test_small_numbers_are_suppressed(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db)  # three advice requests and six plans, 2026 Q1
    assert [m.value for m in at.metric][0] == "Withheld"  # health advice, 2026 Q1
    due = CATALOGUE["health_advice"].of_what  # "requests due (excluding exceptions)"
    assert f"Withheld: a count under 5 would be shown or could be worked out. <5 of <5 {due}" in [
        c.value for c in at.caption]
    # The count of requests due, withheld as it would give the withheld rate away, says so (it
    # is no small number itself).
    captions = [c.value for c in at.caption]
    assert "Withheld with the quarter's figure" in captions
    assert not any("small number" in c and "quarter's figure" in c for c in captions)
    assert not at.table  # the headline table is a grid that fits a phone
    headlines = next(d.value for d in at.dataframe if "Made of" in d.value.columns)
    assert headlines.iloc[0, 1] == "withheld (small number)"
    for frame in (d.value for d in at.dataframe):
        cells = pd.Series(frame.to_numpy().ravel()).astype(str)
        assert not cells.isin(["1", "2", "3", "4"]).any(), frame
    overdue = next(d.value for d in at.dataframe if "Service" in d.value.columns)
    assert overdue.iloc[-1].tolist() == ["Total", "<5", "<5"]


def test_the_headline_table_fits_a_wide_screen_and_lists_its_notes_under_it(
        run_app: Callable[..., AppTest]) -> None:
    """The headline grid's columns fit the main area beside the sidebar at 1440 px (976 px); the
    two columns of sentences are listed under it by metric, and the download keeps every column."""
    at = run_app(PAGE)
    grid = at.dataframe[0]  # the first table on the page
    assert grid.value.columns[0] == "Metric"
    config = json.loads(grid.proto.columns)
    widths = {name: config[name]["width"] for name in grid.value.columns}
    assert sum(widths.values()) <= 976
    notes = ("Local figure on England's basis", "Beside it")
    assert not set(notes) & set(grid.value.columns)
    listed = " ".join(m.value for m in at.markdown)
    assert "Read beside the headlines" in listed
    assert "By year of request, as the DfE counts" in listed.replace("\\", "")


def test_a_count_withheld_for_what_it_would_give_away_says_so(
        run_app: Callable[..., AppTest], sample_db: Path) -> None:
    # In the samples' quarter 1-4 requests for health advice are not yet due on the as-of date:
    # the count due (the rate's requests, the exceptions and those) is withheld, though it is no
    # small number; under the rate's "N of M" it says what is withheld and why.
    at = run_app(PAGE)
    quarter, as_of = at.sidebar.selectbox[0].value, at.sidebar.date_input[0].value
    with reader(sample_db) as con:
        row = metrics.rates(con, "health_advice", metrics.Filters(
            quarter.start, min(quarter.end, as_of), as_of)).iloc[0]
    lawful, not_yet = metrics.left_out(row["items"], row["denominator_incl"], row["denominator"])
    assert 0 < not_yet < 5 and lawful >= 5
    note = ("Withheld, as it would give away the fewer than 5 requests not yet due on the as-of "
            f"date (the 6-week rate leaves out those and {lawful:,} with a lawful reg 8(2) "
            "exception).")
    captions = [c.value for c in at.caption]
    assert note in captions
    assert not any("small number" in c and "not yet due" in c for c in captions)
