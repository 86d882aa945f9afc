"""A phone (390 px wide, in real Chromium): the sidebar starts collapsed rather than open over
the page. Every page's fit at 390 px, its axe-core findings and its 390 px screenshot are checked
in test_pages.py, on the page already loaded there, so the tier loads each page once."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app
from tests.e2e.test_pages import assert_no_error

pytestmark = pytest.mark.e2e


def test_the_sidebar_starts_collapsed_on_a_phone(phone, app_url):
    phone.goto(f"{app_url}/guide")
    phone.get_by_text("User guide", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_error(phone)
    assert phone.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    assert phone.get_by_text("User guide", exact=False).first.is_visible()


def test_the_sidebar_starts_open_on_a_wide_screen(page, app_url):
    page.goto(f"{app_url}/guide")
    page.get_by_text("User guide", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"
