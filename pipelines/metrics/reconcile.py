"""Health advice: the LA's records of its requests beside the providers' logs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.bases import advice_base
from pipelines.metrics.core import RECONCILE_WINDOW_DAYS, SMALL_DENOMINATOR, Filters, pct, query
from pipelines.metrics.rates import rates

# ---- health advice: the LA's records beside the providers' ------------------------------------


@dataclass(frozen=True)
class AdviceReconciliation:
    """The LA's record of each health advice request set beside the provider's.

    `matched`: one row per pair, with both sets of dates, the days apart and whether each side's
    clock met 6 weeks; `disagreement` says in words what differs ('' when nothing does).
    `la_only` / `provider_only`: requests one side has and the other does not. `figures`: the
    6-week rate computed from each side's dates (see `reconcile_advice`). `compared`: the local
    authorities with records on both sides; the others cannot be reconciled and are left out.
    """

    matched: pd.DataFrame
    la_only: pd.DataFrame
    provider_only: pd.DataFrame
    figures: pd.DataFrame
    compared: tuple[str, ...]
    window_days: int


def _advice_side(con: duckdb.DuckDBPyConnection, f: Filters, source: str) -> pd.DataFrame:
    """One side's requests, as the 6-week metric sees them on the as-of date."""
    return query(con, f"""
        WITH base AS ({advice_base(f, source)})
        SELECT advice_id, case_id, local_authority, service, provider, stage, requested_date,
            CASE WHEN returned THEN returned_date END AS returned_date, due_date, anchor,
            counted, met, excepted, days_to_return
        FROM base ORDER BY local_authority, advice_id
    """, f)


def reconcile_advice(con: duckdb.DuckDBPyConnection, f: Filters,
                     window_days: int = RECONCILE_WINDOW_DAYS) -> AdviceReconciliation:
    """Health advice requests as the LA recorded them (rows with source 'local authority': the
    date the LA asked the service, the date it received the advice) beside the providers' logs
    (source 'provider': the date the service received the request, the date it returned advice).

    Matching: a pair is one LA row and one provider row for the same local authority, case and
    service whose requested dates are at most `window_days` apart; each row is in one pair at
    most, the closest dates paired first (ties by reference), so two requests to one service a
    year apart are not confused. Only LAs with rows on both sides are compared, and a row is
    listed as unmatched only if its requested date lies within the dates both sides cover for
    its LA, widened by the window (an LA export that starts later does not make every earlier
    provider row 'missing'). Unmatched rows are listed by requested date.
    Rows are placed in the period as the 6-week metric places them, by the due date
    (requested + 42 days; for a pair, the provider's); the LA, service and as-of filters apply.

    The statutory clock runs from the date the service received the request (reg 8(1)), so the
    headline (`rates(con, "health_advice", f)`) uses provider rows only. `figures` gives the
    6-week rate both ways over the compared LAs: all provider rows, all LA rows, and the matched
    pairs by each side's dates; where they differ, both are shown. Lawful exceptions are left
    out of each figure, as in the headline; the two pair figures are over the same pairs (those
    decided on both sides and excepted on neither), so they differ only by the dates used.
    """
    la = _advice_side(con, f, "local authority")
    # Only the LAs with an LA export can be compared: read the providers' rows for those alone
    # (at national scale the providers' logs are millions of rows, the LA exports few or none).
    with_la = tuple(sorted(set(la.local_authority)))
    provider = (_advice_side(con, dataclasses.replace(f, las=with_la), "provider") if with_la
                else la.iloc[0:0])
    compared = tuple(sorted(set(la.local_authority) & set(provider.local_authority)))
    la = la[la.local_authority.isin(compared)].reset_index(drop=True)
    provider = provider[provider.local_authority.isin(compared)].reset_index(drop=True)
    pairs = _pair_advice(la, provider, window_days)
    in_period = pairs.provider_anchor.between(pd.Timestamp(f.date_from), pd.Timestamp(f.date_to))
    matched = _describe_pairs(pairs[in_period].reset_index(drop=True))

    covered = _covered_spans(la, provider, window_days)
    la_only = _unmatched(la, set(pairs.la_index), covered, f)
    provider_only = _unmatched(provider, set(pairs.provider_index), covered, f)

    only = Filters(f.date_from, f.date_to, f.as_of, compared, f.services)
    rows = []
    for basis, metric in (("provider logs: from the service's receipt (reg 8(1))", "health_advice"),
                          ("LA records: from the LA's request", "health_advice_la_records")):
        overall = rates(con, metric, only).iloc[0] if compared else None
        rows.append((basis, int(overall.numerator) if compared else 0,
                     int(overall.denominator) if compared else 0))
    comparable = pairs[in_period & pairs.provider_counted & pairs.la_counted
                       & ~pairs.provider_excepted & ~pairs.la_excepted]
    for basis, side in (("matched pairs: provider dates", "provider"),
                        ("matched pairs: LA dates", "la")):
        rows.append((basis, int(comparable[f"{side}_met"].sum()), len(comparable)))
    figures = pd.DataFrame(rows, columns=["basis", "numerator", "denominator"])
    figures["pct"] = [pct(n, d) for n, d in zip(figures.numerator, figures.denominator, strict=True)]
    figures["small"] = figures.denominator < SMALL_DENOMINATOR
    return AdviceReconciliation(matched, la_only, provider_only, figures, compared, window_days)


def _pair_advice(la: pd.DataFrame, provider: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Closest-first one-to-one pairing of LA and provider rows (same LA, case and service,
    requested dates within the window)."""
    left = la.add_prefix("la_").assign(la_index=la.index)
    right = provider.add_prefix("provider_").assign(provider_index=provider.index)
    candidates = left.merge(right, left_on=["la_local_authority", "la_case_id", "la_service"],
                            right_on=["provider_local_authority", "provider_case_id",
                                      "provider_service"])
    gap = (candidates.provider_requested_date - candidates.la_requested_date).dt.days
    candidates = candidates.assign(requested_days_apart=gap, distance=gap.abs())
    candidates = candidates[candidates.distance <= window_days].sort_values(
        ["distance", "requested_days_apart", "la_local_authority", "la_advice_id",
         "provider_advice_id"], kind="stable")
    used_la: set[int] = set()
    used_provider: set[int] = set()
    keep = []
    for pos, a, b in zip(range(len(candidates)), candidates.la_index, candidates.provider_index,
                         strict=True):
        if a not in used_la and b not in used_provider:
            used_la.add(a)
            used_provider.add(b)
            keep.append(pos)
    return candidates.iloc[keep].sort_values(
        ["provider_anchor", "la_local_authority", "provider_advice_id"]).reset_index(drop=True)


def _describe_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    def day(value: Any) -> str:
        return "" if pd.isna(value) else f"{value:%d/%m/%Y}"

    def apart(days: int) -> str:
        return f"({days:+d} day{'s' * (abs(days) != 1)})"

    returned_gap = (pairs.la_returned_date - pairs.provider_returned_date).dt.days
    notes = []
    for row, back in zip(pairs.itertuples(index=False), returned_gap, strict=True):
        said = []
        if row.requested_days_apart:
            said.append(f"requested: LA {day(row.la_requested_date)}, service received "
                        f"{day(row.provider_requested_date)} {apart(int(row.requested_days_apart))}")
        has_la, has_provider = not pd.isna(row.la_returned_date), not pd.isna(row.provider_returned_date)
        if has_provider and not has_la:
            said.append(f"returned {day(row.provider_returned_date)} in the provider's log, "
                        "not received in the LA's record")
        elif has_la and not has_provider:
            said.append(f"received {day(row.la_returned_date)} in the LA's record, "
                        "not returned in the provider's log")
        elif has_la and back:
            said.append(f"returned: provider {day(row.provider_returned_date)}, LA received "
                        f"{day(row.la_returned_date)} {apart(int(back))}")
        notes.append("; ".join(said))
    out = pd.DataFrame({
        "local_authority": pairs.la_local_authority, "case_id": pairs.la_case_id,
        "service": pairs.la_service, "provider": pairs.provider_provider,
        "la_advice_id": pairs.la_advice_id, "provider_advice_id": pairs.provider_advice_id,
        "la_requested_date": pairs.la_requested_date,
        "provider_requested_date": pairs.provider_requested_date,
        "requested_days_apart": pairs.requested_days_apart.astype(int),
        "la_returned_date": pairs.la_returned_date,
        "provider_returned_date": pairs.provider_returned_date,
        "returned_days_apart": returned_gap.astype("Int64"),
        "la_days_to_return": pairs.la_days_to_return.astype("Int64"),
        "provider_days_to_return": pairs.provider_days_to_return.astype("Int64"),
        "la_within_6_weeks": pairs.la_met.where(pairs.la_counted),
        "provider_within_6_weeks": pairs.provider_met.where(pairs.provider_counted),
        "disagreement": notes,
    })
    out["clocks_differ"] = (pairs.la_counted & pairs.provider_counted
                            & (pairs.la_met != pairs.provider_met)).to_numpy()
    return out


def _covered_spans(la: pd.DataFrame, provider: pd.DataFrame, window_days: int
                   ) -> dict[str, tuple[Any, Any]]:
    """Per LA, the requested dates both sides cover: from the later first date to the earlier
    last date, widened by the matching window."""
    spans = {}
    window = pd.Timedelta(days=window_days)
    for name in set(la.local_authority) & set(provider.local_authority):
        a = la.requested_date[la.local_authority == name]
        b = provider.requested_date[provider.local_authority == name]
        spans[name] = (max(a.min(), b.min()) - window, min(a.max(), b.max()) + window)
    return spans


def _unmatched(side: pd.DataFrame, paired: set[int], covered: dict[str, tuple[Any, Any]],
               f: Filters) -> pd.DataFrame:
    first = side.local_authority.map(lambda la: covered[la][0])
    last = side.local_authority.map(lambda la: covered[la][1])
    keep = (~side.index.isin(list(paired)) & side.requested_date.between(first, last)
            & side.anchor.between(pd.Timestamp(f.date_from), pd.Timestamp(f.date_to)))
    out = side[keep].sort_values(["requested_date", "local_authority", "advice_id"], kind="stable")
    return out[["advice_id", "case_id", "local_authority", "service", "provider", "stage",
                "requested_date", "returned_date", "due_date", "days_to_return"]
               ].reset_index(drop=True)

