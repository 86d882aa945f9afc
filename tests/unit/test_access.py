"""Local users: salted scrypt hashes, roles, the users file's permissions and its rules."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pipelines import access
from pipelines.access import AccessError

PASSWORD = "correct horse battery staple"


def test_a_password_is_stored_only_as_a_salted_hash() -> None:
    first, second = access.hash_password(PASSWORD), access.hash_password(PASSWORD)
    assert first != second  # a fresh salt each time
    assert PASSWORD not in first and first.startswith("scrypt$16384$8$1$")
    assert access.verify_password(PASSWORD, first) and access.verify_password(PASSWORD, second)
    assert not access.verify_password(PASSWORD + "!", first)
    assert not access.verify_password(PASSWORD, "plain-text")
    assert not access.verify_password(PASSWORD, "md5$x$y$z$a$b")


def test_the_users_file_holds_no_password_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    access.add_user(path, "jo", "dco", PASSWORD)
    assert PASSWORD not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [e["username"] for e in json.loads(path.read_text())["users"]] == ["jo"]


def test_authenticate(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    access.add_user(path, "Jo.Bloggs", "board", PASSWORD)
    assert access.authenticate(path, " jo.bloggs ", PASSWORD).role == "board"
    assert access.authenticate(path, "jo.bloggs", "wrong " + PASSWORD) is None
    assert access.authenticate(path, "nobody", PASSWORD) is None
    # An identity-provider user has no password here, so no password signs them in.
    access.add_user(path, "ana@nhs.net", "dco")
    assert access.authenticate(path, "ana@nhs.net", "") is None
    assert access.role_for_email(path, "ANA@nhs.net") == "dco"
    assert access.role_for_email(path, "someone@nhs.net") is None


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("jo", "superuser", PASSWORD, "Unknown role"),
    ("j", "dco", PASSWORD, "A user name is"),
    ("jo bloggs", "dco", PASSWORD, "A user name is"),
    ("jo", "dco", "short", "at least 12"),
    ("jo", "dco", "jo's long password", "must not contain the user name"),
])
def test_bad_requests_are_refused_and_change_nothing(tmp_path: Path, name: str, role: str,
                                                     password: str, message: str) -> None:
    path = tmp_path / "users.json"
    with pytest.raises(AccessError, match=message):
        access.add_user(path, name, role, password)
    assert not path.exists()


def test_names_are_unique_and_the_last_admin_stays(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    access.add_user(path, "root", "admin", PASSWORD)
    with pytest.raises(AccessError, match="already"):
        access.add_user(path, "ROOT", "dco", PASSWORD)
    with pytest.raises(AccessError, match="no admin"):
        access.set_role(path, "root", "dco")
    with pytest.raises(AccessError, match="no admin"):
        access.remove_user(path, "root")
    access.add_user(path, "second", "admin", PASSWORD)
    assert access.remove_user(path, "root").username == "root"
    assert list(access.read_users(path)) == ["second"]
    with pytest.raises(AccessError, match="no user called"):
        access.set_password(path, "root", PASSWORD)


def test_a_new_password_replaces_the_old(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    access.add_user(path, "jo", "dco", PASSWORD)
    access.set_password(path, "jo", "another long password")
    assert access.authenticate(path, "jo", PASSWORD) is None
    assert access.authenticate(path, "jo", "another long password") is not None


def test_a_damaged_users_file_is_an_error_not_an_open_door(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("{not json")
    with pytest.raises(AccessError, match="not a valid users file"):
        access.authenticate(path, "jo", PASSWORD)


def test_roles_are_ordered() -> None:
    assert access.at_least("admin", "dco") and access.at_least("dco", "board")
    assert not access.at_least("board", "dco") and not access.at_least("dco", "admin")
    assert not access.at_least(None, "board") and not access.at_least("guest", "board")


@pytest.mark.parametrize(("provenance", "always", "required"), [
    ("synthetic", False, False), ("empty", False, False), ("local", False, True),
    ("mixed", False, True), ("synthetic", True, True),
])
def test_when_sign_in_is_required(provenance: str, always: bool, required: bool) -> None:
    assert access.sign_in_required(provenance, always) is required


def test_a_provider_claim_never_matches_a_local_user(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    access.add_user(path, "alice", "admin", PASSWORD)
    access.add_user(path, "alice@nhs.net", "admin", PASSWORD)  # a local user named like an email
    assert access.role_for_email(path, "alice") is None
    assert access.role_for_email(path, "alice@nhs.net") is None
    with pytest.raises(AccessError, match="by their email address"):
        access.add_user(path, "bob", "dco")  # a provider's user without a password needs an email
    access.add_user(path, "bob@nhs.net", "dco")
    assert access.role_for_email(path, "BOB@nhs.net") == "dco"
    assert access.role_for_email(path, "bob@nhs.net\u212a") is None  # not ASCII: not matched


def test_changes_made_at_once_are_all_kept(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "users.json"
    access.add_user(path, "root", "admin", PASSWORD)
    access.add_user(path, "leaver@nhs.net", "dco")
    jobs = [threading.Thread(target=access.add_user, args=(path, f"u{i}@nhs.net", "board"))
            for i in range(8)]
    jobs.append(threading.Thread(target=access.remove_user, args=(path, "leaver@nhs.net")))
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert sorted(access.read_users(path)) == sorted(["root", *(f"u{i}@nhs.net" for i in range(8))])


def test_the_lockout_is_per_user_and_outlives_the_session(tmp_path) -> None:
    users = tmp_path / "users.json"
    for n in range(access.MAX_FAILURES - 1):
        assert access.record_failure(users, "Jo", now=1000.0 + n) == 0
    assert access.locked_for(users, "jo", now=1010.0) == 0
    assert access.record_failure(users, "jo", now=1010.0) == access.LOCKOUT_SECONDS - 10
    assert access.locked_for(users, "JO ", now=1100.0) == access.LOCKOUT_SECONDS - 100
    assert access.locked_for(users, "ana", now=1100.0) == 0  # another user is not locked
    assert access.locked_for(users, "jo", now=1000.0 + access.LOCKOUT_SECONDS + 1) == 0
    assert "jo" not in access.failures_file(users).read_text().lower()  # names kept hashed
    assert stat.S_IMODE(access.failures_file(users).stat().st_mode) == 0o600
    access.clear_failures(users, "jo")
    assert access.locked_for(users, "jo", now=1100.0) == 0
