"""Who may open which page (without a browser: a signed-in session through the real sign-in form).

A role that may not use a page gets the 403 page; a signed-out visitor is sent to sign in; a tenant
never gets another tenant's page (test_tenants.py checks that page by page)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import make_tenant
from tests.portal.conftest import make_account
from tests.server import PASSWORD

STAFF = ("admin", "manager", "statistician")
WRITERS = ("admin", "manager")
PAGES = [
    ("/", ("admin", "manager", "statistician")),
    ("/tenants", STAFF),
    ("/tenants/{t}", STAFF),
    ("/tenants/{t}/edit", WRITERS),
    ("/imports", WRITERS),
    ("/statistics", STAFF),
    ("/statistics/2016", STAFF),
    ("/statistics/2016/close", ("admin", "statistician")),
    ("/statistics/2016/reopen", ("admin",)),
    ("/downloads/statistics/2016?lang=en", STAFF),
    ("/downloads/template?lang=zh", ("admin", "manager", "statistician", "tenant")),
    ("/downloads/registry", WRITERS),
    ("/me", ("tenant",)),
    ("/me/ip/new", ("tenant",)),
    ("/me/reports/new", ("tenant",)),
    ("/me/edit", ("tenant",)),
    ("/account", ("admin", "manager", "statistician", "tenant")),
    ("/accounts", WRITERS),
    ("/audit", WRITERS),
    ("/deadlines", ("admin", "manager", "statistician", "tenant")),
    ("/deadlines/workbook.xlsx?within=30", STAFF),
]
# A tenant at a staff address of its own company is sent to its own page.
OWN_PAGE = {"/tenants/{t}": "/me", "/tenants/{t}/edit": "/me/edit"}


async def signed_in_client(base_url: str, role: str | None, tenant_uscc: str | None = None) -> httpx.AsyncClient:
    # The downloads write whole workbooks in a worker process: on a loaded machine that outlasts httpx's 5 s.
    client = httpx.AsyncClient(base_url=base_url, timeout=60)
    if role is None:
        return client
    username = await make_account(role, tenant_uscc)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', (await client.get("/login")).text)[1]
    response = await client.post("/login", data={"_csrf": csrf, "username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
async def tenant_page(base_url) -> dict:
    return await make_tenant()


@pytest.mark.parametrize("role", ["admin", "manager", "statistician", "tenant", None])
@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[p for p, _ in PAGES])
async def test_a_role_may_or_may_not_open_the_page(path, allowed, role, base_url, tenant_page):
    own = tenant_page["uscc"]
    client = await signed_in_client(base_url, role, own if role == "tenant" else None)
    try:
        response = await client.get(path.format(t=own))
    finally:
        await client.aclose()
    if role is None:
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    elif role in allowed:
        assert response.status_code == 200, response.text[:500]
    elif role == "tenant" and path == "/":
        assert response.status_code == 303 and response.headers["location"] == "/me"
    elif role == "tenant" and path in OWN_PAGE:
        assert response.status_code == 303 and response.headers["location"] == OWN_PAGE[path]
    else:
        assert response.status_code == 403, response.text[:500]
        assert "无权操作" in response.text or "Not allowed" in response.text
