"""What a load leaves behind and tells, as text, for tests that look for personal data in it."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.db import reader


def everything_stored(db: Path) -> str:
    """Every text value of every table, one after another."""
    with reader(db) as con:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                              "WHERE data_type = 'VARCHAR' AND table_schema = 'main'").fetchall()
        return "\n".join(str(value) for table, column in columns
                         for (value,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall())


def findings_text(result) -> str:
    """What the load tells the user: its summary (as `ingest --json` prints it) and findings."""
    return json.dumps(result.summary(), default=str) + "\n".join(
        f"{f.value} {f.reason}" for f in [*result.rejects, *result.warnings])
