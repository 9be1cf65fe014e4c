"""Small builders for API tests: records made through the registry services, checks on problem details."""

from __future__ import annotations

from collections import defaultdict
from itertools import count

import httpx
from litestar import Litestar

from registry.actor import SYSTEM
from registry.ip_numbers import make_patent_number
from registry.services import closed_years, ip_items, reports, returns, rounds
from tests.conftest import make_tenant, new_uscc

__all__ = [
    "make_round",
    "fresh_round_period",
    "make_ip",
    "make_report",
    "make_tenant",
    "new_uscc",
    "fresh_patent_number",
    "fresh_year",
    "reopen_if_closed",
    "assert_problem",
    "field_errors",
    "spoofed_address",
    "fill",
    "api_routes",
    "app_routes",
    "route_of",
]

# Serials far from the ones other suites use, so numbers stay unique within one test session.
_patent_serials = count(7_300_000)
# Years nobody reports for: tests close and reopen them without touching anyone's real data.
_years = count(2061)
_addresses = count(1)


# Periods no one reports for, one per round made (one round per period): halves and quarters from 2200 on.
_round_periods = (f"{year}{part}" for year in range(2200, 3000) for part in ("H1", "H2", "Q1", "Q2", "Q3", "Q4"))


def fresh_round_period() -> str:
    return next(_round_periods)


async def make_round(*usccs: str, **fields) -> int:
    """A round open since long ago (so it asks no one by itself) with a return for each of `usccs`."""
    from datetime import date, timedelta

    data = {"period": fresh_round_period(), "opens_on": "1901-01-02", "deadline": str(date.today() + timedelta(20))}
    opened = await rounds.open_round(SYSTEM, data | fields)
    for uscc in usccs:
        await returns.add_tenant(SYSTEM, opened.id, uscc)
    return opened.id


def fresh_patent_number(kind: str = "invention", year: int = 2018) -> str:
    type_digit = {"invention": 1, "utility_model": 2, "design": 3}[kind]
    return make_patent_number(year, type_digit, next(_patent_serials))


def fresh_year() -> int:
    return next(_years)


async def make_ip(uscc: str, kind: str = "invention", **overrides) -> dict:
    data = {
        "kind": kind,
        "number": fresh_patent_number(kind) if kind in ("invention", "utility_model", "design") else None,
        "title": "一种测试用装置",
        "status": "valid",
        "filed_on": "2018-03-01",
        "granted_on": "2019-05-01",
    } | overrides
    return await ip_items.create_ip(SYSTEM, uscc, data)


async def make_report(uscc: str, period: str = "2016", **figures) -> dict:
    data = {"revenue": "1000000.00", "employees": 10} | figures
    row, _ = await reports.put_report(SYSTEM, uscc, period, data)
    return row


async def reopen_if_closed(year: int) -> None:
    if year in await closed_years.closed_years():
        await closed_years.reopen_year(SYSTEM, year)


def spoofed_address() -> dict[str, str]:
    """A client address of its own (the server trusts X-Forwarded-For from loopback), so failed logins
    in one test never throttle the shared loopback address the other tests sign in from."""
    return {"X-Forwarded-For": f"198.51.100.{next(_addresses) % 250 + 1}"}


def assert_problem(response: httpx.Response, status: int) -> dict:
    """The response is an RFC 9457 problem with `status`; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def field_errors(response: httpx.Response, status: int = 422) -> dict[str, str]:
    """{field: code} of a validation problem; every error has field, code and message."""
    body = assert_problem(response, status)
    errors = body.get("errors")
    assert errors, body
    for error in errors:
        assert set(error) == {"field", "code", "message"}, error
        assert error["field"] and error["code"] and error["message"]
    return {e["field"]: e["code"] for e in errors}


def fill(template, values: dict[str, str]):
    """An endpoint table's path or body with its `{placeholders}` filled in."""
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    return template


API = "/api/v1"


def app_routes(app: Litestar, api: bool = True) -> dict[tuple[str, str], set[str]]:
    """Every (method, path template) the app answers inside the API (`api`) or outside it (the portal's
    pages, static files, docs), with the names of its handler's parameters."""
    routes = {}
    for route in app.routes:
        if route.path.startswith(API) != api:
            continue
        for method, handler in getattr(route, "route_handler_map", {}).items():
            if method not in ("OPTIONS", "HEAD"):
                routes[(method, route.path_format)] = set(handler[0].parsed_fn_signature.parameters)
    return routes


def api_routes(app: Litestar) -> dict[tuple[str, str], set[str]]:
    return app_routes(app, api=True)


def route_of(app: Litestar, method: str, path: str, prefix: str = API) -> tuple[str, str]:
    """The (method, path template) a table's row calls (its path under `prefix`), its placeholders filled
    with anything."""
    filled = path.split("?")[0].format_map(defaultdict(lambda: "1"))
    return method, app.asgi_router.handle_routing(path=prefix + filled, method=method)[4]
