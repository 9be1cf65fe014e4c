"""The app reads its settings when it is made (`create_app(settings)`), not when api/ is imported."""

from __future__ import annotations

import ast
import sqlite3
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from api.app import create_app
from registry.db import DatabaseInUse, close_database, engine, use_database
from registry.migrate import migrate
from registry.settings import settings
from tests.api.factories import assert_problem, new_uscc
from tests.server import login, serving

API = Path(__file__).resolve().parents[2] / "api"
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


async def test_the_upload_cap_is_the_one_the_app_was_made_with(manager):
    async with (
        serving(create_app(replace(settings(), import_max_bytes=4_000))) as url,
        _signed_in(url, manager) as small,
    ):
        assert (await small.post("/imports?dry_run=true", files=_upload(3_000))).status_code == 200
        assert_problem(await small.post("/imports?dry_run=true", files=_upload(5_000)), 413)  # read, then refused
        assert_problem(await small.post("/imports?dry_run=true", files=_upload(200_000)), 413)  # refused unread
    assert (await manager.post("/imports?dry_run=true", files=_upload(5_000))).status_code == 200


@pytest.fixture
async def suite_database():
    """The suite's engine; bound again after the test, whatever the test bound meanwhile (closed)."""
    original = engine()
    yield original
    if engine() is not original:
        await close_database()
        use_database(original)
    assert engine() is original


async def test_an_app_for_another_database_writes_to_that_one(suite_database, tmp_path):
    other = tmp_path / "other.sqlite"
    app = create_app(replace(settings(), database_url=f"sqlite:///{other}"))
    assert engine() is not suite_database and engine().engine_type == "sqlite"
    await migrate()  # as `park serve` does before it starts the app
    async with serving(app) as url:
        client = await login(url, "manager")
        try:
            uscc = new_uscc()
            response = await client.post("/tenants", json={
                "uscc": uscc, "name": "另一库企业", "industry": "other", "status": "incubating",
                "moved_in_on": "2020-01-01",
            })
            assert response.status_code == 201, response.text
            assert (await client.get("/health")).json()["engine"] == "sqlite"
        finally:
            await client.aclose()
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT name FROM tenant WHERE uscc = ?", (uscc,)).fetchall() == [("另一库企业",)]
    assert await suite_database.fetch("SELECT id FROM tenant WHERE uscc = :uscc", {"uscc": uscc}, False) == []


def test_an_app_started_binds_its_database_again(suite_database, tmp_path):
    """Another app made since (here: the suite's database bound again) does not move a started app."""
    app = create_app(replace(settings(), database_url=f"sqlite:///{tmp_path}/started.sqlite"))
    use_database(suite_database)
    with TestClient(app) as client:
        assert client.get("/api/v1/health").json()["engine"] == "sqlite"
        assert engine().path == str(tmp_path / "started.sqlite")


def _reads_at_import(tree: ast.Module) -> list[int]:
    """Lines calling settings() outside any function: they run when the module is imported."""
    found, pending = [], list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "settings":
            found.append(node.lineno)
        pending += ast.iter_child_nodes(node)
    return found


def test_no_module_of_the_api_reads_the_settings_when_imported():
    found = {
        str(path.relative_to(API.parent)): lines
        for path in API.rglob("*.py")
        if (lines := _reads_at_import(ast.parse(path.read_text())))
    }
    assert found == {}


def test_a_process_serving_one_database_refuses_to_bind_another(suite_database, tmp_path):
    """One process serves one database: another is refused while an app is started, not swapped in
    under its requests."""
    serving_app = create_app(replace(settings(), database_url=f"sqlite:///{tmp_path}/serving.sqlite"))
    second = replace(settings(), database_url=f"sqlite:///{tmp_path}/second.sqlite")
    with TestClient(serving_app) as client:
        with pytest.raises(DatabaseInUse, match="one process|another process"):
            create_app(second)
        with pytest.raises(DatabaseInUse):
            use_database(suite_database)
        assert engine().path == str(tmp_path / "serving.sqlite")
        assert client.get("/api/v1/health").json()["engine"] == "sqlite"
    create_app(second)  # stopped: the process may bind another database again
    assert engine().path == str(tmp_path / "second.sqlite")
