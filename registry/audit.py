"""The audit trail: who changed what, when, from where, before and after."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from registry.actor import Actor
from registry.tables import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(row: Mapping[str, Any] | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)


def entry(
    actor: Actor,
    action: str,
    entity: str,
    key: str,
    uscc: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> AuditEntry:
    return AuditEntry(
        at=datetime.now(UTC),
        actor=actor.username,
        source=actor.source,
        action=action,
        entity=entity,
        entity_key=key,
        uscc=uscc,
        before=snapshot(before),
        after=snapshot(after),
    )


async def record(actor: Actor, action: str, entity: str, key: str, uscc: str | None,
                 before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    await AuditEntry.insert(entry(actor, action, entity, key, uscc, before, after)).run()


async def record_many(entries: Iterable[AuditEntry], chunk: int = 500) -> None:
    batch: list[AuditEntry] = []
    for item in entries:
        batch.append(item)
        if len(batch) >= chunk:
            await AuditEntry.insert(*batch).run()
            batch = []
    if batch:
        await AuditEntry.insert(*batch).run()
