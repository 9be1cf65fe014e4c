"""The statistics office reaches every period from its pages, and trends: on the demo park alone, the
statistician goes from /statistics to 2017年上半年 and downloads the workbook with the published 78亿, the
census of 2017-10-31 with its 109 tenants, sees who has not reported for a quarter; the park's and a
tenant's trend charts show the registry's figures (registry.trends)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from api.portal.figures import count, wan
from registry.actor import SYSTEM, Actor
from registry.demo import load_demo
from registry.errors import NotFound
from registry.periods import Period
from registry.stats import park_stats
from registry.trends import park_trend, tenant_trend
from registry.vocabulary import INDUSTRY
from tests.conftest import wipe
from tests.portal.conftest import screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
async def demo_park(database):
    """The demo park alone in the registry, loaded once for the module."""
    await wipe()
    await load_demo()
    yield
    await wipe()


async def _workbook(page: Page, button: str):
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name=button).click()
    download = await download_info.value
    return download.suggested_filename, load_workbook(io.BytesIO((await download.path()).read_bytes()))


def _summary_value(book, label: str):
    """The first figure beside `label` on the summary sheet (概览)."""
    for row in book["概览"].iter_rows(values_only=True):
        if row and row[0] == label:
            return row[2]
    raise AssertionError(f"no {label} on the summary")


async def test_the_statistician_goes_to_the_first_half_of_2017_and_downloads_its_78_yi(demo_park, signed_in):
    page = await signed_in("statistician", viewport=DESKTOP)
    await page.goto("/statistics")
    await page.get_by_role("row", name="2017").get_by_role("link", name="2017年上半年").click()

    await expect(page).to_have_url("/statistics/2017H1")
    await expect(page.get_by_role("heading", level=1)).to_have_text("园区统计 · 2017年上半年")
    await expect(page.locator(".cards")).to_contain_text("780,000.00")  # 78亿元 in 万元
    await screenshot(page, "statistics-2017H1-1366")
    filename, book = await _workbook(page, "下载统计表（中文）")

    assert filename == "park-statistics-2017H1-zh.xlsx"
    assert book["概览"]["A1"].value == "动力谷自主创新园 2017年上半年统计"
    revenue = _summary_value(book, "营业收入")  # in 千元, as the Torch form counts
    assert Decimal(str(revenue)) * 1000 == Decimal("7800000000.00")


async def test_the_census_workbook_of_2017_as_of_october_31_counts_109_tenants(demo_park, signed_in):
    page = await signed_in("statistician", viewport=PHONE)
    await page.goto("/statistics")
    await page.get_by_label("查看统计期").select_option(label="2017年度")
    await page.get_by_role("button", name="查看").click()
    await expect(page).to_have_url("/statistics/2017")

    await page.get_by_label("截至日期").fill("2017-10-31")
    filename, book = await _workbook(page, "下载统计表（中文）")
    assert filename == "park-statistics-2017-as-of-2017-10-31-zh.xlsx"
    assert _summary_value(book, "期末在册企业") == 109

    await page.get_by_role("button", name="按此日期查看").click()  # the page as of that day, too
    await expect(page.locator(".cards .card").first).to_contain_text("109")
    await screenshot(page, "statistics-2017-census-390")


async def test_a_bad_census_day_is_said_beside_the_field_and_the_figures_stay(demo_park, signed_in):
    page = await signed_in("statistician")
    response = await page.goto("/statistics/2017?as_of=2017-13-45")
    assert response is not None and response.status == 200
    await expect(page.locator("#as_of-error")).to_contain_text("截至日期应为日期")
    await expect(page.get_by_label("截至日期")).to_have_attribute("aria-invalid", "true")


async def test_a_quarters_page_lists_the_tenants_that_have_not_reported(demo_park, signed_in):
    stats = await park_stats(SYSTEM, Period.parse("2017Q3"))
    assert 0 < len(stats.not_reported) < stats.tenants.at_end
    page = await signed_in("statistician", viewport=DESKTOP)
    await page.goto("/statistics/2017")
    await page.get_by_role("navigation", name="本年各期").get_by_role("link", name="2017年第三季度").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("园区统计 · 2017年第三季度")
    await expect(page.locator("#not-reported")).to_have_text(f"尚未报送的企业 ({len(stats.not_reported)})")
    listed = page.locator("#not-reported + ul li a")
    await expect(listed).to_have_text([ref.name for ref in stats.not_reported])
    reporters = {line.name for line in stats.tenant_lines if line.reported}
    assert reporters and not reporters & set(await listed.all_text_contents())
    await screenshot(page, "statistics-2017Q3-1366")


async def test_the_dashboard_draws_the_parks_trends_from_the_registry(demo_park, signed_in):
    points = await park_trend(SYSTEM)
    assert [p.period for p in points] == ["2015", "2016", "2017H1"]
    assert [p.figures["revenue"] for p in points][1:] == [360_000_000_000, 780_000_000_000]  # 36亿, 78亿
    page = await signed_in("manager", viewport=DESKTOP)
    await page.goto("/")

    section = page.locator(".trends-section")
    charts = section.locator("svg.chart")
    await expect(charts).to_have_count(3)
    revenue, ip, tenants = (section.locator(".trend-block").nth(n) for n in range(3))
    await expect(revenue.locator("text.total")).to_have_text([wan(p.figures["revenue"]) for p in points])
    await expect(ip.locator("text.total")).to_have_text([count(p.ip_valid) for p in points])
    await expect(tenants.locator("text.total")).to_have_text([count(p.tenants) for p in points])
    await expect(revenue.locator("svg.chart")).to_contain_text("2017年上半年")
    # By industry: each group's share of the revenue, as its table row says.
    rows = revenue.locator("table tbody tr")  # in a closed <details>: read, not seen
    for n, code in enumerate(INDUSTRY.codes[:6]):
        shares = [next(i for i in p.by_industry if i.industry == code).revenue for p in points]
        await expect(rows.nth(n).locator("th")).to_have_text(INDUSTRY.label(code, "zh"))
        await expect(rows.nth(n).locator("td")).to_have_text([wan(share) for share in shares])
    await expect(rows.nth(6).locator("th, td")).to_have_text(["合计", *(wan(p.figures["revenue"]) for p in points)])
    await expect(revenue.locator("svg.chart rect.bar.s5")).to_have_count(3)  # modern services, in every year
    await screenshot(page, "dashboard-trends-1366")

    phone = await signed_in("statistician", viewport=PHONE)
    await phone.goto("/")  # the statistics office's home: its years, and the same trends
    await expect(phone.locator(".trends-section svg.chart")).to_have_count(3)
    await expect(phone.locator(".trends-section .trend-block").first.locator("text.total")).to_have_text(
        [wan(p.figures["revenue"]) for p in points]
    )
    await screenshot(phone, "statistician-home-trends-390")


async def _a_tenant_with_history() -> str:
    stats = await park_stats(SYSTEM, Period.parse("2017H1"))
    earlier = {line.uscc for line in (await park_stats(SYSTEM, Period.parse("2016"))).tenant_lines if line.reported}
    return next(line.uscc for line in stats.tenant_lines if line.reported and line.uscc in earlier)


async def test_a_tenants_page_and_its_own_home_draw_its_figures_over_the_years(demo_park, signed_in):
    uscc = await _a_tenant_with_history()
    points = await tenant_trend(SYSTEM, uscc)
    assert [p.period for p in points][-2:] == ["2016", "2017H1"]
    line = next(line for line in (await park_stats(SYSTEM, Period.parse("2017H1"))).tenant_lines if line.uscc == uscc)
    assert points[-1].figures["revenue"] == line.figures["revenue"]  # the statistics' own composition

    for role, path, viewport, name in (
        ("manager", f"/tenants/{uscc}", DESKTOP, "tenant-trends-1366"),
        ("tenant", "/me", PHONE, "me-trends-390"),
    ):
        page = await signed_in(role, uscc if role == "tenant" else None, viewport=viewport)
        await page.goto(path)
        section = page.locator(".trends-section")
        await expect(section.locator("svg.chart")).to_have_count(4)
        revenue, rd, employees, ip = (section.locator(".trend-block").nth(n) for n in range(4))
        await expect(revenue.locator("text.total")).to_have_text([wan(p.figures["revenue"]) for p in points])
        await expect(employees.locator("text.total")).to_have_text([count(p.figures["employees"]) for p in points])
        await expect(ip.locator("text.total")).to_have_text([count(p.ip_valid) for p in points])
        await expect(revenue.locator("svg.chart")).to_contain_text("2016年度")
        await expect(page.locator("text=园区历年趋势")).to_have_count(0)  # its own figures, not the park's
        await screenshot(page, name)


async def test_a_tenant_reaches_neither_the_statistics_nor_the_parks_trends(demo_park, signed_in, base_url):
    own, other = (line.uscc for line in (await park_stats(SYSTEM, Period.parse("2016"))).tenant_lines[:2])
    page = await signed_in("tenant", own)
    for path in ("/statistics", "/statistics/2017H1", "/statistics/2017Q3?as_of=2017-08-31",
                 "/statistics?period=2017Q3", "/downloads/statistics/2017H1?lang=zh&as_of=2017-05-31"):  # fmt: skip
        response = await page.goto(path) if "downloads" not in path else await page.request.get(path)
        assert response.status == 403, path
    await page.goto("/")
    await expect(page).to_have_url("/me")  # its home is its company: no park dashboard, no park trends
    await expect(page.locator("text=园区历年趋势")).to_have_count(0)
    response = await page.goto(f"/tenants/{other}")
    assert response is not None and response.status == 404
    await expect(page.locator(".trends-section")).to_have_count(0)

    tenant = Actor(username="t", role="tenant", tenant_uscc=own)
    with pytest.raises(NotFound):
        await tenant_trend(tenant, other)
    assert [p.period for p in await tenant_trend(tenant, own)]


async def test_a_bad_page_number_or_census_day_in_an_address_is_refused_in_words(demo_park, signed_in):
    page = await signed_in("statistician")
    for bad in ("0", "abc", "99999999999"):
        response = await page.goto(f"/statistics/2017Q3?page={bad}")
        assert response is not None and response.status == 422, bad
        await expect(page.get_by_role("alert")).to_contain_text("页码应为 1–10000 的整数")
    response = await page.goto("/downloads/statistics/2017?lang=zh&as_of=2017-02-30")
    assert response is not None and response.status == 422
    await expect(page.get_by_role("alert")).to_contain_text("截至日期应为日期")
