"""Search (SPEC §7): a tenant by its name with spaces and full-width forms ignored, its USCC, contact or
phone, or by a patent it holds; IP items by number or title on a tenant's page and the tenant's own home.
A tenant user finds nothing of another tenant."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.async_api import Page, expect

from registry.actor import Actor
from registry.services import tenants
from registry.services.listing import Page as Paging
from tests.api.factories import make_ip
from tests.conftest import make_tenant

_marks = iter(range(100, 1000))


async def _tenant_pair() -> tuple[dict, dict, dict, str]:
    mark = next(_marks)
    ours = await make_tenant(name=f"示例企业{mark}", contact_name=f"赵{mark}明", contact_phone=f"0731-{mark}-6688")
    other = await make_tenant(name=f"其他公司{mark}")
    item = await make_ip(ours["uscc"], title=f"一种可折叠{mark}支架")
    return ours, other, item, str(mark)


async def _search(page: Page, text: str) -> list[str]:
    await page.goto("/tenants?" + urlencode({"q": text}))
    await expect(page.get_by_label("搜索")).to_have_value(text)
    return await page.locator("#results tbody tr").all_inner_texts()


async def test_a_manager_finds_a_tenant_however_it_is_typed(signed_in):
    ours, other, item, mark = await _tenant_pair()
    page = await signed_in("manager")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in mark)  # full-width digits
    for typed in (f"示例企业 {mark}", f"示例企业{wide}", ours["uscc"].lower(), f"赵{mark}明", f"0731{mark}6688",
                  item["number"].replace(".", ""), f"可折叠{mark}"):  # fmt: skip
        rows = await _search(page, typed)
        assert len(rows) == 1 and ours["name"] in rows[0], (typed, rows)
        assert all(other["name"] not in row for row in rows)


async def test_the_api_searches_the_same_way():
    ours, _, item, mark = await _tenant_pair()
    manager = Actor("search", "manager")
    for typed in (f"示例企业 {mark}", f"0731 {mark} 6688", item["number"]):
        found = await tenants.list_tenants(manager, Paging(50, 0), q=typed)
        assert [t["uscc"] for t in found["items"]] == [ours["uscc"]], typed
    # A tenant's own search never reaches another tenant.
    theirs = Actor("t", "tenant", tenant_uscc=ours["uscc"])
    assert (await tenants.list_tenants(theirs, Paging(50, 0), q="其他公司"))["total"] == 0


async def test_ip_items_are_found_by_number_or_title_on_the_tenant_page_and_at_home(signed_in):
    ours, other, item, mark = await _tenant_pair()
    await make_ip(ours["uscc"], title="另一项无关专利")
    theirs = await make_ip(other["uscc"], title=f"一种可折叠{mark}支架")
    page = await signed_in("manager")
    await page.goto(f"/tenants/{ours['uscc']}")
    await page.get_by_label("按号码或名称查找知识产权").fill(f"可折叠 {mark}")
    await page.get_by_role("button", name="查找").click()
    ip_rows = page.locator("main table").first.locator("tbody tr")  # the IP table comes first
    await expect(ip_rows).to_have_count(1)
    await expect(ip_rows.first).to_contain_text(item["number"])

    tenant_page = await signed_in("tenant", ours["uscc"])
    await tenant_page.goto("/me")
    await tenant_page.get_by_label("按号码或名称查找").fill(item["number"].replace(".", " "))
    await tenant_page.get_by_role("button", name="查找").click()
    await expect(tenant_page.locator("main")).to_contain_text(item["number"])
    await expect(tenant_page.locator("main")).not_to_contain_text("另一项无关专利")
    # The same title held by another tenant never shows on this tenant's home.
    await tenant_page.goto(f"/me?ip_q=可折叠{mark}")
    await expect(tenant_page.locator("main")).not_to_contain_text(theirs["number"])
    await expect(tenant_page.locator("main")).to_contain_text(item["number"])
