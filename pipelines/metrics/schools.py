"""Schools: medical conditions policies, individual healthcare plans and mental health, from
the DCO's audits (only each school's latest audit counts)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.core import (
    POLICY_REVIEW_MONTHS,
    SMALL_DENOMINATOR,
    Filters,
    add_pcts,
    as_ints,
    calendar_sql,
    empty_overall,
    grouping,
    la_in,
    query,
    with_period_labels,
)
from pipelines.schemas import POLICY_ELEMENTS

# ---- schools: medical conditions policies and mental health ---------------------------------

SCHOOL_GROUPS = {"local_authority": "local_authority", "phase": "coalesce(phase, 'not recorded')"}


def school_audits(f: Filters) -> str:
    """Every school audit on or before the as-of date, with what it found. A blank yes/no counts
    as not evidenced. `compliant`: a policy in place, every element of the statutory guidance
    present (`schemas.POLICY_ELEMENTS`) and the policy reviewed within the 12 months up to the
    audit date (on or after the same day a year before). `published`: in place and on the
    school's website."""
    elements = list(POLICY_ELEMENTS)
    all_present = " AND ".join(f"coalesce({c}, FALSE)" for c in elements)
    missing = " + ".join(f"CAST(NOT coalesce({c}, FALSE) AS INTEGER)" for c in elements)
    return f"""
    WITH audits AS (
        SELECT * FROM schools
        WHERE audit_date <= $as_of AND {la_in(f.las)}
    ), found AS (
        SELECT *,
            coalesce(policy_in_place, FALSE) AS has_policy,
            coalesce(policy_in_place, FALSE) AND coalesce(policy_published, FALSE) AS published,
            {all_present} AS all_elements,
            {missing} AS elements_missing,
            coalesce(policy_reviewed_date >= CAST(audit_date - INTERVAL {POLICY_REVIEW_MONTHS} MONTH
                                                   AS DATE), FALSE) AS reviewed_in_12_months
        FROM audits
    ), final AS (
        SELECT *, has_policy AND all_elements AND reviewed_in_12_months AS compliant FROM found
    )
    SELECT * FROM final
    """


def latest_school_audits(f: Filters) -> str:
    """Each school's latest audit on or before the as-of date: only the latest counts."""
    return f"""
    SELECT * FROM ({school_audits(f)})
    QUALIFY row_number() OVER (PARTITION BY urn ORDER BY audit_date DESC) = 1
    """




def school_policy_position(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                           ) -> pd.DataFrame:
    """Medical conditions policies as the latest audit of each school found them (as of the
    as-of date; the period is not used): schools audited, with a policy, with it published on
    their website, and compliant (see `school_audits`), each with its share of the schools
    audited (%). Compare with `SCHOOL_POLICY_REFERENCE` (47.5% with a policy, 11.5% compliant).
    `by`: None, 'local_authority' or 'phase'."""
    group = grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            count(*) FILTER (WHERE has_policy) AS with_policy,
            count(*) FILTER (WHERE published) AS published,
            count(*) FILTER (WHERE compliant) AS compliant
        FROM latest GROUP BY ALL ORDER BY 1
    """, f)
    out = empty_overall(out, by, {"schools": 0, "with_policy": 0, "published": 0, "compliant": 0})
    out = as_ints(out, ["schools", "with_policy", "published", "compliant"])
    out = add_pcts(out, {"with_policy_pct": ("with_policy", "schools"),
                      "published_pct": ("published", "schools"),
                      "compliant_pct": ("compliant", "schools")})
    out["small"] = out.schools < SMALL_DENOMINATOR
    return out


def school_elements_missing(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                            ) -> pd.DataFrame:
    """Which parts of a compliant policy schools lack, most often missing first: over the schools
    whose latest audit found a policy, the number (and %) whose policy lacks each element of the
    statutory guidance, and the number not reviewed in the 12 months before the audit (element
    'reviewed_in_12_months'). `by`: None, 'local_authority' or 'phase'."""
    group = grouping(by, SCHOOL_GROUPS)
    checks = [(c, label, f"NOT coalesce({c}, FALSE)") for c, label in POLICY_ELEMENTS.items()]
    checks.append(("reviewed_in_12_months", "reviewed in the last 12 months",
                   "NOT reviewed_in_12_months"))
    parts = " UNION ALL ".join(
        f"""SELECT {group} AS "group", '{column}' AS element, '{label}' AS label,
            count(*) AS schools_with_policy, count(*) FILTER (WHERE {lacking}) AS missing
            FROM with_policy GROUP BY ALL"""
        for column, label, lacking in checks)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)}),
        with_policy AS (SELECT * FROM latest WHERE has_policy)
        SELECT * FROM ({parts}) ORDER BY "group", missing DESC, element
    """, f)
    out = as_ints(out, ["schools_with_policy", "missing"])
    return add_pcts(out, {"missing_pct": ("missing", "schools_with_policy")})


def school_ihp_coverage(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                        ) -> pd.DataFrame:
    """Individual healthcare plan coverage from each school's latest audit: pupils with an IHP
    over pupils with a medical condition (%), summed over the schools that recorded both counts
    (`schools`). Not every pupil with a condition needs an IHP; a low share is a question to ask,
    not a breach. `by`: None, 'local_authority' or 'phase'."""
    group = grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            sum(pupils_with_medical_conditions) AS pupils_with_medical_conditions,
            sum(pupils_with_ihp) AS pupils_with_ihp
        FROM latest
        WHERE pupils_with_medical_conditions IS NOT NULL AND pupils_with_ihp IS NOT NULL
        GROUP BY ALL ORDER BY 1
    """, f)
    out = empty_overall(out, by, {"schools": 0, "pupils_with_medical_conditions": 0,
                                   "pupils_with_ihp": 0})
    out = as_ints(out, ["schools", "pupils_with_medical_conditions", "pupils_with_ihp"])
    return add_pcts(out, {"ihp_coverage_pct": ("pupils_with_ihp", "pupils_with_medical_conditions")})


def school_mental_health(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                         ) -> pd.DataFrame:
    """Mental health support from each school's latest audit: schools with a trained senior
    mental health lead, and covered by a Mental Health Support Team, each over the schools whose
    audit recorded the answer (`*_recorded`; a blank is not known, not no), and the mean
    wellbeing self-assessment score of those that recorded one (the framework's own scale).
    `by`: None, 'local_authority' or 'phase'."""
    group = grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            count(senior_mental_health_lead) AS smhl_recorded,
            count(*) FILTER (WHERE senior_mental_health_lead) AS with_smhl,
            count(mhst_coverage) AS mhst_recorded,
            count(*) FILTER (WHERE mhst_coverage) AS with_mhst,
            count(wellbeing_self_assessment) AS wellbeing_recorded,
            avg(wellbeing_self_assessment) AS wellbeing_mean
        FROM latest GROUP BY ALL ORDER BY 1
    """, f)
    counts = ["schools", "smhl_recorded", "with_smhl", "mhst_recorded", "with_mhst",
              "wellbeing_recorded"]
    out = empty_overall(out, by, {**dict.fromkeys(counts, 0), "wellbeing_mean": None})
    out = as_ints(out, counts)
    out["wellbeing_mean"] = [None if pd.isna(v) else float(Decimal(str(v)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)) for v in out.wellbeing_mean]
    return add_pcts(out, {"smhl_pct": ("with_smhl", "smhl_recorded"),
                       "mhst_pct": ("with_mhst", "mhst_recorded")})


def school_policy_trend(con: duckdb.DuckDBPyConnection, f: Filters, grain: str = "academic_year",
                        by: str | None = None) -> pd.DataFrame:
    """How policies change across audit rounds: per period of `grain` (academic_year '2025/26',
    term 'Autumn 2025', or a `rates` grain) from `date_from` to `date_to`, each school's latest
    audit in that period, counted as in `school_policy_position`. A school not audited in a
    period is not in it. `by`: None, 'local_authority' or 'phase'."""
    group = grouping(by, SCHOOL_GROUPS)
    cal = calendar_sql(f, grain)
    columns = ["period", "start", "group", "schools", "with_policy", "published", "compliant"]
    if cal is None:
        return pd.DataFrame(columns=columns + ["with_policy_pct", "published_pct", "compliant_pct"])
    out = query(con, f"""
        WITH audits AS ({school_audits(f)}),
        placed AS (
            SELECT cal.period_start, audits.*
            FROM audits JOIN {cal} ON audits.audit_date BETWEEN cal.period_start AND cal.period_end
            QUALIFY row_number() OVER (PARTITION BY cal.period_start, audits.urn
                                       ORDER BY audits.audit_date DESC) = 1
        )
        SELECT period_start, {group} AS "group", count(*) AS schools,
            count(*) FILTER (WHERE has_policy) AS with_policy,
            count(*) FILTER (WHERE published) AS published,
            count(*) FILTER (WHERE compliant) AS compliant
        FROM placed GROUP BY period_start, "group" ORDER BY period_start, "group"
    """, f)
    out = with_period_labels(out, grain)
    out = as_ints(out, ["schools", "with_policy", "published", "compliant"])
    return add_pcts(out, {"with_policy_pct": ("with_policy", "schools"),
                       "published_pct": ("published", "schools"),
                       "compliant_pct": ("compliant", "schools")})


def school_follow_up(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The schools to contact: those whose latest audit found no compliant policy, or a policy
    not published on the website, with what each lacks (in words) and how many items. Schools
    with no policy first, then those lacking most; by local authority and name."""
    elements = ", ".join(POLICY_ELEMENTS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT urn, school_name, local_authority, phase, audit_date, has_policy, published,
            reviewed_in_12_months, policy_reviewed_date, policy_url, elements_missing, {elements}
        FROM latest
        WHERE NOT compliant OR NOT published
    """, f)
    described = [_school_lacks(row._asdict()) for row in out.itertuples(index=False)]
    out["lacks"] = ["; ".join(words) for words, _ in described]
    out["items_lacking"] = [items for _, items in described]
    out = out.sort_values(["has_policy", "items_lacking", "local_authority", "school_name", "urn"],
                          ascending=[True, False, True, True, True], kind="stable")
    keep = ["urn", "school_name", "local_authority", "phase", "audit_date", "lacks",
            "items_lacking", "policy_reviewed_date", "policy_url"]
    return out[keep].reset_index(drop=True)


def _yes(value: Any) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _school_lacks(row: dict[str, Any]) -> tuple[list[str], int]:
    """What a school's latest audit found missing, in words, and how many items (each missing
    element, an out-of-date review and an unpublished policy count one each; no policy counts
    one)."""
    if not row["has_policy"]:
        return ["no medical conditions policy"], 1
    found = []
    missing = [label for column, label in POLICY_ELEMENTS.items() if not _yes(row[column])]
    if missing:
        found.append("policy lacks: " + ", ".join(missing))
    if not row["reviewed_in_12_months"]:
        reviewed = row["policy_reviewed_date"]
        found.append("not reviewed in the 12 months before the audit" +
                     (f" (last reviewed {reviewed:%d/%m/%Y})" if not pd.isna(reviewed)
                      else " (no review date)"))
    if not row["published"]:
        found.append("not published on the school's website")
    items = len(missing) + (not row["reviewed_in_12_months"]) + (not row["published"])
    return found, int(items)


