"""`park` as an operator runs it: subprocesses on a fresh database of the suite's engine (made visible to every
test by tests/conftest.py)."""

from __future__ import annotations

import os
import socket
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

from tests.conftest import ENGINE

PARK = [sys.executable, "-m", "api.cli"]


@pytest.fixture
async def fresh_env(tmp_path: Path):
    """The environment of an operator on a fresh database of the suite's engine."""
    env = os.environ | {"PARK_DATA_DIR": str(tmp_path)}
    if ENGINE == "sqlite":
        yield env | {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"park_cli_{os.getpid()}"
    admin = await asyncpg.connect(os.environ["DATABASE_URL"])
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {name}")
    yield env | {"DATABASE_URL": urlunsplit(url._replace(path=f"/{name}"))}
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.close()


def park(env: dict[str, str], *args: str, stdin: str | None = None, command: list[str] = PARK,
         cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`park ARGS`: this checkout's by default, or `command` (an installed `park`, tests/test_install.py)."""
    return subprocess.run([*command, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300, cwd=cwd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(env: dict[str, str], *args: str, log: Path, command: list[str] = PARK,
            cwd: Path | None = None) -> Iterator[str]:
    """`park serve` on a free port (extra arguments such as `--workers 2` passed on); yields its base URL once
    it answers, and stops it afterwards."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([*command, "serve", "--port", str(port), *args], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=cwd)
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
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def add_account(env: dict[str, str], name: str, role: str, password: str, tenant: str | None = None,
                command: list[str] = PARK) -> None:
    extra = ["--tenant", tenant] if tenant else []
    result = park(env, "users", "add", name, "--role", role, *extra, "--password-stdin", stdin=password + "\n",
                  command=command)
    assert result.returncode == 0, result.stderr


def token(url: str, username: str, password: str) -> str:
    response = httpx.post(url + "/api/v1/auth/token", json={"username": username, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
