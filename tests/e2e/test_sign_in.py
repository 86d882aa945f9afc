"""Sign-in in a real browser, on a server of its own: a visitor may browse the samples but not
load; a DCO signs in and uploads; the database then holds real data, so a new visitor sees only
the sign-in page; a board member sees only the overview and the board pack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines import access, audit
from tests.e2e.conftest import E2E_PASSWORD, PAGE_LIST, screenshot, serve, wait_for_app
from tests.e2e.test_pages import assert_no_error, at_both_widths

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server
PASSWORD = E2E_PASSWORD


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    folder = tmp_path_factory.mktemp("e2e-sign-in")
    users = folder / "users.json"
    access.add_user(users, "dan", "dco", PASSWORD)
    access.add_user(users, "bea", "board", PASSWORD)
    with serve(folder, SEND_USERS_FILE=str(users)) as url:
        yield url, folder / "send.duckdb"


def sign_in(page, user: str, url: str | None = None) -> None:
    """Sign in with the password form (at `url`/sign-in, else on the page already open)."""
    if url:
        page.goto(f"{url}/sign-in")
    page.get_by_label("User name").first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {user}", exact=False).first.wait_for(timeout=60_000)
    wait_for_app(page)


def nav_links(page) -> list[str]:
    """The page titles in the sidebar (each link's text ends with its title, after the icon)."""
    return [t.strip().splitlines()[-1].strip()
            for t in page.locator(f"{PAGE_LIST} a").all_inner_texts()]


def test_sign_in_upload_and_what_each_role_then_sees(browser, secured, tmp_path):
    url, db = secured
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    visitor.goto(f"{url}/data")
    visitor.get_by_text("History of loads").first.wait_for(timeout=120_000)
    wait_for_app(visitor)
    assert visitor.get_by_text("Sign in as a DCO or admin to load files").count() == 1
    assert visitor.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

    # A DCO signs in (the session keeps it while they move between pages) and uploads.
    dco = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(dco, "dan", url)
    dco.locator(f"{PAGE_LIST} a", has_text="Load data").click()
    dco.get_by_text("History of loads").first.wait_for(timeout=60_000)
    wait_for_app(dco)
    upload = tmp_path / "hand_made_advice.csv"
    upload.write_text("Health advice log\n\n"
                      "Advice ID,Case ID,LA,Service,Date Requested,Date Returned,Provider\n"
                      "E2E-1,C-1,Northshire,SALT,01/04/2026,01/05/2026,Northshire Trust\n"
                      "E2E-3,C-3,Northshire,OT,01/04/2026,02/05/2026,Northshire Trust\n"
                      "E2E-4,C-4,Northshire,OT,01/04/2026,,Northshire Trust\n"
                      "E2E-2,C-2,Westshire,OT,01/04/2026,,Northshire Trust\n", encoding="utf-8")
    dco.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    dco.get_by_role("button", name="Load files").click()
    # One row of four rejected: amber (green only when nothing was rejected, red at half).
    success = dco.locator('[data-testid="stAlertContentWarning"]', has_text="hand_made_advice.csv")
    success.first.wait_for(timeout=60_000)
    wait_for_app(dco)
    assert "hand_made_advice.csv: 4 rows read, 3 loaded, 1 rejected" in success.first.inner_text()
    assert dco.get_by_text("unknown local authority 'Westshire'", exact=False).count() > 0
    assert_no_error(dco)
    screenshot(dco, "data-after-upload")
    assert ("dan (dco, password)", "load") in [(e["actor"], e["action"]) for e in audit.entries(db)]

    # Real data now: a new visitor gets the sign-in page and nothing else, at the address of
    # the page they asked for (no "Page not found" over it).
    stranger = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    stranger.goto(f"{url}/health-advice")
    stranger.get_by_label("User name").first.wait_for(timeout=60_000)
    wait_for_app(stranger)
    assert stranger.get_by_text("Page not found").count() == 0
    assert nav_links(stranger) == ["Sign in", "Accessibility"]
    assert stranger.locator('[data-testid="stMetric"]').count() == 0
    assert stranger.get_by_text("Overdue health advice").count() == 0
    screenshot(stranger, "sign-in-real-data")

    # A board member sees the overview and the board pack, not the record-level pages.
    stranger.goto(url)
    sign_in(stranger, "bea")
    links = nav_links(stranger)
    assert "Overview" in links and "Board pack" in links
    assert not {"Health advice", "Load data", "Inspection readiness", "Tribunals"} & set(links)
    assert stranger.locator('[data-testid="stMetric"]').count() > 0
    assert_no_error(stranger)
    screenshot(stranger, "overview-board-role")


def test_the_sign_in_and_admin_pages_pass_axe_core_and_fit_a_phone(browser, samples_with_users):
    """The pages the page tests do not open: Sign in, and an admin's Users and audit log. On a
    server whose database holds only the samples, whatever `secured` has loaded: there Sign in
    is a page at /sign-in, not the only page at /."""
    on_samples = samples_with_users
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{on_samples}/sign-in")
    page.get_by_label("User name").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    at_both_widths(page, "sign-in")

    admin = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    sign_in(admin, "ada", on_samples)
    admin.locator(f"{PAGE_LIST} a", has_text="Users and audit log").click()
    admin.get_by_text("Add a user").first.wait_for(timeout=60_000)
    wait_for_app(admin)
    assert admin.get_by_role("heading", name="Audit log", exact=True).count() == 1
    at_both_widths(admin, "admin")
