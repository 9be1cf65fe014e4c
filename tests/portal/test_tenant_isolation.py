"""Page by page, a tenant learns nothing from an address naming another tenant's record: the page
answers exactly as it does for a record that does not exist (the API's 404 for a tenant's records;
for the park's own pages — import batches, statistics, accounts — the same 403 whether the id
exists or not). Its own company at a staff address is shown at /me."""

from __future__ import annotations

from playwright.async_api import Page

from importers import run_import
from registry.actor import SYSTEM
from registry.services import tenants
from tests.api.factories import make_ip
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.portal.conftest import make_account

NO_SUCH_ID = 2_000_000_000


async def _answer(page: Page, path: str) -> tuple[int, str]:
    response = await page.goto(path)
    assert response is not None, path
    return response.status, await page.locator("main").inner_text()


async def test_another_tenants_pages_answer_as_pages_that_do_not_exist(signed_in):
    mine, theirs = await make_tenant(), await make_tenant()
    item = await make_ip(theirs["uscc"])
    their_account = await make_account("tenant", theirs["uscc"])
    batch = await run_import(
        SYSTEM,
        "企业.xlsx",
        xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "隔离测试企业", "电子信息", "在孵", "2017/3/5"]]}),
        dry_run=True,
    )
    page = await signed_in("tenant", mine["uscc"])
    secrets = (theirs["name"], theirs["uscc"], item["number"], item["title"], their_account)

    # (another tenant's record, one that does not exist, the answer both must give); more pages, with a
    # made-up id for both, in test_tenants.py (ISOLATION)
    pairs = [
        (f"/tenants/{theirs['uscc'].lower()}", f"/tenants/{new_uscc().lower()}", 404),
        (f"/me/ip/{item['id']}", f"/me/ip/{NO_SUCH_ID}", 404),
        (f"/imports/{batch.id}", f"/imports/{NO_SUCH_ID}", 403),
        (f"/imports/{batch.id}/errors.xlsx", f"/imports/{NO_SUCH_ID}/errors.xlsx", 403),
        (f"/accounts/{their_account}", "/accounts/no-such-person", 403),
    ]
    for theirs_path, missing_path, status in pairs:
        seen = await _answer(page, theirs_path)
        assert seen == await _answer(page, missing_path), theirs_path
        assert seen[0] == status, theirs_path
        assert not any(secret in seen[1] for secret in secrets), theirs_path

    await page.goto("/me")
    token = await page.locator("input[name=_csrf]").first.get_attribute("value")
    posts = [
        (f"/tenants/{theirs['uscc']}/edit", f"/tenants/{new_uscc()}/edit", {"name": "改掉", "version": "1"}, 404),
        (f"/imports/{batch.id}/apply", f"/imports/{NO_SUCH_ID}/apply", {}, 403),
    ]
    for theirs_path, missing_path, form, status in posts:
        answers = []
        for path in (theirs_path, missing_path):
            response = await page.request.post(path, form={**form, "_csrf": token}, max_redirects=0)
            text = (await response.text()).partition("<main")[2]  # the header's language switch names the address
            answers.append((response.status, [secret for secret in secrets if secret in text]))
        assert answers[0] == answers[1] == (status, []), theirs_path
    assert (await tenants.get_tenant(SYSTEM, theirs["uscc"]))["name"] == theirs["name"]


async def test_a_tenants_own_company_at_a_staff_address_is_its_own_page(signed_in):
    mine = await make_tenant()
    page = await signed_in("tenant", mine["uscc"])

    await page.goto(f"/tenants/{mine['uscc']}")
    assert page.url.endswith("/me")
    await page.goto(f"/tenants/{mine['uscc'].lower()}/edit")
    assert page.url.endswith("/me/edit")
    response = await page.goto("/tenants")
    assert response is not None and response.status == 403  # the list of the park's tenants is the staff's
