"""Every page on a phone (390 px wide, in real Chromium): the sidebar starts collapsed, nothing
runs off the right edge, no serious or critical axe-core finding, and a screenshot
(tests/e2e/screenshots/NAME-390.png) to look at."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, serious_accessibility_findings, wait_for_app
from tests.e2e.test_pages import PAGES, assert_no_error

pytestmark = pytest.mark.e2e

# Widths wider than the screen, page by page (0 when nothing sticks out). Tables and charts may
# scroll inside their own frames; the page itself must not.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.offsetParent !== null
                 && !e.closest('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"], pre'))
    .slice(0, 5).map(e => (e.dataset.testid || e.tagName) + ': ' + (e.innerText || '').slice(0, 40));
}"""


@pytest.mark.parametrize("path, name, texts", PAGES, ids=[p[1] for p in PAGES])
def test_page_fits_a_phone(phone, app_url, path, name, texts):
    phone.goto(f"{app_url}/{path}")
    phone.get_by_text(texts[0], exact=False).first.wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_error(phone)
    sidebar = phone.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true", "the sidebar opens over the page"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(OVERFLOW) == []
    assert serious_accessibility_findings(phone) == []
    # The page scrolls inside Streamlit's main frame, not the document: make the window as tall
    # as the page for a screenshot of all of it.
    tall = phone.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    phone.set_viewport_size({"width": 390, "height": min(max(int(tall), 844), 12_000)})
    phone.wait_for_timeout(500)
    screenshot(phone, f"{name}-390")
