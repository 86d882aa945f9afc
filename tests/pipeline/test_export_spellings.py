"""Spellings real exports use for a coded value, each loaded from a small file as a case system or
a DCO's log writes it, and stored as its one canonical value; spellings that could mean more than
one value stay rejected, saying what is accepted. Every file is built here by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# dataset: (header, a row with {value} in the coded column, the table, the column stored)
FILES = {
    "primary need": ("RequestID,LA,ReceivedDate,SENtype", "R{n},Riverside,0{d}/04/2025,{value}",
                     "ehcp", "primary_need"),
    "request outcome": ("RequestID,LA,ReceivedDate,RequestOutcome",
                        "R{n},Riverside,0{d}/04/2025,{value}", "ehcp", "decision"),
    "assessment outcome": ("RequestID,LA,ReceivedDate,RequestOutcome,AssessmentOutcome",
                           "R{n},Riverside,0{d}/04/2025,Y,{value}", "ehcp", "assessment_outcome"),
    "complaint outcome": ("Complaint Ref,LA,Date Received,Stage,Outcome",
                          "CMP-{n},Riverside,0{d}/04/2025,Stage 1,{value}", "complaints", "outcome"),
    "review outcome": ("Case ID,LA,Review Due,ReviewOutcome", "AR{n},Riverside,0{d}/04/2025,{value}",
                       "annual_reviews", "decision"),
    "service": ("Advice ID,Case ID,LA,Service,Requested Date,Source",
                "A{n},C{n},Riverside,{value},0{d}/04/2025,Provider", "health_advice", "service"),
}

# (file, spelling, canonical value)
SPELLINGS = [
    # SEND Code of Practice 6.31: SpLD "encompasses a range of conditions such as dyslexia,
    # dyscalculia and dyspraxia"; SEN2's own names for VI and PMLD, and autism's other names.
    ("primary need", "Dyslexia", "SPLD"),
    ("primary need", "Dyscalculia", "SPLD"),
    ("primary need", "Dyspraxia", "SPLD"),
    ("primary need", "Vision impairment", "VI"),
    ("primary need", "Profound and multiple learning difficulties", "PMLD"),
    ("primary need", "Autism spectrum disorder", "ASD"),
    ("primary need", "Autism Spectrum Condition", "ASD"),
    ("request outcome", "Decision to assess", "assess"),
    ("request outcome", "Refuse to assess", "not assess"),
    ("request outcome", "Refusal to assess", "not assess"),
    ("assessment outcome", "Decision to issue", "plan to be issued"),
    ("assessment outcome", "Refusal to issue", "plan not issued"),
    ("assessment outcome", "Not to issue", "plan not issued"),
    ("complaint outcome", "Upheld in part", "partly upheld"),
    ("complaint outcome", "Partially", "partly upheld"),
    ("review outcome", "Maintain without amendment", "maintain"),
    ("review outcome", "Cease EHCP", "cease"),
    ("service", "Occupational Therapist", "Occupational Therapy"),
    ("service", "Physiotherapist", "Physiotherapy"),
    ("service", "Speech and Language Therapist", "Speech and Language Therapy"),
]

# Spellings that could mean more than one value: rejected, not guessed.
AMBIGUOUS = [
    ("primary need", "DCD"),  # recorded as SpLD by some, as a physical disability by others
]
# A complaint's stage or outcome in a council's own words: kept as written, neither guessed nor
# rejected (a rejected row would leave "complaints received"); shown under its own label.
AS_WRITTEN = [
    ("complaint stage", "Informal"),  # before stage 1 in some procedures, stage 1 in others
    ("complaint outcome", "Resolved"),  # upheld, partly upheld or settled?
]


def _load_file(load, folder: Path, name: str, values: list[str]):
    header, row, _, _ = FILES[name]
    lines = [header] + [row.format(n=n, d=n % 9 + 1, value=v) for n, v in enumerate(values, 1)]
    path = folder / f"{name.replace(' ', '_')}.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return load(path)


def _stored(db: Path, name: str) -> list[str]:
    _, _, table, column = FILES[name]
    key = {"ehcp": "case_id", "complaints": "complaint_ref", "annual_reviews": "case_id",
           "health_advice": "advice_id"}[table]
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"SELECT {key}, {column} FROM {table}").fetchall()
    return [v for _, v in sorted(rows, key=lambda r: int("".join(filter(str.isdigit, r[0]))))]


@pytest.mark.parametrize("name", list(FILES))
def test_spellings_real_exports_use_load_as_their_canonical_value(load, tmp_path, db, name):
    cases = [(s, c) for f, s, c in SPELLINGS if f == name]
    result = _load_file(load, tmp_path, name, [s for s, _ in cases])
    assert (result.status, result.rejected) == ("loaded", 0), [r.reason for r in result.rejects]
    assert _stored(db, name) == [c for _, c in cases]


FILES["complaint stage"] = ("Complaint Ref,LA,Date Received,Stage",
                            "CMP-{n},Riverside,0{d}/04/2025,{value}", "complaints", "stage")


@pytest.mark.parametrize("name, spelling", AS_WRITTEN)
def test_a_complaints_own_wording_loads_as_written(load, tmp_path, db, name, spelling):
    result = _load_file(load, tmp_path, name, [spelling])
    assert (result.loaded, result.rejected) == (1, 0)
    assert _stored(db, name) == [spelling]


@pytest.mark.parametrize("name, spelling", AMBIGUOUS)
def test_a_spelling_that_could_mean_two_values_is_rejected_not_guessed(load, tmp_path, db, name,
                                                                       spelling):
    result = _load_file(load, tmp_path, name, [spelling])
    assert (result.loaded, result.rejected) == (0, 1)
    assert f"'{spelling}'" in result.rejects[0].reason and "accepted" in result.rejects[0].reason
