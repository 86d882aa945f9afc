"""A count card beside a rate's "of M" on another card: where the count exceeds M by 1-4 (plans
with an exception, requests not yet counted), the board would read that small count off the two
cards, so the count card is withheld for them; the DCO sees it as it is."""

import pytest

from dashboard.components.cards import NO_CHANGE, Card, Change, change, value_text
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
    assert change(card, suppress=True) is None
    assert change(card, suppress=False).text == "+20"
    fine = Card(label="Requests due", kind="count", value=120, previous=100, contains=110,
                contains_previous=90)
    assert change(fine, suppress=True).text == "+20"


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
    assert (change(card, suppress=True) is None) is (shown == WITHHELD)


@pytest.mark.parametrize(("kind", "value", "previous"), [
    ("count", 16, 16),
    ("rate", 82.4, 82.4),
    ("rate", 82.43, 82.41),  # shown to one decimal place: no change either
])
def test_no_change_is_said_without_an_arrow(kind: str, value: float, previous: float) -> None:
    card = Card(label="Requests undecided past 6 weeks", kind=kind, value=value,
                previous=previous, numerator=50, denominator=100, previous_numerator=50,
                previous_denominator=100)
    assert change(card, suppress=False) == Change(NO_CHANGE, "off", 0)


@pytest.mark.parametrize(("kind", "value", "previous", "text", "arrow"), [
    ("count", 20, 16, "+4", "auto"),
    ("count", 16, 20, "-4", "auto"),
    ("rate", 82.4, 80.0, "+2.4 points", "auto"),
    ("rate", 80.0, 82.46, "-2.5 points", "auto"),
])
def test_a_change_keeps_its_sign_and_arrow(kind: str, value: float, previous: float, text: str,
                                           arrow: str) -> None:
    card = Card(label="Figure", kind=kind, value=value, previous=previous)
    assert (change(card, suppress=False).text, change(card, suppress=False).arrow) == (text, arrow)
