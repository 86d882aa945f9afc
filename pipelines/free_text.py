"""What the DCO types into the app (evidence items, chase notes, board commentary): a cell left
blank, and text that must not hold an NHS number. Checked once here for every editor."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.pseudonym import nhs_number_is_valid

# Ten digits, as NHS numbers are written (3-3-4, with spaces or dashes, or run together).
_DIGIT_RUN = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
IDENTIFIES = "Do not record anything that identifies a child here."


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
