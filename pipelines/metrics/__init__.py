"""Every metric, defined once, as SQL over DuckDB. The app, the CLI, exports and tests call these.

Each timeliness metric is a *base* query (`bases`) yielding one row per item with its anchor date
(the date that places it in a period), whether it counts yet (`counted`), whether it met the
standard (`met`) and whether a lawful exception applies (`excepted`); `rates` turns any base into
rates overall, by period or by a column. Shares and snapshots that are not clocks (schools audits,
waiting lists, budgets, complaints, the LA's advice records beside the providers') are plain
functions returning DataFrames, one module per family. Days are calendar days and "within N weeks"
means end - start <= 7*N. Each metric is one entry of the catalogue (`catalogue`), from which the
query registry `BASES`, the named figures and docs/metrics.md are built.
"""

from pipelines.metrics.advice_due import (  # noqa: F401
    DUE,
    INCL_OF_WHAT,
    RETURNED_ONLY,
    REVIEW_APART,
    due_note,
    due_reason,
    due_value,
    due_withheld,
    left_out,
)
from pipelines.metrics.bases import (  # noqa: F401
    advice_base,
    advice_la_base,
    amended_plan_base,
    appeal_base,
    complaint_received_base,
    complaint_response_base,
    decision_base,
    decision_by_request_base,
    phb_started_base,
    plan_base,
    response_base,
    review_advice_base,
    review_decision_base,
    review_decision_sent_base,
    review_health_base,
    review_health_invited_base,
    review_held_base,
)
from pipelines.metrics.budgets_complaints import (  # noqa: F401
    PHB_GROUPS,
    open_complaints,
    phb_active,
    phb_trend,
)
from pipelines.metrics.catalogue import (  # noqa: F401
    BASES,
    CATALOGUE,
    FIGURES,
    HEADLINE_KEYS,
    TARGETS,
)
from pipelines.metrics.cohort import (  # noqa: F401
    AGE_BANDS,
    COHORT_GROUPS,
    cohort_headline,
    cohort_reviews,
    plan_cohort_base,
)
from pipelines.metrics.contribution import (  # noqa: F401
    ALL_SERVICES,
    QUALITY_RUBRIC,
    health_contribution,
)
from pipelines.metrics.core import (  # noqa: F401
    ADVICE_DAYS,
    AMENDED_PLAN_DAYS,
    AUTISM_ASSESSMENT_WEEKS,
    DECISION_DAYS,
    GRAINS,
    PLAN_DAYS,
    POLICY_REVIEW_MONTHS,
    RECONCILE_WINDOW_DAYS,
    RESPONSE_DAYS,
    REVIEW_DECISION_DAYS,
    SCHOOL_POLICY_REFERENCE,
    SMALL_DENOMINATOR,
    Filters,
    add_pcts,
    as_ints,
    calendar_sql,
    dfe_year,
    empty_overall,
    grouping,
    la_in,
    las_in_words,
    pct,
    periods,
    query,
    remembered,
    remembering,
    sql_in,
    with_period_labels,
)
from pipelines.metrics.entry import Figure, Metric  # noqa: F401
from pipelines.metrics.headlines import SMALL_SUFFIX, dfe_basis, headline, small_denominators  # noqa: F401
from pipelines.metrics.lists import (  # noqa: F401
    AWAITING_DECISION,
    OVERDUE_ADVICE,
    STAGE_MILESTONE_DAYS,
    decisions_outstanding_past_6_weeks,
    ehcp_positions,
    open_cases_at_risk,
    open_past_20_weeks,
    overdue_advice,
    overdue_advice_counts,
    tribunal_responses,
)
from pipelines.metrics.rates import (  # noqa: F401
    daily_counts,
    overall,
    rates,
)
from pipelines.metrics.reconcile import (  # noqa: F401
    AdviceReconciliation,
    reconcile_advice,
)
from pipelines.metrics.schools import (  # noqa: F401
    SCHOOL_GROUPS,
    latest_school_audits,
    school_audits,
    school_elements_missing,
    school_follow_up,
    school_ihp_coverage,
    school_mental_health,
    school_policy_position,
    school_policy_trend,
)
from pipelines.metrics.waiting_times import (  # noqa: F401
    WAITING_GROUPS,
    waiting_headline,
    waiting_latest,
    waiting_times_current,
    waiting_times_trend,
)
from pipelines.schemas import POLICY_ELEMENTS  # noqa: F401
