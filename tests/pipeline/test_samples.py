"""The synthetic sample exports: reproducible, matching their manifest, and safe to ship."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipelines import samples
from pipelines.samples import messiness, model
from pipelines.schemas import SCHEMAS
from pipelines.vocab import (
    ADVICE_EXCEPTION_INDEX,
    ASSESSMENT_OUTCOME_INDEX,
    COMPLAINT_OUTCOME_INDEX,
    COMPLAINT_STAGE_INDEX,
    DECISION_INDEX,
    PHASE_INDEX,
    REVIEW_DECISION_INDEX,
    SEN_TYPE_INDEX,
    SERVICE_INDEX,
    SOURCE_INDEX,
    STAGE_INDEX,
    normalise_token,
)

pytestmark = pytest.mark.xdist_group("samples")  # one worker: its module fixtures are made once

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data_samples"
LAST_DATA_DATE = date(2026, 11, 13)
EXCEL_EPOCH = date(1899, 12, 30)
NOT_DATA = ("total:", "source:")  # footer rows under the Northshire data
REH_FILE = "health_advice_riverside_eastmoor_trust_2026-11.csv"
BAD_ROWS = {"REH-900001": "impossible date", "REH-900002": "returned before requested",
            "REH-900003": "unknown service", "REH-900004": "unknown local authority",
            "REH-900005": "missing case id"}
# One deliberately bad row in each of the wider-remit files: file -> the row's reference.
WIDER_BAD_ROWS = {"schools_audit_2026-11.xlsx": "990999",
                  "annual_reviews_northshire_2026-11.xlsx": "NSH-22-99999",
                  "waiting_times_community_trusts_2026-10.csv": "Dietetics",
                  "phb_register_2026-11.xlsx": "PHB-EMR-9999",
                  "complaints_log_2026-11.csv": "NSH-CMP-25-9999"}
DATASETS = {"ehcp", "health_advice", "tribunals", "schools", "annual_reviews", "waiting_times",
            "phb", "complaints", "cohort"}


@dataclass
class Table:
    """One sheet or CSV: canonical column names and the data rows under the header."""

    file: str
    columns: list[str | None]
    raw_header: list[str]
    rows: list[list[object]]

    def values(self, column: str) -> Iterator[object]:
        if column in self.columns:
            index = self.columns.index(column)
            yield from (row[index] if index < len(row) else None for row in self.rows)


def manifest() -> dict:
    return json.loads((SAMPLES / "MANIFEST.json").read_text(encoding="utf-8"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(file: str, dataset: str, grid: list[list[object]]) -> Table:
    """Find the header (the first row naming 3+ schema columns) and keep the data rows."""
    index = SCHEMAS[dataset].header_index()
    for at, row in enumerate(grid):
        names = [index.get(normalise_token(str(v))) if not blank(v) else None for v in row]
        if sum(n is not None for n in names) >= 3:
            header = [str(v).strip() if not blank(v) else "" for v in row]
            data = [r for r in grid[at + 1:] if not all(blank(v) for v in r)
                    and not str(r[0]).strip().lower().startswith(NOT_DATA)]
            return Table(file, names, header, data)
    raise AssertionError(f"{file}: no header row found")


def read_tables(path: Path, dataset: str) -> list[Table]:
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True, data_only=True)
        grids = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        wb.close()
        # The Northshire "Notes" sheet is free text: no header, so no table.
        index = SCHEMAS[dataset].header_index()
        grids = [g for g in grids if any(
            sum(normalise_token(str(v)) in index for v in r if not blank(v)) >= 3 for r in g)]
        return [_table(path.name, dataset, g) for g in grids]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    delimiter = max(",;", key=text.splitlines()[0].count)  # the complaints log uses ";"
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [_table(path.name, dataset, [list(r) for r in rows])]


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    found = []
    for entry in manifest()["files"]:
        found += read_tables(SAMPLES / entry["name"], entry["dataset"])
    return found


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh run of the generator's command line with the manifest's seed. The committed
    samples were written by an earlier run, so a fresh run equal to them byte for byte shows the
    output is reproducible from run to run (a second fresh run here would add only its time)."""
    out = tmp_path_factory.mktemp("fresh")
    assert samples.main(["--out", str(out), "--seed", str(manifest()["seed"])]) == 0
    return out


def parse_date(value: object) -> date | None:
    """Every date spelling the samples use; raises on anything else."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):  # an Excel serial typed into a date column
        return EXCEL_EPOCH + timedelta(days=int(value))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(str(value))


def nhs_number_is_valid(number: str) -> bool:
    """Modulus 11, written independently of the generator's own check."""
    if not re.fullmatch(r"\d{10}", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(number[9])


# --- reproducibility ------------------------------------------------------------------------


def test_a_fresh_run_is_byte_identical_to_the_committed_samples(regenerated: Path) -> None:
    names = sorted(p.name for p in regenerated.iterdir())
    assert len(names) == len(samples.FILES) + 1
    assert names == sorted(p.name for p in SAMPLES.iterdir() if p.name != "README.md")
    for entry in manifest()["files"]:
        assert digest(SAMPLES / entry["name"]) == entry["sha256"], entry["name"]
        assert digest(regenerated / entry["name"]) == entry["sha256"], entry["name"]
    assert (regenerated / "MANIFEST.json").read_bytes() == (SAMPLES / "MANIFEST.json").read_bytes()
    # In the same test as the fresh run: xdist may hand another test of this module to the other
    # worker, which would make the run again for its own module-scoped fixture.
    for path in regenerated.glob("*.xlsx"):  # every zip entry carries a fixed timestamp
        with zipfile.ZipFile(path) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2026, 11, 16, 9, 0, 0)}
            core = archive.read("docProps/core.xml").decode()
        assert "2026-11-16T09:00:00Z" in core and core.count("2026-11-16T09:00:00Z") == 2


def test_the_seed_changes_the_data() -> None:
    one, two = samples.build_world(1), samples.build_world(2)
    assert [c.request for c in one.cases[:50]] != [c.request for c in two.cases[:50]]


def test_main_passes_the_folder_and_seed_given(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole output of `main` is checked above with the manifest's seed; here, that another
    # seed reaches the generator (a run takes half a minute, so it is not made twice).
    asked = []

    def generate(out: Path, seed: int) -> list[Path]:
        asked.append((out, seed))
        manifest_path = out / "MANIFEST.json"
        manifest_path.write_text(json.dumps({"seed": seed, "files": []}), encoding="utf-8")
        return [manifest_path]

    monkeypatch.setattr(samples, "generate", generate)
    assert samples.main(["--out", str(tmp_path), "--seed", "7"]) == 0
    assert asked == [(tmp_path, 7)]


# --- the manifest ---------------------------------------------------------------------------


def test_every_sample_file_is_in_the_manifest() -> None:
    body = manifest()
    assert body["synthetic"] is True
    assert body["generator"] == "python -m pipelines.samples"
    listed = {f["name"] for f in body["files"]}
    on_disk = {p.name for p in SAMPLES.iterdir()} - {"README.md", "MANIFEST.json"}
    assert on_disk == listed
    assert {f["dataset"] for f in body["files"]} == DATASETS


def test_manifest_row_counts_are_the_data_rows(tables: list[Table]) -> None:
    counted: dict[str, int] = {}
    for table in tables:
        counted[table.file] = counted.get(table.file, 0) + len(table.rows)
    assert counted == {f["name"]: f["data_rows"] for f in manifest()["files"]}
    assert sum(counted.values()) > 10_000


def test_northshire_total_row_matches_its_data(tables: list[Table]) -> None:
    wb = load_workbook(SAMPLES / "ehcp_northshire_2026-11.xlsx", read_only=True)
    first_cells = [r[0] for r in wb.worksheets[0].iter_rows(values_only=True) if r]
    wb.close()
    total = next(v for v in first_cells if str(v).startswith("Total:"))
    rows = next(t for t in tables if t.file == "ehcp_northshire_2026-11.xlsx").rows
    assert total == f"Total: {len(rows)}"


def test_readme_documents_every_file_and_bad_row() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower() and "python -m pipelines.samples" in readme
    for entry in manifest()["files"]:
        assert entry["name"] in readme
    for advice_id in BAD_ROWS:
        assert advice_id in readme
    for reference in WIDER_BAD_ROWS.values():
        assert reference in readme


# --- content --------------------------------------------------------------------------------


def test_headers_use_only_schema_spellings(tables: list[Table]) -> None:
    for table in tables:
        unknown = [h for h, c in zip(table.raw_header, table.columns, strict=True)
                   if h and c is None]
        assert not unknown, (table.file, unknown)


def test_nhs_numbers_pass_modulus_11(tables: list[Table]) -> None:
    checked = 0
    for table in tables:
        for value in table.values("nhs_number"):
            if blank(value):
                continue
            digits = re.sub(r"\D", "", str(int(value)) if isinstance(value, float) else str(value))
            assert nhs_number_is_valid(digits) and digits.startswith("999"), (table.file, value)
            checked += 1
    assert checked > 3000


def test_generator_check_digit() -> None:
    assert model.nhs_check_digit("943476591") == 9  # the NHS's published example
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert model.nhs_check_digit("999000000") is None  # remainder gives 10: never issued


def dataset_of(table: Table) -> str:
    return next(f["dataset"] for f in manifest()["files"] if f["name"] == table.file)


def test_no_date_after_the_extract_except_planned_ones(tables: list[Table]) -> None:
    unparsed, future = [], []
    ahead: dict[str, list[date]] = {}
    for table in tables:
        schema = SCHEMAS[dataset_of(table)]
        for col in (c for c in schema.columns if c.kind == "date"):
            for value in table.values(col.name):
                try:
                    day = parse_date(value)
                except ValueError:
                    unparsed.append(value)
                    continue
                if day and col.future_ok:
                    ahead.setdefault(col.name, []).append(day)
                elif day and day > LAST_DATA_DATE:
                    future.append((table.file, col.name, day))
    assert unparsed == ["31/02/2025"]  # the one deliberate impossible date
    assert not future
    hearings = ahead.pop("hearing_date")
    assert max(hearings) > LAST_DATA_DATE  # pending hearings are booked ahead...
    assert max(hearings) <= LAST_DATA_DATE + timedelta(days=92)  # ...by up to 3 months
    # Reviews are listed up to three months ahead, responses fall due within weeks, and
    # budgets are agreed to the end of the financial year at the latest.
    assert set(ahead) == {"review_due_date", "response_due_date", "end_date"}
    assert LAST_DATA_DATE < max(ahead["review_due_date"]) <= LAST_DATA_DATE + timedelta(days=92)
    assert max(ahead["response_due_date"]) <= LAST_DATA_DATE + timedelta(days=60)
    assert max(ahead["end_date"]) == date(2027, 3, 31)


def test_children_are_aged_0_to_25(tables: list[Table]) -> None:
    ages = []
    for table in tables:
        if "date_of_birth" not in table.columns or "request_date" not in table.columns:
            continue  # ages at request (the Annex A lists have none)
        for born, asked in zip(table.values("date_of_birth"), table.values("request_date"),
                               strict=True):
            if not blank(born):
                ages.append((parse_date(asked) - parse_date(born)).days / 365.25)
    assert len(ages) > 4000
    assert min(ages) >= 0 and max(ages) < 25


def _settings_las() -> dict[str, str]:
    settings = tomllib.loads((ROOT / "settings.toml").read_text(encoding="utf-8"))
    return {normalise_token(s): la["name"] for la in settings["local_authorities"]
            for s in (la["name"], *la["aliases"])}


def test_coded_values_use_known_spellings(tables: list[Table]) -> None:
    indexes = {"la": _settings_las(), "service": SERVICE_INDEX, "stage": STAGE_INDEX,
               "decision": DECISION_INDEX, "sen_type": SEN_TYPE_INDEX,
               "assessment_outcome": ASSESSMENT_OUTCOME_INDEX, "source": SOURCE_INDEX,
               "review_decision": REVIEW_DECISION_INDEX, "phase": PHASE_INDEX,
               "complaint_stage": COMPLAINT_STAGE_INDEX, "complaint_outcome": COMPLAINT_OUTCOME_INDEX}
    unknown, checked = set(), set()
    for table in tables:
        for column in SCHEMAS[dataset_of(table)].columns:
            if column.kind in indexes:
                checked.add(column.kind)
                unknown |= {str(v) for v in table.values(column.name)
                            if not blank(v) and normalise_token(str(v)) not in indexes[column.kind]}
    assert checked == set(indexes)
    assert unknown == {"Chiropody", "Westshire"}  # two of the deliberate bad rows


def test_advice_delay_reasons_mix_lawful_and_not(tables: list[Table]) -> None:
    reasons = {str(v) for t in tables for v in t.values("exception")
               if t.columns.count("service") and not blank(v)}
    lawful = {r for r in reasons if normalise_token(r) in ADVICE_EXCEPTION_INDEX}
    assert len(lawful) >= 6
    assert {"Waiting list", "School holidays"} <= reasons - lawful


def test_riverside_export_needs_windows_1252() -> None:
    raw = (SAMPLES / "ehcp_riverside_2026-11.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "St Mary’s" in raw.decode("cp1252") and "é" in raw.decode("cp1252")
    assert (SAMPLES / REH_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (SAMPLES / "health_advice_camhs_partnership_2026-11.csv").read_bytes().startswith(
        b"\xef\xbb\xbf")


def test_deliberate_bad_and_duplicate_rows() -> None:
    lines = (SAMPLES / REH_FILE).read_text(encoding="utf-8-sig").splitlines()
    rows = {line.split(",")[0]: line for line in lines}
    assert set(BAD_ROWS) <= set(rows)
    assert rows["REH-900001"].split(",")[5] == "31/02/2025"
    requested, returned = rows["REH-900002"].split(",")[5:7]
    assert parse_date(returned) < parse_date(requested)
    assert ",Chiropody," in rows["REH-900003"] and ",Westshire," in rows["REH-900004"]
    assert rows["REH-900005"].split(",")[1] == ""
    for advice_id in messiness.REH_DUPLICATED:
        copies = [line for line in lines if line.split(",")[0] == advice_id]
        assert len(copies) == 2 and copies[0] == copies[1]
    assert any(line.startswith("reh-") for line in lines)  # mixed-case references


def test_camhs_november_export_updates_october() -> None:
    def load(month: str) -> dict[str, list[str]]:
        path = SAMPLES / f"health_advice_camhs_partnership_2026-{month}.csv"
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
        next(reader)
        return {row[0]: row for row in reader}

    october, november = load("10"), load("11")
    assert set(october) < set(november)
    unchanged = [k for k in october if october[k] == november[k]]
    filled = [k for k in october if not october[k][6] and november[k][6]]
    assert len(unchanged) > 0.9 * len(october)
    assert filled and len(november) > len(october)
    changed = set(october) - set(unchanged)
    # Only what happened since October changes: a return, its quality score, a delay reason.
    assert all(october[k][:6] == november[k][:6] for k in changed)


def test_pathway_is_realistic() -> None:
    world = samples.build_world(manifest()["seed"])
    for la in ("Northshire", "Riverside", "Eastmoor"):
        cases = [c for c in world.cases if c.la == la]
        decided = [c for c in cases if c.decision_date]
        assessed = [c for c in decided if c.decision == "assess"]
        finals = [c for c in cases if c.final and not c.exception]
        in_20 = sum((c.final - c.request).days <= 140 for c in finals) / len(finals)
        in_6 = sum((c.decision_date - c.request).days <= 42 for c in decided) / len(decided)
        assert 0.72 <= len(assessed) / len(decided) <= 0.85, la
        assert 0.42 <= in_20 <= 0.62, la
        assert 0.78 <= in_6 <= 0.92, la
        exceptions = sum(bool(c.exception) for c in cases if c.final) / len(finals)
        assert 0.03 <= exceptions <= 0.07, la

    def on_time(service: str) -> float:
        due = [a for a in world.advice
               if a.service == service and a.requested + timedelta(42) <= LAST_DATA_DATE]
        return sum(bool(a.returned) and (a.returned - a.requested).days <= 42
                   for a in due) / len(due)

    assert on_time("CAMHS") < on_time("Occupational Therapy") < on_time("Community Paediatrics")


def test_wider_remit_is_realistic() -> None:
    world = samples.build_world(manifest()["seed"])
    first_round = [a for a in world.schools if a.round == 1]
    with_policy = [a for a in first_round if a.policy]
    compliant = [a for a in with_policy if all(a.elements or ())
                 and (a.audited - a.reviewed).days <= 365]
    # Close to the Health Conditions in Schools Alliance's 47.5% and 11.5% before follow-up.
    assert 0.40 <= len(with_policy) / len(first_round) <= 0.56
    assert 0.08 <= len(compliant) / len(first_round) <= 0.20
    assert all(a.reviewed is None or a.reviewed <= a.audited for a in world.schools)
    assert all(a.pupils_ihp is None or a.pupils_ihp <= a.pupils_mc for a in world.schools)

    assert all(w.over_52 <= w.over_18 <= w.total for w in world.waits)
    assert {w.service for w in world.waits} >= {"Autism Assessment", "ADHD Assessment"}
    for la in ("Northshire", "Riverside", "Eastmoor"):
        decided = [r for r in world.reviews if r.la == la and r.decision_date]
        in_4 = sum((r.decision_date - r.meeting).days <= 28 for r in decided) / len(decided)
        assert 0.3 <= in_4 <= 0.65, la  # England: 44.4%
    assert all(r.meeting is None or r.decision_date is None or r.meeting <= r.decision_date
               for r in world.reviews)
    assert all(b.end is None or b.start <= b.end for b in world.budgets)
    assert all(c.responded is None or c.received <= c.responded for c in world.complaints)
    la_cases = {(a.case_id, a.service) for a in world.advice if a.la == "Northshire"}
    unlogged = [r for r in world.la_advice if (r.case_id, r.service) not in la_cases]
    assert 0 < len(unlogged) <= 40
