"""One number, one name: the requests for health advice due in a period carry one label and one
value on every page that shows them (Overview, Health advice, Board pack, Inspection readiness),
and the 6-week rate's smaller denominator carries its own name and, beside it, the reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader
from pipelines.suppression import WITHHELD

RATE = metrics.CATALOGUE["health_advice"]
PAGES = ("views/overview.py", "views/health_advice.py", "views/inspection.py")
# A number straight before "requests due", with the qualifier that names which figure it is.
DUE_NUMBER = re.compile(r"(\d[\d,]*) requests due( \((?:excluding|including) exceptions\))?")


def _texts(at: AppTest) -> list[str]:
    """Every sentence, card and table cell the page shows."""
    out = [e.value for kind in ("caption", "markdown", "header", "subheader", "info")
           for e in at.get(kind)]
    out += [f"{m.label}: {m.value}" for m in at.metric]
    for frame in (d.value for d in at.dataframe):
        out += [str(c) for c in frame.columns]
        out += [str(v) for v in frame.to_numpy().ravel()]
    return out


def _show_tables(at: AppTest) -> AppTest:
    """Every chart/table switch set to the table."""
    for control in at.get("segmented_control"):
        if "Chart" in control.options:
            control.set_value("Table")
    return at.run()


def test_requests_due_has_one_value_and_one_label_everywhere(
        run_app: Callable[..., AppTest], sample_db: Path) -> None:
    pack = run_app("views/board_pack.py")
    quarter, as_of = pack.sidebar.selectbox[0].value, pack.sidebar.date_input[0].value
    f = metrics.Filters(quarter.start, min(quarter.end, as_of), as_of)
    with reader(sample_db) as con:
        row = metrics.rates(con, "health_advice", f).iloc[0]
    items, incl, den = int(row["items"]), int(row["denominator_incl"]), int(row["denominator"])
    assert items > den >= 5  # the samples have lawful exceptions: the two figures differ
    # The same reason, for a board (a part of 1-4 merged with the rest) and for a DCO (exact).
    reasons = {metrics.due_note(items, incl, den, suppress=s) for s in (True, False)}
    assert all(f"{den:,} {RATE.of_what}" in r for r in reasons)
    # The board pack's page gives it shorter, under the rate's "N of M requests due (...)"; where
    # the count is withheld for the few it would give away, that says what the rate leaves out.
    reasons.add(metrics.due_note(items, incl, den, compact=True))
    reasons.add(metrics.due_withheld(items, incl, den) or metrics.due_note(items, incl, den))

    view = {"grain": "quarter", "from": quarter.label, "to": quarter.label,
            "as_of": as_of.isoformat()}
    shown = {"views/board_pack.py": _texts(_show_tables(pack))}
    for page in PAGES:
        shown[page] = _texts(_show_tables(run_app(page, **view)))

    # The Overview's cards and the board pack show it as a board may see it: in the samples'
    # quarter 1-4 requests are due on the as-of date itself and open (not yet due), which the
    # count less the rate including exceptions' denominator, shown beside it, would give away.
    boards = ("views/overview.py", "views/board_pack.py")
    # Withheld reads "Withheld" on a card and "withheld (small number)" in a sentence.
    as_shown = {page: metrics.due_value(items, den, denominator_incl=incl) if page in boards
                else f"{items:,}" for page in shown}
    as_shown = {page: "withheld" if value == WITHHELD else value
                for page, value in as_shown.items()}
    for page, texts in shown.items():
        # The count, wherever it is named, has the one value.
        values = [t.split(f"{metrics.DUE.label}: ", 1)[1] for t in texts
                  if f"{metrics.DUE.label}: " in t]
        named = [t for t in texts if metrics.DUE.label in t]
        assert values or not named, (page, named)
        assert all(v.lower().startswith(as_shown[page]) for v in values), (page, values)
        # A number called "requests due" says which figure it is, and is that figure's value.
        counts = [(int(n.replace(",", "")), which) for t in texts for n, which in DUE_NUMBER.findall(t)]
        assert counts, page
        for number, which in counts:
            assert which, (page, number)  # never a bare "N requests due"
            assert number == (den if "excluding" in which else incl), (page, number, which)
        # Beside the rate's denominator, the reason it is smaller than the count.
        assert any(r in t for t in texts for r in reasons), page
    # The pages a DCO reads for the period show the count itself, with its label.
    for page in ("views/overview.py", "views/health_advice.py", "views/board_pack.py",
                 "views/inspection.py"):
        assert any(t.lower().startswith(f"{metrics.DUE.label}: {as_shown[page]}".lower())
                   for t in shown[page]), page


def test_the_health_advice_tables_name_their_columns_from_the_catalogue(
        run_app: Callable[..., AppTest]) -> None:
    at = _show_tables(run_app("views/health_advice.py"))
    columns = [list(d.value.columns) for d in at.dataframe]
    rate = [c for c in columns if RATE.of_what.capitalize() in c]
    assert rate, columns
    assert all(metrics.INCL_OF_WHAT.capitalize() in c for c in rate)
    assert not any("Due" in c for c in rate)
    frames = [d.value for d in at.dataframe if RATE.of_what.capitalize() in d.value.columns]
    assert all(isinstance(f, pd.DataFrame) for f in frames)


def test_overdue_advice_has_one_label_and_one_value(run_app: Callable[..., AppTest]) -> None:
    label = metrics.FIGURES["health_advice_overdue_open"].label
    values = {page: [m.value for m in run_app(page).metric if m.label == label] for page in PAGES}
    assert all(len(v) == 1 for v in values.values()), values  # each page names it the same way
    assert len({v[0] for v in values.values()}) == 1, values
