"""Who may open which page and send which form (without a browser: a session signed in through the real
sign-in form, every form with its CSRF token).

Every route of the app outside the API has a row in tests/portal/pages.py (test_every_route_has_a_row); each
(row, role) pair is its own test. A role allowed gets the page (200) or is sent on after its form (303) and
sees what it asked for; a role refused gets the 403 page and nothing changes; a signed-out visitor is sent
to sign in; a tenant at a staff page of its own company is sent to its own page. Another tenant's records
are test_page_isolation.py's business.
"""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest

from api.app import create_app
from importers import run_import
from registry.actor import SYSTEM
from registry.services import accounts, closed_years, ip_items, tenants
from registry.vocabulary import IP_FIELDS, TENANT_FIELDS
from tests.api.factories import fresh_patent_number, fresh_year, make_ip, make_report, reopen_if_closed
from tests.api.test_roles import CALLS as API_CALLS
from tests.conftest import make_tenant, new_uscc
from tests.portal.conftest import make_account
from tests.portal.pages import ROLES, ROWS, call, check_answer, page_routes, portal_client, route_of
from tests.server import PASSWORD


def _shown(value) -> str:
    return "" if value is None else str(value)


async def stage_values(uscc: str | None = None) -> dict[str, str]:
    """A tenant with an IP item, a 2016 report and an account; an open and a closed year; a dry run and a
    batch with errors — the placeholders of tests/portal/pages.py."""
    tenant = await make_tenant() if uscc is None else await tenants.get_tenant(SYSTEM, uscc)
    item = await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], "2016")
    year, closed_year = fresh_year(), fresh_year()
    await closed_years.close_year(SYSTEM, closed_year)
    account = f"page-roles-{uuid4().hex[:8]}"
    row = await accounts.create_account(SYSTEM, {"username": account, "password": PASSWORD, "role": "tenant",
                                                 "tenant_uscc": tenant["uscc"]})
    header = "统一社会信用代码,企业名称,产业类别,状态\n"
    batch = await run_import(SYSTEM, "roles.csv", f"{header}{new_uscc()},页面角色导入,其他,在孵\n".encode(), dry_run=True)
    invalid = await run_import(SYSTEM, "roles.csv", f"{header}1,,矿业,在孵\n".encode(), dry_run=True)
    return {
        "t": tenant["uscc"], "t_version": str(tenant["version"]),
        **{f"tenant.{f.key}": _shown(tenant[f.key]) for f in TENANT_FIELDS if f.key != "uscc"},
        "ip": str(item["id"]), "ip_version": str(item["version"]), "ip_number": item["number"],
        **{f"ip.{f.key}": _shown(item[f.key]) for f in IP_FIELDS if f.key != "uscc"},
        "period": "2016", "year": str(year), "closed_year": str(closed_year),
        "batch": str(batch.id), "invalid": str(invalid.id), "account": account, "account_version": str(row["version"]),
        "new_uscc": new_uscc(), "new_number": fresh_patent_number(), "new_username": f"page-new-{uuid4().hex[:8]}",
    }


@pytest.fixture
async def stage():
    values = await stage_values()
    yield values
    await reopen_if_closed(int(values["year"]))
    await reopen_if_closed(int(values["closed_year"]))


async def _records(values: dict[str, str]) -> list:
    """What the forms could change, as the registry holds it."""
    item = await ip_items.list_ip(SYSTEM, values["t"], _all())
    return [
        await tenants.get_tenant(SYSTEM, values["t"]),
        item,
        await accounts.get_account(SYSTEM, values["account"]),
        sorted(await closed_years.closed_years()),
        (await accounts.list_accounts(SYSTEM, _all(), "tenant"))["total"],
    ]


def _all():
    from registry.services.listing import Page

    return Page(500, 0)


async def signed_in(base_url: str, role: str, uscc: str) -> httpx.AsyncClient:
    username = None if role == "anonymous" else await make_account(role, uscc if role == "tenant" else None)
    return await portal_client(base_url, username)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
async def test_a_role_may_or_may_not_use_the_page(row, role, base_url, stage):
    client = await signed_in(base_url, role, stage["t"])
    refused = row.answer(role) in (403, "sign-in") and row.method != "GET"
    before = await _records(stage) if refused else None
    try:
        response = await call(client, row, stage)
    finally:
        await client.aclose()
    check_answer(row, role, response, stage)
    if refused:
        assert await _records(stage) == before, (row.id, role)


def test_every_route_has_a_row():
    """A route added to the app without a row fails: who may use it is then untested. The API's routes
    have theirs in tests/api/test_roles.py; together the two tables cover every route of the app."""
    app = create_app()
    rows = {route_of(app, row.method, row.path) for row in ROWS}
    missing = set(page_routes(app)) - rows
    assert missing == set(), f"routes without a row in tests/portal/pages.py: {sorted(missing)}"
    api_rows = {route_of(app, c.method, "/api/v1" + c.path) for c in API_CALLS}
    every = {(method, route.path_format) for route in app.routes
             for method in getattr(route, "route_handler_map", {}) if method not in ("OPTIONS", "HEAD")}
    assert every - rows - api_rows == set()
