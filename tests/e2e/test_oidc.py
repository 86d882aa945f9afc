"""Sign-in through an identity provider (`st.login`, OpenID Connect) in a real browser, against a
local mock provider (`oidc-provider-mock`) on 127.0.0.1. The database holds hand-made (real) data,
so only the sign-in page is open: an email the users file lists as a DCO gets in and out again;
an email it does not list is told it has no access yet. Both are in the audit log."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
import werkzeug.serving

from pipelines import access, audit
from pipelines.load import ingest_file
from tests.app.app_helpers import TINY_AS_OF, tiny_files
from tests.e2e.conftest import PAGE_LIST, screenshot, serve, wait_for_app
from tests.e2e.test_pages import assert_no_error
from tests.e2e.test_sign_in import nav_links

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server
DCO = "dora.dco@example.org"
STRANGER = "sam.stranger@example.org"
BUTTON = "Sign in with your organisation's account"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The mock provider on a free port: any client id and secret; a subject typed into its form
    becomes a user whose email claim is that subject."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, provider: str) -> Iterator[tuple[str, Path]]:
    """The app on a database of hand-made data, with its own secrets file (never the repository's
    .streamlit/secrets.toml) naming the mock provider."""
    folder = tmp_path_factory.mktemp("e2e-oidc")
    db = folder / "send.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", "e2e-test-key")  # the key serve() gives the app
        for path in tiny_files(folder):
            assert ingest_file(db, path, as_of=TINY_AS_OF).status == "loaded"
    users = folder / "users.json"
    access.add_user(users, DCO, "dco")  # no password: the identity provider vouches for the email
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # Streamlit fills in {port}
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "send-dashboard-e2e"\n'
        'client_secret = "any secret will do for the mock"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    with serve(folder, flags=["--secrets.files", str(secrets_file)],
               SEND_USERS_FILE=str(users)) as url:
        yield url, db


def sign_in_with_provider(page, url: str, provider: str, email: str) -> None:
    """From the app's sign-in page, through the provider's form, and back to the app."""
    page.goto(url)
    page.get_by_role("button", name=BUTTON).wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(f"{provider}/oauth2/authorize?*", timeout=30_000)
    assert page.get_by_text(f"You will be redirected to {url}/oauth2callback").count() == 1
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    page.locator(PAGE_LIST).wait_for(timeout=60_000)
    wait_for_app(page)


def actions(db: Path) -> list[tuple[str, str]]:
    return [(e["actor"], e["action"]) for e in audit.entries(db)]


def test_a_dco_signs_in_and_out_with_the_identity_provider(page, secured, provider):
    url, db = secured
    page.goto(url)
    page.get_by_role("button", name=BUTTON).wait_for(timeout=120_000)
    wait_for_app(page)
    assert nav_links(page) == ["Sign in", "Accessibility"]
    assert page.locator('[data-testid="stMetric"]').count() == 0
    screenshot(page, "oidc-sign-in-page")

    sign_in_with_provider(page, url, provider, DCO)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert f"Signed in as {DCO} (dco)" in sidebar.inner_text()
    links = nav_links(page)
    assert {"Overview", "Health advice", "Load data"} <= set(links)
    assert "Sign in" not in links and "Users and audit log" not in links
    assert page.locator('[data-testid="stMetric"]').count() > 0
    assert_no_error(page)
    screenshot(page, "oidc-signed-in-dco")

    # Signing out goes through the provider's end-session page and back to the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider}/oauth2/end_session?*", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    page.get_by_role("button", name=BUTTON).wait_for(timeout=60_000)
    wait_for_app(page)
    assert "Signed in as" not in page.locator('[data-testid="stSidebar"]').inner_text()
    assert nav_links(page) == ["Sign in", "Accessibility"]
    screenshot(page, "oidc-signed-out")

    log = actions(db)
    assert (f"{DCO} (dco, identity provider)", "sign in") in log
    assert (f"{DCO} (dco, identity provider)", "sign out") in log


def test_an_email_without_a_role_is_told_it_has_no_access(page, secured, provider):
    url, db = secured
    sign_in_with_provider(page, url, provider, STRANGER)
    page.get_by_text("No access yet").first.wait_for(timeout=30_000)
    assert f"You are signed in as {STRANGER}" in page.locator('[data-testid="stMain"]').inner_text()
    assert f"Signed in as {STRANGER}, with no role here" in (
        page.locator('[data-testid="stSidebar"]').inner_text())
    assert nav_links(page) == ["No access", "Accessibility"]
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.get_by_text("Overdue health advice").count() == 0
    assert_no_error(page)
    screenshot(page, "oidc-no-access")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider}/oauth2/end_session?*", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name=BUTTON).wait_for(timeout=60_000)
    log = actions(db)
    assert (f"{STRANGER} (no role)", "sign in refused") in log
    assert (f"{STRANGER} (no role)", "sign out") in log  # named, not logged as a visitor
