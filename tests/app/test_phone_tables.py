"""Wide tables on a phone: the columns a reader needs first (the name and its figures) are sized
to fit a 390 px screen without scrolling sideways, come first, and a shortened label keeps the
full wording as its help; the columns after them scroll inside the table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import ADVICE, TINY_AS_OF, csv_bytes
from streamlit.testing.v1 import AppTest

from dashboard.components.tables import PHONE_WIDTH, WIDE_WIDTH


def sized(at: AppTest, first: str) -> tuple[list[str], dict[str, dict]]:
    """The columns, in order, of the first table whose first column is `first`, and each
    column's configuration (label, width, help)."""
    for grid in at.dataframe:
        if grid.value.columns[0] == first:
            return list(grid.value.columns), json.loads(grid.proto.columns)
    raise AssertionError(f"no table starting with {first!r}: "
                         f"{[list(d.value.columns)[:3] for d in at.dataframe]}")


def assert_fits_a_phone(at: AppTest, key_columns: list[str]) -> dict[str, dict]:
    columns, config = sized(at, key_columns[0])
    assert columns[:len(key_columns)] == key_columns
    assert_key_columns_fit(columns, config, key_columns)
    return config


def assert_key_columns_fit(columns: list[str], config: dict[str, dict],
                           key_columns: list[str]) -> None:
    """The key columns are sized and fit a phone together; a shortened label keeps its help."""
    widths = [config.get(c, {}).get("width") for c in key_columns]
    assert None not in widths and sum(widths) <= PHONE_WIDTH, dict(zip(key_columns, widths,
                                                                       strict=True))
    for name in columns:  # a shortened label says in full what it counts
        label = config.get(name, {}).get("label")
        assert label is None or label == name or config[name].get("help"), name


PAGES = [
    ("views/annual_reviews.py", ["Age band", "With a plan", "Not reviewed in 12 months",
                                 "Not reviewed (%)"]),
    ("views/inspection.py", ["Theme", "Ready", "Share ready", "Overdue"]),
    ("views/inspection.py", ["Service", "% on time", "% late"]),
    ("views/health_advice.py", ["Reason as recorded", "Requests", "Counted as"]),
    ("views/ehcp_timeliness.py", ["Reason as recorded", "Plans", "Counted as"]),
    ("views/benchmarks.py", ["Measure", "Northshire (published)", "Northshire: local data 2025",
                             "England"]),
]


@pytest.mark.parametrize("page, key_columns", PAGES,
                         ids=["cohort", "readiness", "contribution", "advice-reasons",
                              "plan-reasons", "benchmarks-glance"])
def test_a_tables_name_and_figures_fit_a_phone(run_app: Callable[..., AppTest], page: str,
                                               key_columns: list[str]) -> None:
    at = run_app(page)
    config = assert_fits_a_phone(at, key_columns)
    # Every column is sized, and they fit the main area at 1440 px, where they widen in proportion.
    columns, _ = sized(at, key_columns[0])
    assert sum(config[c]["width"] for c in columns) <= WIDE_WIDTH


def test_the_load_history_shows_each_file_and_its_rows_on_a_phone(
        run_app: Callable[..., AppTest]) -> None:
    """Twenty columns scroll at any width; the load, its file (wrapped) and the rows read,
    loaded and rejected come first."""
    at = run_app("views/data.py")
    assert_fits_a_phone(at, ["Load", "File", "Rows read", "Loaded", "Rejected"])
    grid = next(d for d in at.dataframe if d.value.columns[0] == "Load")
    assert grid.proto.row_height > 64  # tall enough for a file's name to wrap


def test_rejected_rows_show_the_reason_and_where_on_a_phone(
        run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/data.py")
    at.selectbox(key="history_load").select_index(0).run()
    config = assert_fits_a_phone(at, ["Reason", "Row", "Error", "Column"])
    columns, _ = sized(at, "Reason")
    assert sum(config[c]["width"] for c in columns) <= WIDE_WIDTH
    grid = next(d for d in at.dataframe if d.value.columns[0] == "Reason")
    assert grid.proto.row_height > 64  # tall enough for the reason to wrap


def test_the_chase_list_and_the_records_to_close_show_who_and_how_late_on_a_phone(
        run_app: Callable[..., AppTest]) -> None:
    """Both lists of overdue health advice: the provider, the service and the days overdue
    first, names wrapped in the row; the request's identifiers and dates scroll after them."""
    at = run_app("views/health_advice.py")
    grids = [d for d in at.dataframe if d.value.columns[0] == "Provider"]
    assert len(grids) == 2  # to chase, then the records to close
    for grid in grids:
        columns, config = list(grid.value.columns), json.loads(grid.proto.columns)
        assert columns[:3] == ["Provider", "Service", "Days overdue"]
        assert sum(config[c]["width"] for c in columns[:3]) <= PHONE_WIDTH
        assert config["Days overdue"].get("help")
        assert grid.proto.row_height > 64  # tall enough for a provider's name to wrap


def test_the_upload_result_reads_whole_at_1440_and_leads_with_each_file_on_a_phone(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    """Every column of the result of an upload fits the main area at 1440 px (it ran past it at
    "Blank"); on a phone each file's name and its rows read, loaded and rejected come first. No
    count is left out, and a file that failed says why in its row."""
    at = run_app("views/data.py", db=tiny_db)
    good = csv_bytes([ADVICE, ["A40", "C40", "Eastmoor", "OT", "10/02/2026", "", "Trust", "", "",
                               "New"]])
    at.file_uploader(key="upload_files").set_value([
        ("advice log of the community trust, February.csv", good, "text/csv"),
        ("not_a_table.csv", b"hello,world\r\n1,2\r\n", "text/csv")])
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    config = assert_fits_a_phone(at, ["File", "Rows read", "Loaded", "Rejected"])
    columns, _ = sized(at, "File")
    assert sum(config[c]["width"] for c in columns) <= WIDE_WIDTH, {c: config[c]["width"]
                                                                    for c in columns}
    assert {"Status", "Datasets", "New", "Updated", "Unchanged", "Stale", "Superseded",
            "Duplicates", "Blank", "Notes/totals", "Load"} <= set(columns)
    grid = next(d for d in at.dataframe if d.value.columns[0] == "File")
    assert grid.proto.row_height > 64  # tall enough for a file's name to wrap
    failed = grid.value.set_index("File").loc["not_a_table.csv", "Status"]
    assert failed.startswith("failed") and "no recognisable header row" in failed


def led_by(at: AppTest, key_columns: list[str]) -> list[tuple[list[str], dict[str, dict], int]]:
    """Each table whose first columns are `key_columns`: its columns, their configuration and
    its row height."""
    return [(list(grid.value.columns), json.loads(grid.proto.columns), grid.proto.row_height)
            for grid in at.dataframe
            if list(grid.value.columns[:len(key_columns)]) == key_columns]


@pytest.mark.parametrize("key_columns, tables_led", [
    (["Dates used", "Returned within 6 weeks", "Due", "Per cent"], 1),
    (["Case ID", "Service", "Days apart (request)", "Days apart (return)"], 1),
    (["Advice ID", "Service", "Days to return"], 2),  # the LA's records only; the providers' logs only
], ids=["both-ways", "dates-disagree", "one-side-only"])
def test_the_la_records_and_providers_logs_compared_show_names_and_figures_on_a_phone(
        run_app: Callable[..., AppTest], key_columns: list[str], tables_led: int) -> None:
    """The reconciliation's tables lead with what a request or a figure is and its figures,
    within a phone's width, names wrapped in the row; the dates and identifiers scroll after."""
    at = run_app("views/health_advice.py")
    at.segmented_control(key="reconcile_figures_view").set_value("Table").run()
    found = led_by(at, key_columns)
    assert len(found) == tables_led, [list(d.value.columns)[:4] for d in at.dataframe]
    for columns, config, row_height in found:
        assert_key_columns_fit(columns, config, key_columns)
        assert row_height > 64  # tall enough for a name to wrap
