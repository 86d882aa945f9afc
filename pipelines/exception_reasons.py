"""Delay reasons a load finds recorded as exceptions that the law does not allow, told to the
user with how many rows hold each: such rows load and count as late."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.schemas import EXCEPTION_KINDS, SCHEMAS


def unlawful_reasons(tables: list[tuple[str, pa.Table]],
                     recognised: dict[tuple[str, str, str], int] | None = None) -> list[dict]:
    """Each distinct delay reason recorded in an exception column that is neither a lawful
    exception nor "none", with how many rows hold it: such rows load and count as late, and the
    user is told, so a lawful reason written an unexpected way can be mapped in settings.toml.
    `tables`: (dataset, records); `recognised`: {(dataset, column, text): rows} of the rows
    loaded as they were, without being validated again (`known_rows`)."""
    rows = dict(recognised or {})
    for kind, records in tables:
        schema = SCHEMAS[kind]
        for col in schema.columns:
            if col.kind not in EXCEPTION_KINDS:
                continue
            lawful, recorded = records[col.name], records[f"{col.name}_recorded"]
            kept = pc.and_(pc.is_null(lawful), pc.is_valid(recorded))
            table = pa.table({"text": recorded.filter(kept)}).group_by("text").aggregate(
                [("text", "count")])
            for text, n in zip(table["text"].to_pylist(), table["text_count"].to_pylist(),
                               strict=True):
                k = (kind, col.name, text)
                rows[k] = rows.get(k, 0) + n
    law = {"advice_exception": "reg 8(2)", "plan_exception": "reg 10(4)"}
    out = []
    for (kind, column, text), n in sorted(rows.items()):
        basis = law[SCHEMAS[kind].column(column).kind]
        out.append({"code": "exception_not_lawful", "kind": kind, "column": column,
                    "value": text, "rows": n,
                    "message": f"{n:,} row(s) record '{text}', which is not a lawful {basis} "
                               "exception: counted as late (map it in settings.toml "
                               "[exceptions] if it means a lawful reason)"})
    return out
