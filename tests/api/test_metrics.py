"""GET /metrics (SPEC §10): Prometheus' text format, for the server's own host and for admins only; requests
counted by route template, never by the address asked."""

from __future__ import annotations

import re

import httpx
from prometheus_client.parser import text_string_to_metric_families

from registry.actor import SYSTEM
from registry.services import accounts
from tests.api.factories import assert_problem
from tests.conftest import engines_only, make_tenant
from tests.server import PASSWORD, login

AFAR = {"X-Forwarded-For": "203.0.113.7"}  # uvicorn takes the client's address from its local proxy


def _samples(text: str) -> dict[str, list]:
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def _count(samples: list, **labels: str) -> float:
    return sum(s.value for s in samples if s.name.endswith("_total") and labels.items() <= s.labels.items())


async def _metrics(base_url: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url) as client:
        return await client.get("/metrics", **kwargs)


async def test_the_servers_own_host_reads_requests_by_route_template_never_by_address(base_url, manager):
    tenant = await make_tenant()
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).status_code == 200
    assert (await manager.get("/tenants/91430200MA4L000000")).status_code in (404, 422)
    async with httpx.AsyncClient(base_url=base_url) as signed_out:  # refused by the token check, before the route
        before = _count(
            _samples((await _metrics(base_url)).text)["park_requests"], status_code="401", path="/api/v1/tenants/{uscc}"
        )
        assert (await signed_out.get(f"/api/v1/tenants/{tenant['uscc']}")).status_code == 401
    response = await _metrics(base_url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = _samples(response.text)
    requests = families["park_requests"]
    assert _count(requests, path="/api/v1/tenants/{uscc}", method="GET", status_code="200") >= 1
    assert _count(requests, path="/api/v1/tenants/{uscc}", method="GET") >= 3
    assert _count(requests, path="/api/v1/tenants/{uscc}", status_code="401") == before + 1  # not a 200
    assert tenant["uscc"] not in response.text and "91430200MA4L000000" not in response.text
    latency = families["park_request_duration_seconds"]
    buckets = [s for s in latency if s.name.endswith("_bucket") and s.labels["path"] == "/api/v1/tenants/{uscc}"]
    assert {s.labels["le"] for s in buckets} >= {"0.005", "0.1", "1.0", "+Inf"}


async def test_from_afar_only_an_admin_reads_the_metrics(base_url, as_role):
    assert_problem(await _metrics(base_url, headers=AFAR), 401)
    manager = await as_role("manager")
    bearer = {"Authorization": manager.headers["Authorization"]}
    assert_problem(await _metrics(base_url, headers=AFAR | bearer), 403)
    assert_problem(await _metrics(base_url, headers=AFAR | {"Authorization": "Bearer not-a-token"}), 401)
    admin = await as_role("admin")
    allowed = await _metrics(base_url, headers=AFAR | {"Authorization": admin.headers["Authorization"]})
    assert allowed.status_code == 200 and "park_requests_total" in allowed.text


async def _portal_client(base_url: str, role: str) -> httpx.AsyncClient:
    username = f"metrics-{role}-{id(object())}"
    await accounts.create_account(SYSTEM, {"username": username, "password": PASSWORD, "role": role})
    browser = httpx.AsyncClient(base_url=base_url, headers=AFAR)
    form = await browser.get("/login")
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form.text).group(1)
    signed_in = await browser.post("/login", data={"username": username, "password": PASSWORD, "_csrf": csrf})
    assert signed_in.status_code == 303, signed_in.text
    return browser


async def test_from_afar_an_admins_portal_session_reads_the_metrics_and_a_managers_does_not(base_url):
    admin = await _portal_client(base_url, "admin")
    manager = await _portal_client(base_url, "manager")
    try:
        assert (await admin.get("/metrics")).status_code == 200
        assert_problem(await manager.get("/metrics"), 403)
    finally:
        await admin.aclose()
        await manager.aclose()


async def test_import_batches_are_counted_by_status(base_url):
    client = await login(base_url, "manager")
    try:
        before = _samples((await _metrics(base_url)).text)["park_import_batches"]
        csv = "统一社会信用代码,企业名称,产业类别,状态\n91430200MA4L0BAD0X,指标企业,其他,在孵\n".encode()
        invalid = await client.post("/imports", files={"file": ("bad.csv", csv, "text/csv")})
        assert invalid.status_code == 422, invalid.text
        after = _samples((await _metrics(base_url)).text)["park_import_batches"]
        assert _count(after, status="invalid") == _count(before, status="invalid") + 1
        assert _count(after, status="applied") == _count(before, status="applied")
    finally:
        await client.aclose()


async def test_reminders_are_declared_for_the_report_rounds_to_count(base_url):
    assert "# TYPE park_reminders_total counter" in (await _metrics(base_url)).text


@engines_only("postgres")
async def test_the_database_pool_is_reported_on_postgresql(base_url):
    families = _samples((await _metrics(base_url)).text)
    held = families["park_database_pool_connections"][0].value
    in_use = families["park_database_pool_connections_in_use"][0].value
    assert 2 <= held <= 10 and 0 <= in_use <= held


@engines_only("sqlite")
async def test_sqlite_reports_no_pool(base_url):
    families = _samples((await _metrics(base_url)).text)
    assert families["park_database_pool_connections"] == []  # declared, with no value: SQLite keeps no pool
