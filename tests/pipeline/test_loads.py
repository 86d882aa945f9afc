"""Loads are transactions: a re-load changes nothing, a bad file leaves the database as it was."""

import hashlib
import io
import zipfile

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.db import connect_writer
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv, write_xlsx

TABLES = (
    "ehcp",
    "health_advice",
    "tribunals",
    "ehcp_history",
    "health_advice_history",
    "tribunals_history",
    "loads",
    "load_sheets",
    "rejects",
)


def snapshot(db) -> str:
    """A fingerprint of every table's contents."""
    with duckdb.connect(str(db), read_only=True) as con:
        text = repr([con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES])
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def loaded(load, tmp_path, db):
    load(
        write_csv(
            tmp_path / "base.csv",
            [
                ADVICE_HEADER,
                ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""],
                ["A2", "C2", "Riverside", "OT", "02/04/2025", "", "", "", "", ""],
                ["A3", "C3", "Northshire", "OT", "31/02/2025", "", "", "", "", ""],
            ],
        )
    )
    return db


def test_same_file_twice_changes_nothing(load, loaded, tmp_path):
    before = snapshot(loaded)
    result = load(tmp_path / "base.csv")
    assert result.status == "unchanged"
    assert snapshot(loaded) == before


def test_same_rows_in_a_new_file_are_unchanged_not_duplicated(load, loaded, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes((tmp_path / "base.csv").read_bytes() + b"\r\n")
    result = load(copy)
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 2)
    with duckdb.connect(str(loaded), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM health_advice").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM health_advice_history").fetchone()[0] == 0


def test_update_keeps_the_earlier_version_in_history(load, loaded, tmp_path):
    result = load(
        write_csv(
            tmp_path / "later.csv",
            [
                ADVICE_HEADER,
                ["A1", "C1", "Northshire", "SALT", "01/04/2025", "10/05/2025", "", "", "", ""],
                ["A4", "C4", "Northshire", "CAMHS", "01/05/2025", "", "", "", "", ""],
            ],
        )
    )
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 0)
    with duckdb.connect(str(loaded), read_only=True) as con:
        current = con.execute(
            "SELECT returned_date::VARCHAR, source_file FROM health_advice WHERE advice_id = 'A1'"
        ).fetchall()
        history = con.execute(
            "SELECT returned_date, source_file, superseded_by_load FROM health_advice_history"
        ).fetchall()
    assert current == [("2025-05-10", "later.csv")]
    assert history == [(None, "base.csv", result.load_id)]


def _corrupt_xlsx(path):
    good = write_xlsx(path.with_suffix(".good.xlsx"), {"S": [ADVICE_HEADER]})
    path.write_bytes(good.read_bytes()[:300])
    return path


def _encrypted_xlsx(path):
    # An encrypted workbook is an OLE compound file holding an EncryptionInfo stream.
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 500
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 500
    )
    return path


def _zip_not_xlsx(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "hello")
    path.write_bytes(buffer.getvalue())
    return path


def _bytes(content: bytes):
    def make(path):
        path.write_bytes(content)
        return path

    return make


@pytest.mark.parametrize(
    "make, message",
    [
        (_corrupt_xlsx, "corrupt or truncated workbook"),
        (_encrypted_xlsx, "password-protected"),
        (_zip_not_xlsx, "not a spreadsheet (.xlsx or .ods)"),
        (_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary content"),
        (_bytes(b""), "the file is empty"),
        (_bytes(b"just,some\nrandom,words\n"), "no recognisable header row"),
        (
            _bytes(b"Advice ID,Case ID,LA,Date Requested\nA1,C1,Northshire,01/04/2025\n"),
            "lacks required column(s) service",
        ),
    ],
)
def test_unreadable_file_fails_cleanly_and_changes_nothing(load, loaded, tmp_path, make, message):
    before = snapshot(loaded)
    path = make(tmp_path / "bad.xlsx")
    result = load(path)
    assert result.status == "failed"
    assert result.error.startswith("bad.xlsx: ") and message in result.error
    assert "\n" not in result.error
    assert snapshot(loaded) == before


def test_failure_inside_the_transaction_rolls_back(load, loaded, tmp_path, monkeypatch):
    before = snapshot(loaded)
    import pipelines.load as load_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "_upsert", broken)
    with pytest.raises(RuntimeError):
        load(
            write_csv(
                tmp_path / "new.csv",
                [ADVICE_HEADER, ["A9", "C9", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]],
            )
        )
    assert snapshot(loaded) == before


def test_schema_creation_is_idempotent(db):
    connect_writer(db).close()
    connect_writer(db).close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [("1",)]


def test_upgrade_brings_an_earlier_database_up_to_date(db):
    from pipelines.db import schema_is_current, upgrade

    with duckdb.connect(str(db)) as con:  # health_advice as the first version made it
        con.execute("CREATE TABLE health_advice (advice_id VARCHAR, local_authority VARCHAR, "
                    "PRIMARY KEY (local_authority, advice_id))")
        con.execute("INSERT INTO health_advice VALUES ('A1', 'Northshire')")
    assert upgrade(db) is True
    with duckdb.connect(str(db), read_only=True) as con:
        assert schema_is_current(con)
        assert con.execute("SELECT advice_id, source FROM health_advice").fetchall() == [("A1", "provider")]
    assert upgrade(db) is False


def test_a_reader_waits_while_this_process_is_writing(db):
    import threading

    from pipelines.db import reader

    writer = connect_writer(db)
    threading.Timer(0.5, writer.close).start()  # the write ends half a second later
    with reader(db, wait_seconds=5) as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone() == (0,)


def test_a_load_too_big_for_the_memory_cap_is_written_again_uncapped(load, db, tmp_path,
                                                                     monkeypatch):
    import pipelines.load as load_module

    rows = [ADVICE_HEADER] + [[f"A{i}", f"C{i}", "Northshire", "SALT", "01/04/2025", "", "", "",
                               "", ""] for i in range(30_000)]
    path = write_csv(tmp_path / "big.csv", rows)
    monkeypatch.setattr(load_module, "LOAD_MEMORY_LIMIT", "4MB")
    attempts = []
    write = load_module._write

    def counted(*args, **kwargs):
        attempts.append(1)
        return write(*args, **kwargs)

    monkeypatch.setattr(load_module, "_write", counted)
    result = load(path)
    assert len(attempts) == 2  # the capped write ran out of memory, the second did not
    assert (result.status, result.loaded, result.inserted, result.rows_read) == (
        "loaded", 30_000, 30_000, 30_000)
    assert result.reconciles()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM health_advice").fetchall() == [(30_000,)]
        assert con.execute("SELECT count(*), max(loaded) FROM loads").fetchall() == [(1, 30_000)]


KEYS = [(ref, la) for ref in ("A1", "A2", "A3") for la in ("Northshire", "Riverside")]
SERVICES = ["Speech and Language Therapy", "Occupational Therapy"]
ROWS = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(SERVICES)), max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(ROWS, st.booleans(), st.booleans()), min_size=1, max_size=4))
def test_the_table_holds_one_record_per_key_as_the_loads_say(tmp_path_factory, files, monkeypatch):
    """The tables have no primary key: the load alone keeps one record per key. Random files
    (repeats, one key written two ways, workbooks of two sheets), each maybe rolled back, must
    leave exactly what a simple model of the rules says."""
    from pipelines.load import ingest_file
    from pipelines.rollback import rollback

    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    folder = tmp_path_factory.mktemp("keys")
    db = folder / "k.duckdb"
    model: dict[tuple[str, str], str] = {}
    for n, (rows, as_workbook, undo) in enumerate(files):
        cells = [[ref, "C1", la, service, "01/04/2025", "", "", "", "", ""]
                 for (ref, la), service in rows]
        if as_workbook:
            half = len(cells) // 2
            path = write_xlsx(folder / f"f{n}.xlsx", {"One": [ADVICE_HEADER, *cells[:half]],
                                                      "Two": [ADVICE_HEADER, *cells[half:]]})
        else:
            path = write_csv(folder / f"f{n}.csv", [ADVICE_HEADER, *cells])
        result = ingest_file(db, path, as_of=AS_OF)
        assert result.reconciles()
        if result.status != "loaded":
            continue
        versions: dict[tuple[str, str], set[str]] = {}
        for key, service in rows:
            versions.setdefault(key, set()).add(service)
        before = dict(model)
        model.update({key: next(iter(v)) for key, v in versions.items() if len(v) == 1})
        assert result.rejected == sum(1 for key, _ in rows if len(versions[key]) > 1)
        if undo:
            rollback(db, result.load_id)
            model = before
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("SELECT advice_id, local_authority, service FROM health_advice "
                                 "ORDER BY ALL").fetchall()
        assert stored == sorted((ref, la, service) for (ref, la), service in model.items())


def test_a_load_leaves_the_cycle_collector_as_it_found_it(load, tmp_path):
    import gc

    good = write_csv(tmp_path / "g.csv", [ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT",
                                                          "01/04/2025", "", "", "", "", ""]])
    bad = tmp_path / "b.csv"
    bad.write_bytes(b"\x00\x01 not a spreadsheet")
    assert gc.isenabled()
    assert load(good).status == "loaded" and gc.isenabled()
    assert load(bad).status == "failed" and gc.isenabled()
    gc.disable()  # a caller that paused it itself finds it still paused
    try:
        load(write_csv(tmp_path / "h.csv", [ADVICE_HEADER]))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_upgrade_looks_at_the_tables_even_when_the_signature_says_current(db):
    """An earlier version may change tables without knowing the signature a later one keeps."""
    from pipelines.db import schema_is_current, upgrade

    connect_writer(db).close()
    with duckdb.connect(str(db)) as con:  # as an earlier version would rebuild it, keyed
        con.execute("CREATE TABLE t AS SELECT * FROM tribunals")
        con.execute("DROP TABLE tribunals")
        con.execute("CREATE TABLE tribunals AS SELECT * FROM t WHERE false")
        con.execute("ALTER TABLE tribunals DROP COLUMN row_hash")
        con.execute("DROP TABLE t")
        assert not schema_is_current(con)
    assert upgrade(db) is True
    with duckdb.connect(str(db), read_only=True) as con:
        assert schema_is_current(con)


def test_two_loads_at_once_in_one_process_load_the_rows_once(db, tmp_path, monkeypatch):
    """Threads of one process share DuckDB's open database (its file lock keeps out other
    processes only): the second of two simultaneous loads of the same rows waits, then finds
    them loaded, rather than adding them again."""
    import threading

    import pipelines.load as load_module
    from pipelines.load import ingest_file

    rows = [[f"A{i}", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]
            for i in range(50)]
    files = [write_csv(tmp_path / f"copy{n}.csv", [ADVICE_HEADER, *rows, [f"extra{n}"]])
             for n in (1, 2)]
    both_ready = threading.Barrier(2, timeout=30)
    prepare = load_module._prepare

    def prepared_together(*args):
        outcome = prepare(*args)
        both_ready.wait()  # both files validated: their writes now start together
        return outcome

    monkeypatch.setattr(load_module, "_prepare", prepared_together)
    results = [None, None]

    def run(n):
        results[n] = ingest_file(db, files[n], as_of=AS_OF)

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted((r.inserted, r.unchanged) for r in results) == [(0, 50), (50, 0)]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT advice_id) FROM health_advice"
                           ).fetchone() == (50, 50)


def test_a_writer_that_fails_to_set_up_the_schema_lets_go_of_the_file(db, monkeypatch):
    """An open read-write connection would keep every reader of this process out."""
    from pipelines import db as database

    connect_writer(db).close()

    def broken(con, verify=False):
        raise RuntimeError("schema step failed")

    monkeypatch.setattr(database, "ensure_schema", broken)
    with pytest.raises(RuntimeError) as failure:
        database.connect_writer(db)
    # The traceback (kept, as a caller logging it would) holds connect_writer's frame.
    assert failure.traceback
    con = database.open_reader(db, wait_seconds=1)  # not "different configuration"
    con.close()
