"""What the app tests share: the app path, a fixed view, tiny hand-made exports, and readers of
AppTest output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.conftest import SAMPLE_KEY

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
KEY = SAMPLE_KEY  # the sample database is built with it (tests/conftest.py)
USERS = {"board": "bea", "dco": "dan", "admin": "alice"}  # one local user per role
PASSWORD = "long enough password for the "  # + the role
# A fixed view over the samples: financial year 2025-26, as of the samples' extract date.
FY_PARAMS = {"grain": "financial_year", "from": "2025-26", "to": "2025-26"}
TINY_AS_OF = dt.date(2026, 3, 31)


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


ADVICE = ["Advice ID", "Case ID", "Local Authority", "Service", "Requested Date", "Returned Date",
          "Provider", "Exception", "Quality Score", "Stage"]
EHCP = ["Case ID", "Local Authority", "Request Date", "Decision Date", "Decision",
        "Draft Plan Date", "Final Plan Date", "Exception", "Primary Need"]


def tiny_files(folder: Path) -> list[Path]:
    """Three advice requests (a count to suppress) and six plans, five within 20 weeks."""
    advice = folder / "advice_tiny.csv"
    advice.write_bytes(csv_bytes([ADVICE,
        ["A1", "C1", "Riverside", "SALT", "05/01/2026", "01/02/2026", "Trust", "", "", "New"],
        ["A2", "C2", "Riverside", "OT", "06/01/2026", "", "Trust", "", "", "New"],
        ["A3", "C3", "Riverside", "Physio", "07/01/2026", "20/01/2026", "Trust", "", "", "New"]]))
    ehcp = folder / "ehcp_tiny.csv"
    rows = [EHCP]
    for i in range(6):
        final = "20/03/2026" if i < 5 else "30/03/2026"
        request = "01/11/2025" if i < 5 else "01/09/2025"
        rows.append([f"E{i}", "Riverside", request, "01/12/2025" if i < 5 else "10/10/2025",
                     "Yes", "01/02/2026", final, "", "ASD"])
    ehcp.write_bytes(csv_bytes(rows))
    return [advice, ehcp]


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    """Each caption as Markdown renders it (a backslashed mark is shown as the mark)."""
    return [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]


def table(at: AppTest, *columns: str) -> Any:
    """The frame of the first st.dataframe that has all these columns."""
    for frame in (d.value for d in at.dataframe):
        if set(columns) <= set(frame.columns):
            return frame
    raise AssertionError(f"no table with columns {columns}: "
                         f"{[list(d.value.columns) for d in at.dataframe]}")
