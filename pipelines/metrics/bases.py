"""Base queries: one row per item with its anchor date, whether it counts yet, whether it met
the standard and whether a lawful exception applies. `core.rates` turns any of them into rates."""

from __future__ import annotations

from pipelines.metrics.core import (
    ADVICE_DAYS,
    AMENDED_PLAN_DAYS,
    DECISION_DAYS,
    PLAN_DAYS,
    RESPONSE_DAYS,
    REVIEW_ADVICE_DAYS,
    REVIEW_DECISION_DAYS,
    REVIEW_MATCH_DAYS,
    Filters,
    la_in,
    sql_in,
)

# ---- base queries: one definition per metric --------------------------------------------------

def advice_base(f: Filters, source: str = "provider") -> str:
    """Health advice requests, each with its due date and whether it was returned in time as of
    the as-of date. A request open after its due date is late; one open and not yet due is not
    counted. A return dated after the as-of date is treated as not yet returned.

    Only the rows of one `source`: by default the providers' logs, whose requested date is the
    date the service received the request, where reg 8(1)'s clock starts. A file without a
    source column is a provider log, so every row counts unless an LA export is loaded beside
    it ('local authority' rows: the LA's own dates, compared in `reconcile_advice`).

    Only advice for EHC needs assessments and re-assessments (and rows whose stage is not
    recorded): advice for an annual review is not under reg 8's six weeks (`review_advice_base`)."""
    return f"""
    SELECT *,
        requested_date + {ADVICE_DAYS} AS anchor,
        requested_date + {ADVICE_DAYS} AS due_date,
        returned_date IS NOT NULL AND returned_date <= $as_of AS returned,
        CASE WHEN returned_date <= $as_of THEN returned_date - requested_date END AS days_to_return,
        (returned_date IS NOT NULL AND returned_date <= $as_of)
            OR requested_date + {ADVICE_DAYS} < $as_of AS counted,
        returned_date IS NOT NULL AND returned_date <= $as_of
            AND returned_date - requested_date <= {ADVICE_DAYS} AS met,
        exception IS NOT NULL AS excepted
    FROM health_advice
    WHERE requested_date <= $as_of AND {sql_in('source', (source,))}
        AND {ASSESSMENT_ADVICE} AND {la_in(f.las)}
        AND {sql_in('service', f.services)}
    """


ASSESSMENT_ADVICE = "coalesce(stage, '') <> 'annual review'"  # reg 8's advice, or stage unknown


def review_advice_base(f: Filters) -> str:
    """Providers' advice for annual reviews, each due 2 weeks before its review meeting: the
    meeting of the first review of the same LA and case on or after the request (within 6
    months), or where the meeting is not yet held, the review's due date (the latest it may be
    held). Advice with no such review in the LA's tracker has no due date and is not counted.
    Late once its due date has passed unreturned; a return after the as-of date is not yet one."""
    return f"""
    WITH advice AS (
        SELECT * FROM health_advice
        WHERE stage = 'annual review' AND requested_date <= $as_of AND source = 'provider'
            AND {la_in(f.las)} AND {sql_in('service', f.services)}),
    reviews AS (
        SELECT local_authority AS review_la, case_id AS review_case,
            coalesce(meeting_date, review_due_date) AS meeting FROM annual_reviews),
    -- The first meeting on or after each request: a join and a min over the distinct requests
    -- (an ASOF join gave the same rows at twice the cost on two million requests).
    asked AS (SELECT DISTINCT local_authority, case_id, requested_date FROM advice),
    first_meeting AS (
        SELECT a.local_authority, a.case_id, a.requested_date, min(r.meeting) AS meeting
        FROM asked a JOIN reviews r
            ON a.local_authority = r.review_la AND a.case_id = r.review_case
            AND a.requested_date <= r.meeting
        GROUP BY ALL),
    matched AS (
        SELECT a.*, CASE WHEN r.meeting - a.requested_date <= {REVIEW_MATCH_DAYS}
                         THEN r.meeting END AS meeting
        FROM advice a LEFT JOIN first_meeting r USING (local_authority, case_id, requested_date))
    SELECT *,
        meeting - {REVIEW_ADVICE_DAYS} AS anchor,
        meeting - {REVIEW_ADVICE_DAYS} AS due_date,
        returned_date IS NOT NULL AND returned_date <= $as_of AS returned,
        meeting IS NOT NULL AND ((returned_date IS NOT NULL AND returned_date <= $as_of)
            OR meeting - {REVIEW_ADVICE_DAYS} < $as_of) AS counted,
        returned_date IS NOT NULL AND returned_date <= $as_of
            AND returned_date <= meeting - {REVIEW_ADVICE_DAYS} AS met,
        FALSE AS excepted
    FROM matched
    """


def plan_base(f: Filters) -> str:
    """New EHC plans issued (final plan date), with whether within 20 weeks of the request and
    whether a reg 10(4) exception applies."""
    return f"""
    SELECT *,
        final_plan_date AS anchor,
        final_plan_date - request_date AS days_to_plan,
        TRUE AS counted,
        final_plan_date - request_date <= {PLAN_DAYS} AS met,
        exception IS NOT NULL AS excepted
    FROM ehcp
    WHERE final_plan_date IS NOT NULL AND final_plan_date <= $as_of
        AND {la_in(f.las)}
    """


def decision_base(f: Filters) -> str:
    """Requests decided (to assess or not), with whether decided within 6 weeks of receipt."""
    return f"""
    SELECT *,
        decision_date AS anchor,
        decision_date - request_date AS days_to_decision,
        TRUE AS counted,
        decision_date - request_date <= {DECISION_DAYS} AS met,
        FALSE AS excepted
    FROM ehcp
    WHERE decision_date IS NOT NULL AND decision_date <= $as_of
        AND coalesce(decision, 'assess') IN ('assess', 'not assess')
        AND {la_in(f.las)}
    """


def decision_by_request_base(f: Filters) -> str:
    """Requests decided (to assess or not) by the as-of date, placed in a period by the date the
    request was received, as the DfE counts its decisions within 6 weeks (by calendar year of
    the request). A request not yet decided is not counted (see
    `lists.decisions_outstanding_past_6_weeks`)."""
    return f"""
    SELECT * REPLACE (request_date AS anchor) FROM ({decision_base(f)})
    """


def response_base(f: Filters) -> str:
    """Tribunal health recommendations, with the commissioner's 5-week response due date."""
    return f"""
    SELECT *,
        recommendation_date + {RESPONSE_DAYS} AS anchor,
        recommendation_date + {RESPONSE_DAYS} AS response_due,
        response_date IS NOT NULL AND response_date <= $as_of AS responded,
        (response_date IS NOT NULL AND response_date <= $as_of)
            OR recommendation_date + {RESPONSE_DAYS} < $as_of AS counted,
        response_date IS NOT NULL AND response_date <= $as_of
            AND response_date - recommendation_date <= {RESPONSE_DAYS} AS met,
        FALSE AS excepted
    FROM tribunals
    WHERE recommendation_date IS NOT NULL AND recommendation_date <= $as_of
        AND coalesce(health_recommendation, TRUE)
        AND {la_in(f.las)}
    """


def appeal_base(f: Filters) -> str:
    """Tribunal appeals registered, anchored on the registration date."""
    return f"""
    SELECT *, registered_date AS anchor, TRUE AS counted,
        coalesce(health_aspects, FALSE) AS met, FALSE AS excepted
    FROM tribunals
    WHERE registered_date <= $as_of AND {la_in(f.las)}
    """


def advice_la_base(f: Filters) -> str:
    """Health advice requests as the LA's export records them: the clock runs from the date the
    LA sent the request to the date it received the advice. Shown beside the headline (which runs
    from the service's receipt, reg 8(1)) where both sources are loaded."""
    return advice_base(f, "local authority")


def review_held_base(f: Filters) -> str:
    """Annual reviews placed in a period by their due date, with whether the meeting was held on
    or before it (the plan reviewed within 12 months). A review not held by its due date is late
    once that date has passed; one neither held nor yet due is not counted. A meeting dated
    after the as-of date is treated as not yet held."""
    return f"""
    SELECT *,
        review_due_date AS anchor,
        meeting_date IS NOT NULL AND meeting_date <= $as_of AS held,
        (meeting_date IS NOT NULL AND meeting_date <= $as_of) OR review_due_date < $as_of AS counted,
        meeting_date IS NOT NULL AND meeting_date <= $as_of
            AND meeting_date <= review_due_date AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE {la_in(f.las)}
    """


def review_decision_base(f: Filters) -> str:
    """Annual review meetings held, with the decision's due date (meeting + 28 days, which places
    the review in a period) and whether the LA sent its decision within 4 weeks. An outstanding
    decision past its due date is late (the DfE's published rate, England 44.4% in 2024, counts
    only decisions sent; see `benchmarks`)."""
    return f"""
    SELECT *,
        meeting_date + {REVIEW_DECISION_DAYS} AS anchor,
        meeting_date + {REVIEW_DECISION_DAYS} AS decision_due,
        decision_date IS NOT NULL AND decision_date <= $as_of AS decided,
        CASE WHEN decision_date <= $as_of THEN decision_date - meeting_date END AS days_to_decision,
        (decision_date IS NOT NULL AND decision_date <= $as_of)
            OR meeting_date + {REVIEW_DECISION_DAYS} < $as_of AS counted,
        decision_date IS NOT NULL AND decision_date <= $as_of
            AND decision_date - meeting_date <= {REVIEW_DECISION_DAYS} AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {la_in(f.las)}
    """


def review_decision_sent_base(f: Filters) -> str:
    """Annual review decisions sent by the as-of date, placed in a period by the date the
    decision was sent, with whether it was within 4 weeks of the meeting: the DfE's basis (only
    decisions sent count; an outstanding one is not late here, unlike `review_decision_base`)."""
    return f"""
    SELECT * REPLACE (decision_date AS anchor) FROM ({review_decision_base(f)})
    WHERE decided
    """


def amended_plan_base(f: Filters) -> str:
    """Reviews that decided to amend the plan, with the amended final plan's due date (meeting +
    84 days, which places the review in a period) and whether it was issued within 12 weeks of
    the meeting. One not issued by its due date is late."""
    return f"""
    SELECT *,
        meeting_date + {AMENDED_PLAN_DAYS} AS anchor,
        meeting_date + {AMENDED_PLAN_DAYS} AS amended_plan_due,
        amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of AS issued,
        CASE WHEN amended_plan_date <= $as_of THEN amended_plan_date - meeting_date END
            AS days_to_amended_plan,
        (amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of)
            OR meeting_date + {AMENDED_PLAN_DAYS} < $as_of AS counted,
        amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of
            AND amended_plan_date - meeting_date <= {AMENDED_PLAN_DAYS} AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE decision = 'amend' AND meeting_date IS NOT NULL AND meeting_date <= $as_of
        AND {la_in(f.las)}
    """


def review_health_base(f: Filters) -> str:
    """Annual review meetings held, placed in a period by the meeting date, with whether health
    contributed (a health professional attended, or written health advice was submitted). A
    blank counts as no contribution."""
    return f"""
    SELECT *, meeting_date AS anchor, TRUE AS counted,
        coalesce(health_attended, FALSE) OR coalesce(health_advice_submitted, FALSE) AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {la_in(f.las)}
    """


def review_health_invited_base(f: Filters) -> str:
    """Annual review meetings held, placed in a period by the meeting date, with whether a health
    professional was invited (a blank counts as not invited)."""
    return f"""
    SELECT *, meeting_date AS anchor, TRUE AS counted,
        coalesce(health_invited, FALSE) AS met, FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {la_in(f.las)}
    """


def complaint_response_base(f: Filters) -> str:
    """Complaints and ombudsman cases with a response due date, placed in a period by it, with
    whether the response was sent on or before it. One still open after its due date is late;
    one open and not yet due is not counted. A response dated after the as-of date is treated as
    not yet sent."""
    return f"""
    SELECT *,
        response_due_date AS anchor,
        responded_date IS NOT NULL AND responded_date <= $as_of AS responded,
        (responded_date IS NOT NULL AND responded_date <= $as_of)
            OR response_due_date < $as_of AS counted,
        responded_date IS NOT NULL AND responded_date <= $as_of
            AND responded_date <= response_due_date AS met,
        FALSE AS excepted
    FROM complaints
    WHERE response_due_date IS NOT NULL AND received_date <= $as_of
        AND {la_in(f.las)}
    """


def complaint_received_base(f: Filters) -> str:
    """Complaints and ombudsman cases received, placed in a period by the received date; `met`
    marks those with a health aspect (so `items` counts all, `numerator` the health ones)."""
    return f"""
    SELECT *, received_date AS anchor, TRUE AS counted,
        coalesce(health_aspect, FALSE) AS met, FALSE AS excepted
    FROM complaints
    WHERE received_date <= $as_of AND {la_in(f.las)}
    """


def phb_started_base(f: Filters) -> str:
    """Personal health budgets started, placed in a period by the start date; `met` marks those
    funded through continuing care (so `items` counts all, `numerator` the continuing care)."""
    return f"""
    SELECT *, start_date AS anchor, TRUE AS counted,
        coalesce(continuing_care, FALSE) AS met, FALSE AS excepted
    FROM phb
    WHERE start_date <= $as_of AND {la_in(f.las)}
    """
