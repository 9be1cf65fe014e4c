"""Retention (SPEC §10): the stored file of a batch never applied goes after PARK_UPLOAD_RETENTION_DAYS;
the batch and its audit entries stay, and what needed the file answers that it is no longer kept."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from importers import apply_dry_run, errors_workbook, get_batch, run_import
from registry.db import claim_housekeeping, release_housekeeping
from registry.errors import Conflict, NotFound
from registry.housekeeping import Housekeeper, purge_uploads
from registry.services import import_batches
from registry.tables import AuditEntry, ImportBatch
from tests.conftest import new_uscc
from tests.importers.conftest import xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.processes import add_account, park, serving, token
from tests.server import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _clean() -> bytes:
    return xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "保留期限企业", "电子信息", "在孵", "2017/3/5"]]})


def _with_errors() -> bytes:
    return xlsx({"企业": [TENANT_HEADERS, ["91430200NOTAUSCC", "保留期限坏企业", "电子信息", "在孵", "2017/3/5"]]})


async def _age(batch_id: int, days: float) -> None:
    await (
        ImportBatch.update({ImportBatch.created_at: datetime.now(UTC) - timedelta(days=days)})
        .where(ImportBatch.id == batch_id)
        .run()
    )


async def _has_file(batch_id: int) -> bool:
    return await import_batches.batch_file(batch_id) is not None


@pytest.fixture
async def batches(manager):
    """An old dry run, an old file with errors, an old applied dry run, a recent dry run, an old applied import."""
    old_dry = (await run_import(manager, "old-dry.xlsx", _clean(), dry_run=True)).id
    old_invalid = (await run_import(manager, "old-bad.xlsx", _with_errors(), dry_run=False)).id
    applied_dry = (await run_import(manager, "applied-dry.xlsx", _clean(), dry_run=True)).id
    applied_as = (await apply_dry_run(manager, applied_dry)).id
    recent_dry = (await run_import(manager, "recent-dry.xlsx", _clean(), dry_run=True)).id
    old_applied = (await run_import(manager, "old-applied.xlsx", _clean(), dry_run=False)).id
    for batch_id in (old_dry, old_invalid, applied_dry, applied_as, old_applied):
        await _age(batch_id, 31)
    await _age(recent_dry, 29)
    return {
        "old_dry": old_dry,
        "old_invalid": old_invalid,
        "applied_dry": applied_dry,
        "recent_dry": recent_dry,
        "old_applied": old_applied,
    }


async def test_files_of_batches_never_applied_go_after_the_retention_days_and_the_batches_stay(batches, manager):
    assert await _has_file(batches["old_dry"]) and await _has_file(batches["old_invalid"])
    purged = await purge_uploads(30)
    assert batches["old_dry"] in purged and batches["old_invalid"] in purged
    assert not {batches["recent_dry"], batches["applied_dry"], batches["old_applied"]} & set(purged)
    assert not await _has_file(batches["old_dry"]) and not await _has_file(batches["old_invalid"])
    assert await _has_file(batches["recent_dry"])
    for name in ("old_dry", "old_invalid"):  # the record stays whole: counts, errors, digest
        report = await get_batch(manager, batches[name])
        assert report.sha256 and report.size > 0
    assert (await get_batch(manager, batches["old_invalid"])).errors
    # Each batch keeps its own creation entry, and gains one for the file's deletion.
    entries = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.source)
        .where((AuditEntry.entity == "import") & (AuditEntry.entity_key == str(batches["old_dry"])))
        .order_by(AuditEntry.id)
        .run()
    )
    assert [e["action"] for e in entries] == ["create", "purge_file"]
    assert entries[1]["source"] == "retention"
    assert await purge_uploads(30) == []  # done once: nothing left to delete


async def test_a_batch_whose_file_is_gone_says_so_for_errors_and_apply(batches, manager):
    await purge_uploads(30)
    with pytest.raises(NotFound, match="no longer kept"):
        await errors_workbook(manager, batches["old_invalid"])
    with pytest.raises(Conflict, match="no longer kept"):
        await apply_dry_run(manager, batches["old_dry"])


async def test_the_api_answers_404_and_409_for_a_file_no_longer_kept(import_api, manager):
    client = await login(import_api, "manager")
    try:
        bad = await client.post("/imports", files={"file": ("bad.xlsx", _with_errors(), XLSX)})
        dry = await client.post("/imports", params={"dry_run": "true"}, files={"file": ("dry.xlsx", _clean(), XLSX)})
        assert (bad.status_code, dry.status_code) == (422, 200)
        for batch in (bad, dry):
            await _age(batch.json()["id"], 40)
        assert (await client.get(f"/imports/{bad.json()['id']}/errors.xlsx")).status_code == 200  # kept till now
        await purge_uploads(30)
        gone = await client.get(f"/imports/{bad.json()['id']}/errors.xlsx")
        assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
        assert "no longer kept" in gone.json()["detail"]
        refused = await client.post(f"/imports/{dry.json()['id']}/apply")
        assert refused.status_code == 409 and "no longer kept" in refused.json()["detail"]
        assert (await client.get(f"/imports/{dry.json()['id']}")).json()["status"] == "dry_run"
    finally:
        await client.aclose()


async def test_one_process_at_a_time_holds_the_housekeeping():
    first = await claim_housekeeping()
    assert first is not None
    try:
        assert await claim_housekeeping() is None  # another worker, asking meanwhile
    finally:
        await release_housekeeping(first)
    again = await claim_housekeeping()
    assert again is not None
    await release_housekeeping(again)


async def test_the_housekeeper_purges_at_once_and_not_while_another_holds_the_housekeeping(manager):
    old = (await run_import(manager, "housekept.xlsx", _clean(), dry_run=True)).id
    await _age(old, 31)
    other = await claim_housekeeping()  # another worker is the housekeeper
    waiting = Housekeeper(30, every=3600, retry=0.05)
    task = asyncio.create_task(waiting.run())
    try:
        await asyncio.sleep(0.3)
        assert waiting.runs == 0 and await _has_file(old)
        await release_housekeeping(other)  # that worker ends: this one takes over
        for _ in range(200):
            if waiting.runs:
                break
            await asyncio.sleep(0.05)
        assert waiting.runs == 1
        assert not await _has_file(old)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    after = await claim_housekeeping()  # the housekeeper let go of it when it stopped
    assert after is not None
    await release_housekeeping(after)


async def test_park_purge_uploads_and_serving_delete_expired_files(fresh_env, tmp_path):
    dry = tmp_path / "dry.xlsx"
    dry.write_bytes(_clean())
    assert park(fresh_env, "import", str(dry), "--dry-run").returncode == 0
    assert park(fresh_env, "import", str(dry), "--dry-run").returncode == 0
    kept = park(fresh_env, "purge-uploads")  # 30 days by default: both are new
    assert kept.returncode == 0 and "deleted the stored files of 0 import batches" in kept.stdout
    done = park(fresh_env, "purge-uploads", "--days", "0")
    assert done.returncode == 0 and "deleted the stored files of 2 import batches" in done.stdout, done.stdout
    # The serving process deletes by itself at start-up (here with a retention of 0 days).
    assert park(fresh_env, "import", str(dry), "--dry-run").returncode == 0
    add_account(fresh_env, "keeper", "manager", "keeper-password-1")
    log = tmp_path / "serve.log"
    with serving(fresh_env | {"PARK_UPLOAD_RETENTION_DAYS": "0"}, log=log) as url:
        bearer = {"Authorization": f"Bearer {token(url, 'keeper', 'keeper-password-1')}"}
        for _ in range(100):
            if "deleted the stored files of 1 import batches" in log.read_text():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(log.read_text())
        refused = httpx.post(url + "/api/v1/imports/3/apply", headers=bearer, timeout=30)
        assert refused.status_code == 409 and "no longer kept" in refused.json()["detail"]
