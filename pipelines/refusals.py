"""What a refused file or skipped sheet is told: which accepted spellings come closest to the
headers it has, when `--kind` or `--la` would help, and when it is a publication that
`benchmarks import` reads rather than an export for `ingest`.
"""

from __future__ import annotations

import difflib
import zipfile
from pathlib import Path
from typing import Any

from pipelines.headers import HeaderMatch
from pipelines.schemas import SCHEMAS, Schema
from pipelines.vocab import normalise_token

CLOSEST = 3  # accepted spellings named for each missing column


def personal_only(match: HeaderMatch) -> bool:
    """A header that matches a dataset only on personal columns (name, date of birth, UPN...),
    with at most a local authority beside them: a contact list or a lookup, not a table of that
    dataset."""
    columns = [match.schema.column(c) for c in match.columns]
    return any(c.personal for c in columns) and all(c.personal or c.kind == "la" for c in columns)


def personal_only_note(match: HeaderMatch) -> str:
    names = ", ".join(match.headers[c] for c in match.columns)
    return (f"matches {match.schema.kind} only on personal columns ({names}), not on any of "
            "its records' columns: not loaded")


def closest_spellings(schema: Schema, column: str, headers: list[str]) -> list[str]:
    """The accepted spellings of `column` most like any of the file's `headers` (best first)."""
    col = schema.column(column)
    spellings = list(dict.fromkeys((col.aliases[0] if col.aliases else col.name, *col.aliases,
                                    col.name)))
    tokens = [normalise_token(h) for h in headers if normalise_token(h)]

    def likeness(spelling: str) -> float:
        wanted = normalise_token(spelling)
        return max((difflib.SequenceMatcher(None, wanted, t).ratio() for t in tokens), default=0.0)

    ranked = sorted(spellings, key=lambda s: -likeness(s))  # stable: ties keep the schema's order
    return ranked[:CLOSEST]


def kind_examples(schema: Schema) -> str:
    """Headers that would make a sheet this dataset: its required columns' first spellings."""
    return ", ".join(f"'{schema.column(c).aliases[0] if schema.column(c).aliases else c}'"
                     for c in schema.required)


def missing_columns(file_name: str, sheet: str, match: HeaderMatch, kind: str | None) -> str:
    """Why a sheet whose header looks like a dataset cannot load: each missing column with the
    accepted spellings closest to what the file has, and how `--la` or `--kind` would help."""
    schema = match.schema
    unused = [c.strip() for i, c in enumerate(match.cells)
              if isinstance(c, str) and c.strip() and i not in match.columns.values()]
    parts = []
    for column in match.missing:
        if schema.column(column).kind == "la":
            parts.append(f"{column} (the file has no local authority column: name the LA for "
                         "the whole file with --la NAME, or choose it on the upload page)")
            continue
        near = ", ".join(f"'{s}'" for s in closest_spellings(schema, column, unused or
                                                             list(match.headers.values())))
        parts.append(f"{column} (closest accepted spellings: {near})")
    message = (f"{file_name}: sheet '{sheet}', row {match.row_index + 1}: the header looks like "
               f"{schema.kind} but lacks required column(s) {'; '.join(parts)}")
    if not kind:
        others = ", ".join(k for k in SCHEMAS if k != schema.kind)
        message += (f". If this is not {schema.kind} data, name its dataset with --kind "
                    f"({others})")
    return message


def no_header(file_name: str, kind: str | None) -> str:
    if kind:
        return (f"{file_name}: no recognisable header row in any sheet (looked for a {kind} "
                f"header, e.g. {kind_examples(SCHEMAS[kind])})")
    examples = "; ".join(f"{k}: {kind_examples(s)}" for k, s in SCHEMAS.items())
    return (f"{file_name}: no recognisable header row in any sheet (looked for a header naming "
            f"the columns of a known dataset, e.g. {examples}); name the dataset with --kind "
            "to be told what it lacks")


# Content that marks a published statistics file, not a local export.
_DFE_COLUMNS = {"timeperiod", "timeidentifier", "geographiclevel"}
_PUBLICATION_PHRASES = {
    "NHS England": ("Community health services", "NHS England"),
    "DfE": ("Explore education statistics", "Department for Education", "Official statistics",
            "Appeal rate"),
}
SCAN_CELLS = 30  # rows looked at for a publication's marks


def publication(rows: list[list[Any]], name: str) -> str | None:
    """'DfE' or 'NHS England' when a sheet (its first rows, or its name) is one of their
    publications, else None."""
    head = rows[:SCAN_CELLS]
    tokens = {normalise_token(c) for row in head for c in row if isinstance(c, str)}
    if len(_DFE_COLUMNS & tokens) >= 2:
        return "DfE"
    text = " ".join(normalise_token(c) for row in head[:10] for c in row if isinstance(c, str))
    text += " " + normalise_token(name)
    for publisher, phrases in _PUBLICATION_PHRASES.items():
        if any(normalise_token(p) in text for p in phrases):
            return publisher
    return None


def publication_message(file_name: str, publisher: str) -> str:
    return (f"{file_name}: this looks like a {publisher} publication, not a local export: load it "
            f"with `python -m pipelines benchmarks import {file_name}` (the Benchmarks page "
            "shows it)")


def release_zip(path: Path) -> bool:
    """A zip of CSV files (a DfE release as downloaded), which `ingest` cannot read but
    `benchmarks import` can."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, NotImplementedError):  # NotImplemented: a zip version
        return False
    return any(n.lower().endswith(".csv") for n in names) and not any(
        n.startswith("xl/") for n in names)
