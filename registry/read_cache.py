"""Rows read by key and kept until a write says otherwise. On PostgreSQL every worker hears every
committed write through LISTEN/NOTIFY (a trigger on the table sends it, so no write path can forget
to); without a live listener the cache is off and every read goes to the database. On SQLite every
worker asks the database file, before each read from the cache, whether any connection of any process
has committed since (`PRAGMA data_version`, a few microseconds without leaving the event loop), and
forgets everything when one has.

A write committed by this worker clears the cache itself before the request returns (read your own
writes); a generation count keeps a read that raced a write from storing the old row.

Each cache belongs to one database (registry.db.Database: one app's, one command's), never to the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger("park.cache")


class ReadCache:
    def __init__(self, name: str, channel: str, max_entries: int = 50_000) -> None:
        self.name = name
        self.channel = channel
        self.max_entries = max_entries
        self.enabled = False
        self.generation = 0
        self.dsn: str | None = None  # the database listened to
        self._listener = None
        self._watched = None  # an engine whose data stamp tells of every commit (SQLite), when watched
        self._stamp: object = None
        self._rows: dict[str, dict | None] = {}

    def get(self, key: str) -> tuple[bool, dict | None]:
        if not self.enabled:
            return False, None
        if self._watched is not None and (stamp := self._watched.data_stamp()) != self._stamp:
            self.forget()
            self._stamp = stamp
            return False, None
        if key not in self._rows:
            return False, None
        return True, self._rows[key]

    def put(self, key: str, row: dict | None, generation: int) -> None:
        if not self.enabled or generation != self.generation:
            return
        if len(self._rows) >= self.max_entries:
            self._rows.clear()
        self._rows[key] = row

    def forget(self, key: str | None = None) -> None:
        self.generation += 1
        if key is None:
            self._rows.clear()
        else:
            self._rows.pop(key, None)

    async def listen(self, dsn: str) -> None:
        """Hear the writes committed to the database at `dsn` (a cache belongs to one database:
        registry.db.Database) and serve from the cache while listening."""
        import asyncpg

        await self.stop()
        listener = await asyncpg.connect(dsn)
        await listener.add_listener(self.channel, lambda *args: self.forget(args[3] or None))
        listener.add_termination_listener(self._deaf)
        self._listener, self.dsn = listener, dsn
        self.forget()
        self.enabled = True

    def watch(self, engine) -> None:
        """Serve from the cache, asking `engine` (SQLite's) for its `data_stamp()` before each read: a
        stamp other than the one the rows were read under means some connection committed since."""
        self._watched, self._stamp = engine, None
        self.forget()
        self.enabled = True

    def _deaf(self, connection) -> None:
        if connection is not self._listener:
            return  # one we replaced or closed ourselves
        if self.enabled:
            log.warning("lost the change listener; reading every %s from the database until restart", self.name)
        self.enabled = False
        self.forget()

    async def stop(self) -> None:
        """Stop listening (or watching): the database is being closed."""
        self.enabled = False
        self._watched = None
        self.forget()
        listener = self._listener
        self._listener, self.dsn = None, None
        if listener is not None and not listener.is_closed():
            await listener.close()


class VersionedCache:
    """Results computed from the park's records (the statistics of a period), kept by this worker while
    the database's data version (registry.db.data_version) stays what it was when they were computed.
    The version lives in the database, so every worker sees every write, and a read after a write is
    never stale: the write moved the version before it was answered. A few entries (each period asked,
    with its `as_of`); the oldest goes first."""

    def __init__(self, max_entries: int = 16) -> None:
        self.max_entries = max_entries
        self._entries: dict[object, tuple[object, object]] = {}
        # Computations under way: requests that miss together wait for one computation, not one each
        # (32 connections missing at once after a write would otherwise add up the park 32 times).
        self._pending: dict[tuple[object, object], asyncio.Future] = {}

    async def get(self, key: object, compute: Callable[[], Awaitable[T]]) -> T:
        from registry.db import data_version

        version = await data_version()
        found = self._entries.get(key)
        if found is not None and found[0] == version:
            return found[1]  # type: ignore[return-value]
        pending = self._pending.get((key, version))
        if pending is not None:
            return await asyncio.shield(pending)
        pending = self._pending[(key, version)] = asyncio.get_running_loop().create_future()
        try:
            value = await compute()
        except asyncio.CancelledError:
            pending.cancel()
            raise
        except Exception as error:
            pending.set_exception(error)
            pending.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        finally:
            self._pending.pop((key, version), None)
        pending.set_result(value)
        self._entries.pop(key, None)
        if len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (version, value)
        return value

    def forget(self) -> None:
        self._entries.clear()
