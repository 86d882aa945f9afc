"""A file's name is kept wherever its rows go (the load history, each record's source, the audit
log, which no one may edit), so a name that holds personal data ("appeal_DOB_06.03.2015_NHS_
9434765919.csv") is refused before the file is read, and said only with that data removed.

Export names are full of dates, period codes ("M07_1st_submission"), timestamps and report
numbers, so a name is held to less than free text is: an NHS number only where it is labelled
("NHS 943...") or written in its 3 3 4 groups (one ten-digit run in eleven passes the check), a
UPN, a date of birth labelled as one, or an email address; not a phone number, a postcode or a
title and name, which such codes resemble."""

from __future__ import annotations

import re

from pipelines.free_text import identifiers_in

_KINDS = ("an NHS number", "a UPN", "a date of birth", "an email address")
_NHS_SHAPE = re.compile(r"(?i)(?:\bnhs\D{0,3}\d{3}\D?\d{3}\D?\d{4}|\b\d{3}[ -]\d{3}[ -]\d{4}\b)")


def _words(name: str) -> str:
    return name.replace("_", " ")  # "NHS_9434765919": an underscore joins words in a name


def _found(name: str) -> list[tuple[str, str]]:
    """What in `name` identifies a person: (what, as written in `_words(name)`)."""
    words = _words(name)
    return [(what, text) for what, text in identifiers_in(words) if what in _KINDS
            and (what != "an NHS number" or any(text in m.group() for m in _NHS_SHAPE.finditer(words)))]


def shown(name: str) -> str:
    """`name` as it may be printed and kept: as it is, or with what identifies a person replaced
    by what it was ("[NHS number removed]"), its underscores kept."""
    for _ in range(10):  # each kind is found once a pass
        found = _found(name)
        if not found:
            return name
        for what, text in found:
            removed = f"[{what.split(' ', 1)[1]} removed]"
            name = name.replace(text.replace(" ", "_"), removed).replace(text, removed)
    return name


def refusal(name: str) -> str | None:
    """Why a file of this name may not be loaded, or None."""
    found = _found(name)
    if not found:
        return None
    return (f"{shown(name)}: not loaded: the file's name holds {found[0][0]}, and a file's name is "
            "kept in the load history and the audit log; rename the file without it and load "
            "it again")
