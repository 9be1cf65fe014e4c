"""`park backup` and `park restore` as an operator runs them (SPEC §10), on the suite's engine: the restore
drill (back up while the server serves, restore elsewhere, the registry dumps equal cell by cell) and the
refusals (a database holding records, a file of another kind, missing tools)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from registry.actor import SYSTEM
from registry.backup import mismatch, server_major, tool_major
from registry.db import fetch, write_transaction
from registry.ip_numbers import make_patent_number
from registry.services.tenants import create_tenant
from tests.conftest import engines_only, new_uscc
from tests.processes import park, query, row_counts, serving, token


def demo_admin_password(demo_output: str) -> str:
    return next(line.split()[-1] for line in demo_output.splitlines() if "password:" in line)


def cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def exported(env: dict[str, str], path: Path) -> dict[str, list[tuple]]:
    result = park(env, "export", "registry", "-o", str(path))
    assert result.returncode == 0, result.stderr
    return cells(path)


class Requests:
    """Reads going on against a server (health, the tenants list, the IP deadlines), each answer's status and
    when it came, in a thread until stopped."""

    def __init__(self, url: str, bearer: str) -> None:
        self.answers: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._ask, args=(url, bearer))

    def _ask(self, url: str, bearer: str) -> None:
        headers = {"Authorization": f"Bearer {bearer}"}
        with httpx.Client(base_url=url + "/api/v1", headers=headers, timeout=30) as client:
            while not self._stop.is_set():
                for path in ("/health", "/tenants?limit=50", "/deadlines?within=90"):
                    self.answers.append((time.monotonic(), client.get(path).status_code))

    def __enter__(self) -> Requests:
        self._thread.start()
        while not self.answers:
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def test_restore_drill_backup_while_serving_restores_elsewhere_with_equal_dumps_and_a_usable_registry(
    fresh_env, second_env, tmp_path
):
    demo = park(fresh_env, "demo")
    assert demo.returncode == 0, demo.stderr
    password = demo_admin_password(demo.stdout)
    backup = tmp_path / "park.backup"

    with (
        serving(fresh_env, log=tmp_path / "serve.log") as url,
        Requests(url, token(url, "demo-admin", password)) as reads,
    ):
        began = time.monotonic()
        taken = park(fresh_env, "backup", "-o", str(backup))
        ended = time.monotonic()
        time.sleep(0.2)
    assert taken.returncode == 0, taken.stderr
    assert "backed up" in taken.stderr and backup.stat().st_size > 0
    assert {status for _, status in reads.answers} == {200}
    assert any(began <= at <= ended for at, _ in reads.answers), "no request was answered during the backup"

    restored = park(second_env, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr

    original, copy = exported(fresh_env, tmp_path / "original.xlsx"), exported(second_env, tmp_path / "copy.xlsx")
    assert list(copy) == list(original)
    for sheet, rows in original.items():
        assert len(copy[sheet]) == len(rows), sheet
        for number, (row, copied) in enumerate(zip(rows, copy[sheet], strict=True), 1):
            assert copied == row, f"{sheet} row {number}"
    assert len(original[next(iter(original))]) > 100  # the demo park's tenants, not an empty dump
    assert sum(len(rows) for rows in original.values()) > 8_000

    # The copy serves: the demo admin signs in with the same password, and new records take fresh ids.
    with serving(second_env, log=tmp_path / "restored.log") as url:
        headers = {"Authorization": f"Bearer {token(url, 'demo-admin', password)}"}
        with httpx.Client(base_url=url + "/api/v1", headers=headers, timeout=30) as client:
            uscc = new_uscc()
            tenant = client.post("/tenants", json={"uscc": uscc, "name": "恢复后新登记企业", "industry": "other",
                                                   "status": "incubating"})  # fmt: skip
            assert tenant.status_code == 201, tenant.text
            item = client.post(f"/tenants/{uscc}/ip", json={
                "kind": "invention", "number": make_patent_number(2021, 1, 9_876_543), "title": "恢复后新专利",
                "status": "pending", "filed_on": "2021-03-01"})  # fmt: skip
            assert item.status_code == 201, item.text
    assert park(second_env, "users", "add", "after-restore", "--role", "manager", "--password-stdin",
                stdin="after-restore-pass\n").returncode == 0  # fmt: skip


async def test_restore_refuses_a_database_that_holds_records_and_changes_nothing(fresh_env, tmp_path):
    added = park(fresh_env, "users", "add", "wang", "--role", "manager", "--password-stdin", stdin="s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    backup = tmp_path / "park.backup"
    assert park(fresh_env, "backup", "-o", str(backup)).returncode == 0
    before = await row_counts(fresh_env)

    refused = park(fresh_env, "restore", str(backup))

    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "account" in refused.stderr and "不是空的" in refused.stderr
    assert await row_counts(fresh_env) == before


async def test_restore_into_a_database_that_was_only_migrated(fresh_env, second_env, tmp_path):
    assert (
        park(fresh_env, "users", "add", "li", "--role", "admin", "--password-stdin", stdin="s3cret-pass\n").returncode
        == 0
    )
    backup = tmp_path / "park.backup"
    assert park(fresh_env, "backup", "-o", str(backup)).returncode == 0
    # Any park command but restore migrates first: the record of migrations, no records.
    assert park(second_env, "export", "template", "-o", str(tmp_path / "template.xlsx")).returncode == 0
    assert (await row_counts(second_env))["migration"] > 0

    restored = park(second_env, "restore", str(backup))

    assert restored.returncode == 0, restored.stderr
    assert await row_counts(second_env) == await row_counts(fresh_env)


def _garbage(path: Path, _: dict) -> None:
    path.write_bytes(os.urandom(4096))


def _empty(path: Path, _: dict) -> None:
    path.write_bytes(b"")


def _spreadsheet(path: Path, _: dict) -> None:
    book = Workbook()
    book.active.append(["统一社会信用代码", "企业名称"])
    book.save(path)


def _other_sqlite_database(path: Path, _: dict) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('not a park')")


def _sqlite_park_backup(path: Path, env: dict) -> None:
    sqlite_env = env | {"DATABASE_URL": f"sqlite:///{path.parent}/other-engine.sqlite"}
    assert park(sqlite_env, "users", "add", "zhao", "--role", "admin", "--password-stdin",
                stdin="s3cret-pass\n").returncode == 0  # fmt: skip
    assert park(sqlite_env, "backup", "-o", str(path)).returncode == 0


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_garbage, "is not a park registry backup"),
        (_empty, "is not a park registry backup"),
        (_spreadsheet, "is not a park registry backup"),
        pytest.param(_other_sqlite_database, "is not a park registry backup", marks=engines_only("sqlite")),
        pytest.param(_other_sqlite_database, "is a backup of a SQLite database", marks=engines_only("postgres")),
        pytest.param(_sqlite_park_backup, "is a backup of a SQLite database", marks=engines_only("postgres")),
    ],
)
async def test_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(second_env, tmp_path, make, says):
    given = tmp_path / "given.file"
    make(given, second_env)

    refused = park(second_env, "restore", str(given))

    assert refused.returncode == 2
    assert says in refused.stderr and "备份" in refused.stderr
    assert await row_counts(second_env) == {}


async def test_a_backup_taken_during_a_write_holds_what_was_committed_and_none_of_the_write(second_env, tmp_path):
    """The server's write transaction is open while `park backup` runs: the copy is the registry as committed
    when it began, so every record in it has its audit entry and the half-done write is not there."""
    counts = (
        "SELECT (SELECT count(*) FROM tenant) AS tenants, "
        "(SELECT count(*) FROM audit_entry WHERE entity = 'tenant') AS audited"
    )
    [committed] = [tuple(row.values()) for row in await fetch(counts)]
    backup = tmp_path / "during-write.backup"

    async with write_transaction():
        for _ in range(20):
            await create_tenant(SYSTEM, {"uscc": new_uscc(), "name": "备份时正在写入的企业", "industry": "other",
                                         "status": "incubating"})  # fmt: skip
        taken = park(dict(os.environ), "backup", "-o", str(backup))

    assert taken.returncode == 0, taken.stderr
    [after] = [tuple(row.values()) for row in await fetch(counts)]
    assert after == (committed[0] + 20, committed[1] + 20)  # the write went on and committed
    assert park(second_env, "restore", str(backup)).returncode == 0
    assert (await query(second_env, counts))[0] == committed


@engines_only("postgres")
async def test_missing_postgres_tools_are_named_with_the_package_to_install(fresh_env, tmp_path):
    backup = tmp_path / "park.backup"
    assert park(fresh_env, "users", "add", "qian", "--role", "admin", "--password-stdin",
                stdin="s3cret-pass\n").returncode == 0  # fmt: skip
    assert park(fresh_env, "backup", "-o", str(backup)).returncode == 0
    nowhere = tmp_path / "no-tools"
    nowhere.mkdir()
    without_tools = fresh_env | {"PARK_PG_BIN": str(nowhere), "PATH": str(nowhere)}

    no_dump = park(without_tools, "backup", "-o", str(tmp_path / "again.backup"))
    no_restore = park(without_tools, "restore", str(backup))

    assert no_dump.returncode == 1 and "pg_dump not found" in no_dump.stderr
    assert no_restore.returncode == 1 and "pg_restore not found" in no_restore.stderr
    for refused in (no_dump, no_restore):
        assert "postgresql-client-" in refused.stderr and "找不到" in refused.stderr
    assert not (tmp_path / "again.backup").exists() and not (tmp_path / "again.backup.part").exists()


def test_backup_writes_nothing_where_the_directory_is_missing(fresh_env, tmp_path):
    result = park(fresh_env, "backup", "-o", str(tmp_path / "missing" / "park.backup"))
    assert result.returncode == 2 and "no such directory" in result.stderr


def test_tool_and_server_versions_are_compared_by_major_version():
    assert tool_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert tool_major("pg_restore (PostgreSQL) 16.4") == 16
    assert tool_major("pg_dump (PostgreSQL) 9.6.24") == 906
    assert server_major(150020) == 15 and server_major(160004) == 16 and server_major(90624) == 906
    with pytest.raises(ValueError):
        tool_major("sqlite3 3.40.1")
    refusal = mismatch("pg_dump", "/usr/bin/pg_dump", 16, 15).detail
    assert "PostgreSQL 16 but the server is 15" in refusal and "postgresql-client-15" in refusal
    assert "主版本" in refusal
