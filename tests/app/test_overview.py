"""The Overview shows exactly what pipelines.metrics.headline returns for the filters in the URL,
follows the local authority filter, and suppresses small numbers for the board."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import FY_PARAMS, TINY_AS_OF, captions, metric_values
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import DatabaseBusy, reader
from pipelines.load import ingest_file

RATE_CARDS = {
    "Health advice within 6 weeks": "health_advice_within_6_weeks_pct",
    "New plans within 20 weeks": "ehcp_within_20_weeks_pct_excl_exceptions",
    "Decided within 6 weeks": "ehcp_decided_within_6_weeks_pct",
    "Tribunal health responses in 5 weeks": "tribunal_health_responses_within_5_weeks_pct",
}
COUNT_CARDS = {
    "Health advice overdue now": "health_advice_overdue_open",
    "Requests for health advice due": "health_advice_due",
    "New EHC plans issued": "ehcp_plans_issued",
    "Tribunal appeals registered": "tribunal_appeals_registered",
    "Appeals with health aspects": "tribunal_appeals_with_health_aspects",
}


def headline(db: Path, f: metrics.Filters) -> dict[str, Any]:
    with reader(db) as con:
        return metrics.headline(con, f)


def expected_cards(h: dict[str, Any]) -> dict[str, str]:
    shown = {label: f"{h[key]:.1f}%" for label, key in RATE_CARDS.items()}
    shown.update({label: f"{h[key]:,}" for label, key in COUNT_CARDS.items()})
    return shown


def test_cards_show_the_headline_metrics(run_app: Callable[..., AppTest], sample_db: Path,
                                         fy_filters: metrics.Filters) -> None:
    h = headline(sample_db, fy_filters)
    assert all(h[key] >= 5 for key in COUNT_CARDS.values())  # nothing here is suppressed
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert metric_values(at) == expected_cards(h)
    assert (f"{h['health_advice_within_6_weeks_numerator']:,} of "
            f"{h['health_advice_within_6_weeks_denominator']:,} requests due") in captions(at)
    assert (f"Including exceptions: {h['ehcp_within_20_weeks_pct_incl_exceptions']:.1f}% "
            f"({h['ehcp_within_20_weeks_numerator_incl_exceptions']:,} of "
            f"{h['ehcp_within_20_weeks_denominator_incl_exceptions']:,})") in captions(at)


def test_change_is_against_the_year_before(run_app: Callable[..., AppTest], sample_db: Path,
                                           fy_filters: metrics.Filters) -> None:
    before = dataclasses.replace(fy_filters, date_from=dt.date(2024, 4, 1),
                                 date_to=dt.date(2025, 3, 31))
    now, then = headline(sample_db, fy_filters), headline(sample_db, before)
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    deltas = {m.label: m.delta for m in at.metric}
    key = "health_advice_within_6_weeks_pct"
    assert deltas["Health advice within 6 weeks"] == f"{now[key] - then[key]:+.1f} points"
    assert deltas["New EHC plans issued"] == (
        f"{now['ehcp_plans_issued'] - then['ehcp_plans_issued']:+,}")


def test_rag_and_england_are_stated_in_words(run_app: Callable[..., AppTest], sample_db: Path,
                                             fy_filters: metrics.Filters) -> None:
    h = headline(sample_db, fy_filters)
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    text = " ".join(m.value for m in at.markdown)
    value = h["ehcp_decided_within_6_weeks_pct"]
    word = "Green" if value >= 85 else "Amber" if value >= 75 else "Red"
    assert f"{word}:" in text and "85% target" in text
    assert "England 2024: 84.8% (DfE)" in captions(at)
    assert "England 2024: 46.4% (DfE)" in captions(at)


@pytest.mark.parametrize("la", ["Riverside", "Eastmoor"])
def test_local_authority_in_the_url_filters_every_card(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters,
        la: str) -> None:
    one = headline(sample_db, dataclasses.replace(fy_filters, las=(la,)))
    everyone = headline(sample_db, fy_filters)
    assert one["ehcp_plans_issued"] < everyone["ehcp_plans_issued"]
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat(), la=la)
    assert metric_values(at) == expected_cards(one)


def test_changing_the_local_authority_changes_the_numbers_and_the_url(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.multiselect(key="flt_la_w").set_value(["Northshire", "Riverside"]).run()
    two = headline(sample_db, dataclasses.replace(fy_filters, las=("Northshire", "Riverside")))
    assert metric_values(at) == expected_cards(two)
    assert at.query_params["la"] == ["Northshire", "Riverside"]


def test_empty_selection_says_so(run_app: Callable[..., AppTest]) -> None:
    at = run_app(as_of="2023-01-31")
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.metric


def test_board_table_matches_the_cards(run_app: Callable[..., AppTest], sample_db: Path,
                                       fy_filters: metrics.Filters) -> None:
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.segmented_control(key="overview_view").set_value("Table").run()
    frame = at.dataframe[0].value
    assert dict(zip(frame["Metric"], frame["This period"], strict=True)) == expected_cards(
        headline(sample_db, fy_filters))
    monthly = at.dataframe[1].value  # the sparklines' figures, month by month in order
    assert monthly["Month"].tolist()[:3] == ["Apr 2025", "May 2025", "Jun 2025"]
    with reader(sample_db) as con:
        april = metrics.rates(con, "ehcp_plans", dataclasses.replace(
            fy_filters, date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30)))
    assert monthly["New EHC plans issued"].iloc[0] == f"{april['items'].iloc[0]:,}"


def test_small_counts_show_as_less_than_5_and_their_rates_are_withheld(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    f = metrics.Filters(dt.date(2025, 4, 1), TINY_AS_OF, TINY_AS_OF)
    h = headline(tiny_db, f)
    # Three requests due (two in time), six plans (five in time): see conftest.tiny_files.
    assert (h["health_advice_due"], h["health_advice_within_6_weeks_numerator"]) == (3, 2)
    assert (h["ehcp_plans_issued"], h["ehcp_within_20_weeks_numerator_excl_exceptions"]) == (6, 5)
    at = run_app(db=tiny_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    shown = metric_values(at)
    assert shown["Requests for health advice due"] == "<5"
    assert shown["Health advice within 6 weeks"] == "withheld (small number)"
    assert "<5 of <5 requests due" in captions(at)
    assert shown["New EHC plans issued"] == "6"
    assert shown["New plans within 20 weeks"] == "83.3%"
    assert shown["Tribunal appeals registered"] == "0"


def test_a_load_from_the_command_line_shows_on_the_next_run(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    at = run_app(db=tiny_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    assert metric_values(at)["New EHC plans issued"] == "6"
    extra = tmp_path / "ehcp_more.csv"
    extra.write_text("Case ID,Local Authority,Request Date,Final Plan Date\n"
                     "X1,Eastmoor,01/12/2025,01/03/2026\n", encoding="utf-8")
    assert ingest_file(tiny_db, extra, as_of=TINY_AS_OF).status == "loaded"
    at.run()
    assert metric_values(at)["New EHC plans issued"] == "7"


def test_a_busy_database_gets_a_friendly_message(run_app: Callable[..., AppTest],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise DatabaseBusy("locked by a writer")

    monkeypatch.setattr("dashboard.components.data_access.reader", busy)
    monkeypatch.setattr("pipelines.cli.reader", busy)
    at = run_app()
    assert any("being updated" in w.value for w in at.warning)
