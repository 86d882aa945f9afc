"""The command line as a user runs it: exit codes, JSON shapes, --db and SEND_DB, help."""

import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import access, audit
from pipelines.cli import COMMANDS, _parser, main
from tests.conftest import ADVICE_HEADER, write_csv


@pytest.fixture
def advice_csv(tmp_path):
    return write_csv(
        tmp_path / "advice.csv",
        [
            ADVICE_HEADER,
            ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""],
            ["A2", "C2", "Westshire", "SALT", "01/04/2025", "", "", "", "", ""],
        ],
    )


def test_ingest_status_rejects_round_trip(db, advice_csv, tmp_path, capsys):
    assert main(["ingest", str(advice_csv), "--db", str(db), "--as-of", "2026-03-31"]) == 0
    assert "2 rows read -> 1 loaded" in capsys.readouterr().out
    assert main(["status", "--json", "--db", str(db)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["rows"] == {"ehcp": 0, "health_advice": 1, "tribunals": 0, "schools": 0,
                              "annual_reviews": 0, "waiting_times": 0, "phb": 0, "complaints": 0,
                              "cohort": 0}
    assert status["rejected"] == 1
    out = tmp_path / "rejects.xlsx"
    assert main(["rejects", "--db", str(db), "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    values = [c.value for c in sheet[2]]
    assert "advice.csv" in values and 3 in values and "C" in values
    assert any("unknown local authority 'Westshire'" in str(v) for v in values)


def test_unloadable_file_exits_1_and_others_still_load(db, advice_csv, tmp_path, capsys):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["ingest", str(bad), str(advice_csv), "--db", str(db), "--as-of", "2026-03-31"]) == 1
    captured = capsys.readouterr()
    assert "error: broken.xlsx:" in captured.err
    assert "advice.csv: 2 rows read" in captured.out


def test_missing_file_exits_1(db, tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nope.csv"), "--db", str(db)]) == 1
    assert "nope.csv: cannot be opened" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["metrics"], ["status"], ["loads"], ["rejects"],
                                     ["audit"], ["audit", "--verify"], ["rollback", "1"],
                                     ["board-pack", "--quarter", "2025Q4", "--out", "p.pdf"]])
def test_a_command_on_no_database_says_so_and_makes_none(tmp_path, capsys, command, monkeypatch):
    """A mistyped --db is told there is nothing there, not given every figure as 0 nor an
    audit chain "intact"; nothing is left behind (no database, no audit log, no folder)."""
    monkeypatch.delenv("SEND_AUDIT_LOG", raising=False)
    assert main([*command, "--db", str(tmp_path / "typo" / "mistyped.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "no database at" in err and "mistyped.duckdb" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["status"], ["metrics", "--json"],
                                  ["ingest", "ADVICE"]])
def test_a_spreadsheet_named_as_the_database_is_not_called_busy(advice_csv, tmp_path, capsys,
                                                                argv):
    sheet = tmp_path / "tracker.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a database")
    argv = [str(advice_csv) if a == "ADVICE" else a for a in argv]
    assert main([*argv, "--db", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "cannot be opened as a database" in err and "in use" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([sheet.name, advice_csv.name]
                                                                if advice_csv.parent == tmp_path
                                                                else [sheet.name])
    assert sheet.read_bytes() == b"PK\x03\x04 not a database"


@pytest.mark.parametrize(
    "argv", [[], ["frobnicate"], ["metrics", "--from", "April"], ["ingest"], ["metrics", "--la"]]
)
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_unknown_la_in_metrics_is_a_usage_error(db, capsys):
    assert main(["metrics", "--db", str(db), "--la", "Westshire"]) == 2


def test_send_db_environment_variable(advice_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "k")
    monkeypatch.setenv("SEND_DB", str(tmp_path / "env.duckdb"))
    main(["ingest", str(advice_csv), "--as-of", "2026-03-31"])
    assert (tmp_path / "env.duckdb").exists()


def test_every_command_has_help():
    sub = next(a for a in _parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)
    for name, parser in sub.choices.items():
        assert parser.description, name
        assert "--db" in parser.format_help(), name


def test_runs_as_a_module(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines", "status", "--json", "--db", str(tmp_path / "fresh.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("error: there is no database at"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_rollback_from_the_command_line(db, advice_csv, capsys):
    main(["ingest", str(advice_csv), "--db", str(db), "--as-of", "2026-03-31"])
    capsys.readouterr()
    assert main(["rollback", "1", "--db", str(db)]) == 0  # without --yes: only what it would do
    shown = capsys.readouterr().out
    assert "load 1: advice.csv, loaded " in shown and "removes the 1 records it added" in shown
    assert "Nothing was changed: run again with --yes" in shown
    assert main(["status", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]["health_advice"] == 1
    assert main(["rollback", "1", "--yes", "--db", str(db)]) == 0
    assert "load 1 (advice.csv) rolled back: 1 records removed" in capsys.readouterr().out
    assert main(["rollback", "1", "--yes", "--db", str(db)]) == 1
    assert "already rolled back" in capsys.readouterr().err
    main(["loads", "--db", str(db)])
    listed = capsys.readouterr().out
    assert "rolled back" in listed
    # A load with no rows outside the area leaves that column blank, never "None" or "NaN".
    assert "outside_area" in listed and not {"None", "NaN", "nan", "NaT"} & set(listed.split())


def test_every_command_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"python -m pipelines {name}" in readme, name


def test_users_are_managed_from_the_command_line(db, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SEND_USERS_FILE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert main(["users", "add", "jo", "--role", "admin", "--password-stdin", "--db", str(db)]) == 0
    assert main(["users", "add", "ana@nhs.net", "--role", "board", "--no-password",
                 "--db", str(db)]) == 0
    assert main(["users", "set-role", "ana@nhs.net", "dco", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert listed.split("\n")[1].split()[:2] == ["ana@nhs.net", "dco"] and " jo admin " in listed
    assert "secret" not in (tmp_path / "users.json").read_text()
    assert main(["users", "remove", "jo", "--db", str(db)]) == 1
    assert "no admin" in capsys.readouterr().err
    assert access.authenticate(tmp_path / "users.json", "jo", "a long enough secret")


def test_loads_rollbacks_and_user_changes_are_audited(db, advice_csv, tmp_path, monkeypatch,
                                                      capsys):
    monkeypatch.delenv("SEND_AUDIT_LOG", raising=False)
    main(["ingest", str(advice_csv), "--db", str(db), "--as-of", "2026-03-31"])
    main(["ingest", str(tmp_path / "missing.csv"), "--db", str(db)])
    main(["rollback", "1", "--yes", "--db", str(db)])
    main(["users", "add", "viewer@nhs.net", "--role", "board", "--no-password", "--db", str(db)])
    main(["rejects", "--db", str(db), "--out", str(tmp_path / "rejects.xlsx")])
    entries = audit.entries(db)
    assert [e["action"] for e in entries] == ["load started", "load", "load", "rollback",
                                              "user added", "export"]
    assert all(e["actor"].endswith("(command line)") for e in entries)
    assert entries[0]["detail"] == {"file": "advice.csv", "load_id": 1, "rows_read": 2,
                                    "loaded": 1, "rejected": 1}
    assert entries[1]["detail"]["file"] == "advice.csv" and entries[1]["detail"]["loaded"] == 1
    assert entries[2]["detail"]["status"] == "failed" and "missing.csv" in entries[2]["detail"]["error"]
    capsys.readouterr()
    assert main(["audit", "--verify", "--db", str(db)]) == 0
    assert "6 entries, chain intact" in capsys.readouterr().out
    assert main(["audit", "--db", str(db), "--last", "2"]) == 0
    shown = capsys.readouterr().out
    assert "user added" in shown and " rollback " not in shown
    path = audit.audit_file(db)
    path.write_text(path.read_text().replace('"removed": 1', '"removed": 0'))
    assert main(["audit", "--verify", "--db", str(db)]) == 1
    assert "line 4: its content was changed" in capsys.readouterr().err


def test_samples_builds_a_new_database_once(tmp_path, monkeypatch, capsys):
    """The quick start's build: every sample file and the bundled release, audited under the
    command line's user; a second run leaves an existing database alone."""
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "k")
    db = tmp_path / "send.duckdb"
    assert main(["samples", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Built" in out and "bundled DfE release" in out
    assert main(["status", "--json", "--db", str(db)]) == 0
    held = json.loads(capsys.readouterr().out)
    assert held["rows"]["ehcp"] > 0 and held["rows"]["health_advice"] > 0
    actors = {e["actor"] for e in audit.entries(db)}
    assert actors == {audit.command_line_actor()}
    assert main(["samples", "--db", str(db)]) == 0
    assert "already exists: nothing done" in capsys.readouterr().out
    assert main(["status", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["loads"] == held["loads"]


def test_same_file_with_other_options_says_how_to_load_it_again(db, tmp_path, capsys):
    """The same bytes are one load whatever the options: a file loaded with the wrong
    --provider says, when given again, how to load it again, and that way works."""
    header = [c for c in ADVICE_HEADER if c != "Provider"]
    log = write_csv(tmp_path / "log.csv", [header, ["A1", "C1", "Northshire", "SALT",
                                                   "01/04/2025", "", "", "", ""]])
    base = ["ingest", str(log), "--db", str(db), "--as-of", "2026-03-31", "--source", "provider"]
    assert main([*base, "--provider", "Trust A"]) == 0
    capsys.readouterr()
    assert main([*base, "--provider", "Trust B"]) == 0
    said = capsys.readouterr().out
    assert "already loaded (load 1); nothing changed" in said
    command = said.split("undo that load first: ")[1].split()
    assert command[:4] == ["python", "-m", "pipelines", "rollback"]
    assert main([*command[3:], "--db", str(db)]) == 0
    assert main([*base, "--provider", "Trust B"]) == 0
    assert "1 loaded" in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT provider FROM health_advice").fetchall() == [("Trust B",)]
