"""The one database engine, chosen by DATABASE_URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

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

    async def close_kept(self) -> None:
        for connection in self._kept.values():
            await connection.close()
        self._kept.clear()

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


def write_transaction():
    """One transaction for a whole write; nested calls join the outer one."""
    return DB.write_transaction()


async def open_database() -> None:
    if isinstance(DB, SQLiteEngine):
        async with aiosqlite.connect(DB.path) as connection:
            await connection.execute("PRAGMA journal_mode=WAL")
    else:
        await DB.start_connection_pool(min_size=2, max_size=10)


async def close_database() -> None:
    if isinstance(DB, KeptSQLiteEngine):
        await DB.close_kept()
    elif isinstance(DB, PostgresEngine):
        await DB.close_connection_pool()
