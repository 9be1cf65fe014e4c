"""The /deadlines page in the browser: a manager sees the park's deadlines (window, kind and tenant
filters, soonest first, amounts in 元 with the late fee, the fee years past their grace marked), a
tenant only its own — another tenant's is the same 404 as an unknown one — and the downloads."""

from __future__ import annotations

import io
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from icalendar import Calendar
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from registry.actor import SYSTEM
from registry.services import deadlines
from tests.api.factories import fresh_patent_number, make_ip
from tests.conftest import make_tenant, new_uscc
from tests.portal.conftest import screenshot

FEE_OF_YEAR_2 = {"invention": "900.00", "utility_model": "600.00", "design": "600.00"}


async def _patent(
    uscc: str, due_in_days: int, kind: str = "invention", year: int = 3, pay_earlier: bool = True
) -> dict:
    """A valid patent granted in its first year whose fee for `year` is due `due_in_days` from today;
    the years before it paid on their due days unless `pay_earlier` is false."""
    due = date.today() + timedelta(days=due_in_days)
    filed = due - relativedelta(years=year - 1)
    item = await make_ip(
        uscc,
        kind,
        number=fresh_patent_number(kind, filed.year),
        filed_on=filed.isoformat(),
        granted_on=(filed + timedelta(days=100)).isoformat(),
        title=f"测试装置 {kind} {due_in_days}",
    )
    if pay_earlier:
        for earlier in range(2, year):
            paid = filed + relativedelta(years=earlier - 1)
            await deadlines.record_fee(SYSTEM, item["id"], earlier, {"paid_on": paid, "amount": FEE_OF_YEAR_2[kind]})
    return item


async def _park() -> dict:
    """Two tenants: the first with a fee due in 20 days (utility model), one in its grace (an invention
    45 days late: 5 % late fee) and one past its grace (at risk); the second with a fee due in 60 days."""
    mine, theirs = await make_tenant(), await make_tenant()
    return {
        "mine": mine,
        "theirs": theirs,
        "soon": await _patent(mine["uscc"], 20, "utility_model"),
        "late": await _patent(mine["uscc"], -45),
        "lapsing": await _patent(mine["uscc"], -200, year=2, pay_earlier=False),
        "other": await _patent(theirs["uscc"], 60),
    }


def _rows(page: Page, section: str):
    return page.locator(f"{section} table tbody tr")


async def test_a_manager_reads_the_park_deadlines_filters_them_and_downloads_the_workbook(signed_in):
    park = await _park()
    mine = park["mine"]
    page = await signed_in("manager")

    response = await page.goto("/")
    await page.get_by_role("link", name="知识产权期限").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("知识产权期限")
    assert response is not None and response.status == 200
    dues = await page.locator("#due-list tbody tr td:first-child").all_inner_texts()
    assert dues == sorted(dues), "soonest first"

    await page.get_by_label("企业信用代码").fill(mine["uscc"])
    await page.get_by_role("button", name="筛选").click()
    await page.wait_for_url(f"**uscc={mine['uscc']}**")
    due = page.locator("#due-list tbody tr")
    await expect(due).to_have_count(2)
    late, soon = due.nth(0), due.nth(1)
    await expect(late).to_contain_text(park["late"]["number"])
    await expect(late).to_contain_text("第3年年费")
    await expect(late).to_contain_text("宽限期内")
    await expect(late).to_contain_text("945.00")  # 900 + 5 % for the second month late
    await expect(late).to_contain_text("滞纳金 45.00")
    await expect(soon).to_contain_text(park["soon"]["number"])
    await expect(soon).to_contain_text("600.00")
    await expect(soon).to_contain_text((date.today() + timedelta(days=20)).isoformat())
    assert park["other"]["number"] not in await page.content()
    past = page.locator("section.at-risk tbody tr")
    await expect(past).to_have_count(1)
    await expect(past.first).to_contain_text(park["lapsing"]["number"])
    await expect(past.first).to_contain_text("宽限期已过")
    await screenshot(page, "deadlines-manager-zh")
    await page.goto(f"/tenants/{mine['uscc']}")  # the tenant's profile marks the item at risk too
    marked = page.locator("tbody tr", has_text=park["lapsing"]["number"])
    await expect(marked.get_by_role("link", name="有年费已过宽限期")).to_have_attribute(
        "href", f"/deadlines?uscc={mine['uscc']}#past-grace"
    )
    await page.get_by_role("link", name="年费、续展和到期日").click()
    await expect(page.locator("#due-list tbody tr")).to_have_count(2)

    await page.get_by_label("知识产权类型").select_option("utility_model")
    await page.get_by_role("button", name="筛选").click()
    await expect(due).to_have_count(1)
    await expect(due.first).to_contain_text(park["soon"]["number"])
    await expect(page.locator("section.at-risk")).to_have_count(0)

    await page.goto(f"/deadlines?uscc={mine['uscc']}&within=10")
    await expect(due).to_have_count(1)
    await expect(due.first).to_contain_text(park["late"]["number"])  # in its grace: listed whatever the window

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载期限清单（Excel，按企业分组）").click()
    book = load_workbook(io.BytesIO((await (await download_info.value).path()).read_bytes()))
    assert book.sheetnames == ["期限清单", "宽限期已过"]
    assert any(park["lapsing"]["number"] in str(cell.value) for row in book["宽限期已过"].iter_rows() for cell in row)

    await page.goto(f"/deadlines?uscc={mine['uscc']}&lang=en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("IP deadlines")
    await expect(due.first).to_contain_text("Annual fee, year 3")
    await expect(due.first).to_contain_text("In grace")
    await screenshot(page, "deadlines-manager-en")


async def test_bad_filters_are_told_beside_the_field_with_what_was_typed(signed_in):
    page = await signed_in("manager")

    response = await page.goto("/deadlines?within=soon")
    assert response is not None and response.status == 422
    await expect(page.locator("#e-within")).to_contain_text("整数天")
    await expect(page.get_by_label("时间窗（天）")).to_have_value("soon")

    response = await page.goto("/deadlines?within=99999")
    assert response is not None and response.status == 422
    await expect(page.locator("#e-within")).to_be_visible()

    response = await page.goto("/deadlines?page=abc")  # an address a page cannot read: its error page, not JSON
    assert response is not None and response.status == 400
    assert "text/html" in response.headers["content-type"]
    await expect(page.get_by_role("alert")).to_contain_text("网址中的参数无效")

    unknown = new_uscc()
    response = await page.goto(f"/deadlines?uscc={unknown}")
    assert response is not None and response.status == 404
    await expect(page.locator("#e-uscc")).to_contain_text("未找到")
    await expect(page.get_by_label("企业信用代码")).to_have_value(unknown)


async def test_a_tenant_sees_only_its_own_deadlines_and_its_calendar(signed_in):
    park = await _park()
    mine, theirs = park["mine"], park["theirs"]
    page = await signed_in("tenant", mine["uscc"])

    await page.get_by_role("link", name="知识产权期限").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("知识产权期限")
    due = page.locator("#due-list tbody tr")
    await expect(due).to_have_count(2)
    await expect(page.locator("section.at-risk tbody tr")).to_have_count(1)
    content = await page.content()
    assert park["other"]["number"] not in content and theirs["name"] not in content
    await expect(page.get_by_label("企业信用代码")).to_have_count(0)  # no tenant filter: only its own
    await screenshot(page, "deadlines-tenant-zh")

    await page.goto("/me")  # the item at risk is marked on the tenant's own page, and leads here
    at_risk = page.locator("#ip ~ details .table-wrap tbody tr", has_text=park["lapsing"]["number"])
    await at_risk.get_by_role("link", name="有年费已过宽限期").click()
    await expect(page.locator("#past-grace")).to_be_visible()
    assert page.url.endswith("/deadlines#past-grace")
    await page.goto("/me")
    fine = page.locator("#ip ~ details .table-wrap tbody tr", has_text=park["soon"]["number"])
    await expect(fine.locator(".badge")).to_have_count(0)
    await page.get_by_role("link", name="年费、续展和到期日").click()

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载日历（.ics）").click()
    calendar = Calendar.from_ical((await (await download_info.value).path()).read_bytes())
    numbers = " ".join(str(event.get("summary")) for event in calendar.walk("VEVENT"))
    assert park["soon"]["number"] in numbers and park["other"]["number"] not in numbers

    # Another tenant's deadlines, its calendar, or an unknown tenant's: the same 404 page, nothing shown.
    bodies = []
    for path in (
        f"/deadlines?uscc={theirs['uscc']}",
        f"/deadlines?uscc={new_uscc()}",
        f"/deadlines/{theirs['uscc']}/calendar.ics",
        f"/deadlines/{new_uscc()}/calendar.ics",
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 404, path
        body = await page.locator("main").inner_text()
        assert park["other"]["number"] not in body and theirs["name"] not in body
        bodies.append(body)
    assert len(set(bodies)) == 1
    response = await page.goto("/deadlines/workbook.xlsx")
    assert response is not None and response.status == 403  # the park's workbook is the staff's


async def test_deadlines_at_phone_width(signed_in):
    park = await _park()
    for role, uscc in (("tenant", park["mine"]["uscc"]), ("manager", None)):
        page = await signed_in(role, uscc, viewport={"width": 390, "height": 844})
        for lang in ("zh", "en"):
            address = f"/deadlines?lang={lang}" + (f"&uscc={park['mine']['uscc']}" if uscc is None else "")
            response = await page.goto(address)
            assert response is not None and response.status == 200
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{role} {lang}: the page scrolls sideways ({width}px)"
            for table in await page.locator(".table-wrap").all():  # nothing cut off or scrolled in a table
                assert await table.evaluate("t => t.scrollWidth <= t.clientWidth"), f"{role} {lang}"
            await screenshot(page, f"deadlines-{role}-{lang}-phone")


async def test_a_tenant_subscribes_its_calendar_app_and_renews_the_address(signed_in):
    """The subscription address opens the feed without signing in (a calendar app cannot); a new
    address ends the old one; another tenant's is the same 404 as an unknown one."""
    import httpx

    park = await _park()
    mine, theirs = park["mine"], park["theirs"]
    page = await signed_in("tenant", mine["uscc"])
    await page.goto("/deadlines")
    await page.get_by_role("button", name="在日历程序中订阅").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("订阅期限日历")
    first = await page.get_by_label("订阅地址").input_value()
    assert first.startswith("http") and f"/tenants/{mine['uscc']}/deadlines.ics?key=" in first
    await expect(page.get_by_role("link", name="用日历程序打开")).to_have_attribute(
        "href", "webcal" + first[first.index(":") :]
    )
    await screenshot(page, "deadlines-subscription-zh")
    async with httpx.AsyncClient() as app:  # a calendar app: no cookie, no token
        feed = await app.get(first)
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        assert park["soon"]["number"] in feed.text and park["other"]["number"] not in feed.text

        await page.get_by_role("button", name="换发新地址（旧地址作废）").click()
        await expect(page.get_by_role("status")).to_contain_text("以前发出的地址已停止工作")
        second = await page.get_by_label("订阅地址").input_value()
        assert second != first
        assert (await app.get(first)).status_code == 404
        assert (await app.get(second)).status_code == 200

    bodies = []
    for uscc in (theirs["uscc"], new_uscc()):  # another tenant's address cannot be asked for
        await page.goto("/deadlines")
        response = await page.request.post(
            f"/deadlines/{uscc}/subscription",
            form={"_csrf": await page.locator("input[name=_csrf]").first.input_value()},
        )
        assert response.status == 404
        bodies.append(await response.text())
    assert theirs["name"] not in bodies[0]

    statistician = await signed_in("statistician")
    await statistician.goto(f"/deadlines?uscc={mine['uscc']}")
    await expect(statistician.get_by_role("button", name="在日历程序中订阅")).to_have_count(0)
