"""The one database engine, chosen by DATABASE_URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.query import WhereRaw
from piccolo.querystring import QueryString

from registry.read_cache import ACCOUNTS, TENANTS, ReadCache
from registry.settings import settings

# Piccolo's migration machinery finds the engine through this module.
os.environ.setdefault("PICCOLO_CONF", "registry.piccolo_conf")


class KeptSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new connection (and a thread) for every query outside a
    transaction; keeping one autocommit connection per event loop removes that cost from every
    read. Transactions still get their own connection, so writers stay isolated."""

    def __init__(self, path: str) -> None:
        super().__init__(path=path, timeout=30)
        self._kept: dict[int, aiosqlite.Connection] = {}
        self._reader: sqlite3.Connection | None = None

    async def _kept_connection(self) -> aiosqlite.Connection:
        key = id(asyncio.get_running_loop())
        connection = self._kept.get(key)
        if connection is None:
            connection = await aiosqlite.connect(**self.connection_kwargs)
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
            self._kept[key] = connection
        return connection

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self._kept_connection()
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def read_now(self, sql: str, args: list) -> list[dict]:
        """Run a small read on the calling thread (see KeyedLookup)."""
        if self._reader is None:
            self._reader = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            self._reader.row_factory = dict_factory
        return self._reader.execute(sql, args).fetchall()

    async def close_kept(self) -> None:
        for connection in self._kept.values():
            await connection.close()
        self._kept.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def write_transaction(self):
        # SQLite has one writer: take the write lock up front so two writers never deadlock.
        return self.transaction(transaction_type=TransactionType.immediate)


class RegistryPostgresEngine(PostgresEngine):
    def write_transaction(self):
        return self.transaction()


def engine_from_url(url: str) -> Engine:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else parts.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return KeptSQLiteEngine(path=str(path))
    if parts.scheme in ("postgres", "postgresql"):
        return RegistryPostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


DB = engine_from_url(settings().database_url)


def for_update(query):
    """Lock the selected rows until the write transaction ends. PostgreSQL needs the row lock to make
    check-then-write atomic; SQLite's write transactions already exclude each other (BEGIN IMMEDIATE)."""
    return query.lock_rows() if isinstance(DB, PostgresEngine) else query


# The namespace of the advisory locks that order a year's report writes with its closing.
_YEAR_LOCKS = 0x59454152  # "YEAR"


async def hold_year(year: int, alone: bool = False) -> None:
    """Order report writes of `year` with closing and reopening it, until the transaction ends: writes
    share the year's lock, closing takes it alone. So a close waits for the writes in flight to commit,
    and a write begun meanwhile waits for the close, then sees the year closed. Take it before any row
    lock, and several years in ascending order, so no two transactions wait on each other in a circle.
    SQLite has one writer at a time (BEGIN IMMEDIATE): its writes are in order already."""
    if isinstance(DB, PostgresEngine):
        kind = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        await DB.run_querystring(QueryString(f"SELECT {kind}({_YEAR_LOCKS}, {int(year)})"))


class KeyedLookup:
    """A select of at most one row by one unique key, its SQL compiled once.

    The hot reads (a tenant by USCC, an account by username) cost more in Piccolo's query building
    and in aiosqlite's hand-off to its thread and back than in SQLite itself: an indexed lookup in a
    WAL database takes microseconds and never waits for a writer. So on SQLite, outside a
    transaction, the compiled statement runs right on the event loop; on PostgreSQL it goes straight
    to a pooled connection. Inside a transaction or with a row lock it is an ordinary Piccolo query.
    """

    _PROBE = "\x00key\x00"

    def __init__(self, build: Callable[[str], object], cache: ReadCache | None = None) -> None:
        self.build = build
        self.cache = cache
        self._compiled: tuple[str, list] | None = None

    def _statement(self, key: str) -> tuple[str, list]:
        if self._compiled is None:
            query = self.build(self._PROBE).first()
            self._compiled = query.querystrings[0].compile_string(engine_type=DB.engine_type)
        sql, args = self._compiled
        return sql, [key if arg == self._PROBE else arg for arg in args]

    async def __call__(self, key: str, lock: bool = False) -> dict | None:
        if lock or DB.current_transaction.get() is not None:
            query = self.build(key).first()
            return await (for_update(query) if lock else query).run()
        sql, args = self._statement(key)
        if isinstance(DB, KeptSQLiteEngine):
            rows = DB.read_now(sql, args)
            return rows[0] if rows else None
        if isinstance(DB, PostgresEngine) and DB.pool is not None:
            if self.cache is not None:
                hit, cached = self.cache.get(key)
                if hit:
                    return None if cached is None else dict(cached)
                generation = self.cache.generation
            async with DB.pool.acquire() as connection:
                record = await connection.fetchrow(sql, *args)
            row = dict(record) if record is not None else None
            if self.cache is not None:
                self.cache.put(key, None if row is None else dict(row), generation)
            return row
        return await self.build(key).first().run()


async def together(*reads: Awaitable[Any]) -> list[Any]:
    """Independent reads at once on PostgreSQL's pool, one connection each. SQLite answers on one
    connection, one statement at a time, so there they simply run in turn (as they must inside a
    transaction, which holds a single connection on either engine)."""
    if isinstance(DB, PostgresEngine) and DB.current_transaction.get() is None:
        return list(await asyncio.gather(*reads))
    return [await read for read in reads]


def text_contains(columns: tuple[str, ...], needle: str) -> WhereRaw:
    """Any of `columns` contains `needle`, case-insensitively and literally: a LIKE pattern would
    read `%` and `_` in a search box as wildcards (instr/strpos have none)."""
    find = "instr" if isinstance(DB, SQLiteEngine) else "strpos"
    tests = " OR ".join(f"{find}(lower(coalesce({column}, '')), lower({{}})) > 0" for column in columns)
    return WhereRaw(f"({tests})", *([needle] * len(columns)))


@asynccontextmanager
async def write_transaction():
    """One transaction for a whole write; nested calls join the outer one. Once the outermost one
    commits, this worker's read cache forgets what it held (other workers hear the trigger)."""
    outermost = DB.current_transaction.get() is None
    async with DB.write_transaction() as transaction:
        yield transaction
    if outermost:
        TENANTS.forget()
        ACCOUNTS.forget()


async def _reset_only_if_needed(connection) -> None:
    """asyncpg resets every connection it takes back (a round trip per query); the registry sets no
    session state, so only an unfinished transaction needs undoing."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def open_database() -> None:
    if isinstance(DB, SQLiteEngine):
        async with aiosqlite.connect(DB.path) as connection:
            await connection.execute("PRAGMA journal_mode=WAL")
    elif DB.pool is None:
        await DB.start_connection_pool(min_size=2, max_size=10, reset=_reset_only_if_needed)
        if settings().tenant_read_cache:
            await TENANTS.listen(DB.config["dsn"])
        await ACCOUNTS.listen(DB.config["dsn"])


async def close_database() -> None:
    if isinstance(DB, KeptSQLiteEngine):
        await DB.close_kept()
    elif isinstance(DB, PostgresEngine):
        await TENANTS.stop()
        await ACCOUNTS.stop()
        await DB.close_connection_pool()
