"""docs/metrics.md, written from the metric catalogue (`pipelines.metrics.catalogue`), so the
definitions a reader finds there are the ones the code computes. A test fails when the file is
out of step; regenerate it with

    python -m pipelines.catalogue --write-docs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines import benchmarks
from pipelines.metrics.catalogue import CATALOGUE, CLOCKS, ENTRIES, FIGURES, HEADLINE_KEYS, REMIT
from pipelines.metrics.core import (
    ADVICE_DAYS,
    AMENDED_PLAN_DAYS,
    DECISION_DAYS,
    PLAN_DAYS,
    RESPONSE_DAYS,
    REVIEW_DECISION_DAYS,
    SMALL_DENOMINATOR,
)
from pipelines.metrics.entry import KINDS, Metric

__all__ = ["CATALOGUE", "DOCS", "ENTRIES", "FIGURES", "HEADLINE_KEYS", "Metric", "markdown", "main"]

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
REGENERATE = "python -m pipelines.catalogue --write-docs"
BETTER = {"up": "higher is better", "down": "lower is better", "neither": "a count to read, not to judge"}

CLOCK_TABLE = (
    ("Decision whether to assess", DECISION_DAYS, "the LA receives the request", "reg 5"),
    ("Health advice for a needs assessment or re-assessment", ADVICE_DAYS,
     "the service receives the LA's request for advice", "reg 8(1)"),
    ("Final EHC plan", PLAN_DAYS, "the LA receives the request", "reg 13(2)"),
    ("Annual review decision", REVIEW_DECISION_DAYS, "the review meeting", "reg 20(10)"),
    ("Amended final plan", AMENDED_PLAN_DAYS, "the review meeting", "regs 20-22"),
    ("Response to a Tribunal health recommendation", RESPONSE_DAYS, "the recommendation",
     "SI 2017/1306"),
)

PREAMBLE = f"""# Metric definitions

Generated from the metric catalogue (`pipelines/metrics/catalogue.py` and
`pipelines/metrics/catalogue_remit.py`): do not edit by hand. After changing an entry, run
`{REGENERATE}`.

## Rules every metric follows

- Days are calendar days. "Within N weeks" means end date - start date <= 7 x N days.
- A rate is over the items placed in the period (each metric says by which date), rounded half up
  to one decimal as the DfE publishes, and carries its numerator and denominator. A rate over
  fewer than {SMALL_DENOMINATOR} cases is marked "small number". In `python -m pipelines metrics
  --json`, every rate (a key holding `_pct`) has `<key>_small_denominator` beside it: `true` when
  its denominator (the key with `_pct` read as `_denominator`) is under {SMALL_DENOMINATOR}.
- Positions ("kind: a position") are counted on the as-of date, whatever the period: they show
  what a rate over completed items cannot see (requests still waiting).
- Where England's figure is shown, the local figure beside it is on the DfE's basis (a calendar
  year: decisions by year of request; annual review decisions sent, by year sent; the JSON's
  `dfe_basis_year` names the year, the one holding the period's end) and says so.
- Every figure is as of a date (the as-of date): a date recorded after it counts as not yet
  happened. An item whose deadline has passed without the event counts as late; one not yet due
  is not counted. By default the as-of date is the latest extract date of the area's data (the
  local authorities `settings.toml` lists; every load's when it lists none): the app's pages,
  `metrics` and `board-pack` alike, so an export of an LA outside the area never moves it. A
  board pack is as at its quarter's last day, or that date if the data stop before it, and
  says which on its cover.
- Every figure is for the local authorities chosen; with none chosen (the default in the app,
  `metrics`, `board-pack` and the inspection evidence pack), for the area's: those
  `settings.toml` lists, with the rows for the whole area (no LA, such as an area-wide waiting
  list). Rows of an LA outside the area are loaded and counted only where that LA is chosen;
  with no LAs listed, every row counts. Published DfE and NHS England figures (benchmarks,
  England, statistical neighbours) are not filtered: they set the area beside others.
- Lawful exceptions (reg 8(2) for health advice, reg 10(4) for plans) are left out of the headline
  rate; the figure including them is given beside it.
- Anything meant for a board or publication shows counts from 1 to 4 as "<5" and withholds rates
  built on them.
- Periods: month, quarter, financial year (April-March, the NHS year) and calendar year (the DfE
  year).
- Targets are local choices, set in `settings.toml` under `[targets]` by the figure's key. No
  national target exists for health advice; the statutory limit is the standard.

## The statutory clocks (SEND Regulations 2014 unless named)

| step | limit | clock starts | basis |
|---|---|---|---|
""" + "\n".join(f"| {step} | {days} days ({days // 7} weeks) | {start} | {basis} |"
                for step, days, start, basis in CLOCK_TABLE) + """

Health advice for an annual review has no six weeks: it is due 2 weeks before the review meeting,
so that the LA can send it to those invited (reg 20(4)).
"""


def _england(measure: str) -> str:
    """The DfE measure and its latest published figure for England."""
    described = benchmarks.MEASURES[measure].description
    rows = benchmarks.england_headlines()
    rows = rows[rows.measure == measure].sort_values("year")
    latest = (f" Latest for England: {rows.value.iloc[-1]:.1f}% ({int(rows.year.iloc[-1])})."
              if len(rows) else "")
    return f"The DfE's `{measure}`: {described}{latest}"


def _period(anchor: str) -> str:
    if anchor.startswith("not bound"):
        return anchor[0].upper() + anchor[1:] + "."
    return f"An item is placed in a period by {anchor}."


def section(m: Metric) -> str:
    """One metric's section of docs/metrics.md."""
    lines = [f"### {m.title}", "",
             f"Key `{m.key}`; {KINDS[m.kind]}; {'built on' if m.kind == 'breakdown' else 'computed by'} "
             f"`{m.query.__module__}.{m.query.__name__}` over "
             f"{', '.join(f'`{d}`' for d in m.datasets)}.", "",
             f"- **Definition.** {m.definition}",
             f"- **Legal basis.** {m.basis}",
             f"- **Unit.** {m.unit}.",
             f"- **Period.** {_period(m.anchor)}",
             f"- **Exceptions.** {m.exceptions}",
             f"- **Caveats.** {m.caveats}"]
    if m.target:
        lines.append(f"- **Target.** Local: `{m.target}` in `settings.toml` [targets]; "
                     f"{BETTER[m.direction]}.")
    elif m.figure:
        lines.append(f"- **Target.** None (a count); {BETTER[m.direction]}.")
    else:
        lines.append("- **Target.** None.")
    if m.england:
        lines.append(f"- **England.** {_england(m.england)}")
    elif m.reference:
        lines.append(f"- **Reference.** {m.reference} (not official statistics).")
    else:
        lines.append("- **England.** No comparable national figure is published.")
    if m.figures:
        lines.append("- **Figures.** " + "; ".join(
            f"`{f.key}` \"{f.label}\" ({f.kind}: {f.of_what})" for f in m.figures) + ".")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """docs/metrics.md as the catalogue words it."""
    parts = [PREAMBLE,
             "## The headline set\n\n" + "\n".join(
                 f"- `{key}`: {FIGURES[key].label}" for key in HEADLINE_KEYS) + "\n",
             "## Health advice, EHC plans, the Tribunal and annual reviews\n",
             *[section(m) for m in CLOCKS],
             "## Schools, waiting lists, personal health budgets and complaints\n",
             *[section(m) for m in REMIT]]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.catalogue",
        description="Write docs/metrics.md from the metric catalogue, or check it is in step.")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS.name}")
    parser.add_argument("--check", action="store_true", help="exit 1 if the docs are out of step")
    args = parser.parse_args(argv)
    text = markdown()
    if args.write_docs:
        DOCS.write_text(text, encoding="utf-8")
        print(f"wrote {DOCS} ({len(ENTRIES)} metrics)")
        return 0
    if args.check:
        in_step = DOCS.exists() and DOCS.read_text(encoding="utf-8") == text
        print(f"{DOCS.name} is in step" if in_step else f"{DOCS.name} is out of step: run {REGENERATE}")
        return 0 if in_step else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
