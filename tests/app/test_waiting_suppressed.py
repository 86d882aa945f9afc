"""The waiting times page over a return whose provider suppressed small counts ("<5", "*", "c"):
a total taking in a suppressed count is shown as at least the totals given, never with the
unknown read as 0; tables say "suppressed at source" and what each share leaves out."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import FY_PARAMS, KEY, TINY_AS_OF, captions, csv_bytes, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.benchmarks import import_release
from pipelines.load import ingest_file
from tests.publication_files import TABLES, chs_workbook
from tests.suppressed_return import HEADER, ROWS

PAGE = "views/waiting_times.py"


@pytest.fixture
def suppressed_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    db, path = tmp_path / "suppressed.duckdb", tmp_path / "return.csv"
    path.write_bytes(csv_bytes([HEADER, *ROWS]))
    result = ingest_file(db, path, as_of=TINY_AS_OF, extract_date=TINY_AS_OF)
    assert (result.loaded, result.rejected) == (len(ROWS), 0)
    return db


def test_suppressed_counts_are_shown_as_such_never_as_zero(
        run_app: Callable[..., AppTest], suppressed_db: Path) -> None:
    at = run_app(PAGE, db=suppressed_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    shown = metric_values(at)
    # 1,200 + 40 + 300 given; Northshire's speech and language total was '*'.
    assert shown["Children waiting"] == "1,540+"
    assert shown["Waiting over 18 weeks"] == "66.7%"  # 1,000 of 1,500: no unknown part in it
    said = captions(at)
    assert any("1 return suppressed the total at source (not counted as 0)" in c for c in said)
    assert any("1,000 of 1,500 children waiting; 2 returns with a figure suppressed at source "
               "left out" in c for c in said)

    at.segmented_control(key="waiting_now_service_view").set_value("Table").run()
    frame = table(at, "Service", "Children waiting", "Suppressed at source").set_index("Service")
    salt = frame.loc["Speech and Language Therapy"]
    assert salt["Children waiting"] == "suppressed at source"
    assert salt["Suppressed at source"] == "total (1 return); over 18 weeks (1 return); " \
                                           "over 52 weeks (1 return); referrals (1 return)"
    autism = frame.loc["Autism Assessment"]
    assert autism["Children waiting"] == "1,200"
    assert autism["Over 52 weeks (%)"] == "suppressed at source"  # '<5' of 1,200: not 0.0%
    assert frame.loc["Occupational Therapy", "Over 18 weeks (%)"] == "suppressed at source"

    at.segmented_control(key="waiting_trend_view").set_value("Table").run()
    month = table(at, "Month", "Children waiting", "Referrals received")
    assert month["Children waiting"].tolist() == ["1,200", "40", "suppressed at source"]
    assert month["Referrals received"].tolist() == ["60", "5", "suppressed at source"]


def test_against_england_tells_a_suppressed_figure_from_no_submission(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters,
        tmp_path: Path) -> None:
    db = tmp_path / "with-nhs.duckdb"
    shutil.copy(sample_db, db)
    # Northumbria (organisation 3) printed '*' for its whole community paediatrics list (3).
    import_release(db, chs_workbook(tmp_path / "CHS October 2025.xlsx",
                                    symbols={(3, 3, table): "*" for table in TABLES}))
    at = run_app(PAGE, db=db, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    frame = table(at, "NHS England service line", "Organisation", "Note")
    paeds = frame[frame["NHS England service line"] == "Community paediatric service"]
    notes = dict(zip(paeds["Organisation"], paeds["Note"], strict=True))
    assert notes["Northumbria Healthcare NHS Foundation Trust"] == "suppressed ('*')"
    assert notes["Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust"] == "no submission"
    assert notes["England"] == ""
    assert any("'no submission' where the organisation sent none" in c for c in captions(at))


def test_an_upload_says_which_cells_were_suppressed_at_source(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app("views/data.py", db=tiny_db)
    at.file_uploader(key="upload_files").set_value(
        ("return.csv", csv_bytes([HEADER, *ROWS]), "text/csv"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    said = [w.value.replace("\\", "") for w in at.warning]  # as written, Markdown escapes off
    assert any("column G (Over 52 Weeks): 2 cells suppressed at source (rows 2, 4); loaded as "
               "unknown, not 0" in w for w in said), said
    row = table(at, "File", "Rows read").iloc[0]
    assert (row["Loaded"], row["Rejected"]) == (len(ROWS), 0)
