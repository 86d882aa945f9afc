"""The benchmark's area: its synthetic exports name real English LAs, none of them the area
settings.toml lists, and a figure for no LA chosen counts the area's rows only
(`metrics.la_in`). So the bench runs on the settings in use with its own LAs as the area, and
the metrics it times count every row it loaded. A tool, not part of the app.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.config import ROOT, forget_settings

AREA_TABLE = "[[local_authorities]]"


def settings_text(text: str, las: list[str]) -> str:
    """settings.toml's text with its local authorities replaced by `las` (names only)."""
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("["):  # a table starts: skip it if it is one of the area's LAs
            skipping = line.strip() == AREA_TABLE
        if not skipping:
            kept.append(line)
    kept += [f"\n{AREA_TABLE}\nname = {json.dumps(la)}" for la in las]  # a JSON string is TOML's
    return "\n".join(kept) + "\n"


@contextmanager
def as_the_area(work: Path, las: list[str]) -> Iterator[Path]:
    """Within the block, SEND_SETTINGS names `work`/settings.toml, the settings in use with
    `las` as the area; the bench's child processes inherit it. Put back afterwards."""
    before = os.environ.get("SEND_SETTINGS")
    path = work / "settings.toml"
    path.write_text(settings_text(Path(before or ROOT / "settings.toml").read_text(
        encoding="utf-8"), las), encoding="utf-8")
    os.environ["SEND_SETTINGS"] = str(path)
    forget_settings()
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop("SEND_SETTINGS", None)
        else:
            os.environ["SEND_SETTINGS"] = before
        forget_settings()


def area_figures(db: Path, first_day: dt.date, as_of: dt.date) -> dict[str, Any]:
    """A few headline counts over the bench's area, so a run shows its metrics counted rows."""
    # Imported here, as bench.time_metrics does, so a child measuring an ingest never loads them.
    from pipelines import metrics
    from pipelines.db import reader

    with reader(db) as con:
        h = metrics.headline(con, metrics.Filters(first_day, as_of, as_of))
    return {k: h[k] for k in ("health_advice_due", "health_advice_overdue_open",
                              "ehcp_plans_issued", "tribunal_appeals_registered")}
