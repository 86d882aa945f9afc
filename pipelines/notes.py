"""The "About this metric" notes of the dashboard's pages, the guide and the board pack: each
metric's title, definition, statutory basis, source data and caveats, read from its entry in the
metric catalogue (`pipelines.metrics.catalogue`), where the wording is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.config import load_settings
from pipelines.metrics.catalogue import ENTRIES
from pipelines.metrics.entry import SMALL

__all__ = ["NOTES", "SMALL", "Note", "local_exceptions"]

LAW = {"advice": "reg 8(2)", "plan": "reg 10(4)"}


@dataclass(frozen=True)
class Note:
    title: str
    definition: str
    basis: str
    datasets: tuple[str, ...]
    caveats: str
    exceptions: str = ""  # lawful exceptions, and how the figure treats them
    lawful: str | None = None  # "advice" or "plan": whose lawful exceptions (settings.toml)


NOTES: dict[str, Note] = {
    m.key: Note(m.title, m.definition, m.basis, m.datasets, m.caveats, m.exceptions, m.lawful)
    for m in ENTRIES}


def local_exceptions(kind: str) -> str:
    """The area's own wording taken as a lawful exception (settings.toml [exceptions.advice] or
    [exceptions.plan]), in words, to show wherever a figure that leaves such items out is
    explained: the mapping is the area's choice, not the law's."""
    mapped = load_settings().exception_map.get(kind, {})
    where = f"settings.toml [exceptions.{kind}]"
    if not mapped:
        return (f"No wording of this area's is mapped in {where}: only a reason that states a "
                f"lawful {LAW[kind]} exception is taken as one.")
    pairs = "; ".join(f"'{text}' as {reason}" for text, reason in sorted(mapped.items()))
    return (f"Besides reasons that state a lawful {LAW[kind]} exception, this area takes its own "
            f"wording as lawful ({where}): {pairs}.")
