"""The reasons behind a rate's lawful exceptions, as recorded: which were taken as lawful and
left out of the headline, and which were not and counted as late, with the area's own mapping
from settings.toml [exceptions] beside them.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import gateway, tables
from pipelines import queries
from pipelines.metrics import Filters
from pipelines.notes import local_exceptions

# The reason and its number first, sized to fit a phone (tables.PHONE_WIDTH).
COLUMNS = {"reason_recorded": "Reason as recorded", "items": "Number",
           "counted_as": "Counted as", "taken_as": "Lawful reason taken as"}
WIDTHS = {"reason_recorded": 160, "items": 70, "counted_as": 104, "taken_as": 240}
KINDS = {"health_advice": "advice", "ehcp_plans": "plan"}


def reasons_table(metric: str, f: Filters, key: str, what: str) -> None:
    """Every reason recorded against the rate's items in the period, as written: the lawful
    reason it was taken as (or none), how the rate counted it ('excepted': left out of the
    headline; 'late'; 'in time'; 'not yet due') and how many `what`."""
    st.subheader("Reasons as recorded, and how they were counted")
    frame = gateway.read(queries.exceptions_by_reason, metric, f)
    st.caption(f"Each reason as the file records it. Only a lawful {queries.EXCEPTION_LAW[metric]} "
               "reason takes an item out of the headline; any other counts as late when late. "
               + local_exceptions(KINDS[metric]))
    if frame.empty:
        tables.no_data(f"No {what} in this selection has a reason recorded.")
        return
    names = {**COLUMNS, "items": what.capitalize()}
    table = frame[list(COLUMNS)].rename(columns=names)
    tables.show(table, key=f"{key}_reasons", column_config={
        names[c]: st.column_config.Column(width=w) for c, w in WIDTHS.items()})
    tables.downloads(table, f"{key.replace('_', '-')}-reasons-as-recorded", f"{key}_reasons",
                     sheet="Reasons as recorded")
