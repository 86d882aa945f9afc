"""Sign-in and roles in the running app: real data only after sign-in, each role's pages, the
admin page, the identity provider's users, and the audit trail of it all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from app_helpers import PASSWORD, USERS
from streamlit.testing.v1 import AppTest

from dashboard.components.text import plain
from pipelines import access, audit
from pipelines.config import load_settings

OVERVIEW = "Overview"
OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "send-dashboard", "client_secret": "not-secret",
        "server_metadata_url": "https://login.example.nhs.uk/.well-known/openid-configuration"}


def actions(tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / "audit.jsonl"
    if not path.exists():
        return []
    return [(e["actor"], e["action"]) for e in map(json.loads, path.read_text().splitlines())]


def test_real_data_shows_nothing_but_the_sign_in_page(run_app: Callable[..., AppTest],
                                                      tiny_db: Path) -> None:
    at = run_app(db=tiny_db, role=None)
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert [b.label for b in at.get("form_submit_button")] == ["Sign in"]
    # A data page's address gives the sign-in form too, never the page.
    at.switch_page("views/health_advice.py").run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.dataframe


def _sign_in(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="sign_in_user").input(user)
    at.text_input(key="sign_in_password").input(password)
    return at.get("form_submit_button")[0].click().run()


def test_signing_in_with_a_password_opens_the_dashboard(run_app: Callable[..., AppTest],
                                                        tiny_db: Path, tmp_path: Path) -> None:
    at = run_app(db=tiny_db, role=None)
    _sign_in(at, "dan", "wrong password entirely")
    assert any("do not match" in e.value for e in at.error)
    assert [t.value for t in at.title] == ["Sign in"]
    _sign_in(at, "DAN", PASSWORD + "dco")  # user names are not case-sensitive
    assert not at.exception
    assert [t.value for t in at.title] == [OVERVIEW] and at.metric
    assert any("Signed in as **dan** (dco)" in c.value for c in at.sidebar.caption)
    assert actions(tmp_path) == [("dan (not signed in)", "sign in failed"),
                                 ("dan (dco, password)", "sign in")]
    # The password does not stay in the session once the sign-in form is gone.
    assert "sign_in_password" not in at.session_state


def test_five_wrong_passwords_lock_the_form(run_app: Callable[..., AppTest], tiny_db: Path,
                                           tmp_path: Path) -> None:
    users = tmp_path / "users.json"  # its own: the lock outlives the session and the test
    access.add_user(users, "dan", "dco", PASSWORD + "dco")
    at = run_app(db=tiny_db, role=None, users=users)
    for _ in range(5):
        _sign_in(at, "dan", "not the password at all")
    assert any("Too many wrong passwords" in e.value for e in at.error)
    assert not at.get("form_submit_button")


def test_the_lock_holds_in_a_new_session_and_is_audited(run_app: Callable[..., AppTest],
                                                        tiny_db: Path, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "dan", "dco", PASSWORD + "dco")
    for _ in range(access.MAX_FAILURES):
        access.record_failure(users, "dan")
    at = run_app(db=tiny_db, role=None, users=users)  # a new session (or a restarted app)
    _sign_in(at, "dan", PASSWORD + "dco")  # the right password, but locked
    assert any("Too many wrong passwords for that user name" in e.value for e in at.error)
    assert "auth_user" not in at.session_state
    assert actions(tmp_path)[-1] == ("dan (not signed in)", "sign in refused")
    access.clear_failures(users, "dan")
    _sign_in(at, "dan", PASSWORD + "dco")
    assert at.session_state["auth_user"] == "dan"


def test_board_sees_only_the_overview_and_board_pack(run_app: Callable[..., AppTest],
                                                     tiny_db: Path) -> None:
    at = run_app(db=tiny_db, role="board")
    assert not at.exception and at.metric
    for page in ("views/health_advice.py", "views/ehcp_timeliness.py", "views/tribunals.py",
                 "views/data.py", "views/inspection.py", "views/admin.py"):
        at.switch_page(page).run()  # its address says it is not for the board, and no more
        assert [t.value for t in at.title] in (["Not for your role"], ["For admins only"])
        assert not at.dataframe and not at.get("file_uploader")
    at.switch_page("views/board_pack.py").run()
    assert [t.value for t in at.title] == ["Board pack"]


def test_a_refusal_that_cannot_be_audited_is_said_not_a_crash(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(db=tiny_db, role="board")
    # The log becomes unwritable (a folder where its file should be): the refused page says
    # that nothing could be recorded, and shows nothing of the page.
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path))
    at.switch_page("views/health_advice.py").run()
    assert not at.exception, [e.message for e in at.exception]
    (error,) = [e.value for e in at.error]
    assert "could not be written to the audit log" in error and "Is a directory" in error
    assert not at.dataframe and not at.metric


def test_signing_in_on_a_page_the_role_may_not_open_audits_the_refusal(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    at = run_app("views/health_advice.py", db=tiny_db, role=None)
    _sign_in(at, "bea", PASSWORD + "board")
    assert [t.value for t in at.title] == ["Not for your role"]
    at.run()  # a rerun of the same refusal is not a second one
    at.switch_page("views/admin.py").run()
    assert [t.value for t in at.title] == ["For admins only"]
    entries = [(e["actor"], e["action"], e["detail"]) for e in audit.entries(tiny_db)]
    board = "bea (board, password)"
    assert entries == [
        (board, "sign in", {"method": "password"}),
        (board, "page refused", {"page": "Health advice", "open_to": "dco"}),
        (board, "page refused", {"page": "Users and audit log", "open_to": "admin"})]


@pytest.mark.parametrize("role", ["dco", "admin"])
def test_dco_and_admin_open_record_pages_and_may_load(run_app: Callable[..., AppTest],
                                                      tiny_db: Path, role: str) -> None:
    at = run_app("views/health_advice.py", db=tiny_db, role=role)
    assert [t.value for t in at.title] == ["Health advice"]
    at.switch_page("views/data.py").run()
    assert at.get("file_uploader")
    if role == "admin":
        at.switch_page("views/admin.py").run()
        assert [t.value for t in at.title] == ["Users and audit log"]
    else:
        at.switch_page("views/admin.py").run()
        assert [t.value for t in at.title] == ["For admins only"]


def test_a_visitor_browses_the_samples_but_may_not_load(run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/data.py", role=None)
    assert [t.value for t in at.title] == ["Load data"]
    assert any("Synthetic sample data" in i.value for i in at.info)
    assert not at.get("file_uploader")
    assert any("Sign in as a DCO or admin to load files" in i.value for i in at.info)


def test_settings_can_require_sign_in_for_the_samples_too(
        run_app: Callable[..., AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "settings.toml"
    original = (Path(__file__).resolve().parents[2] / "settings.toml").read_text()
    settings.write_text(original.replace("always_require_sign_in = false",
                                         "always_require_sign_in = true"))
    monkeypatch.setenv("SEND_SETTINGS", str(settings))
    load_settings.cache_clear()  # settings are read once per process
    try:
        at = run_app(role=None)
        assert [t.value for t in at.title] == ["Sign in"]
    finally:
        monkeypatch.delenv("SEND_SETTINGS")
        load_settings.cache_clear()


def test_a_removed_user_is_signed_out_at_once(run_app: Callable[..., AppTest], tiny_db: Path,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "temp", "dco", "a long enough password")
    access.add_user(users, "boss", "admin", "a long enough password")
    at = run_app(db=tiny_db, role=None, users=users)
    at.session_state["auth_user"] = "temp"
    at.run()
    assert at.metric
    access.remove_user(users, "temp")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_admin_adds_and_removes_a_user_and_it_is_audited(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "boss", "admin", "a long enough password")
    at = run_app(db=tiny_db, role=None, users=users)
    at.session_state["auth_user"] = "boss"
    at.run().switch_page("views/admin.py").run()
    assert [t.value for t in at.title] == ["Users and audit log"]
    form = at.get("form")[0]
    form.text_input[0].input("jane.doe@nhs.net")
    form.selectbox[0].select("board")
    form.checkbox[0].check()
    form.get("form_submit_button")[0].click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert access.read_users(users)["jane.doe@nhs.net"].role == "board"
    assert any("jane.doe@nhs.net added as board" in s.value for s in at.success)
    remove = at.get("form")[2]
    remove.selectbox[0].select("boss")
    remove.get("form_submit_button")[0].click()
    at.run()
    assert any("no admin" in e.value for e in at.error)  # the last admin stays
    assert "boss" in access.read_users(users)
    log = actions(tmp_path)
    assert ("boss (admin, password)", "user added") in log
    # The audit log is shown, read-only, newest first, and its chain is intact.
    shown = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert shown["Action"].iloc[0] == "user added"
    assert not at.get("data_editor")


def test_identity_provider_user_gets_the_role_given_to_their_email(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "Ana.Smith@nhs.net", "dco")
    at = run_app(db=tiny_db, role=None, users=users)
    at.secrets["auth"] = OIDC
    at.run()
    # Not signed in: the provider's button is offered, and no password form (no local users).
    assert any("your organisation's account" in b.label for b in at.button)
    assert not at.get("form_submit_button")
    at.user = {"is_logged_in": True, "email": "ana.smith@nhs.net", "name": "Ana"}
    at.run()
    assert at.metric and not at.exception
    assert any(f"Signed in as **{plain('ana.smith@nhs.net')}** (dco)" in c.value for c in at.sidebar.caption)
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.session_state["auth_oidc_seen"] = False
    at.run()
    assert [t.value for t in at.title] == ["No access yet"] and not at.metric
    at.button(key="sign_out").click().run()
    assert actions(tmp_path)[-2:] == [("stranger@example.com (no role)", "sign in refused"),
                                      ("stranger@example.com (no role)", "sign out")]


@pytest.fixture
def outside_a_run(tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment a download callable runs in (no page run), with a DCO and an admin."""
    users = tmp_path / "users.json"
    access.add_user(users, "dan", "dco", "a long enough password")
    access.add_user(users, "boss", "admin", "a long enough password")
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_USERS_FILE", str(users))
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return users


def test_downloads_are_recorded_in_the_audit_log(tiny_db: Path, tmp_path: Path,
                                                 outside_a_run: Path) -> None:
    from dashboard.components import auth

    viewer = auth.Viewer("dan", "dco", "password")
    make = auth.audited(lambda: b"a,b\n1,2\n", viewer, "overdue advice", "overdue.csv")
    assert actions(tmp_path) == []  # nothing is recorded until the file is made
    assert make() == b"a,b\n1,2\n"
    entry = audit.entries(tiny_db)[-1]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "dan (dco, password)", "export", {"what": "overdue advice", "file": "overdue.csv",
                                          "bytes": 8})
    assert USERS["dco"] == "dan"


def test_a_download_pressed_after_a_role_change_or_a_load_is_refused(
        tmp_path: Path, outside_a_run: Path) -> None:
    from dashboard.components import auth, gateway
    from pipelines import uploads

    users = outside_a_run
    viewer = auth.Viewer("dan", "dco", "password")
    make = auth.audited(lambda: b"records", viewer, "evidence pack", "pack.xlsx")
    access.set_role(users, "dan", "board")  # demoted while the page is open
    with pytest.raises(auth.DownloadRefused, match="reload the page"):
        make()
    visitor = auth.Viewer(auth.VISITOR, "dco", "none")
    make = auth.audited(lambda: b"records", visitor, "evidence pack", "pack.xlsx")
    gateway.write(uploads.load_uploads, [("new.csv", b"Advice ID,Case ID,Local Authority,Service,"
                                          b"Requested Date,Provider\n"
                                          b"N1,C1,Riverside,SALT,01/02/2026,Riverside Trust\n")],
                  actor="dan")
    with pytest.raises(auth.DownloadRefused):
        make()
    assert [a for _, a in actions(tmp_path)][-1] == "export refused"


def test_a_damaged_users_file_signs_everyone_out_without_a_traceback(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "temp", "dco", "a long enough password")
    at = run_app(db=tiny_db, role=None, users=users)
    at.session_state["auth_user"] = "temp"
    at.run()
    assert at.metric
    users.write_text("{damaged")
    at.run()
    assert not at.exception and not at.metric
    assert [t.value for t in at.title] == ["Sign in"]
    assert any("users file cannot be read" in e.value for e in at.error)


def test_the_claim_that_names_a_user_is_set_in_the_settings(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "jo.bloggs@nhs.net", "board")
    access.add_user(users, "alice", "admin", "a long enough password")
    principal = {"is_logged_in": True, "preferred_username": "Jo.Bloggs@nhs.net", "name": "Jo"}
    at = run_app(db=tiny_db, role=None, users=users)
    at.secrets["auth"] = OIDC
    at.user = principal
    at.run()
    assert [t.value for t in at.title] == ["No access yet"]  # "email" by default: none sent
    # A local user's name is never matched, whatever a provider's claim says.
    at.user = {"is_logged_in": True, "email": "alice", "email_verified": True}
    at.session_state["auth_oidc_seen"] = False
    at.run()
    assert [t.value for t in at.title] == ["No access yet"]
    settings = tmp_path / "settings.toml"
    original = (Path(__file__).resolve().parents[2] / "settings.toml").read_text()
    settings.write_text(original.replace('identity_claim = "email"',
                                         'identity_claim = "preferred_username"'))
    monkeypatch.setenv("SEND_SETTINGS", str(settings))
    load_settings.cache_clear()
    try:
        at.user = principal
        at.run()
        assert any(f"Signed in as **{plain('Jo.Bloggs@nhs.net')}** (board)" in c.value
                   for c in at.sidebar.caption)
    finally:
        monkeypatch.delenv("SEND_SETTINGS")
        load_settings.cache_clear()


@pytest.mark.parametrize("verified", [False, "false", "False", 0])
def test_any_unverified_flag_refuses(run_app: Callable[..., AppTest], tiny_db: Path,
                                     tmp_path: Path, verified: object) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "ana@nhs.net", "dco")
    at = run_app(db=tiny_db, role=None, users=users)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "ana@nhs.net", "email_verified": verified}
    at.run()
    assert [t.value for t in at.title] == ["No access yet"] and not at.metric
    entry = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert entry["action"] == "sign in refused" and "not verified" in entry["detail"]["reason"]


def test_a_failed_sign_in_never_records_an_unknown_name(run_app: Callable[..., AppTest],
                                                        tiny_db: Path, tmp_path: Path) -> None:
    at = run_app(db=tiny_db, role=None)
    _sign_in(at, "MySecretPassw0rd!2024", "whatever")
    log = (tmp_path / "audit.jsonl").read_text()
    assert "MySecretPassw0rd" not in log
    assert actions(tmp_path) == [("(a user name that is no user's) (not signed in)",
                                  "sign in failed")]


def test_a_board_member_receives_no_small_count_in_a_sparkline(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(db=tiny_db, role="board")
    # The cards' sparklines (bars for counts) carry their values to the browser as Arrow data.
    counts = [[row["value"] for row in pa.ipc.open_stream(c.proto.data.data).read_all().to_pylist()]
              for c in at.get("vega_lite_chart") if json.loads(c.proto.spec)["mark"]["type"] == "bar"]
    assert counts, "no count card drew a sparkline"
    assert all(not [v for v in values if 0 < v < 5] for values in counts), counts
    assert any("Trend not shown: some months had fewer than 5" in c.value for c in at.caption)


def test_admin_changes_a_role_and_a_password_in_one_save(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    access.add_user(users, "boss", "admin", "a long enough password")
    access.add_user(users, "dan", "dco", "a long enough password")
    at = run_app(db=tiny_db, role=None, users=users)
    at.session_state["auth_user"] = "boss"
    at.run().switch_page("views/admin.py").run()
    form = at.get("form")[1]
    form.selectbox[0].select("dan")
    form.selectbox[1].select("board")
    form.text_input[0].input("a brand new password")
    form.get("form_submit_button")[0].click()
    at.run()
    assert access.read_users(users)["dan"].role == "board"
    assert access.authenticate(users, "dan", "a brand new password") is not None
    assert any("dan is now board. Password changed for dan." in s.value for s in at.success)
