"""Pages share cached query results, as the app's sessions do, keyed on the snapshot read and on
the settings read with it: a process that reads settings.toml again (another area's LAs) never
shows figures counted under the old ones."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dashboard.components import gateway
from pipelines import config, metrics
from pipelines.config import ROOT
from pipelines.db import reader


def _area_of_northshire_only(folder: Path) -> Path:
    text = (ROOT / "settings.toml").read_text(encoding="utf-8")
    kept = re.sub(r"\[\[local_authorities\]\]\nname = \"(Riverside|Eastmoor)\"\n(?:.+\n)+", "", text)
    assert kept.count("[[local_authorities]]") == 1
    path = folder / "settings.toml"
    path.write_text(kept, encoding="utf-8")
    return path


def test_figures_counted_under_other_settings_are_not_reused(
        sample_db: Path, sample_as_of: dt.date, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(sample_db))
    f = metrics.Filters(dt.date(2025, 4, 1), sample_as_of, sample_as_of)
    whole_area = gateway.read(metrics.headline, f)
    assert gateway.read(metrics.headline, f) == whole_area  # cached, the same figures
    monkeypatch.setenv("SEND_SETTINGS", str(_area_of_northshire_only(tmp_path)))
    config.forget_settings()
    try:
        northshire = gateway.read(metrics.headline, f)
        with reader(sample_db) as con:  # counted afresh, under these settings
            assert northshire == metrics.headline(con, f)
        assert northshire["health_advice_due"] < whole_area["health_advice_due"]
    finally:
        monkeypatch.delenv("SEND_SETTINGS")
        config.forget_settings()
    assert gateway.read(metrics.headline, f) == whole_area
