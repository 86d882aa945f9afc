"""The audit log: who loaded, exported, rolled back or changed what, and when.

One JSON object a line, appended to a file beside the database (or `SEND_AUDIT_LOG`), kept out
of the database so that a failed or rolled-back load still leaves its trace and the app never
needs a writer to record a download. Each entry carries the SHA-256 of the one before it, so an
edited, reordered or deleted line breaks the chain and `python -m pipelines audit --verify`
says where. Nothing in the app can edit it; appends are serialised with an exclusive file lock.
DATA PROTECTION: entries name users, files, loads and counts, never a child.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from pathlib import Path
from typing import Any

AUDIT_ENV = "SEND_AUDIT_LOG"
GENESIS = "0" * 64
_TAIL = 65536  # an entry is a few hundred bytes: the last one is within this many


def audit_file(db: Path) -> Path:
    env = os.environ.get(AUDIT_ENV)
    return Path(env) if env else db.with_name(db.name + ".audit.jsonl")


def command_line_actor() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = f"uid {os.getuid()}"
    return f"{who} (command line)"


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _last_hash(fh: Any) -> str:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - _TAIL))
    lines = [line for line in fh.read().splitlines() if line.strip()]
    if not lines:
        return GENESIS
    try:
        return json.loads(lines[-1])["hash"]
    except (ValueError, KeyError):
        return "broken"  # verify() reports the damaged line; the chain stays checkable after it


def record(db: Path, actor: str, action: str, **detail: Any) -> dict[str, Any]:
    """Append one entry and return it. `detail` holds what was acted on (no personal data)."""
    path = audit_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "actor": actor,
                 "action": action, "detail": detail, "prev": _last_hash(fh)}
        entry["hash"] = _digest(entry)
        fh.write(json.dumps(entry, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


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
    if result.warnings:
        detail["warnings"] = list(result.warnings)
    return record(db, actor, "load", **detail)


def entries(db: Path) -> list[dict[str, Any]]:
    """Every entry, oldest first (a line that is not JSON shows as a 'damaged' entry)."""
    path = audit_file(db)
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"at": "", "actor": "", "action": "damaged", "detail": {"line": number},
                        "prev": "", "hash": ""})
    return out


def verify(db: Path) -> list[str]:
    """Problems with the chain, by line; an empty list means the log is intact."""
    problems = []
    previous = GENESIS
    path = audit_file(db)
    if not path.exists():
        return []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            problems.append(f"line {number}: not a JSON entry")
            previous = "broken"
            continue
        if entry.get("prev") != previous:
            problems.append(f"line {number}: does not follow the line before it (a line was "
                            "removed, inserted or reordered)")
        if entry.get("hash") != _digest(entry):
            problems.append(f"line {number}: its content was changed after it was written")
        previous = entry.get("hash", "broken")
    return problems
