"""The inspection page's share of scored health advice scored 3 or 4 is rounded as every rate is
(`metrics.pct`: halves up to one decimal, as the DfE publishes), not by Python's formatting,
which rounds 6.25 down to 6.2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import FY_PARAMS, captions
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, write_csv

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture
def scored_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "app-tests-not-secret")
    rows = [ADVICE_HEADER] + [
        [f"Q{i}", f"C{i}", "Northshire", "SALT", "01/06/2025", "01/07/2025", "Trust", "",
         "3" if i == 0 else "1", "New"] for i in range(16)]
    db = tmp_path / "scored.duckdb"
    result = ingest_file(db, write_csv(tmp_path / "advice.csv", rows), as_of=AS_OF,
                         extract_date=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    plans = [EHCP_HEADER, ["C0", "Northshire", "01/05/2025", "01/06/2025", "Y", "", "01/09/2025",
                           "", "ASD"]]  # the section needs a new plan in the period
    result = ingest_file(db, write_csv(tmp_path / "ehcp.csv", plans), as_of=AS_OF,
                         extract_date=AS_OF)
    assert result.status == "loaded" and result.rejected == 0, result.summary()
    return db


def test_one_in_sixteen_is_6_3_percent(run_app: Callable[..., AppTest], scored_db: Path) -> None:
    assert metrics.pct(1, 16) == 6.3 and f"{100 * 1 / 16:.1f}" == "6.2"
    at = run_app("views/inspection.py", db=scored_db, **FY_PARAMS, as_of=AS_OF.isoformat())
    quality = [c for c in captions(at) if c.startswith("Advice due in this period and scored")]
    assert quality and "scored 3 or 4: 1 (6.3%)" in quality[0], quality
