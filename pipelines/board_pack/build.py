"""Builds a board pack from the metrics: each metric's quarter, monthly series, SPC chart and
icons, the wider remit's figures and tables, and the overdue and at-risk summaries, all worded
and suppressed for a board (`pipelines.board_pack.model` says what the pack holds).

DATA PROTECTION: a board pack is published, so every count of 1-4 shows as "<5" and rates built
on one are withheld (pipelines.suppression). No record-level identifier enters the pack.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import benchmarks, commentary, metrics, queries, spc
from pipelines.board_pack.charts import MIN_DRAWN, PNG_SIZE, sentence_figure, spc_chart
from pipelines.board_pack.model import (
    METRICS,
    REMIT,
    SERIES_MONTHS,
    WAITING,
    WITHHELD_CELL,
    BoardPack,
    Figure,
    MetricPage,
    MetricSpec,
    Table,
    TablePage,
    default_as_of,
)
from pipelines.board_pack.summary import las_shown, past_20_weeks, summary_tables
from pipelines.config import load_settings
from pipelines.counts import SUPPRESSED_AT_SOURCE
from pipelines.db import reader
from pipelines.periods import Quarter, day_text, parse_quarter, periods_between, shift_months, shorts
from pipelines.sample_manifest import SAMPLES
from pipelines.suppression import (
    COMPLEMENTARY,
    TABLE_WITHHELD,
    WHY_WITHHELD,
    WITHHELD,
    differs_by_small,
    is_small,
    made_of,
    part_text,
    protect_months,
    rate_withheld,
    suppress_count,
    suppress_frame,
    suppress_rate,
    suppress_with_subtotal,
)

SHORT_CHART = 400  # a chart's height (layout pixels) on a page with a table under it
MONTH_NAMES = tuple(calendar.month_name)


def england_figure(measure: str | None, year: int) -> tuple[int, float] | None:
    """England's figure for the latest published calendar year up to `year`."""
    if measure is None:
        return None
    frame = benchmarks.england_headlines()
    rows = frame[(frame.measure == measure) & (frame.year <= year)].sort_values("year")
    if rows.empty:
        return None
    return int(rows.year.iloc[-1]), float(rows.value.iloc[-1])


def _pct_text(pct: float | None, numerator: int, denominator: int, nothing: str = "no cases"
              ) -> str:
    if denominator == 0:
        return nothing
    return suppress_rate(pct, numerator, denominator)


def _made_of(numerator: int, denominator: int, of_what: str,
             withheld: tuple[bool, bool] = (False, False)) -> str:
    if denominator == 0:
        return f"No {of_what} in the quarter"
    return f"{made_of(numerator, denominator, withheld=withheld)} {of_what}"


def _shown_pct(pct: Any, numerator: int, denominator: int) -> float | None:
    """A percentage a board may see, or None (nothing counted, or built on a count of 1-4)."""
    if not denominator or rate_withheld(numerator, denominator) or pct is None or pd.isna(pct):
        return None
    return float(pct)


def _share(label: str, numerator: Any, denominator: Any, pct: Any, of_what: str) -> Figure:
    """A share as a figure (suppressed), with what it is made of."""
    num, den = int(numerator), int(denominator)
    return Figure(label, _pct_text(None if pd.isna(pct) else float(pct), num, den),
                  _made_of(num, den, of_what), _shown_pct(pct, num, den), percent=True)


def _count(label: str, count: int, made_of: str = "") -> Figure:
    """A count as a figure: '<5' for 1-4, else the number."""
    return Figure(label, suppress_count(count), made_of, None if is_small(count) else count)


def _rate_figure(row: Any, label: str, of_what: str) -> Figure:
    """A rates() row as a figure."""
    return _share(label, row.numerator, row.denominator, row.pct, of_what)


def monthly_rates(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> pd.DataFrame:
    """A metric by month as `group` ('2025-04'), numerator, denominator and pct: `metrics.rates`,
    or for WAITING the children waiting over 18 weeks of `metrics.waiting_times_trend`."""
    if metric == WAITING:
        return metrics.waiting_times_trend(con, f, by=None).drop(columns="group").rename(columns={
            "month": "group", "over_18_weeks": "numerator", "total_reporting_18": "denominator",
            "over_18_weeks_pct": "pct"})
    return metrics.rates(con, metric, f, "month")


def monthly_series(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters,
                   nothing: str = "no cases") -> pd.DataFrame:
    """Every month from `date_from` to `date_to` with its rate, and whether a board may see it
    (`shown`): a month with nothing counted, or a rate built on a count of 1-4, is left out."""
    frame = monthly_rates(con, metric, f)
    frame = frame.set_index(pd.to_datetime(frame["start"]).dt.date)
    rows = []
    for period in periods_between("month", f.date_from, f.date_to):
        month = key = period.start
        num = int(frame.numerator.get(key, 0))
        den = int(frame.denominator.get(key, 0))
        value = frame.pct.get(key) if den else None
        note = (nothing if den == 0 else "withheld: fewer than 5" if rate_withheld(num, den)
                else "")
        rows.append({"month": month, "period": period.short, "numerator": num,
                     "denominator": den, "pct": value, "shown": not note, "note": note,
                     "withheld": (False, False)})
    return pd.DataFrame(rows, columns=["month", "period", "numerator", "denominator", "pct",
                                       "shown", "note", "withheld"])


SECOND_WITHHELD = "withheld: would give away a month of fewer than 5"


def protect_quarter(series: pd.DataFrame, numerator: int, denominator: int, start: dt.date
                    ) -> tuple[pd.DataFrame, tuple[bool, bool]]:
    """The quarter's months protected with the quarter's figure as their total (where it is their
    sum), so that a month left out cannot be worked out as the quarter's figure less the months
    shown: further months are left out (`withheld` says which of their counts), or the quarter's
    counts withheld (returned)."""
    months = series[series.month >= start]
    if (months.empty or int(months.numerator.sum()) != numerator
            or int(months.denominator.sum()) != denominator):
        return series, (False, False)
    hidden, quarter = protect_months(list(months.numerator), list(months.denominator), numerator,
                                     denominator)
    out = series.copy()
    for withheld, index in zip(hidden, months.index, strict=True):
        out.at[index, "withheld"] = withheld
        if any(withheld) and out.at[index, "shown"]:
            out.loc[index, ["shown", "note"]] = [False, SECOND_WITHHELD]
    return out, quarter


def _finding(spec: MetricSpec, value: str, pct: float | None, target: float | None,
             when: QuarterFigure) -> str:
    if value == spec.nothing:
        return f"{spec.title}: {spec.nothing} {when.at} {when.when}"
    if value == WITHHELD:
        return f"{spec.title}: figure withheld for {when.when} ({WHY_WITHHELD})"
    text = f"{spec.title}: {value} {when.at} {when.when}"
    if target is not None and pct is not None:
        met = pct <= target if spec.improvement == "down" else pct >= target
        worse = "above" if spec.improvement == "down" else "below"
        text += f", meeting the {target:g}% target" if met else f", {worse} the {target:g}% target"
    return text


def _interpretation(chart: spc.XmR, shown: pd.DataFrame, variation: spc.Icon,
                    assurance: spc.Icon) -> tuple[str, ...]:
    if not chart.enough:
        count = len(chart.values)
        months = "No month" if count == 0 else f"Only {count} month" + ("s" if count > 1 else "")
        return (f"{months} can be shown; process limits need at least "
                f"{chart.min_points}, so no variation or assurance icon is given. Read the "
                "points as a run chart.",)
    first, last = shown.period.iloc[0], shown.period.iloc[-1]
    return (
        f"Variation: {variation.label.lower()}. {variation.explanation}",
        f"Assurance: {assurance.label.lower()}. {assurance.explanation}",
        f"Mean {chart.mean:.1f}% over {len(chart.values)} months ({first} to {last}); process "
        f"limits {max(chart.lower, 0.0):.1f}% to {min(chart.upper, 100.0):.1f}%, where a month "
        "would fall by chance alone.",
    )


def _notes(series: pd.DataFrame, nothing: str = "no cases") -> tuple[str, ...]:
    notes = []
    withheld = series[series.note.str.startswith("withheld")]
    empty = series[series.note == nothing]
    if not withheld.empty:
        notes.append(f"Left out of the chart and the limits (a count of 1-4): "
                     f"{', '.join(withheld.period)}.")
    if not empty.empty:
        notes.append(f"{nothing.capitalize()}: {', '.join(empty.period)}.")
    return tuple(notes)


def too_few_months(series: pd.DataFrame, spec: MetricSpec) -> str:
    """What a page says in place of a chart that would hold fewer than two months."""
    shown = series[series.shown]
    span = f"{series.period.iloc[0]} to {series.period.iloc[-1]}" if len(series) else "the period"
    others = ("; the other months had too few cases to show (fewer than 5) or none"
              if len(series) > len(shown) else "")
    if shown.empty:
        return (f"No month from {span} can be shown: each had too few cases to show (fewer "
                f"than 5) or {spec.nothing}. A chart needs at least {MIN_DRAWN} months.")
    row = shown.iloc[0]
    return (f"Only {row.period} can be shown ({float(row.pct):.1f}%, "
            f"{made_of(int(row.numerator), int(row.denominator))} "
            f"{spec.of_what}) of {span}{others}. A chart needs at least {MIN_DRAWN} months.")


@dataclass(frozen=True)
class QuarterFigure:
    """A metric page's headline: the quarter's counts, and how the title places them in time."""

    numerator: int
    denominator: int
    pct: float | None
    when: str  # "2025 Q4", "the end of December 2025"
    at: str = "in"  # "in 2025 Q4", "at the end of December 2025"
    incl: tuple[int, int, float | None] | None = None  # including exceptions


def quarter_figure(con: duckdb.DuckDBPyConnection, spec: MetricSpec, f: metrics.Filters,
                   quarter: Quarter) -> QuarterFigure:
    """The quarter's figure: `metrics.rates` over the quarter, or for WAITING (a snapshot each
    month) the latest month of the quarter with a return."""
    if spec.metric == WAITING:
        trend = monthly_rates(con, spec.metric, f)
        if trend.empty:
            return QuarterFigure(0, 0, None, quarter.name)
        row = trend.iloc[-1]
        month = pd.Timestamp(row.start)
        return QuarterFigure(int(row.numerator), int(row.denominator),
                             None if pd.isna(row.pct) else float(row.pct),
                             f"the end of {MONTH_NAMES[month.month]} {month.year}", "at")
    row = metrics.rates(con, spec.metric, f).iloc[0]
    incl = (int(row.numerator_incl), int(row.denominator_incl),
            None if pd.isna(row.pct_incl) else float(row.pct_incl))
    return QuarterFigure(int(row.numerator), int(row.denominator),
                         None if pd.isna(row.pct) else float(row.pct), quarter.name, incl=incl)


def metric_page(con: duckdb.DuckDBPyConnection, spec: MetricSpec, quarter: Quarter,
                las: tuple[str, ...], as_of: dt.date) -> MetricPage:
    end = min(quarter.end, as_of)
    f = metrics.Filters(quarter.start, end, as_of, las)
    headline = quarter_figure(con, spec, f, quarter)
    num, den, pct = headline.numerator, headline.denominator, headline.pct
    first = shift_months(quarter.start, -(SERIES_MONTHS - 3))
    series = monthly_series(con, spec.metric, metrics.Filters(first, end, as_of, las), spec.nothing)
    series, withheld = protect_quarter(series, num, den, quarter.start)
    value = WITHHELD if any(withheld) and den else _pct_text(pct, num, den, spec.nothing)
    if any(withheld):
        pct = None
    incl = ""
    if spec.with_exceptions and headline.incl is not None:
        n_in, d_in, p_in = headline.incl
        incl = (f"{spec.with_exceptions}: {_pct_text(p_in, n_in, d_in)} "
                f"({made_of(n_in, d_in)})")
        if differs_by_small((n_in, num), (d_in, den)) or any(withheld):
            incl = f"{spec.with_exceptions}: {WITHHELD} (would give away fewer than 5 exceptions)"
    target = load_settings().targets.get(spec.target_key)
    england = england_figure(spec.england_measure, quarter.year)
    shown = series[series.shown].reset_index(drop=True)
    chart = spc.xmr(shown.pct.astype(float).tolist())
    variation = spc.variation(chart, spec.improvement)
    assurance = spc.assurance(chart, target, spec.improvement)
    extras = PAGE_EXTRAS.get(spec.metric) or (REMIT_EXTRAS[spec.dataset] if spec.dataset else None)
    figures, tables = extras(con, f, quarter) if extras else ((), ())
    if spec.metric == metrics.DUE.metric:  # the count of requests due, and why the rate's is less
        figures = (advice_due_figure(con, f, any(withheld)), *figures)
    reference = (england[1], f"England {england[0]}: {england[1]:.1f}% (DfE)") if england else None
    height = SHORT_CHART if tables else PNG_SIZE[1]
    too_few = too_few_months(series, spec) if len(shown) < MIN_DRAWN else ""
    if too_few:
        figure = sentence_figure(too_few, f"{spec.title}, by month", height)
    else:
        figure = spc_chart(shown, chart, f"{spec.title}, by month", target, spec.improvement,
                           (first, end.replace(day=1)), (quarter.start, end), quarter.name,
                           reference, height)
    return MetricPage(
        spec=spec, title=_finding(spec, value, pct, target, headline), value=value,
        made_of=_made_of(num, den, spec.of_what, withheld), with_exceptions=incl, target=target,
        england=(f"England {england[0]}: {england[1]:.1f}% (DfE, calendar year)" if england
                 else spec.no_england),
        series=series, chart=chart, variation=variation, assurance=assurance, figure=figure,
        interpretation=_interpretation(chart, shown, variation, assurance),
        notes=(*_notes(series, spec.nothing), *((spec.caveat,) if spec.caveat else ())),
        figures=figures, tables=tables, too_few=too_few,
        number=None if any(withheld) else _shown_pct(pct, num, den),
        dfe_basis=dfe_basis_text(con, spec.metric, f) if england else "",
    )


# ---- beside the EHC pages: what the rates leave out, and the DfE's basis ---------------------

# A page's rate on the DfE's basis (a calendar year), to read beside England's figure: the
# catalogue entry, how its basis is named, what its denominator counts.
DFE_BASIS = {
    "ehcp_decisions": ("ehcp_decisions_by_request_year", "By year of request, as the DfE counts",
                       "requests decided"),
    "annual_review_decisions": ("annual_review_decisions_sent",
                                "Decisions sent, by year sent, as the DfE counts", "decisions sent"),
}


def dfe_basis_text(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> str:
    """The page's rate on the DfE's basis for the calendar year holding the quarter's end, worded
    and suppressed for a board; "" for a page without one."""
    if metric not in DFE_BASIS:
        return ""
    key, basis, of_what = DFE_BASIS[metric]
    year = metrics.dfe_year(f)
    row = metrics.rates(con, key, year).iloc[0]
    num, den = int(row.numerator), int(row.denominator)
    if den == 0:
        return f"{basis} ({year.date_from.year}): no {of_what} yet"
    return (f"{basis} ({year.date_from.year}): {_pct_text(row.pct, num, den)} "
            f"({_made_of(num, den, of_what)})")


def advice_due_figure(con: duckdb.DuckDBPyConnection, f: metrics.Filters, withheld: bool) -> Figure:
    """Beside the 6-week rate: the requests for health advice due, and why the rate counts fewer
    (withheld with the quarter's figure, as it would give that away)."""
    row = metrics.rates(con, metrics.DUE.metric, f).iloc[0]
    items, incl, den = int(row["items"]), int(row["denominator_incl"]), int(row["denominator"])
    if withheld:
        return Figure(metrics.DUE.label, WITHHELD, "withheld with the quarter's figure")
    because = metrics.due_withheld(items, incl, den)  # no small number: what it would give away
    value = metrics.due_value(items, den, denominator_incl=incl)
    return Figure(metrics.DUE.label, value, "" if because else metrics.due_note(
        items, incl, den, compact=True), items if value == f"{items:,}" else None, because=because)


def _position(con: duckdb.DuckDBPyConnection, f: metrics.Filters, key: str, what: str,
              shown_elsewhere: int | None = None) -> Figure:
    """A position on the as-of date as a figure (a count, suppressed): cases no rate counts.
    Withheld where it differs by 1-4 from a count of the same cases and others that the pack
    shows elsewhere (`shown_elsewhere`): the difference would be a small count."""
    label = f"{metrics.FIGURES[key].label} on {day_text(f.as_of)}"
    count = metrics.ehcp_positions(con, f)[key]
    if shown_elsewhere is not None and is_small(shown_elsewhere - count):
        return Figure(label, WITHHELD, because="the open cases by time left would give away "
                                               "fewer than 5 requests undecided after 20 weeks")
    return _count(label, count, what)


def plan_extras(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter) -> Extras:
    """Beside the 20-week rate (plans issued): assessments still open past 20 weeks (the
    summary's "Past 20 weeks" also counts requests still undecided then)."""
    return (_position(con, f, "ehcp_open_past_20_weeks",
                      "no final plan yet, so in no rate: the rate counts plans issued",
                      past_20_weeks(metrics.open_cases_at_risk(con, f))),), ()


def decision_extras(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter
                    ) -> Extras:
    """Beside the 6-week rate (decisions made): requests still undecided past 6 weeks."""
    return (_position(con, f, "ehcp_decisions_outstanding_past_6_weeks",
                      "no decision yet, so in no rate: the rate counts decisions made"),), ()


# ---- the wider remit's other figures ---------------------------------------------------------

Extras = tuple[tuple[Figure, ...], tuple[Table, ...]]


def annual_review_extras(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter
                         ) -> Extras:
    """The other annual review rates over the quarter, beside the decisions' chart."""
    return tuple(_rate_figure(metrics.rates(con, metric, f).iloc[0], label, of_what)
                 for metric, label, of_what in (
                     ("annual_reviews_held", "Reviews held within 12 months", "reviews due"),
                     ("annual_review_amended_plans", "Amended plans within 12 weeks of the meeting",
                      "amended plans due"),
                     ("annual_review_health_contribution",
                      "Health contributed (attended or wrote advice)", "meetings held"))), ()


def complaint_extras(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter
                     ) -> Extras:
    """Complaints received in the quarter and open on the as-of date (counts only)."""
    received = metrics.rates(con, "complaints_received", f).iloc[0]
    still_open = metrics.open_complaints(con, f)
    overdue = int((still_open.status == "overdue").sum())
    return (
        _count(f"Received in {quarter.name}", int(received["items"]),
               f"{part_text(int(received.numerator), int(received['items']))} with a health aspect"),
        _count(f"Open on {day_text(f.as_of)}", len(still_open),
               f"{part_text(overdue, len(still_open))} past their response due date"),
    ), ()


def _weeks_flag(row: Any) -> str:
    """The autism pathway's worst median wait against NICE's 13 weeks ('n/a' for other services;
    not '-', which a spreadsheet would take for the start of a formula)."""
    if pd.isna(row.nice_weeks):
        return "n/a"
    small = is_small(row.waiting_total) or pd.isna(row.waiting_total)  # suppressed at source: small
    if small or pd.isna(row.median_weeks_waiting_worst):
        return WITHHELD_CELL if small else "no median returned"
    verdict = "over" if row.median_over_nice else "within"
    return f"{verdict} {int(row.nice_weeks)} weeks (median {row.median_weeks_waiting_worst:g} weeks)"


def waiting_extras(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter) -> Extras:
    """Over 52 weeks and the total at the quarter's latest return, and each service's current
    position (its latest return on or before the as-of date)."""
    figures: tuple[Figure, ...] = ()
    trend = metrics.waiting_times_trend(con, f, by=None)
    month = None
    if not trend.empty:
        row = trend.iloc[-1]
        month = pd.Timestamp(row.start)
        left_out = _left_out(row.over_52_weeks_suppressed, "a figure")
        end = f"end of {MONTH_NAMES[month.month]} {month.year}"
        figures = (
            Figure("Waiting over 52 weeks", _pct_text(row.over_52_weeks_pct, int(row.over_52_weeks),
                                                      int(row.total_reporting_52), "no return"),
                   _made_of(int(row.over_52_weeks), int(row.total_reporting_52), "children waiting")
                   + left_out, _shown_pct(row.over_52_weeks_pct, int(row.over_52_weeks),
                                          int(row.total_reporting_52)), percent=True),
            Figure("Children waiting", SUPPRESSED_AT_SOURCE,
                   end + _left_out(row.waiting_total_suppressed, "the total"), None)
            if pd.isna(row.waiting_total) else _count("Children waiting", int(row.waiting_total), end),
        )
    current = metrics.waiting_times_current(con, f)
    total = None if month is None else trend.iloc[-1].waiting_total
    waiting = _waiting_cells(current, None if pd.isna(total) else (month, int(total)))
    # A share beside a withheld count would give the count back (to the nearest child).
    hidden = [cell in (COMPLEMENTARY, TABLE_WITHHELD) for cell in waiting]

    def shares(pcts: pd.Series, nums: pd.Series, dens: pd.Series, left: pd.Series) -> list[str]:
        return [WITHHELD if h else SUPPRESSED_AT_SOURCE if pd.isna(p) and s else suppress_rate(p, n, d)
                for h, p, n, d, s in zip(hidden, pcts, nums, dens, left, strict=True)]

    frame = _cells(pd.DataFrame({
        "Service": current.service,
        "Latest return": shorts("month", current.start),
        "Children waiting": waiting,
        "Over 18 weeks": shares(current.over_18_weeks_pct, current.over_18_weeks,
                                current.total_reporting_18, current.over_18_weeks_suppressed),
        "Over 52 weeks": shares(current.over_52_weeks_pct, current.over_52_weeks,
                                current.total_reporting_52, current.over_52_weeks_suppressed),
        "Autism: NICE 13 weeks": [_weeks_flag(r) for r in current.itertuples(index=False)],
    }, columns=["Service", "Latest return", "Children waiting", "Over 18 weeks", "Over 52 weeks",
                "Autism: NICE 13 weeks"]))
    table = Table("Waiting lists by service now", frame,
                  f"Each service's latest monthly return on or before {day_text(f.as_of)}, summed over "
                  "providers and local authorities; shares of the children waiting.",
                  "Waiting by service")
    return figures, (table,)


def _waiting_cells(current: pd.DataFrame, figure: tuple[pd.Timestamp, int] | None) -> list[str]:
    """Each service's children waiting, suppressed; where the services whose latest return is
    the figure's month add up to the figure (children waiting at the quarter's latest return),
    they are protected as parts of it, so that none of 1-4 is the figure less the others."""
    known = [not pd.isna(v) for v in current.waiting_total]  # else suppressed at source
    values = [int(v) if k else 0 for v, k in zip(current.waiting_total, known, strict=True)]
    cells = [suppress_count(v) for v in values]
    if figure is not None:
        inside = [pd.Timestamp(start) == figure[0] for start in current.start]
        if any(inside) and sum(v for v, i in zip(values, inside, strict=True) if i) == figure[1]:
            cells = suppress_with_subtotal(values, inside)
    return [c if k else SUPPRESSED_AT_SOURCE for c, k in zip(cells, known, strict=True)]


def _left_out(returns: int, what: str) -> str:
    return f"; {returns} return(s) suppressed {what} at source: left out, not 0" if returns else ""


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's withheld rates in a word, so its columns stay narrow."""
    return frame.map(lambda v: WITHHELD_CELL if v == WITHHELD else v)


REMIT_EXTRAS = {"annual_reviews": annual_review_extras, "complaints": complaint_extras,
                "waiting_times": waiting_extras}
PAGE_EXTRAS = {"ehcp_plans": plan_extras, "ehcp_decisions": decision_extras}  # by metric


def _ordered(frame: pd.DataFrame, las: tuple[str, ...]) -> pd.DataFrame:
    """Rows by local authority (`group`) in the area's order, then any other."""
    order = las_shown(las, frame.rename(columns={"group": "local_authority"}))
    return frame.set_index("group").reindex([g for g in order if g in set(frame.group)])


def schools_page(con: duckdb.DuckDBPyConnection, f: metrics.Filters, las: tuple[str, ...]
                 ) -> TablePage:
    """Medical conditions policies and mental health support from each school's latest audit:
    counts of schools only (the follow-up list of schools is the DCO's, not the board's)."""
    ref = metrics.SCHOOL_POLICY_REFERENCE
    overall = metrics.school_policy_position(con, f).iloc[0]
    schools = int(overall.schools)
    ihp = metrics.school_ihp_coverage(con, f).iloc[0]
    health = metrics.school_mental_health(con, f).iloc[0]

    def policy(column: str, label: str, hcsa: str = "") -> Figure:
        figure = _share(label, overall[column], schools, overall[f"{column}_pct"],
                        "schools audited")
        return dataclasses.replace(figure, made_of=figure.made_of + hcsa)

    figures = (
        policy("with_policy", "With a medical conditions policy",
               f"; HCSA {ref['with_policy_pct']:g}%"),
        policy("published", "Policy published on the school's website"),
        policy("compliant", "Compliant with the statutory guidance",
               f"; HCSA {ref['compliant_pct']:g}%"),
        _share("Pupils with a medical condition who have an IHP", ihp.pupils_with_ihp,
               ihp.pupils_with_medical_conditions, ihp.ihp_coverage_pct,
               f"pupils, {suppress_count(int(ihp.schools))} schools"),
        _share("With a trained senior mental health lead", health.with_smhl, health.smhl_recorded,
               health.smhl_pct, "schools answering"),
        _share("Covered by a Mental Health Support Team", health.with_mhst, health.mhst_recorded,
               health.mhst_pct, "schools answering"),
    )
    by_la = metrics.school_policy_position(con, f, by="local_authority")
    total = metrics.school_policy_position(con, f).assign(group="Total")
    position = pd.concat([_ordered(by_la, las).reset_index(), total], ignore_index=True)
    safe = suppress_frame(position, ["schools", "with_policy", "published", "compliant"], {
        "with_policy_pct": ("with_policy", "schools"), "published_pct": ("published", "schools"),
        "compliant_pct": ("compliant", "schools")}, total_row=True)
    la_table = _cells(safe)[["group", "schools", "with_policy", "with_policy_pct", "published",
                             "published_pct", "compliant", "compliant_pct"]].set_axis(
        ["Local authority", "Schools audited", "With a policy", "With a policy (%)", "Published",
         "Published (%)", "Compliant", "Compliant (%)"], axis=1)
    missing = metrics.school_elements_missing(con, f)
    missing_table = _cells(pd.DataFrame({
        "Policy element": [label[:1].upper() + label[1:] for label in missing.label],
        "Schools lacking it": [suppress_count(int(v)) for v in missing.missing],
        "Of schools with a policy": [suppress_rate(p, n, d) for p, n, d in zip(
            missing.missing_pct, missing.missing, missing.schools_with_policy, strict=True)],
    }, columns=["Policy element", "Schools lacking it", "Of schools with a policy"]))
    if schools == 0:
        title = f"Schools: no audit on or before {day_text(f.as_of)}"
    elif WITHHELD in (figures[0].value, figures[2].value):
        title = (f"Schools' medical conditions policies: {suppress_count(schools)} schools audited "
                 "(figures on fewer than 5 withheld)")
    else:
        title = (f"Schools: {figures[2].value} with a compliant medical conditions policy, "
                 f"{figures[0].value} with any ({suppress_count(schools)} audited)")
    return TablePage(
        title, "schools", "schools (medical conditions policies, mental health support)",
        (Table("Medical conditions policies by local authority", la_table,
               "Each school's latest audit; shares of the schools audited.", "Schools by LA"),
         Table("Policy elements most often missing", missing_table,
               "Schools whose latest audit found a policy lacking the element, or not reviewed "
               "in the 12 months before the audit.", "Policy elements missing")),
        figures,
        "From each school's latest audit on or before the as-of date (the quarter does not "
        "apply): schools with a medical conditions policy; with it published on their website; "
        "compliant (every element the statutory guidance asks for, and reviewed in the 12 months "
        "before the audit); pupils with an individual healthcare plan (IHP) over pupils with a "
        "medical condition; schools with a trained senior mental health lead and covered by a "
        "Mental Health Support Team, over the schools whose audit answered. Reference: the "
        "Health Conditions in Schools Alliance (HCSA) found 47.5% of schools with a policy and "
        "11.5% with one meeting the government's standard.",
        ("HCSA's figures are a national survey, not official statistics. Not every pupil with a "
         "medical condition needs an IHP. England's MHST coverage (44% of pupils, spring 2024) "
         "is a share of pupils, not of schools. The list of schools to follow up is the DCO's "
         "(the Schools page), not the board's.",),
        side_by_side=True,
    )


def phb_page(con: duckdb.DuckDBPyConnection, f: metrics.Filters, quarter: Quarter,
             las: tuple[str, ...]) -> TablePage:
    """Personal health budgets active at the quarter's end and started in it (counts only)."""
    active = metrics.phb_active(con, f).iloc[0]
    started = metrics.rates(con, "phb_started", f).iloc[0]
    on = day_text(f.as_of)
    share = _share("Of them through continuing care", active.continuing_care, active.active,
                   active.continuing_care_pct, "active budgets")
    figures = (
        _count(f"Active on {on}", int(active.active)),
        share,
        _count(f"Started in {quarter.name}", int(started["items"]),
               f"{part_text(int(started.numerator), int(started['items']))} through continuing care"),
    )
    by_la = metrics.phb_active(con, f, by="local_authority")
    begun = metrics.rates(con, "phb_started", f, by="local_authority")[["group", "items", "numerator"]]
    frame = by_la.merge(begun, on="group", how="outer").fillna(
        {"active": 0, "continuing_care": 0, "items": 0, "numerator": 0})
    frame = _ordered(frame, las).reset_index()
    frame = pd.concat([frame, pd.DataFrame([{
        "group": "Total", "active": int(active.active), "continuing_care": int(active.continuing_care),
        "continuing_care_pct": active.continuing_care_pct, "items": int(started["items"]),
        "numerator": int(started.numerator)}])], ignore_index=True)
    frame = frame.astype({"active": int, "continuing_care": int, "items": int, "numerator": int})
    safe = suppress_frame(frame, ["active", "continuing_care", "items", "numerator"],
                          {"continuing_care_pct": ("continuing_care", "active")}, total_row=True)
    table = _cells(safe)[["group", "active", "continuing_care", "continuing_care_pct", "items",
                          "numerator"]].set_axis(
        ["Local authority", f"Active on {on}", "Of them continuing care", "Continuing care (%)",
         f"Started in {quarter.name}", "Started: continuing care"], axis=1)
    title = f"Personal health budgets: {figures[0].value} active on {on}"
    if int(active.active) == 0:
        title = f"Personal health budgets: none active on {on}"
    elif share.value != WITHHELD:
        title += f", {share.value} through continuing care"
    return TablePage(
        title, "personal-health-budgets", "personal health budgets",
        (Table("Personal health budgets by local authority", table,
               f"Active on {on} (started on or before it, not ended before it); started in "
               f"{quarter.name}.", "PHB by LA"),),
        figures,
        "Children's personal health budgets from the register: those active on the as-of date "
        "(started on or before it and not ended before it), of them those funded through "
        "children's continuing care, and those started in the quarter. Children eligible for "
        "continuing care have a right to have a personal health budget (NHS standing rules).",
        ("Counts, not rates: a small area can move by a handful of budgets. A budget agreed to a "
         "future end date counts as active until then.",),
    )


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    try:
        return bool(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    except duckdb.CatalogException:  # a database made before the dataset existed
        return False


def provenance(con: duckdb.DuckDBPyConnection, samples: Path = SAMPLES) -> str:
    """'synthetic' when every file loaded is a bundled sample, 'mixed', 'local' or 'empty' (as
    the app's banner decides, from data_samples/MANIFEST.json)."""
    loaded = con.execute("SELECT file_name, file_hash FROM loads").fetchall()
    if not loaded:
        return "empty"
    manifest_path = samples / "MANIFEST.json"
    manifest = {}
    if manifest_path.exists():
        manifest = {f["name"]: f.get("sha256", "") for f in
                    json.loads(manifest_path.read_text(encoding="utf-8")).get("files", [])}
    synthetic = [bool(digest) and manifest.get(name) == digest for name, digest in loaded]
    if all(synthetic):
        return "synthetic"
    return "mixed" if any(synthetic) else "local"


def has_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any of the datasets the pack reports on holds a row."""
    return any(_has_rows(con, table) for table in ("health_advice", "ehcp", "tribunals"))


def pack_as_of(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> dt.date:
    """The as-of date a pack of `quarter` takes unless told (`default_as_of`), bounded by the
    latest extract date: the one rule the /board-pack page and the CLI share."""
    return default_as_of(quarter, queries.filter_options(con).latest_as_of)


def build_board_pack(db: Path, quarter: Quarter | str, las: Sequence[str] = (),
                     as_of: dt.date | None = None, basis: str | None = None) -> BoardPack:
    """Everything the pack shows, suppressed, with the figures: one database read. `basis` names
    the quarters ('financial' or 'calendar'; default: settings.toml's [board_pack] quarters);
    `as_of` defaults to `pack_as_of`."""
    quarter = parse_quarter(quarter) if isinstance(quarter, str) else quarter
    quarter = quarter.on(basis or load_settings().quarter_basis)
    las = tuple(las)
    # One read: each metric's counts by day are shared by its months, quarter and year.
    with reader(db) as con, metrics.remembering({}):
        latest = queries.filter_options(con).latest_as_of
        as_of = as_of or default_as_of(quarter, latest)
        if as_of < quarter.start:
            raise ValueError(f"the as-of date {as_of:%d/%m/%Y} is before {quarter.name} begins")
        f = metrics.Filters(quarter.start, min(quarter.end, as_of), as_of, las)
        loaded = {dataset for dataset in REMIT if _has_rows(con, dataset)}
        attention = {d.metric: d.text for d in commentary.needs_attention(
            con, f, quarter.name, limit=len(commentary.WATCHED))}
        pages = tuple(dataclasses.replace(page, attention=attention.get(page.spec.metric, ""))
                      for spec in METRICS if spec.dataset is None or spec.dataset in loaded
                      for page in (metric_page(con, spec, quarter, las, as_of),))
        remit = ((schools_page(con, f, las),) if "schools" in loaded else ()) + (
            (phb_page(con, f, quarter, las),) if "phb" in loaded else ())
        overdue = metrics.overdue_advice(con, f)
        cases = metrics.open_cases_at_risk(con, f)
        origin = provenance(con)
    over, risk, totals = summary_tables(overdue, cases, las, as_of)
    return BoardPack(quarter, as_of, las, load_settings().area_name, pages, over, risk,
                     totals["overdue"], totals["at_risk"], totals["open"], origin, remit,
                     tuple(words for dataset, words in REMIT.items() if dataset not in loaded),
                     latest=latest)
