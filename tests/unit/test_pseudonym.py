import hashlib
import hmac
import os
import stat

import pytest

from pipelines.pseudonym import (
    key_file_for,
    load_key,
    nhs_number_is_valid,
    normalise_nhs_number,
    person_key,
    pseudonym,
)


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9000000009"])
def test_valid_nhs_numbers(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "1111111111",
                                    "abcdefghij", "", "9434765910"])
def test_invalid_nhs_numbers(number):
    assert not nhs_number_is_valid(number)


@pytest.mark.parametrize("raw", ["943 476 5919", "943-476-5919", 9434765919.0, " 9434765919 "])
def test_nhs_number_spellings_normalise(raw):
    assert normalise_nhs_number(raw) == "9434765919"


def test_pseudonym_is_keyed_and_stable():
    a = pseudonym(b"key-a", "person", "nhs:9434765919")
    assert a == pseudonym(b"key-a", "person", "nhs:9434765919")
    assert a != pseudonym(b"key-b", "person", "nhs:9434765919")
    assert "9434765919" not in a and len(a) == 20


def test_key_file_created_private_beside_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SEND_PSEUDONYM_KEY", raising=False)
    db = tmp_path / "x.duckdb"
    key = load_key(db)
    path = key_file_for(db)
    assert path.exists() and len(key) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_key(db) == key  # the same key next time


def test_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "from-env")
    assert load_key(tmp_path / "x.duckdb") == b"from-env"
    assert not key_file_for(tmp_path / "x.duckdb").exists()


def test_pseudonym_is_hmac_sha256_of_kind_and_value_cut_to_20_hex_digits():
    key = b"test-key-not-secret"
    for value in ("nhs:9434765919", "name:zoë quigley|2015-02-14"):
        expected = hmac.new(key, f"person:{value}".encode(), hashlib.sha256).hexdigest()[:20]
        assert pseudonym(key, "person", value) == expected


def test_an_empty_key_is_refused_and_nothing_loads(tmp_path, monkeypatch):
    from pipelines.load import ingest_file
    from pipelines.pseudonym import PseudonymKeyError, load_key

    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "  ")
    with pytest.raises(PseudonymKeyError, match="empty"):
        load_key(tmp_path / "x.duckdb")
    (tmp_path / "a.csv").write_text("Advice ID,Case ID,Local Authority,Service,Requested Date\n"
                                    "A1,C1,Riverside,SALT,01/02/2026\n")
    result = ingest_file(tmp_path / "x.duckdb", tmp_path / "a.csv")
    assert result.status == "failed" and "pseudonym key" in result.error
    monkeypatch.delenv("SEND_PSEUDONYM_KEY")
    (tmp_path / "y.duckdb.key").write_bytes(b"\n")  # a key file left empty
    with pytest.raises(PseudonymKeyError):
        load_key(tmp_path / "y.duckdb")


def test_the_key_file_is_made_whole_once(tmp_path, monkeypatch):
    import threading

    from pipelines.pseudonym import load_key

    monkeypatch.delenv("SEND_PSEUDONYM_KEY", raising=False)
    keys: list[bytes] = []
    jobs = [threading.Thread(target=lambda: keys.append(load_key(tmp_path / "z.duckdb")))
            for _ in range(8)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["z.duckdb.key"]


def test_a_child_is_known_by_upn_else_uln_else_name_and_birth():
    assert person_key(None, "Ann Lee", "2015-01-02", upn="a123456789012", uln="1234567890") \
        == "upn:A123456789012"
    assert person_key(None, "Ann Lee", "2015-01-02", uln="1234567890") == "uln:1234567890"
    assert person_key(None, "Ann  Lee", "2015-01-02") == "name:ann lee|2015-01-02"
    assert person_key("9434765919", None, None, upn="A123456789012") == "nhs:9434765919"
