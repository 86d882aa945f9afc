"""A count card beside a rate's "of M" on another card: where the count exceeds M by 1-4 (plans
with an exception, requests not yet counted), the board would read that small count off the two
cards, so the count card is withheld for them; the DCO sees it as it is."""

import pytest

from dashboard.components.cards import Card, _delta, value_text
from pipelines.suppression import WITHHELD


@pytest.mark.parametrize(("value", "contains", "shown"), [
    (59, 57, WITHHELD),  # 2 plans with an exception: derivable
    (59, 55, WITHHELD),  # 4
    (60, 55, "60"),  # 5: shown
    (59, 59, "59"),  # none apart
    (3, 3, "<5"),  # small itself
])
def test_a_count_that_contains_a_shown_count(value: int, contains: int, shown: str) -> None:
    card = Card(label="New EHC plans issued", kind="count", value=value, contains=contains)
    assert value_text(card, suppress=True) == shown
    assert value_text(card, suppress=False) == str(value)


def test_the_change_is_withheld_when_either_side_gives_a_small_count_away() -> None:
    card = Card(label="Requests due", kind="count", value=120, previous=100, contains=110,
                contains_previous=97)
    assert _delta(card, suppress=True) is None
    assert _delta(card, suppress=False) == "+20"
    fine = Card(label="Requests due", kind="count", value=120, previous=100, contains=110,
                contains_previous=90)
    assert _delta(fine, suppress=True) == "+20"


@pytest.mark.parametrize(("contains", "shown"), [
    ((16, 22), WITHHELD),  # 24 due beside 22 including exceptions: 2 not yet due
    ((22, 24), WITHHELD),  # 2 lawful exceptions
    ((16, 19), "24"),  # 5 and 8 apart
])
def test_a_count_that_contains_two_shown_counts(contains: tuple[int, int], shown: str) -> None:
    # Requests for health advice due, beside the 6-week rate's "of M" and the rate including
    # exceptions' "of M'": either difference would be read off the cards.
    card = Card(label="Requests due", kind="count", value=24, previous=24, contains=contains,
                contains_previous=contains)
    assert value_text(card, suppress=True) == shown
    assert (_delta(card, suppress=True) is None) is (shown == WITHHELD)
