"""The "About this metric" notes of the dashboard's pages, the guide and the board pack: each
metric's title, definition, statutory basis, source data and caveats, read from its entry in the
metric catalogue (`pipelines.metrics.catalogue`), where the wording is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.metrics.catalogue import ENTRIES
from pipelines.metrics.entry import SMALL

__all__ = ["NOTES", "SMALL", "Note"]


@dataclass(frozen=True)
class Note:
    title: str
    definition: str
    basis: str
    datasets: tuple[str, ...]
    caveats: str


NOTES: dict[str, Note] = {
    m.key: Note(m.title, m.definition, m.basis, m.datasets, m.caveats) for m in ENTRIES}
