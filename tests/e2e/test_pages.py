"""Every page in a real browser at 1440 px and then at 390 px (a phone): it renders its key text,
shows no error, has no serious or critical axe-core finding at either width, nothing runs off the
phone's screen, no chart's text is cut off, overlaps other text or is shrunk, no chart's plot is
squeezed, no button's label is cut short ("Download ..."), nothing is fetched from another site; with
SEND_SCREENSHOTS=1 it leaves a screenshot at each width (tests/e2e/screenshots/NAME-1440.png,
NAME-390.png)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    MAIN,
    serious_accessibility_findings,
    wait_for_app,
    whole_page_screenshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server

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

# How far the page itself scrolls sideways (the document, or Streamlit's main frame): 0 on a phone.
SIDEWAYS = """() => Math.max(...[document.scrollingElement,
  document.querySelector('[data-testid="stMain"]')].map(e => e.scrollWidth - e.clientWidth))"""
# Text in each chart drawn (a chart on a hidden tab is not): cut off at the chart's edge, a bar's
# value label past the plot area, a label Plotly shrank to fit a thin bar, two labels (values,
# ticks, annotations, legend, titles) over each other; and a plot area squeezed under 120 px.
CHART_TEXT = """() => {
  const out = [];
  const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left))
                          * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    if (!box.width) continue;
    const name = ((plot.querySelector('.gtitle') || {}).textContent || '?').slice(0, 40);
    const area = (plot.querySelector('.nsewdrag') || plot).getBoundingClientRect();
    if (plot.querySelector('.nsewdrag') && (area.height < 120 || area.width < 120))
      out.push(`${name}: plot squeezed to ${Math.round(area.width)} x ${Math.round(area.height)} px`);
    const texts = [...plot.querySelectorAll('.main-svg text')].filter(t => t.textContent.trim()
      && !t.closest('.hoverlayer') && t.getBoundingClientRect().width);
    for (const t of texts) {
      const r = t.getBoundingClientRect(), bar = t.closest('.bartext, .textpoint');
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
          || r.bottom > box.bottom + 1) out.push(`${name}: cut off: ${t.textContent}`);
      if (bar && (r.top < area.top - 1 || r.right > area.right + 1))
        out.push(`${name}: past the plot area: ${t.textContent}`);
      if (bar && r.height < 11) out.push(`${name}: shrunk to ${Math.round(r.height)} px: ${t.textContent}`);
    }
    const labels = texts.filter(t => t.closest(
      '.bartext, .textpoint, .annotation, .ytick, .xtick, .legendtext, .g-xtitle, .g-ytitle, .gtitle'));
    labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
      if (overlap(a.getBoundingClientRect(), b.getBoundingClientRect()) > 4)
        out.push(`${name}: overlap: ${a.textContent.slice(0, 30)} / ${b.textContent.slice(0, 30)}`);
    }));
  }
  return out;
}"""

# Buttons whose label is cut short: Streamlit ends a label too long for its button with "...".
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .filter(b => b.getClientRects().length)
  .filter(b => [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1
                                                       && getComputedStyle(e).overflowX !== 'visible'))
  .map(b => b.innerText.replace(/^\\S+\\n+/, '').trim())"""

# How far the page's nth table scrolls sideways inside its own frame.
TABLE_SIDEWAYS = """(n) => { const s = document.querySelectorAll(
  '[data-testid="stMain"] [data-testid="stDataFrame"] .dvn-scroller')[n];
  return s.scrollWidth - s.clientWidth; }"""

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
    elsewhere = requests_elsewhere(page, app_url)
    page.goto(f"{app_url}/{path}")
    page.locator(MAIN).get_by_text(texts[0], exact=False).first.wait_for(timeout=120_000)
    wait_for_app(page)
    for text in texts:
        assert page.locator(MAIN).get_by_text(text, exact=False).count() > 0, f"{text!r} missing on /{path}"
    assert page.get_by_text("Synthetic sample data", exact=False).count() > 0
    at_both_widths(page, name)
    assert elsewhere == []


def requests_elsewhere(page, app_url: str) -> list[str]:
    """The addresses of every request the page makes from now on to anywhere but this server:
    no usage statistics, fonts, scripts or images from elsewhere (.streamlit/config.toml turns
    Streamlit's usage statistics off)."""
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith((app_url, "data:", "blob:"))
            else elsewhere.append(request.url))
    return elsewhere


def at_both_widths(page, name: str) -> None:
    """The page open at 1440 px: no error, no serious or critical axe-core finding, no chart
    text cut off or overlapping, at 1440 px and again at 390 px, where nothing may run off the
    screen; a whole-page screenshot at each width (with SEND_SCREENSHOTS=1)."""
    assert_no_error(page)
    assert serious_accessibility_findings(page) == []
    assert chart_text_faults(page) == []
    assert page.evaluate(CUT_LABELS) == []
    whole_page_screenshot(page, 1440, f"{name}-1440")
    # The same page on a phone: Streamlit lays it out again for the width, without a rerun.
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.wait_for_timeout(800)
    assert page.evaluate(OVERFLOW, PHONE) == []
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways on a phone"
    assert serious_accessibility_findings(page) == []
    assert chart_text_faults(page) == []
    assert page.evaluate(CUT_LABELS) == []
    whole_page_screenshot(page, PHONE, f"{name}-{PHONE}")


def chart_text_faults(page) -> list[str]:
    return page.evaluate(CHART_TEXT)


def test_the_board_packs_headline_table_shows_every_column_at_1440_px(page, app_url):
    """A board member reads the headlines whole on a 1440 px screen: no column past the table's
    right edge (the two notes too long for a table cell are listed under it)."""
    page.goto(f"{app_url}/board-pack")
    page.locator(MAIN).get_by_text("Headlines", exact=True).first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.evaluate(TABLE_SIDEWAYS, 0) <= 0
    assert page.locator(MAIN).get_by_text("By year of request, as the DfE counts", exact=False).count()


def test_filters_live_in_the_url(page, app_url):
    page.goto(f"{app_url}/health-advice?la=Riverside")
    page.get_by_text("Overdue health advice").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert "la=Riverside" in page.url
    assert_no_error(page)

