"""The tenant read cache never serves a row that another worker (or raw SQL) has changed."""

from __future__ import annotations

import asyncio
import os
import sqlite3

import asyncpg

from registry.read_cache import TENANTS, ReadCache
from registry.services import tenants
from tests.conftest import ENGINE, engines_only, make_tenant


async def _write_behind_the_registrys_back(uscc: str, name: str) -> None:
    url = os.environ["DATABASE_URL"]
    if ENGINE == "postgres":
        connection = await asyncpg.connect(url)
        await connection.execute("UPDATE tenant SET name = $1 WHERE uscc = $2", name, uscc)
        await connection.close()
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute("UPDATE tenant SET name = ? WHERE uscc = ?", (name, uscc))


async def test_a_change_made_by_another_worker_is_seen_at_once():
    tenant = await make_tenant(name="缓存前")
    assert (await tenants.fetch(tenant["uscc"]))["name"] == "缓存前"
    assert (await tenants.fetch(tenant["uscc"]))["name"] == "缓存前"  # now cached on PostgreSQL
    await _write_behind_the_registrys_back(tenant["uscc"], "缓存后")
    for _ in range(100):
        if (await tenants.fetch(tenant["uscc"]))["name"] == "缓存后":
            break
        await asyncio.sleep(0.01)
    assert (await tenants.fetch(tenant["uscc"]))["name"] == "缓存后"


@engines_only("postgres")
async def test_the_cache_is_on_where_changes_are_announced():
    assert TENANTS.enabled


@engines_only("sqlite")
async def test_the_cache_is_off_where_changes_are_not_announced():
    assert not TENANTS.enabled


def test_a_read_that_raced_a_write_does_not_store_the_old_row():
    cache = ReadCache("tenant", "registry_changed")
    cache.enabled = True
    started = cache.generation
    cache.forget("91430211PARK00006B")  # a write commits while the read is in flight
    cache.put("91430211PARK00006B", {"name": "old"}, started)
    assert cache.get("91430211PARK00006B") == (False, None)
    cache.put("91430211PARK00006B", {"name": "new"}, cache.generation)
    assert cache.get("91430211PARK00006B") == (True, {"name": "new"})


def test_a_deaf_cache_serves_nothing():
    cache = ReadCache("tenant", "registry_changed")
    cache.enabled = True
    cache.put("k", {"name": "x"}, cache.generation)
    cache._deaf()
    assert cache.get("k") == (False, None)


def test_closing_the_listener_on_purpose_is_not_reported_as_a_loss(caplog):
    cache = ReadCache("tenant", "registry_changed")
    cache.enabled = False  # what stop() does before it closes the connection
    cache._deaf()
    assert "lost the change listener" not in caplog.text
