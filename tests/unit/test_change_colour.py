"""A card's change takes its colour from whether it is better or worse for that metric, from the
catalogue's one direction per figure (`Figure.direction`): a fall in the share on time is red,
a rise in overdue requests is red, a volume is grey; the RAG against the target stays in its
badge. The sparkline takes the change's colour."""

from __future__ import annotations

import pytest

from dashboard.components.cards import Card, change, change_colour, rag
from dashboard.components.sparkline import COLOURS, colour
from pipelines.metrics import FIGURES


@pytest.mark.parametrize("key", sorted(FIGURES))
@pytest.mark.parametrize(("now", "before"), [(91.0, 99.0), (99.0, 91.0), (95.0, 95.0)])
def test_a_worse_change_is_never_shown_as_good(key: str, now: float, before: float) -> None:
    figure = FIGURES[key]
    card = Card(label=figure.label, kind=figure.kind, value=now, numerator=int(now * 10),
                denominator=1000, previous=before, previous_numerator=int(before * 10),
                previous_denominator=1000, target=90.0, figure=key)
    assert card.good == figure.direction
    shown = change(card, suppress=False)
    drawn = colour(change_colour(card, shown), shown.amount)
    better = {"up": now > before, "down": now < before}.get(figure.direction)
    if now == before or better is None:
        assert drawn == COLOURS["gray"]
    else:
        assert drawn == COLOURS["green" if better else "red"], (key, now, before)


def test_rag_follows_the_direction_of_the_metric() -> None:
    # Waiting over 18 weeks: lower is better, so 40% against a 50% target meets it.
    card = Card(label="Waiting over 18 weeks", kind="rate", value=40.0, target=50.0,
                figure="waiting_over_18_weeks_pct")
    assert rag(card.value, card.target, 10.0, card.good).status == "green"
    assert rag(65.0, 50.0, 10.0, card.good).status == "red"
    assert rag(95.0, 90.0, 10.0).status == "green"  # higher is better unless told
