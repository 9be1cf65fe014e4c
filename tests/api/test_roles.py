"""Who may call what: every endpoint of the API (exports and most of imports aside) against every role.

Each (endpoint, role) pair is its own test. A tenant works on its own tenant here; reaching another
tenant is test_isolation.py's business. A refused write leaves the records as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import httpx
import pytest

from importers import run_import
from registry.actor import SYSTEM
from registry.services import accounts, closed_years
from tests.api.factories import (
    assert_problem,
    fill,
    fresh_patent_number,
    fresh_year,
    make_ip,
    make_report,
    make_tenant,
    new_uscc,
    reopen_if_closed,
)
from tests.server import PASSWORD

ROLES = ("admin", "manager", "statistician", "tenant", "anonymous")
EVERYONE = ("admin", "manager", "statistician", "tenant")
STAFF = ("admin", "manager", "statistician")
WRITERS = ("admin", "manager")
OWN_WRITERS = ("admin", "manager", "tenant")


@dataclass(frozen=True)
class Call:
    id: str
    method: str
    path: str
    status: int  # what an allowed role gets
    allowed: tuple[str, ...]
    body: dict | None = field(default=None)


CALLS = [
    Call("me", "GET", "/me", 200, EVERYONE),
    Call("list-tenants", "GET", "/tenants", 200, EVERYONE),
    Call("create-tenant", "POST", "/tenants", 201, WRITERS,
         {"uscc": "{new_uscc}", "name": "角色测试新企业", "industry": "other", "status": "incubating"}),
    Call("get-tenant", "GET", "/tenants/{t}", 200, EVERYONE),
    Call("patch-tenant", "PATCH", "/tenants/{t}", 200, OWN_WRITERS, {"website": "https://roles.example"}),
    Call("delete-tenant", "DELETE", "/tenants/{spare}", 204, WRITERS),
    Call("list-ip", "GET", "/tenants/{t}/ip", 200, EVERYONE),
    Call("create-ip", "POST", "/tenants/{t}/ip", 201, OWN_WRITERS,
         {"kind": "invention", "number": "{new_number}", "title": "角色测试专利", "status": "pending"}),
    Call("get-ip", "GET", "/ip/{ip}", 200, EVERYONE),
    Call("patch-ip", "PATCH", "/ip/{ip}", 200, OWN_WRITERS, {"title": "改名的专利"}),
    Call("delete-ip", "DELETE", "/ip/{ip}", 204, OWN_WRITERS),
    Call("list-fees", "GET", "/ip/{ip}/fees", 200, EVERYONE),
    Call("record-fee", "PUT", "/ip/{ip}/fees/3", 201, OWN_WRITERS, {"paid_on": "2020-02-20", "amount": "900.00"}),
    Call("deadlines", "GET", "/deadlines", 200, EVERYONE),
    Call("deadlines-of-a-tenant", "GET", "/deadlines?uscc={t}&within=3650&kind=invention", 200, EVERYONE),
    Call("deadline-feed", "GET", "/tenants/{t}/deadlines.ics", 200, EVERYONE),
    Call("calendar-subscription", "GET", "/tenants/{t}/deadlines/subscription", 200, OWN_WRITERS),
    Call("renew-calendar-key", "POST", "/tenants/{t}/deadlines/subscription", 200, OWN_WRITERS),
    Call("list-reports", "GET", "/tenants/{t}/reports", 200, EVERYONE),
    Call("get-report", "GET", "/tenants/{t}/reports/{year}", 200, EVERYONE),
    Call("replace-report", "PUT", "/tenants/{t}/reports/{year}", 200, OWN_WRITERS, {"revenue": "7.00"}),
    Call("create-report", "PUT", "/tenants/{t}/reports/{year}Q1", 201, OWN_WRITERS, {"revenue": "7.00"}),
    Call("delete-report", "DELETE", "/tenants/{t}/reports/{year}", 204, OWN_WRITERS),
    Call("list-closed-years", "GET", "/periods", 200, STAFF),
    Call("close-year", "POST", "/periods/{year}/close", 200, ("admin", "statistician")),
    Call("reopen-year", "POST", "/periods/{closed_year}/reopen", 200, ("admin",)),
    Call("list-users", "GET", "/users", 200, WRITERS),
    Call("create-tenant-account", "POST", "/users", 201, WRITERS,
         {"username": "{new_username}", "password": PASSWORD, "role": "tenant", "tenant_uscc": "{t}"}),
    Call("get-account", "GET", "/users/{account}", 200, WRITERS),
    Call("patch-account", "PATCH", "/users/{account}", 200, WRITERS, {"active": False}),
    Call("delete-account", "DELETE", "/users/{account}", 204, WRITERS),
    Call("audit", "GET", "/audit", 200, WRITERS),
    Call("stats-of-a-year", "GET", "/stats/2016", 200, STAFF),
    Call("stats-of-a-quarter", "GET", "/stats/2017Q3", 200, STAFF),
    Call("health", "GET", "/health", 200, (*EVERYONE, "anonymous")),
    Call("list-imports", "GET", "/imports?status=dry_run", 200, WRITERS),
    Call("apply-import", "POST", "/imports/{dry_run}/apply", 201, WRITERS),
]


@pytest.fixture
async def stage():
    """A tenant with an IP item, a report and an account; a spare empty tenant; an open and a closed year."""
    tenant, spare = await make_tenant(), await make_tenant()
    year, closed_year = fresh_year(), fresh_year()
    item = await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], str(year))
    account = f"roles-account-{uuid4().hex[:8]}"
    await accounts.create_account(SYSTEM, {"username": account, "password": PASSWORD, "role": "tenant",
                                           "tenant_uscc": tenant["uscc"]})
    await closed_years.close_year(SYSTEM, closed_year)
    dry_run = await run_import(SYSTEM, "roles.csv", f"统一社会信用代码,企业名称,产业类别,状态\n{new_uscc()},角色测试导入,其他,在孵\n"
                               .encode(), dry_run=True)
    yield {"t": tenant["uscc"], "dry_run": str(dry_run.id), "spare": spare["uscc"], "ip": str(item["id"]), "year": str(year),
           "closed_year": str(closed_year), "account": account, "new_uscc": new_uscc(),
           "new_number": fresh_patent_number(), "new_username": f"roles-new-{uuid4().hex[:8]}"}
    await reopen_if_closed(year)
    await reopen_if_closed(closed_year)


async def _client(role: str, as_role, anonymous, tenant_uscc: str) -> httpx.AsyncClient:
    if role == "anonymous":
        return anonymous
    return await as_role(role, tenant_uscc if role == "tenant" else None)


async def _records(manager: httpx.AsyncClient, values: dict[str, str]) -> list[tuple[int, str]]:
    paths = ["/tenants/{t}", "/tenants/{spare}", "/tenants/{t}/ip", "/ip/{ip}/fees", "/tenants/{t}/reports",
             "/users/{account}", "/periods", "/users?limit=500", "/imports/{dry_run}"]
    return [((r := await manager.get(fill(p, values))).status_code, r.text) for p in paths]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
async def test_role_may_or_may_not_call_the_endpoint(call, role, stage, as_role, anonymous, manager):
    client = await _client(role, as_role, anonymous, stage["t"])
    before = await _records(manager, stage)

    response = await client.request(call.method, fill(call.path, stage), json=fill(call.body, stage))

    if role in call.allowed:
        assert response.status_code == call.status, response.text
        return
    assert_problem(response, 401 if role == "anonymous" else 403)
    assert await _records(manager, stage) == before
