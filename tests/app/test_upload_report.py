"""The upload report: a colour that matches how much was rejected, the reason first, every error
of a rejected row (not only the first) kept together, and a plain word for a file named .xlsx
that is not a workbook."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import ADVICE, TINY_AS_OF, csv_bytes, table
from streamlit.testing.v1 import AppTest

from dashboard.components.text import plain  # file names are shown escaped for Markdown

GOOD = ["A20", "C20", "Eastmoor", "OT", "10/02/2026", "", "Trust", "", "", "New"]
TWO_ERRORS = ["A21", "C21", "Eastmoor", "SALT", "31/02/2026", "soon", "Trust", "", "3", "New"]
RETURNED_EARLY = ["A22", "C22", "Eastmoor", "OT", "10/02/2026", "01/02/2026", "Trust", "", "", "New"]


def upload(run_app: Callable[..., AppTest], db: Path, name: str, content: bytes) -> AppTest:
    at = run_app("views/data.py", db=db)
    at.file_uploader(key="upload_files").set_value((name, content, "text/csv"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    return at


def test_every_error_of_a_row_is_listed_reason_first(run_app: Callable[..., AppTest],
                                                     tiny_db: Path) -> None:
    at = upload(run_app, tiny_db, "mostly_bad.csv",
                csv_bytes([ADVICE, TWO_ERRORS, RETURNED_EARLY, GOOD]))
    rejects = table(at, "Reason", "Row", "Error")
    assert list(rejects.columns[:3]) == ["Reason", "Row", "Error"]
    assert rejects[["Row", "Column", "Error"]].values.tolist() == [
        [2, "E", "1 of 2"], [2, "F", "2 of 2"], [3, "F", "1 of 1"]]
    assert "impossible date" in rejects["Reason"].iloc[0]
    assert "not a date" in rejects["Reason"].iloc[1]
    # Two of three rows rejected: red, with the share, never a green success.
    [error] = [e.value for e in at.error if plain("mostly_bad.csv") in e.value]
    assert "2 rejected" in error and "67% of its rows were rejected" in error
    assert not [m for m in [*at.success, *at.warning] if plain("mostly_bad.csv") in m.value]


@pytest.mark.parametrize(("rows", "colour"), [
    ([GOOD, ["A23", "C23", "Eastmoor", "SALT", "11/02/2026", "", "Trust", "", "", "New"]],
     "success"),
    ([GOOD, ["A23", "C23", "Eastmoor", "SALT", "11/02/2026", "", "Trust", "", "", "New"],
      RETURNED_EARLY], "warning"),
])
def test_the_colour_follows_the_share_rejected(run_app: Callable[..., AppTest], tiny_db: Path,
                                               rows: list[list[str]], colour: str) -> None:
    at = upload(run_app, tiny_db, "some.csv", csv_bytes([ADVICE, *rows]))
    shown = {kind: [m.value for m in getattr(at, kind) if plain("some.csv") in m.value]
             for kind in ("success", "warning", "error")}
    assert [kind for kind, messages in shown.items() if messages] == [colour]


def test_a_text_file_named_xlsx_is_not_an_excel_workbook(run_app: Callable[..., AppTest],
                                                         tiny_db: Path) -> None:
    at = upload(run_app, tiny_db, "advice.xlsx", csv_bytes([ADVICE, GOOD]))
    [error] = [e.value for e in at.error if plain("advice.xlsx") in e.value]
    assert "this is not an Excel workbook" in error
    assert "no recognisable header" not in error


def test_a_delay_reason_counted_as_late_is_said_on_the_page(run_app: Callable[..., AppTest],
                                                            tiny_db: Path) -> None:
    """As `ingest` says it: a reason that is no lawful exception loads, counts as late, and the
    upload's result says so, with how to map it if it means a lawful reason."""
    late = ["A24", "C24", "Eastmoor", "SALT", "05/01/2026", "01/03/2026", "Trust",
            "Away from area for 2 weeks", "", "New"]
    at = upload(run_app, tiny_db, "reasons.csv", csv_bytes([ADVICE, GOOD, late]))
    shown = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as Markdown shows it
    told = [w for w in shown if "not a lawful reg 8(2) exception" in w]
    assert len(told) == 1 and "Away from area for 2 weeks" in told[0]
    assert "counted as late" in told[0] and "settings.toml" in told[0]
