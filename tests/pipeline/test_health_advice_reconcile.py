"""Health advice recorded twice, by the LA and by the providers: the `source` column, the headline
on provider rows (reg 8(1)), reconciliation of the two sides, and an older database brought up to
the new key."""

import datetime as dt

import duckdb
import pytest

from pipelines import metrics
from pipelines.db import connect_writer, reader, table_columns
from pipelines.schemas import HEALTH_ADVICE
from tests.conftest import ADVICE_HEADER, write_csv

LA_HEADER = ["Advice Request ID", "EHC Case ID", "Local Authority", "Health Service",
             "Date Advice Requested", "Date Advice Received", "Source"]
PROVIDER = [  # a provider's log: no source column
    ["A1", "C1", "Northshire", "SALT", "03/03/2025", "14/04/2025", "", "", "", ""],  # 42 days
    ["A2", "C2", "Northshire", "OT", "10/03/2025", "25/04/2025", "", "", "", ""],  # 46 days
    ["A3", "C3", "Northshire", "Paeds", "01/04/2025", "", "", "", "", ""],  # open past due
    ["P4", "C4", "Northshire", "CAMHS", "01/05/2025", "01/06/2025", "", "", "", ""],  # LA lacks it
    ["A5", "C5", "Northshire", "SALT", "02/06/2025", "10/07/2025", "", "", "", ""],  # LA 16 days off
    ["A6", "C6", "Riverside", "SALT", "02/06/2025", "10/07/2025", "", "", "", ""],  # no LA export
    ["A8", "C8", "Northshire", "Paeds", "01/09/2025", "01/10/2025", "", "", "", ""],
]
LA = [
    ["A1", "C1", "Northshire", "Speech and Language Therapy", "28/02/2025", "14/04/2025", "LA"],
    ["L2", "C2", "Northshire", "Occupational Therapy", "10/03/2025", "25/04/2025", "Local authority"],
    ["L3", "C3", "Northshire", "Community Paediatrics", "18/03/2025", "", "Council"],  # 14 days
    ["L5", "C5", "Northshire", "Speech and Language Therapy", "17/05/2025", "12/07/2025", "LA"],
    ["L7", "C7", "Northshire", "Physiotherapy", "01/07/2025", "", "LA"],  # provider lacks it
    ["L8", "C8", "Northshire", "Community Paediatrics", "01/09/2025", "02/10/2025", "LA"],
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def both_db(db, load, tmp_path):
    for name, rows in (("provider.csv", [ADVICE_HEADER, *PROVIDER]), ("la.csv", [LA_HEADER, *LA])):
        result = load(write_csv(tmp_path / name, rows))
        assert result.kinds == ["health_advice"]
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_source_is_kept_and_defaults_to_provider(both_db, db):
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT source, count(*) FROM health_advice GROUP BY 1 ORDER BY 1").fetchall()
        a1 = con.execute("SELECT source, requested_date FROM health_advice WHERE advice_id = 'A1' "
                         "ORDER BY source").fetchall()
    assert rows == [("local authority", 6), ("provider", 7)]
    # One reference on both sides is two records, not an update of one by the other.
    assert a1 == [("local authority", dt.date(2025, 2, 28)), ("provider", dt.date(2025, 3, 3))]


def test_the_headline_runs_on_provider_rows_only(db, load, tmp_path):
    load(write_csv(tmp_path / "provider.csv", [ADVICE_HEADER, *PROVIDER]))
    with reader(db) as con:
        before = metrics.headline(con, PERIOD)
    load(write_csv(tmp_path / "la.csv", [LA_HEADER, *LA]))
    with reader(db) as con:
        after = metrics.headline(con, PERIOD)
        overdue = metrics.overdue_advice(con, PERIOD)
    assert after == before
    assert after["health_advice_within_6_weeks_numerator"] == 5  # A1 P4 A5 A6 A8
    assert after["health_advice_within_6_weeks_denominator"] == 7
    assert list(overdue.advice_id) == ["A3"]


def test_pairs_and_what_each_side_lacks(both_db):
    with reader(both_db) as con:
        r = metrics.reconcile_advice(con, PERIOD)
    assert r.compared == ("Northshire",)  # Riverside has no LA export: not compared
    pairs = r.matched.set_index("la_advice_id")
    assert list(r.matched.la_advice_id) == ["A1", "L2", "L3", "L8"]
    assert list(pairs.provider_advice_id) == ["A1", "A2", "A3", "A8"]
    assert list(pairs.requested_days_apart) == [3, 0, 14, 0]  # 14 days: inside the window
    assert list(r.la_only.advice_id) == ["L5", "L7"]  # L5 is 16 days from A5
    assert list(r.provider_only.advice_id) == ["P4", "A5"]


def test_date_disagreements_and_both_clocks(both_db):
    with reader(both_db) as con:
        r = metrics.reconcile_advice(con, PERIOD)
    pairs = r.matched.set_index("la_advice_id")
    assert pairs.disagreement["A1"] == ("requested: LA 28/02/2025, service received 03/03/2025 "
                                        "(+3 days)")
    assert pairs.disagreement["L2"] == ""
    assert pairs.disagreement["L8"] == "returned: provider 01/10/2025, LA received 02/10/2025 (+1 day)"
    assert (pairs.la_days_to_return["A1"], pairs.provider_days_to_return["A1"]) == (45, 42)
    assert list(pairs.clocks_differ) == [True, False, False, False]
    assert bool(pairs.provider_within_6_weeks["A1"]) and not pairs.la_within_6_weeks["A1"]


def test_the_six_week_figure_both_ways(both_db):
    with reader(both_db) as con:
        figures = metrics.reconcile_advice(con, PERIOD).figures
    assert list(zip(figures.numerator, figures.denominator, figures.pct, strict=True)) == [
        (4, 6, 66.7),  # Northshire provider rows: A1 P4 A5 A8 of A1 A2 A3 P4 A5 A8
        (1, 6, 16.7),  # Northshire LA rows: L8 of A1 L2 L3 L5 L7 L8
        (2, 4, 50.0),  # the four pairs by the provider's dates: A1 A8
        (1, 4, 25.0),  # the same pairs by the LA's dates: L8
    ]
    assert figures.basis[0].startswith("provider logs")


def test_a_wider_window_pairs_more(both_db):
    with reader(both_db) as con:
        r = metrics.reconcile_advice(con, PERIOD, window_days=20)
    assert "L5" in set(r.matched.la_advice_id)
    assert list(r.la_only.advice_id) == ["L7"] and list(r.provider_only.advice_id) == ["P4"]


def test_closest_dates_pair_first_and_a_year_apart_stays_apart(db, load, tmp_path):
    provider = [["P1", "C1", "Northshire", "SALT", "03/03/2025", "", "", "", "", ""],
                ["P2", "C1", "Northshire", "SALT", "02/02/2026", "", "", "", "", ""]]
    la = [["L1", "C1", "Northshire", "SALT", "01/03/2025", "", "LA"],
          ["L2", "C1", "Northshire", "SALT", "03/03/2025", "", "LA"],
          ["L3", "C1", "Northshire", "SALT", "30/01/2026", "", "LA"]]
    load(write_csv(tmp_path / "p.csv", [ADVICE_HEADER, *provider]))
    load(write_csv(tmp_path / "l.csv", [LA_HEADER, *la]))
    f = metrics.Filters(dt.date(2025, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 3, 31))
    with reader(db) as con:
        r = metrics.reconcile_advice(con, f)
    assert list(zip(r.matched.la_advice_id, r.matched.provider_advice_id, strict=True)) == [
        ("L2", "P1"), ("L3", "P2")]
    assert list(r.la_only.advice_id) == ["L1"] and r.provider_only.empty


def test_rows_outside_what_both_sides_cover_are_not_called_missing(db, load, tmp_path):
    provider = [["P1", "C1", "Northshire", "SALT", "03/03/2025", "", "", "", "", ""],
                ["P2", "C2", "Northshire", "SALT", "02/06/2025", "", "", "", "", ""],
                ["P3", "C3", "Northshire", "SALT", "02/07/2025", "", "", "", "", ""]]
    la = [["L2", "C2", "Northshire", "SALT", "02/06/2025", "", "LA"],  # the LA export starts here
          ["L4", "C4", "Northshire", "OT", "10/06/2025", "", "LA"]]
    load(write_csv(tmp_path / "p.csv", [ADVICE_HEADER, *provider]))
    load(write_csv(tmp_path / "l.csv", [LA_HEADER, *la]))
    f = metrics.Filters(dt.date(2025, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    with reader(db) as con:
        r = metrics.reconcile_advice(con, f)
    # Both cover 02/06/2025 to 10/06/2025: P1 is before the LA export, P3 after its last row.
    assert r.provider_only.empty and list(r.la_only.advice_id) == ["L4"]


def test_nothing_to_compare_without_an_la_export(db, load, tmp_path):
    load(write_csv(tmp_path / "p.csv", [ADVICE_HEADER, *PROVIDER]))
    with reader(db) as con:
        r = metrics.reconcile_advice(con, PERIOD)
    assert r.compared == () and r.matched.empty and r.la_only.empty and r.provider_only.empty
    assert list(r.figures.denominator) == [0, 0, 0, 0]


@pytest.mark.parametrize("spelling, source", [
    ("LA", "local authority"), ("Local Authority", "local authority"), ("council", "local authority"),
    ("Provider", "provider"), ("Trust", "provider"), ("NHS Trust", "provider"), ("", "provider"),
])
def test_source_spellings(db, load, tmp_path, spelling, source):
    load(write_csv(tmp_path / "s.csv", [LA_HEADER, [*LA[0][:6], spelling]]))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source FROM health_advice").fetchall() == [(source,)]


def test_an_unknown_source_is_rejected(load, tmp_path):
    result = load(write_csv(tmp_path / "s.csv", [LA_HEADER, [*LA[0][:6], "Parent"]]))
    (reject,) = result.rejects
    assert (reject.rule, reject.header) == ("invalid_source", "Source")


def test_a_conflict_names_the_reference(load, tmp_path):
    rows = [LA_HEADER, LA[0], [*LA[0][:4], "01/03/2025", *LA[0][5:]]]
    result = load(write_csv(tmp_path / "c.csv", rows))
    assert {r.rule for r in result.rejects} == {"conflict"}
    # Under the reference's header as the file writes it, at its column.
    assert {(r.column, r.header) for r in result.rejects} == {("A", LA_HEADER[0])}
    assert "Northshire/A1/local authority" in result.rejects[0].reason


def test_a_database_from_before_the_source_column_is_brought_up_to_date(db, load, tmp_path):
    old = [(c, t) for c, t in table_columns(HEALTH_ADVICE) if c != "source"]
    with duckdb.connect(str(db)) as con:
        cols = ", ".join(f"{c} {t}" for c, t in old)
        con.execute(f"CREATE TABLE health_advice ({cols}, PRIMARY KEY (local_authority, advice_id))")
        con.execute(f"CREATE TABLE health_advice_history ({cols}, superseded_by_load INTEGER, "
                    "superseded_at TIMESTAMP)")
        con.execute("INSERT INTO health_advice (advice_id, case_id, local_authority, service, "
                    "requested_date) VALUES ('OLD1', 'C9', 'Northshire', 'CAMHS', DATE '2025-05-01')")
    connect_writer(db).close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT advice_id, source FROM health_advice").fetchall() == [
            ("OLD1", "provider")]
        keys = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE "
                           "table_name = 'health_advice' AND constraint_type = 'PRIMARY KEY'"
                           ).fetchone()[0]
    assert keys == 0  # dropped: the load keeps each (LA, reference, source) to one record
    result = load(write_csv(tmp_path / "la.csv", [LA_HEADER, *LA]))
    assert result.inserted == len(LA)


def test_a_pair_excepted_on_either_side_leaves_both_pair_figures(db, load, tmp_path):
    provider = [row[:] for row in PROVIDER]
    provider[-1][7] = "DNA"  # A8: a lawful reg 8(2) exception in the provider's log only
    load(write_csv(tmp_path / "provider.csv", [ADVICE_HEADER, *provider]))
    load(write_csv(tmp_path / "la.csv", [LA_HEADER, *LA]))
    with reader(db) as con:
        figures = metrics.reconcile_advice(con, PERIOD).figures
    # The same three pairs on both sides (A1, A2, A3): only the dates differ.
    assert list(zip(figures.numerator[2:], figures.denominator[2:], strict=True)) == [(1, 3), (0, 3)]
