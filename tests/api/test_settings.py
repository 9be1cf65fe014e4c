"""Settings and the database are bound where an app is made (`create_app(settings)`) or a command starts,
never at import: two apps on two databases serve side by side in one process, each with its own settings."""

from __future__ import annotations

import contextvars
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from piccolo.apps.user.tables import BaseUser

from api.app import create_app
from registry.actor import SYSTEM
from registry.db import Database, bound, current
from registry.migrate import migrate
from registry.services import accounts
from registry.tables import Account
from tests.api.factories import assert_problem, new_uscc
from tests.conftest import SETTINGS
from tests.server import PASSWORD, serving

ROOT = Path(__file__).resolve().parents[2]
HEADER = "统一社会信用代码,企业名称,产业类别,状态\n"


def _upload(size: int) -> dict:
    row = f"{new_uscc()},设置测试企业,其他,在孵\n"
    padding = "\n" * (size - len((HEADER + row).encode()))  # blank lines: nothing to import
    return {"file": ("settings.csv", (HEADER + row + padding).encode())}


def _signed_in(url: str, manager: httpx.AsyncClient) -> httpx.AsyncClient:
    """A client of the app at `url` with the manager's token (both apps sign with the same secret)."""
    return httpx.AsyncClient(
        base_url=url + "/api/v1", headers={"Authorization": manager.headers["Authorization"]}, timeout=60
    )


async def test_the_upload_cap_is_the_one_the_app_was_made_with(manager, database):
    async with (
        serving(create_app(replace(SETTINGS, import_max_bytes=4_000), database=database)) as url,
        _signed_in(url, manager) as small,
    ):
        assert (await small.post("/imports?dry_run=true", files=_upload(3_000))).status_code == 200
        assert_problem(await small.post("/imports?dry_run=true", files=_upload(5_000)), 413)  # read, then refused
        assert_problem(await small.post("/imports?dry_run=true", files=_upload(200_000)), 413)  # refused unread
    assert (await manager.post("/imports?dry_run=true", files=_upload(5_000))).status_code == 200


async def _migrated(settings) -> None:
    """The database of `settings` migrated, as `park serve` does before it starts the app."""
    with bound(Database(settings)) as database:
        try:
            await migrate()
        finally:
            await database.close()


def _sqlite(tmp_path: Path, name: str, **changes):
    return replace(SETTINGS, database_url=f"sqlite:///{tmp_path / name}", **changes)


def _tenant(uscc: str, name: str) -> dict:
    return {"uscc": uscc, "name": name, "industry": "other", "status": "incubating", "moved_in_on": "2020-01-01"}


async def test_two_apps_on_two_databases_serve_side_by_side_each_with_its_own(tmp_path):
    """Both apps started (their lifespans open their own databases) and serving in one process at once:
    a write through one is in its file only, each signs with its own secret and keeps its own caches."""
    first = _sqlite(tmp_path, "first.sqlite", jwt_secret="first-" * 8, calendar_secret="first-calendar-" * 4)
    second = _sqlite(tmp_path, "second.sqlite", jwt_secret="second-" * 8, calendar_secret="second-calendar-" * 4)
    await _migrated(first)
    await _migrated(second)
    one, two = create_app(first), create_app(second)
    assert one.state.database is not two.state.database
    assert one.state.database.tenants is not two.state.database.tenants
    assert one.state.verified_tokens is not two.state.verified_tokens
    async with serving(one, lifespan=True) as one_url, serving(two, lifespan=True) as two_url:
        for app in (one, two):  # the same name in both: only the secret tells the two tokens apart
            with bound(app.state.database):
                await accounts.create_account(SYSTEM, {"username": "both", "password": PASSWORD, "role": "manager"})
        uscc = new_uscc()
        async with (
            httpx.AsyncClient(base_url=one_url + "/api/v1") as at_one,
            httpx.AsyncClient(base_url=two_url + "/api/v1") as at_two,
        ):
            for client in (at_one, at_two):
                token = await client.post("/auth/token", json={"username": "both", "password": PASSWORD})
                assert token.status_code == 200, token.text
                client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            created = await at_one.post("/tenants", json=_tenant(uscc, "第一库企业"))
            assert created.status_code == 201, created.text
            assert (await at_one.get(f"/tenants/{uscc}")).status_code == 200
            assert_problem(await at_two.get(f"/tenants/{uscc}"), 404)
            # A token the first app verified and remembers is not the second app's.
            wrong = await at_two.get("/tenants", headers={"Authorization": at_one.headers["Authorization"]})
            assert_problem(wrong, 401)
            assert (await at_two.post("/tenants", json=_tenant(uscc, "第二库企业"))).status_code == 201
            # Each app makes its calendar keys with its own secret: the same tenant with the same nonce
            # in both databases has two keys, each opening its own app's feed only.
            subscription = f"/tenants/{uscc}/deadlines/subscription"
            first_key = (await at_one.get(subscription)).json()["key"]
            assert (await at_two.get(subscription)).status_code == 200
            with sqlite3.connect(tmp_path / "first.sqlite") as connection:
                (nonce,) = connection.execute("SELECT nonce FROM calendar_feed").fetchone()
            with sqlite3.connect(tmp_path / "second.sqlite") as connection:
                connection.execute("UPDATE calendar_feed SET nonce = ?", (nonce,))
            second_key = (await at_two.get(subscription)).json()["key"]
            assert second_key != first_key
            async with httpx.AsyncClient(base_url=two_url + "/api/v1") as calendar_app:
                feed = f"/tenants/{uscc}/deadlines.ics"
                assert (await calendar_app.get(feed, params={"key": second_key})).status_code == 200
                assert_problem(await calendar_app.get(feed, params={"key": first_key}), 404)
    for name, expected in (("first.sqlite", "第一库企业"), ("second.sqlite", "第二库企业")):
        with sqlite3.connect(tmp_path / name) as connection:
            assert connection.execute("SELECT name FROM tenant WHERE uscc = ?", (uscc,)).fetchall() == [(expected,)]


async def test_the_registry_dump_is_of_the_apps_database_not_the_process_environment(tmp_path, database):
    """The dump runs in a worker process: it is handed the app's settings, not DATABASE_URL of the process
    (the suite's database here)."""
    elsewhere = _sqlite(tmp_path, "elsewhere.sqlite")
    await _migrated(elsewhere)
    app = create_app(elsewhere)
    uscc = new_uscc()
    async with serving(app, lifespan=True) as url:
        with bound(app.state.database):
            await accounts.create_account(SYSTEM, {"username": "dumper", "password": PASSWORD, "role": "admin"})
        client = await login_existing(url, "dumper")
        try:
            assert (await client.post("/tenants", json=_tenant(uscc, "别处企业"))).status_code == 201
            response = await client.get("/exports/registry.xlsx", timeout=120)
            assert response.status_code == 200, response.text
        finally:
            await client.aclose()
    sheet = load_workbook(BytesIO(response.content), read_only=True)["企业"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [uscc]


async def login_existing(url: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url + "/api/v1")
    response = await client.post("/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


async def test_new_passwords_are_hashed_with_the_count_of_the_bound_databases_settings(database):
    """The suite's database under settings with another PBKDF2 count; the suite's own count after it."""
    fewer, usual = f"rounds-{new_uscc()}", f"rounds-{new_uscc()}"
    with bound(Database(replace(SETTINGS, pbkdf2_iterations=1_234))) as other:
        try:
            await accounts.create_account(SYSTEM, {"username": fewer, "password": PASSWORD, "role": "manager"})
        finally:
            await other.close()
    assert current() is database
    await accounts.create_account(SYSTEM, {"username": usual, "password": PASSWORD, "role": "manager"})
    rows = await Account.select(Account.username, Account.password).where(Account.username.is_in([fewer, usual])).run()
    counts = {row["username"]: BaseUser.split_stored_password(row["password"])[1] for row in rows}
    assert counts == {fewer: "1234", usual: str(SETTINGS.pbkdf2_iterations)}


_IMPORT_EVERYTHING = """
import gc, importlib, json, os, pkgutil, sys
from piccolo.engine.base import Engine
names = []
for package in ("registry", "importers", "exports", "api"):
    module = importlib.import_module(package)
    names.append(package)
    for found in pkgutil.walk_packages(module.__path__, package + "."):
        if found.name.endswith("__main__"):
            continue
        importlib.import_module(found.name)
        names.append(found.name)
from registry import db
engines = [type(o).__name__ for o in gc.get_objects() if isinstance(o, Engine)]
print(json.dumps({"modules": len(names), "engines": engines, "bound": db._current.get() is not None,
                  "files": sorted(os.listdir("."))}))
"""


def test_importing_every_module_makes_no_folder_no_file_and_no_engine(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PARK_") and name not in ("DATABASE_URL", "PICCOLO_CONF")
    }
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["modules"] > 80
    assert seen == {"modules": seen["modules"], "engines": [], "bound": False, "files": []}


def test_outside_an_app_or_a_command_no_database_is_bound():
    """No process-wide fallback: the registry works on a database only where one was bound."""
    with pytest.raises(LookupError, match="no database bound"):
        contextvars.Context().run(current)
