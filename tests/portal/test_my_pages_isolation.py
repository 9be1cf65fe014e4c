"""Page by page, the pages of /me, /account, /accounts and /audit show a tenant nothing of another
tenant's and refuse the roles they are not for, as the API does (404 for another tenant's record)."""

from __future__ import annotations

import pytest

from registry.actor import SYSTEM
from registry.services import ip_items, reports
from tests.api.factories import make_ip
from tests.conftest import make_tenant


async def test_tenant_reaches_nothing_of_another_tenant_through_its_pages(signed_in):
    mine, theirs = await make_tenant(), await make_tenant()
    item = await make_ip(theirs["uscc"])
    await reports.put_report(SYSTEM, theirs["uscc"], "2017H1", {"revenue": "99.00"})
    page = await signed_in("tenant", mine["uscc"])

    for path, status in (
        (f"/me/ip/{item['id']}", 404),
        ("/me/reports/2017H1", 404),
        (f"/tenants/{theirs['uscc']}", 404),
    ):
        response = await page.goto(path)
        assert response is not None and response.status == status, path
        assert theirs["name"] not in await page.content()
        assert item["number"] not in await page.content()

    await page.goto("/me")
    token = await page.locator("input[name=_csrf]").first.get_attribute("value")
    for path, form in (
        (
            f"/me/ip/{item['id']}",
            {"title": "改掉", "kind": "invention", "number": item["number"], "status": "valid", "version": "1"},
        ),
        (f"/me/ip/{item['id']}/delete", {"version": "1"}),
    ):
        response = await page.request.post(path, form={**form, "_csrf": token})
        assert response.status == 404, path
    assert (await ip_items.get_ip(SYSTEM, item["id"]))["title"] == item["title"]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("tenant", "/accounts", 403),
        ("tenant", "/audit", 403),
        ("statistician", "/accounts", 403),
        ("statistician", "/audit", 403),
        ("statistician", "/me", 403),
        ("manager", "/me", 403),
        ("tenant", "/account", 200),
        ("statistician", "/account", 200),
    ],
)
async def test_pages_answer_only_the_roles_they_are_for(signed_in, role, path, status):
    tenant = await make_tenant() if role == "tenant" else None
    page = await signed_in(role, tenant["uscc"] if tenant else None)
    response = await page.goto(path)
    assert response is not None and response.status == status
