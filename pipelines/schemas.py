"""One schema per dataset: its columns, the header spellings seen in exports, types and row rules.

A new dataset is a new `Schema` here plus, if it needs one, a vocabulary in `vocab.py`; the
reader, validator and loader are shared. Columns marked `personal` are never stored in clear:
the validator turns them into a keyed pseudonym and a year of birth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.policy_elements import ELEMENT_ALIASES, POLICY_ELEMENTS
from pipelines.vocab import normalise_token

# The SQL type each kind of column is stored as; every other kind is text.
SQL_TYPES = {"date": "DATE", "month": "DATE", "bool": "BOOLEAN", "number": "DOUBLE",
             "count": "INTEGER"}
# Kinds stored as two columns: the lawful exception, and `<name>_recorded`, the text as recorded.
EXCEPTION_KINDS = frozenset({"advice_exception", "plan_exception"})
# What a dataset with personal columns keeps in their place.
PERSON_COLUMNS = (("person_id", "VARCHAR"), ("birth_year", "INTEGER"))

LA_ALIASES = ("Local Authority", "LA", "LA Name", "Authority", "Council", "Local Authority Name",
              "LA_name", "la_name", "Local_Authority", "Borough", "LA Area")


@dataclass(frozen=True)
class Column:
    """A canonical column. `kind` picks the parser in `validate.py`."""

    name: str
    kind: str  # id, text, date, bool, number, la, service, decision, ... (see validate.PARSERS)
    required: bool = False
    aliases: tuple[str, ...] = ()
    personal: bool = False
    future_ok: bool = False  # a date that may lie after the as-of date (a hearing booked ahead)
    description: str = ""
    # Stored when the cell is blank or the file has no such column. A key column that may be
    # blank needs one: DuckDB key columns cannot be NULL (use "" for "not recorded").
    default: str | None = None
    # (phrase, value): for a sheet without this column, the value every row takes when the
    # phrase names the sheet, its title rows or its file (an Annex A "List 2" is SEN support).
    context: tuple[tuple[str, str], ...] = ()
    suppressible: bool = False  # a count printed as a symbol ("<5", "*"): NULL, `<name>_symbol`

    @property
    def sql_type(self) -> str:
        return SQL_TYPES.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class Schema:
    """A dataset: what one row is, its key, its columns and which dates must not precede which."""

    kind: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (start, end, label): end before start rejects the row.
    date_order: tuple[tuple[str, str, str], ...] = ()
    # Columns that tell this dataset apart from the others when detecting it from a header.
    signature: tuple[str, ...] = field(default=())
    # (part, whole, label): a count `part` greater than the count `whole` rejects the row.
    count_order: tuple[tuple[str, str, str], ...] = ()
    # (start, end, weeks, label): an end more than `weeks` after its start is kept but queried
    # (a warning, see `rules.long_gap`).
    long_gaps: tuple[tuple[str, str, int, str], ...] = ()
    # (name, SQL type, column): filled by the load (`review_cycles`), unhashed; old rows copy column.
    derived: tuple[tuple[str, str, str], ...] = ()
    # (flag, date, label): a yes in `flag` with `date` blank is kept but queried (a warning, see
    # `rules.undated_yes`): a metric times it from that date, so cannot count it without it.
    dated_yes: tuple[tuple[str, str, str], ...] = ()
    # (flag, date, label): `date` filled while `flag` says no is kept but queried (a warning, see
    # `rules.dated_no`): one of the two is wrong.
    dated_no: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        names = {c.name for c in self.columns} | {d[0] for d in self.derived}
        named = {*self.key, *self.signature, *(c for rule in self.date_order for c in rule[:2]),
                 *(c for rule in self.count_order for c in rule[:2]),
                 *(c for rule in (*self.long_gaps, *self.dated_yes, *self.dated_no)
                   for c in rule[:2])}
        if named - names:
            raise ValueError(f"{self.kind}: unknown column(s) {sorted(named - names)}")
        for name in set(self.key) - {d[0] for d in self.derived}:
            col = self.column(name)
            if not col.required and col.default is None:
                raise ValueError(f"{self.kind}: key column {name} may be blank, so it needs a "
                                 "default (a database key cannot be NULL)")

    @property
    def table(self) -> str:
        return self.kind

    @property
    def record_id(self) -> str:
        """The key column that names a record (its reference), for messages about the record."""
        named = [k for k in self.key if k in {c.name for c in self.columns}]
        return next((k for k in reversed(named) if self.column(k).kind == "id"), named[-1])

    @property
    def stored_columns(self) -> list[tuple[str, str]]:
        """(name, SQL type) of what the database keeps of a row: no personal column in clear."""
        cols: list[tuple[str, str]] = []
        for col in self.columns:
            if col.personal:
                continue
            cols.append((col.name, col.sql_type))
            if col.kind in EXCEPTION_KINDS:
                cols.append((f"{col.name}_recorded", "VARCHAR"))
            if col.suppressible:
                cols.append((f"{col.name}_symbol", "VARCHAR"))
        if any(c.personal for c in self.columns):
            cols += PERSON_COLUMNS
        return cols

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def header_index(self) -> dict[str, str]:
        """Map every normalised header spelling to its canonical column."""
        index: dict[str, str] = {}
        for col in self.columns:
            for spelling in (col.name, *col.aliases):
                index.setdefault(normalise_token(spelling), col.name)
        return index


EHCP = Schema(
    kind="ehcp",
    description="One row per request for an EHC needs assessment, from the local authority's case system.",
    key=("local_authority", "case_id"),
    signature=("request_date", "final_plan_date", "decision", "draft_plan_date", "primary_need"),
    columns=(
        Column("case_id", "id", True, (
            "Case ID", "Case Ref", "Case Reference", "Case No", "Case Number", "EHCP ID",
            "EHC Case ID", "Request ID", "RequestID", "Child ID", "LA Child ID", "Record ID",
            "Unique ID", "EHCP Ref", "Case",
        ), description="The local authority's case reference (trimmed, upper case)."),
        Column("local_authority", "la", True, LA_ALIASES,
               description="Local authority, canonical name."),
        Column("request_date", "date", True, (
            "Request Date", "Date of Request", "Request Received", "Date Request Received",
            "ReceivedDate", "Received Date", "EHC Request Date", "EHCNA Request Date",
            "Request Received Date", "Date Received", "Referral Date", "Assessment Request Date",
        ), description="Date the LA received the request (20-week clock starts)."),
        Column("decision_date", "date", False, (
            "Decision Date", "Date of Decision", "RequestOutcomeDate", "Request Outcome Date",
            "Decision to Assess Date", "Date Decision Made", "Decision Made", "Outcome Date",
        ), description="Date the LA decided whether to assess."),
        Column("decision", "decision", False, (
            "Decision", "RequestOutcome", "Request Outcome", "Decision to Assess",
            "Assessment Decision", "Outcome of Request",
        ), description="assess / not assess / not yet decided / withdrawn / historical."),
        Column("assessment_outcome_date", "date", False, (
            "AssessmentOutcomeDate", "Assessment Outcome Date", "Date of Decision to Issue",
            "Decision to Issue Date",
        ), description="Date the LA decided whether to issue a plan after assessment."),
        Column("assessment_outcome", "assessment_outcome", False, (
            "AssessmentOutcome", "Assessment Outcome", "Decision to Issue",
        ), description="plan to be issued / plan not issued / not yet decided / withdrawn."),
        Column("draft_plan_date", "date", False, (
            "Draft Plan Date", "Draft Issued", "Draft Plan Issued", "Date Draft Issued",
            "Draft Date", "Draft EHCP Date", "Draft EHCP Issued", "Date Draft Plan Issued",
        ), description="Date the draft plan was sent to the family."),
        Column("final_plan_date", "date", False, (
            "Final Plan Date", "Final Issued", "Plan Issued Date", "Date Final Plan Issued", "StartDate",
            "Final EHCP Date", "EHCP Issued", "Final EHCP Issued", "Date Plan Issued", "Final Plan Issued",
            "Plan Start Date", "Issue Date", "Date EHCP Issued", "Date Final EHCP Issued",
            "Date EHC Plan Issued", "EHC Plan Issued", "Final EHC Plan Issued", "EHCP Issue Date",
        ), description="Date the final plan was issued (20-week clock stops)."),
        Column("exception", "plan_exception", False, (
            "Exception", "20 Week Exception", "Week20", "Exception Reason", "Exceptions",
            "20wk Exception", "20 Week Exception Reason", "Twenty Week Exception",
            "Exception Applies",
        ), description="The reg 10(4) exception that applies; blank if none."),
        Column("primary_need", "sen_type", False, (
            "Primary Need", "SENtype", "SEN Type", "Primary SEN Need", "Primary Need Type",
            "Need", "Primary SEN Type",
        ), description="SEN2 SENtype code."),
        Column("setting", "text", False, (
            "Setting", "School", "Current Setting", "Education Setting", "School Name",
            "Setting Name", "Establishment",
        ), description="Education setting (an organisation, not a person)."),
        Column("nhs_number", "nhs_number", False, (
            "NHS Number", "NHS No", "NHS_No", "NHSNumber", "NHS Num",
        ), personal=True),
        Column("date_of_birth", "date", False, (
            "Date of Birth", "DOB", "PersonBirthDate", "Birth Date", "D.O.B",
        ), personal=True),
        Column("name", "text", False, (
            "Name", "Child Name", "Full Name", "Child's Name", "Young Person Name",
            "Child / Young Person", "Pupil Name",
        ), personal=True),
        Column("forename", "text", False, ("Forename", "First Name", "Given Name", "Forenames"),
               personal=True),
        Column("surname", "text", False, ("Surname", "Last Name", "Family Name"), personal=True),
        Column("upn", "text", False, ("UPN", "Unique Pupil Number"), personal=True),
        Column("uln", "text", False, ("UniqueLearnerNumber", "Unique Learner Number", "ULN"),
               personal=True),
        Column("postcode", "text", False, ("Postcode", "Post Code"), personal=True),
    ),
    date_order=(
        ("request_date", "decision_date", "decision before request"),
        ("request_date", "assessment_outcome_date", "assessment outcome before request"),
        ("request_date", "draft_plan_date", "draft plan before request"),
        ("request_date", "final_plan_date", "final plan before request"),
        ("draft_plan_date", "final_plan_date", "final plan before draft plan"),
        ("date_of_birth", "request_date", "request before date of birth"),
    ),
)

HEALTH_ADVICE = Schema(
    kind="health_advice",
    description="One row per request to a health service for advice for an EHC needs assessment "
                "or review, from a provider's log or the LA's case system.",
    # The LA's export and a provider's log may use one reference for different records.
    key=("local_authority", "advice_id", "source"),
    signature=("advice_id", "service", "requested_date", "returned_date", "provider"),
    columns=(
        Column("advice_id", "id", True, (
            "Advice ID", "Advice Request ID", "Advice Ref", "Advice Reference", "Referral ID",
            "Referral Ref", "Request Ref", "Health Advice ID", "Advice No", "Request ID",
            "Ref", "Reference", "Ref No", "Request No", "Referral Number", "Referral No",
        ), description="The request's reference (trimmed, upper case)."),
        Column("case_id", "id", True, (
            "Case ID", "Case Ref", "EHCP Case ID", "LA Case Ref", "LA Case ID", "Child ID",
            "EHC Case ID", "Case Reference", "LA Ref", "Case",
        ), description="The LA case the advice is for."),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("service", "service", True, (
            "Service", "Health Service", "Service Name", "Team", "Discipline", "Profession",
            "Service Area", "Specialty",
        ), description="Canonical health service."),
        Column("requested_date", "date", True, (
            "Requested Date", "Date Requested", "Request Received", "Date Received", "Received",
            "Date Request Received", "Request Date", "Advice Requested", "Date Advice Requested",
            "Request Received Date", "Received Date",
        ), description="Date the service received the LA's request (6-week clock starts, reg 8(1))."),
        Column("returned_date", "date", False, (
            "Returned Date", "Date Returned", "Advice Returned", "Date Advice Returned",
            "Submitted", "Date Submitted", "Completed Date", "Date Completed", "Date Sent",
            "Advice Sent", "Returned", "Advice Submitted Date", "Return Date",
            "Advice Received", "Date Advice Received", "Advice Received Date",
        ), description="Date the advice was returned to the LA (on an LA export: the date the LA "
                       "received it); blank while open."),
        Column("provider", "text", False, (
            "Provider", "Trust", "Provider Name", "Organisation", "Provider Organisation",
            "NHS Trust",
        ), description="Health provider organisation."),
        Column("exception", "advice_exception", False, (
            "Exception", "Exception Reason", "Reg 8(2) Exception", "Reg 8 Exception",
            "Exceptions", "Delay Reason", "Reason for Delay",
        ), description="Reason recorded for a late return; lawful only if one of reg 8(2)'s."),
        Column("quality_score", "number", False, (
            "Quality Score", "Quality", "QA Score", "Quality Rating", "Quality Audit Score",
            "Audit Score",
        ), description="Quality audit score of the advice, as recorded locally."),
        Column("stage", "stage", False, (
            "Stage", "Request Type", "Assessment Type", "Advice Type", "Type of Request",
        ), description="new assessment / annual review / reassessment."),
        Column("source", "source", False, (
            "Source", "Record Source", "Data Source", "Source of Record", "Recorded By",
            "Source System",
        ), default="provider",
            description="Who recorded the row: 'provider' (the service's log; the reg 8(1) clock "
                        "runs from its requested date) or 'local authority' (the LA's case "
                        "export: requested = the date the LA sent the request). Files without "
                        "the column are provider logs."),
    ),
    date_order=(("requested_date", "returned_date", "returned before requested"),),
    long_gaps=(("requested_date", "returned_date", 52,
                "returned more than a year after requested"),),
)

TRIBUNALS = Schema(
    kind="tribunals",
    description="One row per SEND Tribunal appeal, from the ICB's or LA's appeals tracker.",
    key=("local_authority", "appeal_id"),
    signature=("appeal_id", "registered_date", "health_recommendation", "hearing_date"),
    columns=(
        Column("appeal_id", "id", True, (
            "Appeal ID", "Appeal Ref", "Appeal Reference", "Tribunal Ref", "Tribunal Reference",
            "SENDIST Ref", "Appeal Number", "Appeal No", "Tribunal Case Number", "Appeal",
        ), description="Tribunal appeal reference (trimmed, upper case)."),
        Column("case_id", "id", False, (
            "Case ID", "Case Ref", "LA Case Ref", "EHCP Case ID", "Child ID", "Case Reference",
        )),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("registered_date", "date", True, (
            "Registered Date", "Date Registered", "Appeal Registered", "Registration Date", "Date Lodged",
            "Lodged", "Appeal Date", "Date of Appeal", "Registered", "Appeal Lodged", "Date Appeal Lodged",
            "Appeal Lodged Date"), description="Date the Tribunal registered the appeal."),
        Column("appeal_type", "text", False, (
            "Appeal Type", "Type", "Type of Appeal", "Appeal Category", "Grounds",
        )),
        Column("health_aspects", "bool", False, (
            "Health Aspects", "Health Element", "Health Involved", "Health Aspect",
            "Extended Appeal", "Health Issues", "Includes Health",
        ), description="Whether the appeal raises health needs or provision."),
        Column("hearing_date", "date", False, (
            "Hearing Date", "Date of Hearing", "Hearing",
        ), future_ok=True, description="Hearing date; may lie ahead."),
        Column("outcome", "appeal_outcome", False,
               ("Outcome", "Appeal Outcome", "Result", "Tribunal Outcome", "Decision")),
        Column("health_recommendation", "bool", False, (
            "Health Recommendation", "Health Rec Made", "Recommendation Made",
            "Health Recommendation Made", "Health Rec",
        ), description="Whether the Tribunal made a health recommendation."),
        Column("recommendation_date", "date", False, (
            "Recommendation Date", "Date of Recommendation", "Rec Date", "Recommendation Sent",
            "Date Recommendation Sent", "Health Recommendation Date",
        ), description="Date the recommendation was sent (5-week clock starts)."),
        Column("response_date", "date", False, (
            "Response Date", "ICB Response Date", "Date Responded", "Commissioner Response Date",
            "Date of Response", "Responded", "Response Sent",
        ), description="Date the commissioner responded in writing."),
    ),
    date_order=(
        ("registered_date", "hearing_date", "hearing before registration"),
        ("recommendation_date", "response_date", "response before recommendation"),
        ("registered_date", "recommendation_date", "recommendation before registration"),
    ),
    dated_yes=(("health_recommendation", "recommendation_date",
                "the 5-week response is timed from it, so the recommendation is left out of the "
                "5-week rate until the date is filled"),),
    dated_no=tuple(("health_recommendation", date, "a recommendation not made is left out of "
                    "the 5-week rate: correct whichever is wrong")
                   for date in ("recommendation_date", "response_date")),
)

SCHOOLS = Schema(
    kind="schools",
    description="One row per school or setting per audit, from the DCO's audit of medical "
                "conditions policies and mental health support in schools.",
    key=("urn", "audit_date"),
    signature=("urn", "audit_date", "policy_in_place", "pupils_with_ihp", "mhst_coverage"),
    columns=(
        Column("urn", "id", True, (
            "URN", "School URN", "Unique Reference Number", "Establishment URN", "Setting URN",
            "DfE URN", "Ofsted URN", "URN Number",
        ), description="The school's unique reference number (an Ofsted EY number for "
                       "early-years settings); an organisation, not a person."),
        Column("school_name", "text", True, (
            "School Name", "School", "Setting", "Setting Name", "Establishment",
            "Establishment Name", "School / Setting", "Name of School", "School or Setting",
        ), description="School or setting name."),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("phase", "phase", False, (
            "Phase", "School Phase", "Phase of Education", "Setting Type", "Establishment Phase",
        ), description="nursery / primary / secondary / special / alternative provision / post-16."),
        Column("audit_date", "date", True, (
            "Audit Date", "Date of Audit", "Date Audited", "Audit Completed", "Audited",
            "Visit Date", "Date of Visit", "Audit Completed Date",
        ), description="Date of the audit (what it found was true on that day)."),
        Column("policy_in_place", "bool", False, (
            "Policy in Place", "Medical Conditions Policy", "Has Policy", "Policy",
            "MC Policy", "Medical Conditions Policy in Place", "Policy Exists",
            "Supporting Pupils with Medical Conditions Policy",
        ), description="The school has a medical conditions policy (blank: not evidenced)."),
        Column("policy_published", "bool", False, (
            "Policy Published", "Published on Website", "On Website", "Policy on Website",
            "Published", "Policy Published Online",
        ), description="The policy is published on the school's website."),
        Column("policy_url", "text", False, (
            "Policy URL", "URL", "Policy Link", "Link", "Website Link", "Web Link", "Web Address",
        ), description="Where the published policy is (an organisation's web page)."),
        Column("policy_reviewed_date", "date", False, (
            "Policy Reviewed Date", "Policy Review Date", "Date Policy Reviewed", "Last Reviewed",
            "Policy Last Reviewed", "Date Last Reviewed", "Reviewed", "Last Review Date",
        ), description="Date the policy was last reviewed, as the policy states."),
        *(Column(name, "bool", False, ELEMENT_ALIASES[name],
                 description=f"The policy covers: {label} (blank: not evidenced).")
          for name, label in POLICY_ELEMENTS.items()),
        Column("pupils_with_medical_conditions", "count", False, (
            "Pupils with Medical Conditions", "Number of Pupils with Medical Conditions",
            "No. of Pupils with Medical Conditions", "Pupils with a Medical Condition",
            "Children with Medical Conditions", "Medical Conditions", "Pupils with MC",
        ), description="Pupils on roll with a medical condition (count) on the audit date."),
        Column("pupils_with_ihp", "count", False, (
            "Pupils with IHP", "Pupils with IHPs", "Number of IHPs", "No. of IHPs", "IHPs in Place",
            "Pupils with Individual Healthcare Plans", "Children with IHP", "Number with IHP",
        ), description="Of those, pupils with an individual healthcare plan (count)."),
        Column("senior_mental_health_lead", "bool", False, (
            "Senior Mental Health Lead", "SMHL", "Senior MH Lead", "Trained Senior Mental Health Lead",
            "SMHL Trained", "Senior Mental Health Lead Trained", "Mental Health Lead Trained",
        ), description="A trained senior mental health lead is in post."),
        Column("mhst_coverage", "bool", False, (
            "MHST", "MHST Coverage", "Mental Health Support Team", "Covered by MHST", "MHST in School",
            "Mental Health Support Team Coverage", "MHST Covered",
        ), description="The school is covered by a Mental Health Support Team."),
        Column("wellbeing_self_assessment", "number", False, (
            "Wellbeing Self-Assessment", "Wellbeing Self Assessment Score", "Wellbeing Score",
            "Self-Assessment Score", "Whole School Approach Score", "WSA Score",
            "Whole School Wellbeing Score",
        ), description="The school's score on a whole-school wellbeing self-assessment framework, "
                       "as recorded (the scale is the framework's)."),
    ),
    date_order=(("policy_reviewed_date", "audit_date", "audit before the policy's review date"),),
    count_order=(("pupils_with_ihp", "pupils_with_medical_conditions",
                  "more pupils with an IHP than pupils with a medical condition"),),
)

ANNUAL_REVIEWS = Schema(
    kind="annual_reviews",
    description="One row per annual review of an EHC plan, from the LA's review tracker.",
    # One review per plan and cycle: a corrected due date updates its review (`review_cycles`).
    key=("local_authority", "case_id", "review_cycle"),
    derived=(("review_cycle", "DATE", "review_due_date"),),
    signature=("review_due_date", "meeting_date", "amended_plan_date", "health_invited",
               "health_advice_submitted"),
    columns=(
        Column("case_id", "id", True, (
            "Case ID", "Case Ref", "Case Reference", "Case Number", "EHCP ID", "EHCP Ref",
            "EHC Case ID", "Plan ID", "Child ID", "LA Case Ref", "Case",
        ), description="The LA's case reference (trimmed, upper case)."),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("review_due_date", "date", True, (
            "Review Due Date", "Review Due", "Annual Review Due", "Annual Review Due Date",
            "AR Due Date", "AR Due", "Date Review Due", "Next Review Due",
        ), future_ok=True,
            description="Date the review must be held by (12 months after the plan or the last "
                        "review); may lie ahead."),
        Column("meeting_date", "date", False, (
            "Meeting Date", "Review Meeting Date", "ReviewMeeting", "Review Meeting",
            "Annual Review Meeting", "Annual Review Meeting Date", "AR Meeting Date",
            "Date of Review Meeting", "Date of Meeting", "Annual Review Date", "Review Date",
            "Review Held",
        ), description="Date the review meeting was held; blank until it is."),
        Column("health_invited", "bool", False, (
            "Health Invited", "Health Professional Invited", "Health Invited to Review",
            "Health Invite Sent", "Health Invited to Meeting",
        ), description="A health professional was invited to the review."),
        Column("health_attended", "bool", False, (
            "Health Attended", "Health Attendance", "Health Professional Attended",
            "Health Present", "Health Attended Meeting",
        ), description="A health professional attended the review meeting."),
        Column("health_advice_submitted", "bool", False, (
            "Health Advice Submitted", "Health Report Submitted", "Health Advice Received",
            "Health Report Received", "Written Health Advice", "Health Advice Provided",
            "Health Contribution",
        ), description="Written health advice or a report was submitted for the review."),
        Column("decision_date", "date", False, (
            "Decision Date", "Date of Decision", "Review Decision Date", "Decision Sent",
            "Date Decision Sent", "Decision Letter Date", "Decision Issued", "Outcome Date",
            "Review Outcome Date",
        ), description="Date the LA sent its decision (4 weeks from the meeting, reg 20(10))."),
        Column("decision", "review_decision", False, (
            "Decision", "Review Decision", "ReviewOutcome", "Review Outcome", "Outcome",
            "Annual Review Outcome", "LA Decision"),
            description="amend / maintain / cease (SEN2 ReviewOutcome A, M, C)."),
        Column("amended_plan_date", "date", False, (
            "Amended Plan Date", "Amended Plan Issued", "Amended Final Plan Issued",
            "Final Amended Plan Date", "Amended EHCP Issued", "Date Amended Plan Issued",
            "Amended Final Plan Date", "Amended Final EHCP Issued",
        ), description="Date the amended final plan was issued (at most 12 weeks after the "
                       "meeting, regs 20-22)."),
    ), date_order=(("meeting_date", "decision_date", "decision before meeting"),
                   ("meeting_date", "amended_plan_date", "amended plan before meeting")),
)

WAITING_TIMES = Schema(
    kind="waiting_times",
    description="One row per month, service, provider and LA: children waiting (providers' returns).",
    key=("month", "service", "provider", "local_authority"),
    signature=("month", "waiting_total", "waiting_over_18_weeks", "waiting_over_52_weeks",
               "median_weeks_waiting"),
    columns=(
        Column("month", "month", True, (
            "Month", "Reporting Month", "Report Month", "Snapshot Month", "Month Ending",
            "Month End", "Period", "Reporting Period", "Period Ending", "Snapshot Date",
            "Census Month",
        ), description="The month of the snapshot, stored as its first day."),
        Column("service", "service", True, (
            "Service", "Service Name", "Health Service", "Pathway", "Service Line", "Specialty",
            "Team", "Treatment Function",
        ), description="Canonical health service, the autism and ADHD assessment pathways too."),
        Column("provider", "text", False, (
            "Provider", "Trust", "Provider Name", "Organisation", "Provider Organisation",
            "NHS Trust",
        ), default="", description="Provider organisation; '' when the return does not say."),
        Column("local_authority", "la", False, LA_ALIASES, default="",
               description="Local authority the children live in; '' for an area-wide figure."),
        Column("waiting_total", "count", True, (
            "Waiting Total", "Total Waiting", "Total Waiting List", "Number Waiting",
            "Waiting List Size", "Total on Waiting List", "Children Waiting", "Total Waiters",
            "Waiting", "Incomplete Pathways", "Total Incomplete Pathways", "Waiting List",
        ), suppressible=True, description="Children waiting at the snapshot (count)."),
        Column("waiting_over_18_weeks", "count", False, (
            "Waiting Over 18 Weeks", "Over 18 Weeks", "Over 18 Wks", "18 Weeks Plus",
            "Waiting More Than 18 Weeks", "More Than 18 Weeks",
            "Number Waiting Over 18 Weeks", "Waiting 18 Weeks Plus",
        ), suppressible=True, description="Of those, waiting more than 18 weeks (count)."),
        Column("waiting_over_52_weeks", "count", False, (
            "Waiting Over 52 Weeks", "Over 52 Weeks", "Over 52 Wks", "52 Weeks Plus",
            "Waiting More Than 52 Weeks", "More Than 52 Weeks",
            "Number Waiting Over 52 Weeks", "Waiting 52 Weeks Plus",
        ), suppressible=True, description="Of those, waiting more than 52 weeks (count)."),
        Column("median_weeks_waiting", "number", False, (
            "Median Weeks Waiting", "Median Wait", "Median Wait (Weeks)", "Median Wait Weeks",
            "Median Waiting Time", "Median Waiting Time (Weeks)", "Median Weeks",
        ), suppressible=True, description="Median time waited so far by those waiting (weeks)."),
        Column("referrals_received", "count", False, (
            "Referrals Received", "Referrals", "New Referrals", "Referrals in Month",
            "Number of Referrals", "Referrals Received in Month",
        ), suppressible=True, description="Referrals received in the month (count)."),
    ),
    # ">18 weeks", "18+" are no aliases: without punctuation they read as "<18 weeks".
    count_order=(
        ("waiting_over_52_weeks", "waiting_over_18_weeks", "more waiting over 52 weeks than over 18"),
        ("waiting_over_18_weeks", "waiting_total", "more waiting over 18 weeks than in total"),
        ("waiting_over_52_weeks", "waiting_total", "more waiting over 52 weeks than in total"),
    ),
)

PHB = Schema(
    kind="phb",
    description="One row per personal health budget, from the ICB's register.",
    key=("local_authority", "phb_id", "start_date"),
    signature=("phb_id", "start_date", "end_date", "continuing_care", "amount_band"),
    columns=(
        # Only budget-specific spellings (and not named case_id): with a generic "Case ID", an
        # EHC export lacking its request date ("Case ID", "LA", "StartDate") would be taken for
        # a budget register.
        Column("phb_id", "id", True, (
            "PHB Ref", "PHB ID", "PHB Reference", "PHB Number", "PHB Case ID", "PHB Case Ref",
            "Budget ID", "Budget Ref", "Budget Reference", "CHC Ref", "CHC ID",
            "Continuing Care Ref",
        ), description="The ICB's reference for the budget's case (trimmed, upper case)."),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("start_date", "date", True, (
            "Start Date", "PHB Start Date", "Budget Start Date", "Date Started", "Start",
            "Budget Start", "PHB Start",
        ), description="Date the budget started."),
        Column("end_date", "date", False, (
            "End Date", "PHB End Date", "Budget End Date", "Date Ended", "End", "Budget End",
            "PHB End",
        ), future_ok=True, description="Date the budget ended or is agreed to end; blank: ongoing."),
        Column("continuing_care", "bool", False, (
            "Continuing Care", "Children's Continuing Care", "CCC", "Continuing Care Eligible",
            "CHC", "Continuing Healthcare", "NHS Continuing Healthcare",
        ), description="Funded through children's continuing care (or NHS continuing healthcare)."),
        Column("amount_band", "text", False, (
            "Amount Band", "Budget Band", "Annual Amount Band", "Value Band", "PHB Band",
            "Budget Amount Band", "Annual Value Band",
        ), description="Annual amount band as the register writes it (no amounts per child)."),
    ),
    date_order=(("start_date", "end_date", "end before start"),),
)

COMPLAINTS = Schema(
    kind="complaints",
    description="One row per complaint or ombudsman case, from the DCO's complaints log.",
    key=("local_authority", "complaint_ref"),
    signature=("complaint_ref", "received_date", "response_due_date", "responded_date",
               "health_aspect"),
    columns=(
        # Only complaint-specific spellings (and not named "reference"): with a generic "Ref",
        # a log of something else ("Ref", "LA", "Date Received") would be taken for complaints.
        Column("complaint_ref", "id", True, (
            "Complaint Ref", "Complaint Reference", "Complaint ID", "Complaint No",
            "Complaint Number", "LGSCO Ref", "LGSCO Reference", "Ombudsman Ref",
            "Ombudsman Reference", "PHSO Ref", "PHSO Reference",
        ), description="The complaint's (or ombudsman case's) reference, trimmed, upper case."),
        Column("local_authority", "la", True, LA_ALIASES),
        Column("received_date", "date", True, (
            "Received Date", "Date Received", "Received", "Complaint Received",
            "Date Complaint Received", "Date Opened", "Opened", "Date Logged",
        ), description="Date the complaint (or the ombudsman's enquiry) was received."),
        Column("health_aspect", "bool", False, (
            "Health Aspect", "Health Aspects", "Health Related", "Health Involved",
            "Includes Health", "Health Element", "Health",
        ), description="The complaint concerns health needs or provision."),
        Column("stage", "complaint_stage", False, (
            "Stage", "Complaint Stage", "Level", "Complaint Level", "Type", "Complaint Type",
        ), description="stage 1 / stage 2 / stage 3 / LGSCO / PHSO."),
        Column("response_due_date", "date", False, (
            "Response Due", "Response Due Date", "Due Date", "Target Date",
            "Target Response Date", "Deadline", "Reply Due", "Date Response Due",
        ), future_ok=True, description="Date the response is due (set by the procedure or the "
                                       "ombudsman); may lie ahead."),
        Column("responded_date", "date", False, (
            "Responded Date", "Date Responded", "Response Date", "Date of Response",
            "Response Sent", "Date Response Sent", "Responded", "Reply Sent",
        ), description="Date the response was sent; blank while open."),
        Column("outcome", "complaint_outcome", False, (
            "Outcome", "Complaint Outcome", "Result", "Decision", "Finding",
        ), description="upheld / partly upheld / not upheld / withdrawn / closed after initial "
                       "enquiries."),
    ),
    date_order=(
        ("received_date", "responded_date", "response before the complaint was received"),
        ("received_date", "response_due_date", "response due before the complaint was received"),
    ),
)

_ANNEX_A_URN = ("Main education establishment – URN", "Main education establishment URN",
                "Main establishment URN", "Education establishment URN", "School URN",
                "Setting URN", "Establishment URN")
_ANNEX_A_PHASE = ("Main education establishment – phase", "Main education establishment phase",
                  "Main establishment phase", "Education establishment phase", "School Phase",
                  "Phase", "Phase of Education")

COHORT = Schema(
    kind="cohort",
    description="One row per child or young person with SEND (an EHC plan, or SEN support), "
                "from the local authority's Annex A lists for an area SEND inspection.",
    key=("local_authority", "child_id"),
    # Not ethnicity or sex: an LA's case export names them too (see SEN2 flat files).
    signature=("plan_issued_date", "last_reviewed_date", "school_urn", "phase", "support"),
    columns=(
        Column("child_id", "id", True, (
            "Child unique ID", "Unique ID", "Child Unique Identifier", "ChildUniqueID",
            "Child ID", "Person ID", "LA Child ID", "Young Person ID", "CYP ID",
        ), description="The local authority's own reference for the child (trimmed, upper "
                       "case); not a national identifier."),
        Column("local_authority", "la", True, LA_ALIASES,
               description="Local authority, canonical name (Annex A lists have no LA column: "
                           "named with `ingest --la`)."),
        Column("support", "sen_provision", False, (
            "SEN Provision", "SEN Status", "SEN Support Type", "Support Type", "Annex A List",
            "List",
        ), context=(("list 2", "SEN support"), ("sen support", "SEN support"),
                    ("list 1", "EHC plan"), ("ehc plan", "EHC plan"), ("ehcp", "EHC plan")),
            description="EHC plan (Annex A List 1) or SEN support (List 2); from the sheet's "
                        "name, title or file name when the list has no such column."),
        Column("sex", "sex", False, ("Gender", "Sex", "Legal Sex"),
               description="male / female / not known / not specified."),
        Column("ethnicity", "ethnicity", False, (
            "Ethnicity", "Ethnic Group", "Ethnic Origin", "Ethnicity Code",
        ), description="The DfE's ethnicity code (e.g. WBRI); its major group in breakdowns."),
        Column("plan_issued_date", "date", False, (
            "Date EHC plan first issued", "Date initial EHC plan issued", "Initial EHC plan issued",
            "Date of initial EHC plan", "EHC plan first issued", "Date EHCP first issued",
            "Date initial EHCP issued", "EHC Plan Start Date", "EHCP Start Date",
        ), description="Date the child's first EHC plan was issued (blank on List 2)."),
        Column("plan_updated_date", "date", False, (
            "Date updated EHC plan issued", "Date EHC plan last updated", "Updated EHC plan issued",
            "Date updated EHCP issued", "Date of updated EHC plan",
        ), description="Date the plan was last amended and reissued; blank if never."),
        Column("last_reviewed_date", "date", False, (
            "Date EHC plan last reviewed", "EHC plan last reviewed", "Date EHCP last reviewed",
            "Date of last annual review", "Last annual review", "Last Annual Review Date",
            "Date last reviewed",
        ), description="Date of the plan's last annual review; blank if not yet reviewed."),
        Column("primary_need", "sen_type", False, (
            "SEN primary need", "Primary Need", "Primary SEN Need", "SENtype", "SEN Type",
            "Primary SEN Type", "SEN Need",
        ), description="SEN2 SENtype code of the primary need."),
        Column("school_urn", "id", False, _ANNEX_A_URN,
               description="URN of the main education establishment (an organisation)."),
        Column("phase", "phase", False, _ANNEX_A_PHASE,
               description="Phase of the main education establishment."),
        Column("elective_home_education", "bool", False, (
            "Elective home education", "EHE", "Electively home educated",
        ), description="Electively home educated."),
        Column("upn", "id", False, ("UPN", "Unique Pupil Number"), personal=True),
        Column("uln", "id", False, ("ULN", "Unique Learner Number"), personal=True),
        Column("date_of_birth", "date", False, (
            "Date of birth", "DOB", "PersonBirthDate", "Birth Date", "D.O.B",
        ), personal=True),
        Column("name", "text", False, (
            "Name", "Child Name", "Full Name", "Child's Name", "Young Person Name",
        ), personal=True),
        Column("forename", "text", False, ("Forename", "First Name", "Given Name", "Forenames"),
               personal=True),
        Column("surname", "text", False, ("Surname", "Last Name", "Family Name"), personal=True),
        Column("postcode", "text", False, ("Postcode", "Post Code"), personal=True),
    ),
    date_order=(
        ("plan_issued_date", "plan_updated_date", "updated plan before the first plan"),
        ("plan_issued_date", "last_reviewed_date", "review before the plan was issued"),
        ("date_of_birth", "plan_issued_date", "plan issued before date of birth"),
    ),
)

SCHEMAS: dict[str, Schema] = {s.kind: s for s in (EHCP, HEALTH_ADVICE, TRIBUNALS, SCHOOLS,
                                                  ANNUAL_REVIEWS, WAITING_TIMES, PHB, COMPLAINTS,
                                                  COHORT)}
