"""What the DCO types into the app (evidence items, chase notes, board commentary) and what a
loaded file's text columns hold: a cell left blank, and text that must not hold an NHS number
or a date of birth. Checked once here for every editor and every load."""

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
_BIRTH_DATE = re.compile(
    r"(\b(?:d\.?\s?o\.?\s?b|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\b\.?\s*[:\-]?\s*)"
    r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4})(?!\d)",
    re.IGNORECASE)
# What may lead to either, found by Arrow over many values at once (RE2 syntax).
_MAY_HOLD = r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}|d\.?\s?o\.?\s?b|birth|born"
NHS_NUMBER_REMOVED = "[NHS number removed]"
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


def without_personal_data(text: str) -> str:
    """`text` with every NHS number (ten digits that pass the check, as `nhs_number_in` finds
    them) and every date labelled as a date of birth ("DOB 12/03/2015") replaced by a note
    saying what was removed; the rest as written."""
    text = _DIGIT_RUN.sub(lambda m: NHS_NUMBER_REMOVED if nhs_number_is_valid(
        re.sub(r"\D", "", m.group())) else m.group(), text)
    return _BIRTH_DATE.sub(lambda m: m.group(1) + BIRTH_DATE_REMOVED, text)


def may_hold_personal_data(values: pa.Array) -> np.ndarray:
    """Which of the text `values` may hold an NHS number or a labelled date of birth, found in
    bulk so that only those few are looked at one by one (`without_personal_data`)."""
    found = pc.match_substring_regex(values.cast(pa.string()), _MAY_HOLD, ignore_case=True)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def remove_personal_data(values: np.ndarray, texts: pa.Array | None, reference: bool,
                         key: bytes) -> np.ndarray:
    """A loaded column's distinct parsed values (text, or an exception's (lawful, as recorded))
    without NHS numbers or labelled dates of birth, changed in place; which ones changed. A
    `reference` (a case or request id) that holds an NHS number becomes a keyed pseudonym of it,
    the same in every file; other text loses just the number or date. `texts`: the values as
    Arrow text, when the reader made them so. Only values that may hold one are read in Python."""
    changed = np.zeros(len(values), dtype=bool)
    if texts is None:
        texts = pa.array([v[1] if isinstance(v, tuple) else v for v in values], type=pa.string())
    for k in np.flatnonzero(may_hold_personal_data(texts)).tolist():
        value = values[k]
        text = value[1] if isinstance(value, tuple) else value
        if reference:
            if nhs_number_in(text) is None:
                continue
            digits = _DIGIT_RUN.sub(lambda m: re.sub(r"\D", "", m.group()), text)
            clean = "NHS-PSEUDONYM-" + pseudonym(key, "reference", digits).upper()
        else:
            clean = without_personal_data(text)
            if clean == text:
                continue
        values[k] = (value[0], clean) if isinstance(value, tuple) else clean
        changed[k] = True
    return changed
