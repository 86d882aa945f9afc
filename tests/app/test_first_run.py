"""On first run the sign-in and admin pages say plainly what someone who has not signed in may
do: browse the synthetic samples but change nothing, or, once real data are loaded, nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest


def infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


def test_the_sign_in_page_says_a_signed_out_user_sees_nothing_of_real_data(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(db=tiny_db, role=None)
    assert [t.value for t in at.title] == ["Sign in"]
    text = infos(at)
    assert "**Without signing in**, nobody sees any figures" in text
    assert "The database holds real data." in text
    assert "may browse" not in text
    assert "a **board** member sees the overview and board pack" in text


def test_the_admin_page_says_what_a_visitor_to_the_samples_may_do(
        run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/admin.py", role="admin")
    text = infos(at)
    assert "may browse every page of the synthetic sample data" in text
    assert "may not load files" in text and "manage users" in text
    assert "nobody sees any figures" not in text


def test_the_admin_page_on_real_data_says_signed_out_users_see_nothing(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app("views/admin.py", db=tiny_db, role="admin")
    assert "nobody sees any figures" in infos(at)
