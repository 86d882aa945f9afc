"""Each row rule in the registry (`pipelines/rules.py`), a row that breaks it and one that keeps
it, through the validator the loads use: the finding's code, column, reason and severity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from pipelines.counts import RULE as SUPPRESSED
from pipelines.dates import DateError, ImpossibleDate
from pipelines.headers import HeaderMatch
from pipelines.readers import Cells, column_letter
from pipelines.rules import ERROR, WARNING, parse_rule, rules_for
from pipelines.schemas import EHCP, HEALTH_ADVICE, SCHEMAS, TRIBUNALS, WAITING_TIMES, Schema
from pipelines.validate import SheetOutcome, validate_body

AS_OF = dt.date(2026, 3, 31)
REQUEST = {"case_id": "C1", "local_authority": "Northshire", "request_date": "01/04/2025",
           "decision_date": "20/05/2025", "final_plan_date": "01/08/2025"}
ADVICE = {"advice_id": "A1", "case_id": "C1", "local_authority": "Northshire",
          "service": "SALT", "requested_date": "01/04/2025", "returned_date": "01/05/2025"}
APPEAL = {"appeal_id": "M1", "local_authority": "Northshire", "registered_date": "10/01/2025",
          "health_recommendation": "Y", "recommendation_date": "02/06/2025"}
WAITS = {"month": "Apr 2025", "service": "SALT", "waiting_total": "100",
         "waiting_over_18_weeks": "40", "waiting_over_52_weeks": "10"}


def validate(schema: Schema, row: dict[str, Any],
             given: dict[str, str] | None = None) -> SheetOutcome:
    """One data row under a header of the row's columns, in the order given; `given`: values
    given for the file (`--la`)."""
    names = list(row)
    body = [Cells(np.array([row[n]], dtype=object), 1) for n in names]
    match = HeaderMatch(schema, 0, {n: i for i, n in enumerate(names)},
                        {n: n.replace("_", " ").title() for n in names})
    return validate_body("Sheet1", body, 1, match, AS_OF, b"test-key-not-secret", given)


# (rule, schema, a row that breaks it, the column it names, the reason)
BROKEN = [
    ("missing_required", EHCP, {**REQUEST, "request_date": ""}, "request_date",
     "request_date: missing required field"),
    ("end_before_start", EHCP, {**REQUEST, "decision_date": "01/03/2025"}, "decision_date",
     "decision before request: decision_date 01/03/2025 is before request_date 01/04/2025"),
    ("part_exceeds_whole", WAITING_TIMES, {**WAITS, "waiting_over_52_weeks": "41"},
     "waiting_over_52_weeks",
     "more waiting over 52 weeks than over 18: waiting_over_52_weeks 41 is more than "
     "waiting_over_18_weeks 40"),
    # A total printed "<5" is under 5: a part of 10 is more than it.
    ("part_exceeds_whole", WAITING_TIMES, {**WAITS, "waiting_total": "<5",
                                           "waiting_over_18_weeks": "10", "waiting_over_52_weeks": "0"},
     "waiting_over_18_weeks",
     "more waiting over 18 weeks than in total: waiting_over_18_weeks 10 is more than "
     "waiting_total '<5' (a count under 5 suppressed at source)"),
    ("part_large_for_suppressed_whole", WAITING_TIMES,
     {**WAITS, "waiting_total": "*", "waiting_over_18_weeks": "10", "waiting_over_52_weeks": "0"},
     "waiting_over_18_weeks",
     "more waiting over 18 weeks than in total?: waiting_over_18_weeks 10, but waiting_total '*' "
     "(suppressed at source), which marks a count under 5 (or nil): check the return"),
    ("future_date", EHCP, {**REQUEST, "final_plan_date": "01/04/2026"}, "final_plan_date",
     "final_plan_date: 01/04/2026 is after the load's as-of date 31/03/2026"),
    ("long_gap", HEALTH_ADVICE, {**ADVICE, "requested_date": "01/01/2025",
                                 "returned_date": "01/03/2026"}, "returned_date",
     "returned more than a year after requested: returned_date 01/03/2026 is 60 weeks after "
     "requested_date 01/01/2025 (more than 52); check the year"),
    ("impossible_date", EHCP, {**REQUEST, "request_date": "31/02/2025"}, "request_date",
     "request_date: impossible date '31/02/2025'"),
    ("invalid_date", EHCP, {**REQUEST, "request_date": "soon"}, "request_date",
     "request_date: not a date: 'soon' (expected dd/mm/yyyy)"),
    ("invalid_service", HEALTH_ADVICE, {**ADVICE, "service": "Astrology"}, "service",
     "service: unknown service 'Astrology'"),
    ("not_the_la_given", EHCP, {**REQUEST, "local_authority": "Northshire CC"}, "local_authority",
     "local_authority: Northshire is not Riverside, the local authority given for this file"),
    ("la_given_filled", EHCP, {**REQUEST, "local_authority": ""}, "local_authority",
     "local_authority: blank, filled with Riverside, the local authority given for this file"),
    ("suppressed_at_source", WAITING_TIMES, {**WAITS, "waiting_over_52_weeks": "<5"},
     "waiting_over_52_weeks", "waiting_over_52_weeks: suppressed at source ('<5': a count under 5 "
     "suppressed); loaded as unknown, not 0"),
    ("undated_yes", TRIBUNALS, {**APPEAL, "recommendation_date": ""}, "recommendation_date",
     "recommendation_date: blank, but health_recommendation is yes ('Y'): the 5-week response is "
     "timed from it"),
    ("dated_no", TRIBUNALS, {**APPEAL, "health_recommendation": "N", "recommendation_date": "",
                             "response_date": "20/07/2025"}, "health_recommendation",
     "health_recommendation: no ('N'), but response_date is 20/07/2025: a recommendation not made"),
]
# (rule, schema, a row next to breaking it that keeps it)
KEPT = [
    ("missing_required", EHCP, REQUEST),
    ("end_before_start", EHCP, {**REQUEST, "decision_date": "01/04/2025"}),
    ("part_exceeds_whole", WAITING_TIMES, {**WAITS, "waiting_over_52_weeks": "40"}),
    ("part_exceeds_whole", WAITING_TIMES, {**WAITS, "waiting_total": "<5",
                                           "waiting_over_18_weeks": "4", "waiting_over_52_weeks": "0"}),
    ("part_large_for_suppressed_whole", WAITING_TIMES,
     {**WAITS, "waiting_total": "*", "waiting_over_18_weeks": "4", "waiting_over_52_weeks": "0"}),
    # Not available ("x") says nothing of the total's size.
    ("part_large_for_suppressed_whole", WAITING_TIMES,
     {**WAITS, "waiting_total": "x", "waiting_over_18_weeks": "40", "waiting_over_52_weeks": "0"}),
    ("future_date", EHCP, {**REQUEST, "final_plan_date": "31/03/2026"}),
    ("long_gap", HEALTH_ADVICE, {**ADVICE, "returned_date": "30/03/2026"}),  # a day short of 52 weeks
    ("impossible_date", EHCP, {**REQUEST, "request_date": "28/02/2025"}),
    ("invalid_date", EHCP, {**REQUEST, "request_date": "1 Apr 2025"}),
    ("invalid_service", HEALTH_ADVICE, {**ADVICE, "service": "Speech and language therapy"}),
    ("suppressed_at_source", WAITING_TIMES, {**WAITS, "waiting_over_52_weeks": "4"}),
    ("not_the_la_given", EHCP, {**REQUEST, "local_authority": "Riverside City Council"}),
    ("la_given_filled", EHCP, {**REQUEST, "local_authority": "Riverside"}),
    ("undated_yes", TRIBUNALS, {**APPEAL, "health_recommendation": "", "recommendation_date": ""}),
    ("dated_no", TRIBUNALS, {**APPEAL, "health_recommendation": "N", "recommendation_date": "",
                             "response_date": ""}),
]
# The values given for the file in a rule's cases (`--la`).
GIVEN = {"not_the_la_given": {"local_authority": "Riverside"},
         "la_given_filled": {"local_authority": "Riverside"}}


@pytest.mark.parametrize("code, schema, row, column, reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_row_that_breaks_the_rule(code: str, schema: Schema, row: dict[str, Any], column: str,
                                    reason: str) -> None:
    outcome = validate(schema, row, GIVEN.get(code))
    severity = next((r.severity for r in rules_for(schema) if r.code == code), ERROR)
    # A case of another rule may print a count as a symbol, which is a warning of its own.
    assert {f.rule for f in outcome.rejects + outcome.warnings} - {code} <= {SUPPRESSED}
    findings = [f for f in (outcome.rejects if severity == ERROR else outcome.warnings)
                if f.rule == code]
    assert [(f.rule, f.row, f.column, f.header) for f in findings] == [
        (code, 2, column_letter(list(row).index(column)), column.replace("_", " ").title())]
    assert findings[0].reason.startswith(reason)
    assert findings[0].value == str(row[column])
    # An error refuses the row; a warning keeps it and is reported.
    assert outcome.records.num_rows == (0 if severity == ERROR else 1)
    assert (outcome.rejects == []) == (severity == WARNING)


@pytest.mark.parametrize("code, schema, row", KEPT, ids=[k[0] for k in KEPT])
def test_a_row_that_keeps_the_rule(code: str, schema: Schema, row: dict[str, Any]) -> None:
    outcome = validate(schema, row, GIVEN.get(code))
    assert outcome.rejects == []
    assert [w for w in outcome.warnings if w.rule != SUPPRESSED or code == SUPPRESSED] == []
    assert outcome.records.num_rows == 1


def test_every_rule_of_every_dataset_is_complete_and_tested_here() -> None:
    tested = {b[0] for b in BROKEN} & {k[0] for k in KEPT}
    for schema in SCHEMAS.values():
        names = {c.name for c in schema.columns}
        for rule in rules_for(schema):
            assert rule.code in tested, f"{rule.code} has no test in {__name__}"
            assert rule.message and rule.severity in (ERROR, WARNING)
            assert rule.fields and set(rule.fields) <= names and rule.column in rule.fields


def test_a_rejected_row_carries_no_warning_too() -> None:
    row = {**ADVICE, "requested_date": "01/01/2025", "returned_date": "01/03/2026",
           "service": "Astrology"}
    outcome = validate(HEALTH_ADVICE, row)
    assert [r.rule for r in outcome.rejects] == ["invalid_service"]
    assert outcome.warnings == []


@pytest.mark.parametrize("error, code", [
    (ImpossibleDate("impossible date '30/02/2025'"), "impossible_date"),
    (DateError("not a date: 'impossible date'"), "invalid_date"),  # the words do not decide
    (ValueError("not a number: 'impossible date'"), "invalid_date"),
])
def test_a_parse_error_names_its_rule_by_its_type_not_its_words(error: ValueError,
                                                                 code: str) -> None:
    assert parse_rule("date", error) == code
