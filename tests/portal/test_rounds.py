"""Report rounds in the browser: a tenant fills its return beside last period's and last year's figures,
explains a warning and submits; the office reviews, sends back with a reason per field, accepts many."""

from __future__ import annotations

from playwright.async_api import expect

from registry.actor import SYSTEM
from registry.services import returns
from tests.api.factories import make_report, make_round
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot


async def test_a_tenant_fills_its_return_in_wan_yuan_explains_a_warning_and_submits(signed_in):
    tenant = await make_tenant()
    round_id = await make_round(tenant["uscc"], period="2990Q3")
    await make_report(tenant["uscc"], "2990Q2", revenue="400000.00", employees=9)
    await make_report(tenant["uscc"], "2989Q3", revenue="300000.00", employees=8)
    page = await signed_in("tenant", tenant["uscc"])

    await page.goto("/returns")
    await page.get_by_role("link", name="2990年第三季度经营数据报送").click()
    await expect(page.get_by_role("columnheader", name="上期")).to_contain_text("2990年第二季度")
    await expect(page.locator("tr", has=page.get_by_label("营业收入"))).to_contain_text("400000")
    await page.get_by_label("金额单位").select_option("万元")
    await page.get_by_label("营业收入").fill("60")
    await page.get_by_label("从业人员").fill("10")
    await page.get_by_role("button", name="保存", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("已保存")
    await expect(page.get_by_label("营业收入")).to_have_value("60")  # shown again in the unit chosen
    await screenshot(page, "return-form-draft")

    await page.get_by_role("button", name="保存并上报").click()
    await expect(page.get_by_role("alert")).to_contain_text("须说明原因")
    await expect(page.get_by_text("比上年同期变化 +100%")).to_be_visible()
    await screenshot(page, "return-form-warning")
    await page.get_by_label("说明").fill("新签大客户")
    await page.get_by_role("button", name="保存并上报").click()
    await expect(page.get_by_role("status")).to_contain_text("已上报")
    await expect(page.get_by_text("状态：已上报")).to_be_visible()
    await expect(page.get_by_label("营业收入")).to_be_disabled()
    mine = await returns.get_return(SYSTEM, round_id, tenant["uscc"])
    assert mine.figures.revenue == 60_000_000 and mine.warnings[0].explanation == "新签大客户"


async def test_the_return_form_fits_a_phone(signed_in):
    tenant = await make_tenant()
    round_id = await make_round(tenant["uscc"], period="2994Q1")
    page = await signed_in("tenant", tenant["uscc"], viewport={"width": 390, "height": 844})
    await page.goto(f"/rounds/{round_id}/returns/{tenant['uscc']}")
    await page.get_by_label("营业收入").fill("12")
    fits = "document.fonts.ready.then(() => document.documentElement.scrollWidth <= window.innerWidth)"
    assert await page.evaluate(fits)
    await screenshot(page, "return-form-phone")


async def test_a_bad_figure_is_told_beside_its_field_and_kept(signed_in):
    tenant = await make_tenant()
    await make_round(tenant["uscc"], period="2991Q1")
    page = await signed_in("tenant", tenant["uscc"])
    await page.goto("/returns")
    await page.get_by_role("link", name="2991年第一季度经营数据报送").click()
    await page.get_by_label("营业收入").fill("一百万")
    await page.get_by_role("button", name="保存", exact=True).click()
    revenue = page.get_by_label("营业收入")
    await expect(revenue).to_have_value("一百万")
    await expect(revenue).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-revenue")).to_contain_text("不是数字")


async def test_the_office_sends_back_with_a_reason_per_field_and_accepts_many(signed_in):
    first, second = await make_tenant(), await make_tenant()
    round_id = await make_round(first["uscc"], second["uscc"], period="2992Q2")
    for tenant in (first, second):
        await returns.save_return(SYSTEM, round_id, tenant["uscc"], {"revenue": "1000.00", "employees": 3})
        await returns.submit_return(SYSTEM, round_id, tenant["uscc"])
    page = await signed_in("statistician")

    await page.goto("/rounds")
    await page.get_by_role("link", name="2992年第二季度经营数据报送").click()
    await expect(page.get_by_role("table")).to_contain_text(first["name"])
    await screenshot(page, "round-returns")
    await page.get_by_role("link", name=first["name"]).click()
    await page.get_by_label("退回原因").fill("请核对营业收入")
    await page.get_by_text("按项目说明（可选）").click()
    await page.get_by_role("textbox", name="营业收入").last.fill("注意单位千元")
    await page.get_by_role("button", name="退回").click()
    await expect(page.get_by_text("状态：退回")).to_be_visible()
    await expect(page.get_by_role("status").first).to_contain_text("已退回")
    await expect(page.get_by_text("退回原因：请核对营业收入")).to_be_visible()
    await screenshot(page, "return-sent-back")

    await page.goto(f"/rounds/{round_id}")
    await page.get_by_role("button", name="批量通过无提示的已上报报表").click()
    await expect(page.get_by_role("status")).to_contain_text("1")
    await page.get_by_label("状态").select_option("accepted")
    await page.get_by_role("button", name="筛选").click()
    await expect(page.get_by_role("table")).to_contain_text(second["name"])
    await expect(page.get_by_role("table")).not_to_contain_text(first["name"])

    tenant_page = await signed_in("tenant", first["uscc"])
    await tenant_page.goto(f"/rounds/{round_id}/returns/{first['uscc']}")
    await expect(tenant_page.get_by_text("注意单位千元").first).to_be_visible()
    await screenshot(tenant_page, "return-returned-tenant")


async def test_a_manager_fills_on_the_tenants_behalf_and_the_return_says_so(signed_in):
    tenant = await make_tenant()
    round_id = await make_round(tenant["uscc"], period="2993Q4")
    page = await signed_in("manager")
    await page.goto(f"/rounds/{round_id}/returns/{tenant['uscc']}")
    await expect(page.get_by_text("代企业填报")).to_be_visible()
    await page.get_by_label("营业收入").fill("500")
    await page.get_by_label("从业人员").fill("4")
    await page.get_by_role("button", name="保存并上报").click()
    await expect(page.get_by_text(f"代填：{page.username}")).to_be_visible()
    await page.goto(f"/rounds/{round_id}/returns/{tenant['uscc']}?lang=en")
    await expect(page.get_by_text(f"Filled for the tenant by {page.username}")).to_be_visible()
    await expect(page.get_by_text("State: Submitted")).to_be_visible()
    await screenshot(page, "return-on-behalf-en")


async def test_another_tenants_return_page_is_not_found(signed_in):
    mine, theirs = await make_tenant(), await make_tenant()
    round_id = await make_round(mine["uscc"], theirs["uscc"])
    page = await signed_in("tenant", mine["uscc"])
    response = await page.goto(f"/rounds/{round_id}/returns/{theirs['uscc']}")
    assert response is not None and response.status == 404
    assert theirs["name"] not in await page.content()
