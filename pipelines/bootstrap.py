"""Build a database from the bundled synthetic samples, so a fresh clone shows a working app.

The samples are loaded as of their extract date, so the numbers shown never drift with the day
the app happens to be started.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipelines.config import ROOT
from pipelines.load import FileResult, ingest_file

SAMPLES = ROOT / "data_samples"


def sample_files(folder: Path = SAMPLES) -> list[Path]:
    """The sample exports in load order (an earlier export before its later, incremental one)."""
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return sorted(folder / f["name"] for f in manifest["files"])


def sample_as_of(folder: Path = SAMPLES) -> dt.date:
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(manifest.get("extract_date", "2026-11-16"))


def sample_las(folder: Path = SAMPLES) -> dict[str, str]:
    """File name -> the local authority of a sample without an LA column (an Annex A list)."""
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return {f["name"]: f["la"] for f in manifest["files"] if f.get("la")}


def build_sample_database(db: Path, folder: Path = SAMPLES) -> list[FileResult]:
    """Load every sample file into `db` (created if absent); returns each file's result."""
    as_of = sample_as_of(folder)
    las = sample_las(folder)
    return [ingest_file(db, path, as_of=as_of, la=las.get(path.name))
            for path in sample_files(folder)]
