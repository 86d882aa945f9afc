"""A date not recorded shows as a blank cell, never "None": every table on the pages that list
cases, requests, appeals and the chase list is drawn with a blank placeholder for a missing
value (Streamlit writes "None" by default), and holds missing values for it to apply to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

# page -> a table on it (by a column) that holds a missing value in the samples
LISTS = {
    "views/health_advice.py": "Chased on",  # the chase list (a DCO edits it): not chased yet
    "views/ehcp_timeliness.py": "Exception recorded",  # open cases at risk
    "views/schools.py": "Policy last reviewed",  # schools to follow up
    "views/board_pack.py": "Mean",  # a chart's monthly series too short for process limits
    "views/tribunals.py": None,  # appeals and recommendations: every date recorded here
}


@pytest.mark.parametrize("page", list(LISTS))
def test_a_missing_value_is_blank_in_every_table(run_app: Callable[..., AppTest], page: str
                                                 ) -> None:
    at = run_app(page)
    if page == "views/board_pack.py":  # the charts' monthly series are in their Table view
        for switch in at.segmented_control:
            switch.set_value("Table")
        at.run()
    shown = list(at.dataframe)
    assert shown
    for element in shown:
        assert element.proto.HasField("placeholder") and element.proto.placeholder == "", (
            list(element.value.columns))
    if LISTS[page]:
        holding = [d.value for d in shown if LISTS[page] in d.value.columns]
        assert any(table[LISTS[page]].isna().any() for table in holding)
