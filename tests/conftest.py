"""One suite, two engines: DATABASE_URL picks SQLite (default, a fresh file) or PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from itertools import count

import pytest

_TMP = tempfile.mkdtemp(prefix="park-tests-")
os.environ.setdefault("PARK_DATA_DIR", _TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP}/park.sqlite")
# Accounts hash with the full PBKDF2 count in production; a few thousand rounds keep the suite fast.
os.environ.setdefault("PARK_PBKDF2_ITERATIONS", "2000")

from registry.actor import SYSTEM  # noqa: E402
from registry.db import Database, bind, close_database, reset_schema  # noqa: E402
from registry.migrate import migrate  # noqa: E402
from registry.settings import load_settings  # noqa: E402
from registry.uscc import make_demo_uscc  # noqa: E402

ENGINE = "postgres" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
# The suite's settings, read from the environment above once, as `park` reads them at its entry point.
SETTINGS = load_settings()
_serial = count(5000)


def engines_only(*engines: str) -> pytest.MarkDecorator:
    """A test (or parameter) for the named engines only, as Piccolo's own suite marks engine differences."""
    return pytest.mark.skipif(ENGINE not in engines, reason=f"only on {', '.join(engines)}, not {ENGINE}")


def engines_skip(*engines: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(ENGINE in engines, reason=f"not on {ENGINE}")


def pytest_report_header() -> str:
    return f"park registry engine: {ENGINE} ({os.environ['DATABASE_URL']})"


@pytest.fixture(scope="session", autouse=True)
async def database():
    """The suite's database, bound to every test's context (pytest-asyncio hands an async fixture's
    context on to the tests), so tests call the registry's services directly; the app the tests talk
    to (tests/server.py) shares it."""
    suite = Database(SETTINGS)
    bind(suite)
    await reset_schema()
    await migrate()
    yield suite
    await close_database()


async def wipe() -> None:
    """Empty every table (children first) for tests that count the whole registry."""
    from registry.tables import TABLES

    for table in reversed(TABLES):
        await table.delete(force=True).run()


@pytest.fixture
async def empty_registry(database):
    await wipe()
    yield
    await wipe()


def new_uscc() -> str:
    """A tenant code no other test uses: stem T, seven digits (a session makes thousands of tenants)."""
    return make_demo_uscc(next(_serial), stem="T")


@pytest.fixture
def system_actor():
    return SYSTEM


async def make_tenant(**overrides) -> dict:
    from registry.services.tenants import create_tenant

    data = {
        "uscc": new_uscc(),
        "name": f"测试企业{next(_serial)}",
        "industry": "electronic_info",
        "status": "incubating",
        "moved_in_on": "2016-03-01",
    } | overrides
    row, _ = await create_tenant(SYSTEM, data)
    return row


# The API server and signed-in clients, for every package's tests.
from tests.processes import fresh_env, second_env  # noqa: E402, F401
from tests.server import (  # noqa: E402, F401
    admin,
    anonymous,
    as_role,
    base_url,
    manager,
    statistician,
    tenant_pair,
)
