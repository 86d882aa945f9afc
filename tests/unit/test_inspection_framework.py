"""The inspection framework as data, and the checks an evidence item passes before it is saved."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd
import pytest

from dashboard.components import pages
from pipelines import inspection, metrics
from pipelines.db import ensure_schema
from pipelines.inspection import EvidenceError, clean_item


def test_three_outcomes_in_the_frameworks_words():
    assert [o.name for o in inspection.OUTCOMES] == [
        "Positive experiences and outcomes", "Inconsistent experiences and outcomes",
        "Widespread and/or systemic failings"]
    assert "priority action plan" in inspection.OUTCOMES[2].consequence


def test_themes_cover_what_inspectors_check():
    titles = [t.title for t in inspection.THEMES.values()]
    for words in ("identified and assessed in time", "take part in decisions",
                  "right help at the right time", "prepared for next steps", "included",
                  "commissioning"):
        assert any(words in title.lower() for title in titles), words


def test_every_theme_names_live_metrics_that_exist():
    for theme in inspection.THEMES.values():
        assert theme.metrics, theme.key
        assert set(theme.metrics) <= set(inspection.LIVE_METRICS), theme.key
    used = {k for t in inspection.THEMES.values() for k in t.metrics}
    assert used == set(inspection.LIVE_METRICS)  # no metric defined and never shown


def test_headline_metrics_are_keys_of_the_headline():
    con = duckdb.connect()
    ensure_schema(con)
    day = dt.date(2026, 3, 31)
    keys = set(metrics.headline(con, metrics.Filters(day, day, day)))
    for key, spec in inspection.LIVE_METRICS.items():
        if spec.dataset in ("health_advice", "tribunals") or spec.source in ("ehcp_plans",
                                                                             "ehcp_decisions"):
            assert key in keys, key
        if spec.series:
            assert spec.series in metrics.BASES


def test_links_point_at_pages_the_app_serves():
    served = {spec.url_path for specs in pages.SECTIONS.values() for spec in specs}
    for spec in inspection.LIVE_METRICS.values():
        if spec.link:
            assert spec.link.lstrip("/").partition("#")[0] in served, spec.link


def test_a_clean_item_is_tidied():
    assert clean_item({"item": "  SEF section 3 ", "status": "In  Progress",
                       "due_date": "01/12/2026", "owner": None, "link_or_note": float("nan")}) == {
        "item": "SEF section 3", "owner": "", "status": "in progress",
        "due_date": dt.date(2026, 12, 1), "link_or_note": ""}


@pytest.mark.parametrize("due, expected", [
    (dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
    (dt.datetime(2026, 12, 1, 0, 0), dt.date(2026, 12, 1)),
    (pd.Timestamp("2026-12-01"), dt.date(2026, 12, 1)),
    ("2026-12-01", dt.date(2026, 12, 1)),
    ("2026-12-01T00:00:00", dt.date(2026, 12, 1)),
    (None, None), ("", None), (pd.NaT, None),
])
def test_due_dates_in_the_shapes_forms_and_editors_send(due, expected):
    assert clean_item({"item": "x", "due_date": due})["due_date"] == expected


@pytest.mark.parametrize("fields, message", [
    ({"item": "   "}, "Item is empty"),
    ({"item": None}, "Item is empty"),
    ({"item": "x", "status": "done"}, "Status 'done' is not one of: not started, in progress, "
                                      "ready, needs update"),
    ({"item": "x", "due_date": "31/02/2026"}, "Due date '31/02/2026' is not a date"),
    ({"item": "x", "due_date": "next week"}, "Due date 'next week' is not a date"),
    ({"item": "x" * 301}, "Item is 301 characters long; at most 300 fit"),
    ({"item": "Advice for 943 476 5919"}, "Item appears to hold an NHS number"),
    ({"item": "x", "link_or_note": "NHS no 9434765919"}, "Link or note appears to hold an NHS"),
    ({"item": "Letter to Miss A Brown"}, "Item appears to hold a person's name ('Miss A Brown')"),
    ({"item": "x", "link_or_note": "Family at LS1 4AP"}, "Link or note appears to hold a postcode"),
])
def test_an_invalid_item_is_refused_with_the_reason(fields, message):
    with pytest.raises(EvidenceError, match=re.escape(message)):
        clean_item(fields)


def test_ten_digits_that_fail_the_nhs_check_are_allowed():
    # A reference that is not a valid NHS number is not refused; a phone number is (a
    # person's, as the rule cannot tell a parent's from a service's).
    assert clean_item({"item": "Ref 1234567890 filed"})["item"].startswith("Ref")
    with pytest.raises(EvidenceError, match="appears to hold a phone number"):
        clean_item({"item": "Call 0123 456 789"})
