"""The names a file's own name columns hold (the child's, a parent's or carer's), taken out of
its free text before it is stored: a tracker's outcome "Upheld - Amy Smith" or a delay reason
"Jack seen 12/3" names a child the same file names. Whole words, any case: every full name and
each part of one longer than two letters. DATA PROTECTION: the names live in memory while one
sheet is validated, and are never written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NAME_REMOVED = "[name removed]"
# A column of names, by its header ("Child's name", "Parent/Carer Name", "Surname", "Name of
# child"), spelled as `_header_words` leaves it; "School Name" or "Provider Name" is not one.
_WHOSE = r"(?:child|young person|yp|cyp|pupil|learner|student|parent|carer|parent carer|" \
         r"mother|father|guardian|mum|dad)s?"
_NAME_HEADER = re.compile(
    rf"^(?:{_WHOSE} )?(?:(?:full|first|last|given|family|middle) )?(?:sur|fore)?names?$"
    rf"|^names? of (?:the )?{_WHOSE}$")
# The schemas' own columns of names (`schemas.EHCP`, `schemas.COHORT`), whatever their header.
NAME_COLUMNS = frozenset({"name", "forename", "surname"})
# Text columns that name an organisation ("Hill Top School", "Smith Street Primary"): a name
# they share with a child is theirs, so the file's names are left in them (listed here, as
# schemas.py is at its size cap). A title and name, a number or a postcode is still removed.
ORGANISATION_COLUMNS = frozenset({"setting", "provider", "school_name", "policy_url"})
# A word of a name: letters, and an apostrophe within ("O'Neil"); a hyphen parts two names.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Words a name cell may hold that are not a name ("Mr and Mrs Smith", "Not known", a total).
_NOT_NAMES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "master", "and", "the", "of", "or", "not",
    "known", "unknown", "none", "tbc", "child", "baby", "mum", "dad", "mother", "father",
    "carer", "parent", "guardian", "foster", "total", "totals", "note", "notes"})
# Between two words of one name as text writes it: "Amy Smith", "SMITH, Amy", "O'Neil-Brown".
_WITHIN_A_NAME = re.compile(r"[\s,\-]*")


def is_name_header(header: Any) -> bool:
    """Whether a header names a column of people's names (`_NAME_HEADER`)."""
    return isinstance(header, str) and _NAME_HEADER.match(_header_words(header)) is not None


def _header_words(header: str) -> str:
    text = re.sub(r"['’]s\b", "s", header.lower())
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


def _word(token: str) -> str:
    """A word as names are compared: any case, "Amy's" as "amy"."""
    word = token.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


@dataclass(frozen=True)
class Names:
    """The names of one sheet's name columns, as words (see `_word`)."""

    parts: frozenset[str] = frozenset()  # each word longer than two letters
    full: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # by first word

    @classmethod
    def of(cls, values: Iterable[Any]) -> Names:
        """The names in cells of name columns (a cell may hold a full name, or one part)."""
        parts: set[str] = set()
        full: dict[str, set[tuple[str, ...]]] = {}
        for value in values:
            if not isinstance(value, str):
                continue
            words = tuple(w for w in map(_word, _TOKEN.findall(value)) if w not in _NOT_NAMES)
            parts.update(w for w in words if len(w) > 2)
            if len(words) > 1:
                full.setdefault(words[0], set()).add(words)
        return cls(frozenset(parts), {first: tuple(sorted(names, key=len, reverse=True))
                                      for first, names in full.items()})

    def __bool__(self) -> bool:
        return bool(self.parts or self.full)

    def may_hold(self, texts: pa.Array) -> np.ndarray:
        """Which of `texts` hold a word of a name, found by Arrow over the whole column (the
        words split, compared with the names at once), so that only those are read in Python."""
        found = np.zeros(len(texts), dtype=bool)
        if not self:
            return found
        words = pc.split_pattern_regex(pc.utf8_lower(texts.cast(pa.string())), r"[^\p{L}'’]+")
        flat = pc.replace_substring(pc.list_flatten(words), "’", "'")
        flat = pc.replace_substring_regex(flat, r"^'+|'+$", "")
        flat = pc.replace_substring_regex(flat, r"'s$", "")
        known = pa.array(sorted(self.parts | set(self.full)), type=pa.string())
        hit = pc.is_in(flat, value_set=known).fill_null(False).to_numpy(zero_copy_only=False)
        found[pc.list_parent_indices(words).to_numpy()[hit]] = True
        return found

    def removed_from(self, text: str) -> str:
        """`text` with each name, and each part of one longer than two letters, replaced by
        `NAME_REMOVED` (one note for a name of several words); the rest as written."""
        if not self:
            return text
        tokens = list(_TOKEN.finditer(text))
        spans: list[list[int]] = []
        i = 0
        while i < len(tokens):
            length = self._full_name_at(tokens, i) or (_word(tokens[i][0]) in self.parts)
            if length:
                start, end = tokens[i].start(), tokens[i + length - 1].end()
                if spans and _WITHIN_A_NAME.fullmatch(text, spans[-1][1], start):
                    spans[-1][1] = end
                else:
                    spans.append([start, end])
            i += max(length, 1)
        for start, end in reversed(spans):
            text = text[:start] + NAME_REMOVED + text[end:]
        return text

    def _full_name_at(self, tokens: Sequence[re.Match[str]], i: int) -> int:
        """The words of the longest full name that starts at token `i`, or 0."""
        for name in self.full.get(_word(tokens[i][0]), ()):
            if tuple(_word(t[0]) for t in tokens[i:i + len(name)]) == name:
                return len(name)
        return 0


NO_NAMES = Names()
