"""The headline set: the figures the Overview, the CLI's `metrics` and the evidence pack lead
with, each rate with its numerator and denominator beside it (keys: `catalogue.HEADLINE_KEYS`
first, then what each rate is made of), whether its denominator is small, and the rates put on
the DfE's basis to stand beside England's."""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.metrics.cohort import cohort_headline
from pipelines.metrics.core import SMALL_DENOMINATOR, Filters, dfe_year
from pipelines.metrics.lists import ehcp_positions, overdue_advice_counts
from pipelines.metrics.rates import overall
from pipelines.metrics.waiting_times import waiting_headline

SMALL_SUFFIX = "_small_denominator"


def small_denominators(figures: dict[str, Any]) -> dict[str, bool]:
    """`<rate>_small_denominator` for every rate (`..._pct...`) among `figures`: True when its
    denominator (the key with `_pct` read as `_denominator`) is under SMALL_DENOMINATOR."""
    return {f"{key}{SMALL_SUFFIX}": int(figures[key.replace("_pct", "_denominator", 1)])
            < SMALL_DENOMINATOR for key in figures if "_pct" in key}


def dfe_basis(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """The rates on the DfE's basis, for the calendar year holding the period's end: decisions
    within 6 weeks by year of request, annual review decisions sent within 4 weeks by year sent."""
    year = dfe_year(f)
    requests = overall(con, "ehcp_decisions_by_request_year", year)
    reviews = overall(con, "annual_review_decisions_sent", year)
    return {
        "dfe_basis_year": year.date_from.year,
        "ehcp_decided_within_6_weeks_by_request_year_pct": requests["pct"],
        "ehcp_decided_within_6_weeks_by_request_year_numerator": requests["numerator"],
        "ehcp_decided_within_6_weeks_by_request_year_denominator": requests["denominator"],
        "annual_review_decisions_sent_within_4_weeks_pct": reviews["pct"],
        "annual_review_decisions_sent_within_4_weeks_numerator": reviews["numerator"],
        "annual_review_decisions_sent_within_4_weeks_denominator": reviews["denominator"],
    }


def headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """The headline metrics for a period, with numerators and denominators beside each rate."""
    advice = overall(con, "health_advice", f)
    plans = overall(con, "ehcp_plans", f)
    decisions = overall(con, "ehcp_decisions", f)
    responses = overall(con, "tribunal_responses", f)
    appeals = overall(con, "tribunal_appeals", f)
    overdue = int(overdue_advice_counts(con, f, (f.as_of,))["overdue"].iloc[0])
    figures = {
        "health_advice_due": advice["items"],
        "health_advice_within_6_weeks_pct": advice["pct"],
        "health_advice_overdue_open": overdue,
        "ehcp_plans_issued": plans["items"],
        "ehcp_within_20_weeks_pct_excl_exceptions": plans["pct"],
        "ehcp_within_20_weeks_pct_incl_exceptions": plans["pct_incl"],
        "tribunal_appeals_registered": appeals["items"],
        "tribunal_appeals_with_health_aspects": appeals["numerator"],
        "tribunal_health_responses_within_5_weeks_pct": responses["pct"],
        # Positions on the as-of date, whatever the period: what the rates leave out.
        **ehcp_positions(con, f),
        # Beside each rate, what it is made of.
        "health_advice_within_6_weeks_numerator": advice["numerator"],
        "health_advice_within_6_weeks_denominator": advice["denominator"],
        "health_advice_within_6_weeks_pct_incl_exceptions": advice["pct_incl"],
        "health_advice_within_6_weeks_numerator_incl_exceptions": advice["numerator_incl"],
        "health_advice_within_6_weeks_denominator_incl_exceptions": advice["denominator_incl"],
        "ehcp_within_20_weeks_numerator_excl_exceptions": plans["numerator"],
        "ehcp_within_20_weeks_denominator_excl_exceptions": plans["denominator"],
        "ehcp_within_20_weeks_numerator_incl_exceptions": plans["numerator_incl"],
        "ehcp_within_20_weeks_denominator_incl_exceptions": plans["denominator_incl"],
        "ehcp_decided_within_6_weeks_pct": decisions["pct"],
        "ehcp_decided_within_6_weeks_numerator": decisions["numerator"],
        "ehcp_decided_within_6_weeks_denominator": decisions["denominator"],
        "tribunal_health_responses_within_5_weeks_numerator": responses["numerator"],
        "tribunal_health_responses_within_5_weeks_denominator": responses["denominator"],
        # The Annex A lists: a snapshot on the as-of date, not bound to the period.
        **cohort_headline(con, f),
        # On the DfE's basis (calendar year), to stand beside England's figures.
        **dfe_basis(con, f),
        # The health waiting list at its latest month, suppressed counts said, never read as 0.
        **waiting_headline(con, f),
    }
    return figures | small_denominators(figures)
