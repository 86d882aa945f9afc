"""A CSV long enough to be read with Arrow is recognised row by row from its bytes, before it
is parsed: only the rows not loaded before are read and validated, and every table ends as a
load that validates every row leaves it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import csv_lines, known_rows
from pipelines import load as load_module
from pipelines.load import ingest_file
from pipelines.readers import HEAD_ROWS, RawSheet
from tests.conftest import ADVICE_HEADER, AS_OF
from tests.pipeline.test_known_rows import (
    BASE,
    CASES,
    EARLIER,
    EDITS,
    NEW,
    changed,
    edited,
    same_as_every_row_validated,
)

# Rows enough that the file is read past the rows the csv module reads for its header.
FILLER = [[f"P{n}", f"CP{n}", "Northshire", "OT", "01/04/2025", "02/05/2025", "Trust", "", "", ""]
          for n in range(HEAD_ROWS + 10)]


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")


def write(path: Path, rows: list[list[Any]], header: list[str] = ADVICE_HEADER,
          ending: str = "\n", quote: str = ',"\n\r') -> Path:
    """A CSV as an export writes it: cells quoted only where they hold one of `quote`."""
    def cell(value: Any) -> str:
        text = str(value)
        return f'"{text.replace(chr(34), 2 * chr(34))}"' if any(c in text for c in quote) else text
    path.write_bytes("".join(",".join(map(cell, r)) + ending for r in [header, *rows]).encode())
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each load's body was read: 'whole' (every row parsed) or 'some' (the rows not
    recognised), in order."""
    seen: list[str] = []
    body, read_rows = RawSheet.body, known_rows.read_rows

    def whole(self, start):
        seen.append("whole")
        return body(self, start)

    def some(*args):
        seen.append("some")
        return read_rows(*args)

    monkeypatch.setattr(RawSheet, "body", whole)
    monkeypatch.setattr(known_rows, "read_rows", some)
    return seen


@pytest.mark.parametrize("rows, kwargs, validates", CASES.values(), ids=CASES.keys())
def test_a_next_csv_loads_as_if_every_row_were_validated(tmp_path, monkeypatch, rows, kwargs,
                                                         validates):
    steps = [("load", write(tmp_path / "a.csv", [*FILLER, *BASE]), {}),
             ("load", write(tmp_path / "b.csv", [*FILLER, *rows]), kwargs)]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    # A case that validates every row (an earlier as-of date) validates the filler too.
    assert validated[1] == validates + (len(FILLER) if validates == len(rows) else 0)


def test_only_the_rows_not_recognised_are_parsed(tmp_path, monkeypatch, parsed):
    db = tmp_path / "known.duckdb"
    first = ingest_file(db, write(tmp_path / "a.csv", [*FILLER, *BASE]), as_of=AS_OF)
    assert parsed == ["whole"]  # nothing known yet: read whole
    validated = []
    real = load_module.validate_body

    def counting(sheet, body, n, *args, **kwargs):
        validated.append(n)
        return real(sheet, body, n, *args, **kwargs)

    monkeypatch.setattr(load_module, "validate_body", counting)
    result = ingest_file(db, write(tmp_path / "b.csv", [*FILLER, *BASE, NEW]), as_of=AS_OF)
    assert parsed == ["whole", "some"]
    # The impossible date and the warned row (never remembered), the new row, the last row
    # recognised (which ends the table as the file does).
    assert validated == [4]
    assert result.rows_read == first.rows_read + 1 and result.inserted == 1
    assert result.unchanged == first.loaded and result.reconciles()


def test_quoted_cells_with_delimiters_and_line_ends_are_recognised(tmp_path, monkeypatch):
    quoted = [["Q1", "CQ1", "Northshire", "OT", "01/04/2025", "", 'Trust, "North"', "", "", ""],
              ["Q2", "CQ2", "Riverside", "OT", "01/04/2025", "", "Trust", "School\nholidays",
               "", ""]]
    steps = [("load", write(tmp_path / "a.csv", [*FILLER, *quoted, *BASE], ending="\r\n"), {}),
             ("load", write(tmp_path / "b.csv", [*FILLER, *quoted, *BASE, NEW], ending="\r\n"),
              {})]
    assert same_as_every_row_validated(tmp_path, monkeypatch, steps)[1] == 4


def test_a_stray_quote_means_the_cells_are_recognised_instead(tmp_path, monkeypatch, parsed):
    stray = [["S1", "CS1", "Northshire", "OT", "01/04/2025", "", 'Trust 5"', "", "", ""]]
    rows = [*FILLER, *stray, *BASE]
    data = write(tmp_path / "x.csv", rows, quote=",").read_bytes()
    assert csv_lines.row_bounds(data, data.index(b"\n") + 1, ",") is None
    steps = [("load", write(tmp_path / "a.csv", rows, quote=","), {}),
             ("load", write(tmp_path / "b.csv", [*rows, NEW], quote=","), {})]
    # Recognised by its cells, once read whole.
    assert same_as_every_row_validated(tmp_path, monkeypatch, steps)[1] == 4
    assert set(parsed) == {"whole"}


def test_a_column_moved_means_every_row_is_validated(tmp_path, monkeypatch):
    order = [1, 0, *range(2, len(ADVICE_HEADER))]
    moved = [[r[i] for i in order] for r in [ADVICE_HEADER, *FILLER, *BASE]]
    steps = [("load", write(tmp_path / "a.csv", [*FILLER, *BASE]), {}),
             ("load", write(tmp_path / "b.csv", moved[1:], moved[0]), {})]
    assert same_as_every_row_validated(tmp_path, monkeypatch, steps)[1] == len(FILLER) + len(BASE)


def test_rows_wider_than_the_header_are_not_remembered_by_their_bytes(tmp_path, monkeypatch):
    """A cell beyond the header's is in a row's bytes but in no column: such a file is read
    whole by the csv module, and its rows are recognised next time only if read by Arrow."""
    wide = [[*BASE[0][:1], "C1b", *BASE[0][2:], "a name no column takes"]]
    rows = [*FILLER, *wide, *BASE[1:]]
    steps = [("load", write(tmp_path / "a.csv", rows), {}),
             ("load", write(tmp_path / "b.csv", [*rows, NEW]), {})]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[1] == validated[0] + 1
    with duckdb.connect(str(tmp_path / "known.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM known_rows").fetchone() == (0,)


def test_personal_columns_are_never_hashed_as_bytes(tmp_path, monkeypatch):
    header = ["Case ID", "Local Authority", "Request Date", "NHS Number", "Date of Birth"]
    rows = [[f"C{n}", "Northshire", "01/04/2025", "", "01/02/2015"] for n in range(HEAD_ROWS + 5)]
    hashed = []
    monkeypatch.setattr(known_rows.csv_lines, "row_hashes",
                        lambda *a: hashed.append(1) or csv_lines.row_hashes(*a))
    steps = [("load", write(tmp_path / "a.csv", rows, header), {}),
             ("load", write(tmp_path / "b.csv", [*rows, ["C999", "Riverside", "02/04/2025", "",
                                                         ""]], header), {})]
    assert same_as_every_row_validated(tmp_path, monkeypatch, steps)[1] == 2
    assert not hashed


def test_a_row_changed_back_is_validated_and_loads(tmp_path, monkeypatch):
    """A row's earlier version, known but no longer live, is not taken for the live record."""
    a = [*FILLER, *BASE]
    b = changed(a, "A1", 5, "02/05/2025")
    steps = [("load", write(tmp_path / "a.csv", a), {}), ("load", write(tmp_path / "b.csv", b), {}),
             ("load", write(tmp_path / "c.csv", [*a, NEW]), {})]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[1:] == [4, 5]


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS, as_of=st.sampled_from([AS_OF, EARLIER]),
       quoted=st.sampled_from([',"\n\r', ',"\n\rNO']))
def test_any_next_csv_loads_as_if_every_row_were_validated(tmp_path_factory, monkeypatch, edits,
                                                          as_of, quoted):
    """Random edits to a CSV read by Arrow, some cells quoted that need not be (`quoted`)."""
    folder = tmp_path_factory.mktemp("next")
    rows = edited(BASE, edits)
    steps = [("load", write(folder / "a.csv", [*FILLER, *BASE], quote=quoted), {}),
             ("load", write(folder / "b.csv", [*FILLER, *rows], quote=quoted), {"as_of": as_of})]
    same_as_every_row_validated(folder, monkeypatch, steps)
