"""The health advice page sets the LA's records beside the providers' logs exactly as
`metrics.reconcile_advice` does: the counts, the 6-week figure both ways, and every list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader

PAGE = "views/health_advice.py"


def test_reconciliation_is_the_reconcile_metric(run_app: Callable[..., AppTest], sample_db: Path,
                                                fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        found = metrics.reconcile_advice(con, fy_filters)
    assert found.compared == ("Northshire",)
    differ = found.matched[found.matched["disagreement"] != ""]
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert "The LA's records and the providers' logs compared" in [h.value for h in at.header]
    shown = metric_values(at)
    assert shown["Matched requests"] == f"{len(found.matched):,}"
    assert shown["Dates disagree"] == f"{len(differ):,}"
    assert shown["6-week result differs"] == f"{int(found.matched['clocks_differ'].sum()):,}"
    assert shown["In the LA's records only"] == f"{len(found.la_only):,}"
    assert shown["In the providers' logs only"] == f"{len(found.provider_only):,}"

    dates = table(at, "Case ID", "What differs")
    assert dates["Case ID"].tolist() == differ["case_id"].tolist()
    assert dates["Days apart (request)"].tolist() == differ["requested_days_apart"].tolist()
    la_only = table(at, "Advice ID", "Requested (LA sent)")
    assert la_only["Advice ID"].tolist() == found.la_only["advice_id"].tolist()
    provider_only = table(at, "Advice ID", "Requested (service received)")
    assert provider_only["Advice ID"].tolist() == found.provider_only["advice_id"].tolist()

    at.segmented_control(key="reconcile_figures_view").set_value("Table").run()
    figures = table(at, "Dates used", "Returned within 6 weeks")
    assert figures["Per cent"].tolist() == found.figures["pct"].tolist()
    assert figures["Due"].tolist() == found.figures["denominator"].tolist()
    labels = [e.label for e in at.expander]
    assert labels.count("About this metric") >= 6


def test_an_la_without_its_own_export_has_nothing_to_compare(
        run_app: Callable[..., AppTest], fy_filters: metrics.Filters) -> None:
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat(), la="Riverside")
    assert any("No data for this selection" in i.value and "nothing to compare" in i.value
               for i in at.info)
    assert "Matched requests" not in metric_values(at)
