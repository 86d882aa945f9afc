"""Health's contribution to EHC plans, checked against a count made independently in pandas from
the raw tables: plans issued in the period joined to their case's health advice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipelines import metrics
from pipelines.db import reader


def independent(db: Path, f: metrics.Filters) -> dict[str, tuple[int, int, int, int]]:
    """(within, within with advice on time, late, late with late advice) overall and by service,
    counted row by row in pandas."""
    with reader(db) as con:
        plans = con.execute("SELECT local_authority, case_id, request_date, final_plan_date, "
                            "exception FROM ehcp").df()
        advice = con.execute("SELECT local_authority, case_id, service, requested_date, "
                             "returned_date, source, stage FROM health_advice").df()
    as_of = pd.Timestamp(f.as_of)
    issued = pd.to_datetime(plans.final_plan_date)
    plans = plans[issued.between(pd.Timestamp(f.date_from), pd.Timestamp(f.date_to))
                  & (issued <= as_of) & plans.exception.isna()].copy()
    plans["on_time"] = (pd.to_datetime(plans.final_plan_date)
                        - pd.to_datetime(plans.request_date)).dt.days <= 140
    # Providers' advice for needs assessments: advice for annual reviews is not under reg 8.
    advice = advice[(advice.source == "provider") & (advice.stage != "annual review")].copy()
    requested = pd.to_datetime(advice.requested_date)
    returned = pd.to_datetime(advice.returned_date)
    returned = returned.where(returned <= as_of)  # a return after the as-of date is not yet made
    advice = advice[requested <= as_of]
    requested, returned = requested[advice.index], returned[advice.index]
    due = requested + pd.Timedelta(days=42)
    advice = advice.assign(counted=returned.notna() | (due < as_of),
                           met=returned.notna() & ((returned - requested).dt.days <= 42))
    advice = advice[advice.counted]
    per_service = advice.groupby(["local_authority", "case_id", "service"]).met.all().reset_index()
    joined = plans.merge(per_service, on=["local_authority", "case_id"])

    def counts(frame: pd.DataFrame) -> tuple[int, int, int, int]:
        return (int(frame.on_time.sum()), int((frame.on_time & frame.met).sum()),
                int((~frame.on_time).sum()), int((~frame.on_time & ~frame.met).sum()))

    per_plan = joined.groupby(["local_authority", "case_id"]).agg(
        on_time=("on_time", "first"), met=("met", "all")).reset_index()
    out = {metrics.ALL_SERVICES: counts(per_plan)}
    for service, frame in joined.groupby("service"):
        out[str(service)] = counts(frame)
    return out


def test_contribution_matches_an_independent_count(sample_db: Path, sample_as_of: dt.date) -> None:
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), sample_as_of)
    with reader(sample_db) as con:
        frame = metrics.health_contribution(con, f)
    got = {row.group: (row.within, row.within_advice_on_time, row.late, row.late_advice_late)
           for row in frame.itertuples()}
    expected = independent(sample_db, f)
    assert got == expected
    whole = frame.iloc[0]
    assert whole.group == metrics.ALL_SERVICES
    assert 0 < whole.late_advice_late < whole.late
    assert whole.within_advice_on_time_pct == metrics.pct(int(whole.within_advice_on_time), int(whole.within))
    assert whole.late_advice_late_pct == metrics.pct(int(whole.late_advice_late), int(whole.late))


def test_services_and_local_authorities_filter_the_join(sample_db: Path,
                                                         sample_as_of: dt.date) -> None:
    base = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), sample_as_of)
    with reader(sample_db) as con:
        whole = metrics.health_contribution(con, base).set_index("group")
        camhs = metrics.health_contribution(con, metrics.Filters(
            base.date_from, base.date_to, base.as_of, services=("CAMHS",))).set_index("group")
        la = con.execute("SELECT min(local_authority) FROM ehcp").fetchone()[0]
        one = metrics.health_contribution(con, metrics.Filters(
            base.date_from, base.date_to, base.as_of, las=(la,))).set_index("group")
    assert list(camhs.index) == [metrics.ALL_SERVICES, "CAMHS"]
    assert camhs.loc["CAMHS"].tolist() == whole.loc["CAMHS"].tolist()
    assert camhs.loc[metrics.ALL_SERVICES, "late"] == whole.loc["CAMHS", "late"]
    assert 0 < one.loc[metrics.ALL_SERVICES, "plans"] < whole.loc[metrics.ALL_SERVICES, "plans"]
