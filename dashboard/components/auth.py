"""Sign-in for the app, and who is looking: the roles are defined in `pipelines.access`.

Real data ('local' or 'mixed' provenance) is shown only to someone signed in with a role. The
bundled synthetic samples may be browsed without signing in (unless settings say otherwise) by a
visitor who sees what a DCO sees but may not load files, change evidence or manage users.
A role is read afresh from the users file on every run, so a change or removal applies at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from dashboard.components import gateway
from dashboard.components.text import plain
from pipelines import access, audit, status
from pipelines.config import load_settings

SIGNED_IN = "auth_user"  # session state: the local user name signed in with a password
OIDC_SEEN = "auth_oidc_seen"
FAILURES = "auth_failures"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
VISITOR = "visitor (synthetic sample data)"


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str | None  # None: may see nothing but the sign-in page
    method: str  # "password", "oidc" or "none" (not signed in)

    @property
    def signed_in(self) -> bool:
        return self.method != "none" and self.role is not None

    def sees(self, needed: str) -> bool:
        """May look at what `needed` may see (a visitor to the samples sees what a DCO sees)."""
        return access.at_least(self.role, needed)

    def can(self, needed: str) -> bool:
        """May act (load, change, manage) as `needed`: only when signed in."""
        return self.signed_in and access.at_least(self.role, needed)

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        if self.method == "oidc" and self.role is None:  # the provider's account, given no role
            return f"{self.name} (no role)"
        if not self.signed_in:
            return VISITOR
        return f"{self.name} ({self.role}, {'identity provider' if self.method == 'oidc' else 'password'})"


def users_path():
    return access.users_file(gateway.db_file())


def oidc_providers() -> list[str | None]:
    """The identity providers configured in secrets.toml: None stands for the unnamed one."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets file at all, or one that does not parse
        return []
    if not isinstance(auth, Mapping):
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping) and "client_id" in v]
    return ([None] if "client_id" in auth else []) + named


def _oidc_user() -> Viewer | None:
    if not oidc_providers() or not st.user.get("is_logged_in", False):
        return None
    email = str(st.user.get(load_settings().identity_claim) or "")
    reason = "no role given to this email"
    try:
        role = access.role_for_email(users_path(), email)
    except access.AccessError:
        role, reason = None, "the users file cannot be read"
    # A provider that says the address is unverified must not get it a role (on some providers
    # users can set their own email claim). Providers that send no such claim are trusted.
    verified = st.user.get("email_verified")
    if verified is not None and verified is not True and str(verified).lower() != "true":
        role, reason = None, "the identity provider has not verified this email"
    viewer = Viewer(email or str(st.user.get("name") or "unknown"), role, "oidc")
    if not st.session_state.get(OIDC_SEEN):
        st.session_state[OIDC_SEEN] = True
        audit.record(gateway.db_file(), viewer.actor,
                     "sign in" if role else "sign in refused", method="identity provider",
                     **({} if role else {"reason": reason}))
    return viewer


def _local_user(name: str) -> access.User | None:
    """The password user of this name, read afresh; None if there is none, or if the users file
    is damaged (then nobody keeps a role, and the sign-in page says why)."""
    try:
        user = access.read_users(users_path()).get(name.lower())
    except access.AccessError:
        return None
    return user if user is not None and user.local else None


def current() -> Viewer:
    """Who is looking, with the role they have for what the database now holds."""
    oidc = _oidc_user()
    if oidc is not None:
        return oidc
    name = st.session_state.get(SIGNED_IN)
    if name:
        user = _local_user(name)
        if user is not None:
            return Viewer(user.username, user.role, "password")
        st.session_state.pop(SIGNED_IN, None)  # removed, or moved to the identity provider
    provenance = gateway.read(status.provenance)
    if not access.sign_in_required(provenance, load_settings().always_sign_in):
        return Viewer(VISITOR, "dco", "none")
    return Viewer("", None, "none")


# ---- signing in and out ------------------------------------------------------------------------

def _locked_out() -> float:
    """Seconds left before another password may be tried in this session (0: may try now)."""
    recent = [t for t in st.session_state.get(FAILURES, []) if time.time() - t < LOCKOUT_SECONDS]
    st.session_state[FAILURES] = recent
    if len(recent) < MAX_FAILURES:
        return 0.0
    return LOCKOUT_SECONDS - (time.time() - recent[0])


def _password_form() -> None:
    if st.session_state.pop("auth_failed", False):
        st.error("That user name and password do not match.", icon=":material/error:")
    if wait := st.session_state.pop("auth_user_locked", 0):
        st.error(f"Too many wrong passwords for that user name. Try again in {wait / 60:.0f} "
                 "minute(s).", icon=":material/lock_clock:")
    wait = _locked_out()
    if wait:
        st.error(f"Too many wrong passwords. Try again in {wait / 60:.0f} minute(s).",
                 icon=":material/lock_clock:")
        return
    with st.form("sign_in", border=True, clear_on_submit=True):
        username = st.text_input("User name", key="sign_in_user", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password",
                                 autocomplete="current-password")
        pressed = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
    if not pressed:
        return
    # Per user name too, across sessions and restarts (pipelines.access keeps the count).
    locked = access.locked_for(users_path(), username)
    user = None if locked else access.authenticate(users_path(), username, password)
    db = gateway.db_file()
    if user is None:
        st.session_state.setdefault(FAILURES, []).append(time.time())
        # A name that is no user's may be a password typed in the wrong box: never record it.
        try:
            known = username.strip().lower() in access.read_users(users_path())
        except access.AccessError:
            known = False
        name = username.strip() if known else "(a user name that is no user's)"
        who = f"{name} (not signed in)"
        if locked:
            audit.record(db, who, "sign in refused", reason="locked out after wrong passwords")
        else:
            audit.record(db, who, "sign in failed", method="password")
            locked = access.record_failure(users_path(), username)
            if locked:
                audit.record(db, who, "locked out", minutes=round(locked / 60))
        st.session_state["auth_user_locked" if locked else "auth_failed"] = locked or True
        st.rerun()  # so a fifth failure shows the lock at once
    access.clear_failures(users_path(), user.username)
    st.session_state.pop(FAILURES, None)
    st.session_state[SIGNED_IN] = user.username
    audit.record(db, Viewer(user.username, user.role, "password").actor, "sign in",
                 method="password")
    st.rerun()


SIGNED_OUT_BROWSE = (
    "**Without signing in**, anyone who can reach this address may browse every page of the "
    "synthetic sample data, as a DCO sees it (pseudonymous record lists included), download its "
    "tables and read the user guide. They may not load files, import the DfE's figures, keep "
    "the inspection evidence tracker or manage users. Once real data are loaded, nothing is "
    "shown without signing in.")
SIGNED_OUT_NOTHING = (
    "**Without signing in**, nobody sees any figures: only this sign-in page and the "
    "accessibility statement. {why}")
ROLES_TEXT = ("Signed in, a **board** member sees the overview and board pack with small numbers "
              "suppressed; a **dco** every page, and may load files; an **admin** also manages "
              "users and the inspection evidence.")


def signed_out_rights() -> str:
    """What someone who has not signed in may do here now (the sign-in and admin pages say it)."""
    provenance = gateway.read(status.provenance)
    always = load_settings().always_sign_in
    if not access.sign_in_required(provenance, always):
        return SIGNED_OUT_BROWSE
    why = ("The database holds real data." if provenance in ("local", "mixed")
           else "settings.toml asks for sign-in even for the synthetic samples "
                "(`always_require_sign_in`).")
    return SIGNED_OUT_NOTHING.format(why=why)


def sign_in_page() -> None:
    st.title("Sign in")
    if gateway.read(status.provenance) in ("local", "mixed"):
        st.markdown("This dashboard holds information about children's education, health and "
                    "care plans. Sign in to continue: what you see depends on your role.")
    else:
        st.markdown("Sign in to load files, keep the inspection evidence tracker or manage users. "
                    "The synthetic sample data can be browsed without signing in.")
    st.info(f"{signed_out_rights()}\n\n{ROLES_TEXT}", icon=":material/info:")
    providers = oidc_providers()
    for provider in providers:
        label = provider.replace("_", " ").title() if provider else "your organisation's account"
        st.button(f"Sign in with {label}", key=f"sign_in_oidc_{provider or 'default'}",
                  on_click=st.login, args=(provider,) if provider else (), type="primary",
                  icon=":material/key:")
    try:
        local = any(u.local for u in access.read_users(users_path()).values())
    except access.AccessError as exc:
        st.error(f"The users file cannot be read: {plain(exc)}", icon=":material/error:")
        return
    if local:
        if providers:
            st.caption("Or with a user name and password given by your administrator:")
        _password_form()
    if not local and not providers:
        st.error("Nobody can sign in yet: no users are set up and no identity provider is "
                 "configured. An administrator on the server runs "
                 "`python -m pipelines users add NAME --role admin` and types a password "
                 "(or gives it on standard input with `--password-stdin`); see "
                 "docs/security.md.", icon=":material/no_accounts:")


def sign_out(viewer: Viewer) -> None:
    audit.record(gateway.db_file(), viewer.actor, "sign out")
    st.session_state.pop(SIGNED_IN, None)
    st.session_state.pop(OIDC_SEEN, None)
    if viewer.method == "oidc":
        st.logout()


def sidebar(viewer: Viewer) -> None:
    with st.sidebar:
        if viewer.signed_in:
            st.caption(f"Signed in as **{plain(viewer.name)}** ({viewer.role})")
            st.button("Sign out", key="sign_out", on_click=sign_out, args=(viewer,),
                      icon=":material/logout:")
        elif viewer.method == "oidc":
            st.caption(f"Signed in as **{plain(viewer.name)}**, with no role here")
            st.button("Sign out", key="sign_out", on_click=sign_out, args=(viewer,),
                      icon=":material/logout:")
        elif viewer.role:
            st.caption("Not signed in: synthetic sample data only.")


def no_role_page() -> None:
    """Signed in by the identity provider, but nobody has given this account a role."""
    viewer = current()
    st.title("No access yet")
    st.warning(f"You are signed in as **{plain(viewer.name)}**, but this account has not been given a "
               "role on this dashboard. Ask its administrator to add you, e.g. "
               f"`python -m pipelines users add {viewer.name} --role dco --no-password`.",
               icon=":material/no_accounts:")


class DownloadRefused(RuntimeError):
    """A download pressed after the data or the viewer's role changed: reload the page."""


def _role_now(viewer: Viewer) -> str | None:
    """The viewer's role as the users file and the data give it now (a download is built when its
    button is pressed, outside the page run that drew it)."""
    if viewer.method == "password":
        user = _local_user(viewer.name)
        return user.role if user is not None else None
    if viewer.method == "oidc":
        try:
            return access.role_for_email(users_path(), viewer.name)
        except access.AccessError:
            return None
    return viewer.role  # a visitor: what they may see changes only with the data (checked apart)


def audited(build: Callable[[], bytes], viewer: Viewer, what: str, file_name: str
            ) -> Callable[[], bytes]:
    """A download's data callable that records the export (who, what, which file) when the file
    is made, i.e. when the button is pressed. It refuses (and records the refusal) if since the
    page was drawn the data changed or the viewer lost the role: a page left open must not hand
    out what its viewer may no longer see."""
    actor, db, version = viewer.actor, gateway.db_file(), gateway.data_version()

    def make() -> bytes:
        if gateway.data_version() != version or _role_now(viewer) != viewer.role:
            audit.record(db, actor, "export refused", what=what, file=file_name,
                         reason="the data or the viewer's role changed since the page was drawn")
            raise DownloadRefused("The data or your access changed since this page was drawn: "
                                  "reload the page and download again.")
        try:
            data = build()
        except Exception as exc:  # audited, and the viewer told in words, not a traceback
            audit.record(db, actor, "export failed", what=what, file=file_name,
                         error=type(exc).__name__)
            raise DownloadRefused("This download could not be made; the failure was recorded "
                                  "for the administrator. Try again, or ask them to look at "
                                  "the audit log.") from exc
        audit.record(db, actor, "export", what=what, file=file_name, bytes=len(data))
        return data

    return make
