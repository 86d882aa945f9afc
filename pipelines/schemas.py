"""One schema per dataset: its columns, the header spellings seen in exports, types and row rules.

A new dataset is a new `Schema` here plus, if it needs one, a vocabulary in `vocab.py`; the
reader, validator and loader are shared. Columns marked `personal` are never stored in clear:
the validator turns them into a keyed pseudonym and a year of birth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.vocab import normalise_token

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

    @property
    def table(self) -> str:
        return self.kind

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
            "Final Plan Date", "Final Issued", "Plan Issued Date", "Date Final Plan Issued",
            "StartDate", "Final EHCP Date", "EHCP Issued", "Final EHCP Issued",
            "Date Plan Issued", "Final Plan Issued", "Plan Start Date", "Issue Date",
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
    key=("local_authority", "advice_id"),
    signature=("advice_id", "service", "requested_date", "returned_date", "provider"),
    columns=(
        Column("advice_id", "id", True, (
            "Advice ID", "Advice Request ID", "Advice Ref", "Advice Reference", "Referral ID",
            "Referral Ref", "Request Ref", "Health Advice ID", "Advice No", "Request ID",
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
        ), description="Date the advice was returned to the LA; blank while open."),
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
    ),
    date_order=(("requested_date", "returned_date", "returned before requested"),),
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
            "Registered Date", "Date Registered", "Appeal Registered", "Registration Date",
            "Date Lodged", "Lodged", "Appeal Date", "Date of Appeal", "Registered",
        ), description="Date the Tribunal registered the appeal."),
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
        Column("outcome", "text", False, (
            "Outcome", "Appeal Outcome", "Result", "Tribunal Outcome", "Decision",
        )),
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
)

SCHEMAS: dict[str, Schema] = {s.kind: s for s in (EHCP, HEALTH_ADVICE, TRIBUNALS)}
