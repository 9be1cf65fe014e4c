"""An accessibility scan of every page (SPEC §7): axe-core, vendored under tests/portal/axe (never from
a CDN), runs on each page of each role at desktop (1366 px) and phone (390 px) width and finds no
violation. The tenant home at phone width puts what is due first and stays short."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from importers import run_import
from registry.actor import SYSTEM, Actor
from registry.services import returns, round_close
from tests.api.factories import make_ip, make_report, make_round
from tests.conftest import make_tenant
from tests.importers.conftest import xlsx
from tests.portal.conftest import screenshot

AXE = Path(__file__).parent / "axe" / "axe-4.14.1.min.js"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "anonymous": ["/login"],
    "admin": ["/", "/accounts", "/audit", "/account", "/statistics/2016/close", "/rounds/{round}/close"],
    "manager": [
        "/",
        "/tenants",
        "/tenants?q=axe",
        "/tenants/{t}",
        "/tenants/{t}/edit",
        "/tenants/new",
        "/tenants/{t}/ip/new",
        "/tenants/{t}/reports/new",
        "/tenants/{t}/account",
        "/imports",
        "/imports/{batch}",
        "/statistics",
        "/statistics/2016",
        "/statistics/2017H1",
        "/statistics/2017Q3",
        "/rounds",
        "/rounds/{round}",
        "/rounds/{round}/returns/{t}",
        "/rounds/{round}/progress",
        "/rounds/{closed_round}/summary",
        "/deadlines",
        "/audit",
        "/logout",
    ],
    "statistician": ["/", "/statistics", "/statistics/2017Q3", "/rounds", "/rounds/{round}"],
    "tenant": [
        "/me",
        "/me/edit",
        "/me/ip/new",
        "/me/reports/new",
        "/returns",
        "/rounds/{round}/returns/{t}",
        "/deadlines",
        "/account",
    ],
}


async def _stage() -> dict[str, str]:
    tenant = await make_tenant(name="无障碍检查企业", contact_name="李四", contact_phone="0731-2888-0000")
    for n in range(14):
        await make_ip(tenant["uscc"], title=f"一种检查用装置{n}")
    await make_report(tenant["uscc"], "2016", revenue="1000000.00", employees=20)
    workbook = xlsx({"企业": [["统一社会信用代码", "企业名称", "联系人"], [tenant["uscc"], tenant["name"], "王五"]]})
    batch = await run_import(Actor("axe", "manager"), "axe.xlsx", workbook, dry_run=True)
    asking = await make_round(tenant["uscc"])  # a report round asking the tenant, its return saved
    await returns.save_return(SYSTEM, asking, tenant["uscc"], {"revenue": "1000.00", "employees": 20})
    closed = await make_round()
    await round_close.close_round(SYSTEM, closed)
    return {"t": tenant["uscc"], "batch": str(batch.id), "round": str(asking), "closed_round": str(closed)}


async def _violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(PAGES))
async def test_axe_finds_no_violation_on_any_page(portal, signed_in, role, width):
    stage = await _stage()
    viewport = WIDTHS[width]
    if role == "anonymous":
        page = await portal(viewport=viewport, bypass_csp=True)  # the scan's script is injected inline
    else:
        page = await signed_in(role, stage["t"] if role == "tenant" else None, viewport=viewport, bypass_csp=True)
    problems = {}
    for path in PAGES[role]:
        await page.goto(path.format(**stage))
        if found := await _violations(page):
            problems[path] = found
    assert not problems, problems


async def test_the_tenant_home_at_phone_width_puts_what_is_due_first_and_stays_short(signed_in):
    stage = await _stage()
    page = await signed_in("tenant", stage["t"], viewport=WIDTHS["phone"])
    await page.goto("/me")
    headings = await page.locator("main h2").all_inner_texts()
    assert headings[0] == "待办" and headings[1] == "经营数据", headings
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height
    await screenshot(page, "me-phone")
    # The IP table waits behind its summary, and opens with the keyboard.
    summary = page.get_by_text("查看全部 14 项知识产权")
    await summary.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("region", name="知识产权列表")).to_be_visible()
    await page.get_by_role("region", name="知识产权列表").focus()
    await page.keyboard.press("ArrowRight")
    await screenshot(page, "me-phone-ip-open")
