"""A page opened by its address, signed out: the sign-in form, never Streamlit's "Page not found"
dialog over it; once signed in, the page asked for, or a plain word that it is not for that role.
On real data (a database holding a hand-made load, no samples) and on the samples (/admin)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from pipelines import access
from tests.e2e.conftest import MAIN, ROOT, serve, wait_for_app
from tests.e2e.test_pages import at_both_widths
from tests.e2e.test_sign_in import PASSWORD, nav_links, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server
NOT_FOUND = "Page not found"
DIALOG = '[data-testid="stDialog"]'


@pytest.fixture(scope="module")
def real_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a database whose only load is a hand-made providers' log (real data)."""
    folder = tmp_path_factory.mktemp("e2e-addresses")
    log = folder / "advice_log.csv"
    log.write_text("Advice ID,Case ID,LA,Service,Date Requested,Date Returned,Provider\n"
                   "R-1,C-1,Northshire,SALT,01/04/2026,01/05/2026,Northshire Trust\n"
                   "R-2,C-2,Northshire,OT,01/04/2026,,Northshire Trust\n", encoding="utf-8")
    env = {**os.environ, "SEND_DB": str(folder / "send.duckdb"),
           "SEND_PSEUDONYM_KEY": "e2e-test-key"}  # the key `serve` gives the app
    subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(log)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    users = folder / "users.json"
    access.add_user(users, "dan", "dco", PASSWORD)
    access.add_user(users, "bea", "board", PASSWORD)
    with serve(folder, SEND_USERS_FILE=str(users)) as url:
        yield url


@pytest.fixture(scope="module")
def samples(samples_with_users: str) -> str:
    return samples_with_users


def open_signed_out(browser, address: str):
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(address)
    page.get_by_label("User name").first.wait_for(timeout=120_000)
    wait_for_app(page)
    return page


def assert_no_dialog(page) -> None:
    assert page.get_by_text(NOT_FOUND).count() == 0
    assert page.locator(DIALOG).count() == 0


@pytest.mark.parametrize("path", ["health-advice", "sign-in", "admin", ""])
def test_signed_out_any_address_on_real_data_shows_the_sign_in_form(browser, real_data, path):
    page = open_signed_out(browser, f"{real_data}/{path}")
    assert_no_dialog(page)
    assert nav_links(page) == ["Sign in", "Accessibility"]
    assert page.locator('[data-testid="stMetric"]').count() == 0
    at_both_widths(page, f"address-real-{path or 'root'}")


def test_signing_in_lands_on_the_page_asked_for(browser, real_data):
    page = open_signed_out(browser, f"{real_data}/health-advice")
    assert "Sign in to open Health advice" in page.locator(MAIN).inner_text()
    sign_in(page, "dan")
    assert_no_dialog(page)
    assert urlparse(page.url).path == "/health-advice"
    page.get_by_role("heading", name="Health advice", exact=True).wait_for(timeout=60_000)


def test_a_board_member_asking_for_a_record_page_is_told_it_is_not_for_their_role(
        browser, real_data):
    page = open_signed_out(browser, f"{real_data}/health-advice")
    sign_in(page, "bea")
    assert_no_dialog(page)
    main = page.locator(MAIN).inner_text()
    assert "Health advice is not for the board role" in main
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    at_both_widths(page, "address-not-for-board")


def test_signing_in_at_the_sign_in_address_opens_the_overview(browser, real_data):
    page = open_signed_out(browser, f"{real_data}/sign-in")
    sign_in(page, "dan")
    assert_no_dialog(page)
    page.get_by_role("heading", name="Overview", exact=True).wait_for(timeout=60_000)


def test_admin_on_the_samples_says_it_is_for_admins_and_opens_once_an_admin_signs_in(
        browser, samples):
    page = open_signed_out(browser, f"{samples}/admin")
    assert_no_dialog(page)
    assert "Users and audit log is for admins only" in page.locator(MAIN).inner_text()
    at_both_widths(page, "address-admin-signed-out")
    sign_in(page, "ada")
    assert_no_dialog(page)
    page.get_by_role("heading", name="Audit log", exact=True).wait_for(timeout=60_000)


def test_admin_opened_by_a_dco_says_it_is_for_admins(browser, samples):
    page = open_signed_out(browser, f"{samples}/admin")
    sign_in(page, "dan")
    assert_no_dialog(page)
    assert "Users and audit log is for admins only" in page.locator(MAIN).inner_text()
    assert page.get_by_label("User name").count() == 0
