"""Hand-made SEN2 returns, written to the DfE's SEN2 schema (2024: a <Requests> per request;
2025 form: <Requests> holding <Request>s) and flattened to a CSV or a workbook per module.

The children are invented; the names, UPNs and postcodes exist only to prove none is stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests.conftest import write_csv, write_xlsx

LEA = "330"  # Birmingham's DfE code
LA = "Birmingham"
PERSONS: list[dict[str, Any]] = [
    {"Surname": "Quigleyson", "Forename": "Zoella", "PersonBirthDate": "2015-02-14", "Sex": "F",
     "Ethnicity": "WBRI", "PostCode": "B15 2TT", "UPN": "A123456789012", "requests": [
         {"ReceivedDate": "2025-01-06", "RequestOutcomeDate": "2025-02-10", "RequestOutcome": "Y",
          "RequestMediation": "false", "RequestTribunal": "false",
          "Assessment": {"AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2025-04-20",
                         "Week20": "false", "StartDate": "2025-05-19", "URN": "103456"},
          "SENtype": "ASD"},
         {"ReceivedDate": "2025-09-01", "RequestOutcomeDate": "2025-10-06", "RequestOutcome": "N",
          "RequestMediation": "true", "RequestTribunal": "true"},
     ]},
    {"Surname": "Kowalczykova", "Forename": "Amirah", "PersonBirthDate": "2012-07-03", "Sex": "M",
     "Ethnicity": "AIND", "PostCode": "B29 6QQ", "UniqueLearnerNumber": "1234567890", "requests": [
         {"ReceivedDate": "2025-02-03", "RequestOutcomeDate": "2025-03-10", "RequestOutcome": "Y",
          "Assessment": {"AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2025-06-30",
                         "Week20": "true", "StartDate": "2025-08-01"},
          "SENtype": "SEMH"},
     ]},
    {"Surname": "Brightwaterly", "Forename": "Olufemi", "PersonBirthDate": "2018-11-30",
     "Sex": "M", "Ethnicity": "BAFR", "PostCode": "B31 1XY", "UPNunknown": "UN2", "requests": [
         {"ReceivedDate": "2025-03-03", "RequestOutcomeDate": "2025-04-07", "RequestOutcome": "Y",
          "Assessment": {"AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2025-08-20",
                         "Week20": "0", "StartDate": "2025-09-15"},
          "SENtype": "SLCN"},
         {"ReceivedDate": "2025-11-03", "RequestOutcome": "A"},
     ]},
    {"Surname": "Marchbankes", "Forename": "Priyanka", "PersonBirthDate": "2010-05-21",
     "Sex": "F", "Ethnicity": "WOTH", "PostCode": "B13 8AA", "UPN": "B987654321098", "requests": [
         {"ReceivedDate": "2025-04-14", "RequestOutcomeDate": "2025-05-12", "RequestOutcome": "Y",
          "Assessment": {"AssessmentOutcome": "Y", "AssessmentOutcomeDate": "2025-07-28",
                         "Week20": "1", "StartDate": "2025-08-26"},
          "SENtype": "SPLD"},
     ]},
]
SECRETS = [s for p in PERSONS for s in (p["Surname"], p["Forename"], p["PostCode"],
                                        p.get("UPN"), p.get("UniqueLearnerNumber")) if s]


def requests() -> list[dict[str, Any]]:
    return [r for p in PERSONS for r in p["requests"]]


def within_20_weeks() -> dict[str, int]:
    """An independent count of the fixture's plans: issued, within 140 days, with exceptions."""
    plans = [r["Assessment"] for r in requests() if "StartDate" in r.get("Assessment", {})]
    days = [(dt.date.fromisoformat(a["StartDate"]) - dt.date.fromisoformat(r["ReceivedDate"])).days
            for r in requests() for a in [r.get("Assessment", {})] if "StartDate" in a]
    excepted = [a["Week20"] in ("true", "1") for a in plans]
    return {"issued": len(plans),
            "numerator_excl": sum(d <= 140 and not e for d, e in zip(days, excepted, strict=True)),
            "denominator_excl": sum(not e for e in excepted),
            "numerator_incl": sum(d <= 140 for d in days)}


def _el(name: str, value: Any) -> str:
    return f"<{name}>{escape(str(value))}</{name}>" if value is not None else ""


def _request_xml(r: dict[str, Any], tag: str) -> str:
    body = "".join(_el(k, r.get(k)) for k in ("ReceivedDate", "RYA", "RequestOutcomeDate",
                                              "RequestOutcome", "RequestMediation",
                                              "RequestTribunal"))
    body += _el("Exported", "330") if r.get("RequestOutcome") == "N" else ""
    if a := r.get("Assessment"):
        plan = ""
        if a.get("StartDate"):
            plan = ("<NamedPlan>" + _el("StartDate", a["StartDate"])
                    + "<PlanDetail>" + _el("URN", a.get("URN")) + "<SENSetting>OLA</SENSetting>"
                    "<PlacementRank>1</PlacementRank><SENunitIndicator>false</SENunitIndicator>"
                    "<ResourcedProvisionIndicator>false</ResourcedProvisionIndicator></PlanDetail>"
                    "<PlanRes>A</PlanRes></NamedPlan>")
        body += ("<Assessment>" + _el("AssessmentOutcome", a["AssessmentOutcome"])
                 + _el("AssessmentOutcomeDate", a.get("AssessmentOutcomeDate"))
                 + _el("Week20", a.get("Week20")) + plan + "</Assessment>")
    if r.get("SENtype"):
        body += ("<ActivePlans><PlacementDetail><SENSetting>OLA</SENSetting><PlacementRank>1"
                 "</PlacementRank><EntryDate>2025-06-01</EntryDate><SENunitIndicator>false"
                 "</SENunitIndicator><ResourcedProvisionIndicator>false"
                 "</ResourcedProvisionIndicator></PlacementDetail>"
                 "<SENneed><SENtype>OTH</SENtype><SENtypeRank>2</SENtypeRank></SENneed>"
                 f"<SENneed><SENtype>{r['SENtype']}</SENtype><SENtypeRank>1</SENtypeRank></SENneed>"
                 "</ActivePlans>")
    return f"<{tag}>{body}</{tag}>"


def xml_return(form: int = 2024, declaration: bool = True, dmo: str = "Y", dco: str = "R",
               lea: str = LEA) -> str:
    persons = ""
    for p in PERSONS:
        items = "".join(_el(k, p.get(k)) for k in ("Surname", "Forename", "PersonBirthDate", "Sex",
                                                    "Ethnicity", "PostCode", "UPN",
                                                    "UniqueLearnerNumber", "UPNunknown"))
        if form == 2024:
            reqs = "".join(_request_xml(r, "Requests") for r in p["requests"])
        else:
            reqs = "<Requests>" + "".join(_request_xml(r, "Request") for r in p["requests"]) \
                + "</Requests>"
        persons += f"<Person>{items}{reqs}</Person>"
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
    return (f"{head}<Message><Header><CollectionDetails><Collection>SEN2</Collection>"
            f"<Year>{form + 1 if form == 2024 else form}</Year>"
            "<ReferenceDate>2026-01-15</ReferenceDate></CollectionDetails>"
            f"<Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA><SoftwareCode>CaseSys</SoftwareCode>"
            "<Release>4.2</Release><SerialNo>001</SerialNo><DateTime>2026-01-20T10:00:00</DateTime>"
            f"<DMO>{dmo}</DMO><DCO>{dco}</DCO></Source></Header><Persons>{persons}</Persons></Message>")


FLAT_COLUMNS = ["PersonID", "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity",
                "PostCode", "UPN", "UniqueLearnerNumber", "ReceivedDate", "RequestOutcomeDate",
                "RequestOutcome", "RequestMediation", "RequestTribunal", "AssessmentOutcome",
                "AssessmentOutcomeDate", "Week20", "StartDate", "PlanRes", "SENtype"]


def _sen2_tool_date(iso: str | None) -> str | None:
    """`2025-Jan-06 00:00:00`, as SEN2 tools write a date."""
    return f"{dt.date.fromisoformat(iso):%Y-%b-%d} 00:00:00" if iso else None


def flat_csv(path: Path, lea: bool = False, las: list[str] | None = None) -> Path:
    """One row per request; with `lea`, the header's LEA, DMO and DCO repeated on every row;
    with `las`, an "LA" column last, a request's LA each (as a case system writes it)."""
    rows = [(["LEA", "DMO", "DCO"] if lea else []) + FLAT_COLUMNS + (["LA"] if las else [])]
    named = iter(las or [])
    for n, p in enumerate(PERSONS, start=1):
        for r in p["requests"]:
            a = r.get("Assessment", {})
            values = {**p, **r, **a, "PersonID": f"P{n}", "PlanRes": "A" if a else None,
                      "ReceivedDate": _sen2_tool_date(r["ReceivedDate"]),
                      "StartDate": _sen2_tool_date(a.get("StartDate"))}
            rows.append(([LEA, "N", "Y"] if lea else []) + [values.get(c) or "" for c in FLAT_COLUMNS]
                        + ([next(named)] if las else []))
    return write_csv(path, rows)


def module_workbook(path: Path, person_las: list[str] | None = None) -> Path:
    """One sheet per SEN2 module, joined on PersonID and RequestID; dates as Excel dates. With
    `person_las`, the persons sheet ends with an "LA" column, a child's LA each."""
    def day(iso: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(iso) if iso else None
    persons = [["PersonID", "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity",
                "PostCode", "UPN", "UniqueLearnerNumber", "UPNunknown"]
               + (["LA"] if person_las else [])]
    reqs = [["RequestID", "PersonID", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
             "RequestMediation", "RequestTribunal"]]
    assessments = [["RequestID", "AssessmentOutcome", "AssessmentOutcomeDate", "Week20"]]
    plans = [["RequestID", "StartDate", "PlanRes", "CeaseDate"]]
    active = [["RequestID", "SENtype", "SENtypeRank", "LastReview", "Caseworker notes"]]
    k = 0
    for n, p in enumerate(PERSONS, start=1):
        persons.append([n, p["Surname"], p["Forename"], day(p["PersonBirthDate"]), p["Sex"],
                        p["Ethnicity"], p["PostCode"], p.get("UPN"), p.get("UniqueLearnerNumber"),
                        p.get("UPNunknown")] + ([person_las[n - 1]] if person_las else []))
        for r in p["requests"]:
            k += 1
            reqs.append([k, n, day(r["ReceivedDate"]), day(r.get("RequestOutcomeDate")),
                         r["RequestOutcome"], r.get("RequestMediation"), r.get("RequestTribunal")])
            if a := r.get("Assessment"):
                assessments.append([k, a["AssessmentOutcome"], day(a["AssessmentOutcomeDate"]),
                                    a["Week20"]])
                plans.append([k, day(a["StartDate"]), "A", None])
            if r.get("SENtype"):
                active.append([k, r["SENtype"], 1, None, "seen"])
    return write_xlsx(path, {"persons": persons, "requests": reqs, "assessments": assessments,
                             "named plans": plans, "active plans": active})
