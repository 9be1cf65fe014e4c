"""IP deadlines: recording paid annual fees, and reading what falls due — from SQL.

The deadlines are rows of `ip_deadline` (kept by `registry.services.deadline_table`), so a window
of them, park-wide or one tenant's, is an indexed range read, never a walk over the items. What a
deadline costs today (the fee, and the late fee once it is overdue) is added to the rows read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import fetch, together, write_transaction
from registry.errors import FieldError, InvalidValue, PreconditionFailed, ValidationFailed
from registry.ip_deadlines import (
    ANNUAL_FEE,
    DEFAULT_WITHIN_DAYS,
    LONGEST_GRACE_DAYS,
    MAX_WITHIN_DAYS,
    PAST_GRACE,
    PATENT_KINDS,
    annual_fee,
    fee_due_on,
    late_fee,
    payable_years,
    state_on,
)
from registry.ip_numbers import normalise_ip_number
from registry.permissions import Action
from registry.records import changes, clean
from registry.services import bulk
from registry.services.deadline_table import refresh
from registry.services.ip_items import get_ip, locked_item
from registry.services.listing import Page, filter_code, listing
from registry.services.tenants import tenant_id
from registry.services.versioning import IfMatch, check_version, write_changes
from registry.tables import AuditEntry, IPFee
from registry.vocabulary import FEE_FIELDS, IP_KIND

# --- Paid fees ---------------------------------------------------------------------------------


def _fee_out(item: Mapping[str, Any], fee: Mapping[str, Any]) -> dict[str, Any]:
    """A paid year as shown; its due date and late fee are counted from the filing date, so an item
    whose filing date was cleared shows neither."""
    due = fee_due_on(item["filed_on"], fee["patent_year"]) if item["filed_on"] else None
    scheduled = annual_fee(item["kind"], fee["patent_year"])
    return {
        "ip_id": item["id"],
        "uscc": item["uscc"],
        "patent_year": fee["patent_year"],
        "paid_on": fee["paid_on"],
        "amount": fee["amount"],
        "due_on": due,
        "scheduled_fee": scheduled,
        "late_fee": late_fee(scheduled, due, fee["paid_on"]) if due else None,
        "version": fee["version"],
    }


_FEE_KEYS = ("patent_year", "paid_on", "amount")
_PAYMENT_FIELDS = tuple(f for f in FEE_FIELDS if f.key in ("paid_on", "amount"))
_INSERT_CHUNK = 500


def fee_problems(item: Mapping[str, Any], record: Mapping[str, Any], today: date) -> list[FieldError]:
    """Every problem of a cleaned fee record (patent_year, and paid_on and amount in fen where they
    could be read) for `item`."""
    errors = []
    years = payable_years(item["kind"], item["filed_on"], item["granted_on"])
    if item["kind"] not in PATENT_KINDS:
        errors.append(FieldError("patent_year", "not_a_patent", "只有专利缴纳年费 / only patents pay annual fees"))
    elif not years:
        errors.append(
            FieldError(
                "patent_year",
                "not_granted",
                "专利授权后才缴纳年费（需申请日和授权日）/ annual fees start with the grant "
                "(the item needs its filing and grant dates)",
            )
        )
    elif record["patent_year"] not in years:
        first, last = years[0], years[-1]
        errors.append(
            FieldError(
                "patent_year",
                "out_of_range",
                f"年度应在第 {first}–{last} 年（授权当年至保护期末）/ patent year must be {first}–{last} "
                "(the year of the grant to the end of the term)",
            )
        )
    paid_on = record.get("paid_on")
    if paid_on is not None and paid_on > today:
        errors.append(FieldError("paid_on", "in_future", "缴费日期不能晚于今天 / paid_on cannot be in the future"))
    elif paid_on is not None and item["filed_on"] and paid_on < item["filed_on"]:
        errors.append(FieldError("paid_on", "before_filing", "缴费日期早于申请日 / paid before the filing date"))
    if record.get("amount") is not None and record["amount"] <= 0:
        errors.append(FieldError("amount", "out_of_range", "金额应大于零 / the amount must be more than zero"))
    return errors


async def record_fee(
    actor: Actor,
    item_id: int,
    patent_year: int,
    data: Mapping[str, Any],
    if_version: int | IfMatch | None = None,
    today: date | None = None,
    new_only: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Record (or correct) the payment of a patent year's annual fee. Answers the record and whether
    it is new. Closed statistics years do not apply: a fee is not a period report. `new_only`
    (If-None-Match: *, a form recording a year not paid when it was opened): a year already recorded
    is 412, as a stale version is, not replaced unseen."""
    today = today or date.today()
    async with write_transaction():
        item = await locked_item(actor, item_id)
        record, errors = {"patent_year": patent_year}, []
        for field in _PAYMENT_FIELDS:  # one at a time, so every problem is told at once
            try:
                record |= clean((field,), {k: v for k, v in data.items() if k == field.key})
            except ValidationFailed as failure:
                errors += failure.errors
        errors += fee_problems(item, record, today)
        if errors:
            raise ValidationFailed("年费记录无效 / invalid annual fee record", errors)
        where = (IPFee.item == item_id) & (IPFee.patent_year == patent_year)
        before = await IPFee.select(IPFee.version).where(where).first().run()
        # If-Match names a version of a fee record that is not there (deleted meanwhile): 412, not a new one.
        check_version(0 if before is None else before["version"], if_version)
        if new_only and before is not None:
            raise PreconditionFailed("该年度的缴费已有记录 / this patent year's payment is already recorded")
        await write_fees(actor, [(item, record)])
        stored = await IPFee.select().where(where).first().run()
    return _fee_out(item, stored), before is None


async def write_fees(actor: Actor, fees: Sequence[tuple[Mapping[str, Any], dict[str, Any]]]) -> bulk.Counts:
    """Record many checked fees at once — (item as `get_ip` reads it, record from `check_fee`) — for
    `record_fee`, imports and the demo: new years inserted, changed ones updated, each audited,
    then the items' deadlines refreshed. Call inside the caller's write transaction."""
    counts = bulk.Counts()
    ids = sorted({item["id"] for item, _ in fees})
    stored: dict[tuple[int, int], dict[str, Any]] = {}
    for start in range(0, len(ids), _INSERT_CHUNK):
        chunk = ids[start : start + _INSERT_CHUNK]
        for row in await IPFee.select().where(IPFee.item.is_in(chunk)).run():
            stored[(row["item"], row["patent_year"])] = row
    inserts, entries, changed = [], [], []
    at = datetime.now(UTC)

    for item, record in fees:
        key = f"{audit.ip_key(item)}:{record['patent_year']}"
        before = stored.get((item["id"], record["patent_year"]))
        if before is None:
            inserts.append((item["id"], record["patent_year"], record["paid_on"], record["amount"], 1))
            entries.append(audit.row(actor, "create", "ip_fee", key, item["uscc"], None, record, at))
            counts.created += 1
            continue
        kept = {k: before[k] for k in _FEE_KEYS}
        if kept == record:
            counts.unchanged += 1
            continue
        changed.append((before, record))
        entries.append(audit.row(actor, "update", "ip_fee", key, item["uscc"], kept, record, at))
        counts.updated += 1
    await bulk.write_rows(actor, IPFee._meta.tablename, ("item", *_FEE_KEYS, "version"), inserts, len(inserts))
    if await write_changes(IPFee._meta.tablename, changed) != len(changed):
        raise PreconditionFailed(
            "年费记录已被他人修改，请重新读取后再试 / a fee record changed meanwhile; fetch it again and retry"
        )
    await bulk.write_rows(actor, AuditEntry._meta.tablename, audit.COLUMNS, entries, len(entries))
    await refresh(ids)
    return counts


# --- Fees by import ----------------------------------------------------------------------------

_NO_ITEM = (
    "未找到该知识产权：请先登记，或在同一文件的“知识产权”表中列出 / no such IP item: register it first or "
    "list it on the IP sheet of the same file"
)


def _planned_items(ip_plan: bulk.Plan) -> dict[tuple[str, str], dict[str, Any]]:
    """The IP items as the same import leaves them: created ones (no id yet) and changed ones."""
    items = {(r["kind"], r["number"]): r for _, r in ip_plan.creates}
    items |= {(b["kind"], b["number"]): {**b, **diff} for _, b, diff in ip_plan.updates}
    return items


async def plan_fees(rows: Sequence[Mapping[str, Any]], ip_plan: bulk.Plan, today: date | None = None) -> bulk.Plan:
    """Check every fee row (kind, number, patent_year, paid_on, amount) against its item — stored, or
    created or changed by the same import — and against the fees stored; every problem collected."""
    today = today or date.today()
    plan = bulk.Plan("fees")
    keyed: list[tuple[int, tuple[str, str], Mapping[str, Any]]] = []
    first: dict[tuple[str, str, int], int] = {}
    for index, row in enumerate(rows):
        missing = [k for k in ("kind", "number", *_FEE_KEYS) if row.get(k) is None]
        if missing:
            plan.problems += [bulk.Problem(index, k, "required", "必填 / required") for k in missing]
            continue
        try:
            key = (row["kind"], normalise_ip_number(row["kind"], row["number"]))
        except InvalidValue as error:
            plan.problems.append(bulk.Problem(index, "number", error.code, error.message))
            continue
        if (*key, row["patent_year"]) in first:
            plan.problems.append(
                bulk.Problem(
                    index,
                    "patent_year",
                    "duplicate_row",
                    "与前面的行重复 / repeats an earlier row",
                    first[(*key, row["patent_year"])],
                )
            )
            continue
        first[(*key, row["patent_year"])] = index
        keyed.append((index, key, row))
    stored_items = await bulk.ip_items_by_key({key for _, key, _ in keyed})
    planned = _planned_items(ip_plan)
    stored_fees: dict[tuple[int, int], dict[str, Any]] = {}
    ids = sorted({item["id"] for item in stored_items.values()})
    for start in range(0, len(ids), _INSERT_CHUNK):
        for fee in await IPFee.select().where(IPFee.item.is_in(ids[start : start + _INSERT_CHUNK])).run():
            stored_fees[(fee["item"], fee["patent_year"])] = fee
    for index, key, row in keyed:
        item = planned.get(key) or stored_items.get(key)
        if item is None:
            plan.problems.append(bulk.Problem(index, "number", "unknown_ip", _NO_ITEM))
            continue
        record = {k: row[k] for k in _FEE_KEYS}
        problems = fee_problems(item, record, today)
        if problems:
            plan.problems += [bulk.Problem(index, e.field, e.code, e.message) for e in problems]
            continue
        entry = {"kind": key[0], "number": key[1], **record}
        before = stored_fees.get((item["id"], row["patent_year"])) if "id" in item else None
        if before is None:
            plan.creates.append((index, entry))
        elif diff := changes(before, record):
            plan.updates.append((index, {**before, "kind": key[0], "number": key[1]}, diff))
        else:
            plan.unchanged += 1
    return plan


async def apply_fees(actor: Actor, plan: bulk.Plan) -> bulk.Counts:
    """Write a fee plan (after the import's IP items are written, so new items have their ids)."""
    actor.require(Action.IMPORT)
    if plan.problems:
        raise bulk.BulkRejected(plan.problems)
    entries = [record for _, record in plan.creates] + [
        {
            "kind": before["kind"],
            "number": before["number"],
            "patent_year": before["patent_year"],
            **{k: before[k] for k in ("paid_on", "amount")},
            **diff,
        }
        for _, before, diff in plan.updates
    ]
    if entries:
        items = await bulk.ip_items_by_key({(e["kind"], e["number"]) for e in entries})
        await write_fees(actor, [(items[(e["kind"], e["number"])], {k: e[k] for k in _FEE_KEYS}) for e in entries])
    return plan.counts


async def list_fees(actor: Actor, item_id: int) -> list[dict[str, Any]]:
    """The paid years of an item, oldest first."""
    item = await get_ip(actor, item_id)
    fees = await IPFee.select().where(IPFee.item == item_id).order_by(IPFee.patent_year).run()
    return [_fee_out(item, fee) for fee in fees]


# --- Reading the deadlines ---------------------------------------------------------------------

_SELECT = """
    SELECT d.id, d.item AS ip_id, t.uscc, t.name AS tenant_name, t.name_en AS tenant_name_en, d.kind, i.number, i.title, d.deadline,
           d.patent_year, d.opens_on, d.due_on, d.last_day, d.fee
    FROM ip_deadline AS d JOIN ip_item AS i ON i.id = d.item JOIN tenant AS t ON t.id = d.tenant
"""


def _day(value: Any) -> date | None:
    """SQLite answers a raw query's DATE columns as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def shown(row: Mapping[str, Any], today: date) -> dict[str, Any]:
    """A deadline row as the API, the feed and the workbook show it, with what it costs today."""
    due, last = _day(row["due_on"]), _day(row["last_day"])
    assert due is not None and last is not None
    fee = None if row["fee"] is None else int(row["fee"])
    late = late_fee(fee, due, today) if fee is not None and row["deadline"] == ANNUAL_FEE else None
    return {
        "ip_id": row["ip_id"],
        "uscc": row["uscc"],
        "tenant_name": row["tenant_name"],
        "tenant_name_en": row["tenant_name_en"],
        "kind": row["kind"],
        "number": row["number"],
        "title": row["title"],
        "deadline": row["deadline"],
        "patent_year": row["patent_year"],
        "window_opens_on": _day(row["opens_on"]),
        "due_on": due,
        "grace_ends_on": last if last != due else None,
        "state": state_on(due, last, today),
        "fee": fee,
        "late_fee": late,
        "amount": None if fee is None else fee + (late or 0),
    }


def _window(today: date, within: int) -> tuple[str, dict[str, Any]]:
    """Deadlines due within `within` days whose last day has not passed. The lower bound on due_on
    (no last day is more than LONGEST_GRACE_DAYS after its due day) keeps it an index range."""
    return (
        "d.due_on BETWEEN :earliest AND :latest AND d.last_day >= :today",
        {
            "earliest": today - timedelta(days=LONGEST_GRACE_DAYS),
            "latest": today + timedelta(days=within),
            "today": today,
        },
    )


async def _owner_filter(actor: Actor, uscc: str | None) -> str | None:
    """Whose deadlines: a tenant only its own (another's, like an unknown one, is a 404)."""
    if uscc is None and not actor.reads_everything:
        uscc = actor.tenant_uscc
    if uscc is None:
        return None
    actor.require_read(uscc)
    return uscc


def _check_within(within: int) -> None:
    if not 0 <= within <= MAX_WITHIN_DAYS:
        raise ValidationFailed(
            "时间窗无效 / invalid window",
            [
                FieldError(
                    "within",
                    "out_of_range",
                    f"within 应在 0–{MAX_WITHIN_DAYS} 天 / within must be 0–{MAX_WITHIN_DAYS} days",
                )
            ],
        )


async def _narrowed(
    actor: Actor, condition: str, params: dict[str, Any], kind: str | None, uscc: str | None
) -> tuple[str, dict[str, Any]]:
    """The condition narrowed to a kind of item and to whose deadlines the actor may read."""
    kind = filter_code("kind", kind, IP_KIND)
    uscc = await _owner_filter(actor, uscc.upper() if uscc else None)
    if kind:
        condition, params = condition + " AND d.kind = :kind", {**params, "kind": kind}
    if uscc:
        condition, params = condition + " AND d.tenant = :tenant", {**params, "tenant": await tenant_id(uscc)}
    return condition, params


async def _listed(condition: str, params: dict[str, Any], page: Page, today: date) -> dict:
    order = "ORDER BY d.due_on, d.last_day, d.id"
    # The page and the count at once on PostgreSQL: the page need not wait for the count.
    rows, total = await together(
        fetch(
            f"{_SELECT} WHERE {condition} {order} LIMIT :limit OFFSET :offset",
            {**params, "limit": page.limit, "offset": page.offset},
        ),
        fetch(f"SELECT COUNT(*) AS n FROM ip_deadline AS d WHERE {condition}", params),
    )
    return listing([shown(row, today) for row in rows], int(total[0]["n"]), page)


async def list_deadlines(
    actor: Actor,
    page: Page,
    within: int = DEFAULT_WITHIN_DAYS,
    kind: str | None = None,
    uscc: str | None = None,
    today: date | None = None,
) -> dict:
    """What falls due within `within` days, soonest first (then by last day), with today's amounts."""
    page.check()
    _check_within(within)
    today = today or date.today()
    condition, params = await _narrowed(actor, *_window(today, within), kind, uscc)
    return await _listed(condition, params, page, today)


async def past_grace(
    actor: Actor, page: Page, kind: str | None = None, uscc: str | None = None, today: date | None = None
) -> dict:
    """Fee years unpaid past their grace — what puts an item at risk of lapse — oldest first, with
    what they would cost today; the same reader rules and filters as `list_deadlines`."""
    page.check()
    today = today or date.today()
    condition, params = await _narrowed(actor, PAST_GRACE, {"today": today}, kind, uscc)
    return await _listed(condition, params, page, today)


async def tenant_deadlines(actor: Actor, uscc: str, today: date | None = None) -> list[dict[str, Any]]:
    """Every deadline of a tenant whose last day has not passed, soonest first (for its calendar)."""
    uscc = await _owner_filter(actor, uscc.upper())
    assert uscc is not None
    owner = await tenant_id(uscc)
    today = today or date.today()
    rows = await fetch(
        f"{_SELECT} WHERE d.tenant = :tenant AND d.last_day >= :today ORDER BY d.due_on, d.last_day, d.id",
        {"tenant": owner, "today": today},
    )
    return [shown(row, today) for row in rows]


async def park_deadlines(
    actor: Actor, within: int = DEFAULT_WITHIN_DAYS, today: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The park's deadlines within the window, and its fee years unpaid past their grace (the items
    at risk), each by tenant (USCC), then soonest first — for the deadlines workbook."""
    actor.require(Action.READ_PARK)
    _check_within(within)
    today = today or date.today()
    condition, params = _window(today, within)
    order = "ORDER BY t.uscc, d.due_on, d.last_day, d.id"
    due = await fetch(f"{_SELECT} WHERE {condition} {order}", params)
    lapsing = await fetch(f"{_SELECT} WHERE {PAST_GRACE} {order}", {"today": today})
    return [shown(row, today) for row in due], [shown(row, today) for row in lapsing]


__all__ = [
    "DEFAULT_WITHIN_DAYS",
    "apply_fees",
    "fee_problems",
    "plan_fees",
    "write_fees",
    "list_deadlines",
    "list_fees",
    "park_deadlines",
    "past_grace",
    "record_fee",
    "shown",
    "tenant_deadlines",
]
