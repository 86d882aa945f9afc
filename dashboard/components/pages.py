"""Every page of the app, who may open it, and what opens at a page's address for someone who may
not: the sign-in form (signed out), or a plain word that the page is not for their role. Every
page is registered with st.navigation for everyone, so no address gives Streamlit's "Page not
found"; a page the viewer may not open is left out of the sidebar and never runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.components import auth, gateway
from dashboard.components.text import plain
from pipelines import audit

VIEWS = Path(__file__).resolve().parent.parent / "views"  # not "pages/": see views/__init__.py
SIGN_IN = "sign in"  # needs: not signed in yet (the sign-in page)
NO_ROLE = "no role"  # needs: signed in by the identity provider, with no role here
ROLE_NAMES = {"board": "board members", "dco": "DCOs and admins", "admin": "admins"}
# The page last refused in this session: a rerun of it is not another refusal to audit.
REFUSED = "page_refused"


@dataclass(frozen=True)
class PageSpec:
    target: Path | Callable[[], None]  # a views/ file, or a function
    title: str
    icon: str
    needs: str | None  # None: anyone; a role (or SIGN_IN, NO_ROLE), see `may_open`
    url_path: str | None = None  # None: from the file's name
    default: bool = False


def _view(file: str, title: str, url_path: str | None, icon: str, needs: str | None = "dco",
          default: bool = False) -> PageSpec:
    return PageSpec(VIEWS / file, title, f":material/{icon}:", needs, url_path, default)


# The sidebar's sections in order. Board members see the Overview and the Board pack (aggregates,
# small numbers suppressed); a visitor to the samples sees what a DCO sees.
SECTIONS: dict[str, list[PageSpec]] = {
    "Account": [
        PageSpec(auth.sign_in_page, "Sign in", ":material/login:", SIGN_IN, "sign-in"),
        PageSpec(auth.no_role_page, "No access", ":material/no_accounts:", NO_ROLE, "no-access"),
    ],
    "Dashboard": [
        _view("overview.py", "Overview", None, "dashboard", "board", default=True),
        _view("health_advice.py", "Health advice", "health-advice", "medical_information"),
        _view("ehcp_timeliness.py", "EHC plan timeliness", "ehcp-timeliness", "timer"),
        _view("tribunals.py", "Tribunals", "tribunals", "gavel"),
        _view("annual_reviews.py", "Annual reviews", "annual-reviews", "event_repeat"),
        _view("schools.py", "Schools", "schools", "school"),
        _view("waiting_times.py", "Waiting times", "waiting-times", "hourglass_empty"),
        _view("budgets_complaints.py", "Budgets and complaints", "budgets-and-complaints",
              "account_balance_wallet"),
        _view("benchmarks.py", "Benchmarks", "benchmarks", "leaderboard"),
        _view("board_pack.py", "Board pack", "board-pack", "summarize", "board"),
    ],
    "Inspection": [
        _view("inspection.py", "Inspection readiness", "inspection", "fact_check"),
    ],
    "Data": [
        _view("data.py", "Load data", "data", "upload_file"),
        _view("admin.py", "Users and audit log", "admin", "admin_panel_settings", "admin"),
    ],
    "Help": [
        _view("guide.py", "User guide", "guide", "menu_book", "board"),
        _view("accessibility.py", "Accessibility", "accessibility", "accessibility_new", None),
    ],
}


def may_open(viewer: auth.Viewer, needs: str | None) -> bool:
    """Whether this viewer may open a page that needs `needs`: admin pages only signed in as an
    admin; a role's pages with that role or above (a visitor to the samples sees as a DCO)."""
    if needs is None:
        return True
    if needs == SIGN_IN:
        return not viewer.signed_in and viewer.method != "oidc"
    if needs == NO_ROLE:
        return viewer.method == "oidc" and viewer.role is None
    if needs == "admin":
        return viewer.can("admin")
    return viewer.sees(needs)


@dataclass(frozen=True)
class Navigation:
    sections: dict[str, list[StreamlitPage]]  # what the sidebar lists: the pages one may open
    current: StreamlitPage
    spec: PageSpec  # the current page's
    home: StreamlitPage  # the default page, the Overview


def register(viewer: auth.Viewer) -> Navigation:
    """Every page with st.navigation (hidden: the app draws its own list), and the sidebar's
    sections of those this viewer may open; Account first for someone with no role."""
    made = [(section, spec, st.Page(spec.target, title=spec.title, icon=spec.icon,
                                    url_path=spec.url_path, default=spec.default))
            for section, specs in SECTIONS.items() for spec in specs]
    every: dict[str, list[StreamlitPage]] = {}
    shown: dict[str, list[StreamlitPage]] = {}
    for section, spec, page in made:
        every.setdefault(section, []).append(page)
        if may_open(viewer, spec.needs):
            shown.setdefault(section, []).append(page)
    if viewer.role is not None and "Account" in shown:  # a visitor: sign in after the pages
        shown["Account"] = shown.pop("Account")
    current = st.navigation(every, position="hidden")
    spec = next(spec for _, spec, page in made if page is current)
    return Navigation(shown, current, spec, next(page for _, s, page in made if s.default))


def run(viewer: auth.Viewer, nav: Navigation) -> None:
    """The current page if this viewer may open it; else what its address gives them."""
    spec = nav.spec
    if may_open(viewer, spec.needs):
        st.session_state.pop(REFUSED, None)
        nav.current.run()
    elif spec.needs in (SIGN_IN, NO_ROLE) and viewer.role is not None:
        # Signed in (or browsing the samples) at /sign-in: the sign-in form has done its work.
        st.switch_page(nav.home)
    elif viewer.method == "oidc" and viewer.role is None:
        auth.no_role_page()
    elif not viewer.signed_in:
        if spec.needs == "admin":
            st.info(f"**{plain(spec.title)}** is for admins only. Sign in as an admin to open "
                    "it.", icon=":material/admin_panel_settings:")
        elif not spec.default and spec.needs != NO_ROLE:
            st.info(f"Sign in to open **{plain(spec.title)}**.", icon=":material/login:")
        auth.sign_in_page()
    else:
        not_for_role(viewer, spec, nav)


def not_for_role(viewer: auth.Viewer, spec: PageSpec, nav: Navigation) -> None:
    """Signed in, at the address of a page the role may not see: say so, never "not found", and
    audit it, so the admin sees who was refused which page."""
    if st.session_state.get(REFUSED) != spec.title:
        st.session_state[REFUSED] = spec.title
        audit.record(gateway.db_file(), viewer.actor, "page refused", page=spec.title,
                     open_to=spec.needs)
    if spec.needs == "admin":
        st.title("For admins only")
        st.warning(f"**{plain(spec.title)}** is for admins only. You are signed in as "
                   f"{plain(viewer.name)} ({viewer.role}).", icon=":material/admin_panel_settings:")
    else:
        st.title("Not for your role")
        st.warning(f"**{plain(spec.title)}** is not for the {viewer.role} role: it is open to "
                   f"{ROLE_NAMES.get(spec.needs or '', 'other roles')}. Your pages are listed in "
                   "the sidebar.", icon=":material/block:")
    st.page_link(nav.home, label="Go to the Overview", icon=":material/dashboard:")
