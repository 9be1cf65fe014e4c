"""A round's page leads to everything about it (SPEC §9): its progress page and workbook, its close (the
statistics office, after a confirmation) and then its signed summary; managers add a tenant by name."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.async_api import expect

from registry.actor import SYSTEM
from registry.services import round_close
from tests.api.factories import accepted_return, open_round, return_in_state
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot


@pytest.fixture
async def open_with_returns():
    """An open round: one return accepted, one not started."""
    round_ = await open_round(title="链接测试报送")
    a, b = await make_tenant(name="链接测试甲企业"), await make_tenant(name=f"链接测试乙企业{uuid4().hex[:6]}")
    await accepted_return(round_["id"], a["uscc"], revenue="5000.00", employees=3)
    await return_in_state(round_["id"], b["uscc"])
    return round_ | {"a": a["uscc"], "b": b["uscc"], "b_name": b["name"]}


async def test_the_statistician_goes_from_the_round_to_its_progress_and_closes_it(open_with_returns, signed_in):
    round_id = open_with_returns["id"]
    page = await signed_in("statistician")
    await page.goto(f"/rounds/{round_id}")
    await expect(page.get_by_role("link", name="签字汇总表")).to_have_count(0)  # open: nothing to sign yet
    await expect(page.locator("#add-tenant")).to_have_count(0)  # adding a tenant is the managers'
    await expect(page.get_by_role("link", name="下载进度表")).to_have_attribute(
        "href", f"/rounds/{round_id}/progress.xlsx?lang=zh"
    )
    await screenshot(page, "round-links-open")
    await page.get_by_role("link", name="报送进度").click()
    await expect(page).to_have_url(f"{page.url.split('/rounds')[0]}/rounds/{round_id}/progress")
    await expect(page.locator("#total")).to_have_text("2")
    await page.get_by_role("link", name="链接测试报送").click()  # back to the round

    await page.get_by_role("link", name="关闭轮次…").click()
    await expect(page.locator("#to-freeze")).to_have_text("1")
    await screenshot(page, "round-close-confirm")
    assert (await round_close.round_row(round_id))["state"] == "open"  # the link alone closes nothing
    await page.get_by_role("button", name="确认关闭轮次").click()
    await expect(page.get_by_role("status")).to_contain_text("轮次已关闭")
    assert (await round_close.round_row(round_id))["state"] == "closed"
    await expect(page.get_by_role("link", name="关闭轮次…")).to_have_count(0)
    await screenshot(page, "round-links-closed")
    await page.get_by_role("link", name="签字汇总表").click()
    await expect(page.locator("#summary")).to_contain_text("负责人签字")


async def test_closing_twice_from_a_stale_confirmation_says_it_is_closed(open_with_returns, signed_in):
    page = await signed_in("statistician")
    await page.goto(f"/rounds/{open_with_returns['id']}/close")
    await round_close.close_round(SYSTEM, open_with_returns["id"])  # closed meanwhile, from another tab
    await page.get_by_role("button", name="确认关闭轮次").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await expect(page.get_by_role("button", name="确认关闭轮次")).to_have_count(0)


async def test_a_manager_adds_a_tenant_to_the_round_by_its_name(open_with_returns, signed_in):
    name = f"链接测试新入驻企业{uuid4().hex[:6]}"
    await make_tenant(name=name)
    round_id = open_with_returns["id"]
    page = await signed_in("manager")
    await page.goto(f"/rounds/{round_id}")
    await expect(page.get_by_role("link", name="关闭轮次…")).to_have_count(0)  # closing is the office's
    await expect(page.get_by_role("link", name="报送进度")).to_be_visible()
    picker = page.get_by_label("加入企业")
    names = await picker.locator("option").all_inner_texts()
    assert name in names and open_with_returns["b_name"] not in names  # the asked are not offered
    await page.get_by_role("button", name="加入本轮").click()  # nothing picked
    await expect(page.locator("#e-uscc")).to_contain_text("请选择")
    await screenshot(page, "round-add-tenant-refused")
    await page.get_by_label("加入企业").select_option(label=name)
    await page.get_by_role("button", name="加入本轮").click()
    await expect(page.get_by_role("status")).to_contain_text(name)
    await expect(page.get_by_role("row", name=name)).to_contain_text("未填报")
    await screenshot(page, "round-add-tenant-done")
    names = await page.get_by_label("加入企业").locator("option").all_inner_texts()
    assert name not in names


async def test_a_manager_reaches_no_close_and_a_tenant_no_round_page(open_with_returns, signed_in):
    round_id = open_with_returns["id"]
    manager = await signed_in("manager")
    response = await manager.goto(f"/rounds/{round_id}/close")
    assert response is not None and response.status == 403
    tenant = await signed_in("tenant", open_with_returns["b"])
    for path in ("", "/close", "/progress"):
        response = await tenant.goto(f"/rounds/{round_id}{path}")
        assert response is not None and response.status == 403, path
    assert (await round_close.round_row(round_id))["state"] == "open"
