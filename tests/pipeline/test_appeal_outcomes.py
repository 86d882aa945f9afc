"""SEND Tribunal outcomes as trackers write them: a listed spelling is stored as the one label the
Tribunals page groups by ("Upheld in part" and "Partially upheld" are one outcome); any other
wording loads as written (never rejected, so the appeal stays in the 5-week metric), with
personal data removed as from any text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines import metrics, queries

ROWS = [  # (outcome as written, stored)
    ("Upheld in part", "Partially upheld"),
    ("Partially upheld", "Partially upheld"),
    ("APPEAL UPHELD", "Upheld"),
    ("LA conceded", "Conceded"),
    ("Awaiting hearing", "Pending"),
    ("Struck out", "Struck out"),
    ("Settled by agreement", "Settled by agreement"),  # the tracker's own wording, kept
    ("Withdrawn - Mrs Jones moved", "Withdrawn - [name removed] moved"),
    ("", None),
]


def _tracker(path: Path) -> Path:
    lines = ["Tribunal Ref,Local Authority,Date Registered,Appeal Type,Health Aspects,Outcome"]
    lines += [f"EH{n:03d}/25/00{n:03d},Riverside,0{n}/04/2025,Contents of plan,Y,{outcome}"
              for n, (outcome, _) in enumerate(ROWS, 1)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_listed_spellings_share_a_label_and_other_wording_loads_as_written(load, tmp_path, db):
    result = load(_tracker(tmp_path / "tracker.csv"))
    assert (result.status, result.loaded, result.rejected) == ("loaded", len(ROWS), 0)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT outcome FROM tribunals ORDER BY source_row").fetchall()
        by_outcome = queries.appeals_by_type_and_outcome(con, metrics.Filters(
            dt.date(2025, 4, 1), dt.date(2025, 4, 30), dt.date(2026, 3, 31)))
    assert [o for (o,) in stored] == [s for _, s in ROWS]
    counted = dict(zip(by_outcome["outcome"], by_outcome["appeals"], strict=True))
    assert counted["Partially upheld"] == 2 and "Upheld in part" not in counted
    assert counted["Not recorded"] == 1
