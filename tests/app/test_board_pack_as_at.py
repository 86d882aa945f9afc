"""One board pack wherever it is made: the /board-pack page and `python -m pipelines board-pack`
take the as-of date from one rule (the quarter's last day, bounded by the latest extract date),
so a quarter's pack shows the same figures from either, and both say on their face which day
the figures are as at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.cli import main

PAGE = "views/board_pack.py"


def _cli_pack(db: Path, quarter: str, out: Path) -> dict[str, list[list[object]]]:
    assert main(["board-pack", "--db", str(db), "--quarter", quarter, "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    return {name: [list(row) for row in book[name].values] for name in ("About", "Headlines")}


@pytest.mark.parametrize("which", ["current", "reviewed"])
def test_the_page_and_the_command_line_give_one_pack(
        run_app: Callable[..., AppTest], sample_db: Path, sample_as_of: dt.date, tmp_path: Path,
        which: str) -> None:
    at = run_app(PAGE)
    if which == "current":  # the quarter holding the latest extract: not over in the data
        at.sidebar.selectbox[0].select_index(0).run()
    quarter = at.sidebar.selectbox[0].value
    as_of = at.sidebar.date_input[0].value
    # A past quarter is as at its last day; the one the data stop inside, at the latest extract.
    assert as_of == (sample_as_of if which == "current" else quarter.end)

    files = _cli_pack(sample_db, quarter.label, tmp_path / "pack.xlsx")
    scope = next(c.value for c in at.caption if " · figures as of " in c.value)
    about = [row[0] for row in files["About"]]
    assert scope.split(" · ", 1)[1] in about  # the same area, LAs and as-of date
    said = " ".join([m.value for m in at.markdown] + [w.value for w in at.warning])
    as_at = next(line for line in about if str(line).startswith("Figures as at "))
    assert f"{as_of.day} " in as_at and as_at in said
    if which == "current":
        assert "the latest extract date" in as_at and "part of the quarter" in as_at
    else:
        assert "the quarter's last day" in as_at

    # The same figures: the headline table's words, and the positions on the as-of date
    # ("Beside it", listed under the table by metric).
    shown = next(d.value for d in at.dataframe if d.value.columns[0] == "Metric")
    head, *rows = files["Headlines"]
    written = {row[head.index("Metric")]: row for row in rows}
    assert len(written) == len(shown) >= 4
    notes = " ".join(m.value for m in at.markdown).replace("\\", "")
    for _, row in shown.iterrows():
        cells = written[row["Metric"]]
        for column in ("Made of", "England", "Variation", "Assurance"):
            assert (cells[head.index(column)] or "") == row[column], (row["Metric"], column)
        beside = cells[head.index("Beside it")]
        assert not beside or beside in notes, row["Metric"]
