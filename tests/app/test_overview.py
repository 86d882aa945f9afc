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
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import DatabaseBusy, reader
from pipelines.load import ingest_file
from pipelines.suppression import (
    SHORT_WITHHELD,
    WITHHELD,
    complement_small,
    rate_withheld,
    suppress_count,
)

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
POSITION_CARDS = {  # on the as-of date: 1-4 show as '<5' in one local authority
    "Open needs assessments past 20 weeks": "ehcp_open_past_20_weeks",
    "Requests undecided past 6 weeks": "ehcp_decisions_outstanding_past_6_weeks",
}


def headline(db: Path, f: metrics.Filters) -> dict[str, Any]:
    with reader(db) as con:
        return metrics.headline(con, f)


def new_areas(db: Path, f: metrics.Filters) -> dict[str, Any]:
    """The headline of each newer area, straight from its metric function: annual review
    decisions, schools compliant, the whole waiting list over 18 weeks at the latest month,
    complaints answered in time and budgets active."""
    with reader(db) as con:
        current = metrics.waiting_times_current(con, dataclasses.replace(f, services=()))
        first = dt.date.fromisoformat(current["month"].max() + "-01")
        month = dataclasses.replace(f, date_from=first, date_to=first, services=())
        return {
            "reviews": metrics.rates(con, "annual_review_decisions", f).iloc[0],
            "schools": metrics.school_policy_position(con, f).iloc[0],
            "waiting": metrics.waiting_times_trend(con, month, None).iloc[0],
            "complaints": metrics.rates(con, "complaint_responses", f).iloc[0],
            "budgets": metrics.phb_active(con, f).iloc[0],
        }


def expected_cards(h: dict[str, Any], more: dict[str, Any]) -> dict[str, str]:
    """The cards as a board sees them: the metric functions' figures, a rate withheld where it
    is built on a count of 1-4 or its complement is 1-4, a count of 1-4 as "<5", and appeals
    with a health aspect withheld where those without one are 1-4."""
    def rate(pct: float, num: int, den: int) -> str:
        return WITHHELD if rate_withheld(num, den) else f"{pct:.1f}%"

    shown = {label: rate(h[key], h[key.replace("_pct", "_numerator")],
                         h[key.replace("_pct", "_denominator")])
             for label, key in RATE_CARDS.items()}
    shown.update({label: suppress_count(h[key]) for label, key in COUNT_CARDS.items()})
    shown.update({label: suppress_count(h[key]) for label, key in POSITION_CARDS.items()})
    if complement_small(h["tribunal_appeals_with_health_aspects"], h["tribunal_appeals_registered"]):
        shown["Appeals with health aspects"] = WITHHELD
    reviews, schools, waiting, complaints = (more[k] for k in ("reviews", "schools", "waiting",
                                                               "complaints"))
    shown.update({
        "Review decisions within 4 weeks": rate(reviews["pct"], reviews["numerator"],
                                                reviews["denominator"]),
        "Schools with a compliant policy": rate(schools["compliant_pct"], schools["compliant"],
                                                schools["schools"]),
        "Waiting over 18 weeks": rate(waiting["over_18_weeks_pct"], waiting["over_18_weeks"],
                                      waiting["total_reporting_18"]),
        "Complaints answered in time": rate(complaints["pct"], complaints["numerator"],
                                            complaints["denominator"]),
        "Personal health budgets active": suppress_count(more["budgets"]["active"]),
    })
    return shown


def on_cards(shown: dict[str, str]) -> dict[str, str]:
    """The figures as the cards show them: a withheld one reads "Withheld" (its reason under it);
    the board table's cells give the full wording."""
    return {label: SHORT_WITHHELD if value == WITHHELD else value for label, value in shown.items()}


def test_cards_show_the_headline_metrics(run_app: Callable[..., AppTest], sample_db: Path,
                                         fy_filters: metrics.Filters) -> None:
    h = headline(sample_db, fy_filters)
    assert all(h[key] >= 5 for key in COUNT_CARDS.values())  # nothing here is suppressed
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert metric_values(at) == on_cards(expected_cards(h, new_areas(sample_db, fy_filters)))
    assert (f"{h['health_advice_within_6_weeks_numerator']:,} of "
            f"{h['health_advice_within_6_weeks_denominator']:,} requests due (excluding exceptions)"
            ) in captions(at)
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
    assert metric_values(at) == on_cards(expected_cards(
        one, new_areas(sample_db, dataclasses.replace(fy_filters, las=(la,)))))


def test_changing_the_local_authority_changes_the_numbers_and_the_url(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.multiselect(key="flt_la_w").set_value(["Northshire", "Riverside"]).run()
    both = dataclasses.replace(fy_filters, las=("Northshire", "Riverside"))
    assert metric_values(at) == on_cards(expected_cards(headline(sample_db, both),
                                                        new_areas(sample_db, both)))
    assert at.query_params["la"] == ["Northshire", "Riverside"]


def test_empty_selection_says_so(run_app: Callable[..., AppTest]) -> None:
    at = run_app(as_of="2022-01-31")  # before every sample record, budgets included
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.metric


def test_board_table_matches_the_cards(run_app: Callable[..., AppTest], sample_db: Path,
                                       fy_filters: metrics.Filters) -> None:
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.segmented_control(key="overview_view").set_value("Table").run()
    frame = at.dataframe[0].value
    assert dict(zip(frame["Metric"], frame["This period"], strict=True)) == expected_cards(
        headline(sample_db, fy_filters), new_areas(sample_db, fy_filters))
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
    assert shown["Health advice within 6 weeks"] == SHORT_WITHHELD
    assert "<5 of <5 requests due (excluding exceptions)" in captions(at)
    assert shown["New EHC plans issued"] == "6"
    # 5 of 6 in time: 83.3% would say one plan was late (a complement of 1), so it is withheld.
    assert shown["New plans within 20 weeks"] == SHORT_WITHHELD
    assert "* of * new plans (excluding exceptions)" in captions(at)
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


@pytest.mark.usefixtures("fresh_cache")  # nothing read yet: every read meets the writer
def test_a_busy_database_gets_a_friendly_message(run_app: Callable[..., AppTest],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise DatabaseBusy("locked by a writer")

    monkeypatch.setattr("pipelines.queries.open_snapshot", busy)
    at = run_app()
    assert any("being updated" in w.value for w in at.warning)


def test_new_areas_show_their_reference_figures_and_what_they_are_made_of(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    more = new_areas(sample_db, fy_filters)
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    shown = captions(at)
    assert "England 2024: 44.4% (DfE)" in shown  # annual review decisions within 4 weeks
    assert any("Health Conditions in Schools Alliance found 11.5%" in c for c in shown)
    schools, waiting = more["schools"], more["waiting"]
    assert f"{schools['compliant']:,} of {schools['schools']:,} schools audited" in shown
    assert f"{waiting['over_18_weeks']:,} of {waiting['total_reporting_18']:,} children waiting" in shown
    assert {s.value for s in at.subheader} >= {"Annual reviews, schools and waiting lists",
                                               "Complaints and personal health budgets"}
    # No local target is set for the new areas, so none of them is given a RAG rating.
    markdown = " ".join(m.value for m in at.markdown)
    assert "44.4% target" not in markdown and "11.5% target" not in markdown


def test_new_cards_suppress_small_counts_for_the_board(run_app: Callable[..., AppTest],
                                                       tiny_db: Path, tmp_path: Path) -> None:
    budgets = tmp_path / "phb_tiny.csv"
    budgets.write_text("PHB Ref,Local Authority,PHB Start Date,PHB End Date,Continuing Care\n"
                       "P1,Riverside,01/05/2025,,Yes\nP2,Riverside,01/06/2025,,No\n"
                       "P3,Riverside,01/07/2025,,Yes\n", encoding="utf-8")
    complaints = tmp_path / "complaints_tiny.csv"
    complaints.write_text(
        "Complaint Ref,Local Authority,Date Received,Health Aspect,Response Due,Date Responded\n"
        + "".join(f"C{i},Riverside,01/0{i}/2025,Y,29/0{i}/2025,{'10' if i < 6 else '30'}/0{i}/2025\n"
                  for i in range(4, 10)), encoding="utf-8")  # six due, two answered in time
    for path in (budgets, complaints):
        assert ingest_file(tiny_db, path, as_of=TINY_AS_OF).status == "loaded"
    f = metrics.Filters(dt.date(2025, 4, 1), TINY_AS_OF, TINY_AS_OF)
    with reader(tiny_db) as con:
        answered = metrics.rates(con, "complaint_responses", f).iloc[0]
        assert metrics.phb_active(con, f).iloc[0]["active"] == 3
    assert (answered["numerator"], answered["denominator"]) == (2, 6)
    at = run_app(db=tiny_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    shown = metric_values(at)
    assert shown["Personal health budgets active"] == "<5"
    assert shown["Complaints answered in time"] == SHORT_WITHHELD
    assert "<5 of 6 responses due" in captions(at)
    assert shown["Schools with a compliant policy"] == "-"
    assert "No schools audited in this period" in captions(at)


def test_dfe_basis_figures_stand_beside_england_naming_their_basis(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    h = headline(sample_db, fy_filters)
    at = run_app(**FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    shown = captions(at)
    key, year = "ehcp_decided_within_6_weeks_by_request_year", h["dfe_basis_year"]
    assert year == fy_filters.date_to.year
    assert (f"By year of request, as the DfE counts ({year}): {h[f'{key}_pct']:.1f}% "
            f"({h[f'{key}_numerator']:,} of {h[f'{key}_denominator']:,})") in shown
    key = "annual_review_decisions_sent_within_4_weeks"
    assert (f"Decisions sent, by year sent, as the DfE counts ({year}): {h[f'{key}_pct']:.1f}% "
            f"({h[f'{key}_numerator']:,} of {h[f'{key}_denominator']:,})") in shown
    assert "England 2024: 84.8% (DfE)" in shown and "England 2024: 44.4% (DfE)" in shown


def test_no_change_has_no_arrow(run_app: Callable[..., AppTest]) -> None:
    # In the samples' default view the requests undecided past 6 weeks are as many as a year
    # before: st.metric would draw "+0" as a rise.
    at = run_app()
    unchanged = [m for m in at.metric if m.label == "Requests undecided past 6 weeks"]
    assert [(m.value, m.delta) for m in unchanged] == [("16", "No change")]
    assert unchanged[0].proto.direction == MetricProto.MetricDirection.NONE
    assert unchanged[0].proto.color == MetricProto.MetricColor.GRAY  # neither better nor worse
    assert not [m.delta for m in at.metric if m.delta and m.delta.lstrip("+-").startswith(
        ("0 ", "0.0 ")) or m.delta in ("+0", "-0")]
