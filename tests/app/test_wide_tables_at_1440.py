"""The two widest tables a DCO reads, the health advice dates that disagree (17 columns) and the
history of loads (20), read whole at 1440 px: every column shown fits the main area
(tables.WIDE_WIDTH), short labels keep their full wording as help, figures come before the wrapped
text, and each column left to the downloads is named in a caption beside the table."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
from app_helpers import captions, table
from streamlit.testing.v1 import AppTest

from dashboard.components.table_fit import PAD, text_width
from dashboard.components.tables import PHONE_WIDTH, WIDE_WIDTH
from pipelines.chart_style import text_px
from pipelines.rollback import rollback

ROW_LINES = 4  # what a wrapped row (tables.WRAPPED_ROW_HEIGHT) shows

# Every column each table had (a page's script runs on import, so its names are written out here).
MATCHED_COLUMNS = [
    "Case ID", "Service", "Days apart (request)", "Days apart (return)", "What differs",
    "Within 6 weeks (LA dates)", "Within 6 weeks (provider dates)", "Days taken (LA dates)",
    "Days taken (provider dates)", "LA sent request", "Service received request",
    "LA received advice", "Service returned advice", "LA advice ID", "Provider advice ID",
    "Local authority", "Provider"]
LOAD_COLUMNS = [
    "Load", "File", "SHA-256 (start)", "Loaded at", "As of", "Extract", "Datasets", "Rows read",
    "Loaded", "New", "Updated", "Unchanged", "Stale", "Superseded", "Duplicates", "Rejected",
    "Blank", "Notes/totals", "Outside the area", "status"]


def _lines(text: str, width: float) -> int:
    """The lines `text` takes in a cell `width` px wide, wrapped between words, and a word wider
    than the cell (a file's name) broken across lines, as the grid does."""
    room, count, used = width - PAD, 1, 0.0
    for word in text.split():
        size = text_px(word, 14)
        if size > room:
            count, used = count + math.ceil(size / room) - (not used), size % room
        elif used and used + text_px(" ", 14) + size > room:
            count, used = count + 1, size
        else:
            used += (text_px(" ", 14) if used else 0) + size
    return count


def _as_shown(value: object, kind: str | None) -> str:
    """A cell as its column shows it: a date column's timestamp as its date alone."""
    if isinstance(value, (pd.Timestamp, dt.datetime)) and kind != "date":
        return f"{value:%d/%m/%Y %H:%M}"
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


def assert_read_whole(grid, room: float) -> None:
    """Every column is sized and they fit `room`; a short label keeps its wording as help; a
    date is on one line and any other cell within the lines a wrapped row shows."""
    config = json.loads(grid.proto.columns)
    widths = {c: config.get(c, {}).get("width") for c in grid.value.columns}
    assert None not in widths.values(), widths
    assert sum(widths.values()) <= room, widths
    assert grid.proto.row_height > 64  # rows that wrap
    for column in grid.value.columns:
        label = config[column].get("label") or column
        assert label == column or config[column].get("help"), column
        kind = (config[column].get("type_config") or {}).get("type")
        for value in grid.value[column].dropna():
            shown = _as_shown(value, kind)
            most = 1 if isinstance(value, dt.date) else ROW_LINES
            assert _lines(shown, widths[column]) <= most, (column, shown, widths[column])
            assert isinstance(value, str) or text_width(shown) <= widths[column] + 8, (column, shown)


def _grid(at: AppTest, first: str, having: str):
    for grid in at.dataframe:
        if grid.value.columns[0] == first and having in grid.value.columns:
            return grid
    raise AssertionError([list(d.value.columns)[:3] for d in at.dataframe])


def _left_to_downloads(at: AppTest, grid, every: list[str]) -> list[str]:
    """The columns of `every` the grid leaves out, each named in the caption that says so."""
    left = [c for c in every if c not in grid.value.columns]
    said = [c for c in captions(at) if "download" in c.lower()]
    for column in left:
        assert any(f'"{column}"' in c or column.lower() in c.lower() for c in said), (column, said)
    return left


def test_the_dates_that_disagree_read_whole_at_1440(run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/health_advice.py")
    grid = _grid(at, "Case ID", "What differs")
    assert_read_whole(grid, WIDE_WIDTH)
    columns, config = list(grid.value.columns), json.loads(grid.proto.columns)
    # The request and its figures first (the first four within a phone's width), then the text.
    assert columns[:4] == ["Case ID", "Service", "Days apart (request)", "Days apart (return)"]
    assert sum(config[c]["width"] for c in columns[:4]) <= PHONE_WIDTH
    assert columns.index("What differs") > max(
        columns.index(c) for c in columns if c.startswith(("Days", "Within")))
    assert {"Days taken (LA dates)", "Days taken (provider dates)", "Within 6 weeks (LA dates)",
            "Within 6 weeks (provider dates)"} <= set(columns)
    left = _left_to_downloads(at, grid, MATCHED_COLUMNS)
    assert len(columns) + len(left) == len(MATCHED_COLUMNS) == 17


def test_the_history_of_loads_reads_whole_at_1440(run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/data.py")
    grid = _grid(at, "Load", "File")
    assert_read_whole(grid, WIDE_WIDTH)
    columns = list(grid.value.columns)
    # Each load's rows read, loaded and rejected, then what they were, before the dates and text.
    assert columns[:8] == ["Load", "File", "Rows read", "Loaded", "Rejected", "New", "Updated",
                           "Unchanged"]
    assert {"Loaded at", "Extract", "Datasets", "Outside the area"} <= set(columns)
    left = _left_to_downloads(at, grid, LOAD_COLUMNS)
    assert len(columns) + len(left) == len(LOAD_COLUMNS) == 20


def test_a_load_rolled_back_says_so_in_the_history(run_app: Callable[..., AppTest],
                                                   tiny_db: Path) -> None:
    """The status is in the downloads only, so a load rolled back says so after its file's name:
    its counts are not read as records in use."""
    first = one_load(tiny_db)
    rollback(tiny_db, first)
    at = run_app("views/data.py", db=tiny_db)
    history = table(at, "Load", "File", "Loaded at")
    files = dict(zip(history["Load"], history["File"], strict=True))
    assert files[first].endswith(" (rolled back)"), files
    assert not any("(" in f for load, f in files.items() if load != first), files


def one_load(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT min(load_id) FROM loads").fetchone()[0]
