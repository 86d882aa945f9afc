"""One name and one value for the health advice requests due in a period. The count ("Requests
for health advice due": every request whose 6-week due date falls in the period) and the 6-week
rate's denominator (the same requests less lawful reg 8(2) exceptions and any not yet due on the
as-of date) differ; the pages, the board pack and the inspection pages say why in these words.
"""

from __future__ import annotations

from pipelines.metrics.catalogue import CATALOGUE, FIGURES
from pipelines.suppression import WITHHELD, is_small, suppress_count, threshold

DUE = FIGURES["health_advice_due"]  # the count of requests due, and its label
RATE = CATALOGUE["health_advice"]  # the 6-week rate: `of_what` names its denominator
REVIEW = CATALOGUE["review_advice"]  # advice for annual reviews, measured apart
INCL_OF_WHAT = "requests due (including exceptions)"  # the rate including lawful exceptions

REVIEW_APART = (f"{REVIEW.title} is measured apart: reg 8's six weeks do not apply, so those "
                f"requests are in neither the 6-week rate nor the {DUE.label.lower()}.")
RETURNED_ONLY = ("Returned requests only: those still open are in the overdue list, so these "
                 f"add up to fewer than the {DUE.label.lower()}.")


def left_out(items: int, denominator_incl: int, denominator: int) -> tuple[int, int]:
    """Of the requests due, those the 6-week rate leaves out: (lawful reg 8(2) exceptions, not
    yet due on the as-of date)."""
    return int(denominator_incl) - int(denominator), int(items) - int(denominator_incl)


def due_value(items: int, denominator: int, suppress: bool = True,
              denominator_incl: int | None = None) -> str:
    """The count as shown: for a board, withheld where it exceeds the rate's denominator by 1-4,
    or the denominator of the rate including exceptions (`denominator_incl`, where that rate is
    shown too) by 1-4 (either difference would be a small count), else "<5" for 1-4."""
    if not suppress:
        return f"{int(items):,}"
    if _gives_away(items, denominator, denominator_incl):
        return WITHHELD
    return suppress_count(int(items))


def _gives_away(items: int, denominator: int, denominator_incl: int | None) -> bool:
    """Whether the count exceeds a denominator shown beside it by 1-4."""
    shown_beside = [int(denominator)] + ([] if denominator_incl is None else [int(denominator_incl)])
    return any(is_small(int(items) - other) for other in shown_beside)


def due_withheld(items: int, denominator_incl: int, denominator: int) -> str:
    """Why a board does not see the count, where it is withheld (else ""): it is no small number
    itself, but it would give away the 1-4 requests the 6-week rate leaves out."""
    if not _gives_away(items, denominator, denominator_incl):
        return ""
    lawful, not_yet = left_out(items, denominator_incl, denominator)
    what = ["with a lawful reg 8(2) exception"] * bool(lawful) + [
        "not yet due on the as-of date"] * bool(not_yet)
    few = f"it would give away the fewer than {threshold()} requests"
    if is_small(lawful + not_yet):  # against the headline's denominator: all it leaves out
        return f"{few} {' or '.join(what)} (the 6-week rate leaves those out)"
    # Against the denominator including exceptions: those not yet due; the exceptions show.
    return (f"{few} {what[-1]} (the 6-week rate leaves out those and {suppress_count(lawful)} "
            f"{what[0]})")


def due_note(items: int, denominator_incl: int, denominator: int, suppress: bool = True,
             compact: bool = False) -> str:
    """What the count counts and why the 6-week rate's denominator is smaller, in a sentence to
    show beside either figure; `compact`, shorter, where the rate's denominator is shown just
    above (the board pack's page)."""
    count = suppress_count if suppress else (lambda n: f"{int(n):,}")
    text = ("Lawful exceptions" if compact else
            "Every request whose 6-week due date falls in the period, lawful exceptions")
    lawful, not_yet = left_out(items, denominator_incl, denominator)
    if lawful + not_yet <= 0:
        return f"{text} included; the 6-week rate counts them all."
    # 1-4 exceptions hide the rate including them (`differs_by_small`), so their sum with those
    # not yet due may show; 1-4 not yet due beside a shown rate including exceptions may not:
    # the sum and that rate's denominator would give the count, and so them, back.
    if suppress and is_small(lawful) and not_yet:
        parts = f"{count(lawful + not_yet)} that have a lawful exception or are not yet due"
    else:
        parts = " and ".join(
            [f"{count(lawful)} with a lawful reg 8(2) exception"] * bool(lawful)
            + [f"{count(not_yet)} not yet due on the as-of date"] * bool(not_yet))
    if compact:
        return f"{text} included; the 6-week rate leaves out {parts}."
    return (f"{text} included; the 6-week rate leaves out {parts}, so it is over "
            f"{count(denominator)} {RATE.of_what}.")


def due_reason(items: int, denominator_incl: int, denominator: int, suppress: bool = True) -> str:
    """The count with its label, and `due_note`: for a page that shows the rate but not the count.
    For a board, a withheld count says what it would give away instead."""
    because = due_withheld(items, denominator_incl, denominator) if suppress else ""
    if because:
        return f"{DUE.label}: withheld, as {because}."
    return (f"{DUE.label}: {due_value(items, denominator, suppress, denominator_incl)}. "
            + due_note(items, denominator_incl, denominator, suppress))
