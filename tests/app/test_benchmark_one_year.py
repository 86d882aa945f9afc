"""A benchmark measure published for one year only (annual review decisions, first published
for 2024) is drawn as bars labelled with their values, not as lone dots; a measure with years
of figures stays a line chart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from pipelines import benchmark_local

PAGE = "views/benchmarks.py"


def _chart(at: AppTest, heading: str) -> dict:
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(f for f in figures if f["layout"]["title"]["text"].startswith(heading))


def test_one_year_each_is_labelled_bars_and_a_series_stays_lines(
        run_app: Callable[..., AppTest], sample_as_of: dt.date) -> None:
    at = run_app(PAGE)  # no release imported: England's bundled series and the local figures
    year = benchmark_local.latest_complete_year(sample_as_of)
    reviews = _chart(at, "Annual review decisions within 4 weeks")
    assert [t["type"] for t in reviews["data"]] == ["bar"]
    bars = reviews["data"][0]
    named = dict(zip(bars["y"], bars["text"], strict=True))
    assert set(named) == {"England, 2024", f"Northshire, {year}: local data, not DfE published"}
    assert named["England, 2024"] == "44.4%"  # the DfE's figure, as the table gives it
    assert all(text.endswith("%") and text != "-" for text in named.values())
    assert "no comparator" not in reviews["layout"]["title"]["text"]  # England is one

    plans = _chart(at, "EHC plans issued within 20 weeks")
    assert {t["type"] for t in plans["data"]} == {"scatter"}
    england = next(t for t in plans["data"] if t["name"] == "England")
    assert len(england["x"]) > 1 and "text" not in england["mode"]
    star = next(t for t in plans["data"] if "local data" in t["name"])
    assert star["mode"] == "markers+text" and star["text"][0].endswith("%")  # a lone point's value
