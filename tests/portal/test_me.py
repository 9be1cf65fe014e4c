"""A tenant keeps its own company in the browser: profile, IP items, period reports; and sees no one else's."""

from __future__ import annotations

from playwright.async_api import Page, expect

from registry.ip_numbers import make_patent_number
from tests.api.factories import make_ip
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot
from tests.server import login

PHONE = {"width": 390, "height": 844}


async def _fits_the_screen(page: Page) -> bool:
    # Measured once the page's fonts are in: a width read while one is still loading (on a busy
    # machine) measures the fallback font's text.
    return await page.evaluate(
        "document.fonts.ready.then(() => document.documentElement.scrollWidth <= window.innerWidth)"
    )


async def test_tenant_edits_profile_adds_a_patent_and_reports_a_half_year_in_wan_yuan(signed_in, base_url):
    tenant, other = await make_tenant(), await make_tenant()
    page = await signed_in("tenant", tenant["uscc"], viewport=PHONE)

    await page.goto("/me")
    await expect(page.get_by_role("heading", level=1)).to_have_text(tenant["name"])
    assert await _fits_the_screen(page)
    await screenshot(page, "me-phone")
    await page.get_by_role("link", name="编辑企业信息").click()
    await expect(page.get_by_label("企业名称")).to_have_count(0)  # manager-owned: not a field here
    await page.get_by_label("联系电话").fill("0731-28880000")
    await page.get_by_label("网址").fill("https://tenant.example")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("dl.profile")).to_contain_text("0731-28880000")

    good = make_patent_number(2019, 1, 4_400_001)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    await page.get_by_role("link", name="新增知识产权").click()
    await page.get_by_label("知识产权类型").select_option("invention")
    await page.get_by_label("申请号/登记号").fill(bad)
    await page.get_by_role("textbox", name="名称", exact=True).fill("一种园区测试装置")
    await page.get_by_label("申请日").fill("2019-04-01")
    await page.get_by_role("button", name="保存").click()
    number = page.get_by_label("申请号/登记号")
    await expect(number).to_have_value(bad)  # what they typed is kept
    await expect(number).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-number")).to_contain_text("校验")
    await expect(page.get_by_role("textbox", name="名称", exact=True)).to_have_value("一种园区测试装置")
    await screenshot(page, "me-ip-bad-check-digit")
    await number.fill(good)
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#ip")).to_be_visible()
    await expect(page.get_by_role("link", name=good)).to_be_visible()

    await page.get_by_role("link", name="填报经营数据").click()
    await page.get_by_label("报告期").fill("2017H1")
    await page.get_by_label("金额单位").select_option("万元")
    await page.get_by_label("营业收入").fill("1234.5678")
    await page.get_by_label("实际上缴税费").fill("0.000001")
    await page.get_by_label("从业人员").fill("12")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("link", name="2017年上半年")).to_be_visible()
    assert await _fits_the_screen(page)
    await screenshot(page, "me-reported-phone")

    api = await login(base_url, "tenant", tenant["uscc"])
    try:
        stored = (await api.get(f"/tenants/{tenant['uscc']}/reports/2017H1")).json()
    finally:
        await api.aclose()
    assert (stored["revenue"], stored["tax_paid"], stored["employees"]) == ("12345678.00", "0.01", 12)

    their_item = await make_ip(other["uscc"])
    response = await page.goto(f"/me/ip/{their_item['id']}")  # another tenant's item: as if it did not exist
    assert response is not None and response.status == 404
    assert their_item["number"] not in await page.content()
    response = await page.goto(f"/tenants/{other['uscc']}")  # another tenant's page: the same 404 as the API
    assert response is not None and response.status == 404
    assert other["name"] not in await page.content()


async def test_bad_figure_is_told_beside_its_field_in_english_with_the_input_kept(signed_in):
    tenant = await make_tenant()
    page = await signed_in("tenant", tenant["uscc"])
    await page.goto("/me/reports/new?lang=en")
    await page.get_by_label("Period").fill("2018H1")
    await page.get_by_label("Money unit").select_option("万元")
    await page.get_by_label("Revenue").fill("0.0000001")
    await page.get_by_role("button", name="Save").click()
    revenue = page.get_by_label("Revenue")
    await expect(revenue).to_have_value("0.0000001")
    await expect(page.locator("#e-revenue")).to_have_text("amount 0.0000001 万元 is not a whole number of fen")
    await expect(page.get_by_label("Money unit")).to_have_value("万元")


async def test_a_closed_year_is_read_only(signed_in):
    from registry.actor import SYSTEM
    from registry.services import closed_years, reports
    from tests.api.factories import fresh_year

    tenant = await make_tenant()
    year = fresh_year()
    await reports.put_report(SYSTEM, tenant["uscc"], str(year), {"revenue": "10.00"})
    await closed_years.close_year(SYSTEM, year)
    try:
        page = await signed_in("tenant", tenant["uscc"])
        await page.goto(f"/me/reports/{year}")
        await expect(page.get_by_role("status")).to_contain_text("已关账")
        await expect(page.get_by_label("营业收入")).to_be_disabled()
        await expect(page.get_by_label("营业收入")).to_have_value("10")
    finally:
        await closed_years.reopen_year(SYSTEM, year)
