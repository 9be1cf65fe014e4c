"""The app reads its settings when it is made (`create_app(settings)`), not when api/ is imported."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from registry.settings import settings
from tests.api.factories import assert_problem, new_uscc
from tests.server import serving

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


def test_an_app_for_another_database_is_refused(tmp_path):
    with pytest.raises(ValueError, match="DATABASE_URL"):
        create_app(replace(settings(), database_url=f"sqlite:///{tmp_path}/other.sqlite"))


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
