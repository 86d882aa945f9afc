"""The audit log: who loaded, exported, rolled back or changed what, and when.

One JSON object a line, appended to a file beside the database (or `SEND_AUDIT_LOG`), kept out
of the database so that a failed or rolled-back load still leaves its trace and the app never
needs a writer to record a download. Each entry carries an HMAC-SHA256, keyed with a secret kept
apart from the data (`SEND_AUDIT_KEY`, else a key file in the account's configuration folder),
of itself and the entry before it, so an edited, reordered or deleted line breaks the chain and
`python -m pipelines audit --verify` says where; without the key nobody can write a chain that
passes. Each load also records the chain's head in the database, in the load's own transaction,
so a log cut short or deleted is found, and so is a load without its entries. Appends are
serialised with an exclusive file lock; entries are capped in size.
DATA PROTECTION: entries name users, files, loads and counts, never a child.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

import duckdb

from pipelines.db import DatabaseBusy, open_reader

AUDIT_ENV = "SEND_AUDIT_LOG"
KEY_ENV = "SEND_AUDIT_KEY"
KEY_FILE_ENV = "SEND_AUDIT_KEY_FILE"
GENESIS = "0" * 64
MAX_TEXT = 2_000  # characters of one detail value; an error message longer is cut
MAX_ENTRY = 16_384  # bytes of one entry's line
_BLOCK = 65536
KEYED = "hmac-sha256"


class AuditError(RuntimeError):
    """The log cannot be written (a full disk, a read-only folder): whatever was to be audited
    must not go ahead unrecorded."""


def audit_file(db: Path) -> Path:
    env = os.environ.get(AUDIT_ENV)
    return Path(env) if env else db.with_name(db.name + ".audit.jsonl")


def command_line_actor() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = f"uid {os.getuid()}"
    return f"{who} (command line)"


def key_file() -> Path:
    """`SEND_AUDIT_KEY_FILE`, else audit.key in the account's configuration folder: not beside
    the database, so that whoever can edit the data folder cannot re-sign a changed log."""
    env = os.environ.get(KEY_FILE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "send-dashboard" / "audit.key"


def audit_key() -> bytes:
    """The chain's HMAC key: `SEND_AUDIT_KEY`, else the key file (made, 0600, on first use)."""
    env = os.environ.get(KEY_ENV)
    if env and env.strip():
        return env.strip().encode("utf-8")
    try:
        return _key_from_file(key_file())
    except (OSError, RuntimeError) as exc:  # no home folder, or one the account cannot write
        raise AuditError(f"the audit log's key cannot be read or made ({exc}): set ${KEY_ENV} "
                         f"or ${KEY_FILE_ENV}") from exc


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(32).encode("ascii"))
        try:
            os.link(tmp, path)  # another process may have made it first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes().strip()


def _digest(entry: dict[str, Any], key: bytes | None = None) -> str:
    """The entry's seal: HMAC-SHA256 with the key for keyed entries, else (entries written
    before the log was keyed, or by someone without the key) plain SHA-256."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, default=str).encode()
    if entry.get("mac") == KEYED:
        return hmac.new(key if key is not None else audit_key(), text, "sha256").hexdigest()
    return hashlib.sha256(text).hexdigest()


def _last_line(fh: Any) -> bytes:
    """The last non-blank line, exactly, however long: read backwards a block at a time."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    tail = b""
    while end > 0:
        start = max(0, end - _BLOCK)
        fh.seek(start)
        tail = fh.read(end - start) + tail
        end = start
        stripped = tail.rstrip(b"\r\n \t")
        if b"\n" in stripped or end == 0:
            return stripped.rsplit(b"\n", 1)[-1]
    return b""


def _last_hash(fh: Any) -> str:
    line = _last_line(fh)
    if not line.strip():
        return GENESIS
    try:
        entry = json.loads(line)
        return str(entry["hash"])
    except (ValueError, KeyError, TypeError):
        return "broken"  # verify() reports the damaged line; the chain stays checkable after it


def _capped(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + f"... ({len(value) - MAX_TEXT:,} characters cut)"
    if isinstance(value, list):
        return [_capped(v) for v in value[:50]] + ([f"... ({len(value) - 50:,} more)"]
                                                    if len(value) > 50 else [])
    if isinstance(value, dict):
        return {str(k)[:100]: _capped(v) for k, v in value.items()}
    return value


def record(db: Path, actor: str, action: str, **detail: Any) -> dict[str, Any]:
    """Append one entry and return it. `detail` holds what was acted on (no personal data).
    Raises AuditError if the log cannot be written."""
    path = audit_file(db)
    key = audit_key()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "rb+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "actor": _capped(actor)[:200], "action": action,
                     "detail": _capped(detail), "prev": _last_hash(fh), "mac": KEYED}
            if len(json.dumps(entry, default=str)) > MAX_ENTRY:
                entry["detail"] = {"cut": f"the detail was over {MAX_ENTRY:,} bytes",
                                   **{k: v for k, v in entry["detail"].items()
                                      if k in ("file", "load_id", "status", "what")}}
            entry["hash"] = _digest(entry, key)
            fh.write((json.dumps(entry, default=str) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
            entry["_end"] = fh.tell()
    except OSError as exc:
        raise AuditError(f"the audit log {path} cannot be written ({exc.strerror or exc})") from exc
    return entry


def store_head(con: duckdb.DuckDBPyConnection, entry: dict[str, Any]) -> None:
    """Keep the chain's head (an entry just written) in the database, in the caller's
    transaction (its table, `tables.AUDIT_HEAD`, made by `db`): a log later cut short before it,
    or deleted, no longer holds it."""
    con.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?, ?)",
                [entry["hash"], entry["_end"], entry["at"]])


def record_load(db: Path, actor: str, result: Any) -> dict[str, Any]:
    """One entry per file offered for loading (a `pipelines.load.FileResult`): what was loaded,
    or why it was not."""
    detail: dict[str, Any] = {"file": result.file, "status": result.status,
                              "load_id": result.load_id}
    if result.status == "failed":
        detail["error"] = result.error
    else:
        detail |= {"kinds": list(result.kinds), "rows_read": result.rows_read,
                   "loaded": result.loaded, "rejected": result.rejected}
        # Rows kept out of the live table though not rejected, said only where there are some.
        detail |= {k: getattr(result, k) for k in ("stale", "superseded", "outside_area")
                   if getattr(result, k)}
    if result.read_warnings:  # what reading and checking found of the file as a whole
        detail["read_warnings"] = list(result.read_warnings)
    return record(db, actor, "load", **detail)


def _lines(db: Path) -> list[tuple[int, str]]:
    """(line number, text) of every non-blank line; bytes that are not UTF-8 are shown as
    U+FFFD (so the line fails its check rather than stopping the reading)."""
    path = audit_file(db)
    if not path.exists():
        return []
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _parsed(line: str) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("detail", {}), dict):
        return None
    return entry


def entries(db: Path) -> list[dict[str, Any]]:
    """Every entry, oldest first (a line that is not an entry shows as a 'damaged' entry)."""
    out = []
    for number, line in _lines(db):
        entry = _parsed(line)
        out.append({"at": "", "actor": "", "action": "damaged", "detail": {"line": number},
                    "prev": "", "hash": ""} if entry is None else
                   {"at": "", "actor": "", "action": "", "detail": {}, **entry})
    return out


def verify(db: Path) -> list[str]:
    """Problems with the chain, by line, and the database's head missing from it; an empty
    list means the log is intact (see also `loads_without_entries`)."""
    problems = []
    previous = GENESIS
    keyed = False
    key = audit_key()
    seen: dict[str, int] = {}
    for number, line in _lines(db):
        entry = _parsed(line)
        if entry is None:
            problems.append(f"line {number}: not a JSON entry")
            previous = "broken"
            continue
        if entry.get("prev") != previous:
            problems.append(f"line {number}: does not follow the line before it (a line was "
                            "removed, inserted or reordered)")
        if entry.get("mac") != KEYED and keyed:
            problems.append(f"line {number}: not sealed with the log's key (written by "
                            "someone without it)")
        keyed = keyed or entry.get("mac") == KEYED
        if entry.get("hash") != _digest(entry, key):
            problems.append(f"line {number}: its content was changed after it was written")
        previous = str(entry.get("hash", "broken"))
        seen[previous] = number
    try:
        head, _ = _database_record(db)
    except AuditError as exc:  # said, not raised: the chain's own check still stands
        return [*problems, str(exc)]
    where = "is missing" if not audit_file(db).exists() else "no longer holds"
    return problems + [f"the log {where} the entry the database recorded last (at byte "
                       f"{size:,}): it was cut short, replaced or deleted"
                       for hash_, size in head if hash_ not in seen]


def loads_without_entries(db: Path) -> list[str]:
    """Loads the database holds that the log has no entry for (a load made around the
    pipeline's audited path, or whose entries were removed)."""
    logged = {e["detail"].get("load_id") for e in entries(db)
              if e["action"] in ("load", "load started")}
    _, loads = _database_record(db)
    return [f"load {load_id} ({name}) is in the database but has no entry in the log"
            for load_id, name in loads if load_id not in logged]


def _database_record(db: Path) -> tuple[list[tuple], list[tuple]]:
    """(the chain's head as the database recorded it, every load) or nothing if no database."""
    if not db.exists():
        return [], []
    try:
        con = open_reader(db)  # the newest snapshot: never waits for a load
    except (duckdb.Error, DatabaseBusy) as exc:
        raise AuditError(f"the database could not be read to compare with the log ({exc})"
                         ) from exc
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        head = (con.execute("SELECT hash, log_bytes FROM audit_head").fetchall()
                if "audit_head" in tables else [])
        loads = (con.execute("SELECT load_id, file_name FROM loads ORDER BY load_id").fetchall()
                 if "loads" in tables else [])
    finally:
        con.close()
    return head, loads
