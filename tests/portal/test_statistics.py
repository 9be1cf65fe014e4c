"""The statistics office in the browser: its years, closing one with a confirmation, the period's
page and its workbook; the manager's dashboard."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.async_api import expect

from tests.api.factories import fresh_year, make_report, reopen_if_closed
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot


async def test_a_statistician_closes_a_year_and_downloads_its_workbook(signed_in):
    year = fresh_year()
    reporter = await make_tenant(name="按时报送企业", moved_in_on="2016-01-01")
    await make_tenant(name="没有报送企业", moved_in_on="2016-01-01")
    await make_report(reporter["uscc"], str(year), revenue="5000000.00")
    page = await signed_in("statistician")
    try:
        await page.goto("/")  # the statistics office's home is its years
        row = page.get_by_role("row", name=str(year))
        await expect(row).to_contain_text("开放")
        await row.get_by_role("link", name="关账…").click()

        await expect(page.get_by_role("heading", level=1)).to_have_text(f"关账 {year} 年？")
        await page.get_by_role("button", name="确认关账").click()

        await expect(page.get_by_role("status")).to_contain_text(f"{year} 年已关账")
        row = page.get_by_role("row", name=str(year))
        await expect(row).to_contain_text("已关账")
        await expect(row.get_by_role("link", name="重新开放…")).to_have_count(0)  # admins reopen
        await screenshot(page, "statistics-closed")

        await row.get_by_role("link", name=str(year), exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(str(year))
        await expect(page.locator("svg.chart")).to_be_visible()
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name="下载统计表（中文）").click()
        download = await download_info.value
        assert download.suggested_filename == f"park-statistics-{year}-zh.xlsx"
        book = load_workbook(io.BytesIO((await download.path()).read_bytes()))
        assert len(book.sheetnames) > 1
        assert any(
            str(year) in str(cell.value)
            for sheet in book
            for row in sheet.iter_rows(max_row=5)
            for cell in row
            if cell.value
        )
        await screenshot(page, "statistics-period")
    finally:
        await reopen_if_closed(year)


async def test_reopening_is_for_admins_with_a_confirmation(signed_in):
    year = fresh_year()
    await make_report((await make_tenant())["uscc"], str(year))
    statistician, admin = await signed_in("statistician"), await signed_in("admin")
    try:
        await statistician.goto(f"/statistics/{year}/close")
        await statistician.get_by_role("button", name="确认关账").click()
        response = await statistician.goto(f"/statistics/{year}/reopen")
        assert response is not None and response.status == 403
        await admin.goto("/statistics")
        await admin.get_by_role("row", name=str(year)).get_by_role("link", name="重新开放…").click()
        await admin.get_by_role("button", name="确认重新开放").click()
        await expect(admin.get_by_role("row", name=str(year))).to_contain_text("开放")
    finally:
        await reopen_if_closed(year)


async def test_the_dashboard_shows_the_park_and_who_has_not_reported(signed_in):
    year = fresh_year()
    quiet = await make_tenant(name="安静的企业", moved_in_on="2016-01-01")
    busy = await make_tenant(name="忙碌的企业", industry="new_energy", moved_in_on="2016-01-01")
    await make_report(busy["uscc"], str(year), revenue="120000.00")
    page = await signed_in("manager")
    await page.goto(f"/?period={year}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(str(year))
    await expect(page.locator(".cards")).to_contain_text("期末在园企业")
    await expect(page.locator(".cards")).to_contain_text("营业收入（万元）")
    await expect(page.locator("h2", has_text="尚未报送的企业")).to_contain_text("尚未报送的企业 (")
    # The first hundred are listed here, the rest on the period's page: the quiet one is on one of them.
    await page.goto(f"/statistics/{year}")
    while not await page.get_by_role("link", name="安静的企业").count():
        await page.get_by_role("link", name="下一页").click()
    await page.get_by_role("link", name="安静的企业").click()
    await expect(page).to_have_url(f"/tenants/{quiet['uscc']}")
    await page.goto(f"/?period={year}")
    chart = page.locator("svg.chart").first  # the period's; the park's trends follow
    await expect(chart).to_contain_text("新能源")
    await expect(chart).to_contain_text("12.00")  # 120,000 yuan is 12 万元
    await screenshot(page, "dashboard")


async def test_a_periods_page_shows_like_for_like_growth_beside_the_plain_growth(signed_in):
    """Two tenants report this year, one of them last year too: plain growth compares both with one,
    the like-for-like growth only the one that reported both years, and says it is one tenant."""
    fresh_year()  # the year before is this test's too: no other test reported for it
    year = fresh_year()
    steady = await make_tenant(moved_in_on="2016-01-01")
    newcomer = await make_tenant(moved_in_on="2016-01-01")
    await make_report(steady["uscc"], str(year - 1), revenue="1000000.00")
    await make_report(steady["uscc"], str(year), revenue="1100000.00")
    await make_report(newcomer["uscc"], str(year), revenue="900000.00")
    page = await signed_in("statistician")
    await page.goto(f"/statistics/{year}")
    table = page.get_by_role("table").filter(has_text="同口径增长率")
    await expect(table.get_by_role("columnheader")).to_contain_text(
        ["指标", str(year), str(year - 1), "增长率", "同口径增长率", "同口径企业"]
    )
    revenue = table.get_by_role("row").filter(has_text="营业收入")
    await expect(revenue.get_by_role("cell")).to_have_text(["200.00", "100.00", "+100.0%", "+10.0%", "1"])


async def test_a_periods_page_kept_for_reading_shows_a_report_sent_since(signed_in):
    """The figures part of a period's page is rendered once and kept (api/portal/kept.py) until a write."""
    year = fresh_year()
    late = await make_tenant(name="迟交的企业", moved_in_on="2016-01-01")
    page = await signed_in("statistician")
    await page.goto(f"/statistics/{year}Q2")
    heading = page.locator("#not-reported")
    before = int((await heading.text_content()).split("(")[1].rstrip(")"))
    await page.reload()
    await expect(heading).to_have_text(f"尚未报送的企业 ({before})")

    await make_report(late["uscc"], f"{year}Q2", revenue="100.00")
    await page.reload()
    await expect(heading).to_have_text(f"尚未报送的企业 ({before - 1})")
