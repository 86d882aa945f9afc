"""Annex A lists built by hand to the DfE template's layout (List 1: EHC plans; List 2: SEN
support): title rows above the header, en-dash headers, option letters ("a) Male"), Excel dates
and dates as text. Every child here is invented."""

from __future__ import annotations

import datetime as dt

LIST_1_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity",
    "Date initial EHC plan issued", "Date updated EHC plan issued", "Date EHC plan last reviewed",
    "SEN primary need", "Main education establishment – URN",
    "Main education establishment – phase",
    "Subsidiary education establishment – phase (dual registration)", "Elective home education",
    "Suspensions", "Known to children's social care?",
    "Does the child or young person have a disability?",
]
LIST_2_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity", "SEN primary need",
    "Main education establishment - URN", "Main education establishment - phase", "Absence",
]
D = dt.datetime  # an Excel date cell

# (id, UPN, birth, sex, ethnicity, first issued, updated, last reviewed, need, phase)
CHILDREN = [
    ("C1", "A100000000001", D(2012, 5, 4), "a) Male", "a) WBRI", D(2020, 1, 10), None,
     D(2025, 6, 1), "k) ASD", "b) Primary"),
    ("C2", "A100000000002", "17/09/2010", "b) Female", "APKN", "01/02/2022", "03/04/2023",
     "10/03/2025", "SLCN", "e) Secondary"),
    ("C3", "A100000000003", D(2019, 11, 30), "M", "White British", D(2025, 9, 1), None, None,
     "k) ASD", "b) Primary"),
    ("C4", "A100000000004", "2008-02-29", "F", "BAFR", "2024-11-15", None, None, "SEMH",
     "g) Special"),
    ("C5", "A100000000005", D(2014, 1, 1), "a) Male", "a) WBRI", None, None, None, "MLD",
     "b) Primary"),
    ("C6", "A100000000006", D(2013, 7, 7), "a) Male", "a) WBRI", D(2021, 3, 3), None,
     "31/03/2025", "k) ASD", "e) Secondary"),
    ("C7", "A100000000007", D(2011, 8, 8), "b) Female", "a) WBRI", D(2021, 3, 3), None,
     "30/03/2025", "k) ASD", "e) Secondary"),
]


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    text = str(value)
    if "/" in text:
        day, month, year = map(int, text.split("/"))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def list_1_rows() -> list[list[object]]:
    rows: list[list[object]] = [
        ["Annex A – List 1: children and young people with an EHC plan"],
        ["Return for the area SEND inspection", None, None, "as at 31/03/2026"],
        [],
        LIST_1_HEADER,
    ]
    for cid, upn, birth, sex, eth, issued, updated, reviewed, need, phase in CHILDREN:
        rows.append([cid, upn, None, birth, sex, eth, issued, updated, reviewed, need, "100001",
                     phase, None, "b) No", 0, "a) Yes", "b) No"])
    return rows


def list_2_rows() -> list[list[object]]:
    return [
        ["Annex A – List 2: children and young people receiving SEN support"],
        [],
        LIST_2_HEADER,
        ["S1", "B100000000001", None, D(2015, 2, 2), "M", "WBRI", "SLCN", "100002", "Primary",
         4.5],
        ["S2", None, "1234567890", D(2009, 3, 3), "F", "CHNE", "SPLD", "100003", "Secondary", 0],
    ]


def last_day_in_time(start: dt.date) -> dt.date:
    """The last day of the 12 months starting with `start`, by the calendar: the day before the
    anniversary (28 February for a 29 February)."""
    if (start.month, start.day) == (2, 29):
        return dt.date(start.year + 1, 2, 28)
    return start.replace(year=start.year + 1) - dt.timedelta(days=1)


def independent_counts(as_of: dt.date) -> tuple[int, int]:
    """Children with a plan on `as_of`, and of them those whose 12 months from their last
    review (else first issue) had ended by `as_of`, counted from the fixture without the
    pipeline."""
    with_plan = overdue = 0
    for _, _, _, _, _, issued, _, reviewed, _, _ in CHILDREN:
        first = _date(issued)
        if first is not None and first > as_of:
            continue
        with_plan += 1
        since = _date(reviewed) or first
        if since is not None and as_of > last_day_in_time(since):
            overdue += 1
    return with_plan, overdue
