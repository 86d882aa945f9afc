"""Who may see what: roles, the local users file, and when the app must ask people to sign in.

Roles, each with everything the one before it has:
- `board`: aggregates only, with small numbers suppressed (the overview and the board pack);
- `dco`: every page, including pseudonymous record lists, and may load files;
- `admin`: manages users and the inspection evidence tracker, and reads the audit log.

Two ways to sign in. Organisations with an identity provider use Streamlit's OpenID Connect
(`st.login`, configured in `.streamlit/secrets.toml`); the signed-in email is given a role here.
Small teams use the local users file: JSON beside the database (or `SEND_USERS_FILE`), holding
for each user a role and a salted scrypt hash of the password, never the password. The file is
written with 0600 permissions and replaced atomically.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROLES = ("board", "dco", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
USERS_ENV = "SEND_USERS_FILE"
MIN_PASSWORD = 12
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{1,99}$")
# scrypt at n=2**14, r=8 (16 MB, ~50 ms): OWASP's floor for scrypt, slow enough to blunt guessing.
_N, _R, _P = 2**14, 8, 1


class AccessError(ValueError):
    """A user-management request that cannot be done; the message says why."""


def at_least(role: str | None, needed: str) -> bool:
    """Whether `role` has what `needed` has (admin ⊇ dco ⊇ board). No role has nothing."""
    return role in _RANK and _RANK[role] >= _RANK[needed]


# ---- passwords ---------------------------------------------------------------------------------

def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"A password needs at least {MIN_PASSWORD} characters.")
    if username.lower() in password.lower():
        raise AccessError("A password must not contain the user name.")


# ---- the users file ----------------------------------------------------------------------------

@dataclass
class User:
    username: str  # a local user name, or the email an identity provider signs in
    role: str
    password: str = ""  # scrypt hash; empty for users who sign in through the identity provider
    created: str = ""

    @property
    def local(self) -> bool:
        return bool(self.password)


def users_file(db: Path) -> Path:
    """`SEND_USERS_FILE`, else `users.json` beside the database."""
    env = os.environ.get(USERS_ENV)
    return Path(env) if env else db.with_name("users.json")


def read_users(path: Path) -> dict[str, User]:
    """Users by lower-cased name. A missing file means no users; a broken one is an error."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        users = [User(**entry) for entry in raw["users"]]
        if not all(isinstance(v, str) for u in users for v in asdict(u).values()):
            raise TypeError("every field must be text")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AccessError(f"{path} is not a valid users file: {exc}") from exc
    return {u.username.lower(): u for u in users if u.role in ROLES}


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One change to the users file at a time (read, change, write), across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_users(path: Path, users: dict[str, User]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"users": [asdict(u) for u in sorted(users.values(),
                                                           key=lambda u: u.username.lower())]},
                      indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_user(path: Path, username: str, role: str, password: str | None = None) -> User:
    """A new user: with a password (local sign-in) or without (identity provider's email)."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccessError("A user name is 2-100 letters, digits or . _ @ + - (an email will do).")
    _check_role(role)
    if password is None and "@" not in username:
        raise AccessError("Someone who signs in through the identity provider is added by their "
                          "email address.")
    if password is not None:
        check_new_password(password, username)
    hashed = hash_password(password) if password else ""  # slow: outside the lock
    with _locked(path):
        users = read_users(path)
        if username.lower() in users:
            raise AccessError(f"There is already a user called {username}.")
        user = User(username, role, hashed, dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        users[username.lower()] = user
        _write_users(path, users)
    return user


def set_role(path: Path, username: str, role: str) -> User:
    _check_role(role)
    with _locked(path):
        users = read_users(path)
        user = _existing(users, username)
        if user.role == "admin" and role != "admin":
            _keep_an_admin(users, user)
        user.role = role
        _write_users(path, users)
    return user


def set_password(path: Path, username: str, password: str) -> User:
    user = _existing(read_users(path), username)
    check_new_password(password, user.username)
    hashed = hash_password(password)  # slow: outside the lock
    with _locked(path):
        users = read_users(path)
        user = _existing(users, username)
        user.password = hashed
        _write_users(path, users)
    return user


def remove_user(path: Path, username: str) -> User:
    with _locked(path):
        users = read_users(path)
        user = _existing(users, username)
        if user.role == "admin":
            _keep_an_admin(users, user)
        del users[user.username.lower()]
        _write_users(path, users)
    return user


def authenticate(path: Path, username: str, password: str) -> User | None:
    """The user if the password is theirs, else None. A wrong name costs as much as a wrong
    password, so timing does not reveal which names exist."""
    user = read_users(path).get(username.strip().lower())
    if user is None or not user.password:
        verify_password(password, _dummy())
        return None
    return user if verify_password(password, user.password) else None


def role_for_email(path: Path, email: str | None) -> str | None:
    """The role of someone the identity provider signed in, by email; None if not listed. Only
    entries added for the identity provider count (an email, no password): a local user's name
    is never matched, whatever a provider's claim says."""
    if not email or not email.isascii() or "@" not in email:
        return None
    user = read_users(path).get(email.strip().lower())
    return user.role if user is not None and not user.local else None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccessError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")


def _existing(users: dict[str, User], username: str) -> User:
    user = users.get(username.strip().lower())
    if user is None:
        raise AccessError(f"There is no user called {username}.")
    return user


def _keep_an_admin(users: dict[str, User], leaving: User) -> None:
    if not any(u.role == "admin" and u is not leaving for u in users.values()):
        raise AccessError("That would leave no admin: make someone else admin first.")


@functools.cache
def _dummy() -> str:
    """A hash to check an unknown name's password against; made on first use (a scrypt hash
    is 0.07 s, which every process that imports this module would otherwise spend starting)."""
    return hash_password("not a real password", salt=b"\0" * 16)


# ---- lockout after wrong passwords, per user, across sessions and restarts -------------------

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
_KEEP_NAMES = 1_000  # names tried (hashed) kept in the failures file at most


def failures_file(users: Path) -> Path:
    return users.with_name(users.name + ".failures")


def _name_key(username: str) -> str:
    # Hashed: a "user name" that is no user's may be a password typed in the wrong box.
    return hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:32]


def _read_failures(path: Path) -> dict[str, list[float]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): [float(t) for t in v] for k, v in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # missing or damaged: a lockout is a brake, never a reason to stop signing in


def locked_for(users: Path, username: str, now: float | None = None) -> float:
    """Seconds before `username` may try a password again (0: now)."""
    now = time.time() if now is None else now
    recent = [t for t in _read_failures(failures_file(users)).get(_name_key(username), [])
              if now - t < LOCKOUT_SECONDS]
    return LOCKOUT_SECONDS - (now - recent[-MAX_FAILURES]) if len(recent) >= MAX_FAILURES else 0.0


def record_failure(users: Path, username: str, now: float | None = None) -> float:
    """Count a wrong password for `username`; the seconds it is now locked for (0: not)."""
    now = time.time() if now is None else now
    path = failures_file(users)
    with _locked(path):
        failures = _read_failures(path)
        failures = {k: [t for t in v if now - t < LOCKOUT_SECONDS] for k, v in failures.items()}
        failures[_name_key(username)] = [*failures.get(_name_key(username), []), now]
        kept = sorted((k for k, v in failures.items() if v), key=lambda k: failures[k][-1])
        _write_private(path, {k: failures[k] for k in kept[-_KEEP_NAMES:]})
    return locked_for(users, username, now)


def clear_failures(users: Path, username: str) -> None:
    path = failures_file(users)
    if not path.exists():
        return
    with _locked(path):
        failures = _read_failures(path)
        if failures.pop(_name_key(username), None) is not None:
            _write_private(path, failures)


def _write_private(path: Path, data: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".failures-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- when sign-in is needed --------------------------------------------------------------------

def sign_in_required(provenance: str, always: bool = False) -> bool:
    """Real data ('local' or 'mixed') always needs sign-in; the bundled synthetic samples and an
    empty database need it only when the settings say so."""
    return always or provenance not in ("synthetic", "empty")
