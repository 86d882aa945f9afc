"""Which review of a plan a row of an annual-review tracker is, so that an LA correcting a review's
due date updates that review instead of adding a second one (and a held-on-time rate that counts
one review twice).

The rule: reviews of one plan are at least three months apart (yearly, or every three to six
months for a child under five: SEND Code of Practice 9.178), so a due date within 8 weeks of one
already held for the same LA and case is the same review, its due date corrected. A review's
cycle is the due date it was first recorded with, kept through every correction.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from pipelines.schemas import Schema

SAME_REVIEW_DAYS = 56  # 8 weeks: a due date this close to a held one is that review, corrected
# Said of a conflict in one file: two rows whose due dates are this close are one review.
CONFLICT_NOTE = (f"; due dates of one plan within {SAME_REVIEW_DAYS // 7} weeks of each other are "
                 "one review, its due date corrected")


def assign(con: duckdb.DuckDBPyConnection, schema: Schema, records: pa.Table) -> pa.Table:
    """`records` with each derived cycle column filled: the cycle of the held review of the
    same LA and case whose due date is nearest, if within `SAME_REVIEW_DAYS`; else that of an
    earlier row of this file within as many days (two versions of one review in one file, which
    the load rejects as a conflict); else the row's own due date."""
    for name, _, due in schema.derived:
        held = _held(con, schema.table, name, due, records)
        la = records["local_authority"].to_pylist()
        case = records["case_id"].to_pylist()
        due_dates = records[due].to_pylist()  # required: never blank in a record
        opened: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
        cycles: list[dt.date | None] = [None] * len(records)
        for i in sorted(range(len(records)), key=due_dates.__getitem__):
            k = (la[i], case[i])
            cycles[i] = (_nearest(held.get(k, []), due_dates[i])
                         or _nearest(opened.get(k, []), due_dates[i]))
            if cycles[i] is None:
                cycles[i] = due_dates[i]
                opened.setdefault(k, []).append((due_dates[i], due_dates[i]))
        records = records.append_column(name, pa.array(cycles, type=pa.date32()))
    return records


def _nearest(reviews: list[tuple[dt.date, dt.date]], due: dt.date) -> dt.date | None:
    """The cycle of the review whose due date is nearest `due` within `SAME_REVIEW_DAYS` (of
    two equally near, the earlier), or None."""
    near = [(abs((held_due - due).days), held_due, cycle) for held_due, cycle in reviews
            if abs((held_due - due).days) <= SAME_REVIEW_DAYS]
    return min(near)[2] if near else None


def _held(con: duckdb.DuckDBPyConnection, table: str, cycle: str, due: str, records: pa.Table
          ) -> dict[tuple[str, str], list[tuple[dt.date, dt.date]]]:
    """{(LA, case): [(due date, cycle)]} of the reviews held of the cases in `records`."""
    con.register("incoming_cases", records.select(["local_authority", "case_id"]))
    rows = con.execute(
        f"SELECT t.local_authority, t.case_id, t.{due}, t.{cycle} FROM {table} t "
        "SEMI JOIN incoming_cases i ON t.local_authority = i.local_authority "
        "AND t.case_id = i.case_id").fetchall()
    con.unregister("incoming_cases")
    held: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for la, case, due_date, cycle_date in rows:
        held.setdefault((la, case), []).append((due_date, cycle_date))
    return held
