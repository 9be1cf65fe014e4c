"""Accounts in the browser: an admin onboards a tenant account; any change to an account ends its
sessions; a password change ends the other sessions and keeps this one."""

from __future__ import annotations

from itertools import count

from playwright.async_api import expect

from tests.conftest import make_tenant
from tests.portal.conftest import make_account, screenshot, sign_in

_names = count(1)


async def _signed_out(page) -> bool:
    await page.goto("/")
    return "/login" in page.url


async def test_admin_creates_a_tenant_account_that_can_then_sign_in(signed_in, portal):
    tenant = await make_tenant()
    admin = await signed_in("admin")
    username = f"new-tenant-{next(_names)}"
    await admin.goto("/accounts")
    await admin.get_by_label("用户名").fill(username)
    await admin.get_by_label("角色", exact=True).select_option("tenant")
    await admin.get_by_label("所属企业信用代码").fill(tenant["uscc"].lower())
    await admin.get_by_label("初始密码").fill("short")
    await admin.get_by_role("button", name="创建账号").click()
    await expect(admin.locator("#e-password")).to_contain_text("8–128")
    await expect(admin.get_by_label("用户名")).to_have_value(username)
    await admin.get_by_label("初始密码").fill("tenant-first-password")
    await admin.get_by_role("button", name="创建账号").click()
    await expect(admin.get_by_role("status")).to_contain_text("账号已创建")
    await screenshot(admin, "accounts-created")

    newcomer = await portal()
    await sign_in(newcomer, username, "tenant-first-password")
    await newcomer.goto("/me")
    await expect(newcomer.get_by_role("heading", level=1)).to_have_text(tenant["name"])


async def test_password_change_ends_the_other_session_and_keeps_this_one(portal):
    username = await make_account("manager")
    here, elsewhere = await portal(), await portal()
    await sign_in(here, username)
    await sign_in(elsewhere, username)
    await here.goto("/account")
    await here.get_by_label("当前密码").fill("wrong-password")
    await here.get_by_label("新密码（").fill("a-new-password-1")
    await here.get_by_label("再次输入新密码").fill("a-new-password-1")
    await here.get_by_role("button", name="修改密码").click()
    await expect(here.locator("#e-current_password")).to_contain_text("当前密码不正确")
    assert not await _signed_out(elsewhere)

    await here.goto("/account")
    await here.get_by_label("当前密码").fill("correct-horse-battery")
    await here.get_by_label("新密码（").fill("a-new-password-1")
    await here.get_by_label("再次输入新密码").fill("a-new-password-1")
    await here.get_by_role("button", name="修改密码").click()
    await expect(here.get_by_role("status")).to_contain_text("密码已修改")
    assert not await _signed_out(here)
    assert await _signed_out(elsewhere)
    again = await portal()
    await sign_in(again, username, "a-new-password-1")
    assert not await _signed_out(again)


async def test_admin_deactivating_an_account_ends_its_session(signed_in, portal):
    username = await make_account("statistician")
    them = await portal()
    await sign_in(them, username)
    admin = await signed_in("admin")
    await admin.goto(f"/accounts/{username}")
    await admin.get_by_role("button", name="停用此账号").click()
    await expect(admin.locator("dl.profile")).to_contain_text("已停用")
    assert await _signed_out(them)


async def test_admin_resets_a_password_and_the_old_one_stops_working(signed_in, portal):
    username = await make_account("tenant", (await make_tenant())["uscc"])
    admin = await signed_in("admin")
    await admin.goto(f"/accounts/{username}?lang=en")
    await admin.get_by_label("New password").fill("reset-by-admin-1")
    await admin.get_by_role("button", name="Reset password").click()
    await expect(admin.get_by_role("status")).to_contain_text("Saved")
    person = await portal()
    await sign_in(person, username, "reset-by-admin-1")
    assert not await _signed_out(person)
