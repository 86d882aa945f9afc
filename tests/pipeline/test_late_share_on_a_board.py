"""The drafted sentence may lay late returns at one service's door ("SALT accounts for 80% of late
returns (12 of 15)"): not where the late returns of the other services come to 1-4, which the
sentence would give away as the total less the service's count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines import commentary, metrics
from pipelines.db import reader
from tests.conftest import ADVICE_HEADER, write_csv

AS_OF = dt.date(2025, 12, 31)
QUARTER = metrics.Filters(dt.date(2025, 10, 1), dt.date(2025, 12, 31), AS_OF)


def _rows(late: dict[str, int]) -> list[list[str]]:
    rows = [ADVICE_HEADER]
    for service, count in late.items():
        for i in range(count + 10):  # 10 returned in time for each service
            returned = "01/10/2025" if i < 10 else "20/11/2025"
            rows.append([f"{service}{i}", f"C{service}{i}", "Riverside", service, "01/09/2025",
                         returned, "Trust", "", "", "New"])
    return rows


@pytest.mark.parametrize(("late", "said"), [
    ({"SALT": 12, "OT": 3}, ""),  # the other 3 late returns would show
    ({"SALT": 12, "OT": 6}, "; Speech and Language Therapy accounts for 67% of late returns (12 of 18)"),
])
def test_late_share_gives_no_small_rest_away(db: Path, load, tmp_path: Path,
                                             late: dict[str, int], said: str) -> None:
    result = load(write_csv(tmp_path / "advice.csv", _rows(late)), as_of=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    with reader(db) as con:
        assert commentary._late_share(con, "health_advice", QUARTER) == said
