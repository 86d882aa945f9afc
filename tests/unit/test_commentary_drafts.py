"""The drafted "needs attention" sentence: worded from the figures it is given, with the RAG rule
the cards use, and no count of 1-4 in clear."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines import commentary


def series(*pcts: float, last: dt.date = dt.date(2025, 10, 1)) -> pd.DataFrame:
    months = [pd.Timestamp(last) - pd.DateOffset(months=len(pcts) - 1 - i) for i in range(len(pcts))]
    return pd.DataFrame({"month": [m.date() for m in months], "numerator": [50] * len(pcts),
                         "denominator": [100] * len(pcts), "pct": list(pcts)})


def test_the_draft_names_the_change_the_months_and_the_target() -> None:
    text = commentary.draft_sentence(
        "Health advice within 6 weeks", "up", 80.2, 401, 500, "requests due", "Q3 2025/26",
        dt.date(2025, 10, 31), 90.0, series(92.0, 84.0, 88.0, 89.5, 71.3), "; SALT accounts for 40%")
    assert text.startswith("Health advice within 6 weeks fell to 71.3% in October 2025 (from "
                           "84.0% in July 2025), below the 90% target for the fourth month "
                           "running; SALT accounts for 40%.")
    assert "Q3 2025/26 as a whole: 80.2%, 401 of 500 requests due." in text


def test_a_rise_and_a_met_target_are_said_as_such() -> None:
    text = commentary.draft_sentence("Decided within 6 weeks", "up", 91.0, 91, 100,
                                     "requests decided", "2025 Q4", dt.date(2025, 10, 31), 85.0,
                                     series(70.0, 75.0, 80.0, 90.0))
    assert "rose to 90.0% in October 2025 (from 70.0% in July 2025), meeting the 85% target" in text


def test_lower_is_better_counts_months_above_the_target() -> None:
    frame = series(10.0, 30.0, 31.0)
    assert commentary.months_short(frame, 20.0, "down") == 2
    assert commentary.months_short(frame, 20.0, "up") == 0
    assert commentary.months_short(frame, None, "up") == 0


@pytest.mark.parametrize(("count", "words"), [
    (1, ""), (3, " for the third month running"), (12, " for the twelfth month running"),
    (24, " for 24 months running")])
def test_months_running_in_words(count: int, words: str) -> None:
    assert commentary._running(count) == words


def test_small_counts_are_not_given_in_clear() -> None:
    text = commentary.draft_sentence("Tribunal health responses in 5 weeks", "up", 75.0, 3, 4,
                                     "responses due", "2025 Q4", dt.date(2025, 12, 31), 95.0,
                                     series(80.0, last=dt.date(2025, 3, 1)))
    assert text == ("Tribunal health responses in 5 weeks: figure withheld for 2025 Q4 (a count "
                    "under 5 would be shown or could be worked out).")


def test_a_period_with_no_month_to_show_leads_with_the_period() -> None:
    # 5 of 10: neither the count nor its complement is 1-4, so the period's figure can be shown.
    text = commentary.draft_sentence("Tribunal health responses in 5 weeks", "up", 50.0, 5, 10,
                                     "responses due", "2025 Q4", dt.date(2025, 12, 31), 95.0,
                                     series(100.0, last=dt.date(2025, 9, 1)))
    assert text == ("Tribunal health responses in 5 weeks was 50.0% in 2025 Q4 (5 of 10 "
                    "responses due), below the 95% target; the latest month with enough cases to "
                    "show on its own is September 2025.")
    empty = series().iloc[0:0]
    assert commentary.draft_sentence("Responses", "up", 50.0, 5, 10, "responses due", "2025 Q4",
                                     dt.date(2025, 12, 31), 95.0, empty).endswith(
        "; no single month had enough cases to show on its own.")


@pytest.mark.parametrize(("value", "direction", "status"), [
    (90.0, "up", "green"), (85.0, "up", "amber"), (79.9, "up", "red"),
    (10.0, "down", "green"), (15.0, "down", "amber"), (20.1, "down", "red"),
    (None, "up", None)])
def test_rag_rule(value: float | None, direction: str, status: str | None) -> None:
    target = 90.0 if direction == "up" else 10.0
    got = commentary.rag_status(value, target, 10.0, direction)
    assert (got.status if got else None) == status
