"""Report rounds (报送轮次, SPEC §9): the statistics office asks the tenants for one period's figures.

Opening a round asks every tenant on record on the period's last day — on the opening day when the
period is still running then — with a return `not_started` each (registry.services.returns moves
them). One round per period. A round's `fields` are the report figures asked; stored [] means all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

import msgspec
from msgspec import Struct
from piccolo.query.functions.aggregate import Count

from registry import audit
from registry.actor import Actor
from registry.answers import ByKey
from registry.db import insert_rows, write_transaction
from registry.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidValue,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from registry.identifiers import is_row_id
from registry.periods import Period
from registry.permissions import Action
from registry.records import clean_value
from registry.services.listing import Page, listing
from registry.services.reports import FIGURE_FIELDS, FIGURES, figure_fields, parse_period
from registry.services.round_close import asked_keys
from registry.services.versioning import CHANGED, IfMatch, check_version
from registry.tables import ReportRound, RoundReturn, Tenant
from registry.vocabulary import RETURN_STATE, ROUND_STATE, Field

RoundState = Literal[ROUND_STATE.codes]  # type: ignore[valid-type]
_NOT_FOUND = "未找到该报送轮次 / no such report round"
_TITLE = Field("title", "标题", "Title", "text", max_length=200)
_OPENS_ON = Field("opens_on", "开始日期", "Opening day", "date")
_DEADLINE = Field("deadline", "截止日期", "Deadline", "date")
MAX_REMIND_DAYS = 60

ReturnCounts = msgspec.defstruct(
    "ReturnCounts",
    [(code, int, 0) for code in RETURN_STATE.codes],
    bases=(ByKey,),
    module=__name__,
    frozen=True,
)
ReturnCounts.__doc__ = "How many returns of the round are in each state (RETURN_STATE)."


class Round(Struct, frozen=True):
    """A report round: the period asked, by when, which figures (every report field when the round
    was opened without a list), its state and how many returns are in each state (`asked`: all)."""

    id: int
    period: str
    title: str
    opens_on: date
    deadline: date
    fields: list[str]
    state: RoundState
    counts: ReturnCounts  # type: ignore[valid-type]
    asked: int
    remind_days_before: int
    opened_by: str
    opened_at: datetime
    version: int
    closed_by: str | None = None
    closed_at: datetime | None = None


def asked_fields(stored: list[str] | str | None, unit: str = "元") -> tuple[Field, ...]:
    """The report fields a round asks (its stored `fields`; [] means all), money in `unit`, in the
    vocabulary's order."""
    keys = asked_keys(stored)
    return tuple(f for f in figure_fields(unit) if f.key in keys)


def asked_on(period: Period, opens_on: date) -> date:
    """The day whose tenants on record a round asks: the period's last, or the opening day if the
    period is still running then."""
    return min(period.end, opens_on)


_COLUMNS = [c for c in ReportRound._meta.columns if c._meta.name != "signed_content"]  # the scan: not to read each time


async def fetch_round(round_id: int) -> dict:
    """The round's row (its `fields` a list), else 404."""
    if not is_row_id(round_id):
        raise NotFound(_NOT_FOUND)
    row = await ReportRound.select(*_COLUMNS).where(ReportRound.id == round_id).output(load_json=True).first().run()
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


async def _counts(round_ids: list[int]) -> dict[int, dict[str, int]]:
    counted: dict[int, dict[str, int]] = {i: {} for i in round_ids}
    if not round_ids:
        return counted
    rows = await (
        RoundReturn.select(RoundReturn.round, RoundReturn.state, Count(alias="n"))
        .where(RoundReturn.round.is_in(round_ids))
        .group_by(RoundReturn.round, RoundReturn.state)
        .run()
    )
    for row in rows:
        counted[row["round"]][row["state"]] = row["n"]
    return counted


def _answer(row: Mapping[str, Any], counts: dict[str, int]) -> Round:
    return Round(
        id=row["id"],
        period=row["period"],
        title=row["title"],
        opens_on=row["opens_on"],
        deadline=row["deadline"],
        fields=[f.key for f in asked_fields(row["fields"])],
        state=row["state"],
        counts=ReturnCounts(**counts),
        asked=sum(counts.values()),
        remind_days_before=row["remind_days_before"],
        opened_by=row["opened_by"],
        opened_at=row["opened_at"],
        version=row["version"],
        closed_by=row["closed_by"],
        closed_at=row["closed_at"],
    )


def require_reading(actor: Actor) -> None:
    if not (actor.may(Action.REVIEW_RETURNS) or actor.may(Action.RUN_ROUNDS)):
        raise Forbidden(f"角色 {actor.role} 无权查看报送轮次 / role {actor.role} may not read report rounds")


async def get_round(actor: Actor, round_id: int) -> Round:
    require_reading(actor)
    row = await fetch_round(round_id)
    return _answer(row, (await _counts([round_id]))[round_id])


async def list_rounds(actor: Actor, page: Page, state: str | None = None) -> dict:
    """Every round, the newest period first."""
    require_reading(actor)
    page.check()
    if state and state not in ROUND_STATE.codes:
        raise ValidationFailed(
            "筛选条件无效 / invalid filter",
            [FieldError("state", "not_a_choice", f"可选 / one of: {', '.join(ROUND_STATE.codes)}")],
        )
    query = ReportRound.select(*_COLUMNS).output(load_json=True)
    if state:
        query = query.where(ReportRound.state == state)
    rows = await query.run()
    rows.sort(key=lambda r: (Period.parse(r["period"]), r["id"]), reverse=True)
    shown = rows[page.offset : page.offset + page.limit]
    counts = await _counts([r["id"] for r in shown])
    return listing([_answer(r, counts[r["id"]]) for r in shown], len(rows), page)


def _clean_fields(value: Any) -> list[str]:
    """The figures asked, as stored: [] for all of them."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(
            "所填报字段无效 / invalid fields",
            [FieldError("fields", "type", "应为报表字段的列表 / a list of report field keys")],
        )
    unknown = [v for v in value if v not in FIGURES]
    if unknown:
        raise ValidationFailed(
            "未知的报表字段 / unknown report fields",
            [FieldError("fields", "unknown_field", f"未知字段 / unknown fields: {', '.join(unknown)}")],
        )
    keys = [f.key for f in FIGURE_FIELDS if f.key in value]
    return [] if len(keys) == len(FIGURES) else keys


def _clean_round(data: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
    """A round's values as stored, every bad one named at once; `before` (a change) fills the rest."""
    allowed = {"title", "opens_on", "deadline", "fields", "remind_days_before"} | (
        {"period"} if before is None else set()
    )
    errors = [FieldError(k, "unknown_field", f"未知字段 / unknown field {k!r}") for k in data if k not in allowed]
    cleaned: dict[str, Any] = {}
    for field in (_TITLE, _OPENS_ON, _DEADLINE):
        if field.key not in data:
            continue
        try:
            cleaned[field.key] = clean_value(field, data[field.key])
        except InvalidValue as error:
            errors.append(FieldError(field.key, error.code, error.message))
    if "fields" in data:
        try:
            cleaned["fields"] = _clean_fields(data["fields"])
        except ValidationFailed as error:
            errors.extend(error.errors)
    if "remind_days_before" in data:
        days = data["remind_days_before"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_REMIND_DAYS:
            errors.append(
                FieldError(
                    "remind_days_before",
                    "out_of_range",
                    f"应为 0–{MAX_REMIND_DAYS} 天 / must be 0 to {MAX_REMIND_DAYS} days",
                )
            )
        else:
            cleaned["remind_days_before"] = days
    if before is None:
        if "period" not in data:
            errors.append(FieldError("period", "required", "“期间”必填 / period is required"))
        else:
            try:
                cleaned["period"] = str(Period.parse(str(data["period"])))
            except InvalidValue as error:
                errors.append(FieldError("period", error.code, error.message))
        if cleaned.get("deadline") is None and not any(e.field == "deadline" for e in errors):
            errors.append(FieldError("deadline", "required", "“截止日期”必填 / deadline is required"))
    merged = {**(before or {}), **cleaned}
    opens_on, deadline = merged.get("opens_on"), merged.get("deadline")
    if before is not None and "deadline" in cleaned and deadline is None:
        errors.append(FieldError("deadline", "required", "“截止日期”必填 / deadline is required"))
    if before is not None and "title" in cleaned and not cleaned["title"]:
        errors.append(FieldError("title", "required", "“标题”必填 / title is required"))
    if opens_on and deadline and deadline < opens_on:
        errors.append(
            FieldError("deadline", "before_opening", "截止日期早于开始日期 / the deadline is before the opening day")
        )
    if errors:
        raise ValidationFailed("报送轮次信息无效 / invalid report round", errors)
    return cleaned


def default_title(period: Period) -> str:
    return f"{period.label('zh')}经营数据报送 / {period.label('en')} report round"


async def open_round(actor: Actor, data: Mapping[str, Any]) -> Round:
    """Open a round for `period` by `deadline` (the statistics office, admins): a return
    `not_started` for every tenant on record on the day `asked_on` names. 409 if the period has one."""
    actor.require(Action.RUN_ROUNDS)
    cleaned = _clean_round(data, None)
    period = parse_period(cleaned["period"])
    opens_on = cleaned.get("opens_on") or date.today()
    if cleaned.get("deadline") and cleaned["deadline"] < opens_on:
        raise ValidationFailed(
            "报送轮次信息无效 / invalid report round",
            [FieldError("deadline", "before_opening", "截止日期早于开始日期 / the deadline is before the opening day")],
        )
    record = {
        "period": str(period),
        "year": period.year,
        "title": cleaned.get("title") or default_title(period),
        "opens_on": opens_on,
        "deadline": cleaned["deadline"],
        "fields": cleaned.get("fields", []),
        "state": "open",
        "remind_days_before": cleaned.get("remind_days_before", 3),
        "opened_by": actor.username,
        "opened_at": datetime.now(UTC),
    }
    async with write_transaction():
        if await ReportRound.exists().where(ReportRound.period == str(period)).run():
            raise Conflict(
                f"{period.label('zh')}已有报送轮次 / a round for {period.label('en')} is already open (one per period)"
            )
        inserted = await ReportRound.insert(ReportRound(**record)).returning(ReportRound.id).run()
        round_id = inserted[0]["id"]
        day = asked_on(period, opens_on)
        tenants = await (
            Tenant.select(Tenant.id)
            .where(Tenant.moved_in_on <= day)
            .where(Tenant.moved_out_on.is_null() | (Tenant.moved_out_on > day))
            .output(as_list=True)
            .run()
        )
        await insert_rows(
            RoundReturn._meta.tablename,
            ("round", "tenant", "state", "figures", "warnings", "field_reasons", "version"),
            [(round_id, tenant, "not_started", "{}", "[]", "{}", 1) for tenant in tenants],
        )
        await audit.record(
            actor, "create", "round", str(round_id), None, None, {**record, "asked_on": day, "asked": len(tenants)}
        )
    return await get_round(actor, round_id)


async def change_round(
    actor: Actor, round_id: int, data: Mapping[str, Any], if_version: int | IfMatch | None = None
) -> Round:
    """Change an open round's title, days, fields or reminder lead (the statistics office, admins)."""
    actor.require(Action.RUN_ROUNDS)
    async with write_transaction():
        before = await fetch_round(round_id)
        check_version(before["version"], if_version)
        if before["state"] != "open":
            raise Conflict("报送轮次已关闭，不能修改 / the round is closed and cannot change")
        cleaned = _clean_round(data, before)
        diff = {k: v for k, v in cleaned.items() if before[k] != v}
        if diff:
            values = {ReportRound._meta.get_column_by_name(k): v for k, v in diff.items()}
            # Piccolo's update stores the JSON `fields` alike on both engines; checked against the version read.
            changed = await (
                ReportRound.update({**values, ReportRound.version: ReportRound.version + 1})
                .where((ReportRound.id == round_id) & (ReportRound.version == before["version"]))
                .returning(ReportRound.id)
                .run()
            )
            if not changed:
                raise PreconditionFailed(CHANGED)
            await audit.record(actor, "update", "round", str(round_id), None, {k: before[k] for k in diff}, diff)
    return await get_round(actor, round_id)


__all__ = [
    "Round",
    "ReturnCounts",
    "asked_fields",
    "asked_on",
    "change_round",
    "fetch_round",
    "get_round",
    "list_rounds",
    "open_round",
]
