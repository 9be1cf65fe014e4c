"""Import batches: the record of every uploaded spreadsheet — a dry run, an applied import, a
refused one — with what the import made of it. The importer plans and reports; only this service
writes a batch, and every write is audited (entity `import`, keyed by the batch id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from registry import audit, metrics
from registry.actor import Actor
from registry.db import after_commit, for_update, write_transaction
from registry.errors import Conflict
from registry.identifiers import is_row_id
from registry.permissions import Action
from registry.services.listing import Page, listing
from registry.tables import ImportBatch, ImportChanges

STATUSES = ("dry_run", "applied", "invalid")
# Everything but the file itself, which only errors.xlsx and applying a dry run read.
_COLUMNS = [column for column in ImportBatch._meta.columns if column._meta.name != "content"]
# Changes a row of import_change: the list is written and read a page at a time.
CHUNK = 100
# What the audit entry of a new batch tells (the file and the issues found stay on the batch).
_AUDITED = ("filename", "sha256", "size", "dry_run", "status", "counts", "plan_digest")


async def record_batch(
    actor: Actor,
    *,
    created_at: datetime,
    filename: str,
    sha256: str,
    size: int,
    dry_run: bool,
    status: str,
    counts: Mapping[str, Any],
    errors: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    changes: Sequence[Sequence[Any]],
    content: bytes | None,
    plan_digest: str,
) -> int:
    """A new batch sent by `actor` (in the caller's write transaction, if any); answers its id."""
    actor.require(Action.IMPORT)
    assert status in STATUSES, status
    values = {
        "filename": filename,
        "sha256": sha256,
        "size": size,
        "dry_run": dry_run,
        "status": status,
        "counts": dict(counts),
        "plan_digest": plan_digest,
    }
    row = ImportBatch(
        **{k: v for k, v in values.items() if k != "counts"},
        created_at=created_at,
        username=actor.username,
        source=actor.source,
        counts=json.dumps(values["counts"]),
        errors=json.dumps(errors, ensure_ascii=False),
        warnings=json.dumps(warnings, ensure_ascii=False),
        content=content,
    )
    async with write_transaction():
        inserted = await ImportBatch.insert(row).returning(ImportBatch.id).run()
        batch_id = inserted[0]["id"]
        if changes:
            await ImportChanges.insert(
                *(
                    ImportChanges(
                        batch=batch_id,
                        chunk=n,
                        changes=json.dumps(changes[start : start + CHUNK], ensure_ascii=False, default=str),
                    )
                    for n, start in enumerate(range(0, len(changes), CHUNK))
                )
            ).run()
        await audit.record(actor, "create", "import", str(batch_id), None, None, {k: values[k] for k in _AUDITED})
    after_commit(lambda: metrics.count_import_batch(status))
    return batch_id


class AlreadyApplied(Conflict):
    def __init__(self, dry_run_id: int) -> None:
        super().__init__(
            f"此试导入已应用过，不再重复应用 / dry run {dry_run_id} has been applied already; it is "
            "applied at most once"
        )


async def mark_applied(actor: Actor, dry_run_id: int, batch_id: int) -> None:
    """The dry run `dry_run_id` was applied as batch `batch_id`: it names it, and lets go of its file
    (applied, it is not kept twice). AlreadyApplied when another apply named it first: checked by the
    write itself, so of any number of applies at once one wins (PostgreSQL: the row's lock orders
    them and the loser finds the column set; SQLite: one writer at a time)."""
    actor.require(Action.IMPORT)
    async with write_transaction():
        marked = (
            await ImportBatch.update({ImportBatch.applied_batch: batch_id, ImportBatch.content: None})
            .where((ImportBatch.id == dry_run_id) & ImportBatch.applied_batch.is_null())
            .returning(ImportBatch.id)
            .run()
        )
        if not marked:
            raise AlreadyApplied(dry_run_id)
        await audit.record(
            actor, "update", "import", str(dry_run_id), None, {"applied_batch": None}, {"applied_batch": batch_id}
        )


# A batch whose file may go once kept long enough: one never applied — a dry run nobody applied, or a
# file with errors. An applied dry run let go of its file when it was applied (mark_applied), and an
# applied import never keeps one.
_UNAPPLIED = (ImportBatch.content.is_not_null()) & (
    (ImportBatch.status == "invalid") | ((ImportBatch.status == "dry_run") & ImportBatch.applied_batch.is_null())
)


async def purge_files(actor: Actor, kept_days: int, now: datetime) -> list[int]:
    """Delete the stored file of every batch never applied that was uploaded more than `kept_days`
    days before `now` (PARK_UPLOAD_RETENTION_DAYS); answers their ids. The batches stay, with their
    counts, errors and warnings; each deletion is audited (`purge_file`, entity `import`)."""
    actor.require(Action.IMPORT)
    cutoff = now - timedelta(days=kept_days)
    async with write_transaction():
        due = _UNAPPLIED & (ImportBatch.created_at < cutoff)
        # Locked: a purge by hand while the schedule's runs waits, then finds those files gone already.
        rows = await for_update(ImportBatch.select(ImportBatch.id, ImportBatch.size).where(due)).run()
        if rows:
            ids = [row["id"] for row in rows]
            await ImportBatch.update({ImportBatch.content: None}).where(ImportBatch.id.is_in(ids)).run()
            for row in rows:
                await audit.record(
                    actor,
                    "purge_file",
                    "import",
                    str(row["id"]),
                    None,
                    {"file_kept": True, "size": row["size"]},
                    {"file_kept": False, "kept_days": kept_days},
                )
        after_commit(lambda: metrics.UPLOADS_PURGED.inc(len(rows)))
    return [row["id"] for row in rows]


def file_gone_message(status: str) -> str:
    """Why a batch of `status` has no file to read: never kept (an applied import), or no longer kept."""
    if status == "applied":
        return "已应用的导入不保留文件 / an applied import keeps no file"
    return (
        "该导入的文件已超过保留期限被删除，请重新上传 / this import's file is no longer kept "
        "(deleted after the retention period); upload it again"
    )


async def batch(batch_id: int) -> dict[str, Any] | None:
    """A batch without its file (counts, errors and warnings read from their JSON), or None."""
    if not is_row_id(batch_id):
        return None
    return await ImportBatch.select(*_COLUMNS).where(ImportBatch.id == batch_id).output(load_json=True).first().run()


async def batch_changes(batch_id: int, page: Page) -> list[list[Any]]:
    """One page of the stored records a batch changes (importers/changes.py), in the list's order."""
    if not is_row_id(batch_id):
        return []
    first, last = page.offset // CHUNK, (page.offset + page.limit - 1) // CHUNK
    rows = (
        await ImportChanges.select(ImportChanges.changes)
        .where((ImportChanges.batch == batch_id) & (ImportChanges.chunk >= first) & (ImportChanges.chunk <= last))
        .order_by(ImportChanges.chunk)
        .output(load_json=True)
        .run()
    )
    changes = [change for row in rows for change in row["changes"]]
    start = page.offset - first * CHUNK
    return changes[start : start + page.limit]


async def batch_file(batch_id: int) -> bytes | None:
    """The file a batch kept, if it kept one."""
    if not is_row_id(batch_id):
        return None
    row = await ImportBatch.select(ImportBatch.content).where(ImportBatch.id == batch_id).first().run()
    return None if row is None or row["content"] is None else bytes(row["content"])


async def batches(page: Page, status: str | None = None) -> dict:
    """Batches without their files, newest first, optionally of one status (checked by the caller)."""
    query = ImportBatch.select(*_COLUMNS).output(load_json=True)
    count = ImportBatch.count()
    if status:
        query, count = query.where(ImportBatch.status == status), count.where(ImportBatch.status == status)
    query = query.order_by(ImportBatch.id, ascending=False).limit(page.limit).offset(page.offset)
    return listing(await query.run(), await count.run(), page)
