"""The bundled synthetic samples as `data_samples/MANIFEST.json` lists them: their files in load
order, each one's sha256, the extract date they are loaded as of and the LA of a file without an
LA column. Kept apart from `bootstrap` (which loads them) so that telling a sample from a real
load (`status.provenance`) imports no loader.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipelines.config import ROOT

SAMPLES = ROOT / "data_samples"


def samples_available(folder: Path = SAMPLES) -> bool:
    return (folder / "MANIFEST.json").exists()


def sample_manifest(folder: Path = SAMPLES) -> dict[str, str]:
    """File name -> sha256 of the bundled synthetic samples (empty if there is no manifest)."""
    path = folder / "MANIFEST.json"
    if not path.exists():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {f["name"]: f.get("sha256", "") for f in manifest.get("files", [])}


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
