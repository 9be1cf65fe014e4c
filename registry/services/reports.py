"""Period reports: a tenant's figures for a year, a half or a quarter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import write_transaction
from registry.errors import FieldError, InvalidValue, NotFound, PreconditionFailed, ValidationFailed
from registry.money import unit_yuan
from registry.periods import Period
from registry.records import clean, report_change
from registry.services.closed_years import check_year, closed_years, require_open
from registry.services.listing import Page, listing
from registry.services.tenants import get_tenant, tenant_id
from registry.services.versioning import IfMatch, check_version, write_change
from registry.tables import PeriodReport
from registry.vocabulary import COUNT_KEYS, MONEY_KEYS, REPORT_FIELDS, Field

FIGURE_FIELDS = tuple(f for f in REPORT_FIELDS if f.key not in ("uscc", "period"))
FIGURES = tuple(f.key for f in FIGURE_FIELDS)
COLUMNS = [
    PeriodReport.id,
    PeriodReport.version,
    PeriodReport.tenant.uscc.as_alias("uscc"),
    PeriodReport.period,
    *(PeriodReport._meta.get_column_by_name(k) for k in (*MONEY_KEYS, *COUNT_KEYS)),
]
_NOT_FOUND = "未找到该期经营数据 / no report for this period"
_ALREADY_THERE = "该期经营数据已有人填报 / a report for this period was saved meanwhile"
SORTS = ("period", "-period")  # newest first when not given


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except InvalidValue as error:
        raise ValidationFailed(error.message, [FieldError("period", error.code, error.message)]) from None


async def _fetch(owner: int, period: str) -> dict | None:
    return await (
        PeriodReport.select(*COLUMNS)
        .where((PeriodReport.tenant == owner) & (PeriodReport.period == period))
        .first()
        .run()
    )


async def get_report(actor: Actor, uscc: str, period_text: str) -> dict:
    actor.require_read(uscc)
    period = parse_period(period_text)
    row = await _fetch(await tenant_id(uscc), str(period))
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


async def list_reports(actor: Actor, uscc: str, page: Page, year: int | None = None) -> dict:
    actor.require_read(uscc)
    page.check()
    if year is not None:
        check_year(year)
    if page.sort not in (None, "", *SORTS):
        raise ValidationFailed(
            "排序字段无效 / invalid sort",
            [FieldError("sort", "not_a_choice", "可选 / one of: period, -period (the default, newest first)")],
        )
    owner = await tenant_id(uscc)
    rows = await PeriodReport.select(*COLUMNS).where(PeriodReport.tenant == owner).run()
    if year is not None:
        rows = [r for r in rows if Period.parse(r["period"]).year == year]
    rows.sort(key=lambda r: Period.parse(r["period"]), reverse=page.sort != "period")  # newest first unless asked
    return listing(rows[page.offset : page.offset + page.limit], len(rows), page)


def figure_fields(unit: str = "元") -> tuple[Field, ...]:
    """The report's figures with money stated in `unit` (元, 千元, 万元, 亿元), as a form or a sheet gives it."""
    if unit == "元":
        return FIGURE_FIELDS
    try:
        unit_yuan(unit)
    except InvalidValue as error:
        raise ValidationFailed(error.message, [FieldError("unit", error.code, error.message)]) from None
    return tuple(replace(f, unit=unit) if f.type == "money" else f for f in FIGURE_FIELDS)


async def put_report(
    actor: Actor,
    uscc: str,
    period_text: str,
    data: Mapping[str, Any],
    if_version: int | IfMatch | None = None,
    unit: str = "元",
    new_only: bool = False,
) -> tuple[dict, bool]:
    """Replace the period's figures (a figure left out is cleared), money given in `unit`; stored
    exactly in fen. Returns (report, created). `new_only` (If-None-Match: *, a form for a new report):
    a report already stored for the period is not replaced but 412, as a stale version is."""
    actor.require_write(uscc)
    period = parse_period(period_text)
    figures = {key: None for key in FIGURES} | clean(figure_fields(unit), data, partial=True)
    async with write_transaction():
        await require_open(period.year)  # the year's lock before the tenant's row lock (see db.hold_year)
        owner = await tenant_id(uscc, lock=True)
        before = await _fetch(owner, str(period))
        key = audit.report_key({"uscc": uscc, "period": period})
        if before is None:
            # If-Match names a version of a report that is not there (deleted meanwhile): 412, not a new report.
            check_version(0, if_version)
            figures = report_change(None, figures)
            await PeriodReport.insert(PeriodReport(tenant=owner, period=str(period), year=period.year, **figures)).run()
            await audit.record(actor, "create", "report", key, uscc, None, {"period": str(period), **figures})
        else:
            if new_only:
                raise PreconditionFailed(_ALREADY_THERE)
            check_version(before["version"], if_version)
            diff = report_change(before, figures)
            if diff:
                await write_change(PeriodReport._meta.tablename, before, diff)
                await audit.record(actor, "update", "report", key, uscc, {k: before[k] for k in diff}, diff)
        after = await _fetch(owner, str(period))
    assert after is not None
    return after, before is None


async def delete_report(actor: Actor, uscc: str, period_text: str, if_version: int | IfMatch | None = None) -> None:
    actor.require_write(uscc)
    period = parse_period(period_text)
    async with write_transaction():
        await require_open(period.year)
        owner = await tenant_id(uscc, lock=True)
        before = await _fetch(owner, str(period))
        if before is None:
            raise NotFound(_NOT_FOUND)
        check_version(before["version"], if_version)
        await PeriodReport.delete().where(PeriodReport.id == before["id"]).run()
        await audit.record(
            actor, "delete", "report", audit.report_key({"uscc": uscc, "period": period}), uscc, before, None
        )


# How far back a form offers years to a company on record since before it: the registry keeps older
# reports, but a form's list of a few dozen periods is what a person can pick from.
FORM_YEARS = 10


async def reportable_periods(actor: Actor, uscc: str, today: date | None = None) -> list[Period]:
    """The periods a report form offers for `uscc`, newest first: every year, half and quarter that has
    begun, of the open years since the company moved in or was founded (FORM_YEARS back at most, or when
    neither is known; but from the first year it reported); newest year first. Closed years are read-only, so not offered."""
    tenant = await get_tenant(actor, uscc)
    today = today or date.today()
    reported = await list_reports(actor, uscc, Page(1, 0, "period"))
    started = [int(str(d)[:4]) for d in (tenant["moved_in_on"], tenant["founded_on"]) if d is not None]
    first = max(min(started, default=0), today.year - FORM_YEARS)  # no dates known: FORM_YEARS back
    if reported["items"]:
        first = min(first, Period.parse(reported["items"][0]["period"]).year)
    closed = await closed_years()
    periods = [
        Period(year, half, quarter)
        for year in range(first, today.year + 1)
        if year not in closed
        for half, quarter in ((None, None), (1, None), (2, None), (None, 1), (None, 2), (None, 3), (None, 4))
    ]
    return sorted((p for p in periods if p.start <= today), key=lambda p: (-p.year, p))
