"""What the DCO types into the app (evidence items, chase notes, board commentary) and what a
loaded file's text columns hold: a cell left blank, and text that must not hold an NHS number,
a UPN or a date of birth. Checked once here for every editor and every load."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.pseudonym import nhs_number_is_valid, pseudonym

# Ten digits, as NHS numbers are written (3-3-4, with spaces or dashes, or run together).
_DIGIT_RUN = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
IDENTIFIES = "Do not record anything that identifies a child here."
# A date as exports write one, after a label that says whose birth it is not needed to know.
# Every repeat is bounded, so a cell of 30,000 spaces after "DOB" costs no more than a short
# one (an unbounded `\s*` beside another backtracks for seconds on such a cell).
_SPACE = r"\s{0,3}"
_A_DATE = (rf"\d{{1,2}}{_SPACE}[/.\-]{_SPACE}\d{{1,2}}{_SPACE}[/.\-]{_SPACE}\d{{2,4}}"
           r"|\d{4}-\d{1,2}-\d{1,2}")
_DOB = r"d\.?\s?o\.?\s?b|date\s{1,3}of\s{1,3}birth"
_BIRTH_DATE = re.compile(
    rf"(\b(?:{_DOB}|birth\s{{0,3}}date|born(?:\s{{1,3}}on)?)\b\.?{_SPACE}[:\-]?{_SPACE})"
    rf"({_A_DATE}|\d{{1,2}}(?:st|nd|rd|th)?\s{{1,3}}[A-Za-z]{{3,9}}\.?,?\s{{1,3}}\d{{2,4}})"
    r"(?!\d)", re.IGNORECASE)
# The same date with its label after it: "12/03/2015 (DOB)".
_BIRTH_DATE_BEFORE = re.compile(
    rf"(?<!\d)({_A_DATE})({_SPACE}[(\[,-]?{_SPACE}(?:{_DOB})\b)", re.IGNORECASE)
# What may lead to either, found by Arrow over many values at once (RE2 syntax).
_MAY_HOLD = (r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}|[A-Za-z][0-9]{11}[0-9A-Za-z]|d\.?\s?o\.?\s?b|"
             r"birth|born")
# A unique pupil number: its check letter, then 12 characters (the last a letter in a
# temporary UPN); the check letter is the weighted sum of the others modulo 23 (DfE's guide).
_UPN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d{11}[0-9A-Za-z](?![A-Za-z0-9])")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# A reference made of a keyed pseudonym already (a SEN2 request's: the child's, then the
# received date), whose hex digits may by chance pass the NHS number check.
_KEYED = re.compile(r"^(?:PSEUDONYM-)?[0-9A-Fa-f]{20}(?:/|$)")
# A reference written as a person's name ("Jane Smith", "SMITH, Jane", "Amy O'Neil-Brown"): two
# to four words of letters and no digit, as hand-kept trackers headed "Case" or "Child" may hold.
# No case system numbers its cases so; every repeat is bounded.
_WORD = r"[^\W\d_][^\W\d_'’.\-]{0,40}(?:['’.\-][^\W\d_]{1,40}){0,3}\.?"
_NAME_LIKE = re.compile(rf"{_WORD}(?:,?\s{{1,3}}{_WORD}){{1,3}}")
_MAY_BE_A_NAME = r"^[^0-9]*[^0-9\s,][\s,]+[^0-9\s,][^0-9]*$"  # RE2: no digit, two words or more
# A reference of an NHS number and the zeros a case system padded it with ("009434765919").
_PADDED = re.compile(r"0+(\d{10})(?:\.0+)?")
NHS_NUMBER_REMOVED = "[NHS number removed]"
UPN_REMOVED = "[UPN removed]"
BIRTH_DATE_REMOVED = "[date of birth removed]"


def is_blank(value: Any) -> bool:
    """None, an empty or all-space text, or a missing value of pandas (NaN, NaT, NA)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def nhs_number_in(text: str) -> str | None:
    """The first run of ten digits in `text` that passes the NHS number's check, as written."""
    for match in _DIGIT_RUN.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", match.group())):
            return match.group()
    return None


def upn_is_valid(text: str) -> bool:
    """A unique pupil number whose check letter is right (upper or lower case)."""
    upn = text.upper()
    if not _UPN.fullmatch(upn) or upn[-1] in "IOS":
        return False
    total = sum((int(c) if c.isdigit() else _UPN_LETTERS.index(c)) * weight
                for c, weight in zip(upn[1:], range(2, 14), strict=True))
    return upn[0] == _UPN_LETTERS[total % 23]


def upn_in(text: str) -> str | None:
    """The first unique pupil number in `text` whose check letter is right, as written."""
    return next((m.group() for m in _UPN.finditer(text) if upn_is_valid(m.group())), None)


def reads_as_a_name(text: str) -> bool:
    """Whether a reference reads as a person's name: words of letters, no digit (`_NAME_LIKE`)."""
    return _NAME_LIKE.fullmatch(text.strip()) is not None


def without_personal_data(text: str) -> str:
    """`text` with every NHS number (ten digits that pass the check, as `nhs_number_in` finds
    them), every UPN (`upn_in`) and every date labelled as a date of birth ("DOB 12/03/2015")
    replaced by a note saying what was removed; the rest as written."""
    text = _DIGIT_RUN.sub(lambda m: NHS_NUMBER_REMOVED if nhs_number_is_valid(
        re.sub(r"\D", "", m.group())) else m.group(), text)
    text = _UPN.sub(lambda m: UPN_REMOVED if upn_is_valid(m.group()) else m.group(), text)
    text = _BIRTH_DATE.sub(lambda m: m.group(1) + BIRTH_DATE_REMOVED, text)
    return _BIRTH_DATE_BEFORE.sub(lambda m: BIRTH_DATE_REMOVED + m.group(2), text)


def may_hold_personal_data(values: pa.Array) -> np.ndarray:
    """Which of the text `values` may hold an NHS number or a labelled date of birth, found in
    bulk so that only those few are looked at one by one (`without_personal_data`)."""
    found = pc.match_substring_regex(values.cast(pa.string()), _MAY_HOLD, ignore_case=True)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def remove_personal_data(values: np.ndarray, texts: pa.Array | None, reference: bool,
                         key: bytes) -> np.ndarray:
    """A loaded column's distinct parsed values (text, or an exception's (lawful, as recorded))
    without NHS numbers, UPNs or labelled dates of birth, changed in place; which ones changed. A
    `reference` (a case or request id) that holds an NHS number or UPN, or reads as a name
    (`reads_as_a_name`), becomes a keyed pseudonym, the same in every file; other text loses just
    the number or date. `texts`: the values as Arrow text, when the reader made them so. Only
    values that may hold one are read in Python."""
    changed = np.zeros(len(values), dtype=bool)
    if texts is None:
        texts = pa.array([v[1] if isinstance(v, tuple) else v for v in values], type=pa.string())
    may = may_hold_personal_data(texts)
    if reference:
        may |= pc.match_substring_regex(texts.cast(pa.string()), _MAY_BE_A_NAME).fill_null(
            False).to_numpy(zero_copy_only=False)
    for k in np.flatnonzero(may).tolist():
        value = values[k]
        text = value[1] if isinstance(value, tuple) else value
        if reference:
            if (padded := _PADDED.fullmatch(text)) and nhs_number_is_valid(padded[1]):
                text = padded[1]  # one pseudonym however many zeros a system padded it with
            elif _KEYED.match(text) or (nhs_number_in(text) is None and upn_in(text) is None
                                        and not reads_as_a_name(text)):
                continue
            spelled = _DIGIT_RUN.sub(lambda m: re.sub(r"\D", "", m.group()), text.upper())
            spelled = " ".join(spelled.split())  # a name spaced twice is the same name
            clean = "PSEUDONYM-" + pseudonym(key, "reference", spelled).upper()
        else:
            clean = without_personal_data(text)
            if clean == text:
                continue
        values[k] = (value[0], clean) if isinstance(value, tuple) else clean
        changed[k] = True
    return changed
