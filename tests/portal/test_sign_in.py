"""Signing in and out of the portal, sessions and the protections around every form."""

from __future__ import annotations

import httpx
from playwright.async_api import expect

from tests.api.factories import spoofed_address
from tests.portal.conftest import make_account, screenshot, sign_in
from tests.server import PASSWORD


async def test_a_whole_sign_in_by_keyboard_alone(portal):
    username = await make_account("manager")
    page = await portal()
    await page.goto("/?lang=zh")  # a page that needs signing in sends the visitor to the form, then back
    await expect(page).to_have_url("/login?next=/%3Flang%3Dzh")
    await expect(page.get_by_label("用户名")).to_be_focused()  # the form takes the focus
    await page.keyboard.type(username)
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("密码")).to_be_focused()
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/?lang=zh")
    await expect(page.get_by_role("navigation")).to_contain_text("导入")
    await screenshot(page, "sign-in-by-keyboard")


async def test_a_wrong_password_is_told_and_the_username_kept(portal):
    username = await make_account("manager")
    page = await portal(extra_http_headers=spoofed_address())
    await page.goto("/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill("not-the-password")
    async with page.expect_response(lambda r: r.request.method == "POST") as answer:
        await page.get_by_role("button", name="登录").click()
    assert (await answer.value).status == 401
    await expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    await expect(page.get_by_label("用户名")).to_have_value(username)
    await expect(page.get_by_label("密码")).to_have_value("")


async def test_the_api_login_throttle_stops_guessing_in_the_portal(portal):
    username = await make_account("manager")
    page = await portal(extra_http_headers=spoofed_address())
    for _ in range(5):
        await page.goto("/login")
        await page.get_by_label("用户名").fill(username)
        await page.get_by_label("密码").fill("guess-guess")
        await page.get_by_role("button", name="登录").click()
        await expect(page.get_by_role("alert")).to_be_visible()
    await page.get_by_label("密码").fill(PASSWORD)  # even the right password waits now
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多")
    await expect(page).to_have_url("/login")


async def test_signing_in_gives_a_new_session_id_in_a_strict_cookie(portal):
    username = await make_account("statistician")
    page = await portal()
    await page.goto("/login")
    (before,) = [c for c in await page.context.cookies() if c["name"] == "park_session"]
    await sign_in(page, username)
    (after,) = [c for c in await page.context.cookies() if c["name"] == "park_session"]
    assert after["value"] != before["value"]
    assert after["httpOnly"] and after["sameSite"] == "Lax" and after["path"] == "/"
    assert not after["secure"]  # served over plain http here; over https the cookie is Secure


async def test_signing_out_ends_the_session_on_the_server(portal, base_url):
    username = await make_account("manager")
    page = await portal()
    await sign_in(page, username)
    (cookie,) = [c for c in await page.context.cookies() if c["name"] == "park_session"]
    await page.get_by_role("button", name="退出").click()
    await expect(page).to_have_url("/login")
    async with httpx.AsyncClient(base_url=base_url, cookies={"park_session": cookie["value"]}) as old:
        response = await old.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_a_change_to_the_account_ends_its_sessions(portal, admin):
    username = await make_account("manager")
    page = await portal()
    await sign_in(page, username)
    await expect(page.get_by_text(username)).to_be_visible()
    response = await admin.patch(f"/users/{username}", json={"password": "a-brand-new-password"})
    assert response.status_code == 200, response.text
    await page.goto("/?lang=zh")
    await expect(page).to_have_url("/login?next=/%3Flang%3Dzh")


async def test_a_deactivated_account_is_signed_out(portal, admin):
    username = await make_account("statistician")
    page = await portal()
    await sign_in(page, username)
    assert (await admin.patch(f"/users/{username}", json={"active": False})).status_code == 200
    await page.goto("/")
    await expect(page).to_have_url("/login")


async def test_a_form_posted_without_its_csrf_token_is_refused(signed_in):
    page = await signed_in("manager")
    for form in ({}, {"_csrf": "forged-token"}):
        response = await page.request.post("/logout", form=form, max_redirects=0)
        assert response.status == 403
        assert "表单已过期或来源不明" in await response.text()
    await page.goto("/")  # still signed in: the refused post did nothing
    await expect(page.get_by_role("button", name="退出")).to_be_visible()


async def test_the_sign_in_form_needs_its_csrf_token_too(portal):
    username = await make_account("manager")
    page = await portal()
    await page.goto("/login")
    response = await page.request.post("/login", form={"username": username, "password": PASSWORD})
    assert response.status == 403
    await page.goto("/")
    await expect(page).to_have_url("/login")


async def test_pages_forbid_framing_and_inline_script(portal):
    page = await portal()
    response = await page.goto("/login")
    assert response is not None
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["x-frame-options"] == "DENY"
    assert await page.locator("script:not([src])").count() == 0
    assert await page.locator("[style]").count() == 0


async def test_english_is_a_switch_and_is_remembered(signed_in):
    page = await signed_in("manager")
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    await page.goto("/")
    await expect(page.get_by_role("navigation")).to_contain_text("Tenants")
    await page.get_by_role("link", name="中文").click()
    await expect(page.get_by_role("button", name="退出")).to_be_visible()


async def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(portal):
    username = await make_account("admin")
    page = await portal()
    await page.goto("/?lang=en")
    await expect(page).to_have_url("/login?next=/%3Flang%3Den")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/?lang=en")
