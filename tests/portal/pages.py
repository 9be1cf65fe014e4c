"""Every route the app serves outside the API (`/api/v1`: tests/api/test_roles.py): the portal's pages and
forms, its static files and the API docs pages, with who may use each and what they get.

test_page_roles.py calls each row as every role; test_every_route_has_a_row there fails when a route of the
app has none. test_install.py opens every GET row as every role on the installed wheel.

Placeholders: {t} the signed-in tenant's own company (a staff role works on it too), {ip} its IP item,
{period} a period it reported, {year} an open year, {closed_year} a closed one, {batch} a dry run, {invalid}
a batch with errors, {account} a tenant account of {t}; {new_*} fresh values for forms that create.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

import httpx
from litestar import Litestar

from importers import run_import
from registry.actor import SYSTEM
from registry.services import accounts, closed_years, returns, round_close
from registry.vocabulary import IP_FIELDS, TENANT_FIELDS
from tests.api.factories import (
    app_routes,
    fresh_patent_number,
    fresh_year,
    make_ip,
    make_report,
    make_round,
    reopen_if_closed,
)
from tests.api.factories import route_of as api_route_of
from tests.conftest import make_tenant, new_uscc
from tests.server import PASSWORD

ROLES = ("admin", "manager", "statistician", "tenant", "anonymous")
EVERYONE = ("admin", "manager", "statistician", "tenant")
STAFF = ("admin", "manager", "statistician")
WRITERS = ("admin", "manager")
TENANT = ("tenant",)
PUBLIC = (*EVERYONE, "anonymous")
SIGN_IN = "sign-in"  # the answer of a signed-out visitor at a page: sent to /login


@dataclass(frozen=True)
class Row:
    id: str
    method: str
    path: str
    allowed: tuple[str, ...]  # the roles that get `status`; the others get 403 unless `otherwise` says
    status: int = 200
    form: Callable[[dict[str, str]], dict[str, str]] | None = None  # the posted fields, from the stage's values
    upload: str | None = None  # a CSV file posted as `file`
    otherwise: dict[str, int | str] = field(default_factory=dict)  # role: status, or the address it is sent to
    shows: str = ""  # what an allowed role finds in the answer ({placeholders} filled in)

    def answer(self, role: str) -> int | str:
        """What `role` gets: a status, or (a 303) the address it is sent to."""
        if role in self.allowed:
            return self.status
        if role in self.otherwise:
            return self.otherwise[role]
        return SIGN_IN if role == "anonymous" else 403


def _tenant_form(values: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("tenant."): v for k, v in values.items() if k.startswith("tenant.")}


def _ip_form(values: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("ip."): v for k, v in values.items() if k.startswith("ip.")}


CSV = "统一社会信用代码,企业名称,产业类别,状态\n{new_uscc},页面角色测试导入,其他,在孵\n"
OWN_COMPANY = {"tenant": "/me"}
# The fee of the staged patent's year of grant (filed 2018-03-01, granted 2019-05-01: patent year 2).
PAID_FEE = {"patent_year": "2", "paid_on": "2019-05-01", "amount": "900"}
ROWS = [
    # signing in and out
    Row("login-page", "GET", "/login", ("anonymous",), otherwise={r: "/" for r in EVERYONE}),
    Row("login", "POST", "/login", PUBLIC, 303, lambda v: {"username": v["account"], "password": PASSWORD}),
    Row("logout-page", "GET", "/logout", PUBLIC),
    Row("logout", "POST", "/logout", PUBLIC, 303),
    Row("home", "GET", "/", STAFF, otherwise=OWN_COMPANY),
    Row("own-password-page", "GET", "/account", EVERYONE),
    Row(
        "change-own-password",
        "POST",
        "/account",
        EVERYONE,
        303,
        lambda v: {
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "repeat_password": "a-new-password-1",
        },
    ),
    # tenants
    Row("tenants", "GET", "/tenants?q={t}", STAFF, shows="{t}"),
    Row("tenant", "GET", "/tenants/{t}", STAFF, shows="{t}", otherwise=OWN_COMPANY),
    Row("tenant-edit-page", "GET", "/tenants/{t}/edit", WRITERS, otherwise={"tenant": "/me/edit"}),
    Row(
        "tenant-edit",
        "POST",
        "/tenants/{t}/edit",
        WRITERS,
        303,
        lambda v: _tenant_form(v) | {"website": "https://page-roles.example", "version": v["t_version"]},
    ),
    Row("tenant-register-page", "GET", "/tenants/new", WRITERS),
    Row(
        "tenant-register",
        "POST",
        "/tenants/new",
        WRITERS,
        303,
        lambda v: {"uscc": v["new_uscc"], "name": "页面登记的企业", "industry": "other", "status": "incubating"},
    ),
    Row("tenants-workbook", "GET", "/tenants/workbook.xlsx?q={t}", STAFF, shows="PK\x03\x04"),
    Row("tenant-ip-new-page", "GET", "/tenants/{t}/ip/new", WRITERS),
    Row(
        "tenant-ip-new",
        "POST",
        "/tenants/{t}/ip/new",
        WRITERS,
        303,
        lambda v: {"kind": "invention", "number": v["new_number"], "title": "管理员登记专利", "status": "pending"},
    ),
    Row("tenant-ip-page", "GET", "/tenants/{t}/ip/{ip}", WRITERS, shows="{ip_number}"),
    Row(
        "tenant-ip-edit",
        "POST",
        "/tenants/{t}/ip/{ip}",
        WRITERS,
        303,
        lambda v: _ip_form(v) | {"title": "管理员改名的专利", "version": v["ip_version"]},
    ),
    Row(
        "tenant-ip-delete", "POST", "/tenants/{t}/ip/{ip}/delete", WRITERS, 303, lambda v: {"version": v["ip_version"]}
    ),
    Row("tenant-ip-fee", "POST", "/tenants/{t}/ip/{ip}/fees", WRITERS, 303, lambda v: dict(PAID_FEE)),
    Row("tenant-report-new-page", "GET", "/tenants/{t}/reports/new", WRITERS),
    Row("tenant-report-page", "GET", "/tenants/{t}/reports/{period}", WRITERS, shows="{period_label}"),
    Row(
        "tenant-report",
        "POST",
        "/tenants/{t}/reports",
        WRITERS,
        303,
        lambda v: {"period": f"{v['year']}Q3", "unit": "元", "revenue": "1500"},
    ),
    Row("tenant-account-page", "GET", "/tenants/{t}/account", WRITERS, shows="{t}"),
    Row(
        "tenant-account",
        "POST",
        "/tenants/{t}/account",
        WRITERS,
        303,
        lambda v: {"username": v["new_username"], "password": PASSWORD},
    ),
    # a tenant's own pages
    Row("me", "GET", "/me", TENANT, shows="{t}"),
    Row("me-edit-page", "GET", "/me/edit", TENANT),
    Row(
        "me-edit",
        "POST",
        "/me/edit",
        TENANT,
        303,
        lambda v: {"contact_name": "页面角色", "website": "https://me.example", "version": v["t_version"]},
    ),
    Row("me-ip-new-page", "GET", "/me/ip/new", TENANT),
    Row(
        "me-ip-new",
        "POST",
        "/me/ip/new",
        TENANT,
        303,
        lambda v: {"kind": "invention", "number": v["new_number"], "title": "页面角色专利", "status": "pending"},
    ),
    Row("me-ip-page", "GET", "/me/ip/{ip}", TENANT, shows="{ip_number}"),
    Row(
        "me-ip-edit",
        "POST",
        "/me/ip/{ip}",
        TENANT,
        303,
        lambda v: _ip_form(v) | {"title": "改名的页面专利", "version": v["ip_version"]},
    ),
    Row("me-ip-delete", "POST", "/me/ip/{ip}/delete", TENANT, 303, lambda v: {"version": v["ip_version"]}),
    Row("me-ip-fee", "POST", "/me/ip/{ip}/fees", TENANT, 303, lambda v: dict(PAID_FEE)),
    Row("me-report-new-page", "GET", "/me/reports/new?unit=万元", TENANT),
    Row("me-report-page", "GET", "/me/reports/{period}", TENANT, shows="{period}"),
    Row(
        "me-report",
        "POST",
        "/me/reports",
        TENANT,
        303,
        lambda v: {"period": f"{v['year']}Q2", "unit": "万元", "revenue": "1.5"},
    ),
    # report rounds (SPEC §9)
    Row("my-returns", "GET", "/returns", TENANT, shows="{round_title}"),
    Row("rounds", "GET", "/rounds", STAFF),
    Row("round", "GET", "/rounds/{round}", STAFF, shows="{round_title}"),
    Row("round-accept-many", "POST", "/rounds/{round}/accept", STAFF, 303),
    Row("return-page", "GET", "/rounds/{round}/returns/{t}?unit=万元", (*STAFF, "tenant"), shows="{round_title}"),
    Row(
        "return-save",
        "POST",
        "/rounds/{round}/returns/{t}",
        ("admin", "manager", "tenant"),
        303,
        lambda v: {"unit": "千元", "revenue": "3", "employees": "2", "action": "save", "version": v["round_version"]},
    ),
    Row("return-accept", "POST", "/rounds/{round}/returns/{filed}/accept", STAFF, 303),
    Row(
        "return-send-back", "POST", "/rounds/{round}/returns/{filed}/return", STAFF, 303, lambda v: {"reason": "请核对"}
    ),
    Row("return-excuse", "POST", "/rounds/{round}/returns/{t}/excuse", WRITERS, 303, lambda v: {"reason": "停业"}),
    # imports
    Row("imports", "GET", "/imports", WRITERS),
    Row("upload", "POST", "/imports", WRITERS, 303, upload=CSV),
    Row("import-batch", "GET", "/imports/{batch}", WRITERS),
    Row("import-apply", "POST", "/imports/{batch}/apply", WRITERS, 303),
    Row("import-errors-workbook", "GET", "/imports/{invalid}/errors.xlsx", WRITERS, shows="PK\x03\x04"),
    # statistics and downloads
    Row("statistics", "GET", "/statistics", STAFF),
    Row("statistics-of-a-period", "GET", "/statistics/{period}", STAFF),
    Row("statistics-of-a-half", "GET", "/statistics/2017H1", STAFF),
    Row("statistics-census", "GET", "/statistics/2017Q3?as_of=2017-08-31&page=2", STAFF, shows="2017年第三季度"),
    Row("pick-a-period", "GET", "/statistics?period=2017年第三季度", STAFF, 303),
    Row("close-year-page", "GET", "/statistics/{year}/close", ("admin", "statistician")),
    Row("close-year", "POST", "/statistics/{year}/close", ("admin", "statistician"), 303),
    Row("reopen-year-page", "GET", "/statistics/{closed_year}/reopen", ("admin",)),
    Row("reopen-year", "POST", "/statistics/{closed_year}/reopen", ("admin",), 303),
    Row("statistics-workbook", "GET", "/downloads/statistics/2016?lang=en", STAFF, shows="PK\x03\x04"),
    Row(
        "statistics-workbook-of-a-quarter",
        "GET",
        "/downloads/statistics/2017Q3?lang=zh&as_of=2017-08-31",
        STAFF,
        shows="PK\x03\x04",
    ),
    Row("import-template", "GET", "/downloads/template?lang=zh", EVERYONE, shows="PK\x03\x04"),
    Row("registry-dump", "GET", "/downloads/registry", WRITERS, shows="PK\x03\x04"),
    # deadlines
    Row("deadlines", "GET", "/deadlines?within=365", EVERYONE),
    Row("deadlines-of-a-tenant", "GET", "/deadlines?uscc={t}&within=7300", EVERYONE, shows="{ip_number}"),
    Row("deadline-calendar", "GET", "/deadlines/{t}/calendar.ics", EVERYONE, shows="BEGIN:VCALENDAR"),
    Row(
        "calendar-subscription",
        "POST",
        "/deadlines/{t}/subscription",
        ("admin", "manager", "tenant"),
        shows="/api/v1/tenants/{t}/deadlines.ics?key=",
    ),
    Row("deadlines-workbook", "GET", "/deadlines/workbook.xlsx?within=30", STAFF, shows="PK\x03\x04"),
    # accounts and audit
    Row("accounts", "GET", "/accounts", WRITERS),
    Row(
        "create-account",
        "POST",
        "/accounts",
        WRITERS,
        303,
        lambda v: {"username": v["new_username"], "role": "tenant", "tenant_uscc": v["t"], "password": PASSWORD},
    ),
    Row("account", "GET", "/accounts/{account}", WRITERS, shows="{account}"),
    Row(
        "change-account",
        "POST",
        "/accounts/{account}",
        WRITERS,
        303,
        lambda v: {"what": "active", "active": "false", "version": v["account_version"]},
    ),
    Row("audit", "GET", "/audit?uscc={t}", WRITERS),
    Row("round-close-confirm", "GET", "/rounds/{round}/close", ("admin", "statistician"), shows="确认关闭轮次"),
    Row("close-round", "POST", "/rounds/{round}/close", ("admin", "statistician"), 303),  # RUN_ROUNDS
    Row("round-add-tenant", "POST", "/rounds/{round}/returns", WRITERS, 303, lambda v: {"uscc": v["unasked"]}),
    Row("round-progress", "GET", "/rounds/{round}/progress", STAFF, shows="报送进度"),
    Row("round-progress-workbook", "GET", "/rounds/{round}/progress.xlsx", STAFF, shows="PK"),
    Row("round-summary", "GET", "/rounds/{closed_round}/summary", STAFF, shows="负责人签字"),
    Row(
        "hand-in-signed-summary",
        "POST",
        "/rounds/{closed_round}/signed",
        ("admin", "statistician"),  # registry.permissions: RUN_ROUNDS
        status=303,
        upload="%PDF-1.4 page roles\n",
    ),
    Row("signed-summary-scan", "GET", "/rounds/{closed_round}/signed", STAFF, shows="%PDF-1.4 handed in"),
    # files and the API docs pages: anyone, signed in or not
    Row("stylesheet", "GET", "/static/park.css", PUBLIC),
    Row("htmx", "GET", "/static/htmx-2.0.11.min.js", PUBLIC),
    Row("docs", "GET", "/schema", PUBLIC),
    Row("docs-scalar", "GET", "/schema/scalar", PUBLIC),
    Row("docs-swagger", "GET", "/schema/swagger", PUBLIC),
    Row("openapi-document", "GET", "/schema/openapi.json", PUBLIC, shows='"openapi"'),
    Row("docs-stylesheet", "GET", "/schema/static/docs.css", PUBLIC),
    Row("docs-swagger-script", "GET", "/schema/static/swagger-ui/swagger-ui-bundle.js", PUBLIC),
    Row("docs-scalar-script", "GET", "/schema/static/scalar/standalone.js", PUBLIC),
    Row("no-such-docs-page", "GET", "/schema/no-such-page", (), otherwise={r: 404 for r in PUBLIC}),
    # Prometheus metrics: anyone from the loopback address, as these tests ask; from elsewhere admins only
    # (tests/api/test_metrics.py)
    Row("metrics", "GET", "/metrics", PUBLIC, shows="park_requests_total"),
]


def fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)


def page_routes(app: Litestar) -> dict[tuple[str, str], set[str]]:
    """Every (method, path template) the app answers outside the API, with its handler's parameter names."""
    return app_routes(app, api=False)


def route_of(app: Litestar, method: str, path: str) -> tuple[str, str]:
    """The (method, path template) a row calls, its placeholders filled with anything."""
    return api_route_of(app, method, path, prefix="")


_CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


async def portal_client(base_url: str, username: str | None, password: str = PASSWORD) -> httpx.AsyncClient:
    """A browser without a browser: signed in through the sign-in form as `username` (None: signed out,
    with the sign-in page's session), its CSRF token in `.csrf`. Redirects are not followed."""
    # The downloads write whole workbooks in a worker process: on a loaded machine that outlasts httpx's 5 s.
    client = httpx.AsyncClient(base_url=base_url, timeout=120)
    csrf = _CSRF.search((await client.get("/login")).text)[1]
    if username is not None:
        response = await client.post("/login", data={"_csrf": csrf, "username": username, "password": password})
        assert response.status_code == 303, response.text
        csrf = _CSRF.search((await client.get("/account")).text)[1]
    client.csrf = csrf  # type: ignore[attr-defined]
    return client


def form_of(row: Row, values: dict[str, str]) -> dict[str, str]:
    return row.form(values) if row.form else {}


async def call(
    client: httpx.AsyncClient, row: Row, values: dict[str, str], form: dict[str, str] | None = None
) -> httpx.Response:
    """The row's request as a browser sends it: its form (or `form`) with the session's CSRF token."""
    path = fill(row.path, values)
    if row.method == "GET":
        return await client.get(path)
    form = {"_csrf": client.csrf, **(form_of(row, values) if form is None else form)}  # type: ignore[attr-defined]
    files = {"file": ("roles.csv", fill(row.upload, values).encode(), "text/csv")} if row.upload else None
    return await client.request(row.method, path, data=form, files=files)


def check_answer(row: Row, role: str, response: httpx.Response, values: dict[str, str]) -> None:
    """`response` is what `role` gets from `row` (ROWS): never a 5xx; a page renders, not an error page."""
    expected = row.answer(role)
    assert response.status_code < 500, (row.id, role, response.text[:2000])
    if expected == SIGN_IN:
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), (row.id, role)
    elif isinstance(expected, str):
        assert (response.status_code, response.headers.get("location")) == (303, expected), (row.id, role)
    else:
        assert response.status_code == expected, (row.id, role, response.text[:2000])
    if expected == 403:
        assert "无权操作" in response.text or "Not allowed" in response.text, (row.id, role, response.text[:2000])
    if role in row.allowed and row.shows:
        assert fill(row.shows, values).encode() in response.content, (row.id, role, response.text[:2000])


def _shown(value) -> str:
    return "" if value is None else str(value)


_YEARS: list[int] = []


def _years() -> tuple[int, int]:
    """An open and a closed year nobody reports for, the same two for every test of the session (each test
    sets them again): fresh ones for each of hundreds of tests would run past the years the registry takes."""
    if not _YEARS:
        _YEARS.extend((fresh_year(), fresh_year()))
    return _YEARS[0], _YEARS[1]


async def stage_values() -> dict[str, str]:
    """The placeholders of ROWS, made through the registry services: a tenant with an IP item, a 2016 report
    and an account; an open and a closed year; a dry run and a batch with errors (the fixture `page_stage`)."""
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    await make_report(tenant["uscc"], "2016")
    year, closed_year = _years()
    await reopen_if_closed(year)
    if closed_year not in await closed_years.closed_years():
        await closed_years.close_year(SYSTEM, closed_year)
    account = f"page-roles-{uuid4().hex[:8]}"
    row = await accounts.create_account(
        SYSTEM, {"username": account, "password": PASSWORD, "role": "tenant", "tenant_uscc": tenant["uscc"]}
    )
    header = "统一社会信用代码,企业名称,产业类别,状态\n"
    batch = await run_import(
        SYSTEM, "roles.csv", f"{header}{new_uscc()},页面角色导入,其他,在孵\n".encode(), dry_run=True
    )
    invalid = await run_import(SYSTEM, "roles.csv", f"{header}1,,矿业,在孵\n".encode(), dry_run=True)
    filed = await make_tenant()
    round_id = await make_round(tenant["uscc"], filed["uscc"])
    draft = await returns.save_return(SYSTEM, round_id, tenant["uscc"], {"revenue": "5.00", "employees": 1})
    await returns.save_return(SYSTEM, round_id, filed["uscc"], {"revenue": "5.00", "employees": 1})
    await returns.submit_return(SYSTEM, round_id, filed["uscc"])
    closed_round = await make_round()
    await round_close.close_round(SYSTEM, closed_round)
    await round_close.hand_in_signed(SYSTEM, closed_round, "signed.pdf", b"%PDF-1.4 handed in")
    return {
        "closed_round": str(closed_round),
        "t": tenant["uscc"],
        "t_version": str(tenant["version"]),
        **{f"tenant.{f.key}": _shown(tenant[f.key]) for f in TENANT_FIELDS if f.key != "uscc"},
        "ip": str(item["id"]),
        "ip_version": str(item["version"]),
        "ip_number": item["number"],
        **{f"ip.{f.key}": _shown(item[f.key]) for f in IP_FIELDS if f.key != "uscc"},
        "period": "2016",
        "period_label": "2016年度",
        "year": str(year),
        "closed_year": str(closed_year),
        "batch": str(batch.id),
        "invalid": str(invalid.id),
        "account": account,
        "account_version": str(row["version"]),
        "new_uscc": new_uscc(),
        "new_number": fresh_patent_number(),
        "new_username": f"page-new-{uuid4().hex[:8]}",
        "round": str(round_id),
        "round_title": draft.round_title,
        "round_version": str(draft.version),
        "filed": filed["uscc"],
        "unasked": (await make_tenant())["uscc"],
    }


async def portal_as(base_url: str, role: str, uscc: str) -> httpx.AsyncClient:
    """A portal client signed in as a fresh account of `role` (a tenant's of `uscc`); "anonymous": signed out."""
    from tests.portal.conftest import make_account

    username = None if role == "anonymous" else await make_account(role, uscc if role == "tenant" else None)
    return await portal_client(base_url, username)
