"""Fixtures for talking to the API as a user would: a real server on a free loopback port, in the tests' own event loop, called through httpx (made visible to every test by tests/conftest.py)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from litestar import Litestar

from registry.actor import SYSTEM
from registry.services import accounts
from tests.conftest import SETTINGS, make_tenant

PASSWORD = "correct-horse-battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(app: Litestar, lifespan: bool = False) -> AsyncIterator[str]:
    """`app` served on a free loopback port in the tests' event loop; yields its base URL. Without
    `lifespan` the app's database is used as it is (the suite's, already open); with it the app opens
    its own and closes it at the end, as `park serve` runs it."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on" if lifespan else "off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="session")
async def base_url(database) -> AsyncIterator[str]:
    """The app as `park serve` makes it, for the suite's settings (the engine among them: DATABASE_URL), on
    the suite's open database, which the tests' own calls of the registry share."""
    from api.app import create_app

    async with serving(create_app(SETTINGS, database=database)) as url:
        yield url


@pytest.fixture
async def anonymous(base_url) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url + "/api/v1") as client:
        yield client


_users = iter(range(1, 10**6))


async def login(base_url: str, role: str, tenant_uscc: str | None = None) -> httpx.AsyncClient:
    """A client signed in as a fresh account of `role` (tenant accounts belong to `tenant_uscc`)."""
    username = f"{role}-{next(_users)}"
    data = {"username": username, "password": PASSWORD, "role": role}
    if tenant_uscc:
        data["tenant_uscc"] = tenant_uscc
    await accounts.create_account(SYSTEM, data)
    client = httpx.AsyncClient(base_url=base_url + "/api/v1")
    response = await client.post("/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    client.username = username  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def as_role(base_url):
    """`await as_role("manager")` or `await as_role("tenant", uscc)`; clients closed afterwards."""
    opened: list[httpx.AsyncClient] = []

    async def make(role: str | None, tenant_uscc: str | None = None) -> httpx.AsyncClient:
        """`None` gives a client with no token."""
        if role is None:
            client = httpx.AsyncClient(base_url=base_url + "/api/v1")
        else:
            client = await login(base_url, role, tenant_uscc)
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


@pytest.fixture
async def admin(as_role):
    return await as_role("admin")


@pytest.fixture
async def manager(as_role):
    return await as_role("manager")


@pytest.fixture
async def statistician(as_role):
    return await as_role("statistician")


@pytest.fixture
async def tenant_pair(as_role):
    """Two tenants A and B and a signed-in client for A."""
    a, b = await make_tenant(), await make_tenant()
    return a, b, await as_role("tenant", a["uscc"])
