"""Every page of the portal, for every role that has it: it loads with every outside address blocked,
its scripts and stylesheet come from the app, and the browser reports no error (a CSP violation is one)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.conftest import make_tenant
from tests.portal.conftest import screenshot

PAGES = {
    "admin": [
        "/",
        "/tenants",
        "/tenants/{t}",
        "/tenants/{t}/edit",
        "/imports",
        "/statistics",
        "/statistics/2016",
        "/statistics/2016/close",
        "/statistics/2016/reopen",
        "/deadlines",
        "/logout",
    ],
    "manager": [
        "/",
        "/tenants",
        "/tenants/{t}",
        "/tenants/{t}/edit",
        "/tenants/new",
        "/tenants/{t}/ip/new",
        "/tenants/{t}/reports/new",
        "/tenants/{t}/account",
        "/imports",
        "/statistics",
        "/statistics/2016",
        "/statistics/2017H1",
        "/deadlines",
        "/logout",
    ],
    "statistician": [
        "/",
        "/tenants",
        "/tenants/{t}",
        "/statistics",
        "/statistics/2016",
        "/statistics/2016/close",
        "/statistics/2017Q3",
        "/deadlines",
        "/rounds",
        "/logout",
    ],
    "tenant": ["/me", "/deadlines", "/me/reports/new", "/me/ip/new", "/returns", "/logout"],
}


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    return problems


@pytest.mark.parametrize("role", list(PAGES))
async def test_every_page_loads_offline_without_errors(role, signed_in):
    tenant = await make_tenant()
    page = await signed_in(role, tenant["uscc"] if role == "tenant" else None)
    problems = _watch(page)
    for path in PAGES[role]:
        path = path.format(t=tenant["uscc"])
        for lang in ("zh", "en"):
            response = await page.goto(f"{path}?lang={lang}")
            assert response is not None and response.status == 200, (path, response and response.status)
            assert await page.locator("link[rel=stylesheet][href='/static/park.css']").count() == 1
        await screenshot(page, f"page-{role}-{path.strip('/').replace('/', '-') or 'home'}")
    assert not problems, problems
    assert await page.evaluate("typeof window.htmx") == "object"  # the vendored htmx ran
