"""Period reports: a tenant's figures for a year, a half or a quarter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import write_transaction
from registry.errors import FieldError, InvalidValue, NotFound, PreconditionFailed, ValidationFailed
from registry.money import unit_yuan
from registry.periods import Period
from registry.records import clean, report_change
from registry.services.closed_years import check_year, require_open
from registry.services.listing import Page, listing
from registry.services.round_close import closed_round_of
from registry.services.tenants import tenant_id
from registry.services.versioning import IfMatch, check_version, write_change
from registry.tables import PeriodReport, ReportCorrection
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


# --- Corrections (SPEC §9): a report written after its period's round closed -----------------------

CORRECTION_REASON = "correction_reason"


def correction_reason_missing(period: str) -> FieldError:
    return FieldError(
        CORRECTION_REASON,
        "correction_reason_required",
        f"{period} 的报送轮次已关闭，修改即为更正，请填写更正原因（correction_reason）/ the round of {period} is "
        "closed: this change is a correction and needs a reason (correction_reason)",
    )


def correction_reason(period: str, reason: str | None) -> str:
    """The reason of a correction to `period`, stripped; 422 naming correction_reason without one."""
    text = (reason or "").strip()
    if not text:
        error = correction_reason_missing(period)
        raise ValidationFailed(error.message, [error])
    return text


async def correction_round(period: Period, reason: str | None) -> tuple[int, str] | None:
    """Inside a report write of `period`: (round id, reason) when the period's round is closed, so
    the write is a correction — refused (422) without a reason; None when it is an ordinary write.
    The one rule every door follows (API, portal, import: registry.services.bulk)."""
    found = await closed_round_of(str(period))
    if found is None:
        return None
    return found["id"], correction_reason(str(period), reason)


def correction_values(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> tuple[dict, dict]:
    """The figures a write changes: (as they were, as they became); a report created or deleted has
    None on the other side."""
    old = {k: (before or {}).get(k) for k in FIGURES}
    new = {k: (after or {}).get(k) for k in FIGURES}
    changed = [k for k in FIGURES if old[k] != new[k]]
    return {k: old[k] for k in changed}, {k: new[k] for k in changed}


def correction_row(
    actor: Actor,
    correction: tuple[int, str],
    owner: int,
    period: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: datetime | None = None,
) -> ReportCorrection:
    old, new = correction_values(before, after)
    round_id, reason = correction
    return ReportCorrection(
        round=round_id,
        tenant=owner,
        period=period,
        at=at or datetime.now(UTC),
        by=actor.username,
        reason=reason,
        before=old,
        after=new,
    )


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
    reason: str | None = None,
) -> tuple[dict, bool]:
    """Replace the period's figures (a figure left out is cleared), money given in `unit`; stored
    exactly in fen. Returns (report, created). `new_only` (If-None-Match: *, a form for a new report):
    a report already stored for the period is not replaced but 412, as a stale version is. After the
    period's round closed it is a correction and needs `reason`."""
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
            correction = await correction_round(period, reason)
            await PeriodReport.insert(PeriodReport(tenant=owner, period=str(period), year=period.year, **figures)).run()
            created = {"period": str(period), **figures}
            await _audit(actor, "create", key, uscc, None, created, correction)
        else:
            if new_only:
                raise PreconditionFailed(_ALREADY_THERE)
            check_version(before["version"], if_version)
            diff = report_change(before, figures)
            correction = await correction_round(period, reason) if diff else None
            if diff:
                await write_change(PeriodReport._meta.tablename, before, diff)
                await _audit(actor, "update", key, uscc, {k: before[k] for k in diff}, diff, correction)
        after = await _fetch(owner, str(period))
        if correction is not None:
            await correction_row(actor, correction, owner, str(period), before, after).save().run()
    assert after is not None
    return after, before is None


async def _audit(
    actor: Actor,
    action: str,
    key: str,
    uscc: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    correction: tuple[int, str] | None,
) -> None:
    """A report's entry; a correction's says `correct` and carries its reason."""
    if correction is None:
        await audit.record(actor, action, "report", key, uscc, before, after)
    else:
        kept = None if after is None else {**after, CORRECTION_REASON: correction[1]}
        await audit.record(actor, "correct", "report", key, uscc, before, kept)


async def delete_report(
    actor: Actor,
    uscc: str,
    period_text: str,
    if_version: int | IfMatch | None = None,
    reason: str | None = None,
) -> None:
    actor.require_write(uscc)
    period = parse_period(period_text)
    async with write_transaction():
        await require_open(period.year)
        owner = await tenant_id(uscc, lock=True)
        before = await _fetch(owner, str(period))
        if before is None:
            raise NotFound(_NOT_FOUND)
        check_version(before["version"], if_version)
        correction = await correction_round(period, reason)
        await PeriodReport.delete().where(PeriodReport.id == before["id"]).run()
        await _audit(
            actor, "delete", audit.report_key({"uscc": uscc, "period": period}), uscc, before, None, correction
        )
        if correction is not None:
            await correction_row(actor, correction, owner, str(period), before, None).save().run()
