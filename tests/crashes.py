"""A `park serve` killed (SIGKILL) in the middle of a write, for the crash tests (SPEC §10).

A kill must land while the write is under way, not before it began nor after it committed, and the
test must know it did, without a blind sleep:

- a long write (a large import) tells the server's log how far it has written (importers.pipeline):
  the test kills on the first such line;
- a short write (a report, a year closed, a round closed) is held open by `HeldAfterWriting`, a
  trigger the test puts on the table the write inserts into: the row is written, then the trigger
  waits — on PostgreSQL for an advisory lock the test holds (the server's connection shows it waiting
  in pg_locks), on SQLite in a long computation (the server holds SQLite's write lock, seen for a
  whole half second where a write takes milliseconds). The server's own code runs unchanged.

`killed_during` sends the request, waits for that sign, kills the server and checks the request
went unanswered; `killed_mid_write` does all of it for a short write. The caller then restarts
`park serve` on the same database and counts.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

from tests.processes import started
from tests.records import counts

T = TypeVar("T")

# The advisory lock the trigger waits for on PostgreSQL ("CRAS"); the registry's own year locks use
# the two-key form, so they never meet it.
_HOLD = 0x43524153
# SQLite: about a minute and a half of counting, ended by the kill long before.
_SQLITE_STALL = "SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000000) SELECT i FROM n)"  # noqa: E501
_SQLITE_HELD_FOR = 0.5


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


class HeldAfterWriting:
    """A trigger that holds any write open right after it inserts a row into `table`."""

    def __init__(self, url: str, table: str) -> None:
        self.url, self.table = url, table
        self.sqlite = url.startswith("sqlite:///")
        self._holder: asyncpg.Connection | None = None
        self._waiting: set[int] = set()

    async def __aenter__(self) -> HeldAfterWriting:
        if self.sqlite:
            with closing(sqlite3.connect(_sqlite_path(self.url), timeout=30)) as connection:
                connection.execute(f"CREATE TRIGGER crash_hold AFTER INSERT ON {self.table} BEGIN {_SQLITE_STALL}; END")
                connection.commit()
            return self
        self._holder = await asyncpg.connect(self.url)
        await self._holder.execute(
            "CREATE FUNCTION crash_hold() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_advisory_xact_lock({_HOLD}); RETURN NULL; END $$"
        )
        await self._holder.execute(
            f"CREATE TRIGGER crash_hold AFTER INSERT ON {self.table} FOR EACH ROW EXECUTE FUNCTION crash_hold()"
        )
        await self._holder.execute(f"SELECT pg_advisory_lock({_HOLD})")
        return self

    async def reached(self) -> bool:
        """Whether a write is held by the trigger now (its row written, its transaction open)."""
        if self.sqlite:
            return self._sqlite_write_lock_held(_SQLITE_HELD_FOR)
        assert self._holder is not None
        found = await self._holder.fetch(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 "
            f"AND objid = {_HOLD} AND objsubid = 1 AND database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())"
        )
        self._waiting |= {row["pid"] for row in found}
        return bool(found)

    def _sqlite_write_lock_held(self, seconds: float) -> bool:
        """SQLite's write lock held by another connection for `seconds` on end."""
        until = time.monotonic() + seconds
        with closing(sqlite3.connect(_sqlite_path(self.url), timeout=0, isolation_level=None)) as probe:
            while time.monotonic() < until:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) and "busy" not in str(error):
                        raise
                    time.sleep(0.02)
                    continue
                probe.execute("ROLLBACK")
                return False
        return True

    async def __aexit__(self, *exc_info: Any) -> None:
        """Let go: the trigger is dropped; on PostgreSQL the lock is released first and the killed
        server's orphaned connection is waited out (it aborts its transaction once it finds its client gone)."""
        if self.sqlite:
            with closing(sqlite3.connect(_sqlite_path(self.url), timeout=30)) as connection:
                connection.execute("DROP TRIGGER IF EXISTS crash_hold")
                connection.commit()
            return
        assert self._holder is not None
        try:
            await self._holder.execute(f"SELECT pg_advisory_unlock({_HOLD})")
            deadline = time.monotonic() + 60
            while await self._holder.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", list(self._waiting)
            ):
                assert time.monotonic() < deadline, "the killed server's connection is still open"
                time.sleep(0.05)
            await self._holder.execute(f"DROP TRIGGER IF EXISTS crash_hold ON {self.table}")
            await self._holder.execute("DROP FUNCTION IF EXISTS crash_hold()")
        finally:
            await self._holder.close()


async def killed_during(
    process: subprocess.Popen, request: Callable[[], httpx.Response], under_way: Callable[[], Any], timeout: float = 180
) -> None:
    """Send `request` to the server `process` (in a thread), wait until `under_way()` (a function or a
    coroutine function) says the write is in the middle, SIGKILL the server, and check the request was
    never answered: the kill came before the commit, not after it."""
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            outcome["response"] = request()
        except httpx.TransportError as error:
            outcome["error"] = error

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    deadline = time.monotonic() + timeout
    while True:
        seen = under_way()
        if hasattr(seen, "__await__"):
            seen = await seen
        if seen:
            break
        assert "response" not in outcome, f"the write ended before the kill: {outcome['response'].text[:500]}"
        assert process.poll() is None, "the server stopped by itself"
        assert time.monotonic() < deadline, "the write never reached its middle"
        time.sleep(0.02)
    process.kill()
    process.wait()
    sender.join(60)
    assert "response" not in outcome, f"the server answered before it was killed: {outcome['response'].text[:500]}"
    assert "error" in outcome, "the request is still waiting after the kill"


async def killed_mid_write(
    env: dict[str, str], log: Path, table: str, prepare: Callable[[str], T], write: Callable[[str, T], httpx.Response]
) -> dict[str, int]:
    """A short write killed in its middle: `park serve` started on `env`'s database, `prepare(url)` run
    (the test's own setup through the API; what it returns is passed to `write`), then `write(url,
    prepared)` sent, held right after it inserts into `table`, and the server killed there. Answers
    every table's row count from just before the write, for the caller to compare after its restart.
    A crash test of closing a round (issue 22) is this with the round's table and close request."""
    url_db = env["DATABASE_URL"]
    with started(env, log=log) as (url, process):
        prepared = prepare(url)
        before = await counts(url_db)
        async with HeldAfterWriting(url_db, table) as held:
            await killed_during(process, lambda: write(url, prepared), held.reached)
    return before
