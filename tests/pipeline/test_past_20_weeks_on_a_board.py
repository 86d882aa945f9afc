"""The board pack shows open needs assessments past 20 weeks twice: as the position beside the
20-week rate (assessments with a decision to assess) and as the "Past 20 weeks" row of the open
cases by time left (every open case, requests still undecided included). Where the two differ by
1-4, the difference (requests undecided after 20 weeks) would be a small count read off the
page by subtraction, so the position is withheld."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines import metrics
from pipelines.board_pack import build_board_pack
from pipelines.load import ingest_file
from pipelines.suppression import WITHHELD
from tests.conftest import EHCP_HEADER, write_csv

AS_OF = dt.date(2025, 12, 31)


def _rows(undecided: int) -> list[list[str]]:
    rows = [EHCP_HEADER]
    # Assessed, no plan on 31/12/2025, 183 days after the request: past 20 weeks.
    for i in range(8):
        rows.append([f"A{i}", "Riverside", "01/07/2025", "01/08/2025", "Yes", "", "", "", "ASD"])
    # No decision on 31/12/2025, 183 days after the request: past 20 weeks too, in the table.
    for i in range(undecided):
        rows.append([f"U{i}", "Riverside", "01/07/2025", "", "", "", "", "", "ASD"])
    return rows


def _pack(tmp_path: Path, undecided: int):
    db = tmp_path / "ehcp.duckdb"
    result = ingest_file(db, write_csv(tmp_path / "ehcp.csv", _rows(undecided)), as_of=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    return build_board_pack(db, "2025Q4", as_of=AS_OF, basis="calendar")


def _position(pack) -> str:
    page = next(p for p in pack.pages if p.spec.metric == "ehcp_plans")
    label = metrics.FIGURES["ehcp_open_past_20_weeks"].label
    return next(fig.value for fig in page.figures if fig.label.startswith(label))


def _past_20_weeks_total(pack) -> str:
    table = next(t for t in pack.at_risk if t.title == "Open cases by time left of the 20 weeks")
    row = table.frame[table.frame["Time left"] == "Past 20 weeks"]
    return str(row["Total"].iloc[0])


@pytest.mark.parametrize(("undecided", "position", "table"), [
    (2, WITHHELD, "10"),  # 10 past 20 weeks, 8 of them assessments: 2 undecided would show
    (0, "8", "8"),  # the same cases: nothing to give away
    (6, "8", "14"),  # 6 undecided: not a small count
])
def test_the_position_is_withheld_where_the_table_gives_a_small_difference_away(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, undecided: int, position: str,
        table: str) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "past-20-weeks-test-key")
    pack = _pack(tmp_path, undecided)
    assert _past_20_weeks_total(pack) == table
    assert _position(pack) == position
