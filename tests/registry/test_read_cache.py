"""The tenant read cache never serves a row that another worker (or raw SQL) has changed."""

from __future__ import annotations

import asyncio
import os
import sqlite3

import asyncpg

from registry.db import current
from registry.read_cache import ReadCache
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


async def test_the_cache_is_on_where_every_commit_is_heard():
    # PostgreSQL announces commits (LISTEN/NOTIFY); SQLite's file tells of them (PRAGMA data_version).
    assert current().tenants.enabled and current().accounts.enabled


@engines_only("sqlite")
async def test_sqlite_a_commit_by_another_connection_is_seen_by_the_very_next_read():
    tenant = await make_tenant(name="缓存前")
    await tenants.fetch(tenant["uscc"])
    hit, _ = current().tenants.get(tenant["uscc"])
    assert hit  # served from the cache from now on
    await _write_behind_the_registrys_back(tenant["uscc"], "缓存后")
    assert (await tenants.fetch(tenant["uscc"]))["name"] == "缓存后"  # no wait: the stamp moved


def test_a_read_that_raced_a_write_does_not_store_the_old_row():
    cache = ReadCache("tenant", "registry_changed")
    cache.enabled = True
    started = cache.generation
    cache.forget("91430211PARK00006B")  # a write commits while the read is in flight
    cache.put("91430211PARK00006B", {"name": "old"}, started)
    assert cache.get("91430211PARK00006B") == (False, None)
    cache.put("91430211PARK00006B", {"name": "new"}, cache.generation)
    assert cache.get("91430211PARK00006B") == (True, {"name": "new"})


def test_a_deaf_cache_serves_nothing(caplog):
    cache = ReadCache("tenant", "registry_changed")
    cache._listener = listener = object()
    cache.enabled = True
    cache.put("k", {"name": "x"}, cache.generation)
    cache._deaf(listener)
    assert cache.get("k") == (False, None)
    assert "lost the change listener" in caplog.text


def test_closing_the_listener_on_purpose_is_not_reported_as_a_loss(caplog):
    cache = ReadCache("tenant", "registry_changed")
    cache.enabled = False  # what stop() does before it closes the connection
    cache._listener = None
    cache._deaf(object())
    assert "lost the change listener" not in caplog.text


def test_a_replaced_listener_closing_late_does_not_deafen_the_new_one():
    cache = ReadCache("tenant", "registry_changed")
    cache._listener, cache.enabled = object(), True
    cache._deaf(object())  # the connection listen() closed before opening this one
    assert cache.enabled


class _Engine:
    def __init__(self, dsn: str | None = None) -> None:
        self.dsn, self.stamp = dsn, 1

    def data_stamp(self) -> int:
        return self.stamp


async def test_a_watched_cache_forgets_everything_once_the_stamp_moves():
    cache, engine = ReadCache("account", "account_changed"), _Engine()
    cache.watch(engine)
    assert cache.get("k") == (False, None)  # the first read learns the stamp
    cache.put("k", {"name": "x"}, cache.generation)
    assert cache.get("k") == (True, {"name": "x"})
    engine.stamp = 2  # some connection committed
    assert cache.get("k") == (False, None)
    await cache.stop()  # its database closed
    assert not cache.enabled and cache.get("k") == (False, None)
