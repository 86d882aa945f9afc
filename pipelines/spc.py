"""Statistical process control as NHS England's "Making Data Count" draws it: an XmR chart (mean,
process limits at mean +/- 2.66 x the average moving range), four special cause rules, and the
variation and assurance icons a metric earns. Pure arithmetic on a series; no data access.

Our rules where the guidance leaves a choice (each tested in tests/unit/test_spc.py):
- Limits need at least MIN_POINTS (15) points; with fewer, no limits, rules or icons are given.
- Run: RUN_LENGTH (7) or more consecutive points strictly above, or strictly below, the mean. A
  point exactly on the mean neither breaks a run nor counts towards it.
- Trend: TREND_LENGTH (7) or more consecutive points each strictly higher (or lower) than the one
  before. A tie (equal neighbours) breaks a trend.
- Beyond a limit: strictly above the upper or below the lower limit (a point on a limit is not).
- Near a limit: two of three consecutive points strictly beyond 2 sigma on the same side (sigma =
  average moving range / 1.128), a point beyond the limit included; the points beyond 2 sigma
  in such a window are flagged.
- A point flagged both high and low (a run below the mean while rising) counts as concern when
  improvement has a direction: the board should look at it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MIN_POINTS = 15  # Making Data Count: limits on fewer points are unreliable
RUN_LENGTH = 7
TREND_LENGTH = 7
LIMIT_FACTOR = 2.66  # 3 / d2: three sigma from the average moving range
D2 = 1.128  # bias correction of moving ranges of two points
TOLERANCE = 1e-9  # floats this close are equal (a point "on" the mean)

Improvement = Literal["up", "down", "neither"]
Side = Literal["high", "low"]

RULE_NAMES = {
    "limit": "a point beyond a process limit",
    "run": f"a run of {RUN_LENGTH} or more points on one side of the mean",
    "trend": f"a trend of {TREND_LENGTH} or more points rising or falling",
    "near_limit": "two of three points close to a process limit",
}


@dataclass(frozen=True)
class Signal:
    """A special cause: which rule, which side, and the positions of the points it flags."""

    rule: str
    side: Side
    points: tuple[int, ...]


@dataclass(frozen=True)
class XmR:
    """An XmR chart of a series. Limits, sigma and signals are None/empty with too few points."""

    values: tuple[float, ...]
    mean: float | None
    average_moving_range: float | None
    upper: float | None
    lower: float | None
    signals: tuple[Signal, ...]
    baseline: int
    min_points: int = MIN_POINTS

    @property
    def enough(self) -> bool:
        return self.upper is not None

    @property
    def sigma(self) -> float | None:
        return None if self.average_moving_range is None else self.average_moving_range / D2

    def sides(self, i: int) -> set[Side]:
        """The sides ('high', 'low') on which point i is a special cause."""
        return {s.side for s in self.signals if i in s.points}

    def rules_at(self, i: int) -> list[str]:
        return [s.rule for s in self.signals if i in s.points]


def moving_ranges(values: Sequence[float]) -> list[float]:
    """|x_i - x_(i-1)| for each point after the first."""
    return [abs(b - a) for a, b in zip(values, values[1:], strict=False)]


def _equal(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def _above(a: float, b: float) -> bool:
    """a strictly above b (not merely a rounding error above)."""
    return a > b and not _equal(a, b)


def beyond_limits(values: Sequence[float], upper: float, lower: float) -> list[Signal]:
    out = []
    for i, x in enumerate(values):
        if _above(x, upper):
            out.append(Signal("limit", "high", (i,)))
        elif _above(lower, x):
            out.append(Signal("limit", "low", (i,)))
    return out


def runs(values: Sequence[float], mean: float, length: int = RUN_LENGTH) -> list[Signal]:
    """Runs of `length` or more points on one side of the mean; points on the mean are skipped
    (they neither break nor count)."""
    out: list[Signal] = []
    side: Side | None = None
    members: list[int] = []

    def close() -> None:
        if side is not None and len(members) >= length:
            out.append(Signal("run", side, tuple(members)))

    for i, x in enumerate(values):
        if _equal(x, mean):
            continue
        here: Side = "high" if x > mean else "low"
        if here != side:
            close()
            side, members = here, []
        members.append(i)
    close()
    return out


def trends(values: Sequence[float], length: int = TREND_LENGTH) -> list[Signal]:
    """`length` or more consecutive points each strictly above (or below) the one before; a tie
    ends a trend (and the tied point may start the next)."""
    out: list[Signal] = []
    start, direction = 0, 0
    for i in range(1, len(values) + 1):
        step = 0
        if i < len(values) and not _equal(values[i], values[i - 1]):
            step = 1 if values[i] > values[i - 1] else -1
        if step != direction or step == 0:
            if direction and i - start >= length:
                out.append(Signal("trend", "high" if direction > 0 else "low",
                                  tuple(range(start, i))))
            start, direction = i - 1, step
    return out


def near_limits(values: Sequence[float], mean: float, sigma: float) -> list[Signal]:
    """Two of three consecutive points beyond 2 sigma on the same side (beyond a limit too)."""
    out: list[Signal] = []
    high, low = mean + 2 * sigma, mean - 2 * sigma
    for side, beyond in (("high", lambda x: _above(x, high)), ("low", lambda x: _above(low, x))):
        flagged: set[int] = set()
        for start in range(max(len(values) - 2, 0)):
            window = [i for i in range(start, start + 3) if beyond(values[i])]
            if len(window) >= 2:
                flagged.update(window)
        if flagged:
            out.append(Signal("near_limit", side, tuple(sorted(flagged))))  # type: ignore[arg-type]
    return out


def xmr(values: Sequence[float], baseline: int | None = None, min_points: int = MIN_POINTS) -> XmR:
    """The XmR chart of a series. The mean and average moving range come from the first
    `baseline` points (default: all); limits and rules need `min_points` baseline points."""
    values = tuple(float(v) for v in values)
    baseline = len(values) if baseline is None else min(baseline, len(values))
    base = values[:baseline]
    mean = sum(base) / len(base) if base else None
    if mean is None or baseline < max(min_points, 2):
        return XmR(values, mean, None, None, None, (), baseline, min_points)
    ranges = moving_ranges(base)
    average = sum(ranges) / len(ranges)
    upper, lower = mean + LIMIT_FACTOR * average, mean - LIMIT_FACTOR * average
    signals = (beyond_limits(values, upper, lower) + runs(values, mean) + trends(values)
               + near_limits(values, mean, average / D2))
    return XmR(values, mean, average, upper, lower, tuple(signals), baseline, min_points)


# ---- icons -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Icon:
    """An icon as text and a simple shape: a coloured circle with a letter, and words. Colour is
    never the only cue: the letter and the label say the same."""

    kind: str  # common_cause | improvement | concern | neither | pass | fail | hit_and_miss | none
    letter: str
    label: str
    colour: str  # Okabe-Ito, with white letters
    explanation: str


GREY = "#595959"
BLUE = "#0072B2"
ORANGE = "#D55E00"  # Okabe-Ito vermillion: 'orange' in words, dark enough for a white letter
PURPLE = "#8E4585"  # a darker Okabe-Ito reddish purple, for a white letter


def _direction_word(side: Side) -> str:
    return "higher" if side == "high" else "lower"


def variation(chart: XmR, improvement: Improvement) -> Icon:
    """The variation icon, from the latest point: common cause, or special cause improvement or
    concern (high or low), or special cause variation where neither direction is better."""
    if not chart.enough:
        return Icon("none", "-", "Too few points for SPC", GREY,
                    f"Fewer than {chart.min_points} points: too few to set process limits.")
    last = len(chart.values) - 1
    sides = chart.sides(last)
    if not sides:
        return Icon("common_cause", "C", "Common cause variation", GREY,
                    "The latest point shows only the usual variation: no special cause.")
    rules = ", ".join(sorted({RULE_NAMES[r] for r in chart.rules_at(last)}))
    if improvement == "neither":
        side = "high" if sides == {"high"} else "low" if sides == {"low"} else None
        if side is None:
            return Icon("neither", "S", "Special cause variation", PURPLE,
                        f"The latest point is unusual ({rules}).")
        return Icon("neither", side[0].upper(), f"Special cause variation ({side})", PURPLE,
                    f"The latest point is unusually {_direction_word(side)} ({rules}).")
    good: Side = "high" if improvement == "up" else "low"
    if sides == {good}:
        return Icon("improvement", good[0].upper(), f"Special cause improvement ({good})", BLUE,
                    f"The latest point is unusually {_direction_word(good)}, which is better "
                    f"({rules}).")
    bad: Side = "low" if good == "high" else "high"
    return Icon("concern", bad[0].upper(), f"Special cause concern ({bad})", ORANGE,
                f"The latest point is unusually {_direction_word(bad)}, which is worse ({rules}).")


def assurance(chart: XmR, target: float | None, improvement: Improvement) -> Icon:
    """Whether the process, as it runs, will meet the target: consistently passing (the target
    outside the limits on the bad side of them), consistently failing (outside on the good side),
    or hit and miss (the target between the limits, or on one)."""
    if target is None or improvement == "neither":
        return Icon("none", "-", "No target set", GREY, "No target is set for this metric.")
    if not chart.enough or chart.upper is None or chart.lower is None:
        return Icon("none", "-", "Too few points for SPC", GREY,
                    f"Fewer than {chart.min_points} points: too few to set process limits.")
    if improvement == "up":
        passing, failing = _above(chart.lower, target), _above(target, chart.upper)
    else:
        passing, failing = _above(target, chart.upper), _above(chart.lower, target)
    if passing:
        return Icon("pass", "P", "Consistently passing the target", BLUE,
                    f"Both process limits are on the right side of the {target:g}% target: "
                    "it will be met month after month unless the process changes.")
    if failing:
        return Icon("fail", "F", "Consistently failing the target", ORANGE,
                    f"Both process limits are on the wrong side of the {target:g}% target: it "
                    "will not be met unless the process changes.")
    return Icon("hit_and_miss", "?", "Hit and miss against the target", GREY,
                f"The {target:g}% target lies between the process limits: some months will "
                "meet it and some will not, by chance alone.")
