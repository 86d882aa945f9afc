"""The requests for health advice due, beside the 6-week rate on a board pack page: the page also
shows the rate including lawful exceptions ("10 of 22"), so the count of requests due must not
exceed that denominator by 1-4 either (the difference is the requests not yet due on the as-of
date), not only the headline's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines import metrics
from pipelines.board_pack import build_board_pack
from pipelines.load import ingest_file
from pipelines.suppression import WITHHELD, is_small
from tests.conftest import ADVICE_HEADER, write_csv

AS_OF = dt.date(2026, 3, 31)


def _rows() -> list[list[str]]:
    rows = [ADVICE_HEADER]
    # Due in January 2026: 10 returned within 42 days, 6 late, 6 late with a lawful exception.
    for i in range(10):
        rows.append([f"OK{i}", f"C{i}", "Riverside", "SALT", "01/12/2025", "05/01/2026", "Trust",
                     "", "", "New"])
    for i in range(6):
        rows.append([f"LATE{i}", f"D{i}", "Riverside", "SALT", "01/12/2025", "20/02/2026", "Trust",
                     "", "", "New"])
    for i in range(6):
        rows.append([f"EXC{i}", f"E{i}", "Riverside", "OT", "05/12/2025", "20/02/2026", "Trust",
                     "DNA", "", "New"])
    # Due on the as-of date itself and open: in the period, not yet late, so in no rate.
    for i in range(2):
        rows.append([f"TODAY{i}", f"F{i}", "Riverside", "OT", "17/02/2026", "", "Trust", "", "",
                     "New"])
    return rows


@pytest.fixture
def advice_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "advice-due-test-key")
    db = tmp_path / "advice.duckdb"
    result = ingest_file(db, write_csv(tmp_path / "advice.csv", _rows()), as_of=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    return db


def test_the_count_due_is_withheld_where_it_gives_away_requests_not_yet_due(advice_db: Path
                                                                            ) -> None:
    pack = build_board_pack(advice_db, "2026Q1", as_of=AS_OF, basis="calendar")
    page = next(p for p in pack.pages if p.spec.metric == "health_advice")
    assert page.made_of.startswith("10 of 16")
    assert "10 of 22" in page.with_exceptions  # the rate including the 6 lawful exceptions
    due = next(fig for fig in page.figures if fig.label == metrics.DUE.label)
    # 24 due, beside 22 including exceptions: 2 not yet due, a count of 1-4.
    assert due.value == WITHHELD
    assert due.number is None
    # It says what is withheld and why: not a small number itself, but the 1-4 requests not yet
    # due it would give away. Nor may its note give the count back: "8 that have a lawful
    # exception or are not yet due" beside the rate's 16 made 24 again. The exceptions (22 less
    # 16) are no secret.
    assert due.text == ("Requests for health advice due: withheld, as it would give away the "
                        "fewer than 5 requests not yet due on the as-of date (the 6-week rate "
                        "leaves out those and 6 with a lawful reg 8(2) exception)"), due.text


@pytest.mark.parametrize(("items", "incl", "den", "withheld"), [
    (24, 22, 16, True),  # 2 not yet due, beside the rate including exceptions
    (24, 24, 22, True),  # 2 lawful exceptions, beside the headline
    (30, 22, 16, False),  # 8 not yet due, 6 exceptions
    (22, 22, 16, False),  # nothing not yet due
])
def test_the_count_due_against_both_denominators(items: int, incl: int, den: int,
                                                 withheld: bool) -> None:
    assert (metrics.due_value(items, den, denominator_incl=incl) == WITHHELD) is withheld
    assert withheld is (is_small(items - incl) or is_small(items - den))
