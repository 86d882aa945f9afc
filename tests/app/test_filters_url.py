"""Filters live in the URL: a link reproduces the view, and changing a filter rewrites the link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

VIEW = {"la": ["Northshire", "Eastmoor"], "grain": "quarter", "from": "2025 Q2", "to": "2026 Q1",
        "service": "CAMHS", "as_of": "2026-10-31"}


def widget_values(at: AppTest) -> dict[str, object]:
    return {
        "la": at.multiselect(key="flt_la_w").value,
        "grain": at.selectbox(key="flt_grain_w").value,
        "from": at.selectbox(key="flt_from_w").value,
        "to": at.selectbox(key="flt_to_w").value,
        "service": at.multiselect(key="flt_service_w").value,
        "as_of": at.date_input(key="flt_as_of_w").value.isoformat(),
    }


def test_a_link_sets_every_filter_and_is_written_back(run_app: Callable[..., AppTest]) -> None:
    at = run_app(**VIEW)
    assert widget_values(at) == {**VIEW, "service": ["CAMHS"]}
    assert at.query_params == VIEW
    assert "2025 Q2 (Apr-Jun) to 2026 Q1 (Jan-Mar) · as of 31/10/2026 · Northshire, Eastmoor" \
        in at.caption[0].value


def test_the_view_survives_moving_between_pages(run_app: Callable[..., AppTest]) -> None:
    at = run_app(**VIEW)
    for page in ("views/health_advice.py", "views/data.py", "views/tribunals.py"):
        at.switch_page(page).run()
    assert at.query_params == VIEW
    assert at.selectbox(key="flt_from_w").value == "2025 Q2"


def test_a_new_grain_keeps_the_dates_chosen(run_app: Callable[..., AppTest]) -> None:
    at = run_app(**VIEW)
    at.selectbox(key="flt_grain_w").set_value("financial_year").run()
    # April 2025 to March 2026 is financial year 2025-26 at both ends.
    assert (at.query_params["from"], at.query_params["to"]) == ("2025-26", "2025-26")
    at.selectbox(key="flt_grain_w").set_value("month").run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2025-04", "2026-03")


def first_of_12_months(day: dt.date) -> str:
    """The month 11 months before `day`'s month: the default span is 12 months to the as-of."""
    year, month = divmod(day.year * 12 + day.month - 1 - 11, 12)
    return f"{year}-{month + 1:02d}"


def test_defaults_are_the_last_12_months_to_the_latest_load(run_app: Callable[..., AppTest],
                                                            sample_as_of: dt.date) -> None:
    at = run_app()
    assert at.query_params == {"grain": "month", "from": first_of_12_months(sample_as_of),
                               "to": f"{sample_as_of:%Y-%m}", "as_of": str(sample_as_of)}


def test_values_no_option_holds_are_dropped(run_app: Callable[..., AppTest],
                                            sample_as_of: dt.date) -> None:
    at = run_app(la=["Nowhere", "Riverside"], grain="fortnight", service="Astrology",
                 **{"from": "1999-01"})
    assert at.query_params["la"] == "Riverside"
    assert at.query_params["grain"] == "month"
    assert "service" not in at.query_params
    assert at.query_params["from"] == first_of_12_months(sample_as_of)


def test_reset_returns_to_the_defaults(run_app: Callable[..., AppTest]) -> None:
    at = run_app(**VIEW)
    at.button(key="flt_reset").click().run()
    assert "la" not in at.query_params and at.query_params["grain"] == "month"
