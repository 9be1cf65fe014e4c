"""`park` as an operator runs it: subprocesses on a fresh database of the suite's engine (made visible to every
test by tests/conftest.py)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from registry.settings import sqlite_file
from tests.conftest import ENGINE

PARK = [sys.executable, "-m", "api.cli"]


async def _new_database(env: dict[str, str], sqlite_name: str, postgres_name: str):
    """`env` on a new, empty database: a SQLite file not made yet, or a PostgreSQL database made now (and
    dropped afterwards)."""
    if ENGINE == "sqlite":
        yield env | {"DATABASE_URL": f"sqlite:///{env['PARK_DATA_DIR']}/{sqlite_name}"}
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    admin = await asyncpg.connect(os.environ["DATABASE_URL"])
    await admin.execute(f"DROP DATABASE IF EXISTS {postgres_name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {postgres_name}")
    yield env | {"DATABASE_URL": urlunsplit(url._replace(path=f"/{postgres_name}"))}
    await admin.execute(f"DROP DATABASE IF EXISTS {postgres_name} WITH (FORCE)")
    await admin.close()


@pytest.fixture
async def fresh_env(tmp_path: Path):
    """The environment of an operator on a fresh database of the suite's engine."""
    env = os.environ | {"PARK_DATA_DIR": str(tmp_path)}
    async for fresh in _new_database(env, "cli.sqlite", f"park_cli_{os.getpid()}"):
        yield fresh


@pytest.fixture
async def second_env(tmp_path: Path):
    """The same operator on a second, empty database of the suite's engine (a restore's target): named
    after the suite's own database on PostgreSQL."""
    env = os.environ | {"PARK_DATA_DIR": str(tmp_path)}
    suite_database = urlsplit(os.environ["DATABASE_URL"]).path.strip("/")
    async for second in _new_database(env, "second.sqlite", f"{suite_database}_second_{os.getpid()}"):
        yield second


async def query(env: dict[str, str], sql: str) -> list[tuple]:
    """The rows of `sql` on the database `env` names, read beside the registry (no migration, no Piccolo); a
    SQLite file not made yet reads as a database without tables."""
    url = env["DATABASE_URL"]
    if ENGINE == "sqlite":
        path = sqlite_file(url)
        if not path.exists():
            return []
        with sqlite3.connect(path) as connection:
            return connection.execute(sql).fetchall()
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


def park(
    env: dict[str, str], *args: str, stdin: str | None = None, command: list[str] = PARK, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """`park ARGS`: this checkout's by default, or `command` (an installed `park`, tests/test_install.py)."""
    return subprocess.run([*command, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300, cwd=cwd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def started(
    env: dict[str, str], *args: str, log: Path, command: list[str] = PARK, cwd: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`park serve` (or `command` serve) on a free port (extra arguments such as `--workers 2` passed on);
    yields its base URL once it answers, and the process (a test may kill it); stops it afterwards if it
    still runs."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*command, "serve", "--port", str(port), *args], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(url + "/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def serving(
    env: dict[str, str], *args: str, log: Path, command: list[str] = PARK, cwd: Path | None = None
) -> Iterator[str]:
    """`park serve` on a free port; yields its base URL once it answers, and stops it afterwards."""
    with started(env, *args, log=log, command=command, cwd=cwd) as (url, _):
        yield url


def add_account(
    env: dict[str, str], name: str, role: str, password: str, tenant: str | None = None, command: list[str] = PARK
) -> None:
    extra = ["--tenant", tenant] if tenant else []
    result = park(
        env, "users", "add", name, "--role", role, *extra, "--password-stdin", stdin=password + "\n", command=command
    )
    assert result.returncode == 0, result.stderr


def token(url: str, username: str, password: str) -> str:
    response = httpx.post(url + "/api/v1/auth/token", json={"username": username, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def row_counts(env: dict[str, str]) -> dict[str, int]:
    """Every table of the database `env` names, with its number of rows (empty: no tables yet)."""
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        if ENGINE == "sqlite"
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    names = [name for (name,) in await query(env, listing)]
    return {name: (await query(env, f'SELECT count(*) FROM "{name}"'))[0][0] for name in sorted(names)}
