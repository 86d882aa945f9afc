"""What `ingest` prints of each file it loads: the counts on stdout, and every warning on stderr,
whichever check made it (reading, a blank LA filled, rows outside the area, a row rule). The
stream is decided here only, so a warning never changes stream with its kind and `--json`
leaves stdout to the JSON."""

from __future__ import annotations

import sys

from pipelines import area, counts
from pipelines.load import FileResult
from pipelines.rules import LA_FILLED

# Warnings told once per file (a line per column, or per file), not again per rule.
_TOLD_PER_FILE = frozenset({counts.RULE, LA_FILLED})


def summary(r: FileResult) -> str:
    """The file's counts, which reconcile to the rows read, and what was passed over."""
    if r.status == "unchanged":
        # The same bytes are the same load whatever the options: to load them again with another
        # --provider, --la or --extract-date, the earlier load has to go first.
        return (f"{r.file}: already loaded (load {r.load_id}); nothing changed. To load it again "
                f"with other options, undo that load first: python -m pipelines rollback "
                f"{r.load_id} --yes")
    stale = (f"\n  {r.stale:,} stale: a newer export already holds these records differently; "
             "kept in history, not used" if r.stale else "")
    stale += (f"\n  {r.superseded:,} superseded: earlier months' versions of records a later "
              "month's sheet holds; kept in history, not used" if r.superseded else "")
    lines = [f"{r.file}: {r.rows_read:,} rows read -> {r.loaded:,} loaded ({r.inserted:,} new, "
             f"{r.updated:,} updated, {r.unchanged:,} unchanged), {r.duplicates:,} duplicates, "
             f"{r.rejected:,} rejected, {r.blank:,} blank, {r.notes:,} notes/totals, "
             f"{r.warned_rows():,} loaded with a warning [load {r.load_id}: {', '.join(r.kinds)}; "
             f"extract date {r.extract_date:%d/%m/%Y}, {r.extract_basis}]" + stale]
    if r.unused:
        lines.append(f"  not used (SEN2 items): {', '.join(r.unused)}")
    lines += [f"  {line}" for line in passed_over(r)]
    return "\n".join(lines)


def passed_over(r: FileResult) -> list[str]:
    """What the load left out of each sheet, as the CLI and the /data page say it: the headers
    no column takes, and the sheets skipped with why."""
    lines = [("" if sheet["sheet"] == r.file else f"sheet '{sheet['sheet']}': ")  # a CSV's is the file
             + "columns not used: " + ", ".join(sheet["unused_columns"])
             for sheet in r.sheets if sheet.get("unused_columns")]
    return lines + [f"sheet '{skipped['sheet']}' skipped: {skipped['reason']}"
                    for skipped in r.skipped_sheets]


def warnings(r: FileResult) -> list[str]:
    """Every warning of the file's load, each naming the file."""
    found = list(r.read_warnings)
    found += [w["message"] for w in r.unlawful_reasons]
    found += [area.notice(r.file, r.outside_area)] if r.outside_area else []
    found += counts.suppressed_cells(r.file, r.warnings)
    return found + _queried(r.file, [w for w in r.warnings if w.rule not in _TOLD_PER_FILE])


def _queried(file: str, queried: list, first: int = 3) -> list[str]:
    """The rows loaded with a warning, a line per rule: how many, the first rows, and the first
    one's reason (the rest are in `row_warnings`)."""
    by_rule: dict[str, list] = {}
    for w in queried:
        by_rule.setdefault(w.rule, []).append(w)
    lines = []
    for rule, found in by_rule.items():
        rows = list(dict.fromkeys((w.sheet, w.row) for w in found))
        lines.append(f"{file}: {rule}, {len(rows):,} row(s), first "
                     + ", ".join(f"row {row}" if sheet == file else f"{sheet} row {row}"
                                 for sheet, row in rows[:first])  # a CSV's one sheet is the file
                     + f": {found[0].reason}")
    return lines


def warn(text: str) -> None:
    """A warning on stderr, after what stdout holds so far, so the two read in order when joined."""
    sys.stdout.flush()
    print(f"warning: {text}", file=sys.stderr)
