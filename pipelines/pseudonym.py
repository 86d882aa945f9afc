"""Keyed pseudonyms for children's identifiers, and the NHS number check digit.

DATA PROTECTION: names, NHS numbers, UPNs, ULNs and dates of birth never leave this module in clear. The key
comes from `SEND_PSEUDONYM_KEY`, else a key file beside the database created with 0600
permissions. Anyone holding the key and a list of NHS numbers can re-identify: keep it secret.
One child, one pseudonym: the database records its key's fingerprint (a keyed hash that does not
reveal the key); a load under another key is refused, and no new key is made beside a database
that already holds pseudonyms.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import re
import secrets
from pathlib import Path

import duckdb

KEY_ENV = "SEND_PSEUDONYM_KEY"
_NON_DIGIT = re.compile(r"\D")


def key_file_for(db: Path) -> Path:
    return db.with_name(db.name + ".key")


class PseudonymKeyError(ValueError):
    """The key is empty: nothing is pseudonymised with it (anyone could recompute the pseudonyms
    from NHS numbers). Keys are 64 random hex characters when this module makes them."""


def fingerprint(key: bytes) -> str:
    """What the database records of its key: enough to tell two keys apart, nothing more."""
    return hmac.digest(key, b"send-dashboard key fingerprint", "sha256").hex()[:16]


def recorded_fingerprint(db: Path) -> str | None:
    """The fingerprint of the key the database's pseudonyms were made with; None if none yet."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        return fingerprint_in(con)
    finally:
        con.close()


def fingerprint_in(con: duckdb.DuckDBPyConnection) -> str | None:
    """The recorded fingerprint, read on an open connection."""
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'pseudonym_key'"
                       ).fetchall():
        return None
    return _recorded(con)


def _recorded(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT fingerprint FROM pseudonym_key").fetchone()
    return row[0] if row else None


def claim_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Inside a load's transaction: record the key's fingerprint if the database has none;
    raise PseudonymKeyError if it holds another's. The writer made the table (`db`): it is read
    without first asking the catalogue, whose first look costs a small load a twentieth of its
    time."""
    mine = fingerprint(key)
    held = _recorded(con)
    if held is None:
        con.execute("INSERT INTO pseudonym_key VALUES (?, ?)", [mine, dt.datetime.now()])
    elif held != mine:
        raise PseudonymKeyError(wrong_key(mine, held))


def wrong_key(mine: str, held: str) -> str:
    return (f"the pseudonym key (fingerprint {mine}) is not the one this database's pseudonyms "
            f"were made with (fingerprint {held}): the same child would get a second "
            f"pseudonym. Set {KEY_ENV} or restore the key file; to change keys see `python -m "
            "pipelines rekey`")


def load_key(db: Path) -> bytes:
    """The pseudonym key: from the environment, else the key file (created on first use, whole:
    written to a temporary file and renamed, so no process ever reads a half-written key). No
    key is created beside a database that already holds pseudonyms: that would be a new key."""
    env = os.environ.get(KEY_ENV)
    if env is not None:
        return _checked(env.encode("utf-8"), f"${KEY_ENV}")
    path = key_file_for(db)
    if not path.exists():
        held = recorded_fingerprint(db)
        if held is not None:
            raise PseudonymKeyError(
                f"no key file at {path} and no ${KEY_ENV}, but the database holds pseudonyms "
                f"made with a key (fingerprint {held}): restore that key; a new one would give "
                "every child a second pseudonym")
        new_key_file(path)
    return _checked(path.read_bytes().strip(), str(path))


def new_key_file(path: Path) -> None:
    """A new random key at `path`, owner-only, unless another process just made one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(32).encode("ascii"))
        try:
            os.link(tmp, path)  # fails if another process made the key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()


def _checked(key: bytes, where: str) -> bytes:
    if not key.strip():
        raise PseudonymKeyError(f"the pseudonym key in {where} is empty: set a long random one "
                                "(see docs/security.md)")
    return key.strip()


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, shortened to 20 hex characters (80 bits)."""
    # hmac.digest is the one-shot (OpenSSL) form of hmac.new(...).digest(): the same bytes.
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()[:20]


def normalise_nhs_number(value: object) -> str:
    """Digits only: '943 476 5919', '943-476-5919' and 9434765919.0 are one number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _NON_DIGIT.sub("", str(value))


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - remainder is the check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def person_key(nhs_number: str | None = None, name: str | None = None,
               birth_iso: str | None = None, upn: str | None = None,
               uln: str | None = None) -> str | None:
    """What identifies a child: the NHS number if present, else the unique pupil number, else
    the unique learner number, else name with date of birth."""
    if nhs_number:
        return f"nhs:{nhs_number}"
    if upn:
        return "upn:" + "".join(upn.upper().split())
    if uln:
        return "uln:" + "".join(uln.upper().split())
    if name and birth_iso:
        return "name:" + " ".join(name.lower().split()) + "|" + birth_iso
    return None
