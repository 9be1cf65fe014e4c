"""Who may call what: every endpoint of the API against every role.

Each (endpoint, role) pair is its own test. A role allowed gets the status and sees in the body what it
asked for; a refused one gets 401/403 and the records stay as they were. A tenant works on its own
tenant here; reaching another tenant is test_isolation.py's business. Every route of the app must have
a row (test_every_route_has_a_row), so a new endpoint cannot go untested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import httpx
import pytest

from api.app import create_app
from importers import run_import
from registry.actor import SYSTEM
from registry.services import accounts, closed_years, deadlines, returns, round_close
from tests.api.factories import (
    api_routes,
    assert_problem,
    fill,
    fresh_patent_number,
    fresh_round_period,
    fresh_year,
    make_ip,
    make_report,
    make_round,
    make_tenant,
    new_uscc,
    reopen_if_closed,
    route_of,
)
from tests.server import PASSWORD

ROLES = ("admin", "manager", "statistician", "tenant", "anonymous")
EVERYONE = ("admin", "manager", "statistician", "tenant")
STAFF = ("admin", "manager", "statistician")
WRITERS = ("admin", "manager")
OWN_WRITERS = ("admin", "manager", "tenant")
ROUND_RUNNERS = ("admin", "statistician")  # registry.permissions: RUN_ROUNDS


@dataclass(frozen=True)
class Call:
    id: str
    method: str
    path: str
    status: int  # what an allowed role gets
    allowed: tuple[str, ...]
    shows: str  # what an allowed role finds in the answer ({placeholders} filled in); "" for an empty one
    body: dict | None = field(default=None)
    upload: str | None = None  # a file sent as multipart field `file` (CSV text)


XLSX = "PK\x03\x04"  # a workbook is a zip file
CSV_ROW = "统一社会信用代码,企业名称,产业类别,状态\n{new_uscc},角色测试导入,其他,在孵\n"
CALLS = [
    Call("me", "GET", "/me", 200, EVERYONE, '"role":"{role}"'),
    Call(
        "sign-in",
        "POST",
        "/auth/token",
        200,
        (*EVERYONE, "anonymous"),
        '"token_type":"bearer"',
        {"username": "{account}", "password": PASSWORD},
    ),
    Call("list-tenants", "GET", "/tenants?q={t}", 200, EVERYONE, '"uscc":"{t}"'),
    Call(
        "create-tenant",
        "POST",
        "/tenants",
        201,
        WRITERS,
        '"uscc":"{new_uscc}"',
        {"uscc": "{new_uscc}", "name": "角色测试新企业", "industry": "other", "status": "incubating"},
    ),
    Call("get-tenant", "GET", "/tenants/{t}", 200, EVERYONE, '"uscc":"{t}"'),
    Call(
        "patch-tenant",
        "PATCH",
        "/tenants/{t}",
        200,
        OWN_WRITERS,
        '"website":"https://roles.example"',
        {"website": "https://roles.example"},
    ),
    Call("delete-tenant", "DELETE", "/tenants/{spare}", 204, WRITERS, ""),
    Call("list-ip", "GET", "/tenants/{t}/ip", 200, EVERYONE, '"id":{ip},'),
    Call(
        "create-ip",
        "POST",
        "/tenants/{t}/ip",
        201,
        OWN_WRITERS,
        '"title":"角色测试专利"',
        {"kind": "invention", "number": "{new_number}", "title": "角色测试专利", "status": "pending"},
    ),
    Call("get-ip", "GET", "/ip/{ip}", 200, EVERYONE, '"id":{ip},'),
    Call("patch-ip", "PATCH", "/ip/{ip}", 200, OWN_WRITERS, '"title":"改名的专利"', {"title": "改名的专利"}),
    Call("delete-ip", "DELETE", "/ip/{ip}", 204, OWN_WRITERS, ""),
    Call("list-fees", "GET", "/ip/{ip}/fees", 200, EVERYONE, '"patent_year":4,'),
    Call(
        "record-fee",
        "PUT",
        "/ip/{ip}/fees/3",
        201,
        OWN_WRITERS,
        '"patent_year":3,',
        {"paid_on": "2020-02-20", "amount": "900.00"},
    ),
    Call("deadlines", "GET", "/deadlines", 200, EVERYONE, '"items":'),
    Call(
        "deadlines-of-a-tenant", "GET", "/deadlines?uscc={t}&within=7300&kind=invention", 200, EVERYONE, '"ip_id":{ip},'
    ),
    Call("deadline-feed", "GET", "/tenants/{t}/deadlines.ics", 200, EVERYONE, "BEGIN:VCALENDAR"),
    Call("calendar-subscription", "GET", "/tenants/{t}/deadlines/subscription", 200, OWN_WRITERS, '"uscc":"{t}"'),
    Call("renew-calendar-key", "POST", "/tenants/{t}/deadlines/subscription", 200, OWN_WRITERS, '"uscc":"{t}"'),
    Call("list-reports", "GET", "/tenants/{t}/reports", 200, EVERYONE, '"period":"{year}"'),
    Call("get-report", "GET", "/tenants/{t}/reports/{year}", 200, EVERYONE, '"period":"{year}"'),
    Call(
        "replace-report",
        "PUT",
        "/tenants/{t}/reports/{year}",
        200,
        OWN_WRITERS,
        '"revenue":"7.00"',
        {"revenue": "7.00"},
    ),
    Call(
        "create-report",
        "PUT",
        "/tenants/{t}/reports/{year}Q1",
        201,
        OWN_WRITERS,
        '"period":"{year}Q1"',
        {"revenue": "7.00"},
    ),
    Call("delete-report", "DELETE", "/tenants/{t}/reports/{year}", 204, OWN_WRITERS, ""),
    Call("list-closed-years", "GET", "/periods", 200, STAFF, "{closed_year}"),
    Call("close-year", "POST", "/periods/{year}/close", 200, ("admin", "statistician"), '"closed":true'),
    Call("reopen-year", "POST", "/periods/{closed_year}/reopen", 200, ("admin",), '"closed":false'),
    Call("list-users", "GET", "/users?role=tenant&limit=1", 200, WRITERS, '"role":"tenant"'),
    Call(
        "create-tenant-account",
        "POST",
        "/users",
        201,
        WRITERS,
        '"username":"{new_username}"',
        {"username": "{new_username}", "password": PASSWORD, "role": "tenant", "tenant_uscc": "{t}"},
    ),
    Call("get-account", "GET", "/users/{account}", 200, WRITERS, '"username":"{account}"'),
    Call("patch-account", "PATCH", "/users/{account}", 200, WRITERS, '"active":false', {"active": False}),
    Call("delete-account", "DELETE", "/users/{account}", 204, WRITERS, ""),
    Call("audit", "GET", "/audit?uscc={t}", 200, WRITERS, '"uscc":"{t}"'),
    Call("stats-of-a-year", "GET", "/stats/2016", 200, STAFF, '"period":"2016"'),
    Call("stats-of-a-quarter", "GET", "/stats/2017Q3", 200, STAFF, '"period":"2017Q3"'),
    Call("health", "GET", "/health", 200, (*EVERYONE, "anonymous"), '"status":"ok"'),
    Call("upload-import", "POST", "/imports?dry_run=true", 200, WRITERS, '"status":"dry_run"', upload=CSV_ROW),
    Call("list-imports", "GET", "/imports?status=dry_run", 200, WRITERS, '"status":"dry_run"'),
    Call("get-import", "GET", "/imports/{dry_run}", 200, WRITERS, '"id":{dry_run},'),
    Call("import-changes", "GET", "/imports/{dry_run}/changes?lang=en", 200, WRITERS, '"total":'),
    Call("import-errors-workbook", "GET", "/imports/{invalid}/errors.xlsx", 200, WRITERS, XLSX),
    Call("apply-import", "POST", "/imports/{dry_run}/apply", 201, WRITERS, '"status":"applied"'),
    Call("statistics-workbook", "GET", "/exports/statistics/2016.xlsx?lang=en", 200, STAFF, XLSX),
    Call("import-template", "GET", "/exports/template.xlsx", 200, EVERYONE, XLSX),
    Call("registry-dump", "GET", "/exports/registry.xlsx", 200, WRITERS, XLSX),
    Call("deadlines-workbook", "GET", "/exports/deadlines.xlsx?within=365", 200, STAFF, XLSX),
    Call("tenant-list-workbook", "GET", "/exports/tenants.xlsx?industry=other&sort=-name", 200, STAFF, XLSX),
    Call("remind-round", "POST", "/rounds/{round}/remind", 200, STAFF, '"reminded":1'),
    Call("list-rounds", "GET", "/rounds", 200, STAFF, '"items":'),
    Call(
        "open-round",
        "POST",
        "/rounds",
        201,
        ("admin", "statistician"),
        '"period":"{new_period}"',
        {"period": "{new_period}", "opens_on": "1901-01-02", "deadline": "1901-01-20"},
    ),
    Call("get-round", "GET", "/rounds/{round}", 200, STAFF, '"id":{round},'),
    Call(
        "change-round",
        "PATCH",
        "/rounds/{round}",
        200,
        ("admin", "statistician"),
        '"title":"角色测试轮次"',
        {"title": "角色测试轮次"},
    ),
    Call("list-returns", "GET", "/rounds/{round}/returns", 200, STAFF, '"uscc":"{t}"'),
    Call("add-to-round", "POST", "/rounds/{round}/returns", 201, WRITERS, '"uscc":"{spare}"', {"uscc": "{spare}"}),
    Call("accept-many", "POST", "/rounds/{round}/accept", 200, STAFF, '"accepted":["{filed}"]', {}),
    Call("get-return", "GET", "/rounds/{round}/returns/{t}", 200, (*STAFF, "tenant"), '"uscc":"{t}"'),
    Call(
        "save-return",
        "PUT",
        "/rounds/{round}/returns/{t}",
        200,
        OWN_WRITERS,
        '"state":"draft"',
        {"revenue": "7.00", "employees": 1},
    ),
    Call("submit-return", "POST", "/rounds/{round}/returns/{t}/submit", 200, OWN_WRITERS, '"state":"submitted"', {}),
    Call("accept-return", "POST", "/rounds/{round}/returns/{filed}/accept", 200, STAFF, '"state":"accepted"', {}),
    Call(
        "send-back-return",
        "POST",
        "/rounds/{round}/returns/{filed}/return",
        200,
        STAFF,
        '"state":"returned"',
        {"reason": "请核对"},
    ),
    Call(
        "excuse-from-round",
        "POST",
        "/rounds/{round}/returns/{t}/excuse",
        200,
        WRITERS,
        '"state":"excused"',
        {"reason": "停业"},
    ),
    Call("own-returns", "GET", "/me/returns", 200, ("tenant",), '"uscc":"{t}"'),
    Call("close-round", "POST", "/rounds/{round}/close", 200, ROUND_RUNNERS, '"state":"closed"'),
    Call("round-progress", "GET", "/rounds/{round}/progress", 200, STAFF, '"round":{round},'),
    Call("round-progress-workbook", "GET", "/rounds/{round}/progress.xlsx", 200, STAFF, XLSX),
    Call(
        "hand-in-signed-summary",
        "PUT",
        "/rounds/{closed_round}/signed",
        200,
        ROUND_RUNNERS,
        '"media_type":"application/pdf"',
        upload="%PDF-1.4 roles\n",
    ),
    Call("signed-summary", "GET", "/rounds/{closed_round}/signed", 200, STAFF, "%PDF-1.4 handed in"),
]


async def _round_stage(tenant: str) -> dict[str, str]:
    """A round asking `tenant` (its return saved) and another tenant (its return submitted); a closed
    round with its signed summary handed in."""
    filed = (await make_tenant())["uscc"]
    round_id = await make_round(tenant, filed)
    await returns.save_return(SYSTEM, round_id, tenant, {"revenue": "5.00", "employees": 1})
    await returns.save_return(SYSTEM, round_id, filed, {"revenue": "5.00", "employees": 1})
    await returns.submit_return(SYSTEM, round_id, filed)
    closed_round = await make_round()
    await round_close.close_round(SYSTEM, closed_round)
    await round_close.hand_in_signed(SYSTEM, closed_round, "signed.pdf", b"%PDF-1.4 handed in")
    return {
        "round": str(round_id),
        "closed_round": str(closed_round),
        "filed": filed,
        "new_period": fresh_round_period(),
    }


@pytest.fixture
async def stage(request):
    """A tenant with an IP item, a report and an account; a spare empty tenant; an open and a closed year;
    for the calls on report rounds, a round asking the tenant."""
    tenant, spare = await make_tenant(), await make_tenant()
    year, closed_year = fresh_year(), fresh_year()
    item = await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], str(year))
    await deadlines.record_fee(SYSTEM, item["id"], 4, {"paid_on": "2021-02-20", "amount": "1200.00"})
    account = f"roles-account-{uuid4().hex[:8]}"
    await accounts.create_account(
        SYSTEM, {"username": account, "password": PASSWORD, "role": "tenant", "tenant_uscc": tenant["uscc"]}
    )
    await closed_years.close_year(SYSTEM, closed_year)
    dry_run = await run_import(
        SYSTEM,
        "roles.csv",
        f"统一社会信用代码,企业名称,产业类别,状态\n{new_uscc()},角色测试导入,其他,在孵\n".encode(),
        dry_run=True,
    )
    invalid = await run_import(
        SYSTEM, "roles.csv", "统一社会信用代码,企业名称,产业类别,状态\n1,,矿业,在孵\n".encode(), dry_run=True
    )
    yield {
        "t": tenant["uscc"],
        "dry_run": str(dry_run.id),
        "invalid": str(invalid.id),
        "spare": spare["uscc"],
        "ip": str(item["id"]),
        "year": str(year),
        "closed_year": str(closed_year),
        "account": account,
        "new_uscc": new_uscc(),
        "new_number": fresh_patent_number(),
        "new_username": f"roles-new-{uuid4().hex[:8]}",
    } | (
        await _round_stage(tenant["uscc"])
        if "round" in (path := request.node.callspec.params["call"].path) or "returns" in path
        else {}
    )
    await reopen_if_closed(year)
    await reopen_if_closed(closed_year)


async def _client(role: str, as_role, anonymous, tenant_uscc: str) -> httpx.AsyncClient:
    if role == "anonymous":
        return anonymous
    return await as_role(role, tenant_uscc if role == "tenant" else None)


async def _records(manager: httpx.AsyncClient, values: dict[str, str]) -> list[tuple[int, str]]:
    paths = [
        "/tenants/{t}",
        "/tenants/{spare}",
        "/tenants/{t}/ip",
        "/ip/{ip}/fees",
        "/tenants/{t}/reports",
        "/users/{account}",
        "/periods",
        "/users?limit=500",
        "/imports/{dry_run}",
    ]
    return [((r := await manager.get(fill(p, values))).status_code, r.text) for p in paths]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
async def test_role_may_or_may_not_call_the_endpoint(call, role, stage, as_role, anonymous, manager):
    client = await _client(role, as_role, anonymous, stage["t"])
    values = stage | {"role": role}
    before = await _records(manager, stage)

    files = {"file": ("roles.csv", fill(call.upload, values).encode())} if call.upload else None
    # The registry dump is written by a low-priority worker: on a busy machine it takes its time.
    response = await client.request(
        call.method, fill(call.path, values), json=fill(call.body, values), files=files, timeout=120
    )

    if role in call.allowed:
        assert response.status_code == call.status, response.text
        shows = fill(call.shows, values).encode()
        assert shows in response.content if shows else response.content == b"", response.content[:2000]
        return
    assert_problem(response, 401 if role == "anonymous" else 403)
    assert await _records(manager, stage) == before


def test_every_route_has_a_row():
    """A route added to the app without a row here fails: who may call it is then untested."""
    app = create_app()
    rows = {route_of(app, call.method, call.path) for call in CALLS}
    assert set(api_routes(app)) - rows == set()
