"""The quarterly board pack end to end: quarters, a tiny database whose counts are 1-4 where a board
must not see them, the CLI writing the PDF, PPTX and xlsx, and the files opened again to check
their pages, titles and that no count from 1 to 4 escaped suppression. The wider remit's pages
(annual reviews, complaints, waiting times, schools, personal health budgets): from the bundled
samples, with the metric functions' figures, and from a tiny database where every count is
small; a database without those datasets keeps the pack as it was."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pypdf import PdfReader

from pipelines import board_pack, bootstrap, config, metrics, spc, suppression
from pipelines.board_pack import (
    WAITING,
    MetricPage,
    Quarter,
    TablePage,
    build_board_pack,
    charts,
    parse_quarter,
)
from pipelines.cli import main
from pipelines.db import connect_writer, reader
from pipelines.load import ingest_file
from pipelines.suppression import WITHHELD, suppress_count, suppress_rate
from tests.conftest import ADVICE_HEADER, AS_OF, EHCP_HEADER, quarters_on, write_csv

# These tests read the pack on calendar quarters ("2025 Q4"); NHS financial-year quarters, the
# default, have their own tests.
pytestmark = [pytest.mark.usefixtures("calendar_quarters"),
              pytest.mark.xdist_group("board_pack")]  # one worker: its module fixtures are made once
QUARTER = "2025Q4"
TITLES = [
    "SEND board pack: 2025 Q4",
    "Health advice returned within 6 weeks: figure withheld for 2025 Q4 (a count under 5 would "
    "be shown or could be worked out)",
    # Oct-Dec 2025: 25 of 35, 35 of 40 and 35 of 45 plans within 20 weeks (see tiny_exports).
    "New EHC plans issued within 20 weeks: 79.2% in 2025 Q4, meeting the 60% target",
    "Decision whether to assess within 6 weeks: no cases in 2025 Q4",  # decided by September
    "Health recommendations answered within 5 weeks: no cases in 2025 Q4",
    "Overdue health advice: <5 requests open past their 6-week due date on 31 December 2025",
    "Open needs assessments: <5 of <5 past 20 weeks or due within 4 weeks on 31 December 2025",
]
NOT_LOADED = ("Not in this pack (no data loaded): annual reviews, complaints, waiting times, "
              "schools audit and personal health budgets.")


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


def test_a_pack_whose_data_stop_before_the_quarter_ends_is_as_at_the_latest_extract(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "early.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", "board-pack-test-key")
        for path in tiny_exports(tmp_path):
            assert ingest_file(db, path, as_of=AS_OF, extract_date=dt.date(2025, 11, 20)
                               ).status == "loaded"
    with reader(db) as con:
        assert board_pack.pack_as_of(con, parse_quarter(QUARTER)) == dt.date(2025, 11, 20)
        assert board_pack.pack_as_of(con, parse_quarter("2025Q3")) == dt.date(2025, 9, 30)
    pack = build_board_pack(db, QUARTER)
    assert pack.as_of == dt.date(2025, 11, 20) and pack.partial
    assert pack.as_at == ("Figures as at 20 November 2025, the latest extract date: the data do "
                          "not reach the quarter's end (31 December 2025): they cover part of "
                          "the quarter.")
    assert build_board_pack(db, "2025Q3").as_at == (
        "Figures as at 30 September 2025, the quarter's last day.")
    assert build_board_pack(db, QUARTER, as_of=dt.date(2025, 11, 1)).as_at.startswith(
        "Figures as at 1 November 2025, before the quarter's end (31 December 2025)")
    out = tmp_path / "pack.xlsx"
    assert main(["board-pack", "--db", str(db), "--quarter", QUARTER, "--out", str(out)]) == 0
    assert "as of 20/11/2025" in capsys.readouterr().out
    assert pack.as_at in [row[0] for row in openpyxl.load_workbook(out)["About"].values]
    # A quarter the data have not reached: no pack of nothing, but a reason.
    assert main(["board-pack", "--db", str(db), "--quarter", "2026Q1", "--out", str(out)]) == 2
    assert "the latest data are of 2025-11-20, before 2026 Q1 begins" in capsys.readouterr().err


# ---- a tiny database with small numbers ------------------------------------------------------

def _months(first: dt.date, count: int) -> list[dt.date]:
    return [dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 15)
            for i in range(count)]


def tiny_exports(folder: Path) -> list[Path]:
    """Riverside: three advice requests due in 2025 Q4 (two in time, one overdue) and two open
    needs assessments at risk; Northshire: 35 to 45 new plans a month for two years, 5 or 10
    late each month (a month with 1-4 late would be withheld: its complement). No tribunal
    data."""
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
        total = 5 * (7 + i % 3)
        within = total - 5 * (1 + i % 2)
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
        for path in tiny_exports(folder):  # extracted after 2025 Q4: packs as at its end
            result = ingest_file(db, path, as_of=AS_OF, extract_date=AS_OF)
            assert result.status == "loaded" and result.rejected == 0, result.summary()
    return db


@pytest.fixture(scope="module")
def pack(tiny_db: Path) -> board_pack.BoardPack:
    return build_board_pack(tiny_db, QUARTER)


def _chromium() -> str | None:
    return next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def _need_chromium() -> None:
    if _chromium() is None and not os.environ.get("CI"):
        pytest.skip("Chromium not installed: kaleido needs it to draw the charts "
                    "(apt-get install -y chromium)")


def write_all(pack: board_pack.BoardPack, folder: Path) -> dict[str, Path]:
    """The pack in each format, through the writers the CLI and the page use."""
    _need_chromium()
    written = {}
    for kind, writer in (("pdf", board_pack.write_pdf), ("pptx", board_pack.write_pptx),
                         ("xlsx", board_pack.write_xlsx)):
        written[kind] = folder / f"pack.{kind}"
        writer(pack, written[kind])
    return written


@pytest.fixture(scope="module")
def files(tiny_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pack written by the CLI, once per format (kaleido starts once for the module)."""
    _need_chromium()
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
    assert [p.title for p in pack.document()] == TITLES[1:]
    assert pack.remit == () and pack.skipped_note == NOT_LOADED
    advice, plans, _, responses = pack.pages
    assert (advice.value, advice.made_of) == ("withheld (small number)",
                                              "<5 of <5 requests due (excluding exceptions)")
    assert plans.made_of == "95 of 120 new plans (excluding exceptions)"
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


def test_no_withheld_count_can_be_worked_out_from_a_summary_table_s_totals(
        sample_pack: board_pack.BoardPack) -> None:
    withheld = 0
    for table in (*sample_pack.overdue, *sample_pack.at_risk):
        hidden = table.frame.iloc[:, 1:].isin(["<5", "*"]).to_numpy()
        withheld += int(hidden.sum())
        assert (hidden.sum(axis=0) != 1).all() and (hidden.sum(axis=1) != 1).all(), table.title
    assert withheld  # the samples have small counts, so the check above is not vacuous


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
    """Table cells after the first column that are not a shown count (0, <5, * withheld beside a
    <5, or 5 and more)."""
    return [c for row in rows[1:] for c in row[1:]
            if not (c in {"0", "<5", "*"} or (c.replace(",", "").isdigit() and int(c.replace(",", "")) >= 5))]


def pdf_texts(path: Path) -> list[str]:
    """Each page's text, whitespace collapsed; asserts no page shows a count of 1-4."""
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    for text in texts:
        assert small_counts_in(text) == [], text
    return texts


def slide_texts(path: Path) -> list[str]:
    """Each slide's words (text boxes, tables and notes); asserts none shows a count of 1-4 and
    that summary tables hold only shown counts."""
    out = []
    for slide in Presentation(str(path)).slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                texts += [" ".join(row) for row in rows]
                if rows[0][-1] == "Total":
                    assert _count_cells(rows) == []
        texts.append(slide.notes_slide.notes_text_frame.text)
        text = " ".join(" ".join(texts).split())
        assert small_counts_in(text) == [], text
        out.append(text)
    return out


def test_the_pdf(files: dict[str, Path]) -> None:
    reader = PdfReader(files["pdf"])
    assert len(reader.pages) == 7
    assert reader.metadata.title == "SEND board pack: 2025 Q4"
    assert [item.title for item in reader.outline] == TITLES
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    for text, title in zip(texts, TITLES, strict=True):
        assert title in text
    assert "1 October to 31 December 2025 (NHS financial year 2025-26, quarter 3)" in texts[0]
    assert NOT_LOADED in texts[0]  # no wider remit data: no page for it, a line on the cover
    assert "<5 of <5 requests due (excluding exceptions)" in texts[1]
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
    assert headlines[1][1:3] == ("withheld (small number)",
                                 "<5 of <5 requests due (excluding exceptions)")
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
    assert "Northshire Integrated Care Board · Riverside · figures as of " \
           "30 November 2025" in about


# ---- the wider remit: the bundled samples ----------------------------------------------------

SAMPLE_QUARTER = Quarter(2026, 3)  # the samples run to November 2026
REMIT_TITLES = (  # how each wider-remit page's title begins, in the pack's order
    "Annual review decisions within 4 weeks of the meeting: ",
    "Complaints responded to by their due date: ",
    "Children waiting over 18 weeks: ",
    "Schools: ",
    "Personal health budgets: ",
)


@pytest.fixture(scope="module")
def sample_pack(sample_db: Path) -> board_pack.BoardPack:
    return build_board_pack(sample_db, SAMPLE_QUARTER)


@pytest.fixture(scope="module")
def sample_files(sample_pack: board_pack.BoardPack,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(sample_pack, tmp_path_factory.mktemp("sample-written"))


def test_the_sample_pack_has_a_page_for_each_part_of_the_wider_remit(
        sample_pack: board_pack.BoardPack) -> None:
    document = sample_pack.document()
    assert [type(p) for p in document] == [MetricPage] * 4 + [TablePage] * 2 + [MetricPage] * 3 \
        + [TablePage] * 2
    for page, start in zip(document[6:], REMIT_TITLES, strict=True):
        assert page.title.startswith(start), page.title
    assert sample_pack.skipped == () and sample_pack.skipped_note == ""
    assert [p.spec.dataset for p in sample_pack.pages] == [None] * 4 + [
        "annual_reviews", "complaints", "waiting_times"]


def test_the_sample_pack_shows_what_the_metric_functions_say(
        sample_pack: board_pack.BoardPack, sample_db: Path) -> None:
    q = SAMPLE_QUARTER
    f = metrics.Filters(q.start, q.end, q.end)
    pages = {p.spec.metric: p for p in sample_pack.pages}
    remit = {p.anchor: p for p in sample_pack.remit}

    def rate(row: object) -> str:
        return suppress_rate(row.pct, row.numerator, row.denominator)

    def made_of(num: int, den: int, of_what: str) -> str:
        return f"{suppression.made_of(num, den)} {of_what}"

    with reader(sample_db) as con:
        for metric, of_what in (("annual_review_decisions", "decisions due"),
                                ("complaint_responses", "responses due")):
            row = metrics.rates(con, metric, f).iloc[0]
            page = pages[metric]
            assert (page.value, page.made_of) == (rate(row), made_of(
                row.numerator, row.denominator, of_what))
            assert page.title == (  # no local target
                f"{page.spec.title}: figure withheld for 2026 Q3 (a count under 5 would be shown "
                "or could be worked out)"
                if rate(row) == WITHHELD else f"{page.spec.title}: {rate(row)} in 2026 Q3")
            monthly = metrics.rates(con, metric, metrics.Filters(dt.date(2024, 10, 1), q.end,
                                                                 q.end), "month")
            # Months of 1-4 (or a complement of 1-4) left out, and any month of the quarter
            # that would give one away from the quarter's figure.
            kept = page.series[page.series.note != board_pack.build.SECOND_WITHHELD]
            assert (page.series.month[page.series.note == board_pack.build.SECOND_WITHHELD]
                    >= q.start).all()
            shown = page.series[page.series.shown]
            assert shown.pct.tolist() == [p for p, n, d, m in zip(
                monthly.pct, monthly.numerator, monthly.denominator, monthly.start, strict=True)
                if d >= 5 and not suppression.rate_withheld(n, d)
                and pd.Timestamp(m).date() in set(kept.month)]
        assert pages["annual_review_decisions"].england == "England 2024: 44.4% (DfE, calendar year)"
        assert pages["annual_review_decisions"].target is None
        others = {fig.label: fig.value for fig in pages["annual_review_decisions"].figures}
        for metric, label in (
                ("annual_reviews_held", "Reviews held within 12 months"),
                ("annual_review_amended_plans", "Amended plans within 12 weeks of the meeting"),
                ("annual_review_health_contribution",
                 "Health contributed (attended or wrote advice)")):
            assert others[label] == rate(metrics.rates(con, metric, f).iloc[0])

        received = metrics.rates(con, "complaints_received", f).iloc[0]
        still_open = metrics.open_complaints(con, f)
        assert [(fig.value, fig.made_of) for fig in pages["complaint_responses"].figures] == [
            (suppress_count(received["items"]),
             f"{suppression.part_text(received.numerator, received['items'])} with a health aspect"),
            (suppress_count(len(still_open)),
             f"{suppression.part_text((still_open.status == 'overdue').sum(), len(still_open))}"
             " past their response due date")]

        waiting = pages[WAITING]
        latest = metrics.waiting_times_trend(con, f, by=None).iloc[-1]
        assert latest.month == "2026-09" and waiting.spec.improvement == "down"
        assert waiting.value == suppress_rate(latest.over_18_weeks_pct, latest.over_18_weeks,
                                              latest.total_reporting_18)
        assert waiting.title == f"Children waiting over 18 weeks: {waiting.value} at the end of " \
                                "September 2026"
        assert waiting.made_of == made_of(latest.over_18_weeks, latest.total_reporting_18,
                                          "children waiting")
        assert waiting.chart.enough and len(waiting.chart.values) == 24
        now = metrics.waiting_times_current(con, f)
        table = waiting.tables[0].frame
        assert table.Service.tolist() == now.service.tolist()
        assert table["Children waiting"].tolist() == [suppress_count(v) for v in now.waiting_total]
        assert table["Over 18 weeks"].tolist() == [suppress_rate(p, n, d) for p, n, d in zip(
            now.over_18_weeks_pct, now.over_18_weeks, now.total_reporting_18, strict=True)]
        autism = now[now.service == "Autism Assessment"].iloc[0]
        assert bool(autism.median_over_nice)
        assert table.set_index("Service").loc["Autism Assessment", "Autism: NICE 13 weeks"] == \
            f"over 13 weeks (median {autism.median_weeks_waiting_worst:g} weeks)"

        position = metrics.school_policy_position(con, f).iloc[0]
        schools = remit["schools"]
        shown = {fig.label: fig for fig in schools.figures}
        assert shown["Compliant with the statutory guidance"].value == suppress_rate(
            position.compliant_pct, position.compliant, position.schools)
        assert shown["With a medical conditions policy"].made_of == made_of(
            position.with_policy, position.schools, "schools audited") + "; HCSA 47.5%"
        ihp = metrics.school_ihp_coverage(con, f).iloc[0]
        assert shown["Pupils with a medical condition who have an IHP"].value == suppress_rate(
            ihp.ihp_coverage_pct, ihp.pupils_with_ihp, ihp.pupils_with_medical_conditions)
        health = metrics.school_mental_health(con, f).iloc[0]
        assert shown["Covered by a Mental Health Support Team"].value == suppress_rate(
            health.mhst_pct, health.with_mhst, health.mhst_recorded)
        by_la = metrics.school_policy_position(con, f, by="local_authority").set_index("group")
        las = schools.tables[0].frame.set_index("Local authority")
        assert list(las.index) == ["Northshire", "Riverside", "Eastmoor", "Total"]
        for la in by_la.index:
            assert las.loc[la, "Compliant"] == suppress_count(by_la.loc[la, "compliant"])
        missing = metrics.school_elements_missing(con, f)
        assert schools.tables[1].frame["Schools lacking it"].tolist() == [
            suppress_count(v) for v in missing.missing]
        # The follow-up list is the DCO's: no school is named in the board's pack.
        listed = metrics.school_follow_up(con, f)
        assert not any(name in str(cell) for name in listed.school_name
                       for t in schools.tables for cell in t.frame.to_numpy().ravel())

        active = metrics.phb_active(con, f).iloc[0]
        started = metrics.rates(con, "phb_started", f).iloc[0]
        budgets = remit["personal-health-budgets"]
        assert [fig.value for fig in budgets.figures] == [
            suppress_count(active.active), suppress_rate(active.continuing_care_pct,
                                                         active.continuing_care, active.active),
            suppress_count(started["items"])]
        total = budgets.tables[0].frame.iloc[-1].tolist()
        assert total == ["Total", suppress_count(active.active), suppress_count(active.continuing_care),
                         suppress_rate(active.continuing_care_pct, active.continuing_care,
                                       active.active),
                         suppress_count(started["items"]), suppress_count(started.numerator)]
        assert "<5" in budgets.tables[0].frame.to_numpy()  # Riverside started fewer than 5


def test_the_sample_pack_files(sample_pack: board_pack.BoardPack,
                               sample_files: dict[str, Path]) -> None:
    titles = [sample_pack.title, *[p.title for p in sample_pack.document()]]
    reader_ = PdfReader(sample_files["pdf"])
    assert len(reader_.pages) == 12 and [item.title for item in reader_.outline] == titles
    texts = pdf_texts(sample_files["pdf"])
    slides = slide_texts(sample_files["pptx"])
    assert [s.shapes.title.text for s in Presentation(str(sample_files["pptx"])).slides] == titles
    assert "Also in this pack: overdue health advice, open needs assessments, schools" in texts[0]
    for page, text, slide in zip(sample_pack.document(), texts[1:], slides[1:], strict=True):
        assert page.title in text
        for figure in page.figures:  # every figure, as the pack holds it, on the page and slide
            for part in (figure.shown, figure.made_of, figure.because):  # why it is withheld too
                assert part in text and part in slide, (part, figure)
        for table in page.tables:
            assert table.title in text and table.title in slide
            for row in table.frame.itertuples(index=False):
                assert " ".join(map(str, row)) in slide
    # One chart per metric page; none on the pages of tables.
    pictures = [len(p.images) for p in reader_.pages[1:]]
    assert pictures == [1 if isinstance(p, MetricPage) else 0 for p in sample_pack.document()]

    book = openpyxl.load_workbook(sample_files["xlsx"])
    assert book.sheetnames == [
        "About", "Headlines", "Monthly series", "Waiting by month", "Overdue by service",
        "Overdue by time overdue", "At risk by stage", "Open cases by time left",
        "Wider remit figures", "Waiting by service", "Schools by LA", "Policy elements missing",
        "PHB by LA"]
    headlines = [row[0] for row in book["Headlines"].values]
    assert headlines[5:] == ["Annual review decisions within 4 weeks of the meeting",
                             "Complaints responded to by their due date",
                             "Children waiting over 18 weeks"]
    waiting = list(book["Waiting by month"].values)
    assert waiting[0][2:4] == ("Waiting over 18 weeks", "Children waiting") and len(waiting) == 25
    for name in book.sheetnames[1:]:
        values = [v for row in list(book[name].values)[1:] for v in row]
        assert not [v for v in values if isinstance(v, int) and 1 <= v <= 4], name


# ---- the wider remit: a tiny database where every count is small -----------------------------

NCH = "Northshire Community Health NHS Trust"
ELEMENTS = ["Named Lead", "Staff Training", "IHP Process", "Medicines", "School Trips",
            "Emergency Procedures", "Complaints", "Unacceptable Practice"]


def tiny_remit_exports(folder: Path) -> list[Path]:
    """Riverside's three annual reviews, three complaints, three schools and two budgets, and a
    waiting list of 48 children, all in 2025 Q4: every count a board sees is 1-4 but the waiting
    list's."""
    yes = ["Y"] * 8
    return [
        write_csv(folder / "reviews.csv", [
            ["Case ID", "LA", "Review Due Date", "Meeting Date", "Health Invited", "Health Attended",
             "Health Advice Submitted", "Decision Date", "Decision", "Amended Plan Date"],
            ["A1", "Riverside", "01/10/2025", "25/09/2025", "Y", "Y", "N", "10/10/2025", "M", ""],
            ["A2", "Riverside", "20/10/2025", "15/10/2025", "Y", "N", "N", "30/11/2025", "A", ""],
            ["A3", "Riverside", "01/11/2025", "03/11/2025", "N", "N", "N", "", "", ""]]),
        write_csv(folder / "complaints.csv", [
            ["Complaint Ref", "Local Authority", "Date Received", "Health Aspect", "Stage",
             "Response Due", "Date Responded", "Outcome"],
            ["K1", "Riverside", "01/10/2025", "Y", "Stage 1", "29/10/2025", "20/10/2025", "Upheld"],
            ["K2", "Riverside", "15/10/2025", "N", "Stage 1", "12/11/2025", "10/11/2025", "Not upheld"],
            ["K3", "Riverside", "20/11/2025", "Y", "Stage 2", "18/12/2025", "", ""]]),
        write_csv(folder / "waits.csv", [
            ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
             "Over 52 Weeks", "Median Wait (Weeks)", "Referrals Received"],
            ["Oct 2025", NCH, "Northshire", "Autism assessment", "40", "12", "3", "20", "5"],
            ["Nov 2025", NCH, "Northshire", "Autism assessment", "42", "13", "3", "21", "4"],
            ["Dec 2025", NCH, "Northshire", "Autism assessment", "45", "15", "4", "22", "6"],
            ["Dec 2025", NCH, "Northshire", "SALT", "3", "2", "0", "8", "1"]]),
        write_csv(folder / "schools.csv", [
            ["URN", "School Name", "LA", "Phase", "Audit Date", "Policy in Place", "Policy Published",
             "Policy Reviewed Date", *ELEMENTS, "Pupils with Medical Conditions", "Pupils with IHP",
             "SMHL", "MHST", "Wellbeing Score"],
            ["200001", "Elm Primary", "Riverside", "Primary", "01/10/2025", "Y", "Y", "01/09/2025",
             *yes, "12", "3", "Y", "Y", "3"],
            ["200002", "Fir High", "Riverside", "Secondary", "05/11/2025", "Y", "N", "01/01/2024",
             *yes, "30", "10", "N", "N", "2"],
            ["200003", "Gorse School", "Riverside", "Special School", "10/12/2025", "N", "", "",
             *[""] * 8, "", "", "", "", ""]]),
        write_csv(folder / "phb.csv", [
            ["PHB Ref", "Local Authority", "Start Date", "End Date", "Continuing Care", "Amount Band"],
            ["P1", "Riverside", "01/06/2025", "", "Y", "Under £5,000"],
            ["P2", "Riverside", "15/11/2025", "", "N", "Under £5,000"]]),
    ]


@pytest.fixture(scope="module")
def remit_pack(tmp_path_factory: pytest.TempPathFactory) -> board_pack.BoardPack:
    folder = tmp_path_factory.mktemp("remit")
    db = folder / "remit.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", "board-pack-test-key")
        for path in [*tiny_exports(folder), *tiny_remit_exports(folder)]:
            result = ingest_file(db, path, as_of=AS_OF, extract_date=AS_OF)
            assert result.status == "loaded" and result.rejected == 0, result.summary()
    return build_board_pack(db, QUARTER)


def test_small_numbers_on_the_wider_remit_pages(remit_pack: board_pack.BoardPack) -> None:
    pack = remit_pack
    titles = [p.title for p in pack.document()][6:]
    assert titles == [
        "Annual review decisions within 4 weeks of the meeting: figure withheld for 2025 Q4 "
        "(a count under 5 would be shown or could be worked out)",
        "Complaints responded to by their due date: figure withheld for 2025 Q4 (a count under 5 "
        "would be shown or could be worked out)",
        "Children waiting over 18 weeks: 35.4% at the end of December 2025",  # 17 of 48
        "Schools' medical conditions policies: <5 schools audited (figures on fewer than 5 "
        "withheld)",
        "Personal health budgets: <5 active on 31 December 2025",
    ]
    pages = {p.spec.metric: p for p in pack.pages}
    annual = pages["annual_review_decisions"]
    assert annual.made_of == "<5 of <5 decisions due" and not annual.series.shown.any()
    # Held in time 2 of 3; no amended plan due in the quarter; health at 0 of 2 meetings.
    assert [f.value for f in annual.figures] == [WITHHELD, "no cases", WITHHELD]
    assert [(f.value, f.made_of) for f in pages["complaint_responses"].figures] == [
        ("<5", "<5 with a health aspect"), ("<5", "<5 past their response due date")]
    waiting = pages[WAITING]
    assert waiting.made_of == "17 of 48 children waiting"
    assert not waiting.chart.enough and waiting.reading.startswith("Only 3 months can be shown")
    assert waiting.figures[0].value == WITHHELD  # over 52 weeks: 4 of 48
    # The services add up to the 48 children waiting: autism's 45 beside it would give SALT's 3
    # away (and its 33.3% of 45, SALT's 2 of the 17 over 18 weeks), so both are withheld.
    assert waiting.tables[0].frame.values.tolist() == [
        ["Autism Assessment", "Dec 2025", "*", "withheld", "withheld",
         "over 13 weeks (median 22 weeks)"],
        ["Speech and Language Therapy", "Dec 2025", "<5", "withheld", "withheld", "n/a"]]
    schools, budgets = pack.remit
    assert schools.tables[0].frame.iloc[-1].tolist() == [
        "Total", "<5", "<5", "withheld", "<5", "withheld", "<5", "withheld"]
    assert [f.value for f in schools.figures] == [WITHHELD] * 3 + ["31.0%", WITHHELD, WITHHELD]
    assert schools.figures[3].made_of == "13 of 42 pupils, <5 schools"
    assert [f.value for f in budgets.figures] == ["<5", WITHHELD, "<5"]


def test_no_small_number_escapes_the_wider_remit_files(remit_pack: board_pack.BoardPack,
                                                        tmp_path: Path) -> None:
    written = write_all(remit_pack, tmp_path)
    texts, slides = pdf_texts(written["pdf"]), slide_texts(written["pptx"])  # no 1-4 shown
    assert len(texts) == len(slides) == 12
    for name in ("Elm Primary", "Fir High", "Gorse School", "200001"):  # no school named
        assert not any(name in t for t in texts + slides)
    book = openpyxl.load_workbook(written["xlsx"])
    for name in ("Wider remit figures", "Waiting by service", "Schools by LA",
                 "Policy elements missing", "PHB by LA", "Monthly series", "Waiting by month"):
        values = [v for row in list(book[name].values)[1:] for v in row]
        assert not [v for v in values if isinstance(v, int) and 1 <= v <= 4], name


# ---- NHS financial-year quarters (the default), greyscale, sentences, numbers ----------------

@pytest.mark.parametrize(("quarter", "name", "describe"), [
    (Quarter(2025, 4, "financial"), "Q3 2025/26",
     "Q3 2025/26, Oct-Dec 2025: 1 October to 31 December 2025 (calendar quarter 2025 Q4)"),
    (Quarter(2026, 1, "financial"), "Q4 2025/26",
     "Q4 2025/26, Jan-Mar 2026: 1 January to 31 March 2026 (calendar quarter 2026 Q1)"),
    (Quarter(2025, 2, "financial"), "Q1 2025/26",
     "Q1 2025/26, Apr-Jun 2025: 1 April to 30 June 2025 (calendar quarter 2025 Q2)"),
    (Quarter(2025, 4, "calendar"), "2025 Q4",
     "2025 Q4: 1 October to 31 December 2025 (NHS financial year 2025-26, quarter 3)"),
])
def test_a_quarter_named_as_an_nhs_board_names_it(quarter: Quarter, name: str, describe: str
                                                  ) -> None:
    assert (quarter.name, quarter.describe) == (name, describe)
    assert quarter.previous().basis == quarter.basis


def test_settings_choose_the_quarters_and_default_to_the_nhs_financial_year(
        tiny_db: Path, tmp_path: Path) -> None:
    with quarters_on("financial", tmp_path) as settings:
        assert 'quarters = "financial"' in settings.read_text(encoding="utf-8")
        pack = build_board_pack(tiny_db, "2025Q4")  # the calendar spelling, named the NHS way
        assert pack.title == "SEND board pack: Q3 2025/26"
        assert pack.subtitle.startswith("Q3 2025/26, Oct-Dec 2025")
        assert pack.pages[1].title == ("New EHC plans issued within 20 weeks: 79.2% in Q3 2025/26, "
                                       "meeting the 60% target")
        assert "NHS financial-year quarters" in " ".join(pack.how_to_read)
        assert pack.file_stem == "send-board-pack-FY2025-26Q3"
        out = tmp_path / "pack.xlsx"
        assert main(["board-pack", "--db", str(tiny_db), "--quarter", "FY2025-26Q3",
                     "--out", str(out)]) == 0
        book = openpyxl.load_workbook(out)
        assert list(book["Headlines"].values)[0][:2] == ("Metric", "Q3 2025/26")
        assert any("NHS financial-year quarters" in str(row[0]) for row in book["About"].values)
    calendar = build_board_pack(tiny_db, "FY2025-26Q3", basis="calendar")
    assert calendar.title == "SEND board pack: 2025 Q4"
    assert "Quarters are calendar quarters" in " ".join(calendar.how_to_read)


def test_a_quarter_basis_that_is_neither_is_refused(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    text = (Path(bootstrap.__file__).parent.parent / "settings.toml").read_text(encoding="utf-8")
    settings.write_text(text.replace('quarters = "financial"', 'quarters = "fiscal"'),
                        encoding="utf-8")
    with pytest.raises(ValueError, match=r"settings\.toml: \[board_pack\] quarters .*'fiscal'"):
        config.load_settings(str(settings))


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_improvement_and_concern_differ_in_grey(pack: board_pack.BoardPack) -> None:
    """Blue and orange are nearly the same grey, so shape and fill must tell them apart."""
    styles = charts.POINT_STYLES
    (_, blue, better), (_, orange, worse) = styles["improvement"], styles["concern"]
    assert abs(_luminance(blue) - _luminance(orange)) < 40  # why colour cannot carry it
    assert better != worse and worse.endswith("-open") and not better.endswith("-open")
    assert "diamond" in styles["improvement"][0] and "hollow square" in styles["concern"][0]
    # Drawn: a chart with a run of low months (concern) and then high ones (improvement).
    values = [50.0] * 8 + [20.0] * 8 + [90.0] * 8
    chart = spc.xmr(values)
    months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(24)]
    shown = pd.DataFrame({"month": months, "pct": values, "numerator": [50] * 24,
                          "denominator": [100] * 24})
    fig = charts.spc_chart(shown, chart, "A test", None, "up", (months[0], months[-1]))
    markers = {t.name: t.marker for t in fig.data if t.mode == "markers"}
    assert markers[styles["concern"][0]].symbol == "square-open"
    assert markers[styles["improvement"][0]].symbol == "diamond"
    icons = {icon.kind: board_pack.model.icon_is_square(icon) for icon in board_pack.ICON_KEY}
    assert icons == {"common_cause": False, "improvement": False, "concern": True, "pass": False,
                     "fail": True, "hit_and_miss": False}
    assert "improvement is a filled diamond and concern a hollow square" in " ".join(
        pack.how_to_read)


def test_icons_on_the_slides_are_square_for_concern(files: dict[str, Path]) -> None:
    cover = Presentation(str(files["pptx"])).slides[0]
    shapes = {s.name: s.auto_shape_type for s in cover.shapes if s.name.startswith("Icon: ")}
    assert shapes["Icon: Special cause concern (L low, H high)"] == MSO_SHAPE.RECTANGLE
    assert shapes["Icon: Consistently failing"] == MSO_SHAPE.RECTANGLE
    assert shapes["Icon: Special cause improvement (H high, L low)"] == MSO_SHAPE.OVAL


def test_a_sentence_instead_of_a_chart_of_fewer_than_two_months(pack: board_pack.BoardPack
                                                                ) -> None:
    advice, plans, decisions, responses = pack.pages
    assert plans.drawn and decisions.drawn and not plans.too_few
    for page in (advice, responses):
        assert not page.drawn
        assert page.too_few.startswith("No month from Jan 2024 to Dec 2025 can be shown")
        assert not [t for t in page.figure.data]  # no axis, no lone point
        assert page.figure.layout.annotations[0].text.replace("<br>", " ") == page.too_few
        assert page.chart_alt.startswith("SPC chart not drawn for ")
    assert plans.chart_alt.startswith("SPC chart of New EHC plans issued within 20 weeks")


def test_the_sentence_for_a_single_month() -> None:
    series = pd.DataFrame({
        "month": [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)],
        "period": ["Oct 2025", "Nov 2025", "Dec 2025"], "numerator": [2, 95, 0],
        "denominator": [3, 100, 0], "pct": [66.7, 95.0, None], "shown": [False, True, False],
        "note": ["withheld: fewer than 5", "", "no cases"]})
    spec = board_pack.METRICS[0]
    assert board_pack.build.too_few_months(series, spec) == (
        "Only Nov 2025 can be shown (95.0%, 95 of 100 requests due (excluding exceptions)) of Oct "
        "2025 to Dec 2025; "
        "the other months had too few cases to show (fewer than 5) or none. A chart needs at "
        "least 2 months.")


def test_the_appendix_holds_numbers_as_numbers(files: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(files["xlsx"])
    headlines = book["Headlines"]
    plans = next(row for row in headlines.iter_rows(min_row=2)
                 if row[0].value == "New EHC plans issued within 20 weeks")
    assert (plans[1].value, plans[1].number_format) == (79.2, '0.0"%"')
    assert (plans[3].value, plans[3].number_format) == (60, '0.0"%"')  # the local target
    assert headlines["B2"].value == "withheld (small number)"  # suppressed: still words
    series = list(book["Monthly series"].iter_rows())
    heads = [c.value for c in series[0]]
    per_cent, counted = heads.index("Per cent"), heads.index("Counted")
    drawn = [r for r in series[1:] if r[0].value == "New EHC plans issued within 20 weeks"]
    assert all(isinstance(r[per_cent].value, int | float) and r[per_cent].number_format == '0.0"%"'
               and 50 < r[per_cent].value <= 100 for r in drawn)
    assert all(isinstance(r[counted].value, int) and r[counted].number_format == "#,##0"
               for r in drawn)
    assert {r[counted].value for r in series[1:] if isinstance(r[counted].value, str)} == {"<5"}
    overdue = list(book["Overdue by service"].values)
    assert overdue[-1] == ("Total", "<5", "<5")


def test_table_cells_become_numbers_only_where_shown() -> None:
    shown = board_pack.xlsx.shown_number
    assert shown("1,176") == 1176 and shown("80.4%") == board_pack.xlsx.Percent(80.4)
    assert shown("0.0%") == board_pack.xlsx.Percent(0.0)
    for text in ("<5", "*", "withheld", "no cases", "n/a", "within 13 weeks (median 9 weeks)",
                 "12.5 weeks", "4%x", "%"):
        assert shown(text) == text


def test_the_page_s_headline_table_stays_in_words(pack: board_pack.BoardPack) -> None:
    shown = board_pack.headline_table(pack)
    plans = shown.set_index("Metric").loc["New EHC plans issued within 20 weeks"]
    assert (plans["2025 Q4"], plans["Local target"]) == ("79.2%", "60%")
    numbers = board_pack.headline_table(pack, numbers=True).set_index("Metric")
    assert numbers.loc["New EHC plans issued within 20 weeks", "2025 Q4"] == \
        board_pack.xlsx.Percent(79.2)


def test_the_pdf_on_nhs_financial_year_quarters(tiny_db: Path, tmp_path: Path) -> None:
    _need_chromium()
    pack = build_board_pack(tiny_db, QUARTER, basis="financial")
    out = tmp_path / "pack.pdf"
    board_pack.write_pdf(pack, out)
    reader = PdfReader(out)
    assert len(reader.pages) == 7  # the basis sentence keeps the cover to one page
    assert reader.metadata.title == "SEND board pack: Q3 2025/26"
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Q3 2025/26, Oct-Dec 2025: 1 October to 31 December 2025 (calendar quarter 2025 Q4)" \
        in cover
    assert "Quarters are NHS financial-year quarters" in cover


def test_the_sample_pack_on_nhs_financial_year_quarters(sample_db: Path, tmp_path: Path) -> None:
    _need_chromium()
    pack = build_board_pack(sample_db, SAMPLE_QUARTER, basis="financial")
    files = write_all(pack, tmp_path)
    reader = PdfReader(files["pdf"])
    assert len(reader.pages) == 12 and reader.metadata.title == "SEND board pack: Q2 2026/27"
    slides = list(Presentation(str(files["pptx"])).slides)
    assert slides[0].shapes.title.text == "SEND board pack: Q2 2026/27"
    assert "NHS financial-year quarters" in slides[0].notes_slide.notes_text_frame.text


def test_the_ehc_pages_show_the_positions_and_the_dfe_basis_suppressed(
        sample_pack: board_pack.BoardPack, sample_db: Path, pack: board_pack.BoardPack,
        tiny_db: Path) -> None:
    for built, db in ((sample_pack, sample_db), (pack, tiny_db)):
        q, as_of = built.quarter, built.as_of
        f = metrics.Filters(q.start, min(q.end, as_of), as_of)
        with reader(db) as con:
            h = metrics.headline(con, f)
        pages = {p.spec.metric: p for p in built.pages}
        on = f"on {as_of.day} {as_of:%B %Y}"
        assert [(fig.label, fig.value) for fig in pages["ehcp_plans"].figures] == [
            (f"Open needs assessments past 20 weeks {on}",
             suppress_count(h["ehcp_open_past_20_weeks"]))]
        assert [(fig.label, fig.value) for fig in pages["ehcp_decisions"].figures] == [
            (f"Requests undecided past 6 weeks {on}",
             suppress_count(h["ehcp_decisions_outstanding_past_6_weeks"]))]
        key = "ehcp_decided_within_6_weeks_by_request_year"
        num, den = h[f"{key}_numerator"], h[f"{key}_denominator"]
        shown = (f"{suppress_rate(h[f'{key}_pct'], num, den)} ({suppress_count(num)} of "
                 f"{suppress_count(den)} requests decided)" if den else "no requests decided yet")
        assert pages["ehcp_decisions"].dfe_basis == (
            f"By year of request, as the DfE counts ({h['dfe_basis_year']}): {shown}")
        assert pages["ehcp_plans"].dfe_basis == ""  # England's 20-week figure is on this basis
    reviews = {p.spec.metric: p for p in sample_pack.pages}["annual_review_decisions"]
    assert reviews.dfe_basis.startswith("Decisions sent, by year sent, as the DfE counts (2026): ")


# ---- nothing in the xlsx appendix gives away a count of 1-4 ----------------------------------

def _reader_view(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A crosstab sheet (a heading row, a label column, a Total row and column) as a reader
    sees it: which cells are withheld, and what a reader knows of each (numbers: themselves)."""
    cells = np.array([list(r[1:]) for r in rows[1:]], dtype=object)
    hidden = np.isin(cells.astype(str), ["<5", "*"])
    lower = np.where(cells == "<5", 1, np.where(cells == "*", 5, 0)).astype(np.int64)
    upper = np.where(cells == "<5", 4, suppression.UNBOUNDED).astype(np.int64)
    return cells, hidden, lower, upper


def test_four_hidden_services_and_the_total_give_no_service_away(tmp_path: Path) -> None:
    # The finding: in the xlsx appendix, four services of 1 and the shown total gave each away.
    services = {"Audiology": 1, "Dietetics": 1, "OT": 1, "Physio": 1, "SALT": 20}
    rows = [ADVICE_HEADER] + [
        [f"H{service}{i}", f"R{service}{i}", "Riverside", service, "01/10/2025", "", "Trust", "",
         "", "New"] for service, count in services.items() for i in range(count)]
    db = tmp_path / "overdue.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", "board-pack-test-key")
        # Extracted on AS_OF, after the quarter: the pack is as at the quarter's end.
        assert ingest_file(db, write_csv(tmp_path / "advice.csv", rows), as_of=AS_OF,
                           extract_date=AS_OF).status == "loaded"
    out = tmp_path / "pack.xlsx"
    board_pack.write_xlsx(build_board_pack(db, QUARTER), out)
    sheet = list(openpyxl.load_workbook(out)["Overdue by service"].values)
    assert [r[0] for r in sheet[1:]] == ["Audiology", "Dietetics", "Occupational Therapy",
                                         "Physiotherapy", "Speech and Language Therapy", "Total"]
    truth = np.array([[1, 1], [1, 1], [1, 1], [1, 1], [20, 20], [24, 24]], dtype=np.int64)
    cells, hidden, lower, upper = _reader_view(sheet)
    assert (cells[:4] == "<5").all() and cells[4, 0] == "*"  # 20 withheld beside the four
    assert (cells[~hidden] == truth[~hidden]).all()
    for cell in zip(*np.nonzero(hidden), strict=True):  # each can take another value
        other = suppression.another_table(truth, hidden, lower, upper, True, True, cell)
        assert other is not None and other[cell] != truth[cell]
        assert (other[~hidden] == truth[~hidden]).all()
        assert (other[:, :-1].sum(axis=1) == other[:, -1]).all()
        assert (other[:-1].sum(axis=0) == other[-1]).all()


def test_no_month_of_the_appendix_gives_away_a_complement(files: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(files["xlsx"])
    rows = list(book["Monthly series"].values)
    heads = rows[0]
    met, counted = heads.index("Within the time limit"), heads.index("Counted")
    for row in rows[1:]:
        n, d = row[met], row[counted]
        if isinstance(n, int) and isinstance(d, int):
            assert not (0 < n < 5 or 0 < d < 5 or 0 < d - n < 5), row
        assert n not in (1, 2, 3, 4) and d not in (1, 2, 3, 4)


def test_a_month_left_out_cannot_be_worked_out_from_the_quarter_s_figure() -> None:
    months = [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]
    series = pd.DataFrame({
        "month": [dt.date(2025, 9, 1), *months], "period": ["Sep 2025", "Oct 2025", "Nov 2025",
                                                           "Dec 2025"],
        "numerator": [30, 2, 20, 25], "denominator": [40, 10, 30, 40],
        "pct": [75.0, 20.0, 66.7, 62.5], "shown": [True, False, True, True],
        "note": ["", "withheld: fewer than 5", "", ""], "withheld": [(False, False)] * 4})
    # The quarter is 47 of 80: less November and December, October's 2 would be plain.
    out, quarter = board_pack.build.protect_quarter(series, 47, 80, months[0])
    assert out.shown.tolist() == [True, False, False, True]  # November goes too
    assert out.note[2] == board_pack.build.SECOND_WITHHELD
    assert out.withheld[2] == (True, False) and quarter == (False, False)
    assert [board_pack.xlsx.series_table_cells(r) for r in out.itertuples()] == [
        (30, 40), ("<5", 10), ("*", 30), (25, 40)]
    # Not a sum (a snapshot, as waiting lists are): nothing to protect.
    assert board_pack.build.protect_quarter(series, 25, 40, months[0])[0] is series
