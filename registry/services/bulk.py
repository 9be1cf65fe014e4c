"""Batch upserts: the single-record services' rules applied to thousands of already-cleaned rows.

An upsert plans, then applies. Planning prefetches what exists in chunked queries and checks every
row with the single services' own rules (`registry.records`: tenant_change, ip_change,
report_change) and those of a batch (who owns an IP number, closed years, repeated rows), collecting
every problem instead of stopping at the first. Applying writes new rows
with chunked multi-row inserts, changed rows with updates that bump `version`, and one audit entry
per created or changed record — all in one write transaction. Unchanged rows are not touched.

Plan and apply must run inside the same `write_transaction()` (as `upsert_*` do), so nothing can
change between the reading and the writing. Rows are matched, never deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import (
    any_of,
    fetch,
    fresh_statistics,
    hold_year,
    in_transaction,
    insert_rows,
    is_unique_violation,
    reserve_ids,
    while_writing,
    write_transaction,
)
from registry.errors import Conflict, FieldError, InvalidValue, ValidationFailed
from registry.ip_numbers import normalise_ip_number
from registry.periods import Period
from registry.permissions import Action
from registry.records import IP_SETTLED, ip_change, report_change, required_message, settle_ip, tenant_change
from registry.services import deadline_table
from registry.services import reports as report_service
from registry.services.closed_years import closed_message, closed_years
from registry.services.ip_items import number_problem
from registry.services.round_close import closed_rounds_of
from registry.services.versioning import write_changes
from registry.tables import AuditEntry, IPDeadline, IPFee, IPItem, PeriodReport, ReportCorrection, Tenant
from registry.vocabulary import IP_FIELDS, REPORT_FIELDS, TENANT_FIELDS, Field, field_named

# Keys per `IN (...)`: below the 999 bound-variable limit of older SQLite builds.
READ_CHUNK = 900
# Rows per executemany batch: large enough to amortise round trips, small enough to report progress.
WRITE_CHUNK = 2000

Progress = Callable[[str, int, int], None]

_TENANT_KEYS = tuple(f.key for f in TENANT_FIELDS)
_IP_KEYS = ("kind", "number", "title", "filed_on", "granted_on", "status", "expires_on")
_SETTLED = frozenset(IP_SETTLED)
_FIGURES = report_service.FIGURES
# A record planned changed or a key planned free, taken by another writer before the import wrote.
_CHANGED_MEANWHILE = "导入期间数据被他人修改，请重新导入 / the registry changed during the import; import again"


@dataclass(frozen=True)
class Problem:
    """Why row `index` (position in the rows given) cannot be applied; `first` names the row it repeats."""

    index: int
    field: str
    code: str
    message: str
    first: int | None = None


class BulkRejected(ValidationFailed):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            f"{len(problems)} 处问题，未写入任何数据 / {len(problems)} problems; nothing was written",
            [FieldError(f"{p.index}.{p.field}", p.code, p.message) for p in problems],
        )
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cleared: int = 0  # stored values the updates clear (a cell saying （清空） / <clear>)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "cleared": self.cleared}


@dataclass
class Plan:
    """What applying the rows would do. `creates` and `updates` hold (row index, …)."""

    entity: str
    creates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # index, before, diff
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Row index -> (round id, reason): report rows of a period whose round is closed (corrections, SPEC §9).
    corrections: dict[int, tuple[int, str]] = field(default_factory=dict)

    def add(self, index: int, before: dict[str, Any] | None, change: dict[str, Any]) -> None:
        """Row `index`: a record to create (no `before`), values that change, or nothing to do."""
        if before is None:
            self.creates.append((index, change))
        elif change:
            self.updates.append((index, before, change))
        else:
            self.unchanged += 1

    @property
    def counts(self) -> Counts:
        return Counts(len(self.creates), len(self.updates), self.unchanged, self.cleared)

    @property
    def cleared(self) -> int:
        """Stored values the updates clear."""
        return sum(
            value is None and before.get(key) is not None
            for _, before, diff in self.updates
            for key, value in diff.items()
        )

    @property
    def usccs_created(self) -> set[str]:
        return {record["uscc"] for _, record in self.creates}


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _required(index: int, fields: tuple[Field, ...], key: str) -> Problem:
    return Problem(index, key, "required", required_message(field_named(fields, key)))


def _errors_of(index: int, failure: ValidationFailed) -> list[Problem]:
    return [Problem(index, e.field, e.code, e.message) for e in failure.errors]


def _duplicates(keys: Sequence[Any], label: str) -> tuple[dict[Any, int], list[Problem]]:
    """First index of each key; a later row with the same key is a problem."""
    first: dict[Any, int] = {}
    problems = []
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            problems.append(
                Problem(index, label, "duplicate_row", "与前面的行重复 / repeats an earlier row", first[key])
            )
        else:
            first[key] = index
    return first, problems


_TENANT_SELECT = f"SELECT id, version, {', '.join(_TENANT_KEYS)} FROM {Tenant._meta.tablename} WHERE "


async def tenants_by_uscc(usccs: Collection[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(usccs)), READ_CHUNK):
        condition, params = any_of("uscc", chunk, "usccs")
        for row in await fetch(_TENANT_SELECT + condition, params):
            found[row["uscc"]] = row
    return found


def _unknown_tenant(index: int, uscc: str) -> Problem:
    return Problem(
        index,
        "uscc",
        "unknown_tenant",
        f"企业 {uscc} 未登记（也不在本次导入的企业表中）/ tenant {uscc} is not registered "
        "(nor in this file's tenants sheet)",
    )


# Planning -----------------------------------------------------------------------------------------


async def plan_tenants(rows: Sequence[Mapping[str, Any]]) -> Plan:
    """Rows are cleaned tenant records with at least `uscc`; a row for a new tenant needs every
    required field, a row for an existing one changes only the fields it carries."""
    plan = Plan("tenant")
    first, plan.problems = _duplicates([row.get("uscc") for row in rows], "uscc")
    existing = await tenants_by_uscc(list(first))
    for index, row in enumerate(rows):
        uscc = row.get("uscc")
        if uscc is None:
            plan.problems.append(_required(index, TENANT_FIELDS, "uscc"))
            continue
        if first[uscc] != index:
            continue
        record = {k: v for k, v in row.items() if k in _TENANT_KEYS}
        if "platform_level" in record and record["platform_level"] is None:
            record["platform_level"] = "none"  # a cleared level: no platform
        before = existing.get(uscc)
        try:
            change = tenant_change(before, record)
        except ValidationFailed as failure:
            plan.problems += _errors_of(index, failure)
            continue
        plan.add(index, before, change)
    return plan


_IP_SELECT = (
    "SELECT i.id, i.version, t.uscc, "
    + ", ".join(f"i.{k}" for k in _IP_KEYS)
    + f" FROM {IPItem._meta.tablename} i JOIN {Tenant._meta.tablename} t ON t.id = i.tenant"
    " WHERE i.kind = :kind AND "
)


async def fresh_lookups() -> None:
    """Before an import's plan: the tables it reads by key, with the planner's statistics up to date
    (a file of 100,000 rows is hundreds of 500-key lookups; see registry.db.fresh_statistics)."""
    await fresh_statistics(*(table._meta.tablename for table in (Tenant, IPItem, PeriodReport, IPFee)))


async def ip_items_by_key(keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """Stored items by (kind, number); asked per kind so the (kind, number) index serves the query."""
    by_kind: dict[str, list[str]] = {}
    for kind, number in sorted(keys):
        by_kind.setdefault(kind, []).append(number)
    found: dict[tuple[str, str], dict] = {}
    for kind, numbers in by_kind.items():
        for chunk in _chunks(numbers, READ_CHUNK):
            condition, params = any_of("i.number", chunk, "numbers")
            for row in await fetch(_IP_SELECT + condition, {"kind": kind, **params}):
                found[(row["kind"], row["number"])] = row
    return found


def _plan_ip_row(
    plan: Plan,
    row: Mapping[str, Any],
    index: int,
    key: tuple[str, str],
    before: dict | None,
    settled: dict[str, Any] | None,
    owners: Mapping[str, Any],
    new_tenants: Collection[str],
) -> None:
    """One IP row against its stored item, if any: a create, an update, unchanged, or a problem."""
    uscc = row["uscc"]
    if uscc not in owners and uscc not in new_tenants:
        plan.problems.append(_unknown_tenant(index, uscc))
        return
    if problem := number_problem(key[1], before, uscc, upsert=True):
        plan.problems.append(Problem(index, problem.field, problem.code, problem.message))
        return
    proposed = {k: v for k, v in row.items() if k in _IP_KEYS and k != "expires_on"}
    if before is not None:
        proposed["number"] = key[1]  # normalised already: its stored spelling
    if before is None:
        # Every column named, so the plan (and its digest) states the dates a row leaves blank.
        proposed = {"filed_on": None, "granted_on": None, **proposed}
    try:
        change = ip_change(before, proposed, settled)
    except ValidationFailed as failure:
        plan.problems += _errors_of(index, failure)
        return
    plan.add(index, before, change if before is not None else {**change, "uscc": uscc})


async def plan_ip_items(rows: Sequence[Mapping[str, Any]], new_tenants: Collection[str] = ()) -> Plan:
    """Rows are cleaned IP records with `uscc`, `kind` and `number`; matched by kind + normalised number.

    `new_tenants` are USCCs that the same batch creates. A number registered to another tenant is
    a problem, never a silent move.
    """
    plan = Plan("ip")
    keys: list[tuple[str, str] | None] = []
    # Each row is settled once, here, as the item it would create (the dates it leaves blank none):
    # (settled, whether the row states everything `settle` reads). A stored item takes it only when the
    # row states everything; a partial row is settled again below, merged with the item it updates.
    settled: dict[int, tuple[dict[str, Any], bool]] = {}
    for index, row in enumerate(rows):
        missing = [k for k in ("uscc", "kind", "number") if row.get(k) is None]
        if missing:
            plan.problems += [_required(index, IP_FIELDS, k) for k in missing]
            keys.append(None)
            continue
        proposed = {k: v for k, v in row.items() if k in _SETTLED}
        complete = row.keys() >= _SETTLED
        try:
            if complete:
                settled[index] = (settle_ip(proposed), True)
            else:
                try:
                    settled[index] = (settle_ip({"filed_on": None, "granted_on": None, **proposed}), False)
                except ValidationFailed:  # as a new item it would be wrong; a stored one may complete it
                    settled[index] = ({"number": normalise_ip_number(row["kind"], row["number"])}, False)
            keys.append((row["kind"], settled[index][0]["number"]))
        except ValidationFailed as failure:
            plan.problems += _errors_of(index, failure)
            keys.append(None)
        except InvalidValue as error:
            plan.problems.append(Problem(index, "number", error.code, error.message))
            keys.append(None)
    first, duplicates = _duplicates(keys, "number")
    plan.problems += duplicates
    owners = await tenants_by_uscc({rows[i]["uscc"] for i in first.values()})
    # Planned a chunk at a time: the stored rows of unchanged items are let go as soon as compared.
    for chunk in _chunks(list(first.items()), READ_CHUNK):
        existing = await ip_items_by_key([key for key, _ in chunk])
        for key, index in chunk:
            before = existing.get(key)
            as_new, complete = settled.pop(index)
            usable = complete or (before is None and "expires_on" in as_new)
            _plan_ip_row(plan, rows[index], index, key, before, as_new if usable else None, owners, new_tenants)
    plan.problems.sort(key=lambda p: p.index)
    return plan


_REPORT_SELECT = (
    "SELECT r.id, r.version, t.uscc, t.name AS tenant_name, r.period, "
    + ", ".join(f"r.{k}" for k in _FIGURES)
    + f" FROM {PeriodReport._meta.tablename} r JOIN {Tenant._meta.tablename} t ON t.id = r.tenant"
    " WHERE "
)


async def plan_reports(rows: Sequence[Mapping[str, Any]], new_tenants: Collection[str] = ()) -> Plan:
    """Rows are cleaned report records with `uscc`, `period` and any figures; a figure given as None
    clears it, a figure left out keeps its stored value. Creating or changing a report of a closed
    year is a problem; a row equal to what is stored is simply unchanged."""
    plan = Plan("report")
    keys: list[tuple[str, str] | None] = []
    for index, row in enumerate(rows):
        missing = [k for k in ("uscc", "period") if row.get(k) is None]
        plan.problems += [_required(index, REPORT_FIELDS, k) for k in missing]
        try:
            keys.append(None if missing else (row["uscc"], str(Period.parse(row["period"]))))
        except InvalidValue as error:
            plan.problems.append(Problem(index, "period", error.code, error.message))
            keys.append(None)
    first, duplicates = _duplicates(keys, "period")
    plan.problems += duplicates
    owners = await tenants_by_uscc({uscc for uscc, _ in first})
    existing: dict[tuple[str, str], dict] = {}
    owner_ids = [row["id"] for row in owners.values()]
    for chunk in _chunks(owner_ids, READ_CHUNK):
        condition, params = any_of("r.tenant", chunk, "tenants")
        for row in await fetch(_REPORT_SELECT + condition, params):
            existing[(row["uscc"], row["period"])] = row
    for year in sorted({Period.parse(period).year for _, period in first}):
        await hold_year(year)  # closing any of them waits for this import (see db.hold_year)
    closed = await closed_years()
    frozen = await closed_rounds_of({period for _, period in first})
    for (uscc, period), index in first.items():
        if uscc not in owners and uscc not in new_tenants:
            plan.problems.append(_unknown_tenant(index, uscc))
            continue
        figures = {k: v for k, v in rows[index].items() if k in _FIGURES}
        before = existing.get((uscc, period))
        year = Period.parse(period).year
        try:
            change = report_change(before, figures)
        except ValidationFailed as failure:
            plan.problems += _errors_of(index, failure)
            continue
        if year in closed and (before is None or change):
            plan.problems.append(Problem(index, "period", "period_closed", closed_message(year)))
        elif period in frozen and (before is None or change):
            try:
                reason = report_service.correction_reason(period, rows[index].get(report_service.CORRECTION_REASON))
            except ValidationFailed as failure:
                plan.problems += _errors_of(index, failure)
                continue
            plan.corrections[index] = (frozen[period], reason)
            plan.add(index, before, change if before is not None else {"uscc": uscc, "period": period, **change})
        else:
            plan.add(index, before, change if before is not None else {"uscc": uscc, "period": period, **change})
    plan.problems.sort(key=lambda p: p.index)
    return plan


# Applying -----------------------------------------------------------------------------------------


class _Writer:
    """Raw chunked writes in the write transaction (registry.db): Piccolo builds an object and a
    query string per row, which for 100,000 rows costs more than reading the spreadsheet. Rows are
    produced chunk by chunk, so a large import never holds all its parameter tuples at once."""

    def __init__(self, actor: Actor, progress: Progress | None) -> None:
        self.actor = actor
        self.progress = progress

    async def _in_chunks(
        self, write: Callable[[list], Awaitable[Any]], rows: Iterable[Any], total: int, label: str
    ) -> None:
        done = 0
        iterator = iter(rows)

        def take() -> list:
            return list(islice(iterator, WRITE_CHUNK))

        chunk = take()
        while chunk:
            try:
                # The next chunk (audit JSON, deadline rows) is made while this one is written.
                following = await while_writing(write(chunk), take)
            except Exception as error:
                if is_unique_violation(error):
                    # A unique key taken between planning and writing (another writer on PostgreSQL).
                    raise Conflict(_CHANGED_MEANWHILE) from error
                raise
            done += len(chunk)
            chunk = following
            if label and self.progress is not None:
                self.progress(label, done, total)

    async def insert(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], total: int, label: str
    ) -> None:
        await self._in_chunks(lambda chunk: insert_rows(table, columns, chunk), rows, total, label)

    async def update(self, table: str, updates: Sequence[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
        """(row index, stored row, changed values), each written only if still at the version planned
        (registry.services.versioning), `version` + 1."""
        written = 0

        async def write(chunk: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
            nonlocal written
            written += await write_changes(table, chunk)

        await self._in_chunks(write, ((before, diff) for _, before, diff in updates), len(updates), "")
        if written != len(updates):
            raise Conflict(_CHANGED_MEANWHILE)

    async def audit(
        self,
        entity: str,
        plan: Plan,
        key: Callable[[Mapping[str, Any]], str],
        created: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    ) -> None:
        """One entry per created and per changed record, as the single services write them."""
        at, actor = datetime.now(UTC), self.actor

        def action(index: int, plain: str, after: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
            """A correction's entry says `correct` and carries its reason (as the single service's)."""
            if index not in plan.corrections:
                return plain, after
            return "correct", {**after, report_service.CORRECTION_REASON: plan.corrections[index][1]}

        def entries() -> Iterator[tuple[Any, ...]]:
            for index, record in plan.creates:
                done, after = action(index, "create", created(record))
                yield audit.row(actor, done, entity, key(record), record["uscc"], None, after, at)
            for index, before, diff in plan.updates:
                done, after = action(index, "update", diff)
                yield audit.row(
                    actor, done, entity, key(before), before["uscc"], {k: before[k] for k in diff}, after, at
                )

        await self.insert(
            AuditEntry._meta.tablename, audit.COLUMNS, entries(), len(plan.creates) + len(plan.updates), ""
        )


async def write_rows(
    actor: Actor, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], total: int
) -> None:
    """Raw chunked inserts (executemany; COPY on PostgreSQL) inside the current write transaction,
    for writers of many rows outside an import plan (fees, deadlines)."""
    if not in_transaction():
        raise RuntimeError("write_rows runs inside a write transaction")
    await _Writer(actor, None).insert(table, columns, rows, total, "")


@asynccontextmanager
async def _writing(actor: Actor, plan: Plan, progress: Progress | None) -> AsyncIterator[_Writer]:
    actor.require(Action.IMPORT)
    if plan.problems:
        raise BulkRejected(plan.problems)
    async with write_transaction():
        yield _Writer(actor, progress)


async def _tenant_ids(plan: Plan) -> dict[str, int]:
    return {uscc: row["id"] for uscc, row in (await tenants_by_uscc(plan.usccs_created)).items()}


async def apply_tenants(actor: Actor, plan: Plan, progress: Progress | None = None) -> Counts:
    async with _writing(actor, plan, progress) as writer:
        await writer.insert(
            Tenant._meta.tablename,
            (*_TENANT_KEYS, "version"),
            ((*(record.get(k) for k in _TENANT_KEYS), 1) for _, record in plan.creates),
            len(plan.creates),
            "tenants",
        )
        await writer.update(Tenant._meta.tablename, plan.updates)
        await writer.audit("tenant", plan, lambda r: r["uscc"], lambda r: r)
    return plan.counts


async def apply_ip_items(actor: Actor, plan: Plan, progress: Progress | None = None) -> Counts:
    async with _writing(actor, plan, progress) as writer:
        owner = await _tenant_ids(plan)
        ids = await reserve_ids(IPItem._meta.tablename, len(plan.creates))
        await writer.insert(
            IPItem._meta.tablename,
            ("id", "tenant", *_IP_KEYS, "version"),
            (
                (item_id, owner[r["uscc"]], *(r[k] for k in _IP_KEYS), 1)
                for item_id, (_, r) in zip(ids, plan.creates, strict=True)
            ),
            len(plan.creates),
            "ip",
        )
        await writer.update(IPItem._meta.tablename, plan.updates)
        await writer.audit("ip", plan, audit.ip_key, lambda r: {k: r[k] for k in _IP_KEYS})
        await _write_deadlines(writer, plan, owner, ids)
    return plan.counts


async def _write_deadlines(writer: _Writer, plan: Plan, owner: Mapping[str, int], ids: Sequence[int]) -> None:
    """The deadlines of the items created (`ids`, in plan order; they have no fees yet) and of those
    whose dates, kind or status changed, kept in ip_deadline as the single IP services keep them."""

    def rows() -> Iterator[tuple[Any, ...]]:
        for item_id, (_, record) in zip(ids, plan.creates, strict=True):
            yield from deadline_table.deadline_rows({**record, "id": item_id, "tenant": owner[record["uscc"]]}, ())

    await writer.insert(IPDeadline._meta.tablename, deadline_table.COLUMNS, rows(), len(plan.creates), "")
    await deadline_table.refresh([before["id"] for _, before, diff in plan.updates if _SETTLED.intersection(diff)])


async def apply_reports(actor: Actor, plan: Plan, progress: Progress | None = None) -> Counts:
    async with _writing(actor, plan, progress) as writer:
        owner = await _tenant_ids(plan)
        await writer.insert(
            PeriodReport._meta.tablename,
            ("tenant", "period", "year", *_FIGURES, "version"),
            (
                (owner[r["uscc"]], r["period"], Period.parse(r["period"]).year, *(r[k] for k in _FIGURES), 1)
                for _, r in plan.creates
            ),
            len(plan.creates),
            "reports",
        )
        await writer.update(PeriodReport._meta.tablename, plan.updates)
        await writer.audit(
            "report", plan, audit.report_key, lambda r: {"period": r["period"], **{k: r[k] for k in _FIGURES}}
        )
        await _write_corrections(actor, plan, owner)
    return plan.counts


async def _write_corrections(actor: Actor, plan: Plan, owners: Mapping[str, int]) -> None:
    """The ReportCorrection of each row of a closed round's period (few: one per row corrected);
    `owners`: the tenant ids of the reports created."""
    if not plan.corrections:
        return
    at = datetime.now(UTC)
    corrections = []
    for index, record in plan.creates:
        if index in plan.corrections:
            corrections.append(
                report_service.correction_row(
                    actor, plan.corrections[index], owners[record["uscc"]], record["period"], None, record, at
                )
            )
    updated = {before["id"] for index, before, _ in plan.updates if index in plan.corrections}
    tenant_of = {}
    if updated:
        condition, params = any_of("id", sorted(updated), "ids")
        tenant_of = {
            row["id"]: row["tenant"]
            for row in await fetch(f"SELECT id, tenant FROM period_report WHERE {condition}", params)
        }
    for index, before, diff in plan.updates:
        if index in plan.corrections:
            corrections.append(
                report_service.correction_row(
                    actor,
                    plan.corrections[index],
                    tenant_of[before["id"]],
                    before["period"],
                    before,
                    {**before, **diff},
                    at,
                )
            )
    await ReportCorrection.insert(*corrections).run()


# Plan and apply in one go -------------------------------------------------------------------------


async def upsert_tenants(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> Counts:
    actor.require(Action.IMPORT)
    async with write_transaction():
        return await apply_tenants(actor, await plan_tenants(rows))


async def upsert_ip_items(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> Counts:
    actor.require(Action.IMPORT)
    async with write_transaction():
        return await apply_ip_items(actor, await plan_ip_items(rows))


async def upsert_reports(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> Counts:
    actor.require(Action.IMPORT)
    async with write_transaction():
        return await apply_reports(actor, await plan_reports(rows))


__all__ = [
    "BulkRejected",
    "Counts",
    "Plan",
    "Problem",
    "apply_ip_items",
    "apply_reports",
    "apply_tenants",
    "write_rows",
    "ip_items_by_key",
    "plan_ip_items",
    "plan_reports",
    "plan_tenants",
    "tenants_by_uscc",
    "upsert_ip_items",
    "upsert_reports",
    "upsert_tenants",
]
