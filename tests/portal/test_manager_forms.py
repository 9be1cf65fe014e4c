"""A manager keeps one tenant's records in the browser, in the forms the tenant uses at /me: registers it,
opens its account from its page, adds, edits and deletes its IP items, records its paid fee years,
enters and corrects its reports (the period picked in words), and downloads the tenant list as filtered.
A save made stale in another tab is refused and shows both values. Tenants record their own fees."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from registry.actor import SYSTEM
from registry.services import accounts, deadlines, ip_items, reports, tenants
from registry.services.listing import Page as Listing
from tests.api.factories import make_ip, make_report
from tests.conftest import make_tenant, new_uscc
from tests.portal.conftest import screenshot
from tests.server import PASSWORD

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


async def _fits_the_screen(page: Page) -> bool:
    return await page.evaluate(
        "document.fonts.ready.then(() => document.documentElement.scrollWidth <= window.innerWidth)"
    )


async def test_a_manager_registers_a_tenant_and_opens_its_account_from_its_page(signed_in):
    page = await signed_in("manager", viewport=WIDE)
    uscc = new_uscc()
    await page.goto("/tenants")
    await page.get_by_role("link", name="登记新企业").click()
    await page.get_by_label("统一社会信用代码").fill(uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    await page.get_by_label("企业名称 *").fill("页面登记科技有限公司")
    await page.get_by_label("产业类别").select_option("electronic_info")
    await page.get_by_role("button", name="保存").click()
    code = page.get_by_label("统一社会信用代码")
    await expect(code).to_have_attribute("aria-invalid", "true")  # a wrong check digit, told beside the field
    await expect(page.locator("#e-uscc")).to_be_visible()
    await expect(page.get_by_label("企业名称 *")).to_have_value("页面登记科技有限公司")  # what was typed is kept
    await screenshot(page, "tenant-register-bad-uscc-1366")
    await code.fill(uscc)
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("页面登记科技有限公司")
    await expect(page.get_by_role("status")).to_have_text("已登记。")
    assert (await tenants.get_tenant(SYSTEM, uscc))["industry"] == "electronic_info"

    await page.get_by_role("link", name="开设企业账号").click()
    await expect(page.locator("main")).to_contain_text(uscc)  # named, not typed
    await page.get_by_label("用户名").fill(f"acct-{uscc[-8:]}")
    await page.get_by_label("初始密码（8–128 位）").fill(PASSWORD)
    await screenshot(page, "tenant-account-1366")
    await page.get_by_role("button", name="开设账号").click()
    await page.wait_for_url(f"**/accounts/acct-{uscc[-8:]}?saved=created")
    account = await accounts.get_account(SYSTEM, f"acct-{uscc[-8:]}")
    assert (account["role"], account["tenant_uscc"]) == ("tenant", uscc)

    phone = await signed_in("admin", viewport=PHONE)
    await phone.goto("/tenants/new")
    assert await _fits_the_screen(phone)
    await screenshot(phone, "tenant-register-390")
    await phone.goto(f"/tenants/{uscc}/account?lang=en")
    await phone.get_by_label("Username").fill(f"acct-{uscc[-8:]}")
    await phone.get_by_label("First password (8–128 characters)").fill(PASSWORD)
    await phone.get_by_role("button", name="Open the account").click()
    await expect(phone.locator("#e-username")).to_contain_text("already exists")  # in the page's language
    await expect(phone.get_by_label("Username")).to_have_value(f"acct-{uscc[-8:]}")
    await screenshot(phone, "tenant-account-taken-390")


async def test_a_manager_adds_edits_and_deletes_an_ip_item_of_a_tenant(signed_in):
    from registry.ip_numbers import make_patent_number

    tenant = await make_tenant()
    page = await signed_in("manager", viewport=WIDE)
    number = make_patent_number(2019, 1, 4_500_001)
    await page.goto(f"/tenants/{tenant['uscc']}")
    await page.get_by_role("link", name="新增知识产权").click()
    await page.get_by_label("知识产权类型").select_option("invention")
    await page.get_by_label("申请号/登记号").fill(number)
    await page.get_by_role("textbox", name="名称", exact=True).fill("管理员登记的装置")
    await page.get_by_label("申请日").fill("2019-04-01")
    await page.get_by_role("button", name="保存").click()
    await page.wait_for_url(f"**/tenants/{tenant['uscc']}?saved=ip#ip")
    await page.get_by_role("link", name=number, exact=True).click()
    await page.get_by_role("textbox", name="名称", exact=True).fill("改过名的装置")
    await page.get_by_label("申请日").fill("")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#ip")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("改过名的装置")
    [item] = (await ip_items.list_ip(SYSTEM, tenant["uscc"], Listing()))["items"]
    assert (item["title"], item["filed_on"]) == ("改过名的装置", None)

    await page.get_by_role("link", name=number, exact=True).click()
    await screenshot(page, "tenant-ip-edit-1366")
    await page.get_by_role("button", name="删除此项知识产权").click()
    await page.wait_for_url(f"**/tenants/{tenant['uscc']}?saved=ip_deleted#ip")
    await expect(page.get_by_role("link", name=number, exact=True)).to_have_count(0)
    assert (await ip_items.list_ip(SYSTEM, tenant["uscc"], Listing()))["total"] == 0


async def test_a_manager_enters_a_report_picking_the_period_in_words_and_corrects_it(signed_in):
    tenant = await make_tenant()
    page = await signed_in("manager", viewport=WIDE)
    await page.goto(f"/tenants/{tenant['uscc']}")
    await page.get_by_role("link", name="填报经营数据").click()
    period = page.get_by_label("报告期")
    options = await period.locator("option").all_text_contents()
    assert "2017年上半年" in options and "2017年第三季度" in options and "2017H1" not in options
    assert f"{date.today().year + 1}年度" not in options  # only periods that have begun
    await period.select_option(label="2017年上半年")
    await page.get_by_label("金额单位").select_option("万元")
    await page.get_by_label("营业收入").fill("12.5")
    await page.get_by_label("从业人员").fill("abc")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_label("从业人员")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("营业收入")).to_have_value("12.5")
    await expect(page.get_by_label("报告期")).to_have_value("2017H1")  # the pick is kept too
    await screenshot(page, "tenant-report-bad-1366")
    await page.get_by_label("从业人员").fill("8")
    await page.get_by_role("button", name="保存").click()
    await page.get_by_role("link", name="2017年上半年", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("经营数据 2017年上半年")
    await page.get_by_label("营业收入").fill("130000")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("link", name="2017年上半年", exact=True)).to_be_visible()
    stored = await reports.get_report(SYSTEM, tenant["uscc"], "2017H1")
    assert (stored["revenue"], stored["employees"]) == (13_000_000, 8)

    phone = await signed_in("manager", viewport=PHONE)
    await phone.goto(f"/tenants/{tenant['uscc']}/reports/new")
    assert await _fits_the_screen(phone)
    await screenshot(phone, "tenant-report-new-390")


async def test_a_report_open_in_two_tabs_the_stale_save_is_refused_and_shows_both_values(signed_in):
    tenant = await make_tenant()
    await make_report(tenant["uscc"], "2017", revenue="1000000.00", employees=10)
    first = await signed_in("manager", viewport=WIDE)
    second = await first.context.new_page()  # another tab of the same manager
    for tab in (first, second):
        await tab.goto(f"/tenants/{tenant['uscc']}/reports/2017")

    await first.get_by_label("营业收入").fill("2000000")
    await first.get_by_role("button", name="保存").click()
    await expect(first.get_by_role("status")).to_have_text("已保存。")

    await second.get_by_label("从业人员").fill("30")
    await second.get_by_role("button", name="保存").click()
    stale = second.locator("#stale")
    await expect(stale).to_contain_text("其他人已修改并保存了此记录")
    revenue_row = stale.get_by_role("row", name="营业收入")
    await expect(revenue_row).to_contain_text("1000000")  # what this tab's form held
    await expect(revenue_row).to_contain_text("2000000")  # what the other tab saved
    await expect(stale.get_by_role("row", name="从业人员")).to_contain_text("30")
    await expect(second.get_by_label("营业收入")).to_have_value("2000000")  # theirs, untouched here
    await expect(second.get_by_label("从业人员")).to_have_value("30")  # what this tab typed
    stored = await reports.get_report(SYSTEM, tenant["uscc"], "2017")
    assert (stored["revenue"], stored["employees"]) == (200_000_000, 10)  # the stale save changed nothing
    await screenshot(second, "tenant-report-stale-1366")
    await second.set_viewport_size(PHONE)
    await screenshot(second, "tenant-report-stale-390")

    await second.get_by_role("button", name="保存").click()  # now knowingly
    await expect(second.get_by_role("status")).to_have_text("已保存。")
    stored = await reports.get_report(SYSTEM, tenant["uscc"], "2017")
    assert (stored["revenue"], stored["employees"]) == (200_000_000, 30)  # the first tab's revenue stands


async def test_two_tabs_entering_the_same_new_period_the_second_is_shown_the_first(signed_in):
    tenant = await make_tenant()
    first = await signed_in("tenant", tenant["uscc"])
    second = await first.context.new_page()
    for tab in (first, second):
        await tab.goto("/me/reports/new")
        await tab.get_by_label("报告期").select_option("2018")
    await first.get_by_label("营业收入").fill("500")
    await first.get_by_role("button", name="保存").click()
    await expect(first.get_by_role("status")).to_have_text("已保存。")
    await second.get_by_label("营业收入").fill("700")
    await second.get_by_role("button", name="保存").click()
    row = second.locator("#stale").get_by_role("row", name="营业收入")
    await expect(row).to_contain_text("700")
    await expect(row).to_contain_text("500")
    assert (await reports.get_report(SYSTEM, tenant["uscc"], "2018"))["revenue"] == 50_000


async def test_fee_years_are_recorded_by_a_manager_and_by_the_tenant_itself(signed_in):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])  # filed 2018-03-01, granted 2019-05-01: fees from patent year 2
    manager = await signed_in("manager", viewport=WIDE)
    await manager.goto(f"/tenants/{tenant['uscc']}/ip/{item['id']}")
    year = manager.get_by_label("年度")
    await expect(year).to_have_value("2")  # the first year not paid yet
    await expect(manager.get_by_label("缴费金额（元）")).to_have_value("900")  # the scheduled fee
    await manager.get_by_label("缴费日期").fill("2019-05-01")
    await manager.get_by_role("button", name="记录缴费").click()
    await expect(manager.get_by_role("status")).to_have_text("已保存。")
    await expect(manager.locator("#fees + .table-wrap")).to_contain_text("第 2 年")
    await screenshot(manager, "tenant-ip-fees-1366")

    page = await signed_in("tenant", tenant["uscc"], viewport=PHONE)
    await page.goto("/me")
    await page.get_by_role("link", name=item["number"], exact=True).click()
    await expect(page.get_by_label("年度")).to_have_value("3")
    await page.get_by_label("缴费日期").fill((date.today().replace(year=date.today().year + 1)).isoformat())
    await page.get_by_role("button", name="记录缴费").click()
    await expect(page.locator("#fe-paid_on")).to_contain_text("不能晚于今天")  # beside the field
    await page.get_by_label("缴费日期").fill("2020-02-20")
    await page.get_by_label("缴费金额（元）").fill("900.5")
    await page.get_by_role("button", name="记录缴费").click()
    await expect(page.get_by_role("status")).to_have_text("已保存。")
    assert await _fits_the_screen(page)
    await screenshot(page, "me-ip-fees-390")
    paid = await deadlines.list_fees(SYSTEM, item["id"])
    assert [(f["patent_year"], str(f["paid_on"]), f["amount"]) for f in paid] == [
        (2, "2019-05-01", 90_000),
        (3, "2020-02-20", 90_050),
    ]

    await page.get_by_role("link", name="更正 第 2 年").click()  # a correction carries the year's version
    await expect(page.get_by_label("缴费日期")).to_have_value("2019-05-01")
    await manager.goto(f"/tenants/{tenant['uscc']}/ip/{item['id']}?fee_year=2")
    await manager.get_by_label("缴费日期").fill("2019-05-02")
    await manager.get_by_role("button", name="记录缴费").click()
    await expect(manager.get_by_role("status")).to_have_text("已保存。")
    await page.get_by_label("缴费日期").fill("2019-05-03")
    await page.get_by_role("button", name="记录缴费").click()
    stale = page.locator("#stale")
    await expect(stale.get_by_role("row", name="缴费日期")).to_contain_text("2019-05-02")
    await expect(stale.get_by_role("row", name="缴费日期")).to_contain_text("2019-05-03")
    assert str((await deadlines.list_fees(SYSTEM, item["id"]))[0]["paid_on"]) == "2019-05-02"

    await page.goto(f"/me/ip/{item['id']}")  # a new payment's form, for a year recorded already
    await page.get_by_label("年度").select_option("3")
    await page.get_by_label("缴费日期").fill("2020-01-01")
    await page.get_by_role("button", name="记录缴费").click()
    await expect(page.locator("#stale").get_by_role("row", name="缴费日期")).to_contain_text("2020-02-20")
    assert str((await deadlines.list_fees(SYSTEM, item["id"]))[1]["paid_on"]) == "2020-02-20"  # not replaced unseen


async def test_the_tenant_list_downloads_as_filtered(signed_in):
    mark = new_uscc()[-6:]
    wanted = [
        await make_tenant(name=f"导出{mark}甲", industry="new_energy"),
        await make_tenant(name=f"导出{mark}乙", industry="new_energy"),
    ]
    await make_tenant(name=f"导出{mark}丙", industry="new_materials")  # filtered out by its industry
    await make_tenant(name=f"别的企业{mark}", industry="new_energy")  # filtered out by the search
    page = await signed_in("statistician", viewport=WIDE)
    await page.goto(f"/tenants?q=导出{mark}&industry=new_energy&sort=-name")
    await expect(page.get_by_role("status")).to_have_text("共 2 家")
    await screenshot(page, "tenants-filtered-1366")
    shown = await page.locator("#results tbody td:first-child a").all_text_contents()
    assert shown == [f"导出{mark}甲", f"导出{mark}乙"]  # by name, descending (code points: 甲 after 乙)
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载此名单（Excel）").click()
    book = load_workbook(io.BytesIO((await (await download_info.value).path()).read_bytes()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    names = [row[head.index("企业名称")] for row in rows[1:]]
    usccs = [row[head.index("统一社会信用代码")] for row in rows[1:]]
    assert names == shown  # the page's sort, too
    assert sorted(usccs) == sorted(t["uscc"] for t in wanted)


async def test_the_statistician_reads_but_finds_no_form_and_a_tenant_is_refused_the_managers_forms(signed_in):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], "2016")
    reader = await signed_in("statistician")
    await reader.goto(f"/tenants/{tenant['uscc']}")
    await expect(reader.get_by_role("heading", level=1)).to_have_text(tenant["name"])
    for name in ("新增知识产权", "填报经营数据", "开设企业账号", "编辑企业信息"):
        await expect(reader.get_by_role("link", name=name)).to_have_count(0)
    await expect(reader.get_by_role("link", name="登记新企业")).to_have_count(0)
    own = await signed_in("tenant", tenant["uscc"])
    for page in (reader, own):
        for path in (
            "/tenants/new",
            f"/tenants/{tenant['uscc']}/ip/new",
            f"/tenants/{tenant['uscc']}/ip/{item['id']}",
            f"/tenants/{tenant['uscc']}/reports/2016",
            f"/tenants/{tenant['uscc']}/account",
        ):
            response = await page.goto(path)
            assert response is not None and response.status == 403, path


async def test_a_manager_and_the_tenant_edit_the_same_ip_item_and_the_second_is_shown_both_values(signed_in):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], title="原来的名称")
    manager = await signed_in("manager")
    own = await signed_in("tenant", tenant["uscc"], viewport=WIDE)
    await manager.goto(f"/tenants/{tenant['uscc']}/ip/{item['id']}")
    await own.goto(f"/me/ip/{item['id']}")
    await manager.get_by_role("textbox", name="名称", exact=True).fill("管理员改的名称")
    await manager.get_by_role("button", name="保存").click()
    await manager.wait_for_url(f"**/tenants/{tenant['uscc']}?saved=ip#ip")

    await own.get_by_label("法律状态").select_option("lapsed")
    await own.get_by_role("button", name="保存").click()
    stale = own.locator("#stale")
    title = stale.get_by_role("row", name="名称")
    await expect(title).to_contain_text("原来的名称")
    await expect(title).to_contain_text("管理员改的名称")
    status = stale.get_by_role("row", name="法律状态")
    await expect(status).to_contain_text("失效")  # in words, not codes
    await expect(status).not_to_contain_text("lapsed")
    await expect(own.get_by_label("法律状态")).to_have_value("lapsed")  # what the tenant chose is kept
    await expect(own.get_by_role("textbox", name="名称", exact=True)).to_have_value("管理员改的名称")
    await screenshot(own, "me-ip-stale-1366")
    assert (await ip_items.get_ip(SYSTEM, item["id"]))["status"] == "valid"  # the stale save changed nothing
    await own.get_by_role("button", name="保存").click()
    await own.wait_for_url("**/me?saved=ip#ip")
    stored = await ip_items.get_ip(SYSTEM, item["id"])
    assert (stored["title"], stored["status"]) == ("管理员改的名称", "lapsed")


async def test_the_tenant_page_offers_the_managers_forms_at_desktop_and_phone_width(signed_in):
    tenant = await make_tenant()
    await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], "2017H1")
    for size, viewport in (("1366", WIDE), ("390", PHONE)):
        page = await signed_in("manager", viewport=viewport)
        await page.goto(f"/tenants/{tenant['uscc']}")
        for name in ("编辑企业信息", "开设企业账号", "新增知识产权", "填报经营数据", "2017年上半年"):
            await expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert await _fits_the_screen(page)
        await screenshot(page, f"tenant-profile-forms-{size}")


async def test_a_patent_without_its_dates_says_what_fees_need_and_a_wild_fee_year_is_ignored(signed_in):
    tenant = await make_tenant()
    undated = await make_ip(tenant["uscc"], filed_on=None, granted_on=None, status="pending")
    dated = await make_ip(tenant["uscc"])
    page = await signed_in("manager")
    await page.goto(f"/tenants/{tenant['uscc']}/ip/{undated['id']}")
    await expect(page.locator("#fees")).to_contain_text("需要该专利的申请日和授权日")
    await expect(page.get_by_role("button", name="记录缴费")).to_have_count(0)
    response = await page.goto(f"/tenants/{tenant['uscc']}/ip/{dated['id']}?fee_year=99999")
    assert response is not None and response.status == 200
    await expect(page.get_by_label("年度")).to_have_value("2")
