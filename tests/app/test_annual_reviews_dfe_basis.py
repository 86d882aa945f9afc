"""England's 44.4% on the annual reviews page counts decisions sent, by the year sent: the
area's figure on that basis stands beside it (the page's own rate counts outstanding decisions
as late, by due date), as on the EHC timeliness page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, captions
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader

PAGE = "views/annual_reviews.py"


def test_the_dfe_basis_stands_beside_england(run_app: Callable[..., AppTest], sample_db: Path,
                                             fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        basis = metrics.dfe_basis(con, fy_filters)
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    key = "annual_review_decisions_sent_within_4_weeks"
    assert basis[f"{key}_denominator"] > 0
    expected = (f"Decisions sent in {basis['dfe_basis_year']}, as the DfE counts: "
                f"{basis[f'{key}_pct']:.1f}% ({basis[f'{key}_numerator']:,} of "
                f"{basis[f'{key}_denominator']:,} decisions sent)")
    texts = captions(at)
    assert "England 2024: 44.4% (DfE)" in texts
    assert any(text.startswith(expected) for text in texts), texts
