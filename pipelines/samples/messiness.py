"""The quirks real exports have, one writer per sample file: each provider's and LA's spellings,
mixed date formats, footers, duplicated and deliberately bad rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random

from pipelines.samples.model import (
    CAMHS_OCTOBER_AS_OF,
    EXTRACT,
    LAST,
    MONTHS,
    NCH,
    NRC,
    REH,
    Advice,
    Appeal,
    Case,
    Complaint,
    SchoolAudit,
    World,
)
from pipelines.samples.remit import BUDGET_BANDS
from pipelines.samples.writers import (
    append_row,
    blank_row,
    dmy,
    excel_serial,
    iso,
    long_date,
    new_workbook,
    save_workbook,
    spaced_nhs,
    write_csv,
)

# --- EHC exports ----------------------------------------------------------------------------

NORTHSHIRE_NEEDS = {
    "ASD": "Autistic Spectrum Condition", "SLCN": "Speech Language and Communication",
    "SEMH": "Social Emotional and Mental Health", "MLD": "Moderate Learning Difficulties",
    "SPLD": "Specific Learning Difficulties", "SLD": "Severe Learning Difficulties",
    "PMLD": "Profound & Multiple LD", "PD": "Physical disability", "HI": "Hearing impairment",
    "VI": "Visual impairment", "MSI": "Multi-sensory impairment", "OTH": "Other",
    "DS": "Down syndrome",
}
EASTMOOR_NEEDS = {
    "ASD": "Autism", "SLCN": "Speech, language and communication needs",
    "SEMH": "Social, emotional and mental health", "MLD": "Moderate learning difficulty",
    "SPLD": "Specific learning difficulty", "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty", "PD": "Physical disability",
    "HI": "Hearing impairment", "VI": "Visual impairment", "MSI": "Multi sensory impairment",
    "OTH": "Other difficulty/disability", "DS": "Down's syndrome",
}
NORTHSHIRE_DECISIONS = {"assess": "Agreed to assess", "not assess": "Refused to assess",
                        "withdrawn": "Request withdrawn", "not yet decided": "Awaiting decision"}
EASTMOOR_DECISIONS = {"assess": "Yes", "not assess": "No", "withdrawn": "Withdrawn",
                      "not yet decided": "Pending"}
SEN2_REQUEST_OUTCOME = {"assess": "Y", "not assess": "N", "withdrawn": "W", "not yet decided": "A"}
SEN2_ASSESSMENT_OUTCOME = {"plan to be issued": "Y", "plan not issued": "N",
                           "not yet decided": "A"}
NORTHSHIRE_EXCEPTIONS = {"closure": "School closure", "personal": "Personal circumstances",
                         "absent": "Absent from area"}
EASTMOOR_EXCEPTIONS = {"closure": "Summer closure",
                       "personal": "Exceptional personal circumstances",
                       "absent": "Away from area"}


def _messy_case_id(rng: Random, case_id: str) -> str:
    """Hand-typed references: a stray space or lower case on a few rows."""
    draw = rng.random()
    if draw < 0.02:
        return f" {case_id.lower()}"
    if draw < 0.04:
        return f"{case_id} "
    return case_id.capitalize() if draw < 0.05 else case_id


def _northshire_date(rng: Random, d: date | None) -> date | str | None:
    return dmy(d) if d and rng.random() < 0.07 else d  # typed over the date format


# How the two case systems word the decision whether to issue a plan after assessment; without
# it a case that ended with no plan would look open for ever.
ISSUE_DECISIONS = {"plan to be issued": "Issue plan", "plan not issued": "Not issued",
                   "not yet decided": ""}


def _northshire_ehcp_row(rng: Random, case: Case) -> list[object]:
    p = case.person
    exception = NORTHSHIRE_EXCEPTIONS.get(case.exception or "", "")
    if not exception and case.final and rng.random() < 0.1:
        exception = "No"
    return [
        _messy_case_id(rng, case.case_id), "Northshire County Council", p.forename, p.surname,
        _northshire_date(rng, p.dob), spaced_nhs(p.nhs_number),
        _northshire_date(rng, case.request), _northshire_date(rng, case.decision_date),
        NORTHSHIRE_DECISIONS[case.decision], _northshire_date(rng, case.draft),
        _northshire_date(rng, case.final), exception, NORTHSHIRE_NEEDS[case.need], case.setting,
        ISSUE_DECISIONS.get(case.outcome or "", ""), case.outcome_date if case.outcome else None,
    ]


def write_ehcp_northshire(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "EHCNA timeliness"
    ws.append(["Northshire County Council - EHC needs assessment timeliness report"])
    ws.append([f"Report run: {dmy(EXTRACT)}"])
    blank_row(ws)
    ws.append(["Case Ref", "Local Authority", "Forename", "Surname", "DOB", "NHS No",
               "Date of Request", "Decision Date", "Decision to Assess", "Draft Plan Issued",
               "Final Plan Issued", "20 Week Exception", "Primary Need", "Setting",
               "Decision to Issue", "Date of Decision to Issue"])
    rows = [c for c in world.cases if c.la == "Northshire"]
    for case in rows:
        append_row(ws, _northshire_ehcp_row(rng, case))
    blank_row(ws)
    ws.append([f"Total: {len(rows)}"])
    ws.append(["Source: Northshire CC case management system, SEN module (synthetic sample)"])
    notes = wb.create_sheet("Notes")
    for line in (
        "About this report",
        "Lists every request for an EHC needs assessment received from 1 April 2024,",
        "and earlier requests that were still open on that date.",
        "Dates are as recorded by case officers; a blank date means the step has not happened.",
        "The 20-week clock runs from the date the request was received.",
        "Synthetic sample generated by python -m pipelines.samples: no real child is described.",
    ):
        notes.append([line])
    save_workbook(wb, path)
    return len(rows)


def write_ehcp_riverside(path: Path, world: World, rng: Random) -> int:
    header = ["RequestID", "LA", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
              "AssessmentOutcomeDate", "AssessmentOutcome", "StartDate", "Week20", "SENtype",
              "Setting"]
    rows = [
        [c.case_id, "Riverside City Council", iso(c.request), iso(c.decision_date),
         SEN2_REQUEST_OUTCOME[c.decision], iso(c.outcome_date),
         SEN2_ASSESSMENT_OUTCOME.get(c.outcome or "", ""), iso(c.final),
         "true" if c.exception else "false", c.need, c.setting]
        for c in world.cases if c.la == "Riverside"
    ]
    write_csv(path, header, rows, "cp1252", "\r\n")  # saved from Excel on Windows
    return len(rows)


def _eastmoor_date(rng: Random, d: date | None) -> object:
    """Four ways a date arrives from Eastmoor's system: date, serial, text, date-time."""
    if d is None:
        return None
    draw = rng.random()
    if draw < 0.10:
        return excel_serial(d)
    if draw < 0.20:
        return long_date(d)
    if draw < 0.30:
        return datetime.combine(d, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
    return d


def _eastmoor_nhs(rng: Random, nhs: str | None) -> object:
    if nhs is None:
        return None
    return int(nhs) if rng.random() < 0.15 else nhs  # typed in as a number on some rows


EASTMOOR_2024_HEADER = ["Case Number", "Child Name", "Date of Birth", "NHS Number",
                        "Local Authority Name", "Request Received Date",
                        "Decision to Assess Date", "Decision", "Draft EHCP Issued",
                        "Final EHCP Issued", "Exception Reason", "Primary SEN Type",
                        "School Name", "Assessment Outcome", "Assessment Outcome Date"]
# The newer sheet was set up later: same data, columns reordered, "DOB".
EASTMOOR_2025_HEADER = ["Case Number", "Local Authority Name", "Request Received Date",
                        "Decision", "Decision to Assess Date", "Assessment Outcome",
                        "Assessment Outcome Date", "Draft EHCP Issued", "Final EHCP Issued",
                        "Exception Reason", "Primary SEN Type", "School Name", "Child Name", "DOB",
                        "NHS Number"]


def _eastmoor_row(rng: Random, case: Case, header: Sequence[str]) -> list[object]:
    p = case.person
    exception = EASTMOOR_EXCEPTIONS.get(case.exception or "", "")
    values = {
        "Case Number": case.case_id, "Child Name": f"{p.forename} {p.surname}",
        "Date of Birth": _eastmoor_date(rng, p.dob), "NHS Number": _eastmoor_nhs(rng, p.nhs_number),
        "Local Authority Name": "Eastmoor MBC" if rng.random() < 0.3 else "Eastmoor",
        "Request Received Date": _eastmoor_date(rng, case.request),
        "Decision to Assess Date": _eastmoor_date(rng, case.decision_date),
        "Decision": EASTMOOR_DECISIONS[case.decision],
        "Draft EHCP Issued": _eastmoor_date(rng, case.draft),
        "Final EHCP Issued": _eastmoor_date(rng, case.final),
        "Exception Reason": exception or ("N/A" if case.final else None),
        "Primary SEN Type": EASTMOOR_NEEDS[case.need], "School Name": case.setting,
        "Assessment Outcome": ISSUE_DECISIONS.get(case.outcome or "", ""),
        "Assessment Outcome Date": case.outcome_date if case.outcome else None,
    }
    values["DOB"] = values["Date of Birth"]
    return [values[h] for h in header]


def write_ehcp_eastmoor(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    wb.remove(wb.active)
    cases = [c for c in world.cases if c.la == "Eastmoor"]
    split = date(2025, 4, 1)
    sheets = (("2024-25", EASTMOOR_2024_HEADER, [c for c in cases if c.request < split]),
              ("2025-26 onwards", EASTMOOR_2025_HEADER, [c for c in cases if c.request >= split]))
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for case in rows:
            append_row(ws, _eastmoor_row(rng, case, header), text_format_ints=True)
    save_workbook(wb, path)
    return len(cases)


# --- health advice exports ------------------------------------------------------------------

NCH_SHEETS = {"Community Paediatrics": "Paeds", "Speech and Language Therapy": "SALT",
              "Occupational Therapy": "OT", "Physiotherapy": "Physio",
              "Specialist Nursing": "Nursing", "Audiology": "Audiology", "Vision": "Vision",
              "Dietetics": "Dietetics", "Other": "Other"}
REH_SERVICES = {"Speech and Language Therapy": "Speech & Language Therapy",
                "Specialist Nursing": "Children's Community Nursing"}
LAWFUL_SPELLINGS = {
    NCH: {"missed": "DNA", "personal": "Family circumstances", "absent": "Away from area"},
    REH: {"missed": "Was not brought", "personal": "Exceptional personal circumstances",
          "absent": "Absent from area"},
    NRC: {"missed": "WNB", "personal": "Personal circumstances", "absent": "Out of area"},
}
STAGE_SPELLINGS = {
    NCH: {"new assessment": "New", "annual review": "Annual review",
          "reassessment": "Re-assessment"},
    REH: {"new assessment": "EHC needs assessment", "annual review": "Annual Review",
          "reassessment": "Reassessment"},
    NRC: {"new assessment": "EHCNA", "annual review": "AR", "reassessment": "Reassess"},
}


def _reason_text(advice: Advice, as_of: date) -> str:
    reason = advice.reason_by(as_of)
    if reason and reason.startswith("lawful:"):
        return LAWFUL_SPELLINGS[advice.provider][reason.removeprefix("lawful:")]
    return reason or ""


def _nch_row(rng: Random, a: Advice, sheet: str) -> list[object]:
    la = rng.choice(("Northshire", "Northshire", "NSH", "N'shire"))
    return [a.advice_id, a.case_id, la, sheet, STAGE_SPELLINGS[NCH][a.stage], a.requested,
            a.returned_by(LAST), _reason_text(a, LAST), a.quality_by(LAST), NCH]


def write_health_advice_nch(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    wb.remove(wb.active)
    written = 0
    for service, sheet in NCH_SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([NCH])
        ws.append([f"EHC health advice log - {service}"])
        ws.append([f"Extracted {dmy(EXTRACT)}"])
        blank_row(ws)
        ws.append(["Referral ID", "LA Case Ref", "LA", "Discipline", "Request Type",
                   "Date Received", "Date Sent", "Delay Reason", "QA Score", "Provider"])
        for advice in world.advice:
            if advice.provider != NCH or advice.service != service:
                continue
            if rng.random() < 0.01:  # rows cleared by hand and left blank
                blank_row(ws)
            append_row(ws, _nch_row(rng, advice, sheet))
            written += 1
    save_workbook(wb, path)
    return written


REH_LA_SPELLINGS = {"Riverside": ("Riverside", "Riverside City Council", "RVS", "City of Riverside"),
                    "Eastmoor": ("Eastmoor", "Eastmoor MBC", "East Moor", "EMR",
                                 "Eastmoor Borough Council")}
REH_HEADER = ["Advice Ref", "Case Reference", "Local Authority", "Service", "Type of Request",
              "Date Request Received", "Date Advice Returned", "Exception Reason",
              "Quality Score", "Provider Name"]
# Rows the validator must reject, one reason each; documented in data_samples/README.md.
REH_BAD_ROWS = (
    ["REH-900001", "R250412", "Riverside", "Occupational Therapy", "EHC needs assessment",
     "31/02/2025", "", "", "", REH],  # impossible date
    ["REH-900002", "EM2500233", "Eastmoor", "Community Paediatrics", "EHC needs assessment",
     "10/06/2025", "28/05/2025", "", "3", REH],  # returned before requested
    ["REH-900003", "R250518", "Riverside City Council", "Chiropody", "EHC needs assessment",
     "14/07/2025", "01/08/2025", "", "", REH],  # unknown service
    ["REH-900004", "R250601", "Westshire", "Speech & Language Therapy", "EHC needs assessment",
     "02/09/2025", "06/10/2025", "", "2", REH],  # unknown local authority
    ["REH-900005", "", "Eastmoor MBC", "Physiotherapy", "Annual Review", "03/11/2025",
     "24/11/2025", "", "", REH],  # missing case id
)
REH_DUPLICATED = ("REH-000100", "REH-001000", "REH-002000", "REH-003000")


def _mixed_case(rng: Random, value: str) -> str:
    draw = rng.random()
    return value.lower() if draw < 0.02 else value.title() if draw < 0.03 else value


def _reh_row(rng: Random, a: Advice) -> list[str]:
    return [_mixed_case(rng, a.advice_id), _mixed_case(rng, a.case_id),
            rng.choice(REH_LA_SPELLINGS[a.la]), REH_SERVICES.get(a.service, a.service),
            STAGE_SPELLINGS[REH][a.stage], dmy(a.requested), dmy(a.returned_by(LAST)),
            _reason_text(a, LAST), str(a.quality_by(LAST) or ""), REH]


def write_health_advice_reh(path: Path, world: World, rng: Random) -> int:
    rows: list[list[str]] = []
    for advice in (a for a in world.advice if a.provider == REH):
        rows.append(_reh_row(rng, advice))
        if advice.advice_id in REH_DUPLICATED:  # pasted twice by hand
            rows.append(list(rows[-1]))
    genuine = len(rows)
    for k, bad in reversed(list(enumerate(REH_BAD_ROWS, 1))):
        rows.insert(genuine * k // (len(REH_BAD_ROWS) + 1), list(bad))
    write_csv(path, REH_HEADER, rows, "utf-8-sig", "\r\n")
    return len(rows)


NRC_HEADER = ["Request Ref", "LA Case ID", "Local Authority Name", "Service Name", "Advice Type",
              "Received Date", "Return Date", "Reason for Delay", "Quality Rating",
              "Provider Organisation"]
NRC_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire CC", "Northshire"),
                    "Riverside": ("Riverside", "Riverside Council", "Riverside"),
                    "Eastmoor": ("Eastmoor", "Eastmoor", "East Moor")}


def _nrc_row(a: Advice, as_of: date) -> list[str]:
    # Spellings follow from the reference, not from a random draw, so a row that has not
    # changed is written identically in the October and the November export.
    number = int(a.advice_id[-6:])
    spellings = NRC_LA_SPELLINGS[a.la]
    return [a.advice_id, a.case_id, spellings[number % len(spellings)],
            "CYPMHS" if number % 5 == 0 else "CAMHS", STAGE_SPELLINGS[NRC][a.stage],
            dmy(a.requested), dmy(a.returned_by(as_of)), _reason_text(a, as_of),
            str(a.quality_by(as_of) or ""), NRC]


def _write_nrc(path: Path, world: World, as_of: date) -> int:
    rows = [_nrc_row(a, as_of) for a in world.advice
            if a.provider == NRC and a.requested <= as_of]
    write_csv(path, NRC_HEADER, rows, "utf-8", "\n")
    return len(rows)


def write_health_advice_nrc_october(path: Path, world: World, rng: Random) -> int:
    return _write_nrc(path, world, CAMHS_OCTOBER_AS_OF)


def write_health_advice_nrc_november(path: Path, world: World, rng: Random) -> int:
    return _write_nrc(path, world, LAST)


# --- tribunals export -----------------------------------------------------------------------

TRACKER_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire", "Northshire CC"),
                        "Riverside": ("Riverside", "Riverside", "RVS"),
                        "Eastmoor": ("Eastmoor", "Eastmoor", "Eastmoor MBC")}
TRACKER_HEADER = ["Tribunal Ref", "LA Case Ref", "Local Authority", "Date Registered",
                  "Appeal Type", "Health Aspects", "Hearing Date", "Outcome",
                  "Health Recommendation", "Date Recommendation Sent", "ICB Response Date"]
BOOL_STYLES = (("Y", "N"), ("Yes", "No"), (True, False))  # TRUE/FALSE as Excel booleans


def _tracker_row(rng: Random, a: Appeal) -> list[object]:
    yes, no = rng.choice(BOOL_STYLES)
    as_text = rng.random() < 0.08  # dates typed as text on some rows

    def day(d: date | None) -> object:
        return dmy(d) if as_text and d else d

    def flag(value: bool | None) -> object:
        return None if value is None else yes if value else no

    return [a.appeal_id, a.case_id, rng.choice(TRACKER_LA_SPELLINGS[a.la]), day(a.registered),
            a.appeal_type, flag(a.health_aspects), day(a.hearing), a.outcome,
            flag(a.recommendation), day(a.recommendation_date), day(a.response_date)]


def write_tribunals(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "Appeals"
    ws.append(["Northshire ICB - SEND Tribunal appeals tracker (Northshire, Riverside, Eastmoor)"])
    ws.append(TRACKER_HEADER)
    for appeal in world.appeals:
        append_row(ws, _tracker_row(rng, appeal))
    save_workbook(wb, path)
    return len(world.appeals)


# --- schools audit export ------------------------------------------------------------------

AREA_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire", "Northshire CC"),
                     "Riverside": ("Riverside", "Riverside", "Riverside City Council"),
                     "Eastmoor": ("Eastmoor", "Eastmoor", "Eastmoor MBC")}
PHASE_SPELLINGS = {"nursery": ("Nursery", "Early Years", "PVI"), "primary": ("Primary",),
                   "secondary": ("Secondary", "High School"), "special": ("Special", "Special School"),
                   "alternative provision": ("PRU", "AP", "Alternative Provision"),
                   "post-16": ("Post-16", "Sixth Form", "FE College")}
ELEMENT_HEADERS = ("Named Lead", "Staff Training and Cover", "IHP Process", "Medicines",
                   "Trips and Activities", "Emergency Procedures", "Complaints Procedure",
                   "Unacceptable Practice")
SCHOOLS_ROUND_1_HEADER = ["URN", "School Name", "Local Authority", "Phase", "Audit Date",
                          "Policy in Place", "Published on Website", "Policy URL",
                          "Policy Last Reviewed", *ELEMENT_HEADERS,
                          "Pupils with Medical Conditions", "Pupils with IHPs",
                          "Senior Mental Health Lead"]
# From 2025-26 the audit asks about MHST coverage and the wellbeing self-assessment too.
SCHOOLS_LATER_HEADER = [*SCHOOLS_ROUND_1_HEADER[:-1], "SMHL Trained", "MHST Coverage",
                        "Wellbeing Score"]
SCHOOL_ROUNDS = {1: "2024-25 audit", 2: "2025-26 audit", 3: "2026-27 (in progress)"}
# The one deliberately bad row (documented in data_samples/README.md): more pupils with an IHP
# (11) than pupils with a medical condition (8).
SCHOOLS_BAD_ROW = ["990999", "Larkspur Primary School", "Eastmoor", "Primary", date(2025, 11, 12),
                   "Yes", "Yes", "https://larkspur-primary.example/policies/medical-conditions.pdf",
                   date(2025, 9, 1), *["Yes"] * 8, 8, 11, "Yes", "No", 3.2]


def _slug(name: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in name.split())


def _phase_text(rng: Random, audit: SchoolAudit) -> str:
    for word in ("Infant", "Junior"):
        if word in audit.name and rng.random() < 0.5:
            return word
    return rng.choice(PHASE_SPELLINGS[audit.phase])


def _school_row(rng: Random, a: SchoolAudit, header: Sequence[str]) -> list[object]:
    yes, no = ("Y", "N") if a.round == 1 else ("Yes", "No")

    def flag(value: bool | None) -> object:
        return None if value is None else yes if value else no

    reviewed: object = a.reviewed
    if reviewed and rng.random() < 0.1:
        reviewed = dmy(a.reviewed)  # typed over the date format
    elements = a.elements or (None,) * len(ELEMENT_HEADERS)
    values = {
        "URN": a.urn if a.urn.startswith("EY") else int(a.urn), "School Name": a.name,
        "Local Authority": rng.choice(AREA_LA_SPELLINGS[a.la]), "Phase": _phase_text(rng, a),
        "Audit Date": a.audited, "Policy in Place": flag(a.policy),
        "Published on Website": flag(a.published),
        "Policy URL": (f"https://{_slug(a.name)}.example/policies/medical-conditions.pdf"
                       if a.published else None),
        "Policy Last Reviewed": reviewed,
        **{h: flag(e) for h, e in zip(ELEMENT_HEADERS, elements, strict=True)},
        "Pupils with Medical Conditions": a.pupils_mc, "Pupils with IHPs": a.pupils_ihp,
        "Senior Mental Health Lead": flag(a.smhl), "SMHL Trained": flag(a.smhl),
        "MHST Coverage": flag(a.mhst), "Wellbeing Score": a.wellbeing,
    }
    return [values[h] for h in header]


def write_schools(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    wb.remove(wb.active)
    written = 0
    for round_no, title in SCHOOL_ROUNDS.items():
        ws = wb.create_sheet(title)
        ws.append(["Northshire ICB - DCO schools audit: medical conditions policies and mental "
                   "health support (Northshire, Riverside, Eastmoor)"])
        ws.append([f"Audit round {title}"])
        blank_row(ws)
        header = SCHOOLS_ROUND_1_HEADER if round_no == 1 else SCHOOLS_LATER_HEADER
        ws.append(header)
        audits = [a for a in world.schools if a.round == round_no]
        for i, audit in enumerate(audits):
            if round_no == 2 and i == len(audits) // 2:
                append_row(ws, SCHOOLS_BAD_ROW)
                written += 1
            append_row(ws, _school_row(rng, audit, header))
            written += 1
    save_workbook(wb, path)
    return written


# --- annual review exports ------------------------------------------------------------------

REVIEW_WORDS = {"amend": "Amend", "maintain": "Maintain", "cease": "Cease"}
REVIEW_CODES = {"amend": "A", "maintain": "M", "cease": "C"}
REVIEW_PAST = {"amend": "Amended", "maintain": "Maintained", "cease": "Ceased"}
NORTHSHIRE_REVIEW_HEADER = ["Case Ref", "Local Authority", "Annual Review Due Date",
                            "Review Meeting Date", "Health Invited", "Health Attended",
                            "Health Advice Submitted", "Decision Date", "Review Outcome",
                            "Amended Final Plan Issued"]
# The one deliberately bad row: the decision (01/09/2025) is dated before the meeting (10/09/2025).
REVIEWS_BAD_ROW = ["NSH-22-99999", "Northshire County Council", date(2025, 9, 15),
                   date(2025, 9, 10), "Y", "N", "Y", date(2025, 9, 1), "Maintain", None]


def _yn(value: bool | None, yes: object = "Y", no: object = "N") -> object:
    return None if value is None else yes if value else no


def write_reviews_northshire(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "Annual reviews"
    ws.append(["Northshire County Council - EHCP annual review tracker"])
    ws.append([f"Report run: {dmy(EXTRACT)}"])
    ws.append(NORTHSHIRE_REVIEW_HEADER)
    reviews = [r for r in world.reviews if r.la == "Northshire"]
    for i, r in enumerate(reviews):
        if i == len(reviews) // 3:
            append_row(ws, REVIEWS_BAD_ROW)
        append_row(ws, [_messy_case_id(rng, r.case_id), "Northshire County Council", r.due,
                     r.meeting, _yn(r.invited), _yn(r.attended), _yn(r.advice), r.decision_date,
                     REVIEW_WORDS.get(r.decision or ""), r.amended])
    save_workbook(wb, path)
    return len(reviews) + 1


def write_reviews_riverside(path: Path, world: World, rng: Random) -> int:
    """SEN2-style names and codes (ReviewMeeting, ReviewOutcome A/M/C); no attendance column."""
    header = ["Case ID", "LA", "Review Due", "ReviewMeeting", "Health Invited",
              "Health Report Received", "Decision Sent", "ReviewOutcome", "Amended Plan Issued"]
    rows = [[r.case_id, "Riverside City Council", iso(r.due), iso(r.meeting),
             _yn(r.invited, "TRUE", "FALSE") or "", _yn(r.advice, "TRUE", "FALSE") or "",
             iso(r.decision_date), REVIEW_CODES.get(r.decision or "", ""), iso(r.amended)]
            for r in world.reviews if r.la == "Riverside"]
    write_csv(path, header, rows, "utf-8", "\r\n")
    return len(rows)


def write_reviews_eastmoor(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "AR tracker"
    ws.append(["Case Number", "Local Authority Name", "AR Due Date", "AR Meeting Date",
               "Health Invited", "Health Attended", "Health Advice Received", "Date Decision Sent",
               "Outcome", "Amended EHCP Issued"])
    reviews = [r for r in world.reviews if r.la == "Eastmoor"]
    for r in reviews:
        append_row(ws, [r.case_id, "Eastmoor MBC" if rng.random() < 0.3 else "Eastmoor",
                     _eastmoor_date(rng, r.due), _eastmoor_date(rng, r.meeting),
                     _yn(r.invited, "Yes", "No"), _yn(r.attended, "Yes", "No"),
                     _yn(r.advice, "Yes", "No"), _eastmoor_date(rng, r.decision_date),
                     REVIEW_PAST.get(r.decision or ""), _eastmoor_date(rng, r.amended)],
                text_format_ints=True)
    save_workbook(wb, path)
    return len(reviews)


# --- waiting time returns -------------------------------------------------------------------

WAIT_SERVICE_SPELLINGS = {
    NCH: {"Community Paediatrics": "Community Paediatrics", "Speech and Language Therapy": "SALT",
          "Occupational Therapy": "OT", "Physiotherapy": "Physiotherapy",
          "Autism Assessment": "ASD Pathway", "ADHD Assessment": "ADHD Pathway"},
    REH: {"Community Paediatrics": "Paediatrics",
          "Speech and Language Therapy": "Speech & Language Therapy",
          "Occupational Therapy": "Occupational Therapy", "Physiotherapy": "Physio",
          "Autism Assessment": "ASC Assessment", "ADHD Assessment": "ADHD Assessment"},
    NRC: {"CAMHS": "CAMHS", "Neurodevelopmental Pathway": "Neurodevelopmental pathway"},
}
COMMUNITY_WAITS_HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting",
                          "Over 18 Weeks", "Over 52 Weeks", "Median Wait (Weeks)",
                          "Referrals Received"]
# The one deliberately bad row: 30 waiting over 52 weeks but only 12 over 18 weeks.
WAITS_BAD_ROW = ["Jun 2025", NCH, "Northshire", "Dietetics", "85", "12", "30", "9.5", "7"]
CAMHS_NEW_SYSTEM = date(2025, 4, 1)  # months written "2025-04" from here, month-end dates before


def _month_text(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def write_waits_community(path: Path, world: World, rng: Random) -> int:
    rows = [[_month_text(w.month), w.provider, w.la, WAIT_SERVICE_SPELLINGS[w.provider][w.service],
             f"{w.total:,}", f"{w.over_18:,}", f"{w.over_52:,}", f"{w.median_weeks:.1f}",
             f"{w.referrals:,}"]
            for w in world.waits if w.provider in (NCH, REH)]
    rows.insert(len(rows) // 2, list(WAITS_BAD_ROW))
    write_csv(path, COMMUNITY_WAITS_HEADER, rows, "utf-8", "\r\n")
    return len(rows)


def write_waits_camhs(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "Waiting list"
    ws.append([f"{NRC} - waiting list by pathway (whole partnership footprint)"])
    ws.append(["Month Ending", "Provider Name", "Pathway", "Waiting List", "Waiting Over 18 Weeks",
               "Waiting Over 52 Weeks", "Median Weeks Waiting", "New Referrals"])
    rows = [w for w in world.waits if w.provider == NRC]
    for w in rows:
        month_end = _add_month(w.month) - timedelta(days=1)
        month: object = month_end if w.month < CAMHS_NEW_SYSTEM else f"{w.month:%Y-%m}"
        append_row(ws, [month, NRC, WAIT_SERVICE_SPELLINGS[NRC][w.service], w.total, w.over_18,
                     w.over_52, w.median_weeks, w.referrals])
    save_workbook(wb, path)
    return len(rows)


def _add_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


# --- personal health budgets register -------------------------------------------------------

PHB_HEADER = ["PHB Ref", "Local Authority", "PHB Start Date", "PHB End Date", "Continuing Care",
              "Annual Amount Band"]
# The one deliberately bad row: the budget ends (02/05/2025) before it starts (12/05/2025).
PHB_BAD_ROW = ["PHB-EMR-9999", "Eastmoor", date(2025, 5, 12), date(2025, 5, 2), "Yes",
               "£10,000 to £24,999"]


def write_phb(path: Path, world: World, rng: Random) -> int:
    wb = new_workbook()
    ws = wb.active
    ws.title = "PHB register"
    ws.append(["Northshire ICB - personal health budgets register (children and young people)"])
    ws.append(PHB_HEADER)
    for i, b in enumerate(world.budgets):
        if i == len(world.budgets) // 2:
            append_row(ws, PHB_BAD_ROW)
        append_row(ws, [b.case_id, rng.choice(AREA_LA_SPELLINGS[b.la]), b.start, b.end,
                     "Yes" if b.continuing_care else "No", b.band])
    lists = wb.create_sheet("Lists")  # the drop-down lists, hidden as exported
    lists.append(["Annual Amount Band"])
    for band in BUDGET_BANDS:
        lists.append([band])
    lists.sheet_state = "hidden"
    save_workbook(wb, path)
    return len(world.budgets) + 1


# --- complaints log -------------------------------------------------------------------------

COMPLAINTS_HEADER = ["Complaint Ref", "Local Authority", "Date Received", "Health Aspect", "Stage",
                     "Response Due", "Date Responded", "Outcome"]
STAGE_WORDS = {"stage 1": "Stage 1", "stage 2": "Stage 2", "LGSCO": "LGSCO", "PHSO": "PHSO"}
OUTCOME_WORDS = {"upheld": "Upheld", "partly upheld": "Partly upheld", "not upheld": "Not upheld",
                 "withdrawn": "Withdrawn",
                 "closed after initial enquiries": "Closed after initial enquiries"}
# The one deliberately bad row: responded (09/05/2025) before it was received (14/05/2025).
COMPLAINTS_BAD_ROW = ["NSH-CMP-25-9999", "Northshire", "14/05/2025", "Y", "Stage 1", "11/06/2025",
                      "09/05/2025", "Not upheld"]


def _outcome_text(c: Complaint) -> str:
    if c.outcome == "upheld" and c.stage == "LGSCO":
        return "Upheld: maladministration and injustice"
    return OUTCOME_WORDS.get(c.outcome or "", "")


def write_complaints(path: Path, world: World, rng: Random) -> int:
    """Saved from a European-locale spreadsheet: semicolon separated."""
    rows = [[c.reference, rng.choice(AREA_LA_SPELLINGS[c.la]), dmy(c.received),
             "Y" if c.health else "N", STAGE_WORDS[c.stage], dmy(c.due), dmy(c.responded),
             _outcome_text(c)] for c in world.complaints]
    rows.insert(len(rows) // 2, list(COMPLAINTS_BAD_ROW))
    write_csv(path, COMPLAINTS_HEADER, rows, "utf-8", "\r\n", delimiter=";")
    return len(rows)


# --- the LA's export of health advice requests ----------------------------------------------

LA_ADVICE_HEADER = ["Advice Request ID", "EHC Case ID", "Local Authority", "Health Service",
                    "Stage", "Date Advice Requested", "Date Advice Received", "Source"]
LA_STAGE_WORDS = {"new assessment": "EHC needs assessment", "annual review": "Annual review",
                  "reassessment": "Reassessment"}


def write_la_advice(path: Path, world: World, rng: Random) -> int:
    rows = [[r.advice_id, r.case_id, "Northshire County Council", r.service,
             LA_STAGE_WORDS[r.stage], dmy(r.requested), dmy(r.received), "LA"]
            for r in world.la_advice]
    write_csv(path, LA_ADVICE_HEADER, rows, "utf-8", "\r\n")
    return len(rows)
