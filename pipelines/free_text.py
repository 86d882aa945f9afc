"""What the DCO types into the app (evidence items, chase notes, board commentary) and what a
loaded file's text columns hold: a cell left blank, and text that must not hold an NHS number,
a UPN, a date of birth, a title and name ("Mrs Jones"), an email address, a UK phone number or
a full postcode. Checked once here for every editor and every load (a file's own names:
`names_in_text`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.names_in_text import NAME_REMOVED, NO_NAMES, Names
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
# A title and the capitalised name after it ("Mrs Jones", "Mrs J. Jones", "Miss Amy Brown").
# "Dr Patel" is most often a clinician, not the child, but still a person: removed too, as the
# note says what happened without the name. The title is capitalised, so "did not miss Amy"
# is not one; every repeat is bounded.
_TITLES = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|MRS|MR|MS|MISS|MX|DR|PROF)"
_CAPITALISED = r"[A-Z][A-Za-z'’\-]{0,40}"
_TITLE_NAME = re.compile(rf"\b{_TITLES}\.?\s{{1,3}}(?:[A-Z]\.?\s{{1,3}}){{0,2}}{_CAPITALISED}"
                         rf"(?:\s{{1,3}}{_CAPITALISED})?\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}")
# A UK phone number as people write one: 0 and 9 or 10 digits ("07700 900123", "(0113) 496
# 0000"), or +44 and 9 or 10 (the digits are counted in `_phone`).
_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?\d{2,4}|\(0\d{2,4}\)|0\d{2,4})"
                    r"[ \-]?\d{3,4}[ \-]?\d{3,4}(?!\d)")
# A full postcode ("LS1 4AP", "ls14ap"), with the letters each place may hold; a district
# alone ("LS1") is not a person's address and is kept.
_POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s{0,2}\d[ABD-HJLNP-UW-Z]{2}"
                       r"(?![A-Za-z0-9])", re.IGNORECASE)
# What may lead to an NHS number, a UPN or a date of birth, found by Arrow over many values at
# once (RE2 syntax): all a reference is looked at for, as most hold digits a phone might.
_MAY_HOLD_NUMBER = (r"(?i:[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}|[A-Za-z][0-9]{11}[0-9A-Za-z]|"
                    r"d\.?\s?o\.?\s?b|birth|born)")
# ... or, in text, to an email, a postcode, a title and name or a phone number.
_MAY_HOLD = (_MAY_HOLD_NUMBER + r"|(?i:@[a-z0-9\-]+\.|[a-z]{1,2}[0-9][a-z0-9]?\s{0,2}[0-9][a-z]{2})"
             rf"|{_TITLES}\.?\s{{1,3}}[A-Z]|(?:\+44|\(?0)[0-9]{{2,4}}\)?[ \-]?[0-9]{{3,4}}")
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
EMAIL_REMOVED = "[email removed]"
PHONE_REMOVED = "[phone number removed]"
POSTCODE_REMOVED = "[postcode removed]"


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


def _is_phone(written: str) -> bool:
    digits = re.sub(r"\D", "", written)
    if written.startswith("+44"):  # the national number: after 44, and its 0 written "(0)"
        digits = digits[3:] if "(0)" in written else digits[2:]
        return 9 <= len(digits) <= 10
    return 10 <= len(digits) <= 11


def without_personal_data(text: str) -> str:
    """`text` with every NHS number (ten digits that pass the check, as `nhs_number_in` finds
    them), every UPN (`upn_in`), every date labelled as a date of birth ("DOB 12/03/2015"),
    email address, UK phone number, full postcode and title with its name ("Mrs Jones")
    replaced by a note saying what was removed; the rest as written."""
    text = _DIGIT_RUN.sub(lambda m: NHS_NUMBER_REMOVED if nhs_number_is_valid(
        re.sub(r"\D", "", m.group())) else m.group(), text)
    text = _UPN.sub(lambda m: UPN_REMOVED if upn_is_valid(m.group()) else m.group(), text)
    text = _BIRTH_DATE.sub(lambda m: m.group(1) + BIRTH_DATE_REMOVED, text)
    text = _BIRTH_DATE_BEFORE.sub(lambda m: BIRTH_DATE_REMOVED + m.group(2), text)
    text = _EMAIL.sub(EMAIL_REMOVED, text)
    text = _PHONE.sub(lambda m: PHONE_REMOVED if _is_phone(m.group()) else m.group(), text)
    text = _POSTCODE.sub(POSTCODE_REMOVED, text)
    return _TITLE_NAME.sub(NAME_REMOVED, text)


def identifier_in(text: str) -> tuple[str, str] | None:
    """(what, as written) of the first thing in `text` that `without_personal_data` would
    remove, for an editor to refuse: what the DCO types is refused, not silently changed."""
    return next(identifiers_in(text), None)


def identifiers_in(text: str) -> Iterator[tuple[str, str]]:
    """(what, as written) of each kind of thing `without_personal_data` would remove, in the
    order `identifier_in` looks for them (the first of each kind)."""
    if found := nhs_number_in(text):
        yield "an NHS number", found
    if found := upn_in(text):
        yield "a UPN", found
    if m := _BIRTH_DATE.search(text) or _BIRTH_DATE_BEFORE.search(text):
        yield "a date of birth", m.group()
    if m := _EMAIL.search(text):
        yield "an email address", m.group()
    if m := next((p for p in _PHONE.finditer(text) if _is_phone(p.group())), None):
        yield "a phone number", m.group()
    if m := _POSTCODE.search(text):
        yield "a postcode", m.group()
    if m := _TITLE_NAME.search(text):
        yield "a person's name", m.group()


def may_hold_personal_data(values: pa.Array, reference: bool = False) -> np.ndarray:
    """Which of the text `values` may hold what `without_personal_data` removes (of a
    `reference`: an NHS number, UPN or date of birth), found in bulk so that only those few
    are looked at one by one."""
    pattern = _MAY_HOLD_NUMBER + "|@" if reference else _MAY_HOLD
    found = pc.match_substring_regex(values.cast(pa.string()), pattern)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def remove_personal_data(values: np.ndarray, texts: pa.Array | None, reference: bool,
                         key: bytes, names: Names = NO_NAMES) -> np.ndarray:
    """A loaded column's distinct parsed values (text, or an exception's (lawful, as recorded))
    without NHS numbers, UPNs or labelled dates of birth, changed in place; which ones changed. A
    `reference` (a case or request id) that holds an NHS number, UPN or email address, or reads
    as a name (`reads_as_a_name`), becomes a keyed pseudonym, the same in every file; other text loses just
    the number or date, and every name the file's name columns hold (`names`). `texts`: the
    values as Arrow text, when the reader made them so. Only values that may hold one are read
    in Python."""
    changed = np.zeros(len(values), dtype=bool)
    if texts is None:
        texts = pa.array([v[1] if isinstance(v, tuple) else v for v in values], type=pa.string())
    may = may_hold_personal_data(texts, reference)
    if not reference:
        may |= names.may_hold(texts)
    else:
        may |= pc.match_substring_regex(texts.cast(pa.string()), _MAY_BE_A_NAME).fill_null(
            False).to_numpy(zero_copy_only=False)
    for k in np.flatnonzero(may).tolist():
        value = values[k]
        text = value[1] if isinstance(value, tuple) else value
        if reference:
            if (padded := _PADDED.fullmatch(text)) and nhs_number_is_valid(padded[1]):
                text = padded[1]  # one pseudonym however many zeros a system padded it with
            elif _KEYED.match(text) or (nhs_number_in(text) is None and upn_in(text) is None
                                        and not reads_as_a_name(text) and not _EMAIL.search(text)):
                continue
            spelled = _DIGIT_RUN.sub(lambda m: re.sub(r"\D", "", m.group()), text.upper())
            spelled = " ".join(spelled.split())  # a name spaced twice is the same name
            clean = "PSEUDONYM-" + pseudonym(key, "reference", spelled).upper()
        else:
            clean = names.removed_from(without_personal_data(text))
            if clean == text:
                continue
        values[k] = (value[0], clean) if isinstance(value, tuple) else clean
        changed[k] = True
    return changed
