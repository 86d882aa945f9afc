"""The health evidence pack for an area SEND inspection: one workbook with the record-level lists
inspectors ask for, the headline series, the evidence tracker and the current self-evaluation.

DATA PROTECTION: records carry the LA's, service's and Tribunal's own references (case_id,
advice_id, appeal_id), never the pseudonym (person_id); the pack is still personal data (those
references lead back to a child), meant for the inspection team, not for publication.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipelines import inspection, metrics, status
from pipelines.config import load_settings
from pipelines.db import reader
from pipelines.exports import safe_frame, sheet_title

# Columns that would identify a child; no sheet may carry one (each list names its columns, and
# this is the backstop if a metric gains a column later).
PERSONAL = frozenset({"person_id", "birth_year", "nhs_number", "name", "forename", "surname",
                      "date_of_birth", "upn", "postcode"})

IN_PERIOD = "anchor BETWEEN $date_from AND $date_to"
MAX_WIDTH = 60  # characters; longer text wraps

# The headline series, by month: catalogue entries, each described as the catalogue words it
# (title, what places an item in a month, what the numerator and denominator count).
SERIES_KEYS = ("health_advice", "ehcp_plans", "ehcp_decisions", "tribunal_responses",
               "tribunal_appeals", "annual_review_decisions", "annual_review_health_contribution")
SERIES = {  # metric -> (what it is, what the numerator counts, what the denominator counts)
    key: (f"{m.title}, by month of {m.anchor}", m.met, m.of_what)
    for key in SERIES_KEYS for m in (metrics.CATALOGUE[key],)}
SERIES_DATASET = {"annual_review_decisions": "annual_reviews",
                  "annual_review_health_contribution": "annual_reviews"}

ADVICE_COLUMNS = ["advice_id", "case_id", "local_authority", "service", "provider", "stage",
                  "requested_date", "due_date", "returned_date", "days_to_return", "status",
                  "lawful_exception", "excluded_from_headline", "reason_recorded"]
OVERDUE_COLUMNS = ["advice_id", "case_id", "local_authority", "service", "provider",
                   "requested_date", "due_date", "days_overdue", "lawful_exception",
                   "reason_recorded", "stage"]
OPEN_CASE_COLUMNS = ["case_id", "local_authority", "request_date", "stage", "days_elapsed",
                     "days_left", "due_date", "stage_late", "lawful_exception",
                     "reason_recorded"]
APPEAL_COLUMNS = ["appeal_id", "case_id", "local_authority", "registered_date", "appeal_type",
                  "hearing_date", "outcome", "health_recommendation", "recommendation_date",
                  "response_date"]
RESPONSE_COLUMNS = ["appeal_id", "local_authority", "recommendation_date", "response_due",
                    "response_date", "status", "days_to_respond"]


def listed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The listed columns a metric returned, in order: an allow-list, so a column a metric gains
    later never reaches the pack unreviewed (and one it renames drops out, not the pack)."""
    return frame[[c for c in columns if c in frame.columns]]


def advice_requests(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Every health advice request due in the period (as the 6-week metric places it), with its
    timeliness: 'on time', 'late', 'late (not returned)' or 'pending (not yet due)'. Requests
    with a lawful reg 8(2) exception are listed and marked as excluded from the headline."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT advice_id, case_id, local_authority, service, coalesce(provider, '') AS provider,
            stage, requested_date, due_date,
            CASE WHEN returned THEN returned_date END AS returned_date, days_to_return,
            CASE WHEN met THEN 'on time' WHEN returned THEN 'late'
                 WHEN counted THEN 'late (not returned)' ELSE 'pending (not yet due)' END AS status,
            exception AS lawful_exception, excepted AS excluded_from_headline,
            exception_recorded AS reason_recorded
        FROM base WHERE {IN_PERIOD}
        ORDER BY due_date, local_authority, advice_id
    """, f).pipe(listed, ADVICE_COLUMNS)


def appeals_with_health_aspects(con: duckdb.DuckDBPyConnection, f: metrics.Filters
                                ) -> pd.DataFrame:
    """SEND Tribunal appeals registered in the period that raise health needs or provision."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.appeal_base(f)})
        SELECT * FROM base WHERE {IN_PERIOD} AND met
        ORDER BY registered_date, local_authority, appeal_id
    """, f).pipe(listed, APPEAL_COLUMNS)


def headline_series(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Each headline metric by month (`metrics.rates(..., by="month")`), one block per metric."""
    parts = []
    held = inspection.datasets_held(con)
    for metric, (what, num, den) in SERIES.items():
        needs = SERIES_DATASET.get(metric)
        if needs and needs not in held:
            continue
        frame = metrics.rates(con, metric, f, by="month")
        parts.append(pd.DataFrame({
            "metric": metric, "description": what, "month": frame["group"].astype(str),
            "numerator": frame["numerator"], "denominator": frame["denominator"],
            "pct": frame["pct"], "numerator_incl_exceptions": frame["numerator_incl"],
            "denominator_incl_exceptions": frame["denominator_incl"],
            "pct_incl_exceptions": frame["pct_incl"], "items": frame["items"],
            "small_number": frame["small"], "numerator_counts": num, "denominator_counts": den}))
    return pd.concat(parts, ignore_index=True)


def _headline(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    h = metrics.headline(con, f)
    return pd.DataFrame({"measure": list(h), "value": [h[k] for k in h]})


def _tracker(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    items = inspection.evidence_items(con)
    titles = {k: t.title for k, t in inspection.THEMES.items()}
    return items.assign(theme=items.theme.map(titles))


def _notes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    notes = inspection.current_self_evaluations(con)
    titles = {k: t.title for k, t in inspection.THEMES.items()}
    return notes.assign(theme=notes.theme.map(titles))[
        ["theme", "written_on", "author", "note", "created_at"]]


SHEETS = {  # sheet -> what it holds (the README lists them in this order)
    "Headline": "The headline figures for the period, each rate with its numerator and "
                "denominator (pipelines.metrics.headline).",
    "Headline by month": "Each headline metric by month, with numerator, denominator and the "
                         "figure including lawful exceptions; 'small_number' marks fewer than 5.",
    "Health advice requests": "Every request for health advice whose 6-week due date (the day "
                              "the service received the request + 42 days) falls in the period, "
                              "with days to return and status. Requests with a lawful reg 8(2) "
                              "exception are excluded from the headline rate and marked so.",
    "Overdue health advice": "Requests still open on the as-of date whose due date has passed, "
                             "whenever they were asked for (the DCO's action list).",
    "Open needs assessments": "Needs assessments open on the as-of date, the stage each is in "
                              "and the days left of the 20 weeks (negative: past 20 weeks).",
    "Appeals with health aspects": "SEND Tribunal appeals registered in the period that raise "
                                   "health needs or provision.",
    "Health recommendations": "Tribunal health recommendations whose 5-week response fell due in "
                              "the period, with the response and its status.",
    "Evidence tracker": "The inspection evidence tracker as it stands: item, owner, status, due "
                        "date, last updated and by whom.",
    "Self-evaluation": "The current self-evaluation note of each theme (the latest dated).",
}


def _readme(f: metrics.Filters, generated: dt.datetime, counts: dict[str, int], source: str
            ) -> pd.DataFrame:
    settings = load_settings()
    las = metrics.las_in_words(f.las)
    services = ", ".join(f.services) if f.services else "all services"
    rows = [
        ("Health evidence pack", f"{settings.area_name}: health's evidence for the area SEND "
                                 "inspection (Ofsted and CQC)."),
        ("Data", f"{status.DATA_SOURCE[source].capitalize()}."),
        ("Period", f"{f.date_from:%d/%m/%Y} to {f.date_to:%d/%m/%Y}"),
        ("As of", f"{f.as_of:%d/%m/%Y}: returns and responses dated later count as not yet made."),
        ("Local authorities", las),
        ("Health services (advice lists)", services),
        ("Generated", f"{generated:%d/%m/%Y %H:%M}"),
        ("Pseudonymisation", "Records are identified only by the local authority's case "
                             "reference (case_id), the service's advice reference (advice_id) and "
                             "the Tribunal's appeal reference (appeal_id). No names, NHS numbers, "
                             "dates of birth or addresses are held in the database, and the "
                             "internal pseudonym is left out. The references lead back to a child "
                             "through the LA's and services' own systems, so this pack is personal "
                             "data: share it only with the inspection team, securely."),
        ("Small numbers", "Counts are exact, not suppressed: the lists are record-level. Do not "
                          "publish any part of this pack; in anything published, counts of 1 to "
                          f"{settings.suppression_threshold - 1} are shown as "
                          f"'<{settings.suppression_threshold}' and rates on them withheld."),
        ("Definitions", "As in the dashboard's User guide and docs/metrics.md: days are calendar "
                        "days; 'within N weeks' means at most 7 x N days."),
    ]
    rows += [(f"Sheet: {sheet}", f"{what} Rows: {counts[sheet]:,}.")
             for sheet, what in SHEETS.items()]
    return pd.DataFrame(rows, columns=["Item", "Detail"])


def pack_sheets(con: duckdb.DuckDBPyConnection, f: metrics.Filters,
                generated: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """The pack's tables, README first."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    sheets = {
        "Headline": _headline(con, f),
        "Headline by month": headline_series(con, f),
        "Health advice requests": advice_requests(con, f),
        "Overdue health advice": listed(metrics.overdue_advice(con, f), OVERDUE_COLUMNS),
        "Open needs assessments": listed(metrics.open_cases_at_risk(con, f), OPEN_CASE_COLUMNS),
        "Appeals with health aspects": appeals_with_health_aspects(con, f),
        "Health recommendations": listed(metrics.tribunal_responses(con, f), RESPONSE_COLUMNS),
        "Evidence tracker": _tracker(con),
        "Self-evaluation": _notes(con),
    }
    for name, frame in sheets.items():
        leaked = PERSONAL & {str(c).lower() for c in frame.columns}
        if leaked:
            raise RuntimeError(f"sheet '{name}' would carry {', '.join(sorted(leaked))}")
    readme = _readme(f, generated, {name: len(frame) for name, frame in sheets.items()},
                     status.provenance(con))
    return {"README": readme, **{name: _as_dates(frame) for name, frame in sheets.items()}}


def _as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as dates (not midnight date-times), so Excel shows a day."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            days = series.dropna()
            if (days == days.dt.normalize()).all():
                out[col] = pd.Series([None if pd.isna(v) else v.date() for v in series],
                                     index=out.index, dtype=object)
    return out


def _date_format(frame: pd.DataFrame, column: str) -> str | None:
    """Excel's format for a column of days or of date-times; None for any other column."""
    values = frame[column].dropna()
    if pd.api.types.is_datetime64_any_dtype(values):
        return "dd/mm/yyyy hh:mm"
    if len(values) and isinstance(values.iloc[0], dt.date):
        return "dd/mm/yyyy"
    return None


def _width(frame: pd.DataFrame, column: str) -> int:
    values = frame[column].dropna()
    if _date_format(frame, column):
        return 17
    longest = int(values.astype(str).str.len().max()) if len(values) else 0
    return max(len(str(column)), longest, 6) + 2


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The sheets as an xlsx workbook people can read: bold frozen header, columns sized to fit
    (long text wrapped), dates as dd/mm/yyyy. Every frame goes through `exports.safe_frame`, as
    in `exports.xlsx_bytes`, so text a spreadsheet would run as a formula stays text."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=sheet_title(name), index=False)
            sheet = writer.sheets[sheet_title(name)]
            sheet.freeze_panes = "A2"
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for index, column in enumerate(frame.columns, start=1):
                width = _width(frame, column)
                letter = get_column_letter(index)
                sheet.column_dimensions[letter].width = min(width, MAX_WIDTH)
                shown_as = _date_format(frame, column)
                if shown_as or width > MAX_WIDTH:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                        if shown_as:
                            cell.number_format = shown_as
                        else:
                            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return buffer.getvalue()


def health_evidence_pack(db: Path, f: metrics.Filters, generated: dt.datetime | None = None
                         ) -> bytes:
    """The pack as an xlsx workbook (see `workbook_bytes`), read in one short-lived connection."""
    with reader(db) as con:
        sheets = pack_sheets(con, f, generated)
    return workbook_bytes(sheets)
