"""The quarterly SEND board pack: one page per headline metric with its statistical process control
chart and icons, the overdue and at-risk lists in summary, and an appendix of tables. Built once
by `build_board_pack` and written by `write_pdf`, `write_pptx` and `write_xlsx`, which the
/board-pack page and `python -m pipelines board-pack` share.

DATA PROTECTION: a board pack is published, so every count of 1-4 shows as "<5" and rates built
on one are withheld (pipelines.suppression). No record-level identifier enters the pack.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from pipelines import benchmarks, metrics, spc
from pipelines.board_pack_charts import figure_png, spc_chart
from pipelines.bootstrap import SAMPLES
from pipelines.config import load_settings
from pipelines.db import reader
from pipelines.suppression import (
    WITHHELD,
    rate_withheld,
    suppress_count,
    suppress_rate,
    suppress_value,
)

SERIES_MONTHS = 24  # the monthly series each SPC chart shows, ending with the quarter
CLOSE_DAYS = 28  # an open case with 4 weeks or fewer left of its 20 is "due within 4 weeks"
OVERDUE_BANDS = ((14, "Up to 2 weeks overdue"), (42, "2 to 6 weeks overdue"),
                 (None, "More than 6 weeks overdue"))
MONTH_NAMES = tuple(calendar.month_name)


# ---- quarters --------------------------------------------------------------------------------

_CALENDAR_Q = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_FINANCIAL_Q = re.compile(r"^FY\s*(\d{4})\s*[-/]\s*(\d{2})\s*-?\s*Q([1-4])$", re.IGNORECASE)


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter ("2025 Q4" = October-December 2025), which is also a quarter of the
    NHS financial year ("FY2025-26 Q3"): the board (LA and ICB) reads both labels."""

    year: int
    number: int  # 1 = January-March

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        month = 3 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @property
    def financial_label(self) -> str:
        first = self.year if self.number >= 2 else self.year - 1
        return f"FY{first}-{(first + 1) % 100:02d} Q{(self.number - 2) % 4 + 1}"

    @property
    def dates(self) -> str:
        return f"{self.start.day} {MONTH_NAMES[self.start.month]} to {_day(self.end)}"

    @property
    def describe(self) -> str:
        """'2025 Q4: 1 October to 31 December 2025 (NHS financial year 2025-26, quarter 3)'."""
        fy = self.financial_label
        return (f"{self.label}: {self.dates} (NHS financial year {fy[2:9]}, quarter {fy[-1]})")

    @property
    def file_label(self) -> str:
        return f"{self.year}Q{self.number}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def parse_quarter(text: str) -> Quarter:
    """`2025Q4` (also `2025 Q4`, `2025-Q4`): the calendar quarter October-December 2025.
    `FY2025-26Q3` (also `FY2025/26 Q3`): quarter 3 of the NHS financial year April 2025-March
    2026, the same October-December 2025. Raises ValueError for anything else."""
    cleaned = " ".join(str(text).split())
    if match := _CALENDAR_Q.match(cleaned):
        return Quarter(int(match.group(1)), int(match.group(2)))
    if match := _FINANCIAL_Q.match(cleaned):
        first, second, number = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if second != (first + 1) % 100:
            raise ValueError(f"'{text}': a financial year runs from one year into the next "
                             f"(FY{first}-{(first + 1) % 100:02d})")
        return Quarter(first + 1, 1) if number == 4 else Quarter(first, number + 1)
    raise ValueError(f"'{text}' is not a quarter: give a calendar quarter such as 2025Q4 "
                     "(October-December 2025) or a financial one such as FY2025-26Q3")


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def default_as_of(quarter: Quarter, today: dt.date | None = None) -> dt.date:
    """The quarter's last day, or today if the quarter has not ended yet."""
    return min(quarter.end, today or dt.date.today())


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


# ---- what the pack reports -------------------------------------------------------------------

@dataclass(frozen=True)
class MetricSpec:
    metric: str  # a pipelines.metrics rates() metric
    title: str
    target_key: str
    of_what: str  # "requests due": read as "123 of 150 requests due"
    definition: str  # the About sentence, as dashboard/components/about.py words it
    england_measure: str | None = None
    with_exceptions: str | None = None  # how the figure including exceptions is named
    improvement: spc.Improvement = "up"


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "health_advice", "Health advice returned within 6 weeks",
        "health_advice_within_6_weeks_pct", "requests due",
        "Of the requests for health advice whose due date (the day the service received the "
        "LA's request + 42 days) falls in the period, the share returned within 42 days. A "
        "request still open after its due date counts as late; one not yet due is not counted. "
        "The headline excludes requests with a lawful reg 8(2) exception; the figure including "
        "them is shown beside it.",
        with_exceptions="Including lawful reg 8(2) exceptions"),
    MetricSpec(
        "ehcp_plans", "New EHC plans issued within 20 weeks",
        "ehcp_within_20_weeks_pct_excl_exceptions", "new plans (excluding exceptions)",
        "Of the new EHC plans whose final plan was issued in the period, the share issued within "
        "140 days of the LA receiving the request. The headline excludes plans where a 20-week "
        "exception applies; the figure including them is shown beside it, as the DfE publishes.",
        england_measure="within_20_weeks_pct_excl_exceptions",
        with_exceptions="Including 20-week exceptions"),
    MetricSpec(
        "ehcp_decisions", "Decision whether to assess within 6 weeks",
        "ehcp_decided_within_6_weeks_pct", "requests decided",
        "Of the requests decided (to assess or not) in the period, the share decided within 42 "
        "days of the LA receiving the request.",
        england_measure="decided_within_6_weeks_pct"),
    MetricSpec(
        "tribunal_responses", "Health recommendations answered within 5 weeks",
        "tribunal_health_responses_within_5_weeks_pct", "responses due",
        "Of the Tribunal's health recommendations whose response was due (recommendation + 35 "
        "days) in the period, the share the commissioner answered in writing within 35 days."),
)


@dataclass(frozen=True)
class Table:
    """A summary table as the board sees it: every count already suppressed (text cells)."""

    title: str
    frame: pd.DataFrame
    caption: str = ""
    sheet: str = ""  # its sheet in the xlsx appendix (at most 31 characters)


@dataclass(frozen=True)
class MetricPage:
    """One metric's page. Every text field is already suppressed; `series` keeps the monthly
    counts as counted (the chart draws only the months a board may see, and the appendix
    suppresses the rest), so nothing prints it as it stands."""

    spec: MetricSpec
    title: str  # the finding, in words
    value: str  # the quarter's figure as shown: "72.4%", WITHHELD or "no cases"
    made_of: str  # "362 of 500 requests due" (suppressed)
    with_exceptions: str  # the figure including exceptions, or ""
    target: float | None
    england: str  # "England 2024: 46.4% (DfE)" or "No national figure published"
    series: pd.DataFrame  # month, period, numerator, denominator, pct, shown, note
    chart: spc.XmR
    variation: spc.Icon
    assurance: spc.Icon
    figure: go.Figure
    interpretation: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def reading(self) -> str:
        """The chart's mean and limits in a sentence (the icons' words say the rest)."""
        return self.interpretation[-1]

    @property
    def target_text(self) -> str:
        return "No local target set" if self.target is None else f"Local target {self.target:g}%"


@dataclass(frozen=True)
class BoardPack:
    quarter: Quarter
    as_of: dt.date
    las: tuple[str, ...]
    area: str
    pages: tuple[MetricPage, ...]
    overdue: tuple[Table, ...]
    at_risk: tuple[Table, ...]
    overdue_total: str
    at_risk_total: str
    open_total: str
    provenance: str  # 'synthetic', 'mixed', 'local' or 'empty'
    _pngs: list[bytes] = field(default_factory=list, repr=False, compare=False)

    def chart_pngs(self) -> list[bytes]:
        """Each metric page's chart as PNG, rendered once for the PDF and the slides alike."""
        if not self._pngs:
            self._pngs.extend(figure_png(page.figure) for page in self.pages)
        return list(self._pngs)

    @property
    def title(self) -> str:
        return f"SEND board pack: {self.quarter.label}"

    @property
    def subtitle(self) -> str:
        return self.quarter.describe

    @property
    def scope(self) -> str:
        las = ", ".join(self.las) if self.las else "all local authorities"
        return f"{self.area} · {las} · figures as of {_day(self.as_of)}"

    @property
    def partial(self) -> bool:
        return self.as_of < self.quarter.end

    @property
    def data_note(self) -> str:
        if self.provenance == "synthetic":
            return ("Synthetic sample data: every child, case and date in this pack is invented "
                    "(the bundled samples).")
        if self.provenance == "mixed":
            return "Includes synthetic sample data: figures mix invented and real records."
        return ""

    @property
    def suppression_note(self) -> str:
        return ('Small numbers: counts from 1 to 4 are shown as "<5" and rates built on them '
                "are withheld, so no child can be identified.")

    @property
    def file_stem(self) -> str:
        return f"send-board-pack-{self.quarter.file_label}"

    @property
    def overdue_title(self) -> str:
        return (f"Overdue health advice: {self.overdue_total} requests open past their 6-week "
                f"due date on {_day(self.as_of)}")

    @property
    def at_risk_title(self) -> str:
        return (f"Open needs assessments: {self.at_risk_total} of {self.open_total} past 20 weeks "
                f"or due within 4 weeks on {_day(self.as_of)}")


ICON_KEY: tuple[spc.Icon, ...] = (
    spc.Icon("common_cause", "C", "Common cause", spc.GREY,
             "Only the usual variation: nothing unusual in the latest month."),
    spc.Icon("improvement", "H", "Special cause improvement (H high, L low)", spc.BLUE,
             "The latest month is unusual in the better direction."),
    spc.Icon("concern", "L", "Special cause concern (L low, H high)", spc.ORANGE,
             "The latest month is unusual in the worse direction: look into it."),
    spc.Icon("pass", "P", "Consistently passing", spc.BLUE,
             "Both process limits are on the right side of the target."),
    spc.Icon("fail", "F", "Consistently failing", spc.ORANGE,
             "Both process limits are on the wrong side of the target: a change is needed."),
    spc.Icon("hit_and_miss", "?", "Hit and miss", spc.GREY,
             "The target lies between the limits: met in some months, by chance."),
)

HOW_TO_READ: tuple[str, ...] = (
    "Each metric is drawn as an XmR statistical process control chart (NHS England, Making Data "
    f"Count) over the {SERIES_MONTHS} months to the end of the quarter: the mean, and process "
    "limits at the mean plus or minus 2.66 times the average month-to-month change. Months fall "
    "between the limits by chance alone.",
    "A month is a special cause when it is beyond a limit; when 7 or more months in a row are "
    "above or below the mean; when 7 or more months in a row rise or fall; or when two of three "
    "months in a row are close to a limit (beyond two sigma).",
    f"Limits need at least {spc.MIN_POINTS} months; a month left out for small numbers or with no "
    "cases is not counted. Quarters are calendar quarters; the NHS financial-year quarter is "
    "given beside each.",
)


# ---- building it -----------------------------------------------------------------------------

def england_figure(measure: str | None, year: int) -> tuple[int, float] | None:
    """England's figure for the latest published calendar year up to `year`."""
    if measure is None:
        return None
    frame = benchmarks.england_headlines()
    rows = frame[(frame.measure == measure) & (frame.year <= year)].sort_values("year")
    if rows.empty:
        return None
    return int(rows.year.iloc[-1]), float(rows.value.iloc[-1])


def _pct_text(pct: float | None, numerator: int, denominator: int) -> str:
    if denominator == 0:
        return "no cases"
    return suppress_rate(pct, numerator, denominator)


def _made_of(numerator: int, denominator: int, of_what: str) -> str:
    if denominator == 0:
        return f"No {of_what} in the quarter"
    return f"{suppress_count(numerator)} of {suppress_count(denominator)} {of_what}"


def monthly_series(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> pd.DataFrame:
    """Every month from `date_from` to `date_to` with its rate, and whether a board may see it
    (`shown`): a month with no cases, or a rate built on a count of 1-4, is left out."""
    frame = metrics.rates(con, metric, f, "month").set_index("group")
    rows = []
    month = f.date_from.replace(day=1)
    while month <= f.date_to:
        key = f"{month:%Y-%m}"
        num = int(frame.numerator.get(key, 0))
        den = int(frame.denominator.get(key, 0))
        value = frame.pct.get(key) if den else None
        note = ("no cases" if den == 0 else "withheld: fewer than 5" if rate_withheld(num, den)
                else "")
        rows.append({"month": month, "period": f"{month:%b %Y}", "numerator": num,
                     "denominator": den, "pct": value, "shown": not note, "note": note})
        month = _months_back(month, -1)
    return pd.DataFrame(rows, columns=["month", "period", "numerator", "denominator", "pct",
                                       "shown", "note"])


def _finding(spec: MetricSpec, value: str, pct: float | None, target: float | None,
             quarter: Quarter) -> str:
    if value == "no cases":
        return f"{spec.title}: no cases in {quarter.label}"
    if value == WITHHELD:
        return f"{spec.title}: figure withheld for {quarter.label} (fewer than 5 cases)"
    text = f"{spec.title}: {value} in {quarter.label}"
    if target is not None and pct is not None:
        text += (f", meeting the {target:g}% target" if pct >= target
                 else f", below the {target:g}% target")
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


def _notes(series: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    withheld = series[series.note.str.startswith("withheld")]
    empty = series[series.note == "no cases"]
    if not withheld.empty:
        notes.append(f"Left out of the chart and the limits (a count of 1-4): "
                     f"{', '.join(withheld.period)}.")
    if not empty.empty:
        notes.append(f"No cases: {', '.join(empty.period)}.")
    return tuple(notes)


def metric_page(con: duckdb.DuckDBPyConnection, spec: MetricSpec, quarter: Quarter,
                las: tuple[str, ...], as_of: dt.date) -> MetricPage:
    end = min(quarter.end, as_of)
    row = metrics.rates(con, spec.metric, metrics.Filters(quarter.start, end, as_of, las)).iloc[0]
    num, den = int(row.numerator), int(row.denominator)
    pct = None if pd.isna(row.pct) else float(row.pct)
    value = _pct_text(pct, num, den)
    incl = ""
    if spec.with_exceptions:
        n_in, d_in = int(row.numerator_incl), int(row.denominator_incl)
        incl = (f"{spec.with_exceptions}: {_pct_text(row.pct_incl, n_in, d_in)} "
                f"({suppress_count(n_in)} of {suppress_count(d_in)})")
    target = load_settings().targets.get(spec.target_key)
    england = england_figure(spec.england_measure, quarter.year)
    first = _months_back(quarter.start, SERIES_MONTHS - 3)
    series = monthly_series(con, spec.metric, metrics.Filters(first, end, as_of, las))
    shown = series[series.shown].reset_index(drop=True)
    chart = spc.xmr(shown.pct.astype(float).tolist())
    variation = spc.variation(chart, spec.improvement)
    assurance = spc.assurance(chart, target, spec.improvement)
    figure = spc_chart(shown, chart, f"{spec.title}, by month", target, spec.improvement,
                       (first, end.replace(day=1)), (quarter.start, end), quarter.label)
    return MetricPage(
        spec=spec, title=_finding(spec, value, pct, target, quarter), value=value,
        made_of=_made_of(num, den, spec.of_what), with_exceptions=incl, target=target,
        england=(f"England {england[0]}: {england[1]:.1f}% (DfE, calendar year)" if england
                 else "No national figure published"),
        series=series, chart=chart, variation=variation, assurance=assurance, figure=figure,
        interpretation=_interpretation(chart, shown, variation, assurance),
        notes=_notes(series),
    )


def _crosstab(frame: pd.DataFrame, rows: str, las: list[str], row_order: Sequence[str] = ()
              ) -> pd.DataFrame:
    """Counts by `rows` (every one of `row_order`, then any other) and local authority, with
    totals."""
    counts = (frame.groupby([rows, "local_authority"]).size().unstack(fill_value=0)
              .reindex(columns=las, fill_value=0))
    order = list(row_order) + sorted(r for r in counts.index if r not in row_order)
    counts = counts.reindex(order, fill_value=0)
    counts["Total"] = counts.sum(axis=1)
    counts.loc["Total"] = counts.sum(axis=0)
    counts = counts.astype(int)
    return counts


def suppress_crosstab(counts: pd.DataFrame, first: str) -> pd.DataFrame:
    out = counts.map(suppress_count).reset_index()
    out.columns = [first, *counts.columns]
    return out


def _band(days: int) -> str:
    return next(label for limit, label in OVERDUE_BANDS if limit is None or days <= limit)


def _las_shown(las: tuple[str, ...], *frames: pd.DataFrame) -> list[str]:
    if las:
        return list(las)
    present = set().union(*(set(f.local_authority) for f in frames if not f.empty))
    area = [la for la in load_settings().area_las if la in present]
    return area + sorted(present - set(area))


def _risk(days_left: int) -> str:
    return ("Past 20 weeks" if days_left < 0 else "Due within 4 weeks" if days_left <= CLOSE_DAYS
            else "On track")


RISKS = ("Past 20 weeks", "Due within 4 weeks", "On track")
STAGES = ("Awaiting decision to assess", "Assessment under way", "Draft plan issued")


def summary_tables(overdue: pd.DataFrame, cases: pd.DataFrame, las: tuple[str, ...],
                   as_of: dt.date) -> tuple[tuple[Table, ...], tuple[Table, ...], dict[str, str]]:
    """The overdue advice and open cases in counts only (no record-level ids), suppressed."""
    shown_las = _las_shown(las, overdue, cases)
    on = _day(as_of)
    overdue = overdue.assign(band=[_band(d) for d in overdue.days_overdue])
    over = (
        Table("Overdue health advice by service", suppress_crosstab(
            _crosstab(overdue, "service", shown_las), "Service"),
            f"Requests open on {on} whose 6-week due date has passed, by health service and "
            "local authority. Not bound to the quarter.", "Overdue by service"),
        Table("Overdue health advice by time overdue", suppress_crosstab(
            _crosstab(overdue, "band", shown_las, [b for _, b in OVERDUE_BANDS]), "Time overdue"),
            "The same requests, by days past the due date.", "Overdue by time overdue"),
    )
    cases = cases.assign(risk=[_risk(d) for d in cases.days_left])
    cases = cases.assign(stage=cases.stage.str.capitalize())
    risky = cases[cases.risk != "On track"]
    risk = (
        Table("Open cases at risk by stage", suppress_crosstab(
            _crosstab(risky, "stage", shown_las, STAGES), "Stage"),
            f"Needs assessments open on {on} that are past 20 weeks or have 4 weeks or fewer "
            "left, by the stage each is in and local authority.", "At risk by stage"),
        Table("Open cases by time left of the 20 weeks", suppress_crosstab(
            _crosstab(cases, "risk", shown_las, RISKS), "Time left"),
            "Every open needs assessment, by how near it is to 20 weeks.", "Open cases by time left"),
    )
    totals = {"overdue": suppress_count(len(overdue)), "at_risk": suppress_count(len(risky)),
              "open": suppress_count(len(cases))}
    return over, risk, totals


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
    for table in ("health_advice", "ehcp", "tribunals"):
        try:
            if con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
                return True
        except duckdb.CatalogException:
            continue
    return False


def build_board_pack(db: Path, quarter: Quarter | str, las: Sequence[str] = (),
                     as_of: dt.date | None = None) -> BoardPack:
    """Everything the pack shows, suppressed, with the figures: one database read."""
    quarter = parse_quarter(quarter) if isinstance(quarter, str) else quarter
    as_of = as_of or default_as_of(quarter)
    if as_of < quarter.start:
        raise ValueError(f"the as-of date {as_of:%d/%m/%Y} is before {quarter.label} begins")
    las = tuple(las)
    f = metrics.Filters(quarter.start, min(quarter.end, as_of), as_of, las)
    with reader(db) as con:
        pages = tuple(metric_page(con, spec, quarter, las, as_of) for spec in METRICS)
        overdue = metrics.overdue_advice(con, f)
        cases = metrics.open_cases_at_risk(con, f)
        origin = provenance(con)
    over, risk, totals = summary_tables(overdue, cases, las, as_of)
    return BoardPack(quarter, as_of, las, load_settings().area_name, pages, over, risk,
                     totals["overdue"], totals["at_risk"], totals["open"], origin)


# ---- the appendix (xlsx) ---------------------------------------------------------------------

def headline_table(pack: BoardPack) -> pd.DataFrame:
    return pd.DataFrame([{
        "Metric": p.spec.title, pack.quarter.label: p.value, "Made of": p.made_of,
        "Local target": "" if p.target is None else f"{p.target:g}%", "England": p.england,
        "Variation": p.variation.label, "Assurance": p.assurance.label,
    } for p in pack.pages])


def series_table(page: MetricPage) -> pd.DataFrame:
    """The monthly points of one chart, suppressed, with the chart's mean and limits."""
    chart = page.chart
    shown_index = {month: i for i, month in enumerate(page.series.month[page.series.shown])}
    rows = []
    for r in page.series.itertuples(index=False):
        i = shown_index.get(r.month)
        special = ""
        if i is not None and chart.enough:
            special = "; ".join(f"{spc.RULE_NAMES[s.rule]} ({s.side})" for s in chart.signals
                                if i in s.points)
        rows.append({
            "Metric": page.spec.title, "Month": r.period,
            "Within the time limit": suppress_value(r.numerator),
            "Counted": suppress_value(r.denominator),
            "Per cent": (round(float(r.pct), 1) if r.shown else
                         "no cases" if r.denominator == 0 else WITHHELD),
            "Mean": round(chart.mean, 1) if chart.enough and i is not None else None,
            "Lower process limit": round(chart.lower, 1) if chart.enough and i is not None else None,
            "Upper process limit": round(chart.upper, 1) if chart.enough and i is not None else None,
            "Special cause": special,
        })
    return pd.DataFrame(rows)


def _numeric(table: Table) -> pd.DataFrame:
    """A summary table with its counts as numbers where shown (so Excel can add them up)."""
    return table.frame.map(lambda v: int(v.replace(",", "")) if isinstance(v, str)
                           and v.replace(",", "").isdigit() else v)


def appendix_tables(pack: BoardPack) -> dict[str, pd.DataFrame]:
    about = pd.DataFrame({"Board pack": [
        pack.title, pack.subtitle, pack.scope, pack.suppression_note, pack.data_note,
        "Quarters are calendar quarters; the NHS financial-year quarter is given beside each.",
        f"SPC: XmR charts over up to {SERIES_MONTHS} months; limits need at least "
        f"{spc.MIN_POINTS} months (NHS England, Making Data Count).",
    ]})
    sheets = {"About": about, "Headlines": headline_table(pack),
              "Monthly series": pd.concat([series_table(p) for p in pack.pages], ignore_index=True)}
    for table in (*pack.overdue, *pack.at_risk):
        sheets[table.sheet or table.title[:31]] = _numeric(table)
    return sheets


def write_xlsx(pack: BoardPack, out: Path | None = None) -> bytes:
    from pipelines.exports import xlsx_bytes

    data = xlsx_bytes(appendix_tables(pack))
    if out is not None:
        Path(out).write_bytes(data)
    return data


def write_pdf(pack: BoardPack, out: Path | None = None) -> bytes:
    from pipelines.board_pack_pdf import pdf_bytes

    data = pdf_bytes(pack)
    if out is not None:
        Path(out).write_bytes(data)
    return data


def write_pptx(pack: BoardPack, out: Path | None = None) -> bytes:
    from pipelines.board_pack_pptx import pptx_bytes

    data = pptx_bytes(pack)
    if out is not None:
        Path(out).write_bytes(data)
    return data


WRITERS: dict[str, Any] = {".pdf": write_pdf, ".pptx": write_pptx, ".xlsx": write_xlsx}
