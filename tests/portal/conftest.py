"""Browser tests: Debian's chromium, driven by Playwright, against a real uvicorn server on loopback.

Every request a page makes goes through a route that lets only the test server's own address
through; anything else is aborted and recorded, and each test fails if one was attempted — the
portal must work on an intranet with no internet at all. Screenshots go to $PARK_SCREENSHOTS
(default var/screenshots) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from registry.actor import SYSTEM
from registry.services import accounts
from tests.server import PASSWORD

CHROMIUM = os.environ.get("PARK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("PARK_SCREENSHOTS", "var/screenshots"))
# Chromium phones home on its own (updates, safe browsing, translation, metrics); all of it off.
QUIET = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-pings",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does) — the browser "
            "tests are never skipped"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET, headless=True)
        yield browser
        await browser.close()


class Offline:
    """Aborts and remembers every request to an address other than the test server's."""

    def __init__(self) -> None:
        self.attempted: list[str] = []

    async def route(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.attempted.append(url)
            await route.abort("blockedbyclient")


async def new_context(browser: Browser, base_url: str, **options) -> tuple[BrowserContext, Offline]:
    context = await browser.new_context(base_url=base_url, accept_downloads=True, **options)
    offline = Offline()
    await context.route("**/*", offline.route)
    return context, offline


@pytest.fixture
async def portal(browser: Browser, base_url: str):
    """`await portal()` opens a fresh browser context (its own cookies) and its page; `await
    portal(viewport=...)` passes options. Every context is checked for outside requests at the end."""
    opened: list[tuple[BrowserContext, Offline]] = []

    async def open_page(**options) -> Page:
        context, offline = await new_context(browser, base_url, **options)
        opened.append((context, offline))
        page = await context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    attempted = [url for _, offline in opened for url in offline.attempted]
    for context, _ in opened:
        await context.close()
    assert not attempted, f"pages tried to reach outside addresses: {attempted}"


_people = iter(range(1, 10**6))


async def make_account(role: str, tenant_uscc: str | None = None) -> str:
    username = f"web-{role}-{next(_people)}"
    data = {"username": username, "password": PASSWORD, "role": role}
    if tenant_uscc:
        data["tenant_uscc"] = tenant_uscc
    await accounts.create_account(SYSTEM, data)
    return username


async def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    # Staff land on the park dashboard, computed over the whole suite's database after a change: on a
    # busy machine late in the suite that takes longer than an ordinary step's 15 s.
    await page.get_by_role("button", name="登录").click(timeout=60_000)
    await page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)


@pytest.fixture
async def signed_in(portal):
    """`await signed_in("manager")` or `await signed_in("tenant", uscc)`: a page of a fresh account of
    that role, signed in through the form; the page has `.username`."""

    async def make(role: str, tenant_uscc: str | None = None, **options) -> Page:
        username = await make_account(role, tenant_uscc)
        page = await portal(**options)
        await sign_in(page, username)
        page.username = username  # type: ignore[attr-defined]
        return page

    return make


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
async def page_stage():
    """The records the page tables (tests/portal/pages.py) name, fresh for each test."""
    from tests.api.factories import reopen_if_closed
    from tests.portal.pages import stage_values

    values = await stage_values()
    yield values
    await reopen_if_closed(int(values["year"]))
    await reopen_if_closed(int(values["closed_year"]))
