"""The audit trail page: admins and managers filter by record, tenant, who and import batch."""

from __future__ import annotations

from playwright.async_api import expect

from registry.actor import Actor
from registry.services import tenants
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot


async def test_manager_finds_who_changed_a_tenant(signed_in):
    tenant = await make_tenant()
    editor = Actor(username="audit-page-editor", role="manager")
    await tenants.update_tenant(editor, tenant["uscc"], {"website": "https://changed.example"})
    page = await signed_in("manager")
    await page.goto("/audit")
    await page.get_by_label("企业信用代码").fill(tenant["uscc"])
    await page.get_by_label("操作人").fill("audit-page-editor")
    await page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("https://changed.example")
    await expect(rows.first).to_contain_text("修改")
    await screenshot(page, "audit-filtered")


async def test_an_import_batch_that_is_not_a_number_is_told_beside_its_field(signed_in):
    page = await signed_in("admin")
    await page.goto("/audit?lang=en")
    await page.get_by_label("Import batch").fill("last week")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("#e-batch")).to_have_text("an import batch is a number")
    await expect(page.get_by_label("Import batch")).to_have_value("last week")
