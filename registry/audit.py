"""The audit trail: who changed what, when, from where, before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from registry.actor import Actor
from registry.db import insert_rows
from registry.money import format_yuan
from registry.permissions import Action
from registry.services.listing import Page, listing
from registry.tables import AuditEntry
from registry.vocabulary import MONEY_KEYS


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(row: Mapping[str, Any] | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)


def ip_key(item: Mapping[str, Any]) -> str:
    """How entries name an IP item: kind and number (`invention:CN201610123456.7`)."""
    return f"{item['kind']}:{item['number']}"


def report_key(report: Mapping[str, Any]) -> str:
    """How entries name a period report: the tenant's USCC and the period."""
    return f"{report['uscc']}:{report['period']}"


# An entry's columns, in the order `row` gives their values.
COLUMNS = ("at", "actor", "source", "action", "entity", "entity_key", "uscc", "before", "after")


def row(
    actor: Actor,
    action: str,
    entity: str,
    key: str,
    uscc: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: datetime | None = None,
) -> tuple[Any, ...]:
    """One entry's values (COLUMNS): what every writer records, one at a time or by the thousand."""
    return (
        at or datetime.now(UTC),
        actor.username,
        actor.source,
        action,
        entity,
        key,
        uscc,
        snapshot(before),
        snapshot(after),
    )


async def record(
    actor: Actor,
    action: str,
    entity: str,
    key: str,
    uscc: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """One entry, written as the batch writers write theirs (`row`), inside the caller's write."""
    await insert_rows(AuditEntry._meta.tablename, COLUMNS, [row(actor, action, entity, key, uscc, before, after)])


# Money in snapshots: the report figures and a paid annual fee's amount.
_MONEY_KEYS = (*MONEY_KEYS, "amount")


def _shown(stored: str | None) -> dict | None:
    """A snapshot as the API speaks: money in yuan strings (snapshots keep the stored fen)."""
    if not stored:
        return None
    values = json.loads(stored)
    for key in _MONEY_KEYS:
        if isinstance(values.get(key), int):
            values[key] = format_yuan(values[key])
    return values


def import_source(batch_id: int) -> str:
    """The source recorded for every change an import batch made."""
    return f"import:{batch_id}"


async def list_entries(
    actor: Actor,
    entity: str | None,
    uscc: str | None,
    limit: int,
    offset: int,
    *,
    by: str | None = None,
    source: str | None = None,
) -> dict:
    """The trail, newest first (admins and managers); `by` is the account that made the change,
    `source` where it came from (`request:<id>`, `import:<batch>`, …)."""
    actor.require(Action.READ_AUDIT)
    page = Page(limit, offset)
    page.check()
    query, total = AuditEntry.select(), AuditEntry.count()
    for column, value in (
        (AuditEntry.entity, entity),
        (AuditEntry.uscc, uscc),
        (AuditEntry.actor, by),
        (AuditEntry.source, source),
    ):
        if value:
            query, total = query.where(column == value), total.where(column == value)
    rows = await query.order_by(AuditEntry.id, ascending=False).limit(limit).offset(offset).run()
    for row in rows:
        row["at"] = row["at"].isoformat()
        row["before"] = _shown(row["before"])
        row["after"] = _shown(row["after"])
    return listing(rows, await total.run(), page)
