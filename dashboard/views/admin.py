"""Users and audit log (/admin), for admins only (the navigation offers it to no one else, and the
page checks again): who may sign in and with what role, and the audit log, which can be read and
downloaded here but not changed (`pipelines.audit` appends; nothing here writes to it except the
record of what is done on this page).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import auth, gateway, tables
from dashboard.components.text import plain
from pipelines import access, audit

ROLE_HELP = {"board": "board: the overview and board pack only, small numbers suppressed",
             "dco": "dco: every page, pseudonymous record lists, loading files",
             "admin": "admin: as dco, plus users, the evidence tracker and this page"}


def _record(viewer: auth.Viewer, action: str, **detail: object) -> None:
    audit.record(gateway.db_file(), viewer.actor, action, **detail)


def users_section(viewer: auth.Viewer) -> None:
    st.header("Users")
    path = auth.users_path()
    users = access.read_users(path)
    # Body text, not a caption: code in a caption falls below 4.5:1 contrast (axe-core).
    st.markdown(f"Users file: `{path}` (salted scrypt hashes, never passwords). The same file "
                "is managed from the command line: `python -m pipelines users --help`.")
    table = pd.DataFrame([{"User": u.username, "Role": u.role,
                           "Signs in with": "password" if u.local else "identity provider",
                           "Added (UTC)": u.created} for u in users.values()],
                         columns=["User", "Role", "Signs in with", "Added (UTC)"])
    tables.show(table, key="admin_users")
    st.info(auth.signed_out_rights(), icon=":material/person_off:")
    message = st.session_state.pop("admin_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")

    add, change, remove = st.tabs(["Add a user", "Change a role or password", "Remove a user"])
    with add, st.form("admin_add", clear_on_submit=True):
        name = st.text_input("User name, or the email the identity provider signs in")
        role = st.selectbox("Role", access.ROLES, format_func=ROLE_HELP.get, index=1)
        idp = st.checkbox("Signs in through the identity provider (no password here)")
        password = st.text_input(f"Password (at least {access.MIN_PASSWORD} characters)",
                                 type="password", autocomplete="new-password")
        if st.form_submit_button("Add user", icon=":material/person_add:"):
            _act(viewer, lambda: access.add_user(path, name, role, None if idp else password),
                 "user added", lambda u: f"{u.username} added as {u.role}.", role=role,
                 signs_in_with="identity provider" if idp else "password")
    names = sorted(u.username for u in users.values())
    with change, st.form("admin_change", clear_on_submit=True):
        who = st.selectbox("User", names, index=None, placeholder="Choose a user")
        new_role = st.selectbox("New role", access.ROLES, format_func=ROLE_HELP.get, index=None,
                                placeholder="Leave the role as it is")
        new_password = st.text_input("New password (leave empty to keep it)", type="password",
                                     autocomplete="new-password")
        if st.form_submit_button("Save", icon=":material/save:") and who:
            changes = []
            if new_role:
                changes.append((lambda: access.set_role(path, who, new_role), "role changed",
                                lambda u: f"{u.username} is now {u.role}.", {"role": new_role}))
            if new_password:
                changes.append((lambda: access.set_password(path, who, new_password),
                                "password changed", lambda u: f"Password changed for {u.username}.",
                                {}))
            _act_all(viewer, changes)
    with remove, st.form("admin_remove", clear_on_submit=True):
        gone = st.selectbox("User", names, index=None, placeholder="Choose a user",
                            key="admin_remove_user")
        if st.form_submit_button("Remove user", icon=":material/person_remove:") and gone:
            _act(viewer, lambda: access.remove_user(path, gone), "user removed",
                 lambda u: f"{u.username} removed.")


def _act(viewer: auth.Viewer, change, action: str, said, **detail: object) -> None:
    """Make one change to the users file, record it, and say what happened or why not."""
    _act_all(viewer, [(change, action, said, detail)])


def _act_all(viewer: auth.Viewer, changes: list) -> None:
    """Make each change in turn, recording each, then show the page afresh saying what was done
    (a change refused stops the rest and says why)."""
    done = []
    for change, action, said, detail in changes:
        try:
            user = change()
        except access.AccessError as exc:
            st.error(str(exc), icon=":material/error:")
            break
        _record(viewer, action, user=user.username, **detail)
        done.append(said(user))
    if done:
        st.session_state["admin_flash"] = " ".join(done)
        st.rerun()


def audit_section() -> None:
    st.header("Audit log")
    db = gateway.db_file()
    problems = audit.verify(db)
    entries = audit.entries(db)
    if problems:
        st.error("**The audit log has been altered outside the app.** "
                 + plain("; ".join(problems[:5])),
                 icon=":material/gpp_bad:")
    else:
        last = (f" The last was written {entries[-1]['at']}, hash {entries[-1]['hash'][:16]}: "
                "compare with the copy forwarded to your log store, since lines cut from the end "
                "leave the chain intact." if entries else "")
        st.markdown(f"`{audit.audit_file(db)}`: {len(entries):,} entries; each carries the hash "
                    f"of the one before, and the chain is intact.{last} Newest first.")
    if not entries:
        tables.no_data("Nothing has been recorded yet.")
        return
    frame = pd.DataFrame([{
        "When (UTC)": e["at"], "Who": e["actor"], "Action": e["action"],
        "Detail": ", ".join(f"{k}: {v}" for k, v in e["detail"].items())} for e in entries])
    actions = sorted(frame["Action"].unique())
    chosen = st.multiselect("Actions", actions, placeholder="All actions", key="admin_actions")
    if chosen:
        frame = frame[frame["Action"].isin(chosen)]
    frame = frame.iloc[::-1]
    tables.show(frame, key="admin_audit",
                column_config={"Detail": st.column_config.TextColumn(width="large")})
    tables.downloads(frame, "audit-log", "admin_audit", sheet="Audit log")


def render() -> None:
    st.title("Users and audit log")
    viewer = auth.current()
    if not viewer.can("admin"):  # the navigation hides this page; check again all the same
        st.error("This page is for admins.", icon=":material/lock:")
        return
    users_section(viewer)
    audit_section()


render()
