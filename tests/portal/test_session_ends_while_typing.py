"""A session that ends while someone types loses nothing (SPEC §7): the form posted after it ended leads
to sign-in, then back to the same form with what was typed — never a password, never the old CSRF token."""

from __future__ import annotations

import asyncio

from playwright.async_api import Page, expect

from api.portal.sessions import RECHECK_SECONDS
from registry.tables import PortalSession
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot
from tests.server import PASSWORD


async def _session_ends(page: Page) -> None:
    """As the idle timeout does: the session is gone from the store (and from every worker's memory)."""
    await PortalSession.delete().where(PortalSession.username == page.username).run()  # type: ignore[attr-defined]
    await asyncio.sleep(RECHECK_SECONDS + 0.2)


async def _sign_in_again(page: Page) -> None:
    await page.get_by_label("用户名").fill(page.username)  # type: ignore[attr-defined]
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()


async def test_a_tenants_report_typed_as_the_session_ended_comes_back_after_sign_in(signed_in):
    tenant = await make_tenant()
    page = await signed_in("tenant", tenant["uscc"])
    await page.goto("/me/reports/new")
    await page.get_by_label("报告期").select_option("2017H1")
    await page.get_by_label("金额单位").select_option("万元")
    await page.get_by_label("营业收入").fill("1234.5")
    await page.get_by_label("从业人员").fill("87")
    await _session_ends(page)

    await page.get_by_role("button", name="保存").click()
    await page.wait_for_url("**/login?**")
    await expect(page.locator("#session-ended")).to_contain_text("登录已过期")
    assert "next=/me/reports/new" in page.url
    await screenshot(page, "session-ended-sign-in")
    await _sign_in_again(page)

    await page.wait_for_url("**/me/reports/new")
    await expect(page.locator("#typed-restored")).to_contain_text("已恢复")
    await expect(page.get_by_label("报告期")).to_have_value("2017H1")
    await expect(page.get_by_label("金额单位")).to_have_value("万元")
    await expect(page.get_by_label("营业收入")).to_have_value("1234.5")
    await expect(page.get_by_label("从业人员")).to_have_value("87")
    await screenshot(page, "session-ended-form-restored")
    # Sent again, it is saved.
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("main")).to_contain_text("2017年上半年")


async def test_what_is_kept_holds_no_password_and_no_csrf_token(signed_in):
    page = await signed_in("manager")
    await page.goto("/account")
    await page.get_by_label("当前密码").fill("my-old-secret-1")
    await page.get_by_label("新密码", exact=False).first.fill("my-new-secret-1")
    await page.get_by_label("再次输入新密码").fill("my-new-secret-1")
    # Held in the tab the moment the form is sent: look at it with the post held back (a listener after
    # the page's own stops it from leaving).
    await page.evaluate("window.addEventListener('submit', event => event.preventDefault())")
    await page.get_by_role("button", name="修改密码").click()
    kept = await page.evaluate("sessionStorage.getItem('park-typed')")
    assert kept is not None and page.username in kept  # type: ignore[attr-defined]
    assert "secret" not in kept and "_csrf" not in kept


async def test_a_form_kept_is_not_put_back_unless_one_signed_in_for_it(signed_in):
    page = await signed_in("tenant", (await make_tenant())["uscc"])
    await page.goto("/me/reports/new")
    await page.get_by_label("报告期").select_option("2017H1")
    await page.get_by_label("营业收入").fill("不是数字")
    await page.get_by_role("button", name="保存").click()  # refused: the form comes back with the error
    await page.goto("/me/reports/new")
    await expect(page.get_by_label("营业收入")).to_have_value("")
    await expect(page.locator("#typed-restored")).to_have_count(0)
