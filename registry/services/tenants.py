"""Tenants: the park's companies, keyed by USCC."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.query import WhereRaw

from registry import audit
from registry.actor import Actor
from registry.db import (
    KeyedLookup,
    for_update,
    loose_match,
    search_key,
    text_contains_loosely,
    write_transaction,
)
from registry.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from registry.identifiers import to_halfwidth
from registry.permissions import Action
from registry.records import clean, tenant_change
from registry.services.listing import Page, apply_sort, filter_code, listing
from registry.services.versioning import IfMatch, check_version, write_change
from registry.tables import Account, IPItem, PeriodReport, Tenant
from registry.vocabulary import INDUSTRY, TENANT_EDITABLE, TENANT_FIELDS, TENANT_STATUS

FIELDS = tuple(f.key for f in TENANT_FIELDS)
COLUMNS = [Tenant.id, Tenant.version, *(Tenant._meta.get_column_by_name(k) for k in FIELDS)]
SORTS = ("uscc", "name", "industry", "status", "founded_on", "moved_in_on", "moved_out_on")
_NOT_FOUND = "未找到该企业 / tenant not found"


def name_key(name: str) -> str:
    """A company name as files spell it, matched to the registry's: spaces dropped, full-width forms
    (（）, letters, digits) folded to half-width, Latin letters in one case."""
    return "".join(to_halfwidth(name).split()).casefold()


async def usccs_by_name() -> dict[str, set[str]]:
    """Every tenant's USCC under its name key; one name may belong to several tenants."""
    named: dict[str, set[str]] = {}
    for row in await Tenant.select(Tenant.uscc, Tenant.name).run():
        named.setdefault(name_key(row["name"]), set()).add(row["uscc"])
    return named


fetch = KeyedLookup(Tenant, COLUMNS, Tenant.uscc, cache="tenants")


async def get_tenant(actor: Actor, uscc: str) -> dict:
    actor.require_read(uscc)
    row = await fetch(uscc)
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


# The tenant's columns a search reads (`list_tenants`' q).
SEARCHED = ("name", "name_en", "uscc", "contact_name", "contact_phone")


# An IP item's columns a search reads (here, and `ip_items.list_ip`'s q).
IP_SEARCHED = ("number", "title")


def holds_ip_matching(q: str) -> WhereRaw:
    """The tenant holds an IP item whose number or title contains `q` (as searches compare)."""
    sql, values = loose_match(tuple(f"ip.{column}" for column in IP_SEARCHED), q)
    ip, tenant = IPItem._meta.tablename, Tenant._meta.tablename
    return WhereRaw(f"EXISTS (SELECT 1 FROM {ip} AS ip WHERE ip.tenant = {tenant}.id AND {sql})", *values)


async def list_tenants(
    actor: Actor,
    page: Page,
    industry: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> dict:
    page.check()
    industry = filter_code("industry", industry, INDUSTRY)
    status = filter_code("status", status, TENANT_STATUS)
    where = []
    if not actor.reads_everything:
        where.append(Tenant.uscc == (actor.tenant_uscc or ""))
    if industry:
        where.append(Tenant.industry == industry)
    if status:
        where.append(Tenant.status == status)
    if q and search_key(q):
        # A tenant by its name (either language), USCC, contact or phone, or by an IP item it holds
        # (number or title): one search box, the list and the API alike (docs/portal.md, "Search").
        where.append(text_contains_loosely(SEARCHED, q) | holds_ip_matching(q))
    query = Tenant.select(*COLUMNS)
    count = Tenant.count()
    for condition in where:
        query = query.where(condition)
        count = count.where(condition)
    query = apply_sort(query, Tenant, page.sort, SORTS, "uscc").limit(page.limit).offset(page.offset)
    return listing(await query.run(), await count.run(), page)


async def create_tenant(actor: Actor, data: Mapping[str, Any]) -> tuple[dict, list[str]]:
    actor.require(Action.WRITE_PARK)
    warnings: list[str] = []
    record = tenant_change(None, clean(TENANT_FIELDS, data, warnings=warnings))
    async with write_transaction():
        if await Tenant.exists().where(Tenant.uscc == record["uscc"]).run():
            raise Conflict(f"统一社会信用代码 {record['uscc']} 已登记 / a tenant with this USCC already exists")
        await Tenant.insert(Tenant(**record)).run()
        await audit.record(actor, "create", "tenant", record["uscc"], record["uscc"], None, record)
    row = await fetch(record["uscc"])
    assert row is not None
    return row, warnings


async def update_tenant(
    actor: Actor, uscc: str, data: Mapping[str, Any], if_version: int | IfMatch | None = None
) -> tuple[dict, list[str]]:
    actor.require_write(uscc)
    if not actor.may(Action.WRITE_PARK):
        owned = sorted(set(data) - TENANT_EDITABLE - {"uscc"} & set(FIELDS))
        if owned:
            raise Forbidden(
                "这些字段由园区管理员维护 / these fields are kept by the park managers",
                [
                    FieldError(k, "manager_owned", "企业不能修改此字段 / tenants cannot change this field")
                    for k in owned
                ],
            )
    if "uscc" in data:
        raise ValidationFailed(
            "统一社会信用代码不可修改 / the USCC is the key and cannot change",
            [FieldError("uscc", "read_only", "不可修改 / read-only")],
        )
    warnings: list[str] = []
    proposed = clean(TENANT_FIELDS, data, partial=True, warnings=warnings)
    async with write_transaction():
        before = await fetch(uscc, lock=True)
        if before is None:
            raise NotFound(_NOT_FOUND)
        check_version(before["version"], if_version)
        diff = tenant_change(before, proposed)
        if diff:
            await write_change(Tenant._meta.tablename, before, diff)
            await audit.record(actor, "update", "tenant", uscc, uscc, {k: before[k] for k in diff}, diff)
        after = await fetch(uscc)
    assert after is not None
    return after, warnings


async def delete_tenant(actor: Actor, uscc: str, if_version: int | IfMatch | None = None) -> None:
    """A tenant with IP items or reports is not deleted: the park would lose its history. Nor is one
    that accounts still belong to: they would outlive it, and act for it again should its USCC be
    registered anew (account writes hold the tenant's row, so none slips in meanwhile)."""
    actor.require(Action.WRITE_PARK)
    async with write_transaction():
        before = await fetch(uscc, lock=True)
        if before is None:
            raise NotFound(_NOT_FOUND)
        check_version(before["version"], if_version)
        held = await IPItem.count().where(IPItem.tenant == before["id"]).run()
        reports = await PeriodReport.count().where(PeriodReport.tenant == before["id"]).run()
        if held or reports:
            raise Conflict(
                f"该企业有 {held} 项知识产权和 {reports} 份经营数据，请改为标记“迁出” / the tenant holds "
                f"{held} IP items and {reports} reports; mark it as left instead of deleting it"
            )
        names = await (
            Account.select(Account.username)
            .where(Account.tenant_uscc == before["uscc"])
            .order_by(Account.username)
            .limit(11)
            .output(as_list=True)
            .run()
        )
        if names:
            shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
            raise Conflict(
                f"该企业仍有账号 {shown}，请先删除或改属其他企业 / accounts still belong to the tenant: {shown}; "
                "delete them or move them to another tenant first"
            )
        await Tenant.delete().where(Tenant.uscc == uscc).run()
        await audit.record(actor, "delete", "tenant", uscc, uscc, before, None)


async def tenant_id(uscc: str, lock: bool = False) -> int:
    """The tenant's row id; `lock` (inside a write) serialises every write to the tenant's records."""
    if len(uscc) > 18 or "\x00" in uscc:  # no stored USCC is like it (PostgreSQL refuses NUL in text)
        raise NotFound(_NOT_FOUND)
    query = Tenant.select(Tenant.id).where(Tenant.uscc == uscc).first()
    row = await (for_update(query) if lock else query).run()
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row["id"]
