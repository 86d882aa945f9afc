"""A workbook whose big sheets are read in parts, while their XML is checked, loads exactly as
one whose sheets are read whole: the same records, row hashes, rejects (sheet, row, column),
warnings, skipped sheets and counts, and the same rows remembered for the next load, whichever
writer made it and wherever the cuts fall (title rows, dates as numbers and as text, totals,
notes, hidden sheets, several sheets, control characters)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipelines import bench, limits, sheet_split
from pipelines.load import ingest_file
from tests.conftest import AS_OF, write_xlsx
from tests.pipeline.test_fast_paths import dump
from tests.pipeline.test_workbook_reading import LATER, LOG


def _load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path, in_parts: bool,
          as_of: dt.date = AS_OF) -> tuple:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 0 if in_parts else 10**15)
    monkeypatch.setattr(sheet_split, "second_core_free", lambda: True)
    monkeypatch.setattr(sheet_split, "PART_MIN_BYTES", 300)  # cuts every few rows
    monkeypatch.setattr(limits, "_CHUNK", 997)  # as the XML streams, chunks cut anywhere
    monkeypatch.setattr(sheet_split, "PARTS", 10**6)
    read: list[str] = []
    real = sheet_split.SheetSplitter.finish

    def counted(self: sheet_split.SheetSplitter) -> Any:
        found = real(self)
        if found is not None and len(self._futures) > 1:
            read.append(self.name)
        return found

    monkeypatch.setattr(sheet_split.SheetSplitter, "finish", counted)
    db = tmp_path / f"{'parts' if in_parts else 'whole'}.duckdb"
    result = ingest_file(db, path, as_of=as_of)
    return read, (result.summary(), [vars(r) for r in result.rejects],
                  [vars(w) for w in result.warnings], result.read_warnings,
                  result.skipped_sheets, dump(db) if result.status == "loaded" else None)


def _parts_and_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path,
                     as_of: dt.date = AS_OF) -> tuple[list[str], tuple]:
    split, in_parts = _load(tmp_path, monkeypatch, path, True, as_of)
    unsplit, whole = _load(tmp_path, monkeypatch, path, False, as_of)
    assert unsplit == []
    assert in_parts == whole
    return split, whole


def _book(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> Path:
    """`write_xlsx`'s workbook with the log's title merged across its columns."""
    book = openpyxl.load_workbook(write_xlsx(path, sheets, hidden))
    book["Log"].merge_cells("A1:J1")
    book.save(path)
    return path


def test_titles_totals_notes_and_a_hidden_sheet_load_the_same_in_parts(tmp_path: Path,
                                                                        monkeypatch) -> None:
    log = LOG[:-1] + [list(r) for r in LOG[3:9]] * 20 + [LOG[-1], [], ["Note: _x0007_checked"]]
    path = _book(tmp_path / "log.xlsx", {"Log": log, "Later": LATER, "Old": log},
                 hidden=("Old",))
    split, whole = _parts_and_whole(tmp_path, monkeypatch, path)
    assert split == ["Log", "Later", "Old"]  # every sheet is read, hidden or not
    summary, rejects, _, read_warnings, skipped, tables = whole
    assert skipped == [{"sheet": "Old", "reason": "hidden sheet"}]
    assert summary["status"] == "loaded" and summary["notes"] >= 1
    assert {(r["sheet"], r["column"]) for r in rejects} >= {("Log", "E"), ("Log", "F")}
    assert any("control character" in w for w in read_warnings)
    assert tables["health_advice"]


@pytest.mark.parametrize("inline", [True, False])
def test_the_bench_workbook_loads_the_same_in_parts(tmp_path: Path, monkeypatch,
                                                    inline: bool) -> None:
    scale = bench.Scale("test", advice=1_500, ehcp=600, appeals=100, las=3, xlsx=1_500)
    frame = bench.advice_frame(scale, 7, bench.ehcp_frame(scale, seed=7))
    path = tmp_path / "advice.xlsx"
    if inline:
        bench.write_xlsx(frame, path)  # inline strings, real Excel dates, impossible ones as text
    else:
        rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
        _book(path, {"Log": [["Advice log"], *rows]})  # shared strings, dates as text
    split, whole = _parts_and_whole(tmp_path, monkeypatch, path, bench.AS_OF)
    assert len(split) == 1
    summary, rejects, *_ = whole
    assert summary["loaded"] > 0.9 * len(frame) and rejects
