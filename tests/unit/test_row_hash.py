"""A record's row hash made again from a table of records (`row_hash.of_records`, for a row whose
reference the load reads in its stored spelling) is the hash validation gave it, for every kind
of stored column: text, dates, yes/no, numbers, counts, pseudonyms and birth years."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from pipelines import row_hash
from pipelines.headers import find_header
from pipelines.readers import read_file
from pipelines.schemas import SCHEMAS
from pipelines.validate import validate_body
from tests.conftest import write_csv

ROWS = {
    "health_advice": [
        ["Advice ID", "Case ID", "Local Authority", "Service", "Requested Date", "Returned Date",
         "Provider", "Exception", "Quality Score", "Stage"],
        ["000123", "C1", "Northshire", "SALT", "01/04/2025", "20/05/2025", "Trust", "DNA", "3",
         "New"],
        ["A2", "C2", "Northshire", "OT", "2025-04-02", "", "", "Y", "", "Annual review"],
        ["A3", "C3", "Northshire", "Physio", "3 Apr 2025", "", "Trust", "", "4.5", ""]],
    "ehcp": [
        ["Case ID", "LA", "Request Date", "NHS Number", "Child Name", "Date of Birth", "Week20",
         "Decision"],
        ["0777", "Northshire", "01/04/2025", "943 476 5919", "Zoë Quigley", "14/02/2015", "Y",
         "Y"],
        ["E2", "Northshire", "01/04/2025", "", "", "", "", ""]],
    "tribunals": [
        ["Appeal ID", "Case ID", "Local Authority", "Registered Date", "Health Aspects",
         "Hearing Date", "Health Recommendation"],
        ["0042", "C1", "Northshire", "01/04/2025", "Yes", "01/09/2025", "No"],
        ["T2", "", "Northshire", "02/04/2025", "", "", ""]],
    # A count printed as a symbol is hashed with its symbol; a row without one as before.
    "waiting_times": [
        ["Month", "Service", "Provider", "Local Authority", "Waiting Total",
         "Waiting Over 18 Weeks", "Waiting Over 52 Weeks", "Median Weeks Waiting"],
        ["Apr 2025", "SALT", "Trust", "Northshire", "120", "<5", "*", "9.5"],
        ["Apr 2025", "OT", "Trust", "Northshire", "40", "12", "0", ""],
        ["May 2025", "SALT", "Trust", "Northshire", "c", "7", "", "10"]],
}


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_row_hashes_made_again_from_records_are_those_validation_made(kind, tmp_path):
    path = write_csv(tmp_path / f"{kind}.csv", ROWS[kind])
    sheet = next(iter(read_file(path)))
    match = find_header(sheet.rows, kind)
    columns, n = sheet.body(match.row_index + 1)
    records = validate_body(sheet.name, columns, n, match, dt.date(2026, 3, 31),
                            b"test-key").records
    assert len(records) == len(ROWS[kind]) - 1
    again = row_hash.of_records(SCHEMAS[kind], records)
    assert again.to_pylist() == records["row_hash"].to_pylist()
    assert again.type == pa.string()
