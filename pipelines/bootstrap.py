"""Build a database from the bundled synthetic samples and the bundled DfE release, so a fresh
clone shows a working app with England's figures, and ready an existing one for this version. The
samples are loaded as of their extract date, so the numbers shown never drift with the day the app
happens to be started.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from pipelines import audit, benchmarks
from pipelines.config import ROOT
from pipelines.db import one_writer, upgrade
from pipelines.load import FileResult, ingest_file
from pipelines.pseudonym import PseudonymKeyError, load_key
from pipelines.sample_manifest import (
    SAMPLES,
    sample_as_of,
    sample_files,
    sample_las,
    samples_available,
)

# The DfE's 2025 EHCP release (Open Government Licence v3.0; see the README beside it).
RELEASE = ROOT / "pipelines" / "reference" / "dfe-ehcp-2025" / "dfe-ehcp-2025.zip"
FIRST_START = "dashboard (first start: bundled synthetic samples)"  # the audit log's actor
FIRST_START_RELEASE = "dashboard (first start: bundled DfE release)"
_BUILD_LOCK = threading.Lock()  # two first visitors must not both build the sample database


def build_sample_database(db: Path, folder: Path = SAMPLES) -> list[FileResult]:
    """Load every sample file into `db` (created if absent); returns each file's result. The
    loads share one writer, and the readers' snapshot is published once, when all are in (a
    copy of the database per file was a tenth of the app's first start)."""
    as_of = sample_as_of(folder)
    las = sample_las(folder)
    _ready_key(db)
    with one_writer(db):
        return [ingest_file(db, path, as_of=as_of, la=las.get(path.name))
                for path in sample_files(folder)]


def _ready_key(db: Path) -> None:
    """The pseudonym key made or found before `one_writer` holds `db`: with no key file yet,
    `load_key` looks for pseudonyms in the database, which no reader may open meanwhile. A key
    that cannot be had is said by each load, as it fails."""
    with contextlib.suppress(PseudonymKeyError):
        load_key(db)


def import_bundled_release(db: Path, release: Path = RELEASE, actor: str = FIRST_START_RELEASE
                           ) -> dict[str, Any]:
    """Import the bundled DfE release into `db`, each file in the audit log as a benchmarks
    import from the command line is; returns `benchmarks.import_release`'s result."""
    result = benchmarks.import_release(db, release)
    for file in result["files"]:
        audit.record(db, actor, "load", what="DfE benchmarks", file=file["file"],
                     dataset=file["dataset"], rows=file["rows"])
    return result


def ensure_database(db: Path, actor: str = FIRST_START, release_actor: str = FIRST_START_RELEASE
                    ) -> list[FileResult] | None:
    """Build `db` from the samples and the bundled DfE release if it does not exist yet, each
    load in the audit log under `actor` (the release's under `release_actor`); None if it
    already did. Without samples the database holds only the release ([]), so files can still
    be loaded into it. The app does this on first start; `python -m pipelines samples` does it
    before the app starts, so the first page opens at once."""
    with _BUILD_LOCK:
        if db.exists():
            return None
        _ready_key(db)
        with one_writer(db):  # one connection and one snapshot for the whole build
            results = build_sample_database(db) if samples_available() else []
            for result in results:
                audit.record_load(db, actor, result)
            if RELEASE.exists():
                import_bundled_release(db, actor=release_actor)
        return results


def upgrade_database(db: Path) -> bool:
    """Bring a database made by an earlier version up to the current schemas; True if it had to
    (see `pipelines.db.upgrade`). The app does this once per process, before any read."""
    return upgrade(db)
