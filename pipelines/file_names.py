"""A file's name is kept wherever its rows go (the load history, each record's source, the audit
log, which no one may edit), so a name that holds personal data ("appeal_DOB_06.03.2015_NHS_
9434765919.csv") is refused before the file is read, and said only with that data removed."""

from __future__ import annotations

from pipelines.free_text import identifier_in, without_personal_data


def _words(name: str) -> str:
    return name.replace("_", " ")  # "NHS_9434765919": an underscore joins words in a name


def shown(name: str) -> str:
    """`name` as it may be printed and kept: as it is, or with its personal data removed."""
    return name if identifier_in(_words(name)) is None else without_personal_data(_words(name))


def refusal(name: str) -> str | None:
    """Why a file of this name may not be loaded, or None."""
    found = identifier_in(_words(name))
    if found is None:
        return None
    return (f"{shown(name)}: not loaded: the file's name holds {found[0]}, and a file's name is "
            "kept in the load history and the audit log; rename the file without it and load "
            "it again")
