"""Every page in a real browser at 1440 px and then at 390 px (a phone): it renders its key text,
shows no error, has no serious or critical axe-core finding at either width, nothing runs off the
phone's screen, and it leaves a screenshot at each width (tests/e2e/screenshots/NAME-1440.png,
NAME-390.png)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import serious_accessibility_findings, wait_for_app, whole_page_screenshot

pytestmark = pytest.mark.e2e

PHONE = 390
# Elements of the main area that run past the right edge of the screen, outside anything that
# scrolls or clips them (a table, a chart or a row of tabs may scroll inside its own frame).
OVERFLOW = """(width) => {
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
      if (p.dataset.testid === 'stMain') return false; } return false; };
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length
                 && !clipped(e))
    .slice(0, 5).map(e => (e.dataset.testid || e.tagName) + ': ' + (e.innerText || '').slice(0, 60));
}"""

PAGES = [
    ("", "overview", ["Overview", "Health advice returned within 6 weeks"]),
    ("health-advice", "health-advice", ["Returned within 6 weeks", "Overdue health advice"]),
    ("ehcp-timeliness", "ehcp-timeliness", ["New plans issued within 20 weeks", "Time spent in each stage"]),
    ("tribunals", "tribunals", ["Appeals registered", "Health recommendations answered within 5 weeks"]),
    ("annual-reviews", "annual-reviews", ["Annual reviews", "Decisions within 4 weeks of the meeting"]),
    ("schools", "schools", ["Medical conditions policies", "Schools to follow up"]),
    ("waiting-times", "waiting-times", ["Health service waiting times", "Waiting lists now"]),
    ("budgets-and-complaints", "budgets-and-complaints",
     ["Personal health budgets", "Open complaints"]),
    ("benchmarks", "benchmarks", ["Benchmarks", "EHC plans issued within 20 weeks"]),
    ("inspection", "inspection", ["Inspection readiness", "Readiness by theme"]),
    ("board-pack", "board-pack", ["Board pack", "Download PDF", "Overdue health advice:"]),
    ("data", "data", ["Load data", "History of loads"]),
    ("guide", "guide", ["User guide"]),
    ("accessibility", "accessibility", ["Accessibility statement"]),
]


def assert_no_error(page) -> None:
    for testid in ("stException", "stAlertContentError"):
        errors = page.locator(f'[data-testid="{testid}"]')
        assert errors.count() == 0, errors.first.inner_text()


@pytest.mark.parametrize("path, name, texts", PAGES, ids=[p[1] for p in PAGES])
def test_page_renders(page, app_url, path, name, texts):
    page.goto(f"{app_url}/{path}")
    page.get_by_text(texts[0], exact=False).first.wait_for(timeout=120_000)
    wait_for_app(page)
    for text in texts:
        assert page.get_by_text(text, exact=False).count() > 0, f"{text!r} missing on /{path}"
    assert page.get_by_text("Synthetic sample data", exact=False).count() > 0
    assert_no_error(page)
    assert serious_accessibility_findings(page) == []
    whole_page_screenshot(page, 1440, f"{name}-1440")
    # The same page on a phone: Streamlit lays it out again for the width, without a rerun.
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.wait_for_timeout(800)
    assert page.evaluate(OVERFLOW, PHONE) == []
    assert serious_accessibility_findings(page) == []
    whole_page_screenshot(page, PHONE, f"{name}-{PHONE}")


def test_filters_live_in_the_url(page, app_url):
    page.goto(f"{app_url}/health-advice?la=Riverside")
    page.get_by_text("Overdue health advice").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert "la=Riverside" in page.url
    assert_no_error(page)


def test_the_browser_fetches_nothing_from_another_site(page, app_url):
    """No usage statistics, fonts, scripts or images from elsewhere (.streamlit/config.toml turns
    Streamlit's usage statistics off): every request the pages make goes to this server."""
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith((app_url, "data:", "blob:"))
            else elsewhere.append(request.url))
    for path, _, texts in PAGES[:2] + [p for p in PAGES if p[1] == "board-pack"]:
        page.goto(f"{app_url}/{path}")
        page.get_by_text(texts[0], exact=False).first.wait_for(timeout=120_000)
        wait_for_app(page)
    assert elsewhere == []
