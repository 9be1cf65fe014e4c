"""Tenants in the browser: the list, a profile, a manager's edit that someone else overtook, escaping,
and tenant isolation page by page (another tenant's page is the same 404 as one that does not exist)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from registry.tables import Tenant
from tests.api.factories import make_ip, make_report
from tests.conftest import make_tenant, new_uscc
from tests.portal.conftest import screenshot


async def test_two_managers_edit_the_same_tenant_and_the_second_is_told(signed_in):
    tenant = await make_tenant(name="同时编辑企业", contact_phone="0731-1111")
    first, second = await signed_in("manager"), await signed_in("manager")
    for page in (first, second):
        await page.goto(f"/tenants/{tenant['uscc']}/edit")

    await first.get_by_label("联系电话").fill("0731-2222")
    await first.get_by_role("button", name="保存").click()
    await expect(first.get_by_role("status")).to_have_text("已保存。")

    await second.get_by_label("网址").fill("https://second.example")
    await second.get_by_role("button", name="保存").click()

    stale = second.locator("#stale")
    await expect(stale).to_contain_text("其他人已修改并保存了此记录")
    phone = stale.get_by_role("row", name="联系电话")  # field by field: this form's value and the stored one
    await expect(phone).to_contain_text("0731-1111")
    await expect(phone).to_contain_text("0731-2222")
    await expect(phone).to_contain_text("对方改过")
    await expect(stale.get_by_role("row", name="网址")).to_contain_text("https://second.example")
    await expect(second.get_by_label("网址")).to_have_value("https://second.example")  # what they typed is kept
    await screenshot(second, "tenant-stale-edit")
    await second.get_by_role("button", name="保存").click()  # now knowingly
    await expect(second.get_by_role("status")).to_have_text("已保存。")
    profile = second.locator("dl.profile")
    await expect(profile).to_contain_text("https://second.example")
    await expect(profile).to_contain_text("0731-2222")  # the first manager's change was not in the way


async def test_a_bad_value_is_told_beside_its_field_and_what_was_typed_kept(signed_in):
    tenant = await make_tenant()
    page = await signed_in("admin")
    await page.goto(f"/tenants/{tenant['uscc']}/edit?lang=en")
    await page.get_by_label("Moved in on").fill("2016-03-01")
    await page.get_by_label("Moved out on").fill("2015-01-01")
    await page.get_by_label("Name *").fill("改过的名字")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#e-moved_out_on")).to_have_text("moved out before moving in")
    await expect(page.get_by_label("Name *")).to_have_value("改过的名字")
    await page.goto(f"/tenants/{tenant['uscc']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(tenant["name"])  # nothing was saved


async def test_the_list_searches_filters_sorts_and_pages(signed_in):
    mark = new_uscc()[-7:]
    for n in range(3):
        await make_tenant(name=f"列表企业{mark}-{n}", industry="new_materials" if n else "other")
    page = await signed_in("statistician")
    await page.goto(f"/tenants?q={mark}&sort=-name")
    rows = page.locator("#results tbody tr")
    await expect(rows).to_have_count(3)
    await expect(rows.first).to_contain_text(f"列表企业{mark}-2")
    await page.get_by_label("产业类别").select_option("new_materials")
    await expect(rows).to_have_count(2)
    await expect(page).to_have_url(f"/tenants?q={mark}&industry=new_materials&status=&sort=-name")
    # Each row's industry and status in the page's language, from the vocabulary.
    await expect(rows.first.locator("td").nth(2)).to_have_text("新材料")
    await expect(rows.first.locator("td").nth(3)).to_have_text("在孵")
    await page.goto(f"/tenants?q={mark}&sort=-name&lang=en")
    await expect(rows.first.locator("td").nth(2)).to_have_text("New materials")
    await expect(rows.last.locator("td").nth(2)).to_have_text("Other")
    await expect(rows.first.locator("td").nth(3)).to_have_text("Incubating")
    await page.goto("/tenants?lang=zh")
    for n in range(max(0, 51 - await Tenant.count().run())):  # more than one page
        await make_tenant(name=f"翻页企业{mark}-{n}")
    await page.goto("/tenants?sort=uscc")
    pager = page.get_by_role("navigation", name="分页")
    await expect(rows).to_have_count(50)
    first_page = await rows.first.inner_text()
    await pager.get_by_role("link", name="下一页").click()
    await expect(pager).to_contain_text("第 2 /")
    assert await rows.first.inner_text() != first_page


async def test_a_profile_shows_ip_reports_and_recent_changes_with_user_text_escaped(signed_in):
    tenant = await make_tenant(name="<script>alert('x')</script>企业", description="<img src=x onerror=alert(1)>")
    await make_ip(tenant["uscc"], title="<b>一种装置</b>")
    await make_report(tenant["uscc"], "2016", revenue="1234567.89")
    page = await signed_in("manager")
    await page.goto(f"/tenants/{tenant['uscc']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("<script>alert('x')</script>企业")
    await expect(page.locator("dl.profile")).to_contain_text("<img src=x onerror=alert(1)>")
    await expect(page.locator("main")).to_contain_text("<b>一种装置</b>")
    await expect(page.locator("main")).to_contain_text("1,234,567.89")
    await expect(page.locator("main")).to_contain_text("最近变更")
    assert await page.locator("main script, main img, main b").count() == 0
    await screenshot(page, "tenant-profile")


async def test_a_statistician_reads_a_profile_but_cannot_edit_it(signed_in):
    tenant = await make_tenant()
    page = await signed_in("statistician")
    await page.goto(f"/tenants/{tenant['uscc']}")
    await expect(page.get_by_role("link", name="编辑企业信息")).to_have_count(0)
    response = await page.goto(f"/tenants/{tenant['uscc']}/edit")
    assert response is not None and response.status == 403


async def test_the_tenant_pages_are_usable_at_phone_width(signed_in):
    tenant = await make_tenant(name="手机上看的企业")
    page = await signed_in("manager", viewport={"width": 375, "height": 740})
    await page.goto(f"/tenants/{tenant['uscc']}")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # no sideways scrolling of the page (wide tables scroll in their own box)
    await screenshot(page, "tenant-phone")


# Every page that names a record, for tenant A reaching B's record and a record that does not exist:
# a tenant's record is the API's 404, a page of the park's (imports, statistics) the role's 403.
ISOLATION = [
    ("/tenants/{uscc}", 404),
    ("/tenants/{uscc}/edit", 404),
    ("/deadlines?uscc={uscc}", 404),
    ("/deadlines/{uscc}/calendar.ics", 404),
    ("/imports/{batch}", 403),
    ("/imports/{batch}/errors.xlsx", 403),
    ("/statistics/2016", 403),
    ("/tenants?q={uscc}", 403),
    ("/downloads/registry", 403),
]


@pytest.mark.parametrize(("path", "status"), ISOLATION, ids=[p for p, _ in ISOLATION])
async def test_a_tenant_reaches_no_other_tenants_page(path, status, signed_in):
    a, b = await make_tenant(), await make_tenant(name="乙方秘密企业", contact_email="secret@b.example")
    page = await signed_in("tenant", a["uscc"])
    real = await page.goto(path.format(uscc=b["uscc"], batch=1))
    real_text = await page.locator("main").inner_text()
    ghost = await page.goto(path.format(uscc=new_uscc(), batch=10**9))
    ghost_text = await page.locator("main").inner_text()
    assert real is not None and ghost is not None
    assert real.status == status and (real.status, real_text) == (ghost.status, ghost_text)
    assert "乙方秘密企业" not in real_text and "secret@b.example" not in real_text
