"""SEN2 returns load as LAs download them: the XML (2024 and 2025 forms) and the return
flattened to a CSV or a workbook per module, one ehcp row per request, nothing personal stored."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.cli import main
from pipelines.load import ingest_file
from tests.conftest import AS_OF, write_csv
from tests.pipeline import sen2_returns as sen2

ARGS = ["--as-of", "2026-03-31"]


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _files(tmp_path):
    xml24 = tmp_path / "sen2_2025.xml"
    xml24.write_text(sen2.xml_return(2024))
    xml25 = tmp_path / "sen2_2025_form.xml"
    xml25.write_text(sen2.xml_return(2025, declaration=False))
    return {"xml 2024": (xml24, {}), "xml 2025 without <?xml": (xml25, {}),
            "flat csv with --la": (sen2.flat_csv(tmp_path / "flat.csv"), {"la": "Birmingham"}),
            "flat csv with LEA": (sen2.flat_csv(tmp_path / "flat_lea.csv", lea=True), {}),
            "workbook per module": (sen2.module_workbook(tmp_path / "modules.xlsx"), {"la": "330"})}


@pytest.mark.parametrize("form", ["xml 2024", "xml 2025 without <?xml", "flat csv with --la",
                                  "flat csv with LEA", "workbook per module"])
def test_each_form_loads_one_row_per_request(form, load, db, tmp_path):
    path, options = _files(tmp_path)[form]
    result = load(path, **options)
    assert result.status == "loaded", result.error
    assert (result.rows_read, result.loaded, result.rejected) == (6, 6, 0)
    rows = stored(db, "SELECT local_authority, request_date::VARCHAR, decision, "
                      "assessment_outcome, final_plan_date::VARCHAR, exception, primary_need, "
                      "birth_year FROM ehcp ORDER BY request_date")
    assert rows == [
        ("Birmingham", "2025-01-06", "assess", "plan to be issued", "2025-05-19", None, "ASD", 2015),
        ("Birmingham", "2025-02-03", "assess", "plan to be issued", "2025-08-01",
         "exception (unspecified)", "SEMH", 2012),
        ("Birmingham", "2025-03-03", "assess", "plan to be issued", "2025-09-15", None, "SLCN", 2018),
        ("Birmingham", "2025-04-14", "assess", "plan to be issued", "2025-08-26",
         "exception (unspecified)", "SPLD", 2010),
        ("Birmingham", "2025-09-01", "not assess", None, None, None, None, 2015),
        ("Birmingham", "2025-11-03", "not yet decided", None, None, None, None, 2018),
    ]


def test_every_form_gives_a_child_the_same_pseudonym(load, db, tmp_path):
    ids = set()
    for path, options in _files(tmp_path).values():
        target = tmp_path / f"{path.stem}.duckdb"
        assert ingest_file(target, path, as_of=AS_OF, **options).loaded == 6
        ids.add(tuple(stored(target, "SELECT case_id, person_id FROM ehcp ORDER BY case_id")))
    assert len(ids) == 1


def test_a_child_with_two_requests_is_two_rows_keyed_by_pseudonym_and_date(load, db, tmp_path):
    path, _ = _files(tmp_path)["xml 2024"]
    assert load(path).rejected == 0
    rows = stored(db, "SELECT case_id, person_id, request_date::VARCHAR FROM ehcp "
                      "WHERE birth_year = 2015 ORDER BY request_date")
    assert len(rows) == 2 and rows[0][1] == rows[1][1]
    assert [r[0] for r in rows] == [f"{r[1].upper()}/{r[2]}" for r in rows]
    assert stored(db, "SELECT count(DISTINCT person_id) FROM ehcp") == [(4,)]


def test_loading_the_return_again_changes_nothing(load, db, tmp_path):
    path, _ = _files(tmp_path)["xml 2024"]
    load(path)
    other = tmp_path / "same_return_2025_form.xml"
    other.write_text(sen2.xml_return(2025))
    again = load(other)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_no_name_upn_uln_or_postcode_in_the_database_file(load, db, tmp_path):
    for path, options in _files(tmp_path).values():
        assert load(path, **options).status == "loaded"
    data = db.read_bytes()
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        data += wal.read_bytes()
    found = [s for s in sen2.SECRETS if s.encode() in data or s.upper().encode() in data]
    assert sen2.SECRETS and not found
    # The search sees what is stored: the ethnicity codes and the request keys are there.
    case_id = stored(db, "SELECT min(case_id) FROM ehcp")[0][0]
    assert b"WBRI" in data and case_id.encode() in data


def test_twenty_week_figures_equal_an_independent_count(db, tmp_path, capsys):
    path, _ = _files(tmp_path)["xml 2024"]
    assert main(["ingest", str(path), "--db", str(db), *ARGS]) == 0
    capsys.readouterr()
    # The return is Birmingham's (LEA 330), outside the area settings.toml lists: chosen.
    assert main(["metrics", "--db", str(db), "--json", "--from", "2024-04-01",
                 "--to", "2026-03-31", "--la", "Birmingham", *ARGS]) == 0
    got = json.loads(capsys.readouterr().out)
    expected = sen2.within_20_weeks()
    assert got["ehcp_plans_issued"] == expected["issued"]
    assert got["ehcp_within_20_weeks_numerator_excl_exceptions"] == expected["numerator_excl"]
    assert got["ehcp_within_20_weeks_denominator_excl_exceptions"] == expected["denominator_excl"]
    assert got["ehcp_within_20_weeks_numerator_incl_exceptions"] == expected["numerator_incl"]
    assert got["ehcp_within_20_weeks_denominator_incl_exceptions"] == expected["issued"]


def test_unused_items_are_listed_in_the_summary_and_json(db, tmp_path, capsys):
    path, _ = _files(tmp_path)["xml 2024"]
    assert main(["ingest", str(path), "--db", str(db), "--json", *ARGS]) == 0
    unused = json.loads(capsys.readouterr().out)[0]["unused"]
    for item in ("Person/PostCode", "Person/UPNunknown", "Request/Exported", "Header/SoftwareCode",
                 "Request/Assessment/NamedPlan/PlanRes",
                 "Request/Assessment/NamedPlan/PlanDetail/URN"):
        assert item in unused
    assert not {"Request/ReceivedDate", "Request/Assessment/Week20", "Header/DMO"} & set(unused)
    flat = sen2.module_workbook(tmp_path / "modules.xlsx")
    assert main(["ingest", str(flat), "--db", str(db), "--la", "Birmingham", *ARGS]) == 0
    out = capsys.readouterr().out
    assert "not used (SEN2 items): " in out and "named plans/CeaseDate" in out
    assert "active plans/Caseworker notes" in out and "requests/RequestID" not in out


def test_a_flat_return_without_an_la_is_refused_saying_so(db, tmp_path, capsys):
    path = sen2.flat_csv(tmp_path / "flat.csv")
    assert main(["ingest", str(path), "--db", str(db), *ARGS]) == 1
    assert "--la NAME" in capsys.readouterr().err
    assert not db.exists() or stored(db, "SELECT count(*) FROM ehcp") == [(0,)]


@pytest.mark.parametrize("text, says", [
    ("<?xml version='1.0'?><Message><Header><CollectionDetails><Collection>CIN</Collection>"
     "</CollectionDetails></Header><Children/></Message>", "not a SEN2 return"),
    ("<rss><channel><title>news</title></channel></rss>", "not a SEN2 return (found <rss>"),
    ('<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "boom">]><Message>&x;</Message>',
     "DTD or entities"),
    ("<Message><Header>", "not well-formed XML"),
])
def test_xml_that_is_not_sen2_is_refused(text, says, load, tmp_path):
    path = tmp_path / "other.xml"
    path.write_text(text)
    result = load(path)
    assert result.status == "failed" and says in result.error and "other.xml" in result.error


def test_dmo_dco_flags_stored_per_la_and_year_and_shown(db, tmp_path, capsys):
    path = tmp_path / "sen2.xml"
    path.write_text(sen2.xml_return(2024, dmo="N", dco="Y"))
    assert main(["ingest", str(path), "--db", str(db), *ARGS]) == 0
    capsys.readouterr()
    assert stored(db, "SELECT local_authority, collection_year, dmo, dco FROM sen2_header_flags"
                  ) == [("Birmingham", 2025, "N", "Y")]
    assert main(["benchmarks", "show", "--db", str(db), "--area", "Birmingham", "--json"]) == 0
    flags = json.loads(capsys.readouterr().out)["sen2_header_flags"]
    assert flags == [{"local_authority": "Birmingham", "collection_year": 2025, "dmo": "N",
                      "dco": "Y", "dmo_in_post": "not in post", "dco_in_post": "in post"}]
    assert main(["benchmarks", "show", "--db", str(db), "--area", "London", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sen2_header_flags"] == []


def test_mediation_tribunal_sex_and_ethnicity_kept_beside_the_request(load, db, tmp_path):
    path, _ = _files(tmp_path)["xml 2024"]
    load(path)
    rows = stored(db, "SELECT e.request_date::VARCHAR, s.sex, s.ethnicity, s.request_mediation, "
                      "s.request_tribunal FROM ehcp e JOIN sen2_requests s USING "
                      "(local_authority, case_id) WHERE e.birth_year = 2015 ORDER BY 1")
    assert rows == [("2025-01-06", "F", "WBRI", False, False),
                    ("2025-09-01", "F", "WBRI", True, True)]


def test_an_las_own_export_in_sen2_names_still_loads_as_before(load, db, tmp_path):
    path = write_csv(tmp_path / "riverside.csv", [
        ["RequestID", "LA", "ReceivedDate", "RequestOutcome", "StartDate", "Week20"],
        ["R-1", "Riverside", "2025-04-01", "Y", "2025-08-01", "false"]])
    result = load(path)
    assert result.loaded == 1 and not result.unused
    assert stored(db, "SELECT case_id FROM ehcp") == [("R-1",)]


def test_rolling_back_a_return_removes_its_rows_flags_and_items(db, tmp_path, capsys):
    path, _ = _files(tmp_path)["xml 2024"]
    assert main(["ingest", str(path), "--db", str(db), *ARGS]) == 0
    assert main(["rollback", "1", "--yes", "--db", str(db)]) == 0
    for table in ("ehcp", "sen2_header_flags", "sen2_requests"):
        assert stored(db, f"SELECT count(*) FROM {table}") == [(0,)]


def test_a_flat_return_keeps_its_dmo_dco_columns(load, db, tmp_path):
    assert load(sen2.flat_csv(tmp_path / "flat.csv", lea=True)).loaded == 6
    assert stored(db, "SELECT local_authority, collection_year, dmo, dco FROM sen2_header_flags"
                  ) == [("Birmingham", 2026, "N", "Y")]


def test_an_la_named_that_the_lea_code_contradicts_is_refused(load, tmp_path):
    path, _ = _files(tmp_path)["xml 2024"]
    result = load(path, la="Leeds")
    assert result.status == "failed" and "is Birmingham, not Leeds" in result.error


@pytest.mark.parametrize("header", [
    ["Child ID", "LA", "Request Date", "Surname", "Forename", "Sex", "Ethnicity", "UPN"],
    ["Case ID", "LA", "ReceivedDate", "PersonBirthDate", "UPN", "RequestOutcome", "Week20"],
])
def test_an_las_export_naming_a_child_is_not_taken_for_a_sen2_return(header, load, db, tmp_path):
    row = ["C1", "Riverside", "2025-04-01", "2015-02-14", "A123456789012", "Y", "false", "M"]
    path = write_csv(tmp_path / "export.csv", [header, row[:len(header)]])
    result = load(path)
    assert result.loaded == 1 and not result.unused
    assert stored(db, "SELECT case_id FROM ehcp") == [("C1",)]


def test_a_namespaced_return_loads(load, tmp_path):
    path = tmp_path / "ns.xml"
    path.write_text(sen2.xml_return(2024).replace(
        "<Message>", '<Message xmlns="http://www.example.org/sen2">'))
    assert load(path).loaded == 6


def test_a_request_whose_child_cannot_be_identified_is_rejected_saying_why(load, tmp_path):
    text = sen2.xml_return(2024)
    for item in ("<Surname>Marchbankes</Surname>", "<Forename>Priyanka</Forename>",
                 "<UPN>B987654321098</UPN>"):
        text = text.replace(item, "")
    path = tmp_path / "anonymous.xml"
    path.write_text(text)
    result = load(path)
    assert (result.loaded, result.rejected) == (5, 1)
    assert "no UPN, ULN, or name and date of birth" in result.rejects[0].reason
