"""Keeping `ip_deadline`: what every item in force still owes, one row per deadline.

The rows are computed by `registry.ip_deadlines` from the item and its paid fee years: of the fee
years, the next unpaid one only (the one fee owed at any moment; see `deadlines_of`).
Every door that changes an item or its fees (the IP and fee services, bulk imports, the demo) calls
`refresh` in the same write transaction, so reading the deadlines is an indexed range read of this
table. Rows are written raw (`registry.db.insert_rows`): an import writes one or two per item.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from registry.db import any_of, fetch, insert_rows
from registry.ip_deadlines import PAST_GRACE, deadlines_of
from registry.tables import IPDeadline, IPFee, IPItem

# Ids per `IN (...)`: below the 999 bound-variable limit of older SQLite builds.
_CHUNK = 900
_INSERT_CHUNK = 500
COLUMNS = ("item", "tenant", "kind", "deadline", "patent_year", "opens_on", "due_on", "last_day", "fee")
_ITEM_COLUMNS = (IPItem.id, IPItem.tenant, IPItem.kind, IPItem.status, IPItem.filed_on, IPItem.granted_on)


def _chunks(ids: Collection[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def deadline_rows(item: Mapping[str, Any], paid_years: Collection[int]) -> list[tuple[Any, ...]]:
    """The ip_deadline rows (values in COLUMNS order) of one item (`id`, `tenant`, `kind`, `status`,
    `filed_on`, `granted_on`)."""
    key = (item["id"], item["tenant"], item["kind"])
    return [
        (*key, d.deadline, d.patent_year, d.opens_on, d.due_on, d.last_day, d.fee)
        for d in deadlines_of(
            item["kind"], item["status"], item.get("filed_on"), item.get("granted_on"), paid_years, next_fee_only=True
        )
    ]


async def insert_new(item: Mapping[str, Any]) -> None:
    """The deadlines of an item just created (it has no fees yet): one insert, nothing to read."""
    rows = deadline_rows(item, ())
    if rows:
        await insert_rows(IPDeadline._meta.tablename, COLUMNS, rows)


async def refresh(item_ids: Collection[int]) -> None:
    """Recompute the deadlines of these items (inside the write transaction that changed them)."""
    for chunk in _chunks(item_ids):
        items = await IPItem.select(*_ITEM_COLUMNS).where(IPItem.id.is_in(chunk)).run()
        paid: dict[int, set[int]] = {}
        for fee in await IPFee.select(IPFee.item, IPFee.patent_year).where(IPFee.item.is_in(chunk)).run():
            paid.setdefault(fee["item"], set()).add(fee["patent_year"])
        await IPDeadline.delete().where(IPDeadline.item.is_in(chunk)).run()
        rows = [row for item in items for row in deadline_rows(item, paid.get(item["id"], ()))]
        for start in range(0, len(rows), _INSERT_CHUNK):
            await insert_rows(IPDeadline._meta.tablename, COLUMNS, rows[start : start + _INSERT_CHUNK])


async def rebuild() -> int:
    """Every item's deadlines computed anew (a migration's, when the rule or the table changes);
    the number of rows written. Inside the caller's transaction, if any."""
    await IPDeadline.delete(force=True).run()
    ids = [row["id"] for row in await IPItem.select(IPItem.id).run()]
    await refresh(ids)
    return await IPDeadline.count().run()


async def at_risk(item_ids: Collection[int], today: date | None = None) -> set[int]:
    """Those of the items with an annual fee year unpaid past its grace: at risk of lapse."""
    today = today or date.today()
    found: set[int] = set()
    for chunk in _chunks(item_ids):
        items, params = any_of("d.item", chunk, "items")
        rows = await fetch(
            f"SELECT d.item FROM ip_deadline AS d WHERE {items} AND {PAST_GRACE}", {**params, "today": today}
        )
        found.update(row["item"] for row in rows)
    return found


__all__ = ["COLUMNS", "at_risk", "deadline_rows", "insert_new", "rebuild", "refresh"]
