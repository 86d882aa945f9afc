"""The schools audit from file to metric: row rules, the latest audit per school, compliance (all
eight elements and a review within 12 months), and the follow-up list, on values worked by hand."""

import datetime as dt

import duckdb
import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv, write_xlsx

ELEMENTS = ["Named Lead", "Staff Training", "IHP Process", "Medicines", "School Trips",
            "Emergency Procedures", "Complaints", "Unacceptable Practice"]
HEADER = ["URN", "School Name", "LA", "Phase", "Audit Date", "Policy in Place", "Policy Published",
          "Policy Reviewed Date", *ELEMENTS, "Pupils with Medical Conditions", "Pupils with IHP",
          "SMHL", "MHST", "Wellbeing Score"]
ALL_YES = ["Y"] * 8
NONE = [""] * 8
ROWS = [
    # S1: no policy a year ago; now compliant, reviewed exactly 12 months before the audit.
    ["100001", "Ash Primary", "Northshire", "Primary", "01/10/2024", "N", "N", "", *NONE,
     "18", "6", "N", "", ""],
    ["100001", "Ash Primary", "Northshire", "Primary", "01/10/2025", "Y", "Y", "01/10/2024",
     *ALL_YES, "20", "10", "Y", "Y", "3"],
    # S2: every element, but reviewed 12 months and a day before the audit, and not published.
    ["100002", "Beech High", "Northshire", "Secondary", "01/11/2025", "Y", "N", "31/10/2024",
     *ALL_YES, "100", "30", "N", "", ""],
    # S3: published, recent review, but no complaints section and unacceptable practice blank.
    ["100003", "Cedar School", "Riverside", "Special School", "15/01/2026", "Yes", "Yes",
     "01/09/2025", "Y", "Y", "Y", "Y", "Y", "Y", "N", "", "40", "40", "Y", "N", "4"],
    # S4: no policy.
    ["100004", "Damson Infant", "Riverside", "Infant", "20/02/2026", "No", "", "", *NONE,
     "", "", "", "Y", "2"],
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def schools_db(db, load, tmp_path):
    result = load(write_csv(tmp_path / "audit.csv", [HEADER, *ROWS]))
    assert result.kinds == ["schools"]
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_only_the_latest_audit_counts(schools_db):
    with reader(schools_db) as con:
        overall = metrics.school_policy_position(con, PERIOD)
        by_la = metrics.school_policy_position(con, PERIOD, by="local_authority")
    row = overall.iloc[0]
    assert (row.schools, row.with_policy, row.published, row.compliant) == (4, 3, 2, 1)
    assert (row.with_policy_pct, row.published_pct, row.compliant_pct) == (75.0, 50.0, 25.0)
    assert bool(row.small)  # 4 schools
    assert by_la.set_index("group")[["schools", "with_policy", "published", "compliant"]
                                    ].to_dict("index") == {
        "Northshire": {"schools": 2, "with_policy": 2, "published": 1, "compliant": 1},
        "Riverside": {"schools": 2, "with_policy": 1, "published": 1, "compliant": 0}}
    assert metrics.SCHOOL_POLICY_REFERENCE["with_policy_pct"] == 47.5
    assert metrics.SCHOOL_POLICY_REFERENCE["compliant_pct"] == 11.5


def test_phase_spellings_group_together(schools_db):
    with reader(schools_db) as con:
        by_phase = metrics.school_policy_position(con, PERIOD, by="phase")
    assert dict(zip(by_phase.group, by_phase.schools, strict=True)) == {
        "primary": 2, "secondary": 1, "special": 1}


def test_elements_most_often_missing(schools_db):
    with reader(schools_db) as con:
        missing = metrics.school_elements_missing(con, PERIOD)
    assert set(missing.schools_with_policy) == {3}
    assert list(missing.element[:3]) == ["element_complaints", "element_unacceptable_practice",
                                         "reviewed_in_12_months"]
    assert list(missing.missing) == [1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert missing.missing_pct[0] == 33.3
    assert len(missing) == len(metrics.POLICY_ELEMENTS) + 1


def test_ihp_coverage_and_mental_health(schools_db):
    with reader(schools_db) as con:
        ihp = metrics.school_ihp_coverage(con, PERIOD).iloc[0]
        mh = metrics.school_mental_health(con, PERIOD).iloc[0]
    # S1 10/20, S2 30/100, S3 40/40; S4 recorded neither count.
    assert (ihp.schools, ihp.pupils_with_ihp, ihp.pupils_with_medical_conditions) == (3, 80, 160)
    assert ihp.ihp_coverage_pct == 50.0
    assert (mh.schools, mh.smhl_recorded, mh.with_smhl, mh.smhl_pct) == (4, 3, 2, 66.7)
    assert (mh.mhst_recorded, mh.with_mhst, mh.mhst_pct) == (3, 2, 66.7)
    assert (mh.wellbeing_recorded, mh.wellbeing_mean) == (3, 3.0)


def test_follow_up_list_says_what_each_school_lacks(schools_db):
    with reader(schools_db) as con:
        follow_up = metrics.school_follow_up(con, PERIOD)
    assert list(follow_up.urn) == ["100004", "100002", "100003"]
    assert list(follow_up.lacks) == [
        "no medical conditions policy",
        "not reviewed in the 12 months before the audit (last reviewed 31/10/2024); "
        "not published on the school's website",
        "policy lacks: complaints, unacceptable practice",
    ]
    assert list(follow_up.items_lacking) == [1, 2, 2]


def test_trend_by_academic_year_and_term(schools_db):
    f = metrics.Filters(dt.date(2024, 9, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    with reader(schools_db) as con:
        years = metrics.school_policy_trend(con, f)
        terms = metrics.school_policy_trend(con, f, grain="term")
    assert list(years.period) == ["2024/25", "2025/26"]
    assert list(years.schools) == [1, 4] and list(years.with_policy) == [0, 3]
    assert list(years.compliant_pct) == [0.0, 25.0]
    assert list(terms.period) == ["Autumn 2024", "Autumn 2025", "Spring 2026"]
    assert list(terms.schools) == [1, 2, 2]


def test_an_earlier_as_of_sees_the_earlier_audit(schools_db):
    early = metrics.Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31))
    with reader(schools_db) as con:
        row = metrics.school_policy_position(con, early).iloc[0]
    assert (row.schools, row.with_policy) == (1, 0)


def test_reload_changes_nothing_and_a_new_audit_adds_a_row(schools_db, load, tmp_path):
    again = load(tmp_path / "audit.csv")
    assert again.status == "unchanged"
    copy = load(write_xlsx(tmp_path / "audit.xlsx", {"Audit": [HEADER, *ROWS]}))
    assert (copy.inserted, copy.updated, copy.unchanged) == (0, 0, 5)
    later = ["100004", "Damson Infant", "Riverside", "Infant", "20/03/2026", "Y", "Y",
             "01/03/2026", *ALL_YES, "", "", "", "", ""]
    result = load(write_csv(tmp_path / "later.csv", [HEADER, later]))
    assert result.inserted == 1
    with reader(schools_db) as con:
        row = metrics.school_policy_position(con, PERIOD).iloc[0]
    assert (row.schools, row.compliant) == (4, 2)


@pytest.mark.parametrize("change, header, rule, reason", [
    ({16: "5", 17: "6"}, "Pupils with IHP", "part_exceeds_whole",
     "more pupils with an IHP than pupils with a medical condition: pupils_with_ihp 6 is more than "
     "pupils_with_medical_conditions 5"),
    ({7: "02/10/2025"}, "Audit Date", "end_before_start", "audit before the policy's review date"),
    ({3: "Boarding"}, "Phase", "invalid_phase", "unknown phase 'Boarding'"),
    ({16: "3.5"}, "Pupils with Medical Conditions", "invalid_count", "not a count"),
    ({17: "-2"}, "Pupils with IHP", "invalid_count", "not a count"),
    ({4: "01/04/2026", 7: ""}, "Audit Date", "future_date", "after the load's as-of date"),
    ({0: ""}, "URN", "missing_required", "urn: missing required field"),
    ({8: "maybe"}, "Named Lead", "invalid_bool", "not a yes/no value"),
])
def test_row_rules(load, tmp_path, change, header, rule, reason):
    row = list(ROWS[1])
    for index, value in change.items():
        row[index] = value
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, row]))
    assert result.rejected == 1 and result.reconciles()
    (reject,) = result.rejects
    assert (reject.rule, reject.header) == (rule, header)
    assert reason in reject.reason


def test_urn_typed_as_a_number_is_one_school(load, tmp_path, db):
    rows = [HEADER, [100001, *ROWS[1][1:]]]
    result = load(write_xlsx(tmp_path / "n.xlsx", {"Audit": rows}))
    assert result.rejected == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT urn FROM schools").fetchall() == [("100001",)]
