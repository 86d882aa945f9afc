"""A phone (390 px wide, in real Chromium): the sidebar starts collapsed rather than open over
the page. Every page's fit at 390 px, its axe-core findings and its 390 px screenshot are checked
in test_pages.py, on the page already loaded there, so the tier loads each page once."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import MAIN, PAGE_LIST, wait_for_app
from tests.e2e.test_pages import assert_no_error

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server


def test_the_sidebar_starts_collapsed_on_a_phone(phone, app_url):
    phone.goto(f"{app_url}/guide")
    phone.locator(MAIN).get_by_text("User guide", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_error(phone)
    assert phone.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    assert phone.locator(MAIN).get_by_text("User guide", exact=False).first.is_visible()


def test_the_sidebar_starts_open_on_a_wide_screen(page, app_url):
    page.goto(f"{app_url}/guide")
    page.locator(MAIN).get_by_text("User guide", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"


def test_choosing_a_page_on_a_phone_opens_it_and_closes_the_sidebar(phone, app_url):
    phone.goto(f"{app_url}/guide")
    phone.locator(MAIN).get_by_text("User guide", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(phone)
    sidebar = phone.locator('[data-testid="stSidebar"]')
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.wait_for_function("document.querySelector('[data-testid=\"stSidebar\"]')"
                            ".dataset.collapsed === 'false'")
    phone.locator(f"{PAGE_LIST} a", has_text="Health advice").click()
    phone.wait_for_url("**/health-advice*")
    phone.get_by_text("Overdue health advice").first.wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_error(phone)
    assert sidebar.get_attribute("data-collapsed") == "true"


def test_the_page_list_has_its_sections_and_comes_before_the_filters(page, app_url):
    page.goto(f"{app_url}/health-advice")
    page.get_by_text("Overdue health advice").first.wait_for(timeout=120_000)
    wait_for_app(page)
    listed = page.locator(PAGE_LIST).inner_text()
    sections = ["Dashboard", "Inspection", "Data", "Help", "Account"]  # a DCO, not signed in
    assert [line for line in listed.splitlines() if line in sections] == sections
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert sidebar.index("Board pack") < sidebar.index("Filters")
    assert page.locator(f"{PAGE_LIST} a").count() == 15
