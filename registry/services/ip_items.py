"""IP items: patents, copyrights, trademarks… each owned by one tenant, keyed by kind + number."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import search_key, text_contains_loosely, write_transaction
from registry.errors import Conflict, FieldError, NotFound
from registry.identifiers import is_row_id
from registry.money import format_yuan
from registry.records import clean, ip_change
from registry.services import deadline_table
from registry.services.listing import Page, apply_sort, filter_code, listing
from registry.services.tenants import IP_SEARCHED, tenant_id
from registry.services.versioning import IfMatch, check_version, write_change
from registry.tables import IPFee, IPItem
from registry.vocabulary import IP_FIELDS, IP_KIND, IP_STATUS

ITEM_FIELDS = tuple(f for f in IP_FIELDS if f.key != "uscc")
COLUMNS = [
    IPItem.id,
    IPItem.version,
    IPItem.tenant.uscc.as_alias("uscc"),
    IPItem.kind,
    IPItem.number,
    IPItem.title,
    IPItem.filed_on,
    IPItem.granted_on,
    IPItem.status,
    IPItem.expires_on,
]
SORTS = ("number", "kind", "title", "filed_on", "granted_on", "expires_on", "status")
_NOT_FOUND = "未找到该知识产权 / IP item not found"


async def _fetch(item_id: int) -> dict | None:
    if not is_row_id(item_id):
        return None
    row = await IPItem.select(*COLUMNS).where(IPItem.id == item_id).first().run()
    return None if row is None else (await _with_risk([row]))[0]


async def _with_risk(rows: list[dict]) -> list[dict]:
    """Each item marked `at_risk` when an annual fee year is unpaid past its grace."""
    risky = await deadline_table.at_risk([row["id"] for row in rows])
    return [{**row, "at_risk": row["id"] in risky} for row in rows]


def number_problem(
    number: str, holder: Mapping[str, Any] | None, uscc: str, item_id: int | None = None, *, upsert: bool = False
) -> FieldError | None:
    """Whether `uscc` may hold (kind, `number`) as its item `item_id` (None: a new item), given the item
    that holds it now (`id`, `uscc`), if any: a number names one item, and an item stays its tenant's.

    `upsert`: an import row, which updates the holder when it is the same tenant's. The holder is
    named to an import (importers read the whole park) but never to a single write, whose author may
    be a tenant: another tenant's number is then simply taken."""
    if holder is None or holder["id"] == item_id:
        return None
    if not upsert:
        return FieldError("number", "duplicate", "该编号已登记 / already registered")
    if holder["uscc"] == uscc:
        return None
    return FieldError(
        "number",
        "owned_by_other",
        f"编号 {number} 已登记在企业 {holder['uscc']} 名下，导入不会转移它 / "
        f"number {number} is registered to tenant {holder['uscc']}; an import does not move it",
    )


async def _check_number(uscc: str, kind: str, number: str, item_id: int | None = None) -> None:
    holder = (
        await IPItem.select(IPItem.id, IPItem.tenant.uscc.as_alias("uscc"))
        .where((IPItem.kind == kind) & (IPItem.number == number))
        .first()
        .run()
    )
    if problem := number_problem(number, holder, uscc, item_id):
        raise Conflict(f"编号 {number} 已登记 / number {number} is already registered", [problem])


async def locked_item(actor: Actor, item_id: int) -> dict:
    """The item, read again after locking its tenant so its version cannot move under the write."""
    item = await get_ip(actor, item_id)
    actor.require_write(item["uscc"])
    await tenant_id(item["uscc"], lock=True)
    return await get_ip(actor, item_id)


async def get_ip(actor: Actor, item_id: int) -> dict:
    row = await _fetch(item_id)
    if row is None:
        raise NotFound(_NOT_FOUND)
    try:
        actor.require_read(row["uscc"])
    except NotFound:
        raise NotFound(_NOT_FOUND) from None
    return row


async def list_ip(
    actor: Actor,
    uscc: str,
    page: Page,
    kind: str | None = None,
    status: str | None = None,
    expiring_before: date | None = None,
    q: str | None = None,
) -> dict:
    """A tenant's IP items; `q` finds them by number or title (as `tenants.list_tenants` searches)."""
    actor.require_read(uscc)
    page.check()
    kind = filter_code("kind", kind, IP_KIND)
    status = filter_code("status", status, IP_STATUS)
    owner = await tenant_id(uscc)
    query = IPItem.select(*COLUMNS).where(IPItem.tenant == owner)
    count = IPItem.count().where(IPItem.tenant == owner)
    conditions = []
    if kind:
        conditions.append(IPItem.kind == kind)
    if status:
        conditions.append(IPItem.status == status)
    if expiring_before:
        conditions.append(IPItem.expires_on < expiring_before)
    if q and search_key(q):
        conditions.append(text_contains_loosely(IP_SEARCHED, q))
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    query = apply_sort(query, IPItem, page.sort, SORTS, "number").limit(page.limit).offset(page.offset)
    return listing(await _with_risk(await query.run()), await count.run(), page)


async def create_ip(actor: Actor, uscc: str, data: Mapping[str, Any]) -> dict:
    actor.require_write(uscc)
    record = ip_change(None, clean(ITEM_FIELDS, data))
    async with write_transaction():
        owner = await tenant_id(uscc, lock=True)
        await _check_number(uscc, record["kind"], record["number"])
        inserted = await IPItem.insert(IPItem(tenant=owner, **record)).returning(IPItem.id).run()
        item_id = inserted[0]["id"]
        await deadline_table.insert_new({**record, "id": item_id, "tenant": owner})
        await audit.record(actor, "create", "ip", audit.ip_key(record), uscc, None, record)
    row = await _fetch(item_id)
    assert row is not None
    return row


async def update_ip(
    actor: Actor, item_id: int, data: Mapping[str, Any], if_version: int | IfMatch | None = None
) -> dict:
    proposed = clean(ITEM_FIELDS, data, partial=True)
    async with write_transaction():
        before = await locked_item(actor, item_id)
        check_version(before["version"], if_version)
        diff = ip_change(before, proposed)
        after = {**before, **diff}
        if "kind" in data or "number" in data:
            await _check_number(before["uscc"], after["kind"], after["number"], item_id)
        if diff:
            await write_change(IPItem._meta.tablename, before, diff)
            await deadline_table.refresh([item_id])
            await audit.record(
                actor, "update", "ip", audit.ip_key(after), before["uscc"], {k: before[k] for k in diff}, diff
            )
        after = await _fetch(item_id)
    assert after is not None
    return after


async def delete_ip(actor: Actor, item_id: int, if_version: int | IfMatch | None = None) -> None:
    async with write_transaction():
        before = await locked_item(actor, item_id)
        check_version(before["version"], if_version)
        # Its paid fees go with it (ON DELETE CASCADE); the audit entry keeps them.
        fees = (
            await IPFee.select(IPFee.patent_year, IPFee.paid_on, IPFee.amount)
            .where(IPFee.item == item_id)
            .order_by(IPFee.patent_year)
            .run()
        )
        await IPItem.delete().where(IPItem.id == item_id).run()
        before.pop("at_risk")
        paid = [
            {"patent_year": f["patent_year"], "paid_on": f["paid_on"].isoformat(), "amount": format_yuan(f["amount"])}
            for f in fees
        ]
        gone = {**before, "fees": paid} if paid else before
        await audit.record(actor, "delete", "ip", audit.ip_key(before), before["uscc"], gone, None)


__all__ = ["create_ip", "delete_ip", "get_ip", "list_ip", "locked_item", "number_problem", "update_ip"]
