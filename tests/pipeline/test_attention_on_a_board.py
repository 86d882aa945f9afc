"""The "needs attention" sentence that opens a board pack page cites months and the quarter as a
whole: only those the page itself shows. A month the page leaves out so that a month of 1-4
cannot be worked out from the quarter's figure (its numerator withheld, its denominator shown)
must not have its percentage given in the sentence: with the denominator beside it, the
percentage gives the numerator back, and the quarter less the months shown gives the small
month away."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pipelines.board_pack import build_board_pack
from pipelines.board_pack.build import SECOND_WITHHELD
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, write_csv

AS_OF = dt.date(2025, 12, 31)
# Requests due on the 15th of each month: (met, due). The quarter: 47 of 80 in time, far below
# the 90% target, so the page opens with the sentence.
MONTHS = {dt.date(2025, 10, 15): (2, 10), dt.date(2025, 11, 15): (25, 40),
          dt.date(2025, 12, 15): (20, 30)}


def _rows() -> list[list[str]]:
    day = "{:%d/%m/%Y}".format
    rows = [ADVICE_HEADER]
    for due, (met, total) in MONTHS.items():
        requested = due - dt.timedelta(days=42)
        for i in range(total):
            returned = requested + dt.timedelta(days=10) if i < met else due + dt.timedelta(days=5)
            rows.append([f"A{due:%m}-{i}", f"C{due:%m}-{i}", "Riverside", "SALT", day(requested),
                         day(returned), "Trust", "", "", "New"])
    return rows


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "attention-test-key")
    db = tmp_path / "advice.duckdb"
    result = ingest_file(db, write_csv(tmp_path / "advice.csv", _rows()), as_of=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    return build_board_pack(db, "2025Q4", as_of=AS_OF, basis="calendar")


def test_the_sentence_cites_no_month_the_page_leaves_out(pack) -> None:
    page = next(p for p in pack.pages if p.spec.metric == "health_advice")
    series = page.series.set_index("period")
    # October (2 of 10) is withheld; December (20 of 30) goes too, so that October cannot be
    # worked out as the quarter's 47 less November's 25 and December's 20.
    assert series.loc["Oct 2025", "shown"] == False  # noqa: E712 (a numpy bool)
    assert series.loc["Dec 2025", "note"] == SECOND_WITHHELD
    assert page.attention, "the page should open with the sentence (far below target)"
    cited = set(re.findall(r"in (\w+ \d{4})", page.attention))
    left_out = {period for period, shown in series.shown.items() if not shown}
    named = {dt.datetime.strptime(p, "%b %Y").strftime("%B %Y") for p in left_out}
    assert not cited & named, page.attention
    assert "66.7%" not in page.attention, page.attention
