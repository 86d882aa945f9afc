"""Headline metric cards for a board: value, what it is made of, change on the previous period,
RAG against the local target (in words and an icon, never colour alone), England's figure, and a
monthly sparkline. Counts of 1-4 show as "<5"; rates built on them, or whose complement is 1-4,
are withheld, and so is a count that is part of another (`whole`) where the rest is 1-4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from dashboard.components.sparkline import colour, sparkline
from dashboard.components.suppression import (
    SHORT_WITHHELD,
    WITHHELD,
    WITHHELD_NOTE,
    complement_small,
    is_small,
    made_of,
    rate_withheld,
    suppress_count,
)
from dashboard.components.text import plain
from pipelines.commentary import rag_status
from pipelines.config import load_settings
from pipelines.metrics import FIGURES
from pipelines.metrics.entry import Direction

MIN_TREND = 3  # fewer monthly points than this make no trend worth drawing


@dataclass(frozen=True)
class Rag:
    status: str  # green | amber | red
    text: str
    icon: str
    colour: str  # st.badge colour


RAG_LOOK = {"green": (":material/check_circle:", "green"), "amber": (":material/warning:", "orange"),
            "red": (":material/cancel:", "red")}  # icon and st.badge colour


def rag(value: float | None, target: float | None, margin: float, direction: Direction = "up"
        ) -> Rag | None:
    """Green at or above target, amber within `margin` points below it, red further below (above,
    where lower is better): the rule of `pipelines.commentary.rag_status`, which also picks what
    needs a board's attention."""
    status = rag_status(value, target, margin, direction)
    if status is None:
        return None
    icon, colour = RAG_LOOK[status.status]
    return Rag(status.status, status.text, icon, colour)


@dataclass(frozen=True)
class Card:
    label: str
    kind: str  # "rate" (a percentage) or "count"
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    of_what: str = ""  # "requests due": read as "3,792 of 4,603 requests due"
    previous: float | int | None = None
    previous_numerator: int | None = None
    previous_denominator: int | None = None
    comparison: str = "vs previous period"
    note: str = ""  # what a count counts, in a few words
    target: float | None = None
    england: tuple[int, float] | None = None
    trend: Sequence[float] = field(default_factory=tuple)
    # The catalogue's key of the figure shown (pipelines.metrics.FIGURES): which way is better.
    figure: str = ""
    label_help: str = ""
    # Why the value is withheld where it is no small number itself ("it would give away the
    # fewer than 5 ..."); else the small-number rule is given.
    because: str = ""
    beside: str = ""  # a second figure, e.g. including exceptions
    help: str = ""
    # A count card's count that it is part of (appeals with a health aspect of all appeals), on
    # another card: where the rest is 1-4 the part is withheld, as a rate's complement is.
    whole: int | None = None
    whole_previous: int | None = None
    whole_trend: Sequence[float] = field(default_factory=tuple)
    # A count shown on another card that is part of this one (a rate's "of M" beside the count
    # of all items: requests due, plans issued), or a tuple of such counts (the rate's and the
    # rate including exceptions'): where this one exceeds any by 1-4, the difference would be a
    # small count (exceptions, items not yet counted), so this one is withheld.
    contains: int | tuple[int, ...] | None = None
    contains_previous: int | tuple[int, ...] | None = None

    @property
    def good(self) -> Direction:
        """Which way is better: "up", "down" (fewer is better) or "neither" (a volume), as the
        catalogue defines it for the figure; a card naming no figure judges no change."""
        return FIGURES[self.figure].direction if self.figure else "neither"


def _part_withheld(value: float | int | None, whole: int | None) -> bool:
    return not is_small(value) and complement_small(value, whole)


def _count_withheld(card: Card, previous: bool = False) -> bool:
    """A count card's value (or its previous one) that, beside the counts it is part of or that
    are part of it, would give a count of 1-4 away."""
    value, whole, part = ((card.previous, card.whole_previous, card.contains_previous) if previous
                          else (card.value, card.whole, card.contains))
    parts = () if part is None else part if isinstance(part, tuple) else (part,)
    return _part_withheld(value, whole) or any(complement_small(p, value) for p in parts)


def value_text(card: Card, suppress: bool) -> str:
    if card.kind == "count":
        if suppress and _count_withheld(card):
            return WITHHELD
        return suppress_count(card.value) if suppress else f"{card.value:,}"
    if suppress and rate_withheld(card.numerator, card.denominator):
        return WITHHELD
    return "-" if card.value is None else f"{card.value:.1f}%"


NO_CHANGE = "No change"


@dataclass(frozen=True)
class Change:
    """A card's change on the comparison period as shown: its text, st.metric's arrow ("off" for
    no change, which st.metric would draw as a rise from "+0"), and the change as rounded."""

    text: str
    arrow: str
    amount: float


def change(card: Card, suppress: bool) -> Change | None:
    """The change on the comparison period, withheld if either side would be suppressed."""
    if card.value is None or card.previous is None:
        return None
    if suppress:
        hidden = (is_small(card.value) or is_small(card.previous)
                  or _count_withheld(card) or _count_withheld(card, previous=True)
                  if card.kind == "count"
                  else rate_withheld(card.numerator, card.denominator)
                  or rate_withheld(card.previous_numerator, card.previous_denominator))
        if hidden:
            return None
    # A rate is shown to one decimal place: a change that rounds to 0.0 is no change either.
    amount = round(card.value - card.previous, 1 if card.kind == "rate" else 0)
    if amount == 0:
        return Change(NO_CHANGE, "off", 0)
    text = f"{amount:+.1f} points" if card.kind == "rate" else f"{int(amount):+,}"
    return Change(text, "auto", amount)


def change_colour(card: Card, delta: Change | None) -> str:
    """st.metric's `delta_color` for the change: green where it is better for the metric, red
    where worse (the catalogue's direction), grey for a volume or no change. Never the RAG's
    colour, which would show a fall on a card above its target as good; the RAG has its badge."""
    if delta is None or delta.arrow == "off":
        return "off"
    return {"up": "normal", "down": "inverse"}.get(card.good, "off")


def metric_card(card: Card, suppress: bool = True) -> None:
    """One card in a bordered box. With `suppress`, small counts and their rates are hidden."""
    settings = load_settings()
    shown = value_text(card, suppress)
    # A count card's sparkline carries each month's count to the browser: with suppression on,
    # it is not drawn if any month is 1-4 (rate cards' series already leave such months out).
    trend_withheld = suppress and card.kind == "count" and (
        any(is_small(v) for v in card.trend)
        or any(_part_withheld(v, w) for v, w in zip(card.trend, card.whole_trend, strict=False)))
    status = (rag(card.value, card.target, settings.amber_margin, card.good) if shown != WITHHELD
              else None)
    with st.container(border=True):
        delta = change(card, suppress)
        delta_color = change_colour(card, delta)
        st.metric(card.label, SHORT_WITHHELD if shown == WITHHELD else shown,
                  delta=delta and delta.text, help=card.help or None,
                  delta_color=delta_color, delta_arrow=delta.arrow if delta else "auto",
                  delta_description=card.comparison if delta else None)
        if len(card.trend) >= MIN_TREND and not trend_withheld:
            sparkline(card.label, card.trend, card.kind,
                      colour(delta_color, delta and delta.amount))
        if shown == WITHHELD:  # the card says "Withheld" (the full wording is cut at 1440 px)
            st.caption(f"Withheld, as {card.because}." if card.because else WITHHELD_NOTE)
        if card.kind == "rate" and card.denominator is not None:
            if suppress and shown == WITHHELD:
                # plain: "* of 16" would otherwise start a Markdown list
                st.caption(f"{plain(made_of(card.numerator, card.denominator))} {card.of_what}")
            elif card.denominator == 0:
                st.caption(f"No {card.of_what} in this period")
            else:
                small = " · small number" if card.denominator < 5 else ""
                st.caption(f"{card.numerator:,} of {card.denominator:,} {card.of_what}{small}")
        if card.note:
            st.caption(card.note)
        if trend_withheld:
            st.caption("Trend not shown: some months had fewer than 5")
        elif 0 < len(card.trend) < MIN_TREND or (card.kind == "rate" and not card.trend):
            st.caption("Too few cases per month to draw a trend")
        if card.beside:
            st.caption(plain(card.beside))  # text, never Markdown: "* of 16"
        if status:
            st.badge(status.text, icon=status.icon, color=status.colour,
                     help=f"Green at or above the local target; amber up to "
                          f"{settings.amber_margin:g} points below it; red further below.")
        elif card.kind == "rate" and card.target is None:
            st.caption("No local target set")
        if card.england:
            year, figure = card.england
            st.caption(f"England {year}: {figure:.1f}% (DfE)")
        elif card.kind == "rate":
            st.caption("No national figure published")
