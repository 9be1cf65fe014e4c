"""The reminder notice on a tenant's home and the account e-mail field, in a browser (chromium)."""

from __future__ import annotations

from datetime import timedelta

from registry.park_time import park_today
from registry.periods import Period
from tests.api.factories import open_round, return_in_state
from tests.conftest import SETTINGS, make_tenant
from tests.mail_server import mail_through
from tests.portal.conftest import screenshot

TODAY = park_today(SETTINGS.zone)


async def test_a_tenant_sees_its_reminder_on_its_home_in_chinese_and_english(signed_in, database, statistician):
    tenant = await make_tenant()
    row = await open_round(deadline=str(TODAY + timedelta(days=2)))
    await return_in_state(row["id"], tenant["uscc"], "returned")
    period = Period.parse(row["period"])
    with mail_through(database, None):
        assert (await statistician.post(f"/rounds/{row['id']}/remind")).status_code == 200
    page = await signed_in("tenant", tenant["uscc"])
    await page.goto("/me")
    notice = page.get_by_role("region", name="催报通知")
    await notice.wait_for()
    text = await notice.inner_text()
    assert row["title"] in text and period.label("zh") in text and "退回" in text
    await screenshot(page, "me-reminder-notice")
    await page.goto("/me?lang=en")
    english = await page.get_by_role("region", name="Reminders").inner_text()
    assert period.label("en") in english and "Returned" in english
    await screenshot(page, "me-reminder-notice-en")


async def test_an_admin_sets_an_accounts_email_in_the_form(signed_in):
    tenant = await make_tenant()
    page = await signed_in("admin")
    await page.goto("/accounts")
    name = f"form-mail-{tenant['uscc']}"
    await page.get_by_label("用户名").fill(name)
    await page.get_by_label("所属企业信用代码（企业账号必填）").fill(tenant["uscc"])
    await page.get_by_label("电子邮箱（选填，催报通知发往此处）").fill("form@tenant.example")
    await page.get_by_label("初始密码（8–128 个字符）").fill("long-enough-password")
    await page.get_by_role("button", name="创建账号").click()
    await page.wait_for_url(f"**/accounts/{name}?saved=created")
    assert await page.locator("dl.profile").get_by_text("form@tenant.example").count() == 1
    await screenshot(page, "account-email")
