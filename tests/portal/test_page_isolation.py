"""Tenant isolation, page by page and form by form (SPEC §7: another tenant's page is the same 404 as in the
API): tenant A, signed in to the portal, at every address that names tenant B or one of B's records.

Each row is its own test. A gets the row's answer (404 for a tenant's records, as the API answers; 403 for
the park's own pages — import batches, accounts, the audit, statistics); the page shows nothing of B's; it
is the same page A gets for a record that does not exist (so it does not even tell B exists); and B's
records, audit trail included, are as they were. Every route of the app outside the API that takes a USCC,
a record's id, an account's name or a period must have a row (test_every_route_naming_a_record_has_a_row);
the API's routes have theirs in tests/api/test_isolation.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

import httpx
import pytest

from api.app import create_app
from importers import get_batch, run_import
from registry import audit
from registry.actor import SYSTEM
from registry.services import accounts, ip_items, reports, returns, tenants
from registry.services.listing import Page
from tests.api.factories import make_ip, make_report, make_round
from tests.conftest import make_tenant, new_uscc
from tests.portal.conftest import make_account
from tests.portal.pages import page_routes, portal_client, route_of
from tests.server import PASSWORD

NO_SUCH_ID = "2000000000"
FEE = {"patent_year": "2", "paid_on": "2019-05-01", "amount": "900"}


@dataclass(frozen=True)
class Reach:
    id: str
    method: str
    path: str
    status: int
    form: dict[str, str] | None = None


REACHES = [
    Reach("home-of-a-period", "GET", "/?period={period}", 303),  # a tenant's home is its own company (/me)
    Reach("tenant", "GET", "/tenants/{b}", 404),
    Reach("tenant-lower-case", "GET", "/tenants/{b_lower}", 404),
    Reach("tenant-edit-page", "GET", "/tenants/{b}/edit", 404),
    Reach(
        "tenant-edit",
        "POST",
        "/tenants/{b}/edit",
        404,
        {"name": "被篡改的企业", "website": "https://taken.example", "version": "1"},
    ),
    Reach("tenants-search", "GET", "/tenants?q={b}", 403),
    Reach("ip-page", "GET", "/me/ip/{ip}", 404),
    Reach(
        "ip-edit",
        "POST",
        "/me/ip/{ip}",
        404,
        {"kind": "invention", "number": "{ip_number}", "title": "改掉", "status": "valid", "version": "1"},
    ),
    Reach("ip-delete", "POST", "/me/ip/{ip}/delete", 404, {"version": "1"}),
    Reach("report-page", "GET", "/me/reports/{period}", 404),
    Reach("ip-fee", "POST", "/me/ip/{ip}/fees", 404, FEE),
    Reach("staff-ip-new-page", "GET", "/tenants/{b}/ip/new", 404),
    Reach(
        "staff-ip-new",
        "POST",
        "/tenants/{b}/ip/new",
        404,
        {"kind": "invention", "number": "{ip_number}", "title": "塞进去"},
    ),
    Reach("staff-ip-page", "GET", "/tenants/{b}/ip/{ip}", 404),
    Reach(
        "staff-ip-edit",
        "POST",
        "/tenants/{b}/ip/{ip}",
        404,
        {"kind": "invention", "number": "{ip_number}", "title": "改掉", "status": "valid", "version": "1"},
    ),
    Reach("staff-ip-delete", "POST", "/tenants/{b}/ip/{ip}/delete", 404, {"version": "1"}),
    Reach("staff-ip-fee", "POST", "/tenants/{b}/ip/{ip}/fees", 404, FEE),
    Reach("staff-report-new-page", "GET", "/tenants/{b}/reports/new", 404),
    Reach("staff-report-page", "GET", "/tenants/{b}/reports/{period}", 404),
    Reach("staff-report", "POST", "/tenants/{b}/reports", 404, {"period": "{period}", "revenue": "1", "version": "1"}),
    Reach("staff-account-page", "GET", "/tenants/{b}/account", 404),
    Reach("staff-account", "POST", "/tenants/{b}/account", 404, {"username": "taken-over", "password": "taken-over-1"}),
    Reach("deadlines-of-b", "GET", "/deadlines?uscc={b}&within=7300", 404),
    Reach("calendar-of-b", "GET", "/deadlines/{b}/calendar.ics", 404),
    Reach("calendar-subscription-of-b", "POST", "/deadlines/{b}/subscription", 404, {}),
    Reach("renew-calendar-key-of-b", "POST", "/deadlines/{b}/subscription", 404, {"renew": "1"}),
    Reach("import-batch", "GET", "/imports/{batch}", 403),
    Reach("import-apply", "POST", "/imports/{batch}/apply", 403, {}),
    Reach("import-errors-workbook", "GET", "/imports/{batch}/errors.xlsx", 403),
    Reach("account-of-b", "GET", "/accounts/{account}", 403),
    Reach(
        "deactivate-account-of-b",
        "POST",
        "/accounts/{account}",
        403,
        {"what": "active", "active": "false", "version": "1"},
    ),
    Reach(
        "password-of-b",
        "POST",
        "/accounts/{account}",
        403,
        {"what": "password", "password": "taken-over-1", "version": "1"},
    ),
    Reach("audit-of-b", "GET", "/audit?uscc={b}", 403),
    # report rounds (SPEC §9): B's return in a round both are asked in
    Reach("return-of-b", "GET", "/rounds/{round}/returns/{b}", 404),
    Reach("save-return-of-b", "POST", "/rounds/{round}/returns/{b}", 404, {"revenue": "1", "action": "save"}),
    Reach("accept-return-of-b", "POST", "/rounds/{round}/returns/{b}/accept", 403, {}),
    Reach("excuse-return-of-b", "POST", "/rounds/{round}/returns/{b}/excuse", 403, {"reason": "停业"}),
    Reach("send-back-return-of-b", "POST", "/rounds/{round}/returns/{b}/return", 403, {"reason": "请核对"}),
    Reach("statistics-of-a-period", "GET", "/statistics/{period}", 403),
    Reach("pick-a-period", "GET", "/statistics?period={period}", 403),
    Reach("statistics-workbook-of-a-period", "GET", "/downloads/statistics/{period}?lang=zh", 403),
]
# What names a tenant or one of its records in an address: a route taking one needs a row above.
NAMING = {"uscc", "item_id", "batch_id", "username", "period"}


@dataclass
class World:
    a: dict
    b: dict
    values: dict[str, str]
    ghost: dict[str, str]
    secrets: tuple[str, ...]


@pytest.fixture
async def world() -> World:
    mark = uuid4().hex[:8]
    a = await make_tenant()
    b = await make_tenant(name=f"乙方页面机密{mark}", contact_email=f"ceo-{mark}@bee.example")
    item = await make_ip(b["uscc"], title=f"乙方页面专利{mark}")
    await make_report(b["uscc"], "2017H1", revenue="76543210.98")
    account = f"b-account-{mark}"
    await accounts.create_account(
        SYSTEM, {"username": account, "password": PASSWORD, "role": "tenant", "tenant_uscc": b["uscc"]}
    )
    batch = await run_import(
        SYSTEM,
        "b.csv",
        f"统一社会信用代码,企业名称,产业类别,状态\n{b['uscc']},乙方改名{mark},其他,在孵\n".encode(),
        dry_run=True,
    )
    round_id = await make_round(a["uscc"], b["uscc"])
    await returns.save_return(SYSTEM, round_id, b["uscc"], {"revenue": "76543210.98", "employees": 3})
    values = {
        "round": str(round_id),
        "b": b["uscc"],
        "b_lower": b["uscc"].lower(),
        "ip": str(item["id"]),
        "ip_number": item["number"],
        "period": "2017H1",
        "batch": str(batch.id),
        "account": account,
    }
    ghost_uscc = new_uscc()
    ghost = {
        "round": str(round_id),
        "b": ghost_uscc,
        "b_lower": ghost_uscc.lower(),
        "ip": NO_SUCH_ID,
        "ip_number": item["number"],
        "period": "2017Q4",
        "batch": NO_SUCH_ID,
        "account": f"no-such-{mark}",
    }
    secrets = (b["name"], b["contact_email"], item["number"], item["title"], "76543210.98", "76,543,210.98", account)
    return World(a, b, values, ghost, secrets)


async def _b_as_kept(world: World) -> list:
    """B's records as the registry holds them, and how long B's audit trail is."""
    b = world.b["uscc"]
    return [
        await tenants.get_tenant(SYSTEM, b),
        await ip_items.list_ip(SYSTEM, b, Page(500, 0)),
        await reports.list_reports(SYSTEM, b, Page(500, 0)),
        await accounts.get_account(SYSTEM, world.values["account"]),
        (await get_batch(SYSTEM, int(world.values["batch"]))).status,
        (await audit.list_entries(SYSTEM, None, b, 1, 0))["total"],
        await returns.get_return(SYSTEM, int(world.values["round"]), b),
    ]


async def _answer(client: httpx.AsyncClient, reach: Reach, values: dict[str, str]) -> tuple[int, str]:
    path = reach.path.format_map(values)
    if reach.method == "GET":
        response = await client.get(path)
    else:
        form = {k: v.format_map(values) for k, v in (reach.form or {}).items()}
        response = await client.post(path, data={"_csrf": client.csrf, **form})  # type: ignore[attr-defined]
    # The header's language switch repeats the address; what the page says is in <main>.
    return response.status_code, response.text.partition("<main")[2]


@pytest.mark.parametrize("reach", REACHES, ids=[r.id for r in REACHES])
async def test_a_tenant_reaches_nothing_of_another_tenant_through_a_page(reach, world, base_url):
    client = await portal_client(base_url, await make_account("tenant", world.a["uscc"]))
    try:
        before = await _b_as_kept(world)
        status, main = await _answer(client, reach, world.values)
        assert status == reach.status, main[:1000]
        leaked = [secret for secret in (*world.secrets, world.b["uscc"]) if secret in main]
        assert not leaked, f"{reach.id} shows {leaked}"
        assert await _b_as_kept(world) == before
        assert (status, main) == await _answer(client, reach, world.ghost), "B's page differs from a missing one"
    finally:
        await client.aclose()


def test_every_route_naming_a_record_has_a_row():
    """A page added later that takes a USCC, an id, an account or a period must be tried across tenants here."""
    app = create_app()
    rows = {route_of(app, reach.method, reach.path) for reach in REACHES}
    naming = {route for route, parameters in page_routes(app).items() if parameters & NAMING}
    assert len(naming) > 15
    missing = naming - rows
    assert missing == set(), f"routes naming a record without a row here: {sorted(missing)}"
