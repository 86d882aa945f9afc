"""Every page's address opens for everyone: signed out, the page is the sign-in form (once signed
in, the page asked for); signed in with a role that may not see it, a word that it is not for
that role. Never Streamlit's "Page not found" (in AppTest: a page switch_page cannot find)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import PASSWORD, USERS
from streamlit.testing.v1 import AppTest

RECORD_PAGES = ("views/health_advice.py", "views/ehcp_timeliness.py", "views/tribunals.py",
                "views/data.py", "views/inspection.py")


def _sign_in(at: AppTest, role: str) -> AppTest:
    at.text_input(key="sign_in_user").input(USERS[role])
    at.text_input(key="sign_in_password").input(PASSWORD + role)
    return at.get("form_submit_button")[0].click().run()


def _nothing_shown(at: AppTest) -> None:
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.get("file_uploader")


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("info", "warning", "markdown") for e in at.get(kind))


@pytest.mark.parametrize("page", [*RECORD_PAGES, "views/admin.py", "views/board_pack.py"])
def test_signed_out_on_real_data_a_page_address_shows_the_sign_in_form(
        run_app: Callable[..., AppTest], tiny_db: Path, page: str) -> None:
    at = run_app(page, db=tiny_db, role=None)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.get("form_submit_button")] == ["Sign in"]
    _nothing_shown(at)


def test_signing_in_opens_the_page_asked_for(run_app: Callable[..., AppTest],
                                             tiny_db: Path) -> None:
    at = run_app("views/health_advice.py", db=tiny_db, role=None)
    assert "Sign in to open **Health advice**." in texts(at)
    _sign_in(at, "dco")
    assert not at.exception
    assert [t.value for t in at.title] == ["Health advice"]


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_a_board_member_is_told_a_record_page_is_not_for_their_role(
        run_app: Callable[..., AppTest], tiny_db: Path, page: str) -> None:
    at = run_app(page, db=tiny_db, role="board")
    assert [t.value for t in at.title] == ["Not for your role"]
    assert "is not for the board role" in texts(at)
    _nothing_shown(at)
    assert not at.get("form_submit_button")


def test_a_board_member_signing_in_at_a_record_page_is_told_so(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app("views/tribunals.py", db=tiny_db, role=None)
    _sign_in(at, "board")
    assert [t.value for t in at.title] == ["Not for your role"]
    assert "**Tribunals** is not for the board role" in texts(at)
    _nothing_shown(at)


def test_on_the_samples_the_admin_page_signed_out_says_it_is_for_admins(
        run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/admin.py", role=None)
    assert "**Users and audit log** is for admins only." in texts(at)
    assert [b.label for b in at.get("form_submit_button")] == ["Sign in"]
    assert not at.dataframe
    _sign_in(at, "admin")
    assert [t.value for t in at.title] == ["Users and audit log"]


@pytest.mark.parametrize("role", ["dco", "board"])
def test_the_admin_page_for_a_dco_or_board_member_says_it_is_for_admins(
        run_app: Callable[..., AppTest], tiny_db: Path, role: str) -> None:
    at = run_app("views/admin.py", db=tiny_db, role=role)
    assert [t.value for t in at.title] == ["For admins only"]
    assert "**Users and audit log** is for admins only." in texts(at)
    assert not at.dataframe and not at.get("form")
