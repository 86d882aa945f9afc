"""Controlled vocabularies: the canonical values of coded columns and the spellings seen in exports.

Keys are matched after `normalise_token` (lower case, letters and digits only), so "S.A.L.T",
"salt" and "SALT " are one spelling. Add a spelling here, never in a parser.
"""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_token(value: str) -> str:
    """Lower-case a label and drop everything but letters and digits ("Request Date" -> "requestdate")."""
    return _NON_ALNUM.sub("", value.lower().replace("&", "and"))


def _index(vocab: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Invert {canonical: spellings} into {normalised spelling: canonical}."""
    index: dict[str, str] = {}
    for canonical, spellings in vocab.items():
        for spelling in (canonical, *spellings):
            index[normalise_token(spelling)] = canonical
    return index


SERVICES: dict[str, tuple[str, ...]] = {
    "Community Paediatrics": (
        "Paediatrics", "Paeds", "Community Paeds", "Comm Paeds", "Paediatrician",
        "Community Paediatrician", "Community Child Health", "CCH", "Pediatrics",
        "Community Pediatrics", "Designated Medical Officer", "DMO",
    ),
    "Speech and Language Therapy": (
        "SALT", "SLT", "S&LT", "S and LT", "Speech & Language Therapy", "Speech and Language",
        "Speech Therapy", "Speech and Language Therapies", "SaLT Service",
        "Speech and Language Therapist",
    ),
    "Occupational Therapy": ("OT", "Occ Therapy", "Children's OT", "Paediatric OT",
                             "Occupational Therapist"),
    "Physiotherapy": ("Physio", "PT", "Paediatric Physiotherapy", "Children's Physiotherapy",
                      "Physiotherapist"),
    "CAMHS": (
        "Child and Adolescent Mental Health Services", "Child and Adolescent Mental Health",
        "CYPMHS", "Children and Young People's Mental Health Services", "Mental Health",
        "Tier 3 CAMHS",
    ),
    "Specialist Nursing": (
        "Nursing", "Specialist Nurse", "Community Nursing", "Children's Community Nursing",
        "School Nursing", "Special School Nursing", "Learning Disability Nursing", "LD Nursing",
    ),
    "Audiology": ("Hearing", "Paediatric Audiology", "Hearing Services"),
    "Vision": ("Ophthalmology", "Orthoptics", "Visual Impairment", "Eye Clinic", "VI"),
    "Dietetics": ("Dietitian", "Dietician", "Paediatric Dietetics", "Nutrition and Dietetics"),
    # Diagnostic pathways, named on waiting-time returns (NICE CG128: an autism diagnostic
    # assessment should start within 13 weeks of referral). A combined neurodevelopmental
    # pathway assesses autism and ADHD together, so it stays its own service rather than being
    # counted as either.
    "Autism Assessment": (
        "Autism", "Autism Pathway", "Autism Assessment Pathway", "Autism Diagnostic Assessment",
        "Autism Diagnostic Pathway", "ASD", "ASD Pathway", "ASD Assessment", "ASC",
        "ASC Pathway", "ASC Assessment", "Autism Spectrum Condition Assessment",
    ),
    "ADHD Assessment": (
        "ADHD", "ADHD Pathway", "ADHD Assessment Pathway", "ADHD Diagnostic Assessment",
        "ADHD Diagnostic Pathway", "Attention Deficit Hyperactivity Disorder Assessment",
    ),
    "Neurodevelopmental Pathway": (
        "Neurodevelopmental", "Neurodevelopmental Assessment", "Neurodevelopmental Service",
        "ND Pathway", "NDD Pathway", "ND Assessment", "Neurodevelopmental Disorders Pathway",
        "Autism and ADHD Pathway", "ASD and ADHD Pathway",
    ),
    "Other": ("Other Health", "Other Service"),
}
SERVICE_INDEX = _index(SERVICES)

# EHC needs assessment request outcome (SEN2 RequestOutcome codes accepted).
DECISIONS: dict[str, tuple[str, ...]] = {
    # A "Decision to Assess" flag: TRUE/FALSE, 1/0, as well as Yes/No.
    "assess": ("Y", "Yes", "Agreed to assess", "Agree to assess", "Assessment agreed", "Agreed",
               "True", "1", "Decision to assess"),
    "not assess": (
        "N", "No", "Refused", "Refused to assess", "Refuse to assess", "Refusal to assess",
        "Declined", "Not to assess",
        "Decision not to assess", "Not agreed", "Not agreed to assess", "False", "0",
    ),
    "not yet decided": ("A", "Pending", "Awaiting decision", "Not yet decided", "Open"),
    "withdrawn": ("W", "Withdrawn", "Request withdrawn"),
    "historical": ("H", "Historical"),
}
DECISION_INDEX = _index(DECISIONS)

# SEN2 AssessmentOutcome: whether a plan is to be issued after assessment.
ASSESSMENT_OUTCOMES: dict[str, tuple[str, ...]] = {
    "plan to be issued": ("Y", "Yes", "Issue", "Plan issued", "EHCP issued", "Issue plan", "True",
                          "1", "Decision to issue"),
    "plan not issued": ("N", "No", "Not issued", "Decision not to issue", "No plan", "False", "0",
                        "Not to issue", "Refusal to issue", "Refused to issue"),
    "not yet decided": ("A", "Pending", "Awaiting"),
    "withdrawn": ("W",),
    "historical": ("H",),
}
ASSESSMENT_OUTCOME_INDEX = _index(ASSESSMENT_OUTCOMES)

STAGES: dict[str, tuple[str, ...]] = {
    "new assessment": (
        "New", "EHC needs assessment", "EHCNA", "Needs assessment", "Initial assessment",
        "Statutory assessment", "New request", "Assessment", "EHC assessment",
    ),
    "annual review": ("Review", "AR", "Annual", "Annual review of EHCP"),
    "reassessment": ("Re-assessment", "Reassess", "Re-assessment request"),
}
STAGE_INDEX = _index(STAGES)

# Who recorded a health advice request: the provider's log (the service received the request:
# the reg 8(1) clock) or the LA's case system (the LA sent it).
SOURCES: dict[str, tuple[str, ...]] = {
    "provider": (
        "P", "Provider", "Provider Log", "Health Provider", "Health", "NHS", "Trust", "NHS Trust",
        "Health Service",
    ),
    "local authority": (
        "L", "LA", "Local Authority", "Council", "LA Export", "LA Case System", "SEN Team",
        "SEND Team", "Local Authority Export",
    ),
}
SOURCE_INDEX = _index(SOURCES)

# Annual review outcome (SEN2 ReviewOutcome: A amend, M maintain, C cease).
REVIEW_DECISIONS: dict[str, tuple[str, ...]] = {
    "amend": ("A", "Amend", "Amended", "Amend plan", "Amend EHCP", "Proposal to amend",
              "Decision to amend"),
    "maintain": ("M", "Maintain", "Maintained", "Maintain plan", "Maintain unchanged",
                 "No change", "No changes", "Continue", "Maintain without amendment",
                 "Maintain without amendments"),
    "cease": ("C", "Cease", "Ceased", "Cease plan", "Cease to maintain", "Decision to cease",
              "Cease EHCP"),
}
REVIEW_DECISION_INDEX = _index(REVIEW_DECISIONS)

# School or setting phase, with the DfE's establishment phases and local shorthand.
PHASES: dict[str, tuple[str, ...]] = {
    "nursery": ("Nursery", "Nursery School", "Early Years", "EY", "Pre-school", "Preschool",
                "PVI", "PVI Nursery", "Day Nursery", "Childminder", "Early Years Setting"),
    "primary": ("Primary", "Primary School", "Infant", "Infants", "Junior", "First School",
                "Middle deemed primary"),
    "secondary": ("Secondary", "Secondary School", "High School", "Middle deemed secondary",
                  "All-through", "All through", "Upper School"),
    "special": ("Special", "Special School", "Special Academy", "SEN School",
                "Independent Special School", "Non-maintained Special School", "NMSS"),
    "alternative provision": ("AP", "Alternative Provision", "PRU", "Pupil Referral Unit",
                              "AP Academy", "Alternative Provision Academy",
                              "Pupil referral unit/Alternative provision", "PRU/AP"),
    "post-16": ("Post 16", "16 Plus", "Sixth Form", "Sixth Form College",
                "FE", "FE College", "Further Education", "College", "Specialist Post-16"),
    # Where an Annex A list names no school phase for a child's main establishment.
    "independent or other": ("Independent", "Independent School", "Hospital School",
                             "Secure Setting", "Other Setting", "Other"),
    "not in education": ("Not in education", "NEET", "Not attending", "No setting",
                         "No school", "Home educated", "Elective home education", "EHE"),
}
PHASE_INDEX = _index(PHASES)

# Sex as the DfE's Annex A and school census record it (the Annex A template calls it "Gender").
SEXES: dict[str, tuple[str, ...]] = {
    "male": ("M", "Male", "Boy", "1"),
    "female": ("F", "Female", "Girl", "2"),
    "not known": ("U", "Unknown", "Not known", "Not recorded", "0"),
    "not specified": ("I", "Indeterminate", "Not specified", "Other", "9"),
}
SEX_INDEX = _index(SEXES)

# The DfE's ethnicity codes (school census and Annex A), with their major group and the names
# seen in case systems. Stored as the code; breakdowns use the major group, as small groups of
# children would otherwise be suppressed.
ETHNICITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "WBRI": ("White", ("White British", "White - British", "A1")),
    "WIRI": ("White", ("White Irish", "White - Irish", "A2")),
    "WIRT": ("White", ("Traveller of Irish Heritage", "Traveller of Irish heritage", "A4")),
    "WOTH": ("White", ("Any other White background", "White other", "White - Other", "A3")),
    "WROM": ("White", ("Gypsy/Roma", "Gypsy Roma", "A5")),
    "MWBC": ("Mixed", ("White and Black Caribbean", "B1")),
    "MWBA": ("Mixed", ("White and Black African", "B2")),
    "MWAS": ("Mixed", ("White and Asian", "B3")),
    "MOTH": ("Mixed", ("Any other mixed background", "Mixed other", "B4")),
    "AIND": ("Asian", ("Indian", "Asian - Indian", "C1")),
    "APKN": ("Asian", ("Pakistani", "Asian - Pakistani", "C2")),
    "ABAN": ("Asian", ("Bangladeshi", "Asian - Bangladeshi", "C3")),
    "AOTH": ("Asian", ("Any other Asian background", "Asian other", "C4")),
    "BCRB": ("Black", ("Black Caribbean", "Caribbean", "Black - Caribbean", "D1")),
    "BAFR": ("Black", ("Black African", "African", "Black - African", "D2")),
    "BOTH": ("Black", ("Any other Black background", "Black other", "D3")),
    "CHNE": ("Other", ("Chinese", "E1")),
    "OOTH": ("Other", ("Any other ethnic group", "Other ethnic group", "E2")),
    "REFU": ("Not obtained or refused", ("Refused", "Information refused", "E3")),
    "NOBT": ("Not obtained or refused", ("Information not yet obtained", "Not obtained", "E4")),
    "UNKNOWN": ("Not obtained or refused", ("Unknown", "Not known", "E5")),
}
ETHNICITY_INDEX = _index({code: names for code, (_, names) in ETHNICITIES.items()})
ETHNIC_GROUPS: dict[str, str] = {code: group for code, (group, _) in ETHNICITIES.items()}

# Which Annex A list a child is on: List 1 (an EHC plan) or List 2 (SEN support); the school
# census's SEN provision codes (E, K) say the same.
SEN_PROVISIONS: dict[str, tuple[str, ...]] = {
    "EHC plan": ("E", "EHCP", "EHC", "Education, health and care plan", "List 1", "Statement"),
    "SEN support": ("K", "SEN Support", "Support", "List 2"),
}
SEN_PROVISION_INDEX = _index(SEN_PROVISIONS)

# Complaint stage: the council's (or ICB's) own stages, then the ombudsmen.
COMPLAINT_STAGES: dict[str, tuple[str, ...]] = {
    "stage 1": ("1", "Stage One", "Stage 1 Complaint", "Formal Stage 1", "Local Resolution"),
    "stage 2": ("2", "Stage Two", "Stage 2 Complaint", "Formal Stage 2", "Stage 2 Review"),
    "stage 3": ("3", "Stage Three", "Stage 3 Complaint", "Review Panel"),
    "LGSCO": ("Local Government and Social Care Ombudsman", "Local Government Ombudsman",
              "LGO", "Ombudsman", "LGSCO Enquiry", "LGSCO Complaint"),
    "PHSO": ("Parliamentary and Health Service Ombudsman", "Health Service Ombudsman",
             "PHSO Enquiry"),
}
COMPLAINT_STAGE_INDEX = _index(COMPLAINT_STAGES)

COMPLAINT_OUTCOMES: dict[str, tuple[str, ...]] = {
    "upheld": ("Upheld", "Fully upheld", "Upheld: maladministration and injustice",
               "Maladministration and injustice", "Fault found", "Fault causing injustice"),
    "partly upheld": ("Partly upheld", "Partially upheld", "Part upheld", "Partly",
                      "Upheld in part", "Partially"),
    "not upheld": ("Not upheld", "No fault", "No fault found", "Rejected"),
    "withdrawn": ("Withdrawn", "Complaint withdrawn"),
    "closed after initial enquiries": (
        "Closed after initial enquiries", "Closed after initial enquiry", "Not investigated",
        "Premature", "Referred back for local resolution", "Out of jurisdiction",
    ),
}
COMPLAINT_OUTCOME_INDEX = _index(COMPLAINT_OUTCOMES)

# SEND Tribunal appeal outcomes as trackers write them, by the label the dashboard shows, in
# the order it shows them. Unlike the coded lists above, an outcome not listed loads as written
# (a tracker's own wording: rejecting it would drop the appeal from the 5-week metric).
APPEAL_OUTCOMES: dict[str, tuple[str, ...]] = {
    "Upheld": ("Upheld", "Appeal upheld", "Fully upheld", "Allowed", "Appeal allowed"),
    "Partially upheld": ("Partially upheld", "Partly upheld", "Part upheld", "Upheld in part",
                         "Appeal partially upheld", "Allowed in part", "Partially allowed"),
    "Conceded": ("Conceded", "Appeal conceded", "LA conceded", "Conceded by LA",
                 "Conceded by the LA", "Conceded by local authority"),
    "Dismissed": ("Dismissed", "Appeal dismissed"),
    "Withdrawn": ("Withdrawn", "Appeal withdrawn", "Withdrawn by parent", "Withdrawn by appellant"),
    "Struck out": ("Struck out", "Appeal struck out", "Strike out"),
    "Pending": ("Pending", "Awaiting hearing", "Awaiting decision", "Not yet heard",
                "Awaiting outcome"),
}
APPEAL_OUTCOME_INDEX = _index(APPEAL_OUTCOMES)

# SEN2 SENtype codes (DS from 2025) and the long names seen in case systems. SpLD "encompasses
# dyslexia, dyscalculia and dyspraxia" (SEND Code of Practice 6.31); "DCD" is left out, as some
# record it as PD.
SEN_TYPES: dict[str, tuple[str, ...]] = {
    "SPLD": ("Specific learning difficulty", "Specific Learning Difficulties", "Dyslexia",
             "Dyscalculia", "Dyspraxia"),
    "MLD": ("Moderate learning difficulty", "Moderate Learning Difficulties"),
    "SLD": ("Severe learning difficulty", "Severe Learning Difficulties"),
    "PMLD": ("Profound and multiple learning difficulty", "Profound & Multiple LD",
             "Profound and multiple learning difficulties"),
    "SEMH": ("Social, emotional and mental health", "Social Emotional and Mental Health"),
    "SLCN": (
        "Speech, language and communication needs", "Speech Language and Communication",
        "Speech, language and communication",
    ),
    "HI": ("Hearing impairment",),
    "VI": ("Visual impairment", "Vision impairment"),
    "MSI": ("Multi-sensory impairment", "Multi sensory impairment"),
    "PD": ("Physical disability",),
    "ASD": ("Autistic spectrum disorder", "Autism", "Autistic Spectrum Condition", "ASC",
            "Autism spectrum disorder", "Autism spectrum condition"),
    "OTH": ("Other", "Other difficulty/disability", "Other difficulty or disability"),
    "DS": ("Down syndrome", "Down's syndrome"),
    # School census only: SEN support without a specialist assessment of the type of need.
    "NSA": ("No specialist assessment", "No specialist assessment of type of need"),
}
SEN_TYPE_INDEX = _index(SEN_TYPES)

# Lawful exceptions, and only those. Health advice: SEND Regulations 2014 reg 8(2); plans: reg
# 10(4), applied by reg 13(3). A reason is lawful when its words say so ("absent from the area",
# "away from area for a month", "school closed for the summer"); a reason that may or may not be
# lawful ("holiday" alone, "illness", "family circumstances", "staff sickness") is not an
# exception unless the area maps it in settings.toml ([exceptions]), and is warned about on load.
PERSONAL = "exceptional personal circumstances"
ABSENT = "absent from area 4+ weeks"
MISSED = "missed appointment"
CLOSURE = "school or setting closure 4+ weeks"
UNSPECIFIED = "exception (unspecified)"

ADVICE_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    PERSONAL: ("Personal circumstances", "Exceptional circumstances",
               "Exceptional personal circumstance"),
    ABSENT: ("Absent from area", "Away from area", "Out of area", "Away from the area",
             "Absence from area", "Child away from area for 4 weeks or more", "Absent for 4 weeks"),
    MISSED: ("DNA", "Did not attend", "Was not brought", "WNB", "Missed appt"),
}
PLAN_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    CLOSURE: ("School closure", "Setting closure", "School holidays", "Closure", "Summer closure",
              "School holiday"),
    PERSONAL: ("Personal circumstances", "Exceptional circumstances",
               "Exceptional personal circumstance"),
    ABSENT: ("Absent from area", "Away from area", "Out of area", "Absence from area"),
    UNSPECIFIED: ("Week20", "Exception", "20 week exception", "Exception applies"),
}
ADVICE_EXCEPTION_INDEX = _index(ADVICE_EXCEPTIONS)
PLAN_EXCEPTION_INDEX = _index(PLAN_EXCEPTIONS)

# Wording variants of the lawful reasons, matched on the words of a reason (lower case, letters
# and digits only). Each names what it needs, so a doubtful word never matches on its own.
_ABSENT = re.compile(r"\b(absent|absence|away|out)\b.*\b(area|county|borough|country|uk)\b")
_PERSONAL = re.compile(r"\bexceptional\b.*\bcircumstances?\b|\bpersonal circumstances?\b")
_MISSED = re.compile(r"\b(did not attend|dna|was not brought|wnb|not brought|failed to attend|"
                     r"missed (an |the )?(appointment|appt|assessment)|no show)\b")
_SETTING = r"(school|setting|college|nursery|academy|pre school|preschool|early years)"
_CLOSURE = re.compile(
    rf"\b{_SETTING}\b.*\b(clos(ed|ure|ing)|holidays?|shut)\b"
    rf"|\b(clos(ed|ure)|shut)\b.*\b{_SETTING}\b"
    r"|\bsummer\b.*\b(clos(ed|ure)|holidays?|break)\b"  # Christmas, Easter, half term: under 4 weeks
    r"|^(summer )?closure$")
_VARIANTS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "advice": ((MISSED, _MISSED), (ABSENT, _ABSENT), (PERSONAL, _PERSONAL)),
    "plan": ((CLOSURE, _CLOSURE), (ABSENT, _ABSENT), (PERSONAL, _PERSONAL)),
}


# What undoes a lawful reason's words: a negation close before them ("no exceptional
# circumstances", "not away from area", "not a DNA"), a doubt ("exceptional circumstances?
# TBC"), an appointment the service missed or cancelled ("clinician DNA'd", "cancelled by
# clinic"), or, for the reasons the law gives a length, a stated time under its 4 weeks ("away
# from area for 2 weeks", "school closed 2 days"). Such a reason counts as late, and its file's
# load says so, so that the area can map it in settings.toml if it means a lawful reason.
_HOLDING_NOT = (("did not attend", "dna"), ("could not attend", "dna"), ("was not brought", "wnb"),
                ("not brought", "wnb"), ("no show", "dna"))  # lawful with a negation of their own
_NEGATED = re.compile(
    r"\b(no|not|non|never|without|isn t|wasn t|nor)\b( \S+)? (exceptional|personal|"
    r"circumstances?|away|absent|absence|out|dna|wnb|missed|appointment|appt|clos(ed|ure)|shut|"
    r"holidays?|summer)\b")
_DOUBT = re.compile(r"\b(tbc|tba|to be confirmed|unconfirmed|query|queried|possible|possibly|"
                    r"maybe|pending|awaiting|unclear|unsure|check)\b")
_BY_THE_SERVICE = re.compile(
    r"\b(clinician|therapist|practitioner|doctor|consultant|paediatrician|nurse|staff|"
    r"professional|clinic|service|provider|trust|team)s? (dna|dnad|did not attend|cancell?ed|"
    r"sick|absent|unavailable|off sick|on leave)\b"
    r"|\bcancell?ed by (the )?(clinic|clinician|service|provider|trust|therapist|team|staff|"
    r"hospital|practitioner|doctor|consultant)\b")
_LENGTH = re.compile(r"\b(\d+|an?|one|two|three|few|couple of) (days?|weeks?|wks?)\b")
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "few": 3, "couple of": 2}
# Closures that are never 4 weeks long, whatever the words around them.
_SHORT_CLOSURE = re.compile(r"\b(half term|christmas|easter|bank holiday|inset|training days?|"
                            r"snow|strike|weekend|polling day)\b")


def _under_4_weeks(words: str) -> bool:
    """Whether every length the words state is under 4 weeks (none stated: False)."""
    days = [int(_COUNTS.get(n, n)) * (1 if unit.startswith("day") else 7)
            for n, unit in _LENGTH.findall(words)]
    return bool(days) and max(days) < 28


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def lawful_exception(text: str, kind: str, local: dict[str, str] | None = None) -> str | None:
    """The lawful exception (reg 8(2) for kind "advice", reg 10(4) for "plan") that a recorded
    reason states, else None. `local` maps the area's own spellings (normalised tokens) to a
    lawful reason: settings.toml's [exceptions], shown wherever the figure is explained."""
    token = normalise_token(text)
    if local and token in local:
        return local[token]
    index = ADVICE_EXCEPTION_INDEX if kind == "advice" else PLAN_EXCEPTION_INDEX
    if token in index:
        return index[token]
    words = _words(text)
    if "?" in text or _DOUBT.search(words) or _BY_THE_SERVICE.search(words):
        return None
    for phrase, short in _HOLDING_NOT:
        words = re.sub(rf"\b{phrase}\b", short, words)
    if _NEGATED.search(words):
        return None
    for canonical, pattern in _VARIANTS[kind]:
        if pattern.search(words):
            short = _under_4_weeks(words) or (canonical == CLOSURE and _SHORT_CLOSURE.search(words))
            return None if canonical in (ABSENT, CLOSURE) and short else canonical
    return None


# Spellings in an exception column that mean "no exception".
NO_EXCEPTION = frozenset(
    normalise_token(s)
    for s in ("", "none", "no", "n", "n/a", "na", "nil", "false", "0", "-", "no exception")
)

# What case systems and trackers write for a date not recorded ("N/A", "TBC", "-", "00/00/0000",
# "Not known"; an end date "Ongoing"), and for a yes or no not recorded: both read as blank.
_NOT_KNOWN = ("-", "n/a", "tbc", "tba", "not applicable", "null", "not known", "unknown", "n/k",
              "not recorded")
DATE_NOT_RECORDED = frozenset(normalise_token(s) for s in (
    *_NOT_KNOWN, "none", "nil", "00/00/0000", "0000-00-00", "ongoing"))
ANSWER_NOT_RECORDED = frozenset(normalise_token(s) for s in _NOT_KNOWN)

TRUE_WORDS = frozenset({"y", "yes", "true", "1", "t"})
FALSE_WORDS = frozenset({"n", "no", "false", "0", "f"})


# NHS England's community health services waiting-list service lines for children and young
# people (the "(CYP) ..." columns, stored without the prefix), with the spellings of the DfE
# inclusion dashboard's series; and which of this project's services (SERVICES) each one counts.
CHS_SERVICE_LINES: dict[str, tuple[str, ...]] = {
    "Community paediatric service": ("Community Paediatric Service", "Community paediatrics"),
    "Speech and language therapy service": ("Speech And Language", "Speech and language therapy"),
    "Occupational therapy": ("Occupational Therapy service",),
    "Physiotherapy": ("Community physiotherapy", "Physiotherapy service"),
    "Audiology": ("Audiology service",),
    "Dietetics": ("Dietetics service", "Nutrition and dietetics"),
    "Community nursing services": ("Community nursing services (planned care)", "Community nursing"),
}
LOCAL_TO_CHS: dict[str, str] = {
    "Community Paediatrics": "Community paediatric service",
    "Speech and Language Therapy": "Speech and language therapy service",
    "Occupational Therapy": "Occupational therapy",
    "Physiotherapy": "Physiotherapy",
    "Audiology": "Audiology",
    "Dietetics": "Dietetics",
    "Specialist Nursing": "Community nursing services",
}
_CHS_INDEX = _index(CHS_SERVICE_LINES)


def chs_service_line(label: str) -> str:
    """NHS England's name for a children's service line; a line not listed keeps its own name."""
    return _CHS_INDEX.get(normalise_token(label), label.strip())
