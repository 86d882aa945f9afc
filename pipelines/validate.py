"""Validate a sheet against its schema: clean typed rows, and rejects that say exactly why.

Each reject names the sheet, the row number a person sees in Excel, the column (letter and
header), the value and the reason. Parsing runs once per distinct value, which keeps large
exports fast. DATA PROTECTION: personal columns are pseudonymised here and dropped; their values
never appear in a reject.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipelines import vocab
from pipelines.config import canonical_la
from pipelines.dates import DateError, parse_date
from pipelines.headers import HeaderMatch
from pipelines.pseudonym import (
    nhs_number_is_valid,
    normalise_nhs_number,
    person_key,
    pseudonym,
)
from pipelines.readers import column_letter
from pipelines.schemas import Schema

WITHHELD = "(withheld: personal data)"
_NOTE_ROW = re.compile(
    r"^\s*(grand\s+total|sub-?\s*total|total|totals|count|number of|notes?|source|end of|"
    r"report (run|generated|date)|generated|extracted|produced|\*)", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")


@dataclass
class Reject:
    sheet: str
    row: int  # as Excel numbers it
    column: str  # letter, "" when the problem is the whole row
    header: str
    value: str
    reason: str
    rule: str


@dataclass
class SheetOutcome:
    sheet: str
    kind: str
    header_row: int
    rows_read: int = 0
    blank: int = 0
    notes: int = 0
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejects: list[Reject] = field(default_factory=list)


# --- value parsers: return the canonical value, None for blank, or raise ValueError(reason) ---

def _text(value: Any) -> str | None:
    if value is None:  # a cell beyond the end of a short CSV row
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _id(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return None
    word = text.lower()
    if word in vocab.TRUE_WORDS:
        return True
    if word in vocab.FALSE_WORDS:
        return False
    raise ValueError(f"not a yes/no value: '{text}' (expected Y/N, Yes/No, True/False or 1/0)")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError(f"not a number: '{value}'")
    if isinstance(value, int | float):
        return None if value != value else float(value)
    text = _text(value)
    if text is None:
        return None
    cleaned = text.replace(",", "").replace(" ", "").rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"not a number: '{text}'") from None


def _count(value: Any) -> int | None:
    """A whole number of people or items, zero or more; thousands separators allowed."""
    number = _number(value)
    if number is None:
        return None
    if number < 0 or not number.is_integer():
        raise ValueError(f"not a count (a whole number, 0 or more): '{_cell_text(value)}'")
    return int(number)


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except DateError as exc:
        raise ValueError(str(exc)) from None


_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")  # 2025-04
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")  # 04/2025
_NAMED_MONTH = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/,']*(\d{4}|\d{2})$")  # Apr 2025, April-25


def _month(value: Any) -> dt.date | None:
    """The first day of a month, from a month ("Apr 2025", "April 2025", "2025-04", "04/2025")
    or any date in it (a month-end date, a real Excel date)."""
    text = value.strip() if isinstance(value, str) else None
    if text is not None:
        if m := _YEAR_MONTH.match(text):
            value = f"{m[1]}-{m[2]}-01"
        elif m := _MONTH_YEAR.match(text):
            value = f"01/{m[1]}/{m[2]}"
        elif m := _NAMED_MONTH.match(text):
            value = f"1 {m[1]} {m[2]}"
    try:
        day = parse_date(value)
    except DateError:
        raise ValueError(f"not a month: '{_cell_text(text if text is not None else value)}' "
                         "(expected e.g. Apr 2025, 2025-04 or a date)") from None
    return day.replace(day=1) if day else None


def _coded(index: dict[str, str], what: str, accepted: list[str]) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        found = index.get(vocab.normalise_token(text))
        if found is None:
            raise ValueError(f"unknown {what} '{text}' (accepted: {', '.join(accepted)})")
        return found
    return parse


def _la(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    found = canonical_la(text)
    if found is None:
        raise ValueError(f"unknown local authority '{text}': not an English local authority "
                         "name or code, nor a spelling listed in settings.toml")
    return found


def _nhs_number(value: Any) -> str | None:
    if _text(value) is None:
        return None
    digits = normalise_nhs_number(value)
    if not nhs_number_is_valid(digits):
        raise ValueError("invalid NHS number (not 10 digits or fails the modulus 11 check)")
    return digits


def _exception(index: dict[str, str], flag_is_lawful: bool
               ) -> Callable[[Any], tuple[str | None, str | None]]:
    """(lawful canonical exception or None, the text as recorded or None).

    A bare yes (SEN2's Week20 = true, Y, 1) declares an exception without its reason: for a plan
    that is the DfE's own field and counts; for health advice the reason is what makes it lawful
    under reg 8(2), so a bare yes is kept as recorded but not treated as lawful."""
    def parse(value: Any) -> tuple[str | None, str | None]:
        text = _text(value)
        token = vocab.normalise_token(text) if text is not None else ""
        if isinstance(value, bool) or token in vocab.TRUE_WORDS or token in vocab.FALSE_WORDS:
            if value is False or token in vocab.FALSE_WORDS:
                return None, None
            return ("exception (unspecified)" if flag_is_lawful else None), "exception flagged"
        if text is None or token in vocab.NO_EXCEPTION:
            return None, None
        return index.get(token), text
    return parse


PARSERS: dict[str, Callable[[Any], Any]] = {
    "id": _id,
    "text": _text,
    "bool": _bool,
    "number": _number,
    "date": _date,
    "la": _la,
    "nhs_number": _nhs_number,
    "service": _coded(vocab.SERVICE_INDEX, "service", list(vocab.SERVICES)),
    "decision": _coded(vocab.DECISION_INDEX, "decision", list(vocab.DECISIONS)),
    "assessment_outcome": _coded(vocab.ASSESSMENT_OUTCOME_INDEX, "assessment outcome",
                                 list(vocab.ASSESSMENT_OUTCOMES)),
    "stage": _coded(vocab.STAGE_INDEX, "stage", list(vocab.STAGES)),
    "sen_type": _coded(vocab.SEN_TYPE_INDEX, "primary need (SEN type)", list(vocab.SEN_TYPES)),
    "advice_exception": _exception(vocab.ADVICE_EXCEPTION_INDEX, flag_is_lawful=False),
    "plan_exception": _exception(vocab.PLAN_EXCEPTION_INDEX, flag_is_lawful=True),
    "count": _count,
    "month": _month,
    "source": _coded(vocab.SOURCE_INDEX, "source", list(vocab.SOURCES)),
    "review_decision": _coded(vocab.REVIEW_DECISION_INDEX, "review decision",
                              list(vocab.REVIEW_DECISIONS)),
    "phase": _coded(vocab.PHASE_INDEX, "phase", list(vocab.PHASES)),
    "complaint_stage": _coded(vocab.COMPLAINT_STAGE_INDEX, "complaint stage",
                              list(vocab.COMPLAINT_STAGES)),
    "complaint_outcome": _coded(vocab.COMPLAINT_OUTCOME_INDEX, "complaint outcome",
                                list(vocab.COMPLAINT_OUTCOMES)),
}
EXCEPTION_KINDS = frozenset({"advice_exception", "plan_exception"})
DATE_KINDS = frozenset({"date", "month"})
SQL_TYPES = {"date": "DATE", "month": "DATE", "bool": "BOOLEAN", "number": "DOUBLE",
             "count": "INTEGER"}


def stored_columns(schema: Schema) -> list[tuple[str, str]]:
    """(name, SQL type) of what the database keeps for a dataset: no personal column in clear."""
    cols: list[tuple[str, str]] = []
    for col in schema.columns:
        if col.personal:
            continue
        cols.append((col.name, SQL_TYPES.get(col.kind, "VARCHAR")))
        if col.kind in EXCEPTION_KINDS:
            cols.append((f"{col.name}_recorded", "VARCHAR"))
    if any(c.personal for c in schema.columns):
        cols += [("person_id", "VARCHAR"), ("birth_year", "INTEGER")]
    return cols


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if value.__class__ is str:
        return not value.strip()
    return value != value  # NaN


def _classify_rows(rows: list[list[Any]], mapped: list[int], required: list[int]
                   ) -> tuple[list[int], int, int]:
    """Split the rows below the header into data rows, blank rows and total/note rows. A row that
    opens with "Total", "Note", "Source"... and lacks a required field is a total or a note."""
    data, blank, notes = [], 0, 0
    last_full = -1
    mapped_set = set(mapped)
    filled = []  # per row: (cells filled in mapped columns, in other columns, first filled value)
    for i, row in enumerate(rows):
        n = others = 0
        first: Any = ""
        for c, v in enumerate(row):
            if not _is_blank(v):
                if n + others == 0:
                    first = v
                if c in mapped_set:
                    n += 1
                else:
                    others += 1
        filled.append((n, others, first))
        if n >= 2:
            last_full = i
    for i, row in enumerate(rows):
        n, others, first = filled[i]
        if n + others == 0:
            blank += 1
            continue
        lacks_required = any(c >= len(row) or _is_blank(row[c]) for c in required)
        if isinstance(first, str) and _NOTE_ROW.match(first) and lacks_required:
            notes += 1
        elif i > last_full and n + others == 1:
            notes += 1  # a lone remark below the table
        else:
            data.append(i)
    return data, blank, notes


def validate_sheet(sheet_name: str, rows: list[list[Any]], match: HeaderMatch,
                   as_of: dt.date, key: bytes) -> SheetOutcome:
    schema = match.schema
    outcome = SheetOutcome(sheet_name, schema.kind, match.row_index + 1)
    body = rows[match.row_index + 1:]
    mapped = list(match.columns.values())
    required = [match.columns[c] for c in schema.required if c in match.columns]
    data_idx, outcome.blank, outcome.notes = _classify_rows(body, mapped, required)
    outcome.rows_read = len(body)
    excel_rows = [match.row_index + 2 + i for i in data_idx]
    bad: dict[int, list[Reject]] = {}

    def reject(pos: int, col: str, value: Any, reason: str, rule: str) -> None:
        column = schema.column(col) if col else None
        letter = column_letter(match.columns[col]) if col in match.columns else ""
        shown = WITHHELD if column is not None and column.personal else _cell_text(value)
        bad.setdefault(pos, []).append(Reject(
            sheet_name, excel_rows[pos], letter, match.headers.get(col, col), shown, reason, rule))

    parsed: dict[str, list[Any]] = {}
    raw_cols: dict[str, list[Any]] = {}
    for col in schema.columns:
        if col.name not in match.columns:
            continue
        c = match.columns[col.name]
        raw = [body[i][c] if c < len(body[i]) else None for i in data_idx]
        raw_cols[col.name] = raw
        parser = PARSERS[col.kind]
        cache: dict[tuple[type, Any], Any] = {}
        values: list[Any] = []
        for pos, value in enumerate(raw):
            ck = (type(value), value)
            if ck not in cache:
                try:
                    cache[ck] = parser(value)
                except ValueError as exc:
                    cache[ck] = exc
            result = cache[ck]
            if isinstance(result, ValueError):
                rule = "impossible_date" if "impossible date" in str(result) else f"invalid_{col.kind}"
                reject(pos, col.name, value, f"{col.name}: {result}", rule)
                result = None
            values.append(result)
        parsed[col.name] = values

    n = len(data_idx)
    for col in schema.columns:
        if col.default is not None:
            values = parsed.get(col.name, [None] * n)
            parsed[col.name] = [col.default if v is None else v for v in values]

    for name in schema.required:
        values = parsed.get(name, [None] * n)
        for pos in range(n):
            if values[pos] is None and not any(r.column == column_letter(match.columns[name])
                                               for r in bad.get(pos, [])):
                reject(pos, name, raw_cols[name][pos], f"{name}: missing required field",
                       "missing_required")

    for start, end, label in schema.date_order:
        if start in parsed and end in parsed:
            for pos, (a, b) in enumerate(zip(parsed[start], parsed[end], strict=True)):
                if a is not None and b is not None and b < a:
                    reject(pos, end, raw_cols[end][pos],
                           f"{label}: {end} {b:%d/%m/%Y} is before {start} {a:%d/%m/%Y}",
                           "end_before_start")

    for part, whole, label in schema.count_order:
        if part in parsed and whole in parsed:
            for pos, (a, b) in enumerate(zip(parsed[part], parsed[whole], strict=True)):
                if a is not None and b is not None and a > b:
                    reject(pos, part, raw_cols[part][pos],
                           f"{label}: {part} {a} is more than {whole} {b}", "part_exceeds_whole")

    for col in schema.columns:
        if col.kind in DATE_KINDS and not col.future_ok and col.name in parsed:
            for pos, d in enumerate(parsed[col.name]):
                if d is not None and d > as_of:
                    reject(pos, col.name, raw_cols[col.name][pos],
                           f"{col.name}: {d:%d/%m/%Y} is after the load's as-of date "
                           f"{as_of:%d/%m/%Y}", "future_date")

    good = [pos for pos in range(n) if pos not in bad]
    outcome.rejects = [r for pos in sorted(bad) for r in bad[pos]]
    outcome.records = _records(schema, parsed, good, excel_rows, sheet_name, key)
    return outcome


def _records(schema: Schema, parsed: dict[str, list[Any]], good: list[int],
             excel_rows: list[int], sheet: str, key: bytes) -> pd.DataFrame:
    out: dict[str, list[Any]] = {}
    for name, _ in stored_columns(schema):
        if name in ("person_id", "birth_year") or name.endswith("_recorded"):
            continue
        col = schema.column(name)
        values = parsed.get(name, [None] * len(excel_rows))
        if col.kind in EXCEPTION_KINDS:
            pairs = [values[p] or (None, None) for p in good]
            out[name] = [a for a, _ in pairs]
            out[f"{name}_recorded"] = [b for _, b in pairs]
        else:
            out[name] = [values[p] for p in good]
    if any(c.personal for c in schema.columns):
        ids, years = [], []
        for p in good:
            ident, year = _person(parsed, p, key)
            ids.append(ident)
            years.append(year)
        out["person_id"], out["birth_year"] = ids, years
    frame = pd.DataFrame(out, columns=[c for c, _ in stored_columns(schema)])
    for name, sql_type in stored_columns(schema):
        if sql_type == "DATE":
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
        elif sql_type == "BOOLEAN":
            frame[name] = frame[name].astype("boolean")
        elif sql_type == "DOUBLE":
            frame[name] = frame[name].astype("Float64")
        elif sql_type == "INTEGER":
            frame[name] = frame[name].astype("Int64")
        else:
            frame[name] = frame[name].astype(object)
    frame["source_sheet"] = sheet
    frame["source_row"] = [excel_rows[p] for p in good]
    frame["row_hash"] = _row_hashes(frame, [c for c, _ in stored_columns(schema)])
    return frame


def _person(parsed: dict[str, list[Any]], p: int, key: bytes) -> tuple[str | None, int | None]:
    def get(name: str) -> Any:
        return parsed[name][p] if name in parsed else None
    dob = get("date_of_birth")
    name = get("name") or " ".join(x for x in (get("forename"), get("surname")) if x) or None
    ident = person_key(get("nhs_number"), name, dob.isoformat() if dob else None)
    return (pseudonym(key, "person", ident) if ident else None), (dob.year if dob else None)


def _row_hashes(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """A fingerprint of a record's values, to tell an unchanged repeat from an update. pandas'
    hash is vectorised and keyed by a fixed default, so it is the same in every process; the
    columns have fixed types (see `_records`), so equal values hash equally."""
    if frame.empty:
        return []
    hashes = pd.util.hash_pandas_object(frame[columns], index=False)
    return [f"{h:016x}" for h in hashes.to_numpy()]
