"""`park import` as a manager runs it: exit status, what it prints, and a killed import leaving the
database exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from registry.tables import TABLES
from tests.conftest import ENGINE, new_uscc
from tests.importers.conftest import patent, xlsx
from tests.importers.test_messy_files import IP_HEADERS, TENANT_HEADERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_url(tmp_path) -> str:
    """The suite's PostgreSQL database, or a SQLite file of the test's own."""
    if ENGINE == "postgres":
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def _park_import(url: str, path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "importers.command", str(path), *args],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_cli_exit_status_and_output(tmp_path, database_url):
    uscc = new_uscc()
    good = _write(tmp_path, "good.xlsx", xlsx({"企业": [TENANT_HEADERS, [uscc, "命令行企业", "其他", "在孵", None]]}))
    dry = _park_import(database_url, good, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "would create       1" in dry.stdout and " created " not in dry.stdout

    applied = _park_import(database_url, good)
    assert applied.returncode == 0 and "applied" in applied.stdout

    bad = _write(
        tmp_path, "bad.xlsx", xlsx({"企业": [TENANT_HEADERS, [uscc, "命令行企业", "采矿", "在孵", "2017-02-30"]]})
    )
    invalid = _park_import(database_url, bad)
    assert invalid.returncode == 1
    assert "企业!C2 「采矿」" in invalid.stdout and "企业!E2 「2017-02-30」" in invalid.stdout
    assert "nothing was written" in invalid.stdout
    assert "would create" in invalid.stdout and " created " not in invalid.stdout

    unusable = _park_import(database_url, _write(tmp_path, "notes.pdf", b"%PDF-1.7 ..."))
    assert unusable.returncode == 2 and "not_a_spreadsheet" in unusable.stderr
    assert _park_import(database_url, tmp_path / "missing.xlsx").returncode == 2


def _big_ip_file(path: Path, owner: str, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("知识产权")
    sheet.append(IP_HEADERS)
    for n in range(rows):
        sheet.append([owner, "发明专利", patent(2016, 1), f"一种测试装置{n}", "2016-03-01", None, "申请中"])
    book.save(path)


def _snapshot_sqlite(url: str) -> dict[str, list]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return {
            table._meta.tablename: connection.execute(f"SELECT * FROM {table._meta.tablename} ORDER BY id").fetchall()
            for table in TABLES
        }


async def _snapshot(url: str) -> dict[str, list]:
    if ENGINE != "postgres":
        return _snapshot_sqlite(url)
    return {table._meta.tablename: await table.select().order_by(table.id).run() for table in TABLES}


async def test_an_import_killed_part_way_through_leaves_the_database_as_it_was(tmp_path, database_url):
    owner = new_uscc()
    seed = _write(
        tmp_path,
        "seed.xlsx",
        xlsx(
            {
                "企业": [TENANT_HEADERS, [owner, "被中断的企业", "其他", "在孵", "2016-01-01"]],
                "知识产权": [IP_HEADERS, [owner, "发明专利", patent(), "已有的专利", "2016-01-01", None, "申请中"]],
            }
        ),
    )
    assert _park_import(database_url, seed).returncode == 0
    big = tmp_path / "big.xlsx"
    _big_ip_file(big, owner, 30_000)
    before = await _snapshot(database_url)

    process = subprocess.Popen(
        [sys.executable, "-m", "importers.command", str(big)],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        if "writing ip" in line:  # rows are in the open transaction: kill it now
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, seen
    assert any("writing ip" in line and "/30000" in line for line in seen)

    assert await _snapshot(database_url) == before

    after_kill = _write(tmp_path, "after.xlsx", xlsx({"企业": [["USCC", "联系电话"], [owner, "0731-0000"]]}))
    result = _park_import(database_url, after_kill)
    assert result.returncode == 0 and "updated       1" in result.stdout
