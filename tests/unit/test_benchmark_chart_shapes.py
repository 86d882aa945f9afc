"""The benchmark chart's shape follows what there is to draw: lines for a series of years, a
lone point labelled with its value, labelled bars when no area has two years, and a title that
says so when no comparator (England, a region, a neighbour) has a figure."""

from __future__ import annotations

import pandas as pd

from dashboard.components.benchmark_charts import NO_COMPARATORS, benchmark_chart, one_year_each

NO_LOCAL = pd.DataFrame(columns=["area", "year", "value", "numerator", "denominator"])


def published(*rows: tuple[str, str, int, float | None]) -> pd.DataFrame:
    return pd.DataFrame([{"area": a, "role": r, "year": y, "value": v, "numerator": None,
                          "denominator": None} for a, r, y, v in rows])


def test_a_neighbour_with_one_year_among_lines_is_a_labelled_marker() -> None:
    frame = published(("England", "England", 2023, 50.3), ("England", "England", 2024, 46.4),
                      ("Kent", "statistical neighbour", 2023, None),
                      ("Kent", "statistical neighbour", 2024, 55.0))
    assert not one_year_each(frame)
    fig = benchmark_chart(frame, NO_LOCAL, "Within 20 weeks", "Leeds")
    traces = {t.name: t for t in fig.data}
    assert traces["England"].mode == "lines+markers" and traces["England"].text is None
    kent = traces["Kent (neighbour)"]
    assert kent.mode == "lines+markers+text" and list(kent.text) == ["", "55.0%"]
    assert NO_COMPARATORS not in fig.layout.title.text


def test_one_year_each_is_bars_named_with_their_year_and_labelled() -> None:
    frame = published(("England", "England", 2024, 44.4),
                      ("Kent", "statistical neighbour", 2024, 8.0),
                      ("Kent", "statistical neighbour", 2023, None))
    local = pd.DataFrame([{"area": "Leeds", "year": 2025, "value": 48.46, "numerator": 1,
                           "denominator": 2}])
    fig = benchmark_chart(frame, local, "Reviews", "Leeds", highlight="Kent")
    (bars,) = fig.data
    assert bars.type == "bar" and bars.orientation == "h"
    assert dict(zip(bars.y, bars.text, strict=True)) == {
        "England, 2024": "44.4%", "Kent (neighbour), 2024": "8.0%",
        "Leeds, 2025: local data, not DfE published": "48.5%"}


def test_a_chart_without_a_comparator_says_so() -> None:
    own = published(("Leeds", "local authority", 2023, 40.0),
                    ("Leeds", "local authority", 2024, 42.0),
                    ("England", "England", 2024, None))  # a symbol, not a figure
    fig = benchmark_chart(own, NO_LOCAL, "Within 20 weeks: Leeds", "Leeds")
    assert NO_COMPARATORS in fig.layout.title.text.replace("<br>", " ")
    assert {t.type for t in fig.data} == {"scatter"} and fig.data[0].name == "Leeds"
    alone = benchmark_chart(own[own.year == 2024], pd.DataFrame(
        [{"area": "Leeds", "year": 2025, "value": 45.0, "numerator": 9, "denominator": 20}]),
        "Reviews: Leeds", "Leeds")
    assert alone.data[0].type == "bar" and NO_COMPARATORS in alone.layout.title.text.replace(
        "<br>", " ")


def test_neighbours_with_the_same_figures_stay_apart() -> None:
    """Two neighbours with the same figures each year would draw one line over the other: each
    has its own dash pattern and marker, its points sit a little apart within the year, and the
    hover names the area and the year (not the shifted position)."""
    same = [("England", "England", y, 50.0) for y in (2023, 2024)] + [
        (area, "statistical neighbour", y, 99.0) for area in ("Kent", "Leeds", "York")
        for y in (2023, 2024)]
    fig = benchmark_chart(published(*same), NO_LOCAL, "Within 6 weeks", "Hull")
    neighbours = [t for t in fig.data if t.name.endswith("(neighbour)")]
    assert len(neighbours) == 3
    assert len({t.line.dash for t in neighbours}) == 3
    assert len({t.marker.symbol for t in neighbours}) == 3
    for year in (2023, 2024):
        where = [x for t in neighbours for x, y in zip(t.x, t.customdata, strict=True)
                 if y[3] == year]
        assert len(set(where)) == 3 and all(abs(x - year) < 0.5 for x in where)
    kent = neighbours[0]
    assert "%{customdata[3]}" in kent.hovertemplate and "%{x}" not in kent.hovertemplate
    assert list(fig.layout.xaxis.tickvals) == [2023, 2024]
