"""The board pack's appendix as an xlsx workbook: the headlines, every chart's monthly points
with its mean and limits, and every summary table, one sheet each. Numbers are numbers, so Excel
can add them up: counts as whole numbers (#,##0) and percentages in points shown "79.6%"; a
suppressed cell stays text ("<5", "*", "withheld"), and text that Excel would run as a formula is
made inert.

DATA PROTECTION: the same suppression as the pack's pages; no record-level identifier.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.styles import Font

from pipelines import spc
from pipelines.board_pack.model import SERIES_MONTHS, BoardPack, MetricPage, Table
from pipelines.exports import neutralise
from pipelines.suppression import WITHHELD, pair_values

# Percentages in points (79.6), shown "79.6%": as fractions, 100% would be stored as 1 and read
# back as a count of one.
PERCENT_FORMAT = '0.0"%"'
COUNT_FORMAT = "#,##0"


@dataclass(frozen=True)
class Percent:
    """A percentage in a cell, in points to one decimal (79.6), formatted "79.6%". Not a float,
    so a column of them keeps its cells' kind in a DataFrame."""

    points: float

    @classmethod
    def of(cls, pct: float | None) -> Percent | None:
        if pct is None or pd.isna(pct):
            return None
        return cls(round(float(pct), 1))


def headline_table(pack: BoardPack, numbers: bool = False) -> pd.DataFrame:
    """One row per metric page: the quarter's figure, the local target, England and the icons, as
    the pages show them (the /board-pack page's table); with `numbers`, the figure and target as
    numbers where a board may see them (the appendix), else the words the page shows."""
    def number(page: MetricPage) -> Percent | str | None:
        return Percent.of(page.number) if numbers and page.number is not None else page.value

    def target(page: MetricPage) -> Percent | str | None:
        if page.target is None:
            return ""
        return Percent.of(page.target) if numbers else f"{page.target:g}%"

    return pd.DataFrame([{
        "Metric": p.spec.title, pack.quarter.name: number(p), "Made of": p.made_of,
        "Local target": target(p), "England": p.england,
        "Local figure on England's basis": p.dfe_basis,
        # The EHC pages' positions on the as-of date (the wider remit's go on their own sheet).
        "Beside it": "; ".join(f.text for f in p.figures) if p.spec.dataset is None else "",
        "Variation": p.variation.label, "Assurance": p.assurance.label,
    } for p in pack.pages])


def series_table_cells(row: Any) -> tuple[int | str | None, int | str | None]:
    """A month's counts as the appendix shows them: numbers, or "<5" / "*" where withheld (a
    complement of 1-4, or a month that would give away another through the quarter's figure)."""
    return pair_values(row.numerator, row.denominator,
                       withheld=getattr(row, "withheld", (False, False)))


def series_table(page: MetricPage) -> pd.DataFrame:
    """The monthly points of one chart, suppressed, with the chart's mean and limits."""
    chart = page.chart
    shown_index = {month: i for i, month in enumerate(page.series.month[page.series.shown])}
    rows = []
    met, counted = page.spec.counts
    for r in page.series.itertuples(index=False):
        i = shown_index.get(r.month)
        special = ""
        if i is not None and chart.enough:
            special = "; ".join(f"{spc.RULE_NAMES[s.rule]} ({s.side})" for s in chart.signals
                                if i in s.points)
        numerator, denominator = series_table_cells(r)
        rows.append({
            "Metric": page.spec.title, "Month": r.period, met: numerator, counted: denominator,
            "Per cent": (Percent.of(r.pct) if r.shown else
                         page.spec.nothing if r.denominator == 0 else WITHHELD),
            "Mean": Percent.of(chart.mean) if chart.enough and i is not None else None,
            "Lower process limit": (Percent.of(chart.lower) if chart.enough and i is not None
                                    else None),
            "Upper process limit": (Percent.of(chart.upper) if chart.enough and i is not None
                                    else None),
            "Special cause": special,
        })
    return pd.DataFrame(rows)


def shown_number(cell: Any) -> Any:
    """A table's cell as the pages show it ("1,176", "80.4%", "<5", "withheld"), as a number
    where it is one: counts with thousands separators and percentages to one decimal are the
    only forms `pipelines.suppression` writes numbers in; anything else stays as it is."""
    if not isinstance(cell, str):
        return cell
    digits = cell.replace(",", "")
    if digits.isdigit():
        return int(digits)
    whole, point, tenth = digits.removesuffix("%").partition(".")
    if cell.endswith("%") and whole.isdigit() and (not point or tenth.isdigit()):
        return Percent.of(float(digits[:-1]))
    return cell


def _numeric(table: Table) -> pd.DataFrame:
    """A summary table with its counts and percentages as numbers where shown."""
    return table.frame.map(shown_number)


def _statutory(page: Any) -> bool:
    return isinstance(page, MetricPage) and page.spec.dataset is None


def figures_table(pack: BoardPack) -> pd.DataFrame:
    """The wider remit pages' other figures, one row each, as the pages show them (the EHC
    pages' positions are in the headline table's "Beside it")."""
    return pd.DataFrame([{"Page": page.title, "Figure": figure.label,
                          "Value": figure.value if figure.number is None else
                          Percent.of(figure.number) if figure.percent else figure.number,
                          "Made of": figure.made_of}
                         for page in pack.document() if not _statutory(page)
                         for figure in page.figures],
                        columns=["Page", "Figure", "Value", "Made of"])


def appendix_tables(pack: BoardPack) -> dict[str, pd.DataFrame]:
    about = pd.DataFrame({"Board pack": [
        pack.title, pack.subtitle, pack.scope, pack.as_at, pack.suppression_note, pack.data_note,
        pack.quarter.basis_note,
        f"SPC: XmR charts over up to {SERIES_MONTHS} months; limits need at least "
        f"{spc.MIN_POINTS} months (NHS England, Making Data Count).",
        pack.skipped_note,
    ]})
    sheets = {"About": about, "Headlines": headline_table(pack, numbers=True)}
    for sheet in dict.fromkeys(p.spec.sheet for p in pack.pages):  # one per kind of count
        sheets[sheet] = pd.concat([series_table(p) for p in pack.pages if p.spec.sheet == sheet],
                                  ignore_index=True)
    for table in (*pack.overdue, *pack.at_risk):
        sheets[table.sheet or table.title[:31]] = _numeric(table)
    figures = figures_table(pack)
    if not figures.empty:
        sheets["Wider remit figures"] = figures
    for table in (t for page in (*pack.pages, *pack.remit) for t in page.tables):
        sheets[table.sheet or table.title[:31]] = _numeric(table)
    return sheets


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, Percent):
        return value.points
    if isinstance(value, str):
        return neutralise(value)
    return value.item() if hasattr(value, "item") else value


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (names cut to Excel's 31 characters), headings in bold,
    percentages formatted "79.6%" and whole numbers #,##0."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Percent):
                    cell.number_format = PERCENT_FORMAT
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = COUNT_FORMAT
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(pack: BoardPack, out: Path | None = None) -> bytes:
    """The appendix as xlsx bytes, also written to `out` if given."""
    data = workbook_bytes(appendix_tables(pack))
    if out is not None:
        Path(out).write_bytes(data)
    return data
