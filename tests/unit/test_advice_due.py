"""The requests for health advice due and the 6-week rate's denominator: one wording of why they
differ, which never gives a small count away to a board."""

from __future__ import annotations

import pytest

from pipelines import metrics
from pipelines.suppression import WITHHELD


def test_the_reason_names_both_figures_and_what_is_left_out() -> None:
    assert metrics.left_out(4052, 4046, 3924) == (122, 6)
    text = metrics.due_reason(4052, 4046, 3924, suppress=False)
    assert text.startswith("Requests for health advice due: 4,052. ")
    assert ("leaves out 122 with a lawful reg 8(2) exception and 6 not yet due on the as-of "
            "date, so it is over 3,924 requests due (excluding exceptions).") in text


def test_nothing_left_out_says_so() -> None:
    assert metrics.due_note(50, 50, 50).endswith("the 6-week rate counts them all.")


@pytest.mark.parametrize(("items", "incl", "den", "left"), [
    # 4 not yet due: not "128 that have a lawful exception or are not yet due", which with the
    # 3,924 gives 4,052, and less the rate including exceptions' 4,048 gives the 4 back.
    (4052, 4048, 3924, "124 with a lawful reg 8(2) exception and <5 not yet due on the as-of date"),
    # 3 exceptions: the rate including them is withheld, so their sum with those not yet due
    # may show.
    (4052, 3927, 3924, "128 that have a lawful exception or are not yet due"),
    (12, 12, 10, "<5 with a lawful reg 8(2) exception"),
])
def test_a_board_never_sees_a_part_of_1_to_4(items: int, incl: int, den: int, left: str) -> None:
    assert f"leaves out {left}," in metrics.due_note(items, incl, den)


def test_the_count_is_withheld_where_it_exceeds_the_rate_by_1_to_4() -> None:
    assert metrics.due_value(12, 10) == WITHHELD
    assert metrics.due_value(12, 10, suppress=False) == "12"
    assert metrics.due_value(120, 100) == "120"


def test_the_definition_names_the_two_figures() -> None:
    definition = metrics.CATALOGUE["health_advice"].definition
    assert metrics.DUE.label in definition
    assert "excludes requests with a lawful reg 8(2) exception" in definition


def test_the_compact_reason_leaves_the_denominator_to_the_line_above() -> None:
    assert metrics.due_note(4052, 4052, 3924, compact=True) == (
        "Lawful exceptions included; the 6-week rate leaves out 128 with a lawful reg 8(2) "
        "exception.")


@pytest.mark.parametrize(("items", "incl", "den", "because"), [
    # 2 not yet due beside 1,117 in the rate and 29 exceptions: the count, not the 2, is withheld.
    (1148, 1146, 1117, "it would give away the fewer than 5 requests not yet due on the as-of "
                       "date (the 6-week rate leaves out those and 29 with a lawful reg 8(2) "
                       "exception)"),
    (12, 12, 10, "it would give away the fewer than 5 requests with a lawful reg 8(2) exception "
                 "(the 6-week rate leaves those out)"),
    (12, 11, 10, "it would give away the fewer than 5 requests with a lawful reg 8(2) exception "
                 "or not yet due on the as-of date (the 6-week rate leaves those out)"),
    (120, 110, 100, ""),  # shown: nothing withheld
])
def test_a_withheld_count_says_what_it_would_give_away(items: int, incl: int, den: int,
                                                      because: str) -> None:
    assert metrics.due_withheld(items, incl, den) == because
    assert (metrics.due_value(items, den, denominator_incl=incl) == WITHHELD) is bool(because)
    reason = metrics.due_reason(items, incl, den)
    if because:  # read under a headline such as "1,117 of ...": withheld, and why, in words
        assert reason == f"Requests for health advice due: withheld, as {because}."
        assert "small number" not in reason
