"""Northshire's Annex A lists (for an area SEND inspection), as the DfE template lays them out:
List 1 (children with an EHC plan) and List 2 (SEN support), with title rows and no LA column."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from random import Random

from pipelines.samples.model import EXTRACT, LAST, NEED_WEIGHTS, World, weighted, years_in
from pipelines.samples.writers import append_row, blank_row, dmy, new_workbook, save_workbook

ANNEX_A_LIST_1_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity",
    "Date initial EHC plan issued", "Date updated EHC plan issued", "Date EHC plan last reviewed",
    "SEN primary need", "Main education establishment – URN",
    "Main education establishment – phase", "Elective home education",
]
ANNEX_A_LIST_2_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity", "SEN primary need",
    "Main education establishment – URN", "Main education establishment – phase",
]
ETHNICITY_WEIGHTS = {"WBRI": 70, "WOTH": 5, "MWBC": 3, "MWAS": 2, "MOTH": 2, "AIND": 3,
                     "APKN": 5, "ABAN": 1, "BAFR": 3, "BCRB": 1, "CHNE": 1, "OOTH": 1, "NOBT": 3}
SEN_SUPPORT_CHILDREN = 400  # Northshire's List 2 (a sample, not the whole of SEN support)


def _phase(rng: Random, born: date) -> str:
    age = years_in(LAST) - years_in(born)
    if rng.random() < 0.12:
        return "Special"
    return ("Nursery" if age < 5 else "Primary" if age < 11 else "Secondary" if age < 16
            else "FE college")


def _person(rng: Random, number: int, born: date) -> list[object]:
    """UPN (an invented 'Z999' range), ULN for the over-16s, birth date (7% as text), gender,
    ethnicity code."""
    upn = f"Z999{number:09d}"
    uln = f"99{number:08d}" if years_in(LAST) - years_in(born) >= 16 else None
    birth: object = dmy(born) if rng.random() < 0.07 else born
    return [upn, uln, birth, rng.choices(("M", "F"), (70, 30))[0],
            weighted(rng, ETHNICITY_WEIGHTS)]


def write_annex_a_northshire(path: Path, world: World, rng: Random) -> int:
    """Northshire's Annex A: List 1 (every child with a plan issued by the extract date, last
    reviewed at the latest review meeting held) and List 2 (SEN support, invented children).
    Like the DfE template, neither list has a local authority column: it is loaded with
    `--la Northshire` (the manifest says so)."""
    wb = new_workbook()
    first = wb.active
    first.title = "List 1"
    first.append(["Annex A – List 1: children and young people with an EHC plan"])
    first.append([f"Northshire County Council, as at {dmy(EXTRACT)}"])
    blank_row(first)
    first.append(ANNEX_A_LIST_1_HEADER)
    held: dict[str, date] = {}
    for r in world.reviews:
        if r.la == "Northshire" and r.meeting and r.meeting <= LAST:
            held[r.case_id] = max(r.meeting, held.get(r.case_id, r.meeting))
    plans = [c for c in world.cases if c.la == "Northshire" and c.final and c.final <= LAST]
    for number, case in enumerate(plans, start=1):
        reviewed = held.get(case.case_id)
        updated = None
        if reviewed and rng.random() < 0.3:  # the review amended the plan
            updated = reviewed + timedelta(days=rng.randint(20, 80))
        append_row(first, [case.case_id, *_person(rng, number, case.person.dob),
                           case.final, updated if updated and updated <= LAST else None, reviewed,
                           case.need, f"1{rng.randint(10000, 49999)}", _phase(rng, case.person.dob),
                           "Yes" if rng.random() < 0.02 else "No"])
    second = wb.create_sheet("List 2")
    second.append(["Annex A – List 2: children and young people receiving SEN support"])
    second.append([f"Northshire County Council, as at {dmy(EXTRACT)}"])
    blank_row(second)
    second.append(ANNEX_A_LIST_2_HEADER)
    for number in range(1, SEN_SUPPORT_CHILDREN + 1):
        born = LAST - timedelta(days=rng.randint(4 * 365, 16 * 365))
        append_row(second, [f"NSH-SS-{number:05d}", *_person(rng, len(plans) + number, born),
                            weighted(rng, NEED_WEIGHTS), f"1{rng.randint(10000, 49999)}",
                            _phase(rng, born)])
    save_workbook(wb, path)
    return len(plans) + SEN_SUPPORT_CHILDREN
