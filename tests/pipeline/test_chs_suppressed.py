"""NHS England's CHS waiting-list workbook prints "*" for a suppressed figure and leaves a cell
blank for no submission: the import keeps the symbol, so the comparison with England and
`benchmarks show` tell the two apart, and no sum or share is made of an unknown band."""

from __future__ import annotations

import duckdb

from pipelines import nhs_waiting_lists
from pipelines.benchmark_files import SourceFile
from pipelines.benchmark_show import show
from pipelines.benchmarks import import_release
from pipelines.db import reader
from tests import publication_files as pub

RTF, ICB = 3, 2  # organisations of pub.ORGS
SALT, OT, PAEDS = 4, 5, 3  # services of pub.SERVICES
# Northumbria suppressed its whole speech and language list; the ICB one band of its OT list.
STARRED = {**{(RTF, SALT, t): "*" for t in pub.TABLES}, (ICB, OT, "4g"): "*"}


def workbook(tmp_path):
    return pub.chs_workbook(tmp_path / "chs.xlsx", symbols=STARRED)


def rows(tmp_path) -> dict[tuple[str, str], dict]:
    path = workbook(tmp_path)
    parsed = nhs_waiting_lists.parse(SourceFile(path.name, path.name, path.read_bytes()))
    return {(r[3], r[4]): dict(zip(parsed.columns, r, strict=True)) for r in parsed.rows}


def test_a_starred_figure_keeps_its_symbol_and_a_blank_has_none(tmp_path):
    got = rows(tmp_path)
    salt = got[(pub.ORGS[RTF][2], "Speech and language therapy service")]
    assert [salt[k] for k in ("total", "over_18_weeks", "over_52_weeks")] == [None, None, None]
    assert [salt[k] for k in nhs_waiting_lists.STATUSES] == ["*", "*", "*"]
    blank = got[(pub.ORGS[4][2], "Community paediatric service")]  # no submission
    assert [blank[k] for k in ("total", *nhs_waiting_lists.STATUSES)] == [None, None, None, None]


def test_a_sum_over_a_starred_band_is_unknown_not_the_other_bands(tmp_path):
    ot = rows(tmp_path)[(pub.ORGS[ICB][2], "Occupational therapy")]
    bands = pub._bands(ICB, OT)
    assert ot["total"] == sum(bands)  # table 4 was published
    assert ot["weeks_52_104"] is None and ot["weeks_104_plus"] == bands[7]
    assert (ot["over_18_weeks"], ot["over_18_weeks_status"]) == (None, "*")
    assert (ot["over_52_weeks"], ot["over_52_weeks_status"]) == (None, "*")
    assert ot["total_status"] is None


def test_show_and_the_comparison_tell_suppressed_from_not_submitted(tmp_path):
    db = tmp_path / "b.duckdb"
    import_release(db, workbook(tmp_path))
    provider = show(db, "RTF")["waiting_lists"]["2025-10"]
    assert provider["Speech and language therapy service"] == {
        "total": None, "over_18_weeks": None, "over_52_weeks": None, "total_status": "*",
        "over_18_weeks_status": "*", "over_52_weeks_status": "*"}
    assert show(db, "RX4")["waiting_lists"]["2025-10"]["Community paediatric service"] == {
        "total": None, "over_18_weeks": None, "over_52_weeks": None}
    with reader(db) as con:
        frame = nhs_waiting_lists.comparison_frame(
            con, "QHM", ["RTF", "RX4"], ["Speech and language therapy service",
                                         "Community paediatric service", "Occupational therapy"])
    note = {(r.org_name, r.service): r.note for r in frame.itertuples()}
    assert note[(pub.ORGS[RTF][2], "Speech and language therapy service")] == "suppressed ('*')"
    assert note[(pub.ORGS[4][2], "Community paediatric service")] == "no submission"
    assert note[(pub.ORGS[ICB][2], "Occupational therapy")] == (
        "over 18 weeks: suppressed ('*'); over 52 weeks: suppressed ('*')")
    icb_ot = frame[(frame.org_name == pub.ORGS[ICB][2]) & (frame.service == "Occupational therapy")]
    assert icb_ot.over_18_weeks_pct.isna().all()  # no share of an unknown part


def test_a_table_imported_before_statuses_still_reads(tmp_path):
    db = tmp_path / "b.duckdb"
    import_release(db, workbook(tmp_path))
    with duckdb.connect(str(db)) as con:
        for column in nhs_waiting_lists.STATUSES:
            con.execute(f"ALTER TABLE benchmark_waiting_lists DROP COLUMN {column}")
        con.execute("DELETE FROM meta WHERE key = 'schema'")
        lists = nhs_waiting_lists.waiting_lists(con, "Provider", pub.ORGS[RTF][2])
        frame = nhs_waiting_lists.comparison_frame(con, "QHM", [], None)
    assert lists["2025-10"]["Speech and language therapy service"]["total"] is None
    assert "total_status" not in lists["2025-10"]["Speech and language therapy service"]
    assert set(frame.note) <= {"", "small number"}
    import_release(db, workbook(tmp_path))  # the next import adds the columns
    assert show(db, "RTF")["waiting_lists"]["2025-10"]["Speech and language therapy service"][
        "total_status"] == "*"
