"""Small builders for API tests: records made through the registry services, checks on problem details."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from itertools import count

import httpx
import msgspec
from litestar import Litestar

from registry.actor import SYSTEM, Actor
from registry.ip_numbers import make_patent_number
from registry.services import closed_years, ip_items, reminders, reports, returns, round_close, rounds
from tests.conftest import make_tenant, new_uscc

__all__ = [
    "make_round",
    "open_round",
    "return_in_state",
    "accepted_return",
    "close_round",
    "remind_on",
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


def fresh_round_period(kind: str = "") -> str:
    """A half or quarter nobody uses; with `kind` (`H1`, `Q3`…) one of that kind."""
    while not (period := next(_round_periods)).endswith(kind):
        pass
    return period


async def make_round(*usccs: str, **fields) -> int:
    """A round open since long ago (so it asks no one by itself) with a return for each of `usccs`."""
    from datetime import date, timedelta

    data = {"period": fresh_round_period(), "opens_on": "1901-01-02", "deadline": str(date.today() + timedelta(20))}
    opened = await rounds.open_round(SYSTEM, data | fields)
    for uscc in usccs:
        await returns.add_tenant(SYSTEM, opened.id, uscc)
    return opened.id


async def open_round(*usccs: str, **fields) -> dict:
    """`make_round`, answered as the API answers a round (id, period, title, deadline, state…). An
    `opens_on` given is set after the opening, so that the opening still asks only `usccs`."""
    opens_on = fields.pop("opens_on", None)
    round_id = await make_round(*usccs, **fields)
    if opens_on is not None:
        await rounds.change_round(SYSTEM, round_id, {"opens_on": str(opens_on)})
    return msgspec.to_builtins(await rounds.get_round(SYSTEM, round_id), builtin_types=(date, datetime))


# The figures a return carries when a test does not care which: they pass every check.
SOME_FIGURES = {"revenue": "1000.00", "employees": 4}


async def return_in_state(
    round_id: int,
    uscc: str,
    state: str = "not_started",
    figures: dict | None = None,
    by: Actor = SYSTEM,
    reviewer: Actor = SYSTEM,
    reason: str = "测试原因",
    explanations: dict[str, str] | None = None,
) -> None:
    """Ask `uscc` in the round and bring its return to `state` by the moves a user makes: save (draft),
    save and submit (submitted), then accept (accepted) or send back (returned); or excuse (excused).
    `by` saves and submits (a manager: 代填 by that manager), `reviewer` accepts or sends back; `reason` goes with a send-back or excuse,
    `explanations` ({check code: text}) with the submission."""
    await returns.add_tenant(SYSTEM, round_id, uscc)
    if state == "excused":
        await returns.excuse(SYSTEM, round_id, uscc, reason)
        return
    if state == "not_started":
        return
    await returns.save_return(by, round_id, uscc, figures or SOME_FIGURES)
    if state == "draft":
        return
    await returns.submit_return(by, round_id, uscc, explanations)
    if state == "accepted":
        await returns.accept_return(reviewer, round_id, uscc)
    elif state == "returned":
        await returns.send_back(reviewer, round_id, uscc, reason)
    else:
        assert state == "submitted", state


async def accepted_return(round_id: int, uscc: str, **figures) -> None:
    """The tenant's return saved, submitted and accepted with `figures`: they are in its period report."""
    await return_in_state(round_id, uscc, "accepted", figures)


async def close_round(round_id: int) -> None:
    await round_close.close_round(SYSTEM, round_id)


async def remind_on(round_id: int, uscc: str, day: date) -> None:
    """The office reminds `uscc` on `day` (portal notice; e-mail only where a test sets PARK_SMTP_URL)."""
    assert (await reminders.remind(SYSTEM, round_id, [uscc], day=day)).uscc == [uscc]


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
