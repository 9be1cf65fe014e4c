"""Words, not codes (SPEC §7): the audit of an import and of a fee payment, a tenant's recent changes
and "我的账号" read in labels, the source of a change in words, times in the park's zone."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from registry.actor import Actor
from registry.services import deadlines, tenants
from tests.api.factories import make_ip
from tests.conftest import make_tenant
from tests.importers.conftest import xlsx
from tests.portal.conftest import screenshot
from tests.portal.test_imports import _upload

# What a clerk must never read on these pages: field codes, stored codes, a request id, UTC.
CODES = ("platform_level", "municipal", "request:", "ip_fee", "design:", "paid_on", "patent_year", "UTC", "True")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


async def _assert_in_words(page: Page) -> str:
    text = await page.locator("main").inner_text()
    for code in CODES:
        assert code not in text, f"{code!r} shown on {page.url}"
    assert not ISO_TIME.search(text)
    assert "北京时间" in text
    return text


async def test_the_audit_of_an_import_reads_in_words(signed_in):
    tenant = await make_tenant(platform_level="municipal")
    page = await signed_in("manager")
    workbook = xlsx(
        {"企业": [["统一社会信用代码", "企业名称", "研发平台级别"], [tenant["uscc"], tenant["name"], "省级"]]}
    )
    await _upload(page, "平台级别.xlsx", workbook)
    await page.get_by_role("button", name="应用此计划").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("已导入")
    batch = int(page.url.rstrip("/").split("/")[-1])

    await page.goto(f"/audit?uscc={tenant['uscc']}")
    row = page.locator("tbody tr").first
    await expect(row).to_contain_text("研发平台级别：市级 → 省级")
    await expect(row).to_contain_text(f"导入批次 {batch}")
    await expect(row).to_contain_text(tenant["name"])
    await _assert_in_words(page)
    await screenshot(page, "audit-import-in-words")

    await page.goto(f"/tenants/{tenant['uscc']}")
    await expect(page.locator("main")).to_contain_text("研发平台级别：市级 → 省级")
    await _assert_in_words(page)


async def test_the_audit_of_a_fee_payment_names_the_patent_and_its_year(signed_in):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], "design", title="一种灯具外观")
    page = await signed_in("manager")
    # Recorded through the page's door: its actor is the portal's (网页), as a form would record it.
    clerk = Actor(username=page.username, role="manager", source="web:test-1")  # type: ignore[attr-defined]
    await deadlines.record_fee(clerk, item["id"], 2, {"paid_on": "2020-03-01", "amount": "600.00"})

    await page.goto("/audit?entity=ip_fee&uscc=" + tenant["uscc"])
    row = page.locator("tbody tr").first
    await expect(row).to_contain_text(f"外观设计 {item['number']}《一种灯具外观》 第2年年费")
    await expect(row).to_contain_text("网页")
    await expect(row).to_contain_text("缴费日期")
    await expect(row).to_contain_text("600.00")
    await _assert_in_words(page)
    await screenshot(page, "audit-fee-in-words")

    await page.goto("/audit?entity=ip_fee&lang=en&uscc=" + tenant["uscc"])
    await expect(page.locator("tbody tr").first).to_contain_text("Annual fee, year 2")
    await expect(page.locator("tbody tr").first).to_contain_text("Beijing time")


async def test_a_change_made_through_the_api_says_so(signed_in):
    tenant = await make_tenant()
    await tenants.update_tenant(
        Actor("api-user", "manager", source="request:abc-1"), tenant["uscc"], {"website": "https://a.example"}
    )
    page = await signed_in("manager")
    await page.goto(f"/audit?uscc={tenant['uscc']}")
    await expect(page.locator("tbody tr").first).to_contain_text("接口")
    await _assert_in_words(page)


async def test_my_account_names_the_role_in_words(signed_in):
    page = await signed_in("tenant", (await make_tenant())["uscc"])
    await page.goto("/account")
    await expect(page.locator("main")).to_contain_text("角色: 企业")
    await page.goto("/account?lang=en")
    await expect(page.locator("main")).to_contain_text("Role: Tenant")
