"""Tenant isolation: tenant A's token against every endpoint that reaches tenant B's data (every route
taking a tenant's USCC or a record's id must have a row: test_every_route_naming_a_tenant_has_a_row).

Each row of the table is its own test. For each, A gets 403 or 404 (or, for lists, only itself),
the answer holds none of B's data, it is the same answer A gets for a tenant or item that does not
exist (so it does not even tell B exists), and a manager sees B's records byte for byte as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

import httpx
import pytest

from api.app import create_app
from importers import run_import
from registry.actor import SYSTEM
from registry.services import returns
from tests.api.factories import (
    api_routes,
    assert_problem,
    fill,
    fresh_patent_number,
    make_ip,
    make_report,
    make_round,
    make_tenant,
    new_uscc,
    route_of,
)
from tests.server import PASSWORD

DENIED = frozenset({403, 404})


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    path: str
    body: dict | None = None
    expect: frozenset[int] = DENIED


ENDPOINTS = [
    Endpoint("get-tenant", "GET", "/tenants/{b}"),
    Endpoint("patch-tenant-self-service-field", "PATCH", "/tenants/{b}", {"website": "https://taken-over.example"}),
    Endpoint("patch-tenant-manager-field", "PATCH", "/tenants/{b}", {"name": "被篡改的企业"}),
    Endpoint("delete-tenant", "DELETE", "/tenants/{b}"),
    Endpoint("list-ip", "GET", "/tenants/{b}/ip"),
    Endpoint("list-ip-filtered", "GET", "/tenants/{b}/ip?kind=invention&status=valid&expiring_before=2099-01-01"),
    Endpoint(
        "create-ip",
        "POST",
        "/tenants/{b}/ip",
        {"kind": "invention", "number": "{new_number}", "title": "塞给乙方的专利", "status": "pending"},
    ),
    Endpoint("get-ip", "GET", "/ip/{ip}"),
    Endpoint("patch-ip", "PATCH", "/ip/{ip}", {"title": "被改掉的标题"}),
    Endpoint("patch-ip-status", "PATCH", "/ip/{ip}", {"status": "withdrawn"}),
    Endpoint("delete-ip", "DELETE", "/ip/{ip}"),
    Endpoint("list-fees", "GET", "/ip/{ip}/fees"),
    Endpoint("record-fee", "PUT", "/ip/{ip}/fees/3", {"paid_on": "2020-02-20", "amount": "900.00"}),
    Endpoint("deadlines-of-b", "GET", "/deadlines?uscc={b}&within=3650"),
    Endpoint("deadline-feed-of-b", "GET", "/tenants/{b}/deadlines.ics"),
    Endpoint(
        "deadline-feed-of-b-with-a-guessed-key",
        "GET",
        "/tenants/{b}/deadlines.ics?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    Endpoint("calendar-subscription-of-b", "GET", "/tenants/{b}/deadlines/subscription"),
    Endpoint("renew-calendar-key-of-b", "POST", "/tenants/{b}/deadlines/subscription"),
    Endpoint("deadlines", "GET", "/deadlines?within=7300&limit=500", expect=frozenset({200})),
    Endpoint("list-reports", "GET", "/tenants/{b}/reports"),
    Endpoint("list-reports-of-a-year", "GET", "/tenants/{b}/reports?year=2016"),
    Endpoint("get-report", "GET", "/tenants/{b}/reports/2016"),
    Endpoint("get-missing-report", "GET", "/tenants/{b}/reports/2017Q2"),
    Endpoint("put-report", "PUT", "/tenants/{b}/reports/2016", {"revenue": "1.00", "employees": 1}),
    Endpoint("put-new-report", "PUT", "/tenants/{b}/reports/2017Q2", {"revenue": "1.00"}),
    Endpoint("delete-report", "DELETE", "/tenants/{b}/reports/2016"),
    Endpoint("list-tenants", "GET", "/tenants?limit=500", expect=frozenset({200})),
    Endpoint("search-tenants-by-name", "GET", "/tenants?q={b_name}", expect=frozenset({200})),
    Endpoint("search-tenants-by-uscc", "GET", "/tenants?q={b}", expect=frozenset({200})),
    Endpoint("filter-tenants-by-industry", "GET", "/tenants?industry=new_energy", expect=frozenset({200})),
    Endpoint("audit", "GET", "/audit"),
    Endpoint("audit-of-b", "GET", "/audit?uscc={b}"),
    Endpoint("users", "GET", "/users"),
    Endpoint(
        "create-account-for-b",
        "POST",
        "/users",
        {"username": "{new_username}", "password": PASSWORD, "role": "tenant", "tenant_uscc": "{b}"},
    ),
    Endpoint("move-own-account-to-b", "PATCH", "/users/{me}", {"tenant_uscc": "{b}"}),
    Endpoint("stats", "GET", "/stats/2016"),
    Endpoint("stats-of-a-half", "GET", "/stats/2017H1"),
    Endpoint("import-history", "GET", "/imports"),
    Endpoint("apply-a-dry-run-of-b", "POST", "/imports/{batch}/apply"),
    Endpoint("import-of-b", "GET", "/imports/{batch}"),
    Endpoint("changes-of-import-of-b", "GET", "/imports/{batch}/changes"),
    Endpoint("errors-workbook-of-b", "GET", "/imports/{batch}/errors.xlsx"),
    Endpoint("return-of-b", "GET", "/rounds/{round}/returns/{b}"),
    Endpoint("save-return-of-b", "PUT", "/rounds/{round}/returns/{b}", {"revenue": "1.00", "employees": 1}),
    Endpoint("submit-return-of-b", "POST", "/rounds/{round}/returns/{b}/submit", {}),
    Endpoint("accept-return-of-b", "POST", "/rounds/{round}/returns/{b}/accept", {}),
    Endpoint("send-back-return-of-b", "POST", "/rounds/{round}/returns/{b}/return", {"reason": "x"}),
    Endpoint("excuse-b", "POST", "/rounds/{round}/returns/{b}/excuse", {"reason": "x"}),
    Endpoint("add-b-to-a-round", "POST", "/rounds/{round}/returns", {"uscc": "{b}"}),
    Endpoint("returns-of-a-round", "GET", "/rounds/{round}/returns"),
    Endpoint("own-returns", "GET", "/me/returns", expect=frozenset({200})),
]
# Parameters that name a tenant or one of its records: a route taking one needs a row above.
TENANT_KEYS = {"uscc", "item_id", "batch_id"}


@dataclass
class World:
    a: dict
    b: dict
    b_ip: dict
    client: httpx.AsyncClient
    secrets: tuple[str, ...]
    batch: int  # a dry run that would change B
    round: int  # a report round asking A and B (B with a saved draft)

    def values(self, b: str, ip: int) -> dict[str, str]:
        batch = self.batch if b == self.b["uscc"] else 10**9
        return {
            "b": b,
            "round": str(self.round),
            "ip": str(ip),
            "batch": str(batch),
            "b_name": self.b["name"],
            "me": self.client.username,
            "new_number": fresh_patent_number(),
            "new_username": f"stolen-{uuid4().hex[:8]}",
        }


@pytest.fixture
async def world(as_role) -> World:
    """A signed in as a tenant; B, in the same industry, with contact details, an IP item and reports."""
    mark = uuid4().hex[:8]
    a = await make_tenant(industry="new_energy")
    b = await make_tenant(
        name=f"乙方机密企业{mark}",
        name_en=f"Secret Bee {mark}",
        industry="new_energy",
        contact_email=f"ceo-{mark}@bee.example",
        description=f"乙方简介{mark}",
    )
    b_ip = await make_ip(b["uscc"], title=f"乙方机密专利{mark}")
    await make_report(b["uscc"], "2016", revenue="98765432.10", rd_expense="1234567.89", employees=4321)
    await make_report(b["uscc"], "2017H1", revenue="55544433.21")
    secrets = (
        b["uscc"],
        b["name"],
        b["name_en"],
        b["contact_email"],
        b["description"],
        b_ip["number"],
        b_ip["title"],
        "98765432.10",
        "1234567.89",
        "4321",
        "55544433.21",
        mark,
    )
    dry_run = await run_import(
        SYSTEM,
        "b.csv",
        f"统一社会信用代码,企业名称,产业类别,状态\n{b['uscc']},乙方改名{mark},新能源,在孵\n".encode(),
        dry_run=True,
    )
    round_id = await make_round(a["uscc"], b["uscc"])
    await returns.save_return(SYSTEM, round_id, b["uscc"], {"revenue": "98765432.10", "employees": 4321})
    return World(a, b, b_ip, await as_role("tenant", a["uscc"]), secrets, dry_run.id, round_id)


async def _snapshot(manager: httpx.AsyncClient, world: World) -> list[tuple[str, int, str | None, str]]:
    """B as a manager sees it: every record, its ETag, and how long its audit trail is."""
    b, ip = world.b["uscc"], world.b_ip["id"]
    paths = [
        f"/tenants/{b}",
        f"/tenants/{b}/ip",
        f"/ip/{ip}",
        f"/ip/{ip}/fees",
        f"/deadlines?uscc={b}&within=7300",
        f"/tenants/{b}/reports",
        f"/tenants/{b}/reports/2016",
        f"/tenants/{b}/reports/2017H1",
        f"/tenants/{b}/reports/2017Q2",
        f"/audit?uscc={b}&limit=1",
        "/users?limit=500",
        f"/imports/{world.batch}",
        f"/rounds/{world.round}/returns/{b}",
    ]
    shots = []
    for path in paths:
        response = await manager.get(path)
        shots.append((path, response.status_code, response.headers.get("ETag"), response.text))
    return shots


async def _call(client: httpx.AsyncClient, endpoint: Endpoint, values: dict[str, str]) -> httpx.Response:
    body = fill(endpoint.body, values)
    return await client.request(endpoint.method, fill(endpoint.path, values), json=body)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.id for e in ENDPOINTS])
async def test_tenant_cannot_reach_another_tenants_data(world, manager, endpoint):
    before = await _snapshot(manager, world)
    values = world.values(world.b["uscc"], world.b_ip["id"])

    response = await _call(world.client, endpoint, values)

    assert response.status_code in endpoint.expect, response.text
    if response.status_code != 200:
        assert_problem(response, response.status_code)
    leaked = [secret for secret in world.secrets if secret in response.text]
    assert not leaked, f"{endpoint.id} leaks {leaked}: {response.text}"
    if response.status_code == 200:
        listed = response.json()["items"]
        assert [t["uscc"] for t in listed] in ([], [world.a["uscc"]])
    assert await _snapshot(manager, world) == before


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.expect == DENIED], ids=[e.id for e in ENDPOINTS if e.expect == DENIED]
)
async def test_refusal_does_not_tell_whether_the_other_tenant_exists(world, endpoint):
    values = world.values(world.b["uscc"], world.b_ip["id"])
    ghost = world.values(new_uscc(), 10**9) | {
        "new_number": values["new_number"],
        "new_username": values["new_username"],
    }
    real = await _call(world.client, endpoint, values)
    absent = await _call(world.client, endpoint, ghost)
    assert (real.status_code, real.json()) == (absent.status_code, absent.json())


async def test_a_number_held_by_another_tenant_is_refused_without_naming_it(world, manager):
    item = {"kind": "invention", "number": world.b_ip["number"], "title": "撞号", "status": "pending"}
    response = await world.client.post(f"/tenants/{world.a['uscc']}/ip", json=item)
    assert_problem(response, 409)
    leaked = [s for s in world.secrets if s in response.text and s != world.b_ip["number"]]
    assert not leaked, response.text


async def test_moving_own_item_onto_another_tenants_number_is_refused(world, manager):
    own = await make_ip(world.a["uscc"])
    response = await world.client.patch(f"/ip/{own['id']}", json={"number": world.b_ip["number"]})
    assert_problem(response, 409)
    assert (await manager.get(f"/ip/{world.b_ip['id']}")).json()["uscc"] == world.b["uscc"]
    assert (await manager.get(f"/ip/{own['id']}")).json()["number"] == own["number"]


async def test_tenant_still_reaches_its_own_data(world):
    a = world.a["uscc"]
    own = await make_ip(a)
    await make_report(a, "2016")
    for path in (
        f"/tenants/{a}",
        f"/tenants/{a}/ip",
        f"/ip/{own['id']}",
        f"/tenants/{a}/reports",
        f"/tenants/{a}/reports/2016",
    ):
        assert (await world.client.get(path)).status_code == 200, path


def test_every_route_naming_a_tenant_has_a_row():
    """A route added later that takes a USCC or a record's id must be tried across tenants here."""
    app = create_app()
    rows = {route_of(app, endpoint.method, endpoint.path) for endpoint in ENDPOINTS}
    naming = {route for route, parameters in api_routes(app).items() if parameters & TENANT_KEYS}
    assert len(naming) > 15
    assert naming - rows == set()
