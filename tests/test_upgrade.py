"""Upgrades keep every record (SPEC §10): a database written by the code of an earlier release migrates
forward under today's code with every record kept, on the suite's engine.

The earlier release's code is taken from git (`git archive` of its commit into a temporary directory)
and run in this same virtual environment with PYTHONPATH pointing at it: it loads the demo park, adds an
account, imports a file and closes a year. Today's `park` then migrates that database (every command
migrates first) and the test compares, cell by cell, every table and the registry dump before and after,
signs in with the accounts the old code made, and checks that the audit trail still matches the records.

How upgrades work, and how to move the release this test starts from: docs/operations-upgrades-and-crashes.md.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from registry.uscc import make_demo_uscc
from tests.processes import park, serving, token
from tests.records import assert_audit_matches_records, rows, tables

# The last release landed (2026-12-01; tagged v2026.12.01 where tags were fetched). The commit itself
# is named so a fresh clone with the full history needs no tag.
RELEASE = "48a2ade"
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "upgrade-password-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Derived tables a migration may compute anew by today's rule (registry.services.deadline_table); the
# records they derive from are compared. Piccolo's own record of the migrations run grows.
DERIVED = {"ip_deadline"}
FIRST, SECOND = make_demo_uscc(8801), make_demo_uscc(8802)


def release_tree(target: Path) -> Path:
    """The release's files, from git, in `target`."""
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{RELEASE}^{{commit}}"], capture_output=True)
    if found.returncode != 0:
        pytest.fail(
            f"the commit of the earlier release ({RELEASE}) is not in this clone; the upgrade test needs the "
            "full history (git fetch --unshallow, or CI's checkout with fetch-depth: 0)"
        )
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE], capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def old_park(tree: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The release's `park` (its `api.cli`, found first on the path), in this environment."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        env=env | {"PYTHONPATH": str(tree)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _import_file() -> bytes:
    """A manager's file: two tenants, an IP item each and their 2016 reports."""
    book = Workbook()
    tenants = book.active
    tenants.title = "企业"
    tenants.append(["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期"])
    tenants.append([FIRST, "升级测试企业一 (synthetic)", "电子信息", "在孵", date(2016, 1, 4)])
    tenants.append([SECOND, "升级测试企业二 (synthetic)", "新材料", "在孵", date(2016, 2, 1)])
    ip = book.create_sheet("知识产权")
    ip.append(["统一社会信用代码", "知识产权类型", "申请号/登记号", "名称", "申请日", "授权日", "法律状态"])
    ip.append([FIRST, "软件著作权", "2016SR900001", "升级测试软件", date(2016, 3, 1), date(2016, 5, 1), "有效"])
    ip.append([SECOND, "商标", "39000001", "升级测试商标", date(2016, 3, 1), date(2016, 12, 1), "有效"])
    reports = book.create_sheet("经营数据")
    reports.append(["统一社会信用代码", "报告期", "营业收入", "从业人员"])
    reports.append([FIRST, "2016", "1234567.89", 12])
    reports.append([SECOND, "2016", "7654321.01", 30])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_CLOSE_2016 = """
import asyncio, registry
from registry.actor import Actor
from registry.migrate import run_on_database
from registry.services.closed_years import close_year
print(registry.__file__)
run_on_database(lambda: close_year(Actor("upgrade-stats", "statistician", source="cli"), 2016))
"""


async def _every_row(url: str) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every table's rows by id (Piccolo's migration table by name)."""
    found = {}
    for table in await tables(url):
        key = "name" if table == "migration" else "id"
        found[table] = {row[key]: row for row in await rows(url, f'SELECT * FROM "{table}"')}
    return found


def _kept(before: dict[str, dict[Any, dict]], after: dict[str, dict[Any, dict]]) -> list[str]:
    """Where `after` lost or changed what `before` held: tables, rows, cells (columns added later are fine)."""
    lost = []
    for table, old_rows in before.items():
        if table not in after:
            lost.append(f"table {table} is gone")
            continue
        if table in DERIVED:
            continue
        new_rows = after[table]
        if table != "migration" and len(new_rows) != len(old_rows):
            lost.append(f"{table}: {len(old_rows)} rows before, {len(new_rows)} after")
        for key, old in old_rows.items():
            new = new_rows.get(key)
            if new is None:
                lost.append(f"{table} {key}: row gone")
                continue
            lost += [
                f"{table} {key} {column}: {value!r} became {new.get(column)!r}"
                for column, value in old.items()
                if column != "ran_on" and new.get(column) != value
            ]
    return lost


def _sheets(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's rows as header → cell."""
    book = load_workbook(path, read_only=True)
    found = {}
    for sheet in book.worksheets:
        lines = list(sheet.iter_rows(values_only=True))
        header = lines[0] if lines else ()
        found[sheet.title] = [dict(zip(header, line, strict=False)) for line in lines[1:]]
    book.close()
    return found


def _dump_kept(before: Path, after: Path) -> list[str]:
    """Cell by cell: every sheet, row and column of the release's dump, unchanged in today's."""
    old, new = _sheets(before), _sheets(after)
    lost = []
    for title, old_rows in old.items():
        new_rows = new.get(title)
        if new_rows is None or len(new_rows) != len(old_rows):
            lost.append(
                f"sheet {title}: {len(old_rows)} rows before, {None if new_rows is None else len(new_rows)} after"
            )
            continue
        for n, (was, now) in enumerate(zip(old_rows, new_rows, strict=True), start=2):
            lost += [
                f"{title}!{column} row {n}: {value!r} became {now.get(column)!r}"
                for column, value in was.items()
                if now.get(column) != value
            ]
    return lost


async def test_a_database_of_the_last_release_migrates_forward_with_every_record_kept(fresh_env, tmp_path):
    url_db = fresh_env["DATABASE_URL"]
    tree = release_tree(tmp_path / "release")

    # The release writes: the demo park, an account, an import, a closed year.
    demo = old_park(tree, fresh_env, "-m", "api.cli", "demo")
    assert demo.returncode == 0, demo.stderr
    demo_password = demo.stdout.split("with password:")[1].split()[0]
    added = old_park(
        tree,
        fresh_env,
        "-m",
        "api.cli",
        "users",
        "add",
        "upgrade-manager",
        "--role",
        "manager",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    (tmp_path / "upgrade.xlsx").write_bytes(_import_file())
    imported = old_park(tree, fresh_env, "-m", "api.cli", "import", str(tmp_path / "upgrade.xlsx"))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    closed = old_park(tree, fresh_env, "-c", _CLOSE_2016)
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith(str(tree)), f"the release's code did not run: {closed.stdout}"
    dumped = old_park(tree, fresh_env, "-m", "api.cli", "export", "registry", "-o", str(tmp_path / "before.xlsx"))
    assert dumped.returncode == 0, dumped.stderr
    before = await _every_row(url_db)
    assert before["closed_year"] and before["import_batch"] and len(before["account"]) == 2
    assert {FIRST, SECOND} <= {row["uscc"] for row in before["tenant"].values()}

    # Today's code: `park export` migrates the database first, then dumps it.
    exported = park(fresh_env, "export", "registry", "-o", str(tmp_path / "after.xlsx"))
    assert exported.returncode == 0, exported.stderr
    after = await _every_row(url_db)
    assert _kept(before, after) == []
    migrations = {path.stem for path in (ROOT / "registry" / "migrations").glob("registry_*.py")}
    assert len(after["migration"]) == len(migrations), "today's migrations did not all run"
    assert _dump_kept(tmp_path / "before.xlsx", tmp_path / "after.xlsx") == []
    await assert_audit_matches_records(url_db)

    with serving(fresh_env, log=tmp_path / "serve.log") as url:
        for username, password in (("demo-admin", demo_password), ("upgrade-manager", PASSWORD)):
            bearer = {"Authorization": f"Bearer {token(url, username, password)}"}
            assert httpx.get(url + "/api/v1/me", headers=bearer, timeout=30).status_code == 200
        refused = httpx.put(
            f"{url}/api/v1/tenants/{FIRST}/reports/2016", headers=bearer, timeout=30, json={"revenue": "1.00"}
        )
        assert refused.status_code == 409, refused.text  # 2016 is still closed
