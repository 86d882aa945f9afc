"""The quarterly board pack end to end: quarters, a tiny database whose counts are 1-4 where a board
must not see them, the CLI writing the PDF, PPTX and xlsx, and the files opened again to check
their pages, titles and that no count from 1 to 4 escaped suppression."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from pipelines import board_pack
from pipelines.board_pack import Quarter, build_board_pack, parse_quarter
from pipelines.cli import main
from pipelines.db import connect_writer
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, AS_OF, EHCP_HEADER, write_csv

QUARTER = "2025Q4"
TITLES = [
    "SEND board pack: 2025 Q4",
    "Health advice returned within 6 weeks: figure withheld for 2025 Q4 (fewer than 5 cases)",
    # Oct-Dec 2025: 5 of 7, 7 of 8 and 7 of 9 plans within 20 weeks (see tiny_exports).
    "New EHC plans issued within 20 weeks: 79.2% in 2025 Q4, meeting the 60% target",
    "Decision whether to assess within 6 weeks: no cases in 2025 Q4",  # decided by September
    "Health recommendations answered within 5 weeks: no cases in 2025 Q4",
    "Overdue health advice: <5 requests open past their 6-week due date on 31 December 2025",
    "Open needs assessments: <5 of <5 past 20 weeks or due within 4 weeks on 31 December 2025",
]


# ---- quarters --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2025Q4", "2025 Q4", "2025-q4", "FY2025-26Q3", "FY2025/26 Q3",
                                  "fy2025-26 q3"])
def test_calendar_and_financial_spellings_of_one_quarter(text: str) -> None:
    q = parse_quarter(text)
    assert (q.start, q.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert (q.label, q.financial_label) == ("2025 Q4", "FY2025-26 Q3")


@pytest.mark.parametrize(("text", "start", "end", "financial"), [
    ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "FY2025-26 Q4"),
    ("FY2025-26Q4", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "FY2025-26 Q4"),
    ("FY2025-26Q1", dt.date(2025, 4, 1), dt.date(2025, 6, 30), "FY2025-26 Q1"),
    ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), "FY2023-24 Q4"),  # a leap year
])
def test_quarter_dates(text: str, start: dt.date, end: dt.date, financial: str) -> None:
    q = parse_quarter(text)
    assert (q.start, q.end, q.financial_label) == (start, end, financial)


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "Q4 2025", "FY2025-27Q1", "2025", ""])
def test_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError, match="quarter|financial year"):
        parse_quarter(text)


def test_the_title_gives_the_dates_both_ways() -> None:
    assert Quarter(2025, 4).describe == (
        "2025 Q4: 1 October to 31 December 2025 (NHS financial year 2025-26, quarter 3)")


def test_as_of_defaults_to_the_quarter_end_or_today() -> None:
    q = Quarter(2025, 4)
    assert board_pack.default_as_of(q, dt.date(2026, 2, 1)) == dt.date(2025, 12, 31)
    assert board_pack.default_as_of(q, dt.date(2025, 11, 5)) == dt.date(2025, 11, 5)
    assert Quarter(2026, 1).previous() == q and q.previous() == Quarter(2025, 3)


# ---- a tiny database with small numbers ------------------------------------------------------

def _months(first: dt.date, count: int) -> list[dt.date]:
    return [dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 15)
            for i in range(count)]


def tiny_exports(folder: Path) -> list[Path]:
    """Riverside: three advice requests due in 2025 Q4 (two in time, one overdue) and two open
    needs assessments at risk; Northshire: 7 to 9 new plans a month for two years, one or two
    late each month. No tribunal data."""
    day = "{:%d/%m/%Y}".format
    advice = write_csv(folder / "advice.csv", [
        ADVICE_HEADER,
        ["H1", "R1", "Riverside", "SALT", "01/09/2025", "30/09/2025", "Trust", "", "", "New"],
        ["H2", "R2", "Riverside", "OT", "15/09/2025", "10/10/2025", "Trust", "", "", "New"],
        ["H3", "R3", "Riverside", "OT", "01/10/2025", "", "Trust", "", "", "New"],
    ])
    rows = [EHCP_HEADER,
            ["R10", "Riverside", "01/07/2025", "01/08/2025", "Yes", "", "", "", "ASD"],
            ["R11", "Riverside", "20/08/2025", "20/09/2025", "Yes", "", "", "", "SLCN"]]
    for i, final in enumerate(_months(dt.date(2024, 1, 1), 24)):
        total = 7 + i % 3
        within = total - 1 - i % 2
        for j in range(total):
            request = final - dt.timedelta(days=120 if j < within else 160)
            rows.append([f"N{i}-{j}", "Northshire", day(request), day(request + dt.timedelta(days=30)),
                         "Yes", day(final - dt.timedelta(days=20)), day(final), "", "ASD"])
    ehcp = write_csv(folder / "ehcp.csv", rows)
    return [advice, ehcp]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("board-pack")
    db = folder / "tiny.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", "board-pack-test-key")
        for path in tiny_exports(folder):
            result = ingest_file(db, path, as_of=AS_OF)
            assert result.status == "loaded" and result.rejected == 0, result.summary()
    return db


@pytest.fixture(scope="module")
def pack(tiny_db: Path) -> board_pack.BoardPack:
    return build_board_pack(tiny_db, QUARTER)


def _chromium() -> str | None:
    return next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


@pytest.fixture(scope="module")
def files(tiny_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pack written by the CLI, once per format (kaleido starts once for the module)."""
    if _chromium() is None and not os.environ.get("CI"):
        pytest.skip("Chromium not installed: kaleido needs it to draw the charts "
                    "(apt-get install -y chromium)")
    out = tmp_path_factory.mktemp("written")
    written = {}
    for kind in ("pdf", "pptx", "xlsx"):
        path = out / f"pack.{kind}"
        assert main(["board-pack", "--db", str(tiny_db), "--quarter", QUARTER,
                     "--out", str(path)]) == 0
        written[kind] = path
    return written


def test_the_pack_built_from_the_tiny_database(pack: board_pack.BoardPack) -> None:
    assert [p.title for p in pack.pages] == TITLES[1:5]
    advice, plans, _, responses = pack.pages
    assert (advice.value, advice.made_of) == ("withheld (small number)", "<5 of <5 requests due")
    assert plans.made_of == "19 of 24 new plans (excluding exceptions)"
    assert plans.chart.enough and len(plans.chart.values) == 24
    assert plans.variation.kind in {"common_cause", "improvement", "concern"}
    assert plans.england == "England 2024: 46.4% (DfE, calendar year)"
    assert responses.value == "no cases" and not responses.chart.enough
    # Every advice month is built on counts of 1-4: none is drawn, each is listed as left out.
    assert not advice.series.shown.any()
    assert advice.notes[0].startswith("Left out of the chart and the limits (a count of 1-4): Oct 2025")
    assert [pack.overdue_title, pack.at_risk_title] == TITLES[5:]


def test_summary_tables_are_counts_only_and_suppressed(pack: board_pack.BoardPack) -> None:
    by_service = pack.overdue[0].frame
    assert list(by_service.columns) == ["Service", "Riverside", "Total"]
    assert by_service.to_dict("records")[-1] == {"Service": "Total", "Riverside": "<5", "Total": "<5"}
    stages = pack.at_risk[0].frame
    assert stages.set_index("Stage").loc["Assessment under way", "Riverside"] == "<5"
    for table in (*pack.overdue, *pack.at_risk):
        assert not {"advice_id", "case_id"} & set(table.frame.columns)


# ---- what the files say ----------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
HARMLESS = [  # numbers that are not counts of children: dates, periods, rules, page numbers
    rf"\b\d{{1,2}} (?:{_MONTHS})\b", r"\bPage \d+ of \d+\b", r"\bquarter \d\b",
    r"\b\d+(?: to \d+)? weeks?\b", r"\breg \d+\(\d+\)", r"\b1-4\b", r"\b\d+ days\b",
    r"\b\d+ or more\b", r"\b\d+ months?\b", r"\b\d+\.\d+\b", r"\bcounts from 1 to 4\b",
]
SMALL_COUNT = re.compile(r"(?<![\w.,<\-])[1-4](?![\w.,%])")


def small_counts_in(text: str) -> list[str]:
    """Standalone numbers 1-4 left once dates, periods and rule wording are taken out."""
    text = " ".join(text.split())
    for pattern in HARMLESS:
        text = re.sub(pattern, " ", text)
    return [text[max(m.start() - 30, 0):m.end() + 30] for m in SMALL_COUNT.finditer(text)]


def test_the_detector_finds_what_it_should() -> None:
    assert small_counts_in("Riverside 3 of 4 requests") != []
    assert small_counts_in("Total <5 12 0") == []
    assert small_counts_in("Page 1 of 7 · 1 October 2025 · 6 weeks · 2.66 · 83.3%") == []


def _count_cells(rows: list[list[str]]) -> list[str]:
    """Table cells after the first column that are not a shown count (0, <5, or 5 and more)."""
    return [c for row in rows[1:] for c in row[1:]
            if not (c in {"0", "<5"} or (c.replace(",", "").isdigit() and int(c.replace(",", "")) >= 5))]


def test_the_pdf(files: dict[str, Path]) -> None:
    reader = PdfReader(files["pdf"])
    assert len(reader.pages) == 7
    assert reader.metadata.title == "SEND board pack: 2025 Q4"
    assert [item.title for item in reader.outline] == TITLES
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    for text, title in zip(texts, TITLES, strict=True):
        assert title in text
    assert "1 October to 31 December 2025 (NHS financial year 2025-26, quarter 3)" in texts[0]
    assert "<5 of <5 requests due" in texts[1]
    assert all(len(p.images) == 1 for p in reader.pages[1:5])  # one chart per metric page
    for text in texts:
        assert small_counts_in(text) == [], text


def test_the_slides(files: dict[str, Path]) -> None:
    slides = list(Presentation(str(files["pptx"])).slides)
    assert [s.shapes.title.text for s in slides] == TITLES
    for slide in slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                texts += [" ".join(row) for row in rows]
                if rows[0][-1] == "Total":
                    assert _count_cells(rows) == []
        texts.append(slide.notes_slide.notes_text_frame.text)
        assert small_counts_in(" ".join(texts)) == []
    pictures = [s for s in slides[1].shapes if s.shape_type == 13]
    assert len(pictures) == 1 and "SPC chart" in pictures[0]._element.nvPicPr.cNvPr.get("descr")


def test_the_xlsx_appendix(files: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(files["xlsx"])
    assert book.sheetnames == ["About", "Headlines", "Monthly series", "Overdue by service",
                               "Overdue by time overdue", "At risk by stage", "Open cases by time left"]
    headlines = list(book["Headlines"].values)
    assert headlines[0][:3] == ("Metric", "2025 Q4", "Made of")
    assert headlines[1][1:3] == ("withheld (small number)", "<5 of <5 requests due")
    series = list(book["Monthly series"].values)
    counts = [series[0].index("Within the time limit"), series[0].index("Counted")]
    assert any(row[counts[0]] == "<5" for row in series[1:])
    for row in series[1:]:
        assert all(not (isinstance(row[c], int) and 1 <= row[c] <= 4) for c in counts), row
    for name in book.sheetnames[3:]:
        rows = list(book[name].values)
        values = [v for row in rows[1:] for v in row[1:]]
        assert "<5" in values or name.startswith("Open cases by")
        assert not [v for v in values if isinstance(v, int) and 1 <= v <= 4], name


def test_the_same_pack_gives_the_same_files(pack: board_pack.BoardPack, files: dict[str, Path]) -> None:
    assert board_pack.write_pdf(pack) == files["pdf"].read_bytes()
    assert board_pack.write_pptx(pack) == files["pptx"].read_bytes()


# ---- the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["--quarter", "2025Q5", "--out", "x.pdf"],
    ["--quarter", "2025Q4", "--out", "x.docx"],
    ["--quarter", "2025Q4", "--out", "x.pdf", "--la", "Westshire"],
    ["--quarter", "2025Q4", "--out", "x.pdf", "--as-of", "2025-09-30"],
])
def test_usage_errors_exit_2(tiny_db: Path, tmp_path: Path, argv: list[str], capsys) -> None:
    argv = [a if a != "x.pdf" and a != "x.docx" else str(tmp_path / a) for a in argv]
    assert main(["board-pack", "--db", str(tiny_db), *argv]) == 2
    assert capsys.readouterr().err.startswith("error:")
    assert not list(tmp_path.iterdir())


def test_missing_or_empty_database_exits_1(tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "pack.xlsx")
    assert main(["board-pack", "--db", str(tmp_path / "none.duckdb"), "--quarter", QUARTER,
                 "--out", out]) == 1
    assert "no database" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    connect_writer(empty).close()  # the tables, no rows
    assert main(["board-pack", "--db", str(empty), "--quarter", QUARTER, "--out", out]) == 1
    assert "holds no" in capsys.readouterr().err


def test_one_local_authority_and_an_as_of_date(tiny_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "riverside.xlsx"
    assert main(["board-pack", "--db", str(tiny_db), "--quarter", "FY2025-26Q3", "--out", str(out),
                 "--la", "riverside", "--as-of", "2025-11-30"]) == 0
    assert "as of 30/11/2025, Riverside" in capsys.readouterr().out
    about = [row[0] for row in openpyxl.load_workbook(out)["About"].values]
    assert "Northshire Integrated Care Board (synthetic sample) · Riverside · figures as of " \
           "30 November 2025" in about
