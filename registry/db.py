"""Where SQLite and PostgreSQL differ: the database the registry works on and the one way to run a raw
statement on it.

A `Database` is one database with the settings it follows (its engine, its read caches); it is made
from settings where an app is made (`api.app.create_app`) or a `park` command starts, and bound to the
context that works on it (`bound`): the app binds its own for each request and for its lifespan, so two
apps on two databases serve side by side in one process. Every Piccolo table of the registry is bound
once to `BOUND` (Piccolo's `Table._meta.db`), which answers with the engine of the context's database
at each query; `piccolo_conf.DB` and the functions below read it the same way. Nothing is made at import.

Everything else reads and writes through Piccolo's query builder or, where that cannot say a thing
or says it too slowly, through `fetch`, `execute_many` and `insert_rows` here, with `:named`
parameters on both engines. No other module asks which engine it runs on: what differs is a method
of the two engine classes below (or a named capability, such as `parallel_scans()`).
"""

from __future__ import annotations

import asyncio
import fcntl
import inspect
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiosqlite
import asyncpg
from piccolo.columns import Column
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.query import WhereRaw

from registry.identifiers import to_halfwidth
from registry.read_cache import ReadCache, VersionedCache
from registry.settings import Settings, sqlite_file

T = TypeVar("T")
_log = logging.getLogger(__name__)


def _json_value(value: Any) -> Any:
    """Dates (and times) as ISO text, which PostgreSQL reads back into its date columns."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")


# `:name` (a letter first), not `::type` casts nor `a:b` inside words.
_NAME = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=1024)
def _compiled(sql: str, numbered: bool) -> tuple[str, tuple[str, ...]]:
    """`sql` with its `:names` as the driver's placeholders (`?` or `$n`), and the names in order."""
    names: list[str] = []
    slots: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = match[1]
        if not numbered:
            names.append(name)
            return "?"
        if name not in slots:
            names.append(name)
            slots[name] = len(names)
        return f"${slots[name]}"

    return _NAME.sub(placeholder, sql), tuple(names)


def _bound(sql: str, params: Mapping[str, Any], numbered: bool) -> tuple[str, list[Any]]:
    text, names = _compiled(sql, numbered)
    return text, [params[name] for name in names]


# The page cache (KiB) of a write transaction's SQLite connection: KeptSQLiteEngine.get_connection.
_WRITE_CACHE_KIB = 16384
# Every SQLite connection that writes syncs the WAL at each commit: a commit the server answered
# survives a power cut too, whatever default the SQLite build was compiled with (some builds make
# WAL mode NORMAL, which may lose the last commits to a power cut). A killed process loses nothing
# either way: the WAL keeps every committed transaction and ignores an unfinished one
# (docs/operations-upgrades-and-crashes.md).
_DURABLE = "PRAGMA synchronous = FULL"


async def _in_turn(reads: Sequence[Awaitable[T]]) -> list[T]:
    """Each read awaited after the one before; if one fails, those not begun are closed unawaited."""
    done: list[T] = []
    try:
        for read in reads:
            done.append(await read)
    except BaseException:
        for left in reads[len(done) + 1 :]:
            if inspect.iscoroutine(left):
                left.close()
        raise
    return done


class KeptSQLiteEngine(SQLiteEngine):
    """SQLite: one file, one writer (BEGIN IMMEDIATE), answers on one connection at a time."""

    contains_function = "instr"
    # An integer member of a JSON column, in SQL: {column} and {key} (a vocabulary key, never user text).
    json_integer = "json_extract({column}, '$.{key}')"
    parallel_scans = False
    dsn = None  # no server to listen to: the read caches stay off

    def __init__(self, path: str, url: str) -> None:
        super().__init__(path=path, timeout=30)
        self.url = url
        self._kept: dict[int, aiosqlite.Connection] = {}
        self._reader: sqlite3.Connection | None = None

    async def _kept_connection(self) -> aiosqlite.Connection:
        key = id(asyncio.get_running_loop())
        connection = self._kept.get(key)
        if connection is None:
            connection = await aiosqlite.connect(**self.connection_kwargs)
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
            await connection.execute(_DURABLE)
            self._kept[key] = connection
        return connection

    async def get_connection(self) -> aiosqlite.Connection:
        # A transaction's own connection (Piccolo opens one per transaction). A large import writes
        # index pages all over ip_item, ip_deadline and audit_entry, and with SQLite's default 2 MB
        # page cache read them back from the OS chunk after chunk (measured 0.1-0.4 s of a
        # 100,000-row import's 4 s of writing). The cache grows only with the pages touched.
        connection = await super().get_connection()
        await connection.execute(f"PRAGMA cache_size = -{_WRITE_CACHE_KIB}")
        await connection.execute(_DURABLE)
        return connection

    # The one private Piccolo API the registry overrides (pinned by tests/test_library_internals.py).
    # Piccolo's SQLite engine opens a new connection (and a thread) for every query outside a
    # transaction; keeping one autocommit connection per event loop takes that cost off every read,
    # and Piccolo has no public hook for it. Transactions still get their own connection, so writers
    # stay isolated.
    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        # Execute and fetch in one step on the connection's thread: between an execute and its fetch
        # another task's read on this shared connection would run inside the first one's open read
        # (SQLite keeps a statement's snapshot until it is done) and miss a write committed since.
        connection = await self._kept_connection()
        return list(await connection.execute_fetchall(query, args or []))

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        transaction = self.current_transaction.get()
        yield transaction.connection if transaction is not None else await self._kept_connection()

    async def fetch(self, sql: str, params: Mapping[str, Any], at_once: bool) -> list[dict[str, Any]]:
        text, args = _bound(sql, params, numbered=False)
        if at_once and self.current_transaction.get() is None:
            # An indexed read in a WAL database takes microseconds and never waits for a writer:
            # cheaper right here than aiosqlite's hand-off to its thread and back.
            return self._read_at_once().execute(text, args).fetchall()
        async with self.connection() as connection:  # execute and fetch in one step (_run_in_new_connection)
            return list(await connection.execute_fetchall(text, args))  # Piccolo's connections make rows dicts

    def _read_at_once(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            self._reader.row_factory = dict_factory
        return self._reader

    def data_stamp(self) -> int:
        """A number that changes whenever any other connection, of this process or another, commits a
        write to the database (SQLite's `PRAGMA data_version` on a connection that never writes)."""
        return self._read_at_once().execute("PRAGMA data_version").fetchone()["data_version"]

    async def data_version(self) -> object:
        return self.data_stamp()

    async def execute_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
        text, names = _compiled(sql, numbered=False)
        async with self.connection() as connection:
            await connection.executemany(text, [[row[name] for name in names] for row in rows])

    async def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        async with self.connection() as connection:
            await connection.executemany(text, rows)

    async def update_versioned(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> int:
        assignments = ", ".join(f"{c} = :{c}" for c in columns)
        text, names = _compiled(
            f"UPDATE {table} SET {assignments}, version = version + 1 WHERE {key} = :{key} AND version = :version",
            numbered=False,
        )
        async with self.connection() as connection:
            cursor = await connection.executemany(text, [[row[name] for name in names] for row in rows])
            return cursor.rowcount  # executemany sums the rows each statement changed

    async def reserve_ids(self, table: str, count: int) -> list[int]:
        # The one writer holds the lock (BEGIN IMMEDIATE): the ids after the highest are free, and
        # an INTEGER PRIMARY KEY would take them in this order anyway.
        rows = await self.fetch(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}", {}, False)
        top = int(rows[0]["top"])
        return list(range(top + 1, top + 1 + count))

    async def fresh_statistics(self, tables: Sequence[str]) -> None:
        # Without sqlite_stat1 SQLite's planner takes the index for an equality lookup anyway.
        return None

    def write_transaction(self):
        # One writer: take the write lock up front so two writers never deadlock.
        return self.transaction(transaction_type=TransactionType.immediate)

    def locked(self, query):
        # Write transactions already exclude each other (BEGIN IMMEDIATE); SQLite has no row locks.
        return query

    def lock_clause(self) -> str:
        return ""

    async def hold_year(self, year: int, alone: bool) -> None:
        """Nothing to take: the one writer at a time orders a year's writes already."""

    async def together(self, reads: Sequence[Awaitable[T]]) -> list[T]:
        # One connection answers one statement at a time: the reads run in turn.
        return await _in_turn(reads)

    async def while_writing(self, write: Awaitable[Any], work: Callable[[], T]) -> T:
        # The write runs in this process (aiosqlite's thread, holding the GIL to bind its
        # parameters): Python work beside it only takes turns at the GIL, measured slower.
        await write
        return work()

    def any_of(self, column: str, values: Sequence[Any], name: str) -> tuple[str, dict[str, Any]]:
        names = [f"{name}_{n}" for n in range(len(values))]
        return f"{column} IN ({', '.join(':' + n for n in names)})", dict(zip(names, values, strict=True))

    def is_unique_violation(self, error: Exception) -> bool:
        return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)

    def is_integer_overflow(self, error: Exception) -> bool:
        return isinstance(error, sqlite3.OperationalError) and "integer overflow" in str(error)

    async def reset_schema(self) -> None:
        # Every table and view dropped on a connection of its own, where foreign keys are not enforced
        # (the kept one enforces them); indexes and triggers go with their tables.
        async with aiosqlite.connect(self.path) as connection:
            async with connection.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%'"
            ) as cursor:
                found = list(await cursor.fetchall())
            for kind, name in sorted(found, key=lambda row: row[0] != "view"):
                await connection.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
            await connection.commit()

    def pool_use(self) -> tuple[int, int] | None:
        return None  # no pool: one kept connection per event loop, one more per write transaction

    async def claim_housekeeping(self) -> Any | None:
        # Every process on this database runs on this machine: an exclusive lock on a file beside it,
        # which the system lets go when the process ends, however it ends.
        handle = open(f"{self.path}.housekeeper", "a+b")  # noqa: SIM115 - held until released
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    async def release_housekeeping(self, claim: Any) -> None:
        claim.close()  # closing the file lets go of its lock

    async def open(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(self.path) as connection:
            await connection.execute("PRAGMA journal_mode=WAL")

    async def close(self) -> None:
        for connection in self._kept.values():
            await connection.close()
        self._kept.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None


# The namespace of the advisory locks that order a year's report writes with its closing.
_YEAR_LOCKS = 0x59454152  # "YEAR"
# The advisory lock that the one housekeeping process of a database holds (registry.housekeeping).
_HOUSEKEEPING_LOCK = 0x4B454550  # "KEEP"


async def _reset_only_if_needed(connection) -> None:
    """asyncpg resets every connection it takes back (a round trip per query); the registry sets no
    session state, so only an unfinished transaction needs undoing."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class RegistryPostgresEngine(PostgresEngine):
    """PostgreSQL: a pool of connections, row locks, advisory locks, parallel workers."""

    contains_function = "strpos"
    json_integer = "(({column})::jsonb ->> '{key}')::bigint"
    parallel_scans = True

    def __init__(self, dsn: str) -> None:
        # JIT off on every connection: the statistics' composition (hundreds of CASE arms) took
        # seconds to compile (2.9 s of 3.2 on the benchmark) to save milliseconds, and no registry
        # read runs long enough to win it back.
        super().__init__(config={"dsn": dsn, "server_settings": {"jit": "off"}})
        self.url = self.dsn = dsn

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        transaction = self.current_transaction.get()
        if transaction is not None:
            yield transaction.connection
        elif self.pool is not None:
            async with self.pool.acquire() as connection:
                yield connection
        else:
            connection = await self.get_new_connection()
            try:
                yield connection
            finally:
                await connection.close()

    async def fetch(self, sql: str, params: Mapping[str, Any], at_once: bool) -> list[dict[str, Any]]:
        text, args = _bound(sql, params, numbered=True)
        async with self.connection() as connection:
            return [dict(record) for record in await connection.fetch(text, *args)]

    async def execute_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
        text, names = _compiled(sql, numbered=True)
        async with self.connection() as connection:
            await connection.executemany(text, [[row[name] for name in names] for row in rows])

    async def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        # COPY: several times faster than a multi-row INSERT, in the same transaction.
        async with self.connection() as connection:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))

    async def update_versioned(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> int:
        # One statement for all the rows, so the server says how many it changed (executemany does
        # not); the rows travel as JSON read as the table's own row type, each column its own type.
        assignments = ", ".join(f"{c} = u.{c}" for c in columns)
        text = (
            f"UPDATE {table} AS t SET {assignments}, version = t.version + 1 "
            f"FROM json_populate_recordset(NULL::{table}, $1::json) AS u "
            f"WHERE t.{key} = u.{key} AND t.version = u.version"
        )
        payload = json.dumps([{c: row[c] for c in (key, "version", *columns)} for row in rows], default=_json_value)
        async with self.connection() as connection:
            status = await connection.execute(text, payload)
        return int(status.rsplit(" ", 1)[-1])

    async def reserve_ids(self, table: str, count: int) -> list[int]:
        # From the table's own sequence, so concurrent writers never take the same id.
        rows = await self.fetch(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id FROM generate_series(1, :count)",
            {"table": table, "count": count},
            False,
        )
        return [int(row["id"]) for row in rows]

    async def fresh_statistics(self, tables: Sequence[str]) -> None:
        # Tables never analysed, or changed by more than a tenth since (autovacuum's own threshold),
        # are analysed now rather than within autovacuum's next minute: with stale statistics the
        # planner takes a 500-key lookup on (kind, number) for a scan, 20-30 ms instead of 1 ms.
        # Outside any transaction (ANALYZE would hold its lock to the end of one); a table another
        # ANALYZE or a vacuum holds is skipped, not waited for, and a refusal only logs: it is speed.
        if self.current_transaction.get() is not None:
            raise RuntimeError("fresh_statistics runs outside any transaction")
        stale = await self.fetch(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:tables) AND (n_mod_since_analyze > "
            "50 + n_live_tup / 10 OR COALESCE(last_analyze, last_autoanalyze) IS NULL) ORDER BY relname",
            {"tables": list(tables)},
            False,
        )
        for row in stale:
            try:
                await self.run_ddl(f'ANALYZE (SKIP_LOCKED) "{row["relname"]}"')
            except asyncpg.PostgresError as error:
                _log.warning(
                    "ANALYZE %s was refused (%s); the import goes on with the statistics it has", row["relname"], error
                )

    def write_transaction(self):
        return self.transaction()

    def locked(self, query):
        return query.lock_rows()

    def lock_clause(self) -> str:
        return " FOR UPDATE"

    async def hold_year(self, year: int, alone: bool) -> None:
        kind = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        await self.fetch(f"SELECT {kind}(:space, :year)", {"space": _YEAR_LOCKS, "year": int(year)}, False)

    async def together(self, reads: Sequence[Awaitable[T]]) -> list[T]:
        # Outside a transaction each read takes a connection of its own from the pool.
        if self.current_transaction.get() is None:
            return list(await asyncio.gather(*reads))
        return await _in_turn(reads)

    async def while_writing(self, write: Awaitable[Any], work: Callable[[], T]) -> T:
        # The server writes in its own process: the work runs in a thread meanwhile. Both end
        # before this returns, whichever fails.
        written, done = await asyncio.gather(write, asyncio.to_thread(work), return_exceptions=True)
        for outcome in (written, done):
            if isinstance(outcome, BaseException):
                raise outcome
        return done

    def any_of(self, column: str, values: Sequence[Any], name: str) -> tuple[str, dict[str, Any]]:
        # One array: a statement that does not change with the number of values is prepared once
        # and planned fast.
        return f"{column} = ANY(:{name})", {name: list(values)}

    def is_unique_violation(self, error: Exception) -> bool:
        return type(error).__name__ == "UniqueViolationError"

    def is_integer_overflow(self, error: Exception) -> bool:
        return type(error).__name__ == "NumericValueOutOfRangeError"

    # Audit ids are drawn before commit, so they may commit out of order; a snapshot names exactly the
    # transactions it sees, so an equal snapshot sees equal data (it moves with every write anywhere).
    async def data_version(self) -> object:
        # The snapshot moves whenever a write begins or ends, on any connection of any process.
        (row,) = await self.fetch("SELECT pg_current_snapshot()::text AS version", {}, True)
        return row["version"]

    async def reset_schema(self) -> None:
        await self.run_ddl("DROP SCHEMA IF EXISTS public CASCADE")
        await self.run_ddl("CREATE SCHEMA public")

    def pool_use(self) -> tuple[int, int] | None:
        if self.pool is None:
            return None
        size = self.pool.get_size()
        return size, size - self.pool.get_idle_size()

    async def claim_housekeeping(self) -> Any | None:
        # A session advisory lock on a connection of its own (not the pool's): the server lets go of
        # it when that connection ends, so a worker that dies hands the housekeeping on.
        connection = await asyncpg.connect(self.dsn)
        if await connection.fetchval("SELECT pg_try_advisory_lock($1, 0)", _HOUSEKEEPING_LOCK):
            return connection
        await connection.close()
        return None

    async def release_housekeeping(self, claim: Any) -> None:
        await claim.close()

    async def open(self) -> None:
        if self.pool is not None:
            return
        await self.start_connection_pool(min_size=2, max_size=10, reset=_reset_only_if_needed)

    async def close(self) -> None:
        if self.pool is not None:  # a Database never opened (a command that only read) has none
            await self.close_connection_pool()


Engine = KeptSQLiteEngine | RegistryPostgresEngine


def engine_from_url(url: str) -> Engine:
    """An engine for the database at `url`, not connected yet (a SQLite file's folder is made on `open`)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return KeptSQLiteEngine(path=str(sqlite_file(url)), url=url)
    if parts.scheme in ("postgres", "postgresql"):
        return RegistryPostgresEngine(url)
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


class Database:
    """One database the registry works on, with the settings it follows: its engine, and the read caches
    of what was read from it (registry/read_cache.py), which follow its writes and no other database's."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine = engine_from_url(settings.database_url)
        self.tenants = ReadCache("tenant", "registry_changed")
        # Accounts behind bearer tokens: a changed or deactivated account stops acting on every worker at once.
        self.accounts = ReadCache("account", "account_changed")
        # The park's statistics of each period asked (registry.stats.park_stats) and the API's answer of them.
        self.statistics = VersionedCache()

    async def open(self) -> None:
        """Connect (PostgreSQL: the pool), and start the read caches: listening to the database's
        announcements of its writes (PostgreSQL), else watching its data stamp (SQLite)."""
        await self.engine.open()
        caches = [self.tenants, self.accounts] if self.settings.tenant_read_cache else [self.accounts]
        for cache in caches:
            if cache.enabled:
                continue
            if self.engine.dsn is not None:
                await cache.listen(self.engine.dsn)
            else:
                cache.watch(self.engine)

    async def close(self) -> None:
        await self.tenants.stop()
        await self.accounts.stop()
        await self.engine.close()

    def forget_writes(self) -> None:
        """This context committed a write: the caches forget what they held (other workers and apps hear
        the database's announcement)."""
        self.tenants.forget()
        self.accounts.forget()


_current: ContextVar[Database | None] = ContextVar("registry_database", default=None)


def current() -> Database:
    """The database bound to the running context."""
    database = _current.get()
    if database is None:
        raise LookupError(
            "no database bound: an app binds its own (api.app.create_app), a command binds one made from "
            "its settings (registry.db.bound)"
        )
    return database


def bind(database: Database) -> Token:
    """Bind `database` to the running context (and the tasks it starts from now on) until `unbind`."""
    return _current.set(database)


def unbind(token: Token) -> None:
    _current.reset(token)


@contextmanager
def bound(database: Database) -> Iterator[Database]:
    """`database` bound to the running context within the block."""
    token = bind(database)
    try:
        yield database
    finally:
        unbind(token)


def engine() -> Engine:
    """The engine of the database bound to the running context."""
    return current().engine


class _BoundEngine:
    """The engine every registry table is bound to (`Table._meta.db`, Piccolo's engine attribute): it
    answers as the engine of the database bound to the running context, looked up at each use, so a
    query runs on the database of the app (or command) that runs it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current().engine, name)

    def __repr__(self) -> str:
        return "<the engine of the bound database>"


BOUND: Any = _BoundEngine()


def parallel_scans() -> bool:
    """Whether the engine reads a whole table faster in parallel workers than by walking an index for
    each of a set of keys (PostgreSQL does; SQLite has one process)."""
    return engine().parallel_scans


async def reset_schema() -> None:
    """An empty database: every table, view and index of the registry (and Piccolo's migration
    records) gone. For tests and benchmarks, before `migrate()`."""
    await engine().reset_schema()
    current().statistics.forget()


# --- Raw statements: the one way, `:named` parameters, both engines ---------------------------------


async def fetch(sql: str, params: Mapping[str, Any] | None = None, *, at_once: bool = False) -> list[dict[str, Any]]:
    """The rows of `sql`, written with `:name` parameters, on the current transaction's connection
    (else a connection of its own). `at_once`: a small indexed read that SQLite may answer right on the
    calling thread, outside a transaction."""
    return await engine().fetch(sql, params or {}, at_once)


async def execute_many(sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """`sql` once per row of `:name` values (executemany), on the current transaction's connection."""
    await engine().execute_many(sql, rows)


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows (values in `columns` order) inserted in one go: executemany on SQLite, COPY on PostgreSQL."""
    await engine().insert_rows(table, columns, rows)


async def update_versioned(table: str, key: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> int:
    """Set `columns` of the rows of `table` named by `key` (each row's values by column name, with its
    `key` and the `version` it was read at), each only if still at that version, bumping it; the number
    of rows changed (fewer than given: some moved meanwhile). Inside the current write transaction."""
    if not rows:
        return 0
    return await engine().update_versioned(table, key, columns, rows)


async def reserve_ids(table: str, count: int) -> list[int]:
    """`count` ids for rows about to be inserted into `table` (its `id` serial), inside the write
    transaction: bulk writers insert with them, so they need not read their rows back. Insert them
    before reserving again for the same table: on SQLite the ids are those after the highest row."""
    if not in_transaction():
        raise RuntimeError("reserve_ids runs inside a write transaction")
    return await engine().reserve_ids(table, count) if count else []


async def fresh_statistics(*tables: str) -> None:
    """Bring the planner's statistics of `tables` up to date where they are stale, before a run of
    many key lookups (an import's plan). Outside any transaction."""
    await engine().fresh_statistics(tables)


def any_of(column: str, values: Sequence[Any], name: str) -> tuple[str, dict[str, Any]]:
    """`column` equal to one of `values` (keep them under SQLite's 999 bound variables), and its
    parameters."""
    return engine().any_of(column, values, name)


def is_unique_violation(error: Exception) -> bool:
    """Whether `error` is the engine refusing a second row with the same unique key."""
    return engine().is_unique_violation(error)


async def data_version() -> object:
    """A value that changes whenever a committed write may have changed the park's records (and, on
    PostgreSQL, whenever any write begins or ends): results computed from the records are good while
    it stays (registry.read_cache.VersionedCache). A single indexed read."""
    return await engine().data_version()


def is_integer_overflow(error: Exception) -> bool:
    """Whether `error` is the engine's arithmetic past 64-bit integers (SQLite's SUM; PostgreSQL sums
    BIGINT as NUMERIC and overflows only where a BIGINT result is asked for)."""
    return engine().is_integer_overflow(error)


async def together(*reads: Awaitable[T]) -> list[T]:
    """Independent reads at once where the engine can (PostgreSQL's pool, outside a transaction),
    else in turn."""
    return await engine().together(reads)


async def while_writing(write: Awaitable[Any], work: Callable[[], T]) -> T:
    """`work()` (Python's own CPU work, such as making the next rows to write) alongside `write`
    where the engine writes in another process (PostgreSQL: in a thread while the server works),
    else after it (SQLite); its result. `work` runs in a thread: it touches no database."""
    return await engine().while_writing(write, work)


# --- Locks and transactions -----------------------------------------------------------------------


def for_update(query):
    """Lock the selected rows until the write transaction ends. PostgreSQL needs the row lock to make
    check-then-write atomic; SQLite's write transactions already exclude each other (BEGIN IMMEDIATE)."""
    return engine().locked(query)


async def hold_year(year: int, alone: bool = False) -> None:
    """Order report writes of `year` with closing and reopening it, until the transaction ends: writes
    share the year's lock, closing takes it alone. So a close waits for the writes in flight to commit,
    and a write begun meanwhile waits for the close, then sees the year closed. Take it before any row
    lock, and several years in ascending order, so no two transactions wait on each other in a circle.
    SQLite has one writer at a time (BEGIN IMMEDIATE): its writes are in order already."""
    await engine().hold_year(year, alone)


def in_transaction() -> bool:
    return engine().current_transaction.get() is not None


def read_transaction():
    """Several reads that see the registry as it was at one moment."""
    return engine().transaction()


_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_commit", default=None)


def after_commit(action: Callable[[], None]) -> None:
    """Do `action` once the write transaction under way commits (dropped if it rolls back); at once
    outside one. For what must not tell of a write that did not happen (a metric's count)."""
    pending = _after_commit.get() if in_transaction() else None
    if pending is None:
        action()
    else:
        pending.append(action)


@asynccontextmanager
async def write_transaction():
    """One transaction for a whole write; nested calls join the outer one. Once the outermost one
    commits, this worker's read cache forgets what it held (other workers hear the trigger), and what
    waited for the commit (`after_commit`) is done."""
    outermost = not in_transaction()
    pending: list[Callable[[], None]] = []
    token = _after_commit.set(pending) if outermost else None
    try:
        async with engine().write_transaction() as transaction:
            yield transaction
    finally:
        if token is not None:
            _after_commit.reset(token)
    if outermost:
        current().forget_writes()
        for action in pending:
            action()


class KeyedLookup:
    """A select of at most one row of `table` by one unique key column, its SQL written once.

    The hot reads (a tenant by USCC, an account by username) cost more in Piccolo's query building
    than in the database: an indexed lookup takes microseconds. So they are raw statements, answered
    from the bound database's cache named `cache` (`Database.tenants`, `.accounts`) when one is given and live (PostgreSQL, see registry/read_cache.py); with `lock` (inside
    a write) the row is locked until the write ends.
    """

    def __init__(self, table: type, columns: Sequence[Column], key: Column, cache: str | None = None) -> None:
        names = ", ".join(f'"{column._meta.db_column_name}"' for column in columns)
        self.sql = f'SELECT {names} FROM "{table._meta.tablename}" WHERE "{key._meta.db_column_name}" = :key LIMIT 1'
        self.cache = cache

    async def __call__(self, key: str, lock: bool = False) -> dict | None:
        if lock or in_transaction():
            rows = await fetch(self.sql + (engine().lock_clause() if lock else ""), {"key": key})
            return rows[0] if rows else None
        cache: ReadCache | None = None if self.cache is None else getattr(current(), self.cache)
        if cache is not None:
            hit, cached = cache.get(key)
            if hit:
                return None if cached is None else dict(cached)
            generation = cache.generation
        rows = await fetch(self.sql, {"key": key}, at_once=True)
        row = rows[0] if rows else None
        if cache is not None:
            cache.put(key, None if row is None else dict(row), generation)
        return row


def text_contains(columns: tuple[str, ...], needle: str) -> WhereRaw:
    """Any of `columns` contains `needle`, case-insensitively and literally: a LIKE pattern would
    read `%` and `_` in a search box as wildcards (instr/strpos have none)."""
    find = engine().contains_function
    tests = " OR ".join(f"{find}(lower(coalesce({column}, '')), lower({{}})) > 0" for column in columns)
    return WhereRaw(f"({tests})", *([needle] * len(columns)))


# What a search ignores on both sides: spaces (also the ideographic space), hyphens and dots, so
# `示例企业 062` finds 示例企业062, `0731 8888 1234` a phone written 0731-8888-1234 and `2016101234567` the
# patent CN201610123456.7.
_SEARCH_IGNORES = (" ", "\u3000", "-", ".")


def search_key(text: str) -> str:
    """`text` as a search compares it: half-width, lower case, without what searches ignore."""
    folded = to_halfwidth(text).lower()
    for ignored in _SEARCH_IGNORES:
        folded = folded.replace(ignored, "")
    return folded


def _folded_column(column: str) -> str:
    folded = f"lower(coalesce({column}, ''))"
    for ignored in _SEARCH_IGNORES:
        folded = f"replace({folded}, '{ignored}', '')"
    return folded


def loose_match(columns: tuple[str, ...], needle: str) -> tuple[str, list[str]]:
    """SQL (with `{}` for its values) saying any of `columns` contains `needle` as a person means it
    (SPEC §7, search): spaces, hyphens and dots ignored, full-width forms as their ASCII (the needle
    folded to both: a stored name may hold either), case-insensitively and literally (`text_contains`).
    Plain SQL functions both engines have."""
    key = search_key(needle)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in key)
    find = engine().contains_function
    needles = [key] if wide == key else [key, wide]
    tests = [f"{find}({_folded_column(column)}, {{}}) > 0" for _ in needles for column in columns]
    return f"({' OR '.join(tests)})", [n for n in needles for _ in columns]


def text_contains_loosely(columns: tuple[str, ...], needle: str) -> WhereRaw:
    sql, values = loose_match(columns, needle)
    return WhereRaw(sql, *values)


def engine_type() -> str:
    """Piccolo's name for the bound engine: "sqlite" or "postgres"."""
    return engine().engine_type


def pool_use() -> tuple[int, int] | None:
    """The bound engine's connection pool now: (connections held, connections in use); None without
    a pool (SQLite)."""
    return engine().pool_use()


async def claim_housekeeping() -> Any | None:
    """Become the one process of this database that runs its scheduled chores (registry.housekeeping):
    a claim to hand back to `release_housekeeping`, or None while another process holds it. A process
    that ends, however it ends, lets go of its claim (PostgreSQL: a session advisory lock on a
    connection of its own; SQLite: an exclusive lock on a file beside the database)."""
    return await engine().claim_housekeeping()


async def release_housekeeping(claim: Any) -> None:
    await engine().release_housekeeping(claim)


async def open_database() -> None:
    await current().open()


async def close_database() -> None:
    await current().close()
