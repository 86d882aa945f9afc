"""The bundled samples, loaded as the app loads them on first start: every row accounted for, and
two headline rates checked against an independent recomputation in pandas."""

import datetime as dt
import json

import duckdb

from pipelines import audit, bootstrap, metrics, pseudonym, snapshot
from pipelines.bootstrap import SAMPLES, build_sample_database, sample_as_of, sample_files
from pipelines.db import reader
from pipelines.status import status


def test_every_sample_file_loads_and_reconciles(sample_results):
    db, results = sample_results
    assert [r.file for r in results] == [p.name for p in sample_files()]
    datasets = {f["name"]: f["dataset"] for f in json.loads(
        (SAMPLES / "MANIFEST.json").read_text(encoding="utf-8"))["files"]}
    for r in results:
        assert r.status == "loaded", r.error
        assert r.reconciles(), r.summary()
        assert r.kinds == [datasets[r.file]], r.file  # every file recognised as its dataset
    assert sum(r.rejected for r in results) == 10
    # The five bad health advice rows, then one in each of the wider-remit files.
    assert sorted((r.file, x.rule) for r in results for x in r.rejects) == sorted([
        ("health_advice_riverside_eastmoor_trust_2026-11.csv", "end_before_start"),
        ("health_advice_riverside_eastmoor_trust_2026-11.csv", "impossible_date"),
        ("health_advice_riverside_eastmoor_trust_2026-11.csv", "invalid_la"),
        ("health_advice_riverside_eastmoor_trust_2026-11.csv", "invalid_service"),
        ("health_advice_riverside_eastmoor_trust_2026-11.csv", "missing_required"),
        ("schools_audit_2026-11.xlsx", "part_exceeds_whole"),
        ("annual_reviews_northshire_2026-11.xlsx", "end_before_start"),
        ("waiting_times_community_trusts_2026-10.csv", "part_exceeds_whole"),
        ("phb_register_2026-11.xlsx", "end_before_start"),
        ("complaints_log_2026-11.csv", "end_before_start"),
    ])
    camhs_later = next(r for r in results if r.file == "health_advice_camhs_partnership_2026-11.csv")
    assert camhs_later.updated > 0 and camhs_later.unchanged > 0


def test_status_counts_match_the_tables(sample_results):
    db, results = sample_results
    s = status(db)
    loaded = sum(r.inserted for r in results)
    assert sum(s["rows"].values()) == loaded
    assert s["rejected"] == 10 and s["loads"] == len(results)
    assert all(n > 0 for n in s["rows"].values()), s["rows"]


def test_rebuilding_from_the_same_files_changes_nothing(sample_db_copy, sample_folder):
    again = build_sample_database(sample_db_copy, sample_folder)
    assert {r.status for r in again} == {"unchanged"}


def test_advice_and_plan_rates_agree_with_an_independent_pandas_computation(sample_results):
    db, _ = sample_results
    as_of = sample_as_of()
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), as_of)
    with duckdb.connect(str(db), read_only=True) as con:
        # The headline runs on the providers' logs; the LA's export is compared beside it.
        advice = con.execute("SELECT requested_date, returned_date, exception, stage "
                             "FROM health_advice WHERE source = 'provider'").df()
        plans = con.execute("SELECT request_date, final_plan_date, exception FROM ehcp").df()
    with reader(db) as con:
        h = metrics.headline(con, f)

    due = advice.requested_date + dt.timedelta(days=42)
    in_period = (due >= "2025-04-01") & (due <= "2026-03-31")
    returned = advice.returned_date.notna()
    on_time = returned & ((advice.returned_date - advice.requested_date).dt.days <= 42)
    decidable = returned | (due < str(as_of))
    # Advice for an annual review is not under reg 8's six weeks (the samples hold some): only
    # advice for assessments and re-assessments, or of no recorded stage, is in the headline.
    for_assessment = advice.stage.fillna("") != "annual review"
    base = in_period & decidable & advice.exception.isna() & for_assessment
    assert h["health_advice_within_6_weeks_denominator"] == int(base.sum())
    assert h["health_advice_within_6_weeks_numerator"] == int((base & on_time).sum())

    issued = plans.final_plan_date.between("2025-04-01", "2026-03-31") & plans.exception.isna()
    within = (plans.final_plan_date - plans.request_date).dt.days <= 140
    assert h["ehcp_within_20_weeks_denominator_excl_exceptions"] == int(issued.sum())
    assert h["ehcp_within_20_weeks_numerator_excl_exceptions"] == int((issued & within).sum())
    assert 40 < h["ehcp_within_20_weeks_pct_excl_exceptions"] < 70


def test_the_la_export_is_reconciled_with_the_providers_logs(sample_results):
    db, results = sample_results
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), sample_as_of())
    with reader(db) as con:
        sources = dict(con.execute("SELECT source, count(*) FROM health_advice GROUP BY 1").fetchall())
        r = metrics.reconcile_advice(con, f)
    la_export = next(r for r in results if r.file == "health_advice_northshire_la_export_2026-11.csv")
    assert sources["local authority"] == la_export.loaded > 4000 and sources["provider"] > 10_000
    assert r.compared == ("Northshire",)  # the only LA whose export is in the samples
    assert len(r.matched) > 20 * (len(r.la_only) + len(r.provider_only)) > 0
    assert set(r.matched.local_authority) == {"Northshire"}
    provider, la = r.figures.pct[0], r.figures.pct[1]
    assert la < provider  # the LA's clock starts earlier and stops later


def test_a_first_start_with_no_key_set_makes_one_and_builds_everything(tmp_path, monkeypatch):
    """As the README's quick start runs it: no key in the environment and no key file yet, so
    the build makes the key file before it holds the database (no reader may open it then)."""
    monkeypatch.delenv(pseudonym.KEY_ENV, raising=False)
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "audit.jsonl"))
    db = tmp_path / "send.duckdb"
    results = bootstrap.ensure_database(db)
    assert [r.status for r in results] == ["loaded"] * len(sample_files())
    assert pseudonym.key_file_for(db).exists()
    assert pseudonym.recorded_fingerprint(db) == pseudonym.fingerprint(pseudonym.load_key(db))
    with reader(db) as con:  # one snapshot, published as the build ended, holding it all
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == len(results)
        assert con.execute("SELECT count(*) FROM benchmark_imports").fetchone()[0] > 0
    assert len(list(snapshot.folder(db).glob("*.duckdb"))) == 1


def test_a_first_start_with_an_empty_key_says_so_for_each_file(tmp_path, monkeypatch):
    """The build does not stop at the key: each sample file fails saying why, as a load does."""
    monkeypatch.setenv(pseudonym.KEY_ENV, "  ")
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "audit.jsonl"))
    results = bootstrap.ensure_database(tmp_path / "send.duckdb")
    assert [r.status for r in results] == ["failed"] * len(sample_files())
    assert all("pseudonym key in $SEND_PSEUDONYM_KEY is empty" in r.error for r in results)
