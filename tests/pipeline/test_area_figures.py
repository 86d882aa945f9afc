"""With an area in settings.toml (Northshire, Riverside and Eastmoor as shipped), "all local
authorities", the filters' default, means the area's: a workbook of Leeds loaded beside the
area's exports moves no figure of the area (a new user saw overdue advice go 109 -> 110), in the
metrics, the lists, the chase queue, the board pack, the inspection pack and `metrics --json`.
Leeds's rows are still there for whoever chooses Leeds; area-wide rows (no LA) still count; with
no area listed, every row counts as before. Every export is built here by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines import area, board_pack, chase, cli, inspection_pack, metrics
from pipelines.config import ROOT, load_settings
from pipelines.db import reader
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER, write_csv

AS_OF = dt.date(2026, 3, 31)
F = metrics.Filters(dt.date(2025, 4, 1), AS_OF, AS_OF)
LEEDS = metrics.Filters(F.date_from, F.date_to, F.as_of, ("Leeds",))
WAITING = "Month,Service,Provider,Local Authority,Waiting Total,Waiting Over 18 Weeks\r\n"

AREA = {
    "advice.csv": [ADVICE_HEADER,
                   ["A1", "C1", "Northshire", "SALT", "01/12/2025", "05/01/2026", "Trust", "", "", ""],
                   ["A2", "C2", "Riverside", "OT", "05/01/2026", "", "Trust", "", "", ""],
                   ["A3", "C3", "Eastmoor", "SALT", "01/06/2025", "", "Trust", "", "", ""]],
    "ehcp.csv": [EHCP_HEADER,
                 ["E1", "Northshire", "01/05/2025", "05/06/2025", "Yes", "", "01/09/2025", "", "ASD"],
                 ["E2", "Riverside", "01/09/2025", "20/10/2025", "Yes", "", "", "", "SLCN"]],
    "tribunals.csv": [TRIBUNAL_HEADER,
                      ["T1", "C1", "Northshire", "15/06/2025", "Contents of plan", "Yes", "",
                       "Pending", "Yes", "01/09/2025", "01/10/2025"]],
}
# A neighbour's workbook, or a tracker with a few rows of another LA: overdue advice, a late plan,
# an appeal with an unanswered health recommendation.
OUTSIDE = {
    "leeds_advice.csv": [ADVICE_HEADER,
                         ["L1", "LC1", "Leeds", "SALT", "01/07/2025", "", "Trust", "", "", ""],
                         ["L2", "LC2", "Leeds", "OT", "01/08/2025", "01/09/2025", "Trust", "", "",
                          ""]],
    "leeds_ehcp.csv": [EHCP_HEADER,
                       ["LE1", "Leeds", "01/04/2025", "01/07/2025", "Yes", "", "01/12/2025", "",
                        "ASD"],
                       ["LE2", "Leeds", "01/10/2025", "", "", "", "", "", "SEMH"]],
    "leeds_tribunals.csv": [TRIBUNAL_HEADER,
                            ["LT1", "LC1", "Leeds", "01/07/2025", "Contents of plan", "Yes", "",
                             "Pending", "Yes", "01/10/2025", ""]],
}


def _build(path: Path, folder: Path, files: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in files.items():
        result = ingest_file(path, write_csv(folder / name, rows), as_of=AS_OF)
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return path


@pytest.fixture
def area_only(db: Path, tmp_path: Path) -> Path:
    return _build(tmp_path / "area.duckdb", tmp_path / "area", AREA)


@pytest.fixture
def with_leeds(db: Path, tmp_path: Path) -> Path:
    return _build(tmp_path / "leeds.duckdb", tmp_path / "both", {**AREA, **OUTSIDE})


def _figures(db: Path, f: metrics.Filters) -> dict[str, object]:
    """Every figure the area's pages, lists and packs show for `f`."""
    with reader(db) as con:
        out: dict[str, object] = {"headline": metrics.headline(con, f)}
        for metric in metrics.BASES:
            for by in (None, "month"):
                out[f"rates:{metric}:{by}"] = metrics.rates(con, metric, f, by).to_dict("records")
        out["overdue"] = metrics.overdue_advice(con, f).to_dict("records")
        out["at_risk"] = metrics.open_cases_at_risk(con, f).to_dict("records")
        out["responses"] = metrics.tribunal_responses(con, f).to_dict("records")
        out["chase"] = chase.overdue_queue(con, f)[["advice_id", "local_authority"]].to_dict(
            "records")
        sheets = inspection_pack.pack_sheets(con, f, dt.datetime(2026, 4, 1, 9))
    out.update({f"pack:{name}": frame.to_dict("records")
                for name, frame in sheets.items() if name != "README"})
    return out


def test_an_la_outside_the_area_moves_no_figure_for_all_local_authorities(area_only, with_leeds):
    assert _figures(with_leeds, F) == _figures(area_only, F)


def test_metrics_json_for_all_local_authorities_is_the_areas(area_only, with_leeds, capsys):
    def printed(db: Path) -> dict[str, object]:
        assert cli.main(["metrics", "--db", str(db), "--json", "--from", "2025-04-01",
                         "--to", "2026-03-31", "--as-of", "2026-03-31"]) == 0
        return json.loads(capsys.readouterr().out)
    assert printed(with_leeds) == printed(area_only)


def test_the_board_pack_for_all_local_authorities_is_the_areas(area_only, with_leeds):
    packs = [board_pack.build_board_pack(db, "FY2025-26Q4", as_of=AS_OF)
             for db in (area_only, with_leeds)]
    area, both = ({"totals": (p.overdue_total, p.at_risk_total, p.open_total),
                   "pages": [(page.value, page.made_of) for page in p.pages],
                   "overdue": [t.frame.to_dict("records") for t in p.overdue],
                   "at_risk": [t.frame.to_dict("records") for t in p.at_risk]} for p in packs)
    assert both == area
    assert "Leeds" not in both["overdue"].__repr__()


def test_leeds_chosen_in_the_filters_shows_its_own_rows(with_leeds):
    with reader(with_leeds) as con:
        leeds = metrics.headline(con, LEEDS)
        overdue = metrics.overdue_advice(con, LEEDS)
        everyone = metrics.headline(con, F)
    assert list(overdue["advice_id"]) == ["L1"]
    assert leeds["health_advice_overdue_open"] == 1
    assert leeds["tribunal_appeals_registered"] == 1
    assert everyone["health_advice_overdue_open"] == 2  # A2 and A3; L1 is Leeds's


def test_area_wide_rows_count_for_the_area_and_outside_rows_do_not(db, tmp_path):
    path = tmp_path / "waiting.csv"
    path.write_bytes((WAITING + "2026-02,SALT,Trust,Northshire,40,10\r\n"
                      "2026-02,CAMHS,Partnership,,25,5\r\n"  # the whole area: no LA
                      "2026-02,OT,Leeds Trust,Leeds,70,30\r\n").encode())
    assert ingest_file(db, path, as_of=AS_OF).status == "loaded"
    with reader(db) as con:
        area = metrics.waiting_times_current(con, F)
        leeds = metrics.waiting_times_current(con, LEEDS)
    assert int(area["waiting_total"].sum()) == 65
    assert int(leeds["waiting_total"].sum()) == 70


@pytest.fixture
def no_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    text = (ROOT / "settings.toml").read_text(encoding="utf-8")
    settings = tmp_path / "no-area.toml"
    settings.write_text(text[:text.index("[[local_authorities]]")] + text[text.index(
        "# Local targets"):], encoding="utf-8")
    monkeypatch.setenv("SEND_SETTINGS", str(settings))
    load_settings.cache_clear()
    yield
    monkeypatch.delenv("SEND_SETTINGS")
    load_settings.cache_clear()


def test_without_an_area_every_row_counts_as_before(no_area, with_leeds):
    with reader(with_leeds) as con:
        everyone = metrics.headline(con, F)
        overdue = metrics.overdue_advice(con, F)
    assert everyone["health_advice_overdue_open"] == 2 + 1
    assert sorted(overdue["advice_id"]) == ["A2", "A3", "L1"]
    assert everyone["tribunal_appeals_registered"] == 2


def test_pages_and_packs_name_the_area_for_all_local_authorities(with_leeds):
    area = "the area's local authorities (Northshire, Riverside, Eastmoor)"
    assert metrics.las_in_words(()) == area
    assert metrics.las_in_words(("Leeds",)) == "Leeds"
    pack = board_pack.build_board_pack(with_leeds, "FY2025-26Q4", as_of=AS_OF)
    assert area in pack.scope
    with reader(with_leeds) as con:
        readme = inspection_pack.pack_sheets(con, F)["README"]
    assert readme.set_index("Item").loc["Local authorities", "Detail"] == area


def test_without_an_area_they_say_all_local_authorities(no_area):
    assert metrics.las_in_words(()) == "all local authorities"


def test_the_load_notice_says_outside_rows_are_shown_only_when_chosen(db, tmp_path):
    result = ingest_file(db, write_csv(tmp_path / "leeds.csv", OUTSIDE["leeds_advice.csv"]),
                         as_of=AS_OF)
    assert result.outside_area == {"Leeds": 2}
    text = area.notice(result.file, result.outside_area)
    assert "2 rows for Leeds, outside the area" in text
    assert "every figure" not in text
    assert "shown only where Leeds is chosen in the filters" in text
