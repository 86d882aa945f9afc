"""Validate a sheet against its schema: clean typed rows, and rejects that say exactly why.

Each reject names the sheet, the row number a person sees in Excel, the column (letter and
header), the value and the reason. Parsing runs once per distinct value, which keeps large
exports fast. DATA PROTECTION: personal columns are pseudonymised here and dropped; their values
never appear in a reject."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines import clean_values, counts, past_the_header, vocab
from pipelines.config import canonical_la, load_settings
from pipelines.dates import DateError, parse_date
from pipelines.free_text import remove_personal_data, without_personal_data
from pipelines.headers import HeaderMatch, repeated_header
from pipelines.names_in_text import NO_NAMES, ORGANISATION_COLUMNS, Names
from pipelines.pseudonym import (
    nhs_number_is_valid,
    normalise_nhs_number,
    person_key,
    pseudonym,
)
from pipelines.readers import Cells, column_letter, text_array
from pipelines.row_hash import row_hashes, typed, value_hashes
from pipelines.rules import ERROR, WARNING, Rows, parse_rule, rules_for
from pipelines.schemas import EXCEPTION_KINDS, Column, Schema
from pipelines.sheet_names import names_in_sheet

WITHHELD = "(withheld: personal data)"
_NOTE_ROW = re.compile(
    r"^\s*(grand\s+total|sub-?\s*total|total|totals|count|number of|notes?|source|end of|"
    r"report (run|generated|date)|generated|extracted|produced|\*)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# The option letter a template's drop-down lists put before a value ("a) Male", "k) ASD").
_OPTION_LETTER = re.compile(r"^[a-z]\)\s*", re.IGNORECASE)


@dataclass
class Reject:
    """A row that breaks a rule: rejected, or for a warning, kept and reported."""

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
    records: pa.Table | None = None  # the good rows (see `_records`)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)  # rows kept but queried
    unused: list[str] = field(default_factory=list)  # headers of columns no schema column takes
    record_column: tuple[str, str] = ("", "")  # the reference's column: letter, header as written


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
    word = _OPTION_LETTER.sub("", text).lower()
    if vocab.normalise_token(word) in vocab.ANSWER_NOT_RECORDED:
        return None  # "N/A" for health's attendance where no one was invited
    if word not in vocab.TRUE_WORDS | vocab.FALSE_WORDS and (m := _ANSWER_NOTE.match(word)):
        word = m[1] or m[2]  # "Yes - SALT", "Y (OT)", "Yes OT": the answer, then a note
    if word in vocab.TRUE_WORDS:
        return True
    if word in vocab.FALSE_WORDS:
        return False
    raise ValueError(f"not a yes/no value: '{text}' (expected Y/N, Yes/No, True/False or 1/0)")


_ANSWER_NOTE = re.compile(r"^(?:(yes|no)\s|(\w+)\s*[-–:,;(])")


def _date(value: Any) -> dt.date | None:
    if (isinstance(value, str) and vocab.normalise_token(value) in vocab.DATE_NOT_RECORDED
            and not value.lstrip().startswith("#")):  # Excel's #N/A is a failed formula
        return None  # a date not known yet: blank (a required one is then missing)
    try:
        return parse_date(value)
    except DateError as exc:
        raise type(exc)(str(exc)) from None  # its type names the rule (`rules.parse_rule`)


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
        raise ValueError(f"not a month: '{counts.shown(text if text is not None else value)}' "
                         "(expected e.g. Apr 2025, 2025-04 or a date)") from None
    return day.replace(day=1) if day else None


def _coded(index: dict[str, str], what: str, accepted: list[str]) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        found = index.get(vocab.normalise_token(text))
        if found is None:  # "a) Male" (a template's option letter), "WBRI - White British"
            bare = _OPTION_LETTER.sub("", text)
            found = index.get(vocab.normalise_token(bare)) or index.get(
                vocab.normalise_token(re.split(r"\s[-–:]\s|\s\(", bare)[0]))
        if found is None:
            raise ValueError(f"unknown {what} '{text}' (accepted: {', '.join(accepted)})")
        return found
    return parse


def _known_or_as_written(index: dict[str, str]) -> Callable[[Any], str | None]:
    """A listed spelling as its label, any other text as written (an Excel error rejected)."""
    def parse(value: Any) -> str | None:
        clean_values.refuse_excel_error(text := _text(value))
        return None if text is None else index.get(vocab.normalise_token(text), text)
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


def _exception(kind: str) -> Callable[[Any], tuple[str | None, str | None]]:
    """(lawful canonical exception or None, the text as recorded or None).

    Only a reason that states a lawful exception counts (`vocab.lawful_exception`, with the area's
    own spellings from settings.toml). A bare yes (SEN2's Week20 = true, Y, 1) declares an
    exception without its reason: for a plan that is the DfE's own field and counts; for health
    advice the reason is what makes it lawful under reg 8(2), so a bare yes is kept as recorded
    but not treated as lawful."""
    def parse(value: Any) -> tuple[str | None, str | None]:
        text = _text(value)
        token = vocab.normalise_token(text) if text is not None else ""
        if isinstance(value, bool) or token in vocab.TRUE_WORDS or token in vocab.FALSE_WORDS:
            if value is False or token in vocab.FALSE_WORDS:
                return None, None
            return (vocab.UNSPECIFIED if kind == "plan" else None), "exception flagged"
        if text is None or token in vocab.NO_EXCEPTION:
            return None, None
        clean_values.refuse_excel_error(text)
        return vocab.lawful_exception(text, kind, load_settings().local_exceptions(kind)), text
    return parse


PARSERS: dict[str, Callable[[Any], Any]] = {
    "id": _id,
    "text": _text,
    "bool": _bool,
    "number": counts.number,
    "date": _date,
    "la": _la,
    "nhs_number": _nhs_number,
    "service": _coded(vocab.SERVICE_INDEX, "service", list(vocab.SERVICES)),
    "decision": _coded(vocab.DECISION_INDEX, "decision", list(vocab.DECISIONS)),
    "assessment_outcome": _coded(vocab.ASSESSMENT_OUTCOME_INDEX, "assessment outcome",
                                 list(vocab.ASSESSMENT_OUTCOMES)),
    "stage": _coded(vocab.STAGE_INDEX, "stage", list(vocab.STAGES)),
    "sen_type": _coded(vocab.SEN_TYPE_INDEX, "primary need (SEN type)", list(vocab.SEN_TYPES)),
    "advice_exception": _exception("advice"),
    "plan_exception": _exception("plan"),
    "count": counts.count,
    "month": _month,
    "source": _coded(vocab.SOURCE_INDEX, "source", list(vocab.SOURCES)),
    "review_decision": _coded(vocab.REVIEW_DECISION_INDEX, "review decision",
                              list(vocab.REVIEW_DECISIONS)),
    "phase": _coded(vocab.PHASE_INDEX, "phase", list(vocab.PHASES)),
    # A council's own wording loads as written (rejected, it would leave "complaints received").
    "complaint_stage": _known_or_as_written(vocab.COMPLAINT_STAGE_INDEX),
    "complaint_outcome": _known_or_as_written(vocab.COMPLAINT_OUTCOME_INDEX),
    "sex": _coded(vocab.SEX_INDEX, "sex (gender)", list(vocab.SEXES)),
    "ethnicity": _coded(vocab.ETHNICITY_INDEX, "ethnicity code", list(vocab.ETHNICITIES)),
    "sen_provision": _coded(vocab.SEN_PROVISION_INDEX, "SEN provision", list(vocab.SEN_PROVISIONS)),
    "appeal_outcome": _known_or_as_written(vocab.APPEAL_OUTCOME_INDEX),
}


def _classify_rows(body: list[Cells], match: HeaderMatch, required: list[int], n: int
                   ) -> tuple[np.ndarray, int, int]:
    """Split the rows below the header into data rows, blank rows and total/note rows. A row that
    opens with "Total", "Note", "Source"... and lacks a required field is a total or a note, as
    is the header repeated, and a row filled only under named columns no schema column takes (a
    remark in a tracker's "Notes")."""
    mapped_set = set(match.columns.values())
    remarks = {c for c, h in enumerate(match.cells) if isinstance(h, str) and h.strip()} - mapped_set
    # Each column's distinct values and blank cells, found on several cores at once (a small
    # sheet's in this thread: starting the threads would cost more).
    if n >= _THREADS_FROM:
        each_column(lambda cells: cells.blank, body)
    in_mapped, in_others, in_remarks = (np.zeros(n, dtype=np.int64) for _ in range(3))
    for c, cells in enumerate(body):
        filled = ~cells.blank
        if c in mapped_set:
            in_mapped += filled
        else:
            in_others += filled
            in_remarks += filled if c in remarks else 0
    total = in_mapped + in_others
    empty = total == 0
    full = np.flatnonzero(in_mapped >= 2)
    last_full = full[-1] if len(full) else -1
    lacks_required = np.zeros(n, dtype=bool)
    for c in required:
        lacks_required |= body[c].blank if c < len(body) else True
    note = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(lacks_required & ~empty):  # few rows: rejects, totals and notes
        first = next(cells.at(i) for cells in body if not cells.blank[i])
        note[i] = isinstance(first, str) and _NOTE_ROW.match(first) is not None
    note |= (np.arange(n) > last_full) & (total == 1)  # a lone remark below the table
    note |= lacks_required & (in_mapped == 0) & (in_remarks == total)
    note |= repeated_header(match, body, n)
    note &= ~empty
    data = np.flatnonzero(~empty & ~note)
    return data, int(empty.sum()), int(note.sum())


@dataclass
class _Parsed:
    """A mapped column's parsed values for the data rows, held once per distinct raw value."""

    codes: np.ndarray  # data row position -> distinct raw value
    raw: Sequence[Any]  # distinct raw values, as the file holds them
    parsed: np.ndarray  # per distinct value: the canonical value, None when blank or invalid
    invalid: np.ndarray  # per data row
    errors: dict[int, ValueError] = field(default_factory=dict)  # distinct value -> why invalid
    _dates: np.ndarray | None = field(default=None, repr=False)
    arrow: pa.Array | None = None  # `parsed` as Arrow text, where the bulk check made most of it

    @property
    def values(self) -> np.ndarray:
        return self.parsed[self.codes]

    def value(self, pos: int) -> Any:
        return self.parsed[self.codes[pos]]

    def raw_at(self, pos: int) -> Any:
        return self.raw[self.codes[pos]]

    def is_none(self) -> np.ndarray:
        if self.arrow is not None:  # the same, without looking at each of a million ids
            return self.arrow.is_null().to_numpy(zero_copy_only=False)[self.codes]
        return np.equal(self.parsed, None)[self.codes]

    def dates(self) -> np.ndarray:
        if self._dates is None:  # asked for by several rules
            self._dates = np.array(list(self.parsed), dtype="datetime64[D]")[self.codes]
        return self._dates

    def numbers(self) -> np.ndarray:
        return pd.array(self.parsed, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)[
            self.codes]


def validate_body(sheet_name: str, body: list[Cells], n: int, match: HeaderMatch,
                  as_of: dt.date, key: bytes, given: dict[str, str] | None = None,
                  names: Names | None = None) -> SheetOutcome:
    """Validate the body of a sheet (the rows below its header), given as columns. The list is
    emptied once the cells are parsed, so that they can be freed. `given`: a value for every row
    of a column the sheet lacks (the LA named with `--la`, the list a title names), parsed as
    the column's cells would be. `names`: those the whole sheet's name columns hold, taken out
    of its free text, when `body` holds only some of its rows (else found in `body`)."""
    schema = match.schema
    outcome = SheetOutcome(sheet_name, schema.kind, match.row_index + 1)
    outcome.unused = unused_headers(match)
    if (ref := schema.record_id) in match.columns:
        outcome.record_column = column_letter(match.columns[ref]), match.headers[ref]
    required = [match.columns[c] for c in schema.required if c in match.columns]
    data_idx, outcome.blank, outcome.notes = _classify_rows(body, match, required, n)
    if names is None:
        names = names_in_sheet(body, match, data_idx)
    outcome.rows_read = n
    excel_rows = match.row_index + 2 + data_idx
    m = len(data_idx)
    found: list[tuple[int, Reject]] = []  # (data row position, reject), in the order of checks
    queried: list[tuple[int, Reject]] = []  # the same, for warnings: the rows are kept

    personal = [c.name for c in schema.columns if c.personal and c.name in match.columns]

    def reject(pos: int, col: str, value: Any, reason: str, rule: str,
               severity: str = ERROR) -> None:
        column = schema.column(col) if col else None
        letter = column_letter(match.columns[col]) if col in match.columns else ""
        shown = WITHHELD if column is not None and column.personal else counts.shown(value)
        # A reason may quote a personal cell of the row (a date of birth that is impossible,
        # or before which a plan was issued): never in clear, as the value is not.
        reason = _withheld_from(reason, [form for name in personal if name in parsed
                                         for form in _quoted_forms(parsed[name], pos)])
        finding = Reject(sheet_name, int(excel_rows[pos]), letter, match.headers.get(col, col),
                         names.removed_from(without_personal_data(shown)),
                         names.removed_from(without_personal_data(reason)), rule)
        (found if severity == ERROR else queried).append((pos, finding))

    parsed: dict[str, _Parsed] = {}
    cells: Cells | None = None
    for col in schema.columns:
        if col.name not in match.columns:
            continue
        c = match.columns[col.name]
        cells = body[c] if c < len(body) else Cells(None, n)
        parsed[col.name] = column = _parse_column(cells, data_idx, _parser(col))
        for pos in np.flatnonzero(column.invalid):
            error = column.errors[column.codes[pos]]
            reject(pos, col.name, column.raw_at(pos), f"{col.name}: {error}",
                   parse_rule(col.kind, error))
        if col.suppressible:
            parsed[col.name], parsed[f"{col.name}_symbol"] = _split_symbols(column)
        if col.kind in _FREE_TEXT_KINDS and not col.personal:
            removed = remove_personal_data(
                column.parsed, column.arrow, col.kind == "id", key,
                NO_NAMES if col.name in ORGANISATION_COLUMNS else names)
            if removed.any():
                column.arrow = None  # the Arrow copy of the values holds what was removed
            for pos in np.flatnonzero(removed[column.codes]):
                stored = column.value(pos)
                reject(pos, col.name, stored[1] if isinstance(stored, tuple) else stored,
                       f"{col.name}: {_REMOVED[col.kind == 'id']}", "personal_data_removed",
                       WARNING)

    for pos, value, reason, severity in past_the_header.cells(body, match, data_idx):
        reject(pos, "", value, reason, past_the_header.RULE, severity)
    # Cells are not needed past here (rejects show the raw values _Parsed keeps): freed now.
    del cells
    body.clear()

    wanted = {name: PARSERS[schema.column(name).kind](value) for name, value in
              (given or {}).items()}
    filled: dict[str, np.ndarray] = {}  # column -> the data rows whose blank cell it filled
    for name, value in (given or {}).items():
        if name in parsed:  # the sheet's own column (`--la`): the value fills its blank cells
            filled[name] = _fill_blanks(parsed[name], wanted[name])
        else:
            parsed[name] = _Parsed(np.zeros(m, dtype=np.intp), [value],
                                   np.array([wanted[name]], dtype=object), np.zeros(m, dtype=bool))

    for col in schema.columns:
        if col.default is not None:
            if col.name in parsed:
                column = parsed[col.name]
                column.parsed[np.equal(column.parsed, None)] = col.default
                column.arrow = None
            else:
                parsed[col.name] = _Parsed(np.zeros(m, dtype=np.intp), [None],
                                           np.array([col.default], dtype=object),
                                           np.zeros(m, dtype=bool))

    rows = Rows(parsed, as_of, wanted, filled)
    for rule in rules_for(schema):
        if rule.applies(rows):
            column = parsed[rule.column]
            for pos in rule.breaks(rows):
                reject(pos, rule.column, column.raw_at(pos), rule.reason(rows, pos), rule.code,
                       rule.severity)

    found.sort(key=lambda item: item[0])  # stable: a row's rejects keep the order of the checks
    good = np.ones(m, dtype=bool)
    good[[pos for pos, _ in found]] = False
    outcome.rejects = [r for _, r in found]
    # A row rejected is not queried too: its warnings would be about a row not loaded.
    queried.sort(key=lambda item: item[0])
    outcome.warnings = [r for pos, r in queried if good[pos]]
    outcome.records = _records(schema, parsed, good, excel_rows, sheet_name, key)
    return outcome


def _quoted_forms(column: _Parsed, pos: int) -> list[str]:
    """How a row's cell can be written in a reason: as the file has it, as a message shows a
    cell, and a date as the checks write dates (31/01/2012, 2012-01-31)."""
    forms = []
    for value in (column.raw_at(pos), column.value(pos)):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            forms += [f"{value:%d/%m/%Y}", value.isoformat(), f"{value.day}/{value.month}/{value.year}"]
        elif value is not None and not isinstance(value, bool | tuple):
            forms += [str(value).strip(), counts.shown(value)]
    return [f for f in forms if len(f) >= 3]


def _withheld_from(reason: str, forms: list[str]) -> str:
    """`reason` with each of `forms` (a personal cell as written) replaced by "(withheld)"."""
    for form in sorted(set(forms), key=len, reverse=True):
        reason = reason.replace(form, "(withheld)")
    return reason


def _fill_blanks(column: _Parsed, value: Any) -> np.ndarray:
    """Put `value` in the column's blank cells (not its invalid ones, which say why); which data
    rows it filled (a warning each: `rules.la_given_filled`)."""
    blank = np.equal(column.parsed, None)
    blank[list(column.errors)] = False
    filled = blank[column.codes]
    if filled.any():
        column.parsed[blank] = value
        column.arrow = None
    return filled


def _parser(col: Column) -> Callable[[Any], Any]:
    return counts.or_symbol(col.kind) if col.suppressible else PARSERS[col.kind]


def _split_symbols(column: _Parsed) -> tuple[_Parsed, _Parsed]:
    """A suppressible count's (count, symbol) pairs as two columns: the counts, for the rules
    and the table, and the symbols printed in place of a count (`<name>_symbol`)."""
    pairs = [p or (None, None) for p in column.parsed]
    values, symbols = (np.array([p[k] for p in pairs], dtype=object) for k in (0, 1))
    return (dataclasses.replace(column, parsed=values),
            dataclasses.replace(column, parsed=symbols, errors={}))


def unused_headers(match: HeaderMatch) -> list[str]:
    """The headers of the header row that no column of the dataset takes, as written: listed in
    the load summary, so that nothing a file holds is dropped without saying so."""
    taken = set(match.columns.values())
    return [cell.strip() for position, cell in enumerate(match.cells)
            if position not in taken and isinstance(cell, str) and cell.strip()]


_FREE_TEXT_KINDS = frozenset({"id", "text", "appeal_outcome", "complaint_stage", "complaint_outcome",
                              *EXCEPTION_KINDS})
_REMOVED = ("personal data in the text (an NHS number, UPN, date of birth, email address, phone "
            "number, postcode, or a name the file's name columns hold) was removed, the rest "
            "kept; a name no name column holds cannot be told from other words",
            "the reference holds an NHS number, UPN or email address, or reads as a name: kept "
            "as a pseudonym (PSEUDONYM-...)")


def _parse_column(cells: Cells, data_idx: np.ndarray, parser: Callable[[Any], Any]) -> _Parsed:
    """Parse each distinct value of the data rows once."""
    codes, uniques = cells.distinct
    if len(data_idx) < len(codes):  # else every row is a data row, in order
        codes = codes[data_idx]
    used = np.zeros(len(uniques), dtype=bool)
    used[codes] = True
    results = np.full(len(uniques), None, dtype=object)
    kept: pa.Array | None = None  # the clean text values, in Arrow
    clean_at = np.zeros(0, dtype=np.intp)
    if parser in _ALREADY_CLEAN and used.sum() >= FAST_PATH_FROM:
        dictionary = cells.dictionary if cells.dictionary is not None else text_array(uniques)
        if dictionary is not None:
            if parser in _TEXT_PARSERS:
                clean, kept = clean_values.clean_text_arrow(dictionary, parser is _id)
                values = kept.to_numpy(zero_copy_only=False)
            else:
                clean, values = _ALREADY_CLEAN[parser](dictionary)
            clean_at = np.flatnonzero(clean)
            results[clean_at] = np.array(values, dtype=object)
            used[:len(clean)] &= ~clean
    errors: dict[int, ValueError] = {}
    for k in np.flatnonzero(used).tolist():
        try:
            results[k] = parser(clean_values.unquoted(uniques[k]))
        except ValueError as exc:
            errors[k] = exc
    arrow = None if kept is None else _with_the_rest(results, clean_at, kept)
    if not errors:
        return _Parsed(codes, uniques, results, np.zeros(len(codes), dtype=bool), arrow=arrow)
    bad = np.zeros(len(uniques), dtype=bool)
    bad[list(errors)] = True
    return _Parsed(codes, uniques, results, bad[codes], errors, arrow=arrow)


def _with_the_rest(results: np.ndarray, clean_at: np.ndarray, kept: pa.Array) -> pa.Array:
    """A text column's parsed distinct values as Arrow: the clean ones as the bulk check left
    them, the few others (parsed in Python, or None) put in their places."""
    rest_at = np.ones(len(results), dtype=bool)
    rest_at[clean_at] = False
    rest_at = np.flatnonzero(rest_at)
    index = np.empty(len(results), dtype=np.int64)
    index[clean_at] = np.arange(len(clean_at))
    index[rest_at] = len(clean_at) + np.arange(len(rest_at))
    rest = pa.array(results[rest_at].tolist(), type=pa.string())
    joined = pa.concat_arrays([kept.cast(pa.string()), rest])
    if not len(clean_at) or clean_at[-1] == len(clean_at) - 1:
        return joined  # every clean value before the rest: each is in its place already
    return joined.take(pa.array(index))


def each_column(work: Callable[[Any], Any], columns: Sequence[Any]) -> list[Any]:
    """`work` done to each column, on every core at once; the results in the columns' order. For
    work that is mostly Arrow's (finding distinct values), which lets go of the interpreter's
    lock: parsing and hashing mostly hold it, and were no quicker on several threads. A pool
    per call, not one kept: a process forked later would inherit a pool with no threads."""
    with ThreadPoolExecutor(max_workers=min(_MAX_THREADS, len(columns) or 1),
                            thread_name_prefix="validate-column") as pool:
        return list(pool.map(work, columns))


_MAX_THREADS = min(4, os.cpu_count() or 1)
_THREADS_FROM = 20_000  # rows: a sheet of fewer finds its columns' distinct values in one thread


# Distinct values from which a column's clean values are recognised in bulk (`clean_values`)
# before the parser sees the rest; below it the parser alone is quicker. The tests set it to 0
# (always) and beyond any file (never: the Python parsers alone) and compare the two.
FAST_PATH_FROM = 256


_TEXT_PARSERS = (_text, _id)
_ALREADY_CLEAN: dict[Callable[[Any], Any], Callable[[pa.Array], tuple[np.ndarray, list[Any]]]] = {
    _text: lambda values: clean_values.clean_text(values, upper=False),
    _id: lambda values: clean_values.clean_text(values, upper=True),
    _nhs_number: clean_values.clean_nhs_numbers,
    _date: clean_values.clean_dates,
}


def _records(schema: Schema, parsed: dict[str, _Parsed], good: np.ndarray,
             excel_rows: np.ndarray, sheet: str, key: bytes) -> pa.Table:
    """The good rows as an Arrow table of the stored columns, lineage and row hash. Each column
    is built from its distinct parsed values and each row's code, so no Python object is made
    per cell, and DuckDB reads the table without converting a cell at a time."""
    stored = schema.stored_columns
    n = int(good.sum())
    every_row_good = n == len(good)
    none = np.zeros(n, dtype=np.intp)
    coded: dict[str, tuple[Sequence[Any], np.ndarray | None]] = {}  # values, each row's code
    in_arrow: dict[str, pa.Array] = {}  # the same values, already Arrow text
    symbols = [f"{c.name}_symbol" for c in schema.columns if c.suppressible]
    for name, _ in stored:
        if name in ("person_id", "birth_year") or name.endswith("_recorded"):
            continue
        if name in symbols:
            symbol = parsed.get(name)
            coded[name] = ([None], none) if symbol is None else (
                symbol.parsed, symbol.codes if every_row_good else symbol.codes[good])
            continue
        col = schema.column(name)
        if name not in parsed:
            coded[name] = ([None], none)
            if col.kind in EXCEPTION_KINDS:
                coded[f"{name}_recorded"] = ([None], none)
            continue
        column = parsed[name]
        codes = column.codes if every_row_good else column.codes[good]
        if col.kind in EXCEPTION_KINDS:
            pairs = [p or (None, None) for p in column.parsed]
            coded[name] = ([p[0] for p in pairs], codes)
            coded[f"{name}_recorded"] = ([p[1] for p in pairs], codes)
        else:
            coded[name] = (column.parsed, codes)
            if column.arrow is not None:
                in_arrow[name] = column.arrow
    if any(c.personal for c in schema.columns):
        ids, years = _people(parsed, good, key)
        coded["person_id"], coded["birth_year"] = (ids, None), (years, None)
    arrays: dict[str, pa.Array] = {}
    hashes, symbol_hashes = [], []
    marked = np.zeros(n, dtype=bool)  # rows with a count printed as a symbol
    for name, sql_type in stored:
        values, codes = coded.pop(name)
        if name in symbols:
            marked |= np.not_equal(np.asarray(values, dtype=object), None)[codes]
        kept = typed(values, sql_type)
        array = in_arrow.get(name) if sql_type == "VARCHAR" else None
        # pandas hashes each value on its own, so hashing the distinct values and taking them
        # by code gives what hashing every row's value would.
        hashed = value_hashes(kept, None if array is None else
                         array.is_null().to_numpy(zero_copy_only=False))
        if array is None:
            array = pa.array(kept, from_pandas=True).cast(_ARROW_TYPES.get(sql_type, pa.string()))
        if codes is not None:
            hashed = hashed[codes]
            array = _take(array, codes)
        (symbol_hashes if name in symbols else hashes).append(hashed)
        arrays[name] = array
    arrays["source_sheet"] = pa.repeat(sheet, n)
    arrays["source_row"] = pa.array(excel_rows[good], type=pa.int32())
    arrays["row_hash"] = row_hashes(hashes, n, symbol_hashes, marked)
    return pa.table(arrays)


def _take(values: pa.Array, codes: np.ndarray) -> pa.Array:
    """Each row's value by its code. Text stays as the distinct values and the codes (a
    dictionary array, read by DuckDB as text), as copying the strings out per row costs more."""
    if not pa.types.is_string(values.type):
        return values.take(pa.array(codes))
    missing = ~values.is_valid().to_numpy(zero_copy_only=False)[codes]
    indices = pa.array(codes.astype(np.int32), mask=missing if missing.any() else None)
    return pa.DictionaryArray.from_arrays(indices, values)


_ARROW_TYPES = {"DATE": pa.date32(), "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(),
                "INTEGER": pa.int32()}
_PERSON_COLUMNS = ("nhs_number", "name", "forename", "surname", "date_of_birth")
# Identifiers that name a child on their own, strongest first (see `person_key`).
_IDENTIFIERS = ("nhs_number", "upn", "uln")


def _people(parsed: dict[str, _Parsed], good: np.ndarray, key: bytes
            ) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """person_id and birth_year of the good rows: one pseudonym per distinct person. A child
    with an NHS number is known by it alone (see `person_key`); the rest by name and birth."""
    n = int(good.sum())
    ids = np.full(n, None, dtype=object)
    for identifier in _IDENTIFIERS:
        if identifier not in parsed:
            continue
        column = parsed[identifier]
        per_value = np.array([pseudonym(key, "person", person_key(**{identifier: v}))
                              if v else None for v in column.parsed], dtype=object)
        missing = np.equal(ids, None)
        ids[missing] = per_value[column.codes[good]][missing]
    others = [c for c in _PERSON_COLUMNS if c in parsed and c != "nhs_number"]
    rest = np.flatnonzero(np.equal(ids, None))
    if others and len(rest):
        # Codes of the parsed (not raw) values: ' Amir  Kowalczyk' and 'Amir Kowalczyk' are one.
        codes = np.column_stack([pd.factorize(parsed[c].parsed)[0][parsed[c].codes[good][rest]]
                                 for c in others])
        _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
        found = np.empty(len(first), dtype=object)
        rows = np.flatnonzero(good)[rest[first]]
        for k, row in enumerate(rows.tolist()):
            found[k] = _person({c: parsed[c].value(row) for c in others}, key)[0]
        ids[rest] = found[inverse.ravel()]
    years = pd.array([None] * n, dtype="Int64")
    if "date_of_birth" in parsed:
        births = parsed["date_of_birth"].dates()[good]
        known = ~np.isnat(births)
        years = pd.array(births.astype("datetime64[Y]").astype(np.int64) + 1970, dtype="Int64")
        years[~known] = pd.NA
    return ids, years


def _person(values: dict[str, Any], key: bytes) -> tuple[str | None, int | None]:
    dob = values.get("date_of_birth")
    name = values.get("name") or " ".join(
        x for x in (values.get("forename"), values.get("surname")) if x) or None
    ident = person_key(values.get("nhs_number"), name, dob.isoformat() if dob else None,
                       upn=values.get("upn"), uln=values.get("uln"))
    return (pseudonym(key, "person", ident) if ident else None), (dob.year if dob else None)
