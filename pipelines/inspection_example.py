"""An example evidence tracker, shown in sample mode (only the synthetic samples loaded) while the
real tracker is empty, so the inspection page shows what it is for. Never stored: the page labels
it an example, and the first real item replaces it. Pure data; no data access.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.inspection import ITEM_FIELDS, readiness_of

EXAMPLE_BY = "Example (synthetic sample)"
# (theme, item, owner, status, due in days from today (negative: overdue), link or note)
EXAMPLE_ITEMS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("identified_in_time", "Health advice timeliness by service, last 12 months", "DCO", "ready",
     -20, "Health advice page: by-service table exported for the self-evaluation"),
    ("identified_in_time", "Action plan with CAMHS on late advice returns", "CAMHS lead",
     "in progress", 30, "Agreed at the SEND health group; review monthly"),
    ("identified_in_time", "Plans late past 20 weeks: share with late health advice", "DCO",
     "ready", -5, "Inspection page, 'Health's contribution to EHC plans'"),
    ("families_take_part", "Parent carer forum feedback on health advice", "DCO",
     "not started", 45, ""),
    ("families_take_part", "Complaints with a health aspect: themes and learning", "Patient "
     "experience lead", "in progress", 14, ""),
    ("right_help_right_time", "Waiting lists over 18 weeks by service, with recovery plans",
     "Head of commissioning", "in progress", 21, ""),
    ("right_help_right_time", "Tribunal health recommendations answered within 5 weeks",
     "DCO", "ready", -40, "Tribunals page"),
    ("next_steps", "Health contribution to annual reviews, Year 9 onwards", "DCO",
     "needs update", -10, "Refresh with this term's reviews"),
    ("included", "Schools' medical conditions policies: audit summary", "School nursing lead",
     "ready", -30, "Schools page"),
    ("commissioning", "Joint commissioning arrangements for SEND health services",
     "ICB SEND lead", "in progress", 60, "Draft with the LA"),
    ("commissioning", "Designated Clinical Officer role description and job plan", "DCO",
     "ready", -60, ""),
)


def example_items(today: dt.date) -> pd.DataFrame:
    """The example items, as the tracker's table holds items (ids from 1, due dates from today)."""
    stamp = pd.Timestamp(today)
    rows = [{"item_id": i, "theme": theme, "item": item, "owner": owner, "status": status,
             "due_date": today + dt.timedelta(days=days), "last_updated": stamp,
             "link_or_note": note, "updated_by": EXAMPLE_BY}
            for i, (theme, item, owner, status, days, note) in enumerate(EXAMPLE_ITEMS, start=1)]
    return pd.DataFrame(rows, columns=ITEM_FIELDS)


def example_tracker(today: dt.date, notes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tracker the page shows in sample mode: example items, no history, the real notes,
    and the readiness of the example items."""
    items = example_items(today)
    return {"items": items, "history": pd.DataFrame(columns=[*ITEM_FIELDS, "change"]),
            "readiness": readiness_of(items, notes, today)}
