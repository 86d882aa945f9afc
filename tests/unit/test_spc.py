"""XmR charts and the Making Data Count rules, on series worked by hand.

The baseline in most tests is 10, 12 repeated 8 times: mean 11, every moving range 2, so the
average moving range is 2, the process limits 11 +/- 2.66 x 2 = 5.68 and 16.32, sigma 2 / 1.128
= 1.773 and the 2-sigma lines 7.454 and 14.546. Points after the baseline are tested against it.
"""

from __future__ import annotations

import pytest

from pipelines import spc

BASE = [10.0, 12.0] * 8  # 16 points, the last above the mean
ENDS_BELOW = [12.0, 10.0] * 8  # the same limits, the last point below the mean


def chart(*after: float, base: list[float] = BASE) -> spc.XmR:
    return spc.xmr(base + list(after), baseline=16)


def rules(c: spc.XmR) -> dict[str, list[tuple[str, tuple[int, ...]]]]:
    out: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for s in c.signals:
        out.setdefault(s.rule, []).append((s.side, s.points))
    return out


def test_limits_worked_by_hand() -> None:
    c = spc.xmr(BASE)
    assert c.mean == pytest.approx(11.0)
    assert c.average_moving_range == pytest.approx(2.0)
    assert (c.lower, c.upper) == (pytest.approx(5.68), pytest.approx(16.32))
    assert c.sigma == pytest.approx(2 / 1.128)
    assert c.enough and c.signals == ()


def test_moving_ranges() -> None:
    assert spc.moving_ranges([3.0, 5.0, 4.0, 4.0]) == [2.0, 1.0, 0.0]


# ---- rule 1: a point beyond a limit -----------------------------------------------------------

@pytest.mark.parametrize(("point", "side"), [(16.4, "high"), (5.6, "low")])
def test_a_point_beyond_a_limit(point: float, side: str) -> None:
    assert rules(chart(point))["limit"] == [(side, (16,))]


@pytest.mark.parametrize("point", [16.3, 16.32, 5.68, 5.7])
def test_a_point_inside_or_on_a_limit_is_not_beyond_it(point: float) -> None:
    assert "limit" not in rules(chart(point))


# ---- rule 2: a run of 7 on one side of the mean -------------------------------------------------

def test_a_run_of_seven_above_the_mean() -> None:
    assert rules(chart(*[11.5] * 7, base=ENDS_BELOW))["run"] == [("high", tuple(range(16, 23)))]


def test_a_run_of_seven_below_the_mean() -> None:
    assert rules(chart(*[10.5] * 7))["run"] == [("low", tuple(range(16, 23)))]


def test_six_in_a_row_is_not_a_run() -> None:
    assert "run" not in rules(chart(*[11.5] * 6, 10.5, base=ENDS_BELOW))


def test_a_point_on_the_mean_neither_breaks_nor_counts() -> None:
    # Seven points above with one on the mean among them: still a run, the point on it unflagged.
    c = chart(11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5, 11.5, base=ENDS_BELOW)
    assert rules(c)["run"] == [("high", (16, 17, 18, 20, 21, 22, 23))]
    # Six above and one on the mean: not a run, since the point on the mean does not count.
    assert "run" not in rules(chart(11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5, 10.5,
                                    base=ENDS_BELOW))


# ---- rule 3: a trend of 7 --------------------------------------------------------------------

RISING = [8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.5]  # below the mean for 6, so no run either


def test_a_trend_of_seven_rising() -> None:
    assert rules(chart(*RISING)) == {"trend": [("high", tuple(range(16, 23)))]}


def test_a_trend_of_seven_falling() -> None:
    falling = [14.0, 13.5, 13.0, 12.5, 12.0, 11.5, 10.5]  # above the mean for 6, so no run
    assert rules(chart(*falling, base=ENDS_BELOW)) == {"trend": [("low", tuple(range(16, 23)))]}


def test_six_rising_is_not_a_trend() -> None:
    assert "trend" not in rules(chart(*RISING[1:]))


def test_a_tie_breaks_a_trend() -> None:
    tied = [8.0, 8.5, 9.0, 9.0, 9.5, 10.0, 10.5, 11.5]  # 3 up, a tie, then 5 up
    assert "trend" not in rules(chart(*tied))


def test_the_turning_point_belongs_to_both_trends() -> None:
    up_down = [1.0, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    found = {(s.side, s.points) for s in spc.trends(up_down)}
    assert found == {("high", tuple(range(0, 7))), ("low", tuple(range(6, 13)))}


# ---- rule 4: two of three close to a limit ---------------------------------------------------

def test_two_of_three_beyond_two_sigma() -> None:
    assert rules(chart(15.0, 11.0, 15.0)) == {"near_limit": [("high", (16, 18))]}


def test_two_of_three_low() -> None:
    assert rules(chart(7.0, 7.2, 11.0)) == {"near_limit": [("low", (16, 17))]}


@pytest.mark.parametrize("after", [
    (15.0, 11.0, 11.0),        # only one beyond 2 sigma
    (15.0, 11.0, 11.0, 15.0),  # two, but not within three in a row
    (15.0, 11.0, 7.0),         # one on each side
    (14.5, 14.5, 11.0),        # just inside the 2-sigma line (14.546)
])
def test_not_two_of_three(after: tuple[float, ...]) -> None:
    assert "near_limit" not in rules(chart(*after))


def test_a_point_beyond_the_limit_counts_as_close_to_it() -> None:
    found = rules(chart(17.0, 15.0))
    assert found["limit"] == [("high", (16,))]
    assert found["near_limit"] == [("high", (16, 17))]


# ---- edge cases ------------------------------------------------------------------------------

def test_a_flat_series_has_no_spread_and_no_signal() -> None:
    c = spc.xmr([50.0] * 20)
    assert c.average_moving_range == 0 and c.upper == c.lower == 50.0
    assert c.signals == ()
    assert spc.variation(c, "up").kind == "common_cause"


def test_a_flat_baseline_makes_any_change_a_special_cause() -> None:
    c = spc.xmr([50.0] * 16 + [50.1], baseline=16)
    assert rules(c)["limit"] == [("high", (16,))]


@pytest.mark.parametrize(("target", "kind"), [(40.0, "pass"), (50.0, "hit_and_miss"), (60.0, "fail")])
def test_assurance_of_a_flat_series(target: float, kind: str) -> None:
    assert spc.assurance(spc.xmr([50.0] * 20), target, "up").kind == kind


def test_fewer_points_than_the_minimum_give_no_limits_or_icons() -> None:
    c = spc.xmr([10.0, 12.0] * 7)  # 14 points
    assert not c.enough and c.upper is None and c.signals == ()
    assert c.mean == pytest.approx(11.0)
    assert spc.variation(c, "up").kind == "none"
    assert spc.assurance(c, 90.0, "up").kind == "none"
    assert spc.xmr([10.0, 12.0] * 7 + [10.0]).enough  # 15 points: enough


def test_empty_and_single_point_series() -> None:
    assert spc.xmr([]).mean is None
    one = spc.xmr([70.0], min_points=1)
    assert one.mean == 70.0 and not one.enough


# ---- icons -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("last", "improvement", "kind", "letter"), [
    (17.0, "up", "improvement", "H"),
    (17.0, "down", "concern", "H"),
    (5.0, "up", "concern", "L"),
    (5.0, "down", "improvement", "L"),
    (17.0, "neither", "neither", "H"),
    (11.0, "up", "common_cause", "C"),
])
def test_variation_icon_from_the_latest_point(last: float, improvement: spc.Improvement, kind: str,
                                              letter: str) -> None:
    icon = spc.variation(chart(last), improvement)
    assert (icon.kind, icon.letter) == (kind, letter)
    assert icon.label and icon.explanation  # said in words, never colour alone


def test_an_earlier_special_cause_does_not_set_the_icon() -> None:
    assert spc.variation(chart(17.0, 11.0), "up").kind == "common_cause"


def test_a_point_both_high_and_low_is_a_concern() -> None:
    # Seven points below the mean and rising: a run low and a trend high at once.
    c = chart(8.0, 8.3, 8.6, 8.9, 9.2, 9.5, 9.8)
    assert c.sides(22) == {"high", "low"}
    assert spc.variation(c, "up").kind == "concern"
    assert spc.variation(c, "down").kind == "concern"


@pytest.mark.parametrize(("target", "improvement", "kind", "letter"), [
    (5.0, "up", "pass", "P"),            # both limits (5.68, 16.32) above the target
    (17.0, "up", "fail", "F"),
    (10.0, "up", "hit_and_miss", "?"),
    (17.0, "down", "pass", "P"),         # lower is better: both limits below the target
    (5.0, "down", "fail", "F"),
    (10.0, "down", "hit_and_miss", "?"),
])
def test_assurance_icon(target: float, improvement: spc.Improvement, kind: str, letter: str) -> None:
    icon = spc.assurance(spc.xmr(BASE), target, improvement)
    assert (icon.kind, icon.letter) == (kind, letter)


def test_no_assurance_without_a_target() -> None:
    assert spc.assurance(spc.xmr(BASE), None, "up").kind == "none"
