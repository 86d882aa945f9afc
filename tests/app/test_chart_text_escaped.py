"""A name from a file is drawn on a chart letter for letter: Plotly renders <b>, <br> and
<a href> in chart text, so a provider called "<a href='http://x'>click</a>" or "A<br>B" must
reach the figure escaped (as &lt; &gt;), in its axis labels, hover data and titles, and a
'%{...}' in a name must never be filled in by a hover template."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app_helpers import ADVICE, FY_PARAMS, TINY_AS_OF, csv_bytes
from streamlit.testing.v1 import AppTest

from dashboard.components.overdue_queue import chart_pick
from pipelines.load import ingest_file

LINK = "<a href='http://x'>click</a>"
BREAK = "A<br>B %{x}"
SHOWN = {LINK: "&lt;a href='http://x'&gt;click&lt;/a&gt;", BREAK: "A&lt;br&gt;B %{x}"}


def _hostile_providers(db: Path, folder: Path) -> None:
    rows = [ADVICE]
    for n, provider in enumerate([LINK] * 6 + [BREAK] * 6):
        returned = "" if n % 3 == 0 else "20/01/2026"  # some overdue: on the chase chart too
        rows.append([f"X{n}", f"XC{n}", "Riverside", "SALT", "02/01/2026", returned, provider,
                     "", "", "New"])
    path = folder / "advice_hostile.csv"
    path.write_bytes(csv_bytes(rows))
    assert ingest_file(db, path, as_of=TINY_AS_OF, extract_date=TINY_AS_OF).status == "loaded"


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_a_hostile_provider_name_is_escaped_on_every_chart(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    _hostile_providers(tiny_db, tmp_path)
    at = run_app("views/health_advice.py", db=tiny_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    figures = _figures(at)
    text = json.dumps(figures)
    naming = [f for f in figures if SHOWN[LINK] in json.dumps(f)]
    # The rates by provider and the chase list by provider at least.
    assert len(naming) >= 2, [f["layout"]["title"]["text"] for f in figures]
    for raw, shown in SHOWN.items():
        assert shown in text
        assert raw not in text  # nowhere as markup: not in a label, a legend, a hover or a title
    assert "<a " not in text and "A<br>B" not in text
    for figure in naming:
        for trace in figure["data"]:
            # A trace's hover names its series through %{meta}, never a name pasted in.
            assert SHOWN[BREAK] not in trace.get("hovertemplate", "")
    # A bar clicked on the chase chart picks the provider as written in the data.
    assert chart_pick({"selection": {"points": [{"y": SHOWN[LINK]}]}}) == LINK
