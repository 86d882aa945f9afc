"""The board pack's waiting-lists page gives the children waiting at the quarter's latest return
and, in a table, each service's children waiting at its latest return. Where the services' rows
are that same month, they add up to the figure: a service of 1-4 children ("<5") must not be
worked out as the figure less the other services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.board_pack import build_board_pack
from pipelines.load import ingest_file
from pipelines.suppression import is_small
from tests.conftest import write_csv

AS_OF = dt.date(2025, 12, 31)
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks", "Median Wait (Weeks)", "Referrals Received"]


def _rows(dietetics: int) -> list[list[object]]:
    rows: list[list[object]] = [HEADER]
    for month in ("Oct 2025", "Nov 2025", "Dec 2025"):
        rows.append([month, "Trust", "Riverside", "Community Paediatrics", 120, 40, 10, 14.0, 30])
        rows.append([month, "Trust", "Riverside", "Occupational Therapy", 60, 20, 6, 12.0, 15])
        rows.append([month, "Trust", "Riverside", "Dietetics", dietetics, 0, 0, 3.0, 2])
    return rows


@pytest.mark.parametrize("dietetics", [3, 7])
def test_no_service_is_the_figure_less_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  dietetics: int) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "waiting-services-test-key")
    db = tmp_path / "waiting.duckdb"
    result = ingest_file(db, write_csv(tmp_path / "waiting.csv", _rows(dietetics)), as_of=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    pack = build_board_pack(db, "2025Q4", as_of=AS_OF, basis="calendar")
    page = next(p for p in pack.pages if p.spec.metric == "waiting_over_18_weeks")
    figure = next(fig for fig in page.figures if fig.label == "Children waiting")
    table = page.tables[0].frame
    shown = {service: value for service, value in zip(table["Service"], table["Children waiting"],
                                                      strict=True)}
    numbers = {s: int(v.replace(",", "")) for s, v in shown.items() if v.replace(",", "").isdigit()}
    hidden = set(shown) - set(numbers)
    if figure.value.replace(",", "").isdigit() and len(hidden) == 1:
        rest = int(figure.value.replace(",", "")) - sum(numbers.values())
        assert not is_small(rest), (figure.value, shown)
    # A service whose count is withheld has its shares withheld too: 10.0% over 52 weeks beside
    # the 59 to 62 children a reader knows of would pin the count at 60.
    for service in hidden:
        row = table[table["Service"] == service].iloc[0]
        assert "%" not in row["Over 18 weeks"] + row["Over 52 weeks"], row.to_dict()
    if dietetics >= 5:  # nothing small: every figure shown
        assert figure.value == f"{180 + dietetics:,}" and not hidden
