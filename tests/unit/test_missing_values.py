"""A missing value (a date not recorded) is blank wherever a table goes: every dashboard table
through `tables.show`/`tables.edit` (a blank placeholder), the CSV and Excel exports, and the
board pack's PDF and slide tables."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines.board_pack.model import cell_text
from pipelines.exports import csv_bytes, xlsx_bytes

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_every_dashboard_table_is_drawn_by_the_tables_component() -> None:
    direct = [f"{path.relative_to(DASHBOARD)}:{n}" for path in DASHBOARD.rglob("*.py")
              if path.name != "tables.py"
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\bst\.(dataframe|data_editor)\(", line)]
    assert direct == []


def _with_gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "Received": [dt.date(2025, 1, 6), None],
        "Chased on": pd.to_datetime(pd.Series([None, "2025-02-03"])),
        "Note": pd.Series(["rang", None], dtype="str"),
        "Reason": pd.Series([None, "late"], dtype=object),
        "Days": [3.0, float("nan")],
    })


def test_exports_leave_a_missing_value_blank() -> None:
    text = csv_bytes(_with_gaps()).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["2025-01-06,,rang,,3.0", ",2025-02-03,,late,"]
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"List": _with_gaps()})))["List"]
                .values)
    assert rows[1][1:4] == (None, "rang", None) and rows[2][0] is None and rows[2][4] is None


@pytest.mark.parametrize(("value", "shown"), [
    (None, ""), (float("nan"), ""), (pd.NaT, ""), (pd.NA, ""), ("<5", "<5"), (0, "0"),
    (dt.date(2025, 1, 6), "2025-01-06")])
def test_a_board_pack_table_cell(value: object, shown: str) -> None:
    assert cell_text(value) == shown


def test_a_column_of_counts_and_suppressed_counts_is_sent_as_text() -> None:
    import pyarrow as pa

    from dashboard.components.tables import one_type_per_column
    frame = pd.DataFrame({"Service": ["CAMHS", "Total"],
                          "Within the time limit": pd.Series([1117, "<5"], dtype=object),
                          "Counted": pd.Series([1146.0, None], dtype=object),
                          "Note": pd.Series(["rang", None], dtype=object)})
    with pytest.raises(pa.ArrowException):
        pa.Table.from_pandas(frame)  # as Streamlit would send it: one type per column
    sent = one_type_per_column(frame)
    assert sent["Within the time limit"].tolist() == ["1117", "<5"]
    assert sent["Counted"].tolist()[0] == 1146.0 and sent["Note"].tolist() == ["rang", None]
    pa.Table.from_pandas(sent)
    clean = frame.drop(columns="Within the time limit")
    assert one_type_per_column(clean) is clean  # nothing mixed: sent as it is


def test_the_days_histogram_names_its_last_bar_only_when_it_is_drawn() -> None:
    from dashboard.components.charts import days_histogram
    weeks = pd.DataFrame({"week": [1, 6, 18], "requests": [5, 9, 2],
                          "days": ["0-7 days", "36-42 days", "120-126 days"]})
    def title(frame: pd.DataFrame) -> str:  # wrapped for a phone with <br>
        return days_histogram(frame, "Advice", 42, 27).layout.xaxis.title.text.replace("<br>", " ")
    assert "last bar" not in title(weeks)  # no request took more than 26 weeks
    lumped = pd.concat([weeks, pd.DataFrame({"week": [27], "requests": [1],
                                             "days": ["more than 182 days"]})])
    assert "(last bar: more than 26 weeks)" in title(lumped)
