"""What a board pack holds: the metrics it reports (`METRICS`), its pages, tables and figures,
each already worded and suppressed for a board, and the key to its icons. Built by
`pipelines.board_pack.build`; written by the pdf, pptx and xlsx modules beside this one.

DATA PROTECTION: a board pack is published, so every count of 1-4 shows as "<5" and rates built
on one are withheld (pipelines.suppression). No record-level identifier enters the pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pipelines import metrics, spc
from pipelines.board_pack.charts import MIN_SPAN, figure_png
from pipelines.notes import NOTES
from pipelines.periods import Quarter, day_text

SERIES_MONTHS = 24  # the monthly series each SPC chart shows, ending with the quarter


def words(items: list[str]) -> str:
    """'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def default_as_of(quarter: Quarter, latest: dt.date | None = None) -> dt.date:
    """The day a pack is as at unless told: the quarter's last day, bounded by `latest`, the
    area's latest extract date (`status.default_as_of`: what the data can show; today when
    there is none). A
    past quarter's pack shows the position at its end; the current quarter's, or one the data
    stop short of, the latest data. The page and the CLI both take it from `build.pack_as_of`."""
    return min(quarter.end, latest or dt.date.today())


# ---- what the pack reports -------------------------------------------------------------------

WAITING = "waiting_over_18_weeks"  # the one metric page not built on metrics.rates()


@dataclass(frozen=True)
class MetricSpec:
    metric: str  # a pipelines.metrics rates() metric, or WAITING (metrics.waiting_times_trend)
    target_key: str
    of_what: str  # "requests due": read as "123 of 150 requests due"
    england_measure: str | None = None
    with_exceptions: str | None = None  # how the figure including exceptions is named
    improvement: spc.Improvement = "up"
    dataset: str | None = None  # the table the page needs rows in; None: always in the pack
    caveat: str = ""  # read with the figure (a note on the page)
    nothing: str = "no cases"  # a month or quarter with nothing counted
    no_england: str = "No national figure published"
    counts: tuple[str, str] = ("Within the time limit", "Counted")  # the appendix's count columns
    sheet: str = "Monthly series"  # the appendix sheet of its monthly points

    @property
    def title(self) -> str:
        return NOTES[self.metric].title

    @property
    def definition(self) -> str:
        """The About sentence, worded once in pipelines/notes.py for the pages and the pack."""
        return NOTES[self.metric].definition

# The pack's metric pages, in order: catalogue entries (title, target, England measure, direction,
# what a rate counts), each with how the pack presents it.
PAGES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("health_advice", {}),
    ("ehcp_plans", {}),
    ("ehcp_decisions", {}),
    ("tribunal_responses", {}),
    # The wider remit (issue #5): each page only when its dataset has rows.
    ("annual_review_decisions", dict(
        dataset="annual_reviews",
        caveat="England's figure counts only decisions sent; this one also counts outstanding "
               "decisions past their due date as late, so it can run lower.")),
    ("complaint_responses", dict(
        dataset="complaints",
        caveat="Complaints without a health aspect are included. A response dated after the "
               "as-of date counts as not yet sent.")),
    (WAITING, dict(
        dataset="waiting_times",
        nothing="no return",
        no_england="No national comparison in this pack",
        caveat=metrics.CATALOGUE[WAITING].caveats,
        counts=("Waiting over 18 weeks", "Children waiting"),
        sheet="Waiting by month")),
)
METRICS: tuple[MetricSpec, ...] = tuple(
    MetricSpec(key, str(m.target), m.of_what, england_measure=m.england,
               with_exceptions=m.with_exceptions, improvement="down" if m.direction == "down" else "up",
               **pack)
    for key, pack in PAGES for m in (metrics.CATALOGUE[key],))

# The wider remit's datasets, as the pack names them when one has no rows.
REMIT: dict[str, str] = {
    "annual_reviews": "annual reviews", "complaints": "complaints",
    "waiting_times": "waiting times", "schools": "schools audit",
    "phb": "personal health budgets",
}


WITHHELD_CELL = "withheld"  # a withheld rate in a table's cell (the page's notes say why)


@dataclass(frozen=True)
class Table:
    """A summary table as the board sees it: every count already suppressed (text cells)."""

    title: str
    frame: pd.DataFrame
    caption: str = ""
    sheet: str = ""  # its sheet in the xlsx appendix (at most 31 characters)


def cell_text(value: Any) -> str:
    """A table cell as the PDF and the slides print it: a missing value blank, never "None"."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def column_chars(table: Table) -> list[float]:
    """Each column's width in characters: its longest value on one line, its heading on at most
    two lines (wrapping between words). The PDF and the slides size columns by it."""
    out = []
    for column in table.frame.columns:
        heading = str(column)
        longest_word = max((len(w) for w in heading.split()), default=1)
        longest_value = max((len(cell_text(v)) for v in table.frame[column]), default=1)
        out.append(max(longest_word, (len(heading) + 1) / 2, longest_value, 5))
    return out


@dataclass(frozen=True)
class Figure:
    """A figure beside a page's headline, as the board sees it (already suppressed)."""

    label: str  # "Reviews held within 12 months"
    value: str  # "80.4%", "233", WITHHELD or "no cases"
    made_of: str = ""  # "945 of 1,176 reviews due"
    number: float | None = None  # the value as a number where a board may see it (80.4, 233)
    percent: bool = False  # whether `number` is a percentage
    # Why a withheld figure is withheld where it is no small number itself ("it would give away
    # the fewer than 5 ..."): it then reads "withheld, as ...", never "(small number)".
    because: str = ""

    @property
    def shown(self) -> str:
        """The value as a sentence or a card gives it."""
        return "withheld" if self.because else self.value

    @property
    def after(self) -> str:
        """What follows the value in a sentence: why it is withheld, what it is made of."""
        return ((f", as {self.because}" if self.because else "")
                + (f" ({self.made_of})" if self.made_of else ""))

    @property
    def text(self) -> str:
        return f"{self.label}: {self.shown}{self.after}"

    @property
    def note(self) -> str:
        """Under the value on a card: why it is withheld, then what it is made of."""
        why = f"Withheld, as {self.because}." if self.because else ""
        return " ".join(part for part in (why, self.made_of) if part)


@dataclass(frozen=True)
class MetricPage:
    """One metric's page. Every text field is already suppressed; `series` keeps the monthly
    counts as counted (the chart draws only the months a board may see, and the appendix
    suppresses the rest), so nothing prints it as it stands. `figures` and `tables` are the
    page's other figures (the wider remit's pages have them)."""

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
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    too_few: str = ""  # the sentence in place of a chart of fewer than two months, or ""
    number: float | None = None  # the quarter's percentage where a board may see it, else None
    dfe_basis: str = ""  # the local figure on the DfE's basis, read beside `england`, or ""
    # The "needs attention" sentence (pipelines.commentary: the DCO's wording if edited, else the
    # draft) when the measure is in the worst state; "" otherwise. It opens the page.
    attention: str = ""

    @property
    def drawn(self) -> bool:
        """Whether the page has a chart (else `figure` holds the sentence `too_few`)."""
        return not self.too_few

    @property
    def chart_alt(self) -> str:
        """The chart's alternative text."""
        if not self.drawn:
            return f"SPC chart not drawn for {self.spec.title}: {self.too_few}"
        return f"SPC chart of {self.spec.title} by month. " + " ".join(self.interpretation)

    @property
    def anchor(self) -> str:
        return self.spec.metric.replace("_", "-")

    @property
    def reading(self) -> str:
        """The chart's mean and limits in a sentence (the icons' words say the rest)."""
        return self.interpretation[-1]

    @property
    def target_text(self) -> str:
        return "No local target set" if self.target is None else f"Local target {self.target:g}%"


@dataclass(frozen=True)
class TablePage:
    """A page of figures and tables with no chart: the overdue and at-risk summaries, schools and
    personal health budgets. Every cell is already suppressed; no record-level identifier."""

    title: str  # the finding, in words
    anchor: str
    name: str  # how the cover's contents line names it
    tables: tuple[Table, ...]
    figures: tuple[Figure, ...] = ()
    about: str = ""  # the definition, for "About this page"
    notes: tuple[str, ...] = ()
    side_by_side: bool = False  # the tables in columns rather than one under another


Page = MetricPage | TablePage


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
    remit: tuple[TablePage, ...] = ()  # schools and personal health budgets, where loaded
    skipped: tuple[str, ...] = ()  # the wider remit's datasets with no rows (REMIT's words)
    latest: dt.date | None = None  # the latest extract date across sources when it was built
    _pngs: list[bytes] = field(default_factory=list, repr=False, compare=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> BoardPack:
        # Immutable once built: a copy (fpdf2 copies its document to try a layout) shares it.
        return self

    def chart_pngs(self) -> list[bytes]:
        """Each metric page's chart as PNG, rendered once for the PDF and the slides alike."""
        if not self._pngs:
            self._pngs.extend(figure_png(page.figure) for page in self.pages)
        return list(self._pngs)

    def document(self) -> tuple[Page, ...]:
        """Every page after the cover, in order: the statutory metrics, their summaries, then the
        wider remit (its metric pages, then its tables)."""
        statutory = tuple(p for p in self.pages if p.spec.dataset is None)
        remit = tuple(p for p in self.pages if p.spec.dataset is not None)
        summaries = (TablePage(self.overdue_title, "overdue", "overdue health advice", self.overdue),
                     TablePage(self.at_risk_title, "at-risk", "open needs assessments", self.at_risk))
        return (*statutory, *summaries, *remit, *self.remit)

    @property
    def contents_note(self) -> str:
        """The pages without a chart, which the cover's headline table does not list."""
        names = [p.name for p in self.document() if isinstance(p, TablePage)]
        return "Also in this pack: " + words(names) + "." if names else ""

    @property
    def skipped_note(self) -> str:
        return (f"Not in this pack (no data loaded): {words(list(self.skipped))}."
                if self.skipped else "")

    @property
    def title(self) -> str:
        return f"SEND board pack: {self.quarter.name}"

    @property
    def subtitle(self) -> str:
        return self.quarter.describe

    @property
    def how_to_read(self) -> tuple[str, ...]:
        """How to read the charts, and which quarters the pack reports."""
        *first, limits, grey = HOW_TO_READ
        return (*first, f"{limits} {self.quarter.basis_note}", grey)

    @property
    def scope(self) -> str:
        las = metrics.las_in_words(self.las)
        return f"{self.area} · {las} · figures as of {day_text(self.as_of)}"

    @property
    def partial(self) -> bool:
        return self.as_of < self.quarter.end

    @property
    def as_at(self) -> str:
        """The day the figures describe and why that day, for the pack's face."""
        day, end = day_text(self.as_of), day_text(self.quarter.end)
        if self.as_of == self.quarter.end:
            return f"Figures as at {day}, the quarter's last day."
        if self.as_of > self.quarter.end:
            return f"Figures as at {day}, after the quarter's end ({end})."
        why = ("the latest extract date: the data do not reach the quarter's end"
               if self.as_of == self.latest else "before the quarter's end")
        return f"Figures as at {day}, {why} ({end}): they cover part of the quarter."

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
        return ('Small numbers: counts from 1 to 4 are shown as "<5", and rates built on them, '
                "or whose cases not counted are fewer than 5, are withheld, so no child can be "
                'identified; a count shown as "*" is withheld so that a "<5" cannot be worked '
                "out from a total, the other cells of its row or column, or the rate beside it.")

    @property
    def file_stem(self) -> str:
        return f"send-board-pack-{self.quarter.file_label}"

    @property
    def overdue_title(self) -> str:
        return (f"Overdue health advice: {self.overdue_total} requests open past their 6-week "
                f"due date on {day_text(self.as_of)}")

    @property
    def at_risk_title(self) -> str:
        return (f"Open needs assessments: {self.at_risk_total} of {self.open_total} past 20 weeks "
                f"or due within 4 weeks on {day_text(self.as_of)}")


SQUARE_ICONS = frozenset({"concern", "fail"})  # drawn square, the others round (greyscale)


def icon_is_square(icon: spc.Icon) -> bool:
    """Concern and failing icons are squares, so they differ from improvement in grey too."""
    return icon.kind in SQUARE_ICONS


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
    "between the limits by chance alone. The per cent axis holds the limits and the target and "
    f"spans at least {MIN_SPAN:g} points, so a flat series (every month 100%) looks flat.",
    "A month is a special cause when it is beyond a limit; when 7 or more months in a row are "
    "above or below the mean; when 7 or more months in a row rise or fall; or when two of three "
    "months in a row are close to a limit (beyond two sigma).",
    f"Limits need at least {spc.MIN_POINTS} months; a month left out for small numbers or with no "
    "cases is not counted, and the line breaks there (a gap), so it never reads as continuous. A "
    "chart that would hold fewer than two months is given as a sentence.",
    "Improvement and concern differ in shape as well as colour, so they read in grey: in the "
    "charts improvement is a filled diamond and concern a hollow square; concern and failing "
    "icons are square, the others round.",
)
