"""Command line: `python -m pipelines ingest|status|metrics|rejects|loads|rollback|benchmarks|
board-pack|publish|users|audit|rekey`. What it reports comes from the same functions the app reads
(`pipelines.status`, `pipelines.metrics`); this module only parses, prints and records.

Exit codes: 0 done (rows may have been rejected), 1 a file could not be loaded, 2 usage.
Whatever loads, exports, rolls back or changes users is written to the audit log
(`pipelines.audit`) under the name of the account that ran the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines import access, audit, config, metrics, pseudonym, published
from pipelines.db import DatabaseBusy, NotADatabase, one, reader, upgrade
from pipelines.exports import write_table
from pipelines.formats import sen2_tables
from pipelines.periods import period_of
from pipelines.publish import publish
from pipelines.schemas import SCHEMAS
from pipelines.status import default_as_of, loads, rejects, status

# The commands that load files (ingest, samples, benchmarks, board-pack, rollback) import the
# readers and loaders where they run: a read command (metrics, status, loads) then starts in
# about 0.3 s less, most of `metrics --json`'s time on a small database.


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in yyyy-mm-dd form: '{text}'") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $SEND_DB, else data/send.duckdb)")
    p = argparse.ArgumentParser(
        prog="python -m pipelines",
        description="Load SEND spreadsheets into DuckDB and report health's SEND metrics.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", parents=[common], help="load xlsx/csv exports",
                            description="Load exports; every row is loaded or rejected with a reason.")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--kind", choices=sorted(SCHEMAS),
                        help="dataset of the files (default: recognised from the columns)")
    ingest.add_argument("--source", choices=("provider", "local-authority"),
                        help="whose log a health-advice file without a Source column is: a provider's "
                             "(the reg 8(1) clock) or the local authority's")
    ingest.add_argument("--provider", metavar="NAME",
                        help="the provider of a health-advice file without a Provider column")
    ingest.add_argument("--extract-date", type=_date, default=None,
                        help="the day the export was made (default: a date in a title row, else in the "
                             "file name, else the last day of a tracker's latest month tab, else the "
                             "latest date in the file); a record is replaced only by an export of a "
                             "later or equal extract date")
    ingest.add_argument("--as-of", type=_date, default=None,
                        help="reject dates after this day (default: today)")
    ingest.add_argument("--la", metavar="NAME", default=None,
                        help="the local authority whose files these are: every row of a file "
                             "without an LA column (an Annex A list, a flat SEN2 return), the "
                             "blank cells of a file's own LA column (a row naming another LA is "
                             "rejected)")
    ingest.add_argument("--json", action="store_true", help="print the results as JSON")

    status = sub.add_parser("status", parents=[common], help="row counts and loads",
                            description="Rows held per dataset, rejected rows and the last load.")
    status.add_argument("--json", action="store_true", help="print as JSON")

    sub.add_parser("samples", parents=[common], help="build the database from the bundled samples",
                   description="Build the database, if there is none yet, from the synthetic "
                               "samples in data_samples/ and the bundled DfE release, as the app "
                               "does on first start (run it first and the app opens at once).")

    m = sub.add_parser("metrics", parents=[common], help="headline metrics for a period",
                       description="Headline metrics as defined in docs/metrics.md.")
    m.add_argument("--from", dest="date_from", type=_date,
                   help="first day of the period (default: start of the as-of financial year)")
    m.add_argument("--to", dest="date_to", type=_date, help="last day (default: the as-of date)")
    m.add_argument("--as-of", type=_date, default=None,
                   help="the day the data describe (default: the latest extract date of the "
                        "area's data, as the app's As of; today if nothing is loaded)")
    m.add_argument("--la", action="extend", nargs="+", default=[], metavar="NAME",
                   help="local authorities to include (default: the area's, settings.toml's)")
    m.add_argument("--json", action="store_true", help="print one JSON object")

    r = sub.add_parser("rejects", parents=[common], help="list rejected rows",
                       description="Rejected rows with file, sheet, row, column and reason.")
    r.add_argument("--out", type=Path, help="write to this .xlsx or .csv file instead of printing")
    r.add_argument("--load", type=int, help="only this load id")

    sub.add_parser("loads", parents=[common], help="history of loads",
                   description="Every load: file, hash, when, counts, and whether it was rolled back.")

    rb = sub.add_parser("rollback", parents=[common], help="undo a whole load by its id",
                        description="Undo a load: remove the records it added and restore the "
                        "earlier versions of those it changed. Refused while a later load has "
                        "changed the same records (roll that one back first).")
    rb.add_argument("load_id", type=int, metavar="LOAD_ID", help="the load's id (see: loads)")
    rb.add_argument("--yes", action="store_true",
                    help="roll back without asking (otherwise it only shows what it would remove)")
    rk = sub.add_parser("rekey", parents=[common], help="rotate the pseudonym key",
                        description="Make a new pseudonym key (the old key file is kept, renamed). "
                        "Refused while the database holds pseudonyms made with the current key: a "
                        "pseudonym is a one-way hash, so they cannot be re-made without the source "
                        "files. To rotate: move the database aside, rekey, load the exports again.")
    rk.add_argument("--yes", action="store_true", help="rotate without asking")

    b = sub.add_parser("benchmarks", parents=[common],
                       help="DfE and NHS England figures for England, regions, LAs, ICBs",
                       description="Import the DfE 'Education, health and care plans' release "
                       "(the SEND Tribunal appeal-rate table, sen2_dmo_dco.csv) and NHS England's "
                       "community health services waiting lists, recognised by content, and show "
                       "an area's published figures.")
    actions = b.add_subparsers(dest="benchmarks_command", required=True, metavar="ACTION")
    # SUPPRESS keeps `benchmarks --db X show` working: a subparser's own default would overwrite X.
    leaf = argparse.ArgumentParser(add_help=False)
    leaf.add_argument("--db", default=argparse.SUPPRESS,
                      help="database file (default: $SEND_DB, else data/send.duckdb)")
    bi = actions.add_parser("import", parents=[leaf], help="import the release files",
                            description="Import the release (folder, zip or one file; files are "
                            "recognised by content, whatever their names); replaces the earlier "
                            "import of each dataset found (a CHS workbook: of its month).")
    bi.add_argument("source", type=Path, metavar="PATH", help="release folder, release zip or one file")
    bs = actions.add_parser("show", parents=[leaf], help="an area's figures by year",
                            description="Published figures for England, a region, a local "
                            "authority, or an ICB or provider in NHS England's waiting lists.")
    bs.add_argument("--area", required=True, metavar="NAME",
                    help="England, a region, a local authority, an ICB or a provider (name or code)")
    bs.add_argument("--json", action="store_true", help="print one JSON object")
    pack = sub.add_parser(
        "board-pack", parents=[common], help="the quarterly SEND board pack (PDF, PPTX, xlsx)",
        description="Write the quarterly board pack: one page per headline metric with its SPC "
        "chart and icons, the overdue and at-risk summaries; small numbers suppressed. "
        ".pdf and .pptx give the pack, .xlsx its appendix of tables.")
    pack.add_argument("--quarter", required=True, metavar="QUARTER",
                      help="calendar quarter such as 2025Q4 (October-December 2025), or NHS "
                      "financial quarter such as FY2025-26Q3 (the same months); the pack names it "
                      "as settings.toml's [board_pack] quarters says (default: NHS financial "
                      "year, 'Q3 2025/26')")
    pack.add_argument("--out", required=True, type=Path, metavar="FILE",
                      help="file to write, ending .pdf, .pptx or .xlsx")
    pack.add_argument("--as-of", type=_date, default=None,
                      help="the day the figures describe (default: the quarter's last day, or "
                      "the latest extract date if the data stop before it, as on the app's "
                      "Board pack page)")
    pack.add_argument("--la", action="append", default=[], metavar="NAME",
                      help="a local authority to include (repeatable; default: the area's)")
    pub = sub.add_parser(
        "publish", parents=[common], help="publish the database as a Parquet snapshot",
        description="Write the database as Parquet (a folder per table, a record table's by "
        "year) with a manifest written last, so that readers elsewhere open it with --db DIR "
        "(see docs/scaling.md). Free text written in the app, staff names and rejected cells' "
        "values are left out.")
    pub.add_argument("--parquet", required=True, type=Path, metavar="DIR",
                     help="the folder to publish into (made if absent; the previous publish is "
                     "kept until the next)")
    pub.add_argument("--split-by-la", action="store_true",
                     help="a folder per local authority as well as per year (one file per LA "
                     "and year: slower to read for many LAs; see docs/scaling.md)")
    _users_parser(sub, common)
    a = sub.add_parser("audit", parents=[common], help="the audit log: who did what, when",
                       description="Show the audit log (loads, exports, rollbacks, sign-ins, user "
                       "changes) and check that no entry was changed, removed or reordered.")
    a.add_argument("--last", type=int, default=50, metavar="N", help="show the last N entries (default 50)")
    a.add_argument("--verify", action="store_true",
                   help="check the hash chain; exit 1 if the log was tampered with")
    a.add_argument("--json", action="store_true", help="print the entries as JSON")
    return p


def _users_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    u = sub.add_parser("users", parents=[common], help="who may sign in to the app, and their role",
                       description="Manage the local users file (salted scrypt hashes, beside the "
                       "database or at $SEND_USERS_FILE). Roles: board (aggregates, suppressed), "
                       "dco (record lists, loading files), admin (users, evidence, audit log). "
                       "Users of an identity provider are added by email with --no-password.")
    actions = u.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    leaf = argparse.ArgumentParser(add_help=False)
    leaf.add_argument("--db", default=argparse.SUPPRESS,
                      help="database file (default: $SEND_DB, else data/send.duckdb)")
    actions.add_parser("list", parents=[leaf], help="list users and roles")
    add = actions.add_parser("add", parents=[leaf], help="add a user",
                             description="Add a user. The password is asked for twice (not echoed) "
                             "unless --password-stdin or --no-password is given.")
    add.add_argument("username", metavar="NAME",
                     help="user name, or the email the identity provider signs in")
    add.add_argument("--role", required=True, choices=access.ROLES)
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    how.add_argument("--no-password", action="store_true",
                     help="signs in through the identity provider only (NAME is their email)")
    role = actions.add_parser("set-role", parents=[leaf], help="change a user's role")
    role.add_argument("username", metavar="NAME")
    role.add_argument("role", choices=access.ROLES, metavar="ROLE", help=" | ".join(access.ROLES))
    pw = actions.add_parser("password", parents=[leaf], help="set a new password")
    pw.add_argument("username", metavar="NAME")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rm = actions.add_parser("remove", parents=[leaf], help="remove a user")
    rm.add_argument("username", metavar="NAME")


def _print_table(frame: pd.DataFrame) -> None:
    if frame.empty:
        print("(none)")
        return
    # A missing value prints blank, as the dashboard shows it, never "None" or "NaN".
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_object_dtype(shown[column]):  # None there is not "missing" to na_rep
            shown[column] = shown[column].where(shown[column].notna(), "")
    print(shown.to_string(index=False, na_rep=""))


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines import ingest_report
    from pipelines.isolated import Loader

    db = config.db_path(args.db)
    failed = 0
    results = []
    # In a child process with a memory and time limit (one for the files, while each load
    # leaves it running); audited there and here.
    with Loader() as loader:
        for path in args.files:
            try:
                result = loader.load(db, path, audit.command_line_actor(), kind=args.kind,
                                     as_of=args.as_of, extract_date=args.extract_date,
                                     given=_given(args), la=args.la)
            except DatabaseBusy as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            results.append(result)
            if result.status == "failed":
                failed += 1
                print(f"error: {result.error}", file=sys.stderr)
            elif not args.json:
                print(ingest_report.summary(result))
            for warning in [] if args.json else ingest_report.warnings(result):
                ingest_report.warn(warning)
    if args.json:
        print(json.dumps([r.summary() for r in results], indent=2, default=str))
    return 1 if failed else 0


def _given(args: argparse.Namespace) -> dict[str, str]:
    """Values for columns a file lacks, from `--source` and `--provider`."""
    given = {}
    if args.source:
        given["source"] = {"provider": "provider", "local-authority": "local authority"}[args.source]
    if args.provider:
        given["provider"] = args.provider.strip()
    return given


def cmd_status(args: argparse.Namespace) -> int:
    result = status(_existing(config.db_path(args.db)))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for kind, n in result["rows"].items():
            print(f"{kind:15} {n:>9,} rows")
        print(f"{'rejected':15} {result['rejected']:>9,} rows")
        print(f"{'loads':15} {result['loads']:>9,}  (last: {result['last_load'] or 'never'})")
    return 0


def cmd_samples(args: argparse.Namespace) -> int:
    from pipelines import bootstrap

    db = config.db_path(args.db)
    actor = audit.command_line_actor()
    results = bootstrap.ensure_database(db, actor, actor)
    if results is None:
        print(f"{db} already exists: nothing done (the samples load only into a new database)")
        return 0
    for result in results:
        print(f"{result.file}: {result.status}, {result.loaded:,} rows loaded, "
              f"{result.rejected:,} rejected" if result.status != "failed" else
              f"{result.file}: failed: {result.error}")
    print(f"Built {db} from {len(results)} sample files"
          + (" and the bundled DfE release" if bootstrap.RELEASE.exists() else ""))
    return 1 if any(r.status == "failed" for r in results) else 0


def _local_authorities(names: list[str]) -> list[str] | None:
    """Canonical names for `--la` spellings, once each; None (after saying which) if one is unknown."""
    las = []
    for name in names:
        canonical = config.canonical_la(name)
        if canonical is None:
            print(f"error: unknown local authority '{name}'", file=sys.stderr)
            return None
        las.append(canonical)
    return list(dict.fromkeys(las))


def cmd_metrics(args: argparse.Namespace) -> int:
    las = _local_authorities(args.la)
    if las is None:
        return 2
    db = config.db_path(args.db)
    with _read(db) as con:
        # The app's default (`status.default_as_of`): the area's latest extract.
        as_of = args.as_of or default_as_of(con) or dt.date.today()
        date_to = args.date_to or as_of
        date_from = args.date_from or period_of("financial_year", date_to).start
        if date_from > date_to:
            print("error: --from is after --to" + ("" if args.date_to else
                  f" (by default the as-of date, {as_of:%d/%m/%Y})"), file=sys.stderr)
            return 2
        f = metrics.Filters(date_from, date_to, as_of, tuple(las))
        result = metrics.headline(con, f)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"Period {date_from:%d/%m/%Y} to {date_to:%d/%m/%Y}, as of {as_of:%d/%m/%Y}"
              + f", {metrics.las_in_words(tuple(las))}")
        for key, value in result.items():
            print(f"  {key:58} {'-' if value is None else value}")
    return 0


def _existing(db: Path) -> Path:
    """`db`, which must exist: no empty one is made where there is none (a mistyped `--db` would
    be told every figure is 0), and `main` leaves no audit log at such a path."""
    if not db.exists():
        raise NotADatabase(f"there is no database at {db}: check --db (or SEND_DB), or load files "
                           "into it first (python -m pipelines ingest FILE...)")
    return db


def _read(db: Path):
    """A reader on an existing database (`_existing`), brought up to the current schemas first
    (a dataset added since it was made gets its empty table)."""
    upgrade(_existing(db))
    return reader(db)


def cmd_rejects(args: argparse.Namespace) -> int:
    with _read(config.db_path(args.db)) as con:
        frame = rejects(con, None if args.load is None else [args.load])
    if args.out:
        try:
            write_table(frame, args.out, sheet="Rejected rows")
        except (OSError, ValueError) as exc:
            audit.record(config.db_path(args.db), audit.command_line_actor(), "export failed",
                         what="rejected rows", file=str(args.out), error=type(exc).__name__)
            print(f"error: the rejected rows could not be written to {args.out} "
                  f"({getattr(exc, 'strerror', None) or exc})", file=sys.stderr)
            return 1
        audit.record(config.db_path(args.db), audit.command_line_actor(), "export",
                     what="rejected rows", file=str(args.out), rows=len(frame), load_id=args.load)
        print(f"{len(frame):,} rejects written to {args.out}")
    else:
        with pd.option_context("display.max_colwidth", 80, "display.width", 200):
            _print_table(frame)
    return 0


def cmd_loads(args: argparse.Namespace) -> int:
    with _read(config.db_path(args.db)) as con:
        frame = loads(con)
    _print_table(frame)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from pipelines.rollback import RollbackRefused, rollback

    db = _existing(config.db_path(args.db))
    with reader(db) as con:
        load = one(con, "SELECT file_name, loaded_at, inserted, updated, status FROM loads "
                        "WHERE load_id = ?", [args.load_id])
    if load is None:
        print(f"error: there is no load {args.load_id} (see: python -m pipelines loads)",
              file=sys.stderr)
        return 1
    file_name, loaded_at, inserted, updated, state = load
    if state != "loaded":
        print(f"error: load {args.load_id} ({file_name}) is already {state}", file=sys.stderr)
        return 1
    if not args.yes:
        print(f"load {args.load_id}: {file_name}, loaded {loaded_at:%d/%m/%Y %H:%M}. Rolling it "
              f"back removes the {inserted:,} records it added and restores the earlier version "
              f"of the {updated:,} it changed.\nNothing was changed: run again with --yes to "
              "roll it back.")
        return 0
    try:
        result = rollback(db, args.load_id)
    except RollbackRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    audit.record(db, audit.command_line_actor(), "rollback", load_id=result.load_id,
                 file=result.file, removed=result.removed, restored=result.restored)
    print(f"load {result.load_id} ({result.file}) rolled back: {result.removed:,} records removed, "
          f"{result.restored:,} restored to their earlier version")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    db = config.db_path(args.db)
    if os.environ.get(pseudonym.KEY_ENV) is not None:
        print(f"error: the key comes from ${pseudonym.KEY_ENV}: change it where that is set "
              "(and see docs/security.md, 'Pseudonym key')", file=sys.stderr)
        return 1
    held = pseudonym.recorded_fingerprint(db)
    if held is not None:
        print(f"error: {db} holds pseudonyms made with the current key (fingerprint {held}). A "
              "pseudonym is a one-way hash: it cannot be re-made under a new key without the "
              "source files. To rotate: move the database aside, run rekey, then load the "
              "exports again.", file=sys.stderr)
        return 1
    path = pseudonym.key_file_for(db)
    if not args.yes:
        print(f"Would make a new key at {path}" + (" (the current one kept, renamed)"
              if path.exists() else "") + ". Run again with --yes to do it.")
        return 0
    old = pseudonym.fingerprint(pseudonym.load_key(db)) if path.exists() else None
    if path.exists():
        path.rename(path.with_name(f"{path.name}.retired-{dt.datetime.now():%Y%m%dT%H%M%S}"))
    pseudonym.new_key_file(path)
    new = pseudonym.fingerprint(pseudonym.load_key(db))
    audit.record(db, audit.command_line_actor(), "pseudonym key rotated", old=old, new=new)
    print(f"new pseudonym key at {path} (fingerprint {new})")
    return 0


def cmd_benchmarks(args: argparse.Namespace) -> int:
    from pipelines import benchmark_show, benchmarks
    from pipelines.readers import FileError

    db = config.db_path(args.db)
    if args.benchmarks_command == "import":
        try:
            result = benchmarks.import_release(db, args.source)
        except FileError as exc:
            print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 1
        for file in result["files"]:
            print(benchmarks.describe_import(file))
            audit.record(db, audit.command_line_actor(), "load", what="DfE benchmarks",
                         file=file["file"], dataset=file["dataset"], rows=file["rows"])
            for warning in file["warnings"]:
                print(f"warning: {warning}", file=sys.stderr)
        return 0
    try:
        result = benchmark_show.show(db, args.area)
    except benchmarks.UnknownArea as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result["sen2_header_flags"] = _sen2_flags(db, result["area"])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(result["area"])
        for flags in result["sen2_header_flags"]:
            print(f"  SEN2 {flags['collection_year']} {flags['local_authority']}: "
                  f"DMO {flags['dmo_in_post'] or '-'}, DCO {flags['dco_in_post'] or '-'}")
        _print_table(benchmark_show.show_table(result))
    return 0


def _sen2_flags(db: Path, area: str) -> list[dict]:
    """The DMO/DCO flags the LAs' own SEN2 returns gave: the LA's, its region's LAs', or all."""
    if not db.exists():
        return []
    la = config.canonical_la(area)
    if la is not None:
        las: tuple[str, ...] = (la,)
    else:
        region = [x.name for x in config.load_settings().england if x.region == area]
        las = tuple(region)
        if not las and area.lower() != "england":
            return []
    with reader(db) as con:
        return sen2_tables.header_flags(con, las)


def cmd_board_pack(args: argparse.Namespace) -> int:
    from pipelines import board_pack

    try:
        quarter = board_pack.parse_quarter(args.quarter)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    writer = board_pack.WRITERS.get(args.out.suffix.lower())
    if writer is None:
        print(f"error: --out must end .pdf, .pptx or .xlsx, not '{args.out.name}'", file=sys.stderr)
        return 2
    if args.as_of is not None and args.as_of < quarter.start:
        print(f"error: --as-of {args.as_of} is before {quarter.label} begins ({quarter.start})",
              file=sys.stderr)
        return 2
    las = _local_authorities(args.la)
    if las is None:
        return 2
    db = _existing(config.db_path(args.db))
    upgrade(db)  # a database made before a dataset was added gets its empty table
    with reader(db) as con:
        empty = not board_pack.has_data(con)
        as_of = args.as_of or board_pack.pack_as_of(con, quarter)  # the page's rule too
    if empty:
        print(f"error: the database {db} holds no health advice, EHC or tribunal rows",
              file=sys.stderr)
        return 1
    if as_of < quarter.start:
        print(f"error: the latest data are of {as_of}, before {quarter.label} begins "
              f"({quarter.start}): give --as-of or an earlier quarter", file=sys.stderr)
        return 2
    pack = board_pack.build_board_pack(db, quarter, tuple(las), as_of)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    writer(pack, args.out)
    audit.record(db, audit.command_line_actor(), "export", what="board pack",
                 quarter=pack.quarter.label, file=str(args.out), las=list(pack.las))
    print(f"{args.out}: {pack.title} ({pack.quarter.dates}; {pack.quarter.other_name}), as of "
          f"{as_of:%d/%m/%Y}, {metrics.las_in_words(pack.las)}\n"
          f"{pack.as_at}")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise access.AccessError("No terminal to ask for the password: give it on standard "
                                 "input with --password-stdin (or --no-password for someone "
                                 "who signs in through the identity provider).")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise access.AccessError("The two passwords differ.")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    db = config.db_path(args.db)
    path = access.users_file(db)
    action = args.users_command
    actor = audit.command_line_actor()
    try:
        if action == "list":
            users = access.read_users(path).values()
            _print_table(pd.DataFrame(
                [{"user": u.username, "role": u.role,
                  "signs in with": "password" if u.local else "identity provider",
                  "added": u.created} for u in users]))
            return 0
        if action == "add":
            password = None if args.no_password else _new_password(args)
            user = access.add_user(path, args.username, args.role, password)
            audit.record(db, actor, "user added", user=user.username, role=user.role,
                         signs_in_with="password" if user.local else "identity provider")
            print(f"{user.username} added as {user.role} ({path})")
        elif action == "set-role":
            user = access.set_role(path, args.username, args.role)
            audit.record(db, actor, "role changed", user=user.username, role=user.role)
            print(f"{user.username} is now {user.role}")
        elif action == "password":
            user = access.set_password(path, args.username, _new_password(args))
            audit.record(db, actor, "password changed", user=user.username)
            print(f"password changed for {user.username}")
        elif action == "remove":
            user = access.remove_user(path, args.username)
            audit.record(db, actor, "user removed", user=user.username)
            print(f"{user.username} removed")
    except access.AccessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    db = config.db_path(args.db)
    manifest = publish(db, args.parquet, split_by_la=args.split_by_la)
    audit.record(db, audit.command_line_actor(), "export", what="parquet snapshot",
                 folder=str(args.parquet), publish_id=manifest["publish_id"], rows=manifest["rows"])
    withheld = sorted(t for t, spec in manifest["tables"].items() if "withheld" in spec)
    print(f"{args.parquet}: {len(manifest['tables'])} tables, {manifest['rows']:,} rows in "
          f"{manifest['files']:,} files ({manifest['bytes'] / 1e6:,.1f} MB), published in "
          f"{manifest['seconds']:.1f} s [{manifest['publish_id']}]\n"
          f"  published empty: {', '.join(withheld)}\n"
          "  rejected cells' values left out (see the manifest's withheld notes)")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    db = config.db_path(args.db)
    if not db.exists() and not audit.audit_file(db).exists():  # never "chain intact" of nothing
        raise NotADatabase(f"there is no database at {db}, nor an audit log beside it: check "
                           "--db (or SEND_DB, SEND_AUDIT_LOG)")
    if args.verify:
        problems = audit.verify(db) + audit.loads_without_entries(db)
        for problem in problems:
            print(f"error: {audit.audit_file(db)} {problem}", file=sys.stderr)
        if not problems:
            print(f"{audit.audit_file(db)}: {len(audit.entries(db)):,} entries, chain intact")
        return 1 if problems else 0
    entries = audit.entries(db)[-args.last:] if args.last > 0 else []
    if args.json:
        print(json.dumps(entries, indent=2))
        return 0
    _print_table(pd.DataFrame(
        [{"when (UTC)": e["at"], "who": e["actor"], "action": e["action"],
          "detail": ", ".join(f"{k}={v}" for k, v in e["detail"].items())} for e in entries]))
    return 0


COMMANDS = {"ingest": cmd_ingest, "status": cmd_status, "samples": cmd_samples,
            "metrics": cmd_metrics,
            "rejects": cmd_rejects, "loads": cmd_loads, "benchmarks": cmd_benchmarks,
            "board-pack": cmd_board_pack, "rollback": cmd_rollback, "users": cmd_users,
            "audit": cmd_audit, "rekey": cmd_rekey, "publish": cmd_publish}
# What writes to the database (or makes its key): refused on a published snapshot at once,
# before a file is read.
WRITES = {"ingest", "samples", "rollback", "rekey", "benchmarks import"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if _action(args) in WRITES:
            published.refuse_writes(config.db_path(getattr(args, "db", None)))
        code = COMMANDS[args.command](args)
    except NotADatabase as exc:  # no audit log is left beside what is not a database
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (DatabaseBusy, audit.AuditError, published.SnapshotError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    if code and args.command != "ingest":  # a failed load is audited as that load
        _audit_failure(args, code)
    return code


def _action(args: argparse.Namespace) -> str:
    return " ".join(filter(None, [args.command, getattr(args, "users_command", None),
                                  getattr(args, "benchmarks_command", None)]))


def _audit_failure(args: argparse.Namespace, code: int) -> None:
    """A command that failed is recorded too (who tried what); if even that cannot be written,
    the user is told so."""
    action = _action(args)
    try:
        audit.record(config.db_path(getattr(args, "db", None)), audit.command_line_actor(),
                     "command failed", command=action, exit_code=code)
    except audit.AuditError as exc:
        print(f"warning: the failure could not be audited: {exc}", file=sys.stderr)
