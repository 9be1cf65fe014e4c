"""Who may open which page and send which form (without a browser: a session signed in through the real
sign-in form, every form with its CSRF token).

Every route of the app outside the API has a row in tests/portal/pages.py (test_every_route_has_a_row); each
(row, role) pair is its own test. A role allowed gets the page (200) or is sent on after its form (303) and
sees what it asked for; a role refused gets the 403 page and nothing changes; a signed-out visitor is sent
to sign in; a tenant at a staff page of its own company is sent to its own page. Another tenant's records
are test_page_isolation.py's business.
"""

from __future__ import annotations

import pytest

from api.app import create_app
from importers import get_batch
from registry import audit
from registry.actor import SYSTEM
from registry.services import accounts, closed_years, ip_items, reports, tenants
from registry.services.listing import Page
from tests.api.test_roles import CALLS as API_CALLS
from tests.portal.pages import ROLES, ROWS, call, check_answer, page_routes, portal_as, route_of


async def _records(values: dict[str, str]) -> list:
    """What the forms could change, as the registry holds it, and how long the tenant's audit trail is."""
    every = Page(500, 0)
    return [
        await tenants.get_tenant(SYSTEM, values["t"]),
        await ip_items.list_ip(SYSTEM, values["t"], every),
        await reports.list_reports(SYSTEM, values["t"], every),
        await accounts.get_account(SYSTEM, values["account"]),
        (await accounts.list_accounts(SYSTEM, every, "tenant"))["total"],
        sorted(await closed_years.closed_years()),
        (await get_batch(SYSTEM, int(values["batch"]))).status,
        (await audit.list_entries(SYSTEM, None, values["t"], 1, 0))["total"],
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
async def test_a_role_may_or_may_not_use_the_page(row, role, base_url, page_stage):
    client = await portal_as(base_url, role, page_stage["t"])
    refused = row.answer(role) in (403, "sign-in") and row.method != "GET"
    before = await _records(page_stage) if refused else None
    try:
        response = await call(client, row, page_stage)
    finally:
        await client.aclose()
    check_answer(row, role, response, page_stage)
    if refused:
        assert await _records(page_stage) == before, (row.id, role)


def test_every_route_has_a_row():
    """A route added to the app without a row fails: who may use it is then untested. The API's routes
    have theirs in tests/api/test_roles.py; together the two tables cover every route of the app."""
    app = create_app()
    rows = {route_of(app, row.method, row.path) for row in ROWS}
    missing = set(page_routes(app)) - rows
    assert missing == set(), f"routes without a row in tests/portal/pages.py: {sorted(missing)}"
    api_rows = {route_of(app, c.method, "/api/v1" + c.path) for c in API_CALLS}
    every = {
        (method, route.path_format)
        for route in app.routes
        for method in getattr(route, "route_handler_map", {})
        if method not in ("OPTIONS", "HEAD")
    }
    assert every - rows - api_rows == set()
