"""The tables the database keeps besides the datasets' own: the load log, rejects and warnings,
published benchmarks, the inspection evidence tracker, the audit chain's head, the pseudonym
key's fingerprint, the DCO's chase notes and the raw hashes of rows loaded. Declared here, created
by `db`.

Each dataset's tables come from its `Schema` (schemas.py); these are the rest, so that one module
(`db`) creates every table and a reader can tell at once whether a database is up to date.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A table: its columns in order as (name, SQL type and constraints), and its primary key."""

    name: str
    columns: tuple[tuple[str, str], ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def ddl(self) -> str:
        cols = [f"{name} {sql}" for name, sql in self.columns]
        if self.primary_key:
            cols.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)})"


SEQUENCES = ("load_seq", "evidence_item_seq", "self_evaluation_seq")

# A row that breaks a rule: the sheet, the row as Excel numbers it, the column (letter and
# header), the value as written (withheld if personal), the reason and the rule's code.
_FINDING = (("load_id", "INTEGER"), ("file_name", "VARCHAR"), ("sheet", "VARCHAR"),
            ("kind", "VARCHAR"), ("row_number", "INTEGER"), ("column_letter", "VARCHAR"),
            ("column_header", "VARCHAR"), ("value", "VARCHAR"), ("reason", "VARCHAR"),
            ("rule", "VARCHAR"))

LOADS = Table("loads", (
    ("load_id", "INTEGER"), ("file_name", "VARCHAR"), ("file_hash", "VARCHAR"),
    ("file_bytes", "BIGINT"), ("loaded_at", "TIMESTAMP"), ("as_of", "DATE"), ("kinds", "VARCHAR"),
    ("rows_read", "INTEGER"), ("loaded", "INTEGER"), ("inserted", "INTEGER"),
    ("updated", "INTEGER"), ("unchanged", "INTEGER"), ("duplicates", "INTEGER"),
    ("rejected", "INTEGER"), ("blank", "INTEGER"), ("notes", "INTEGER"), ("status", "VARCHAR"),
    # What orders versions of a record (`extract_date`), how it was found, and the rows an
    # older extract held differently from the newer one already loaded.
    ("extract_date", "DATE"), ("extract_basis", "VARCHAR"), ("stale", "INTEGER"),
    # Earlier months' versions of records a later month's tab holds (`sheet_months`).
    ("superseded", "INTEGER"),
), primary_key=("load_id",))
LOAD_SHEETS = Table("load_sheets", (
    ("load_id", "INTEGER"), ("sheet", "VARCHAR"), ("kind", "VARCHAR"), ("header_row", "INTEGER"),
    ("rows_read", "INTEGER"), ("loaded", "INTEGER"), ("duplicates", "INTEGER"),
    ("rejected", "INTEGER"), ("blank", "INTEGER"), ("notes", "INTEGER"), ("note", "VARCHAR"),
    ("superseded", "INTEGER"),
))
# A load's rows loaded per local authority: which loads are the area's (`area`).
LOAD_LAS = Table("load_las", (
    ("load_id", "INTEGER"), ("local_authority", "VARCHAR"), ("rows", "INTEGER"),
))
# Rows refused by a rule of severity "error" (see `rules.py`).
REJECTS = Table("rejects", _FINDING)
# Rows kept but queried by a rule of severity "warning": counted and reported, never refused.
ROW_WARNINGS = Table("row_warnings", _FINDING)
META = Table("meta", (("key", "VARCHAR"), ("value", "VARCHAR")), primary_key=("key",))

BENCHMARKS = Table("benchmarks", (
    ("area_level", "VARCHAR NOT NULL"),  # national / regional / local authority
    ("area_name", "VARCHAR NOT NULL"),  # England, a DfE region name, or the DfE LA name
    ("old_la_code", "VARCHAR"), ("new_la_code", "VARCHAR"), ("region_name", "VARCHAR"),
    ("year", "INTEGER NOT NULL"),  # calendar year
    ("measure", "VARCHAR NOT NULL"),  # a key of benchmarks.MEASURES
    ("value", "DOUBLE"),  # as published; NULL where the file has a symbol or blank
    ("numerator", "DOUBLE"), ("denominator", "DOUBLE"),
    ("source_file", "VARCHAR NOT NULL"),
    # The symbol printed in place of (or, for the MoJ's nil "-", beside) each figure: a key of
    # benchmark_files.SYMBOLS, NULL for a plain figure or a blank cell.
    ("value_status", "VARCHAR"), ("numerator_status", "VARCHAR"), ("denominator_status", "VARCHAR"),
))
# The DfE's sen2_dmo_dco.csv: is a designated medical / clinical / social care officer in post,
# per LA and calendar year, as published ("Yes", "No", "Recruiting", "n/a"). Kept apart from
# sen2_header_flags, which holds the same flags from an LA's own SEN2 return.
BENCHMARK_DMO_DCO = Table("benchmark_dmo_dco", (
    ("la_name", "VARCHAR NOT NULL"), ("old_la_code", "VARCHAR"), ("new_la_code", "VARCHAR"),
    ("region_name", "VARCHAR"), ("year", "INTEGER NOT NULL"),
    ("dmo", "VARCHAR"), ("dco", "VARCHAR"), ("dsco", "VARCHAR"),
    ("source_file", "VARCHAR NOT NULL"),
))
# NHS England's community health services waiting lists, children's service lines only: one row
# per month, organisation and service line. Counts of children waiting; NULL where the
# organisation made no submission (a blank cell) or the figure was published as a symbol ("*"
# suppressed), which `<figure>_status` then holds.
BENCHMARK_WAITING_LISTS = Table("benchmark_waiting_lists", (
    ("month", "VARCHAR NOT NULL"),  # YYYY-MM, the month-end the list was counted
    ("org_type", "VARCHAR NOT NULL"),  # National / Region / ICB / Provider
    ("org_code", "VARCHAR"), ("org_name", "VARCHAR NOT NULL"),
    ("service", "VARCHAR NOT NULL"),  # NHS England's service line, without "(CYP) "
    ("total", "DOUBLE"),  # table 4: the whole waiting list
    ("weeks_0_1", "DOUBLE"), ("weeks_1_2", "DOUBLE"), ("weeks_2_4", "DOUBLE"),
    ("weeks_4_12", "DOUBLE"), ("weeks_12_18", "DOUBLE"), ("weeks_18_52", "DOUBLE"),
    ("weeks_52_104", "DOUBLE"), ("weeks_104_plus", "DOUBLE"),
    ("over_18_weeks", "DOUBLE"),  # 4f + 4g + 4h
    ("over_52_weeks", "DOUBLE"),  # 4g + 4h
    ("source_file", "VARCHAR NOT NULL"),
    # A key of benchmark_files.SYMBOLS, NULL for a figure or a blank; for a sum, a part's symbol.
    ("total_status", "VARCHAR"), ("over_18_weeks_status", "VARCHAR"),
    ("over_52_weeks_status", "VARCHAR"),
))
BENCHMARK_IMPORTS = Table("benchmark_imports", (
    ("dataset", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"),
    ("imported_at", "TIMESTAMP"), ("rows", "INTEGER"), ("source", "VARCHAR"),
))

_ITEM = (("item_id", "INTEGER"), ("theme", "VARCHAR NOT NULL"), ("item", "VARCHAR NOT NULL"),
         ("owner", "VARCHAR"), ("status", "VARCHAR NOT NULL"), ("due_date", "DATE"),
         ("last_updated", "TIMESTAMP NOT NULL"), ("link_or_note", "VARCHAR"),
         ("updated_by", "VARCHAR NOT NULL"))
EVIDENCE_ITEMS = Table("evidence_items", _ITEM, primary_key=("item_id",))
# Every version of every item: the state after each change ('added', 'edited'), and the last
# state with who deleted it and when ('deleted').
EVIDENCE_ITEMS_HISTORY = Table("evidence_items_history", (*_ITEM, ("change", "VARCHAR NOT NULL")))
SELF_EVALUATION_NOTES = Table("self_evaluation_notes", (
    ("note_id", "INTEGER"), ("theme", "VARCHAR NOT NULL"), ("note", "VARCHAR NOT NULL"),
    ("written_on", "DATE NOT NULL"), ("author", "VARCHAR NOT NULL"),
    ("created_at", "TIMESTAMP NOT NULL"),
), primary_key=("note_id",))

# The DCO's wording of a measure's "needs attention" sentence for a quarter, in place of the
# draft (pipelines/commentary.py); `drafted` is the draft it replaced. Every change is audited.
COMMENTARY_EDITS = Table("commentary_edits", (
    ("metric", "VARCHAR NOT NULL"), ("quarter", "VARCHAR NOT NULL"), ("text", "VARCHAR NOT NULL"),
    ("drafted", "VARCHAR NOT NULL"), ("edited_by", "VARCHAR NOT NULL"),
    ("edited_at", "TIMESTAMP NOT NULL"),
), primary_key=("metric", "quarter"))
# The audit log's chain head as the last load recorded it (one row, id 1), written in the load's
# transaction: a log later cut short before it, or deleted, no longer holds it (`audit.verify`).
AUDIT_HEAD = Table("audit_head", (
    ("id", "INTEGER"), ("hash", "VARCHAR"), ("log_bytes", "BIGINT"), ("recorded_at", "VARCHAR"),
), primary_key=("id",))
# The fingerprint of the key the database's pseudonyms were made with (at most one row): a load
# under another key is refused, so one child keeps one pseudonym (`pseudonym.claim_key`).
PSEUDONYM_KEY = Table("pseudonym_key", (("fingerprint", "VARCHAR"), ("recorded_at", "TIMESTAMP")))
# The DCO's "chased on / note" per overdue advice request, keyed like the request itself (LA,
# advice id, source), not by load, so a reload of the same records keeps it. Ids only.
CHASE_NOTES = Table("chase_notes", (
    ("local_authority", "VARCHAR NOT NULL"), ("advice_id", "VARCHAR NOT NULL"),
    ("source", "VARCHAR NOT NULL"), ("chased_on", "DATE"), ("note", "VARCHAR NOT NULL"),
    ("updated_by", "VARCHAR NOT NULL"), ("updated_at", "TIMESTAMP NOT NULL"),
), primary_key=("local_authority", "advice_id", "source"))

# A hash of the raw cells of each row a load validated, under the context that decides what they
# make (`known_rows`), with where the record made was loaded from (the live record's load_id,
# source_sheet and source_row): a later file's row with a known hash whose record is live is not
# validated again. A rollback forgets its load's rows. Hashes and positions only.
KNOWN_ROWS = Table("known_rows", (
    ("kind", "VARCHAR"), ("context", "VARCHAR"), ("raw_hash", "UBIGINT"), ("load_id", "INTEGER"),
    ("as_of", "DATE"), ("record_load", "INTEGER"), ("record_sheet", "VARCHAR"),
    ("record_row", "INTEGER"),
))

# Records a load held again as another load had written them (the same, or an older version kept
# as stale) without writing them itself: undoing that other load alone would remove them.
LOAD_RESTATED = Table("load_restated", (
    ("load_id", "INTEGER"), ("of_load", "INTEGER"), ("kind", "VARCHAR"), ("records", "INTEGER"),
))

TABLES: dict[str, Table] = {t.name: t for t in (
    LOADS, LOAD_SHEETS, LOAD_LAS, REJECTS, ROW_WARNINGS, META, BENCHMARKS, BENCHMARK_IMPORTS,
    BENCHMARK_DMO_DCO, BENCHMARK_WAITING_LISTS,
    EVIDENCE_ITEMS, EVIDENCE_ITEMS_HISTORY, SELF_EVALUATION_NOTES, COMMENTARY_EDITS, AUDIT_HEAD,
    PSEUDONYM_KEY, CHASE_NOTES, KNOWN_ROWS, LOAD_RESTATED)}
