"""The DCO's Monday in a real browser: on /health-advice, one click on a provider's bar opens its
chase list and a second downloads it, a workbook holding that provider's requests only."""

from __future__ import annotations

import openpyxl
import pytest

from pipelines import chase
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one app server


def test_a_provider_chase_list_in_two_clicks(page, app_url, tmp_path):
    page.goto(f"{app_url}/health-advice")
    page.get_by_text("To chase: overdue up to six months").first.wait_for(timeout=120_000)
    wait_for_app(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(
        has_text="Requests to chase by provider").first
    chart.scroll_into_view_if_needed()
    chart.locator("g.point path").first.click(force=True)  # click 1: the top provider's bar
    wait_for_app(page)
    button = page.locator('[data-testid="stDownloadButton"]').filter(
        has_text="chase list (Excel)").first
    label = button.inner_text()
    provider = label.split("Download ", 1)[1].rsplit("'s chase list", 1)[0]
    screenshot(page, "chase-list-provider")
    with page.expect_download() as download:  # click 2: its workbook
        button.click()
    path = tmp_path / "chase.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [chase.sheet_names([provider])[provider]]
    rows = list(book.active.values)
    assert list(rows[0]) == list(chase.EXPORT_COLUMNS.values())
    assert len(rows) > 1 and {r[0] for r in rows[1:]} == {provider}
    assert all(r[3] <= chase.LONG_OPEN_DAYS for r in rows[1:])
