"""The shape of one entry in the metric catalogue (`pipelines.metrics.catalogue`): what a metric
is called, how it is computed, what it means in law, and the named figures it gives the
headline, the cards, the board pack and the inspection pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["base", "list", "position", "breakdown"]
Direction = Literal["up", "down", "neither"]

SMALL = "Rates over fewer than 5 cases are marked 'small number': read them with care."
NO_EXCEPTION = "None: every item counts."
NOT_IN_PERIOD = "not bound to the period: the position on the as-of date"

KINDS: dict[str, str] = {
    "base": "a base query: one row per item, turned into rates by `rates()`",
    "list": "a list of open items on the as-of date",
    "position": "a position on the as-of date (or each month's snapshot)",
    "breakdown": "a breakdown of another metric's items, shown beside it",
}


@dataclass(frozen=True)
class Figure:
    """A named figure: the key the headline, the inspection's live figures and settings.toml's
    [targets] know it by, and the short label a card, a table column or a sparkline shows."""

    key: str
    metric: str  # the catalogue entry it comes from
    label: str
    kind: Literal["rate", "count"]
    of_what: str  # a rate's denominator ("requests due"), or what a count counts
    column: str = "pct"  # the `rates()` column it is, for a metric with a base query
    direction: Direction = "up"  # which way is better ("neither": a count to read, not judge)


@dataclass(frozen=True)
class Metric:
    """One metric, defined once: every page, the board pack, the evidence pack, the guide and
    docs/metrics.md take its title and wording from here."""

    key: str
    title: str
    kind: Kind
    query: Callable[..., Any]  # the base query (kind "base") or the function that computes it
    datasets: tuple[str, ...]  # the tables it reads
    definition: str
    basis: str  # the statutory basis, or that there is none
    caveats: str
    unit: str  # what the figure is a number of ("% of requests due")
    anchor: str  # what places an item in a period
    label: str = ""  # a card's label; the title if blank
    exceptions: str = NO_EXCEPTION  # lawful exceptions, and how the figure treats them
    figure: str | None = None  # the key of its headline figure (also its target's key, if a rate)
    rate: bool = True  # the headline figure is a rate (else a count)
    of_what: str = ""
    column: str = "pct"
    direction: Direction = "up"
    met: str = ""  # what a rate's numerator counts ("returned within 6 weeks")
    with_exceptions: str | None = None  # how the figure including lawful exceptions is named
    england: str | None = None  # the DfE's published measure to compare with, if there is one
    reference: str = ""  # a published figure that is not the DfE's, to read it against
    more: tuple[Figure, ...] = ()  # other named figures it gives
    # The lawful exceptions its items may carry ("advice": reg 8(2), "plan": reg 10(4)): the
    # area's own spellings taken as lawful (settings.toml [exceptions]) are shown beside it.
    lawful: str | None = None

    @property
    def card_label(self) -> str:
        return self.label or self.title

    @property
    def target(self) -> str | None:
        """The key of its local target in settings.toml's [targets]: its rate's figure key."""
        return self.figure if self.rate else None

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Its named figures, the headline figure first."""
        if self.figure is None:
            return self.more
        main = Figure(self.figure, self.key, self.card_label, "rate" if self.rate else "count",
                      self.of_what, self.column, self.direction)
        return (main, *self.more)
