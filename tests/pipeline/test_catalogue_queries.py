"""Every catalogue entry's query runs on the bundled sample database, and the query registry built
from the catalogue gives, month by month, what the registry it replaced gave."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pandas as pd
import pytest

from pipelines import metrics
from pipelines.bootstrap import build_sample_database, sample_as_of
from pipelines.db import reader
from pipelines.metrics import bases

pytestmark = pytest.mark.xdist_group("catalogue_queries")  # one worker: its module fixtures are made once

# The query registry as it stood before the catalogue (metrics.BASES, written out by hand).
OLD_REGISTRY = {
    "health_advice": bases.advice_base,
    "health_advice_la_records": bases.advice_la_base,
    "ehcp_plans": bases.plan_base,
    "ehcp_decisions": bases.decision_base,
    "tribunal_responses": bases.response_base,
    "tribunal_appeals": bases.appeal_base,
    "annual_reviews_held": bases.review_held_base,
    "annual_review_decisions": bases.review_decision_base,
    "annual_review_amended_plans": bases.amended_plan_base,
    "annual_review_health_contribution": bases.review_health_base,
    "annual_review_health_invited": bases.review_health_invited_base,
    "complaint_responses": bases.complaint_response_base,
    "complaints_received": bases.complaint_received_base,
    "phb_started": bases.phb_started_base,
}
# Bases added since, each a figure on the DfE's basis (a calendar year) beside England's.
ADDED = {
    "ehcp_decisions_by_request_year": bases.decision_by_request_base,
    "annual_review_decisions_sent": bases.review_decision_sent_base,
    # Base queries added to the catalogue since, each with its own definition and tests.
    "review_advice": bases.review_advice_base,  # tests/pipeline/test_review_advice.py
}
BY_MONTH = """
    WITH base AS ({base})
    SELECT strftime(anchor, '%Y-%m') AS "group",
        count(*) FILTER (WHERE counted AND NOT excepted) AS denominator,
        count(*) FILTER (WHERE counted AND NOT excepted AND met) AS numerator,
        count(*) FILTER (WHERE counted) AS denominator_incl,
        count(*) FILTER (WHERE counted AND met) AS numerator_incl,
        count(*) AS items
    FROM base WHERE anchor BETWEEN $date_from AND $date_to
    GROUP BY 1 ORDER BY 1
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, metrics.Filters]:
    db = tmp_path_factory.mktemp("catalogue") / "send.duckdb"
    build_sample_database(db)
    as_of = sample_as_of()
    return db, metrics.Filters(dt.date(as_of.year - 2, 4, 1), as_of, as_of)


def test_the_registry_is_the_one_it_replaced() -> None:
    assert metrics.BASES == OLD_REGISTRY | ADDED


@pytest.mark.parametrize("key", list(OLD_REGISTRY))
def test_each_base_query_gives_what_the_old_registry_gave(
        sample: tuple[Path, metrics.Filters], key: str) -> None:
    db, f = sample
    with reader(db) as con:
        got = metrics.rates(con, key, f, "month")
        expected = metrics.query(con, BY_MONTH.format(base=OLD_REGISTRY[key](f)), f)
    assert int(got["items"].sum()) > 0, key  # the sample holds items for every metric
    columns = ["group", "denominator", "numerator", "denominator_incl", "numerator_incl", "items"]
    assert got[columns].astype(str).values.tolist() == expected[columns].astype(str).values.tolist()


@pytest.mark.parametrize("key", [k for k, m in metrics.CATALOGUE.items() if m.kind != "base"])
def test_each_other_entry_runs_on_the_sample(sample: tuple[Path, metrics.Filters], key: str) -> None:
    db, f = sample
    query = metrics.CATALOGUE[key].query
    with reader(db) as con:
        if "con" in inspect.signature(query).parameters:
            out = query(con, f)
        else:  # a breakdown built on a base query
            out = metrics.query(con, f"SELECT * FROM ({query(f)}) WHERE anchor BETWEEN $date_from "
                                     "AND $date_to", f)
    assert isinstance(out, pd.DataFrame) and not out.empty, key
