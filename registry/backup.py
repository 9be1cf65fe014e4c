"""Backups of the registry's database and their restore, by each engine's own means (SPEC §10).

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies the database in one read
  transaction: a consistent copy of what was committed when it began, while the server goes on
  reading and writing (WAL). The copy is an ordinary SQLite file; a restore copies it back the same way.
- PostgreSQL: `pg_dump --format=custom` (one snapshot, the server serving meanwhile) and `pg_restore`
  in one transaction. The tools must be of the server's major version: those of
  `PARK_PG_BIN` when set, else Debian's `/usr/lib/postgresql/<major>/bin`, else the ones on PATH.

A restore goes into an empty database only: one that holds no record (the record of migrations
aside: a database `park serve` has only migrated is empty), and refuses any other before changing
anything, as it refuses a file that is not a backup of this engine. After loading it brings the
schema up to date (`park restore` migrates, as `park serve` would).

Like registry/db.py this module knows both engines, but it works beside the registry rather than
through it: on the database a URL names, with the engine's own file format and tools, and without
Piccolo, so a backup of a large SQLite file costs no more than SQLite's own `.backup`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from registry.errors import RegistryError
from registry.settings import Settings, sqlite_file

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"  # pg_dump's custom format
# Piccolo's record of the migrations run: kept by an empty database, copied with every backup.
MIGRATIONS_TABLE = "migration"
# What makes a database a park registry's: the tables a backup must hold.
REGISTRY_TABLES = (MIGRATIONS_TABLE, "tenant", "ip_item", "account")
DEBIAN_TOOLS = Path("/usr/lib/postgresql")


class BackupRefused(RegistryError):
    """A backup or restore that cannot be done; nothing was changed. `exit_status`: 2 when the file
    given is unusable, 1 when the database or the tools refuse."""

    exit_status = 1


class UnusableFile(BackupRefused):
    exit_status = 2


@dataclass(frozen=True)
class Done:
    engine: str
    path: Path
    size: int
    seconds: float

    def size_and_time(self) -> str:
        return f"{self.size:,} bytes, {self.seconds:.2f} s"


def back_up(out: Path, settings: Settings) -> Done:
    """A consistent copy of the database of `settings` written to `out`, while the server may serve it.
    Written beside `out` and renamed, so a failed backup leaves no half a file."""
    if not out.resolve().parent.is_dir():
        raise UnusableFile(f"无法写入 {out}：目录不存在 / cannot write {out}: no such directory")
    if out.is_dir():
        raise UnusableFile(f"无法写入 {out}：这是一个目录 / cannot write {out}: it is a directory; name a file")
    engine = _engine_of(settings)
    start = time.perf_counter()
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        engine.back_up(partial)
        _durable(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Done(engine.name, out, out.stat().st_size, time.perf_counter() - start)


def restore(backup: Path, settings: Settings) -> Done:
    """Load `backup` into the database of `settings`, which must be empty. Refused (BackupRefused,
    nothing changed) for a file that is not a backup of this engine or a database that holds records.
    The caller migrates afterwards."""
    engine = _engine_of(settings)
    if not backup.is_file():
        raise UnusableFile(f"找不到备份文件 {backup} / no backup file at {backup}")
    start = time.perf_counter()
    engine.check(backup)
    engine.refuse_unless_empty()
    engine.restore(backup)
    return Done(engine.name, backup, backup.stat().st_size, time.perf_counter() - start)


def _engine_of(settings: Settings) -> _SQLiteFile | _PostgresDump:
    url = settings.database_url
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return _SQLiteFile(sqlite_file(url))
    if scheme in ("postgres", "postgresql"):
        return _PostgresDump(url, settings.postgres_tools)
    raise BackupRefused(f"DATABASE_URL 须以 sqlite:/// 或 postgresql:// 开头 / DATABASE_URL must start with "
                        f"sqlite:/// or postgresql://, not {url!r}")  # fmt: skip


def _durable(path: Path) -> None:
    """On disk before it is named a backup: a power cut right after must not leave an empty file."""
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _kind_of(backup: Path) -> str:
    with backup.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(POSTGRES_MAGIC):
        return "postgres"
    return "other"


def _not_this_kind(backup: Path, wanted: str) -> UnusableFile:
    found = _kind_of(backup)
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    if found != "other" and found != wanted:
        return UnusableFile(
            f"{backup} 是 {names[found]} 数据库的备份，而 DATABASE_URL 指向 {names[wanted]} 数据库；请恢复到同类数据库 / "
            f"{backup} is a backup of a {names[found]} database, but DATABASE_URL names a {names[wanted]} "
            "database; restore it into a database of its own kind"
        )
    return UnusableFile(
        f"{backup} 不是园区登记系统的 {names[wanted]} 备份（park backup 所写）/ {backup} is not a park "
        f"registry backup of {names[wanted]} (as park backup writes)"
    )


def _not_empty(holding: list[str]) -> BackupRefused:
    tables = ", ".join(holding[:5]) + (" …" if len(holding) > 5 else "")
    return BackupRefused(
        f"目标数据库不是空的（有记录的表：{tables}），未做任何更改；请恢复到一个新建的空数据库 / the database is not "
        f"empty (tables holding rows: {tables}); nothing was changed. Restore into a new, empty database"
    )


class _SQLiteFile:
    name = "SQLite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def back_up(self, out: Path) -> None:
        if not self.path.is_file():
            raise BackupRefused(f"没有数据库文件 {self.path} / no database file at {self.path}")
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(out)
        try:
            # The copy is a new file, renamed only once complete and synced (back_up): a rollback
            # journal of its own would be written for nothing.
            copy.execute("PRAGMA journal_mode = OFF")
            copy.execute("PRAGMA synchronous = OFF")
            # All pages in one step, one read transaction: the committed state of one moment. In steps,
            # a write by the server between two would start the copy over.
            source.backup(copy)
        finally:
            copy.close()
            source.close()

    def check(self, backup: Path) -> None:
        if _kind_of(backup) != "sqlite":
            raise _not_this_kind(backup, "sqlite")
        try:
            with _read_only(backup) as copy:
                tables = _sqlite_tables(copy)
                intact = copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError as error:
            raise UnusableFile(f"{backup} 已损坏 / {backup} is damaged: {error}") from error
        if not intact:
            raise UnusableFile(f"{backup} 已损坏（quick_check）/ {backup} is damaged (SQLite's quick_check fails)")
        if not set(REGISTRY_TABLES) <= set(tables):
            raise _not_this_kind(backup, "sqlite")

    def refuse_unless_empty(self) -> None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        try:
            with _read_only(self.path, immutable=False) as target:
                holding = [t for t in _sqlite_tables(target) if t != MIGRATIONS_TABLE
                           and target.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]]  # fmt: skip
        except sqlite3.DatabaseError as error:
            raise BackupRefused(
                f"无法读取目标数据库 {self.path} / cannot read the database {self.path}: {error}"
            ) from error
        if holding:
            raise _not_empty(holding)

    def restore(self, backup: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _read_only(backup) as source:
            target = sqlite3.connect(self.path, timeout=30)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = WAL")
            finally:
                target.close()


class _read_only:
    """A SQLite file opened for reading only; `immutable`: a backup nobody writes, read without locks
    (and without making -wal or -shm files beside it)."""

    def __init__(self, path: Path, immutable: bool = True) -> None:
        self.uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(self.uri, uri=True, timeout=30)
        return self.connection

    def __exit__(self, *_: object) -> None:
        self.connection.close()


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in rows]


# --- PostgreSQL --------------------------------------------------------------------------------------


def postgres_tool(name: str, settings: Settings) -> str:
    """The `name` (pg_dump, pg_restore) a backup or restore of the database of `settings` runs: of the
    server's major version, else BackupRefused."""
    return _PostgresDump(settings.database_url, settings.postgres_tools).tool(name)


_VERSION = re.compile(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?")


def tool_major(version_line: str) -> int:
    """The major version in a tool's `--version` line: 'pg_dump (PostgreSQL) 15.2 (Debian 15.2-1)' → 15
    (before 10, the first two numbers: 9.6)."""
    found = _VERSION.search(version_line)
    if not found:
        raise ValueError(f"no PostgreSQL version in {version_line!r}")
    major = int(found[1])
    return major if major >= 10 else major * 100 + int(found[2] or 0)


def server_major(server_version_num: int) -> int:
    """`SHOW server_version_num` → the major version: 150020 → 15 (before 10: 90624 → 906)."""
    return server_version_num // 10000 if server_version_num >= 100000 else server_version_num // 100


def major_text(major: int) -> str:
    return str(major) if major >= 10 else f"{major // 100}.{major % 100}"


def mismatch(tool: str, path: str, tool_version: int, server_version: int) -> BackupRefused:
    return BackupRefused(
        f"{tool}（{path}）的主版本是 {major_text(tool_version)}，而数据库服务器是 {major_text(server_version)}；请安装 "
        f"postgresql-client-{major_text(server_version)}，或用 PARK_PG_BIN 指向该版本工具所在目录 / {tool} at {path} is "
        f"PostgreSQL {major_text(tool_version)} but the server is {major_text(server_version)}: install "
        f"postgresql-client-{major_text(server_version)} (Debian), or set PARK_PG_BIN to the directory of "
        "the tools of the server's version"
    )


class _PostgresDump:
    name = "PostgreSQL"

    def __init__(self, url: str, tools: Path | None) -> None:
        self.url = url
        self.tools = tools  # PARK_PG_BIN

    def _query(self, work):
        import asyncio  # here, not at the top: a SQLite backup starts faster without it (bench/backup.py)

        import asyncpg

        async def run():
            try:
                connection = await asyncpg.connect(self.url)
            except (OSError, asyncpg.PostgresError) as error:
                raise BackupRefused(f"无法连接数据库 / cannot connect to the database: {error}") from error
            try:
                return await work(connection)
            finally:
                await connection.close()

        return asyncio.run(run())

    def tool(self, name: str) -> str:
        """The path of `name` (pg_dump, pg_restore) of the server's major version, or BackupRefused."""

        async def version(connection) -> int:
            return int(await connection.fetchval("SHOW server_version_num"))

        wanted = server_major(self._query(version))
        configured = self.tools
        if configured is not None:
            places = [configured / name]
        else:
            places = [DEBIAN_TOOLS / major_text(wanted) / "bin" / name]
            if on_path := shutil.which(name):
                places.append(Path(on_path))
        found = next((p for p in places if p.is_file() and os.access(p, os.X_OK)), None)
        if found is None:
            where = f"PARK_PG_BIN ({configured})" if configured is not None else "PATH"
            raise BackupRefused(
                f"找不到 {name}（在 {where} 中）；请安装 PostgreSQL 客户端工具 postgresql-client-{major_text(wanted)} / "
                f"{name} not found (looked in {where}): install the PostgreSQL client tools of the server's "
                f"version, postgresql-client-{major_text(wanted)} on Debian"
            )
        answer = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout
        try:
            have = tool_major(answer)
        except ValueError as error:
            raise BackupRefused(f"{found} 不是可用的 {name} / {found} is not a working {name}: {answer!r}") from error
        if have != wanted:
            raise mismatch(name, str(found), have, wanted)
        return str(found)

    def _run(self, command: list[str], what: str) -> str:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupRefused(f"{what}失败 / {what.strip()} failed: {result.stderr.strip()[-2000:]}")
        return result.stdout

    def back_up(self, out: Path) -> None:
        self._run([self.tool("pg_dump"), "--format=custom", f"--file={out}", f"--dbname={self.url}"], "pg_dump ")

    def check(self, backup: Path) -> None:
        if _kind_of(backup) != "postgres":
            raise _not_this_kind(backup, "postgres")
        listing = subprocess.run([self.tool("pg_restore"), "--list", str(backup)], capture_output=True, text=True,
                                 check=False)  # fmt: skip
        if listing.returncode:
            raise UnusableFile(f"{backup} 无法读取 / {backup} cannot be read: {listing.stderr.strip()[-2000:]}")
        tables = set(re.findall(r" TABLE public (\w+) ", listing.stdout))
        if not set(REGISTRY_TABLES) <= tables:
            raise _not_this_kind(backup, "postgres")

    def refuse_unless_empty(self) -> None:
        async def holding(connection) -> list[str]:
            tables = await connection.fetch(
                "SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = "
                "c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
                "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2"
            )
            found = []
            for table in tables:
                if (table["schema"], table["name"]) == ("public", MIGRATIONS_TABLE):
                    continue
                if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table["schema"]}"."{table["name"]}")'):
                    found.append(table["name"] if table["schema"] == "public" else f"{table['schema']}.{table['name']}")
            return found

        if found := self._query(holding):
            raise _not_empty(found)

    def restore(self, backup: Path) -> None:
        pg_restore = self.tool("pg_restore")

        async def clear(connection) -> None:
            # An empty schema (a database `park serve` has only migrated) goes, so the backup's own
            # tables, sequences and triggers come in whole; a new database's schema stays as it is.
            if await connection.fetchval(
                "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
            ):
                await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")

        self._query(clear)
        # One transaction: a failure leaves the database as empty as it was. Owners and grants are the
        # restoring user's (the IT office may restore as another role, on another server).
        self._run([pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
                   f"--dbname={self.url}", str(backup)], "pg_restore ")  # fmt: skip

        async def analyse(connection) -> None:
            # A restored table has no planner statistics until autovacuum comes by: plans for an empty table.
            await connection.execute("ANALYZE")

        self._query(analyse)
