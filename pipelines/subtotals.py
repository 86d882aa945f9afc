"""A provider's subtotal in a waiting-list return: a row with no local authority that sums the
rows of the same provider, service and month for each local authority. Loaded, it would count
those children twice (Northshire 100, Riverside 50, Eastmoor 50, then 200 for the whole area:
400), so it is passed over as a total row is, and said so naming its row. A row with no local
authority that is not the sum of its local authorities' rows is loaded (it may hold children
whose local authority is not recorded) with a warning, as it may be a subtotal gone wrong. A
return whose rows are all for the whole area is loaded as it always was. Counts only: no
personal data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines import provider_names
from pipelines.headers import in_sheet
from pipelines.schemas import SCHEMAS
from pipelines.validate import Reject, SheetOutcome

RULE = "area_row_beside_la_rows"
LA = "local_authority"
WHOLE = "waiting_total"  # the count a subtotal must match; the others must too, where given
# The datasets whose rows may hold a subtotal with no LA, and what one subtotals over.
SUBTOTALLED = {"waiting_times": ("month", "service", "provider")}


def pass_over(file_name: str, outcome: SheetOutcome, warnings: list[str] | None) -> SheetOutcome:
    """The sheet's outcome without its subtotal rows (counted with the notes and totals, each
    said in `warnings`), and a warning for each other row with no LA beside LA rows of its
    provider, service and month."""
    group = SUBTOTALLED.get(outcome.kind)
    records = outcome.records
    if group is None or records is None or not len(records):
        return outcome
    counts = [c.name for c in SCHEMAS[outcome.kind].columns if c.kind == "count"]
    frame = _plain(records.select([*group, LA, *counts, *(f"{c}_symbol" for c in counts),
                                   "source_row"])).to_pandas()
    area = frame[LA] == ""
    if area.all() or not area.any():
        return outcome
    # A provider is one however the return capitalises or spaces it (`provider_names`), which
    # this runs before: compared so, a subtotal in capitals is still its rows' subtotal.
    frame["provider_key"] = frame["provider"].fillna("").map(provider_names.compared)
    parts = frame[~area]
    keys = ["provider_key" if k == "provider" else k for k in group]
    sums = parts.groupby(keys, dropna=False).agg(
        las=(LA, "nunique"),
        **{f"{c}_sum": (c, "sum") for c in counts},
        **{f"{c}_known": (c, lambda s: bool(s.notna().all())) for c in counts},
        **{f"{c}_marked": (f"{c}_symbol", lambda s: bool(s.notna().any())) for c in counts})
    rows = frame[area].join(sums, on=keys, how="inner")
    passed = np.zeros(len(records), dtype=bool)
    for at, row in rows.iterrows():
        if _sums_up(row, counts):
            passed[at] = True
            if warnings is not None:
                warnings.append(_passed_over(file_name, outcome.sheet, row))
        else:
            outcome.warnings.append(Reject(
                outcome.sheet, int(row["source_row"]), "", LA, "", _reason(row), RULE))
    if passed.any():
        outcome.records = records.filter(pa.array(~passed))
        outcome.notes += int(passed.sum())
    outcome.warnings.sort(key=lambda w: w.row)
    return outcome


def _plain(table: pa.Table) -> pa.Table:
    """Text held as a dictionary as plain text (a dictionary's null would not make a category)."""
    return table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type)
                                 else f for f in table.schema]))


def _sums_up(row: pd.Series, counts: list[str]) -> bool:
    """Whether the row's total is its LA rows' sum, as is every other count it gives whose
    parts are all given (one suppressed at source cannot be checked, so proves nothing)."""
    for c in counts:
        given = not pd.isna(row[c])
        checkable = given and row[f"{c}_known"] and not row[f"{c}_marked"]
        if c == WHOLE and not checkable:
            return False
        if checkable and int(row[c]) != int(row[f"{c}_sum"]):
            return False
    return True


def _what(row: pd.Series) -> str:
    provider = row["provider"] or "no provider named"
    return f"{provider}, {row['service']}, {pd.Timestamp(row['month']):%b %Y}"


def _passed_over(file_name: str, sheet: str, row: pd.Series) -> str:
    return (f"{file_name}:{in_sheet(file_name, sheet)} row {int(row['source_row'])}: a subtotal passed over "
            f"(counted with the notes and totals): no local authority, {int(row[WHOLE]):,} "
            f"waiting, the sum of the rows of its {int(row['las'])} local authorities ({_what(row)})")


def _reason(row: pd.Series) -> str:
    total = "suppressed at source" if pd.isna(row[WHOLE]) else f"{int(row[WHOLE]):,}"
    parts = ("not known (a part is suppressed at source or blank)"
             if not row[f"{WHOLE}_known"] or row[f"{WHOLE}_marked"]
             else f"{int(row[f'{WHOLE}_sum']):,}")
    return (f"{LA}: blank (the whole area) beside rows for {int(row['las'])} local authorities "
            f"of the same provider, service and month ({_what(row)}), and not their subtotal: "
            f"{WHOLE} {total}, their sum {parts}. Loaded as children of no local authority and "
            "counted beside them; if it is their subtotal, correct the return, as its children "
            "are counted twice")
