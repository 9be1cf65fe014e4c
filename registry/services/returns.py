"""Returns (报表, SPEC §9): a tenant's figures for a round, saved, submitted, reviewed.

Every move goes through the state table (registry.return_states) and is audited (entity `return`, the
move as the action, the note in `after`). A tenant reaches only its own return, and only once the
round has opened: anything else is the same 404 as a return that does not exist. Submitting runs the
checks (registry.return_checks) and writes the figures asked into the tenant's period report in the
same transaction (registry.services.reports.put_report: its rules, its lock, its audit); a draft does
not touch the period report.

Each move holds the round's year (registry.db.hold_year, shared) before any row, as report writes
do: a close taking the year alone waits for the moves in flight and then sees no more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

import msgspec
from msgspec import Struct

from registry import audit
from registry.actor import Actor
from registry.answers import ByKey, Fen, Industry, fen
from registry.db import hold_year, insert_rows, write_transaction
from registry.errors import Conflict, FieldError, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from registry.money import format_yuan
from registry.periods import Period
from registry.permissions import Action
from registry.records import says_nothing_visible
from registry.return_checks import BY_CODE, Facts, Finding, findings, read_figures
from registry.return_states import FILLABLE, Move, next_state
from registry.services import reports
from registry.services.listing import Page, filter_code, listing
from registry.services.rounds import asked_fields, fetch_round
from registry.services.tenants import tenant_id
from registry.services.versioning import CHANGED, IfMatch, check_version
from registry.tables import PeriodReport, RoundReturn, Tenant
from registry.vocabulary import COUNT_KEYS, INDUSTRY, MONEY_KEYS, RETURN_STATE

ReturnState = Literal[RETURN_STATE.codes]  # type: ignore[valid-type]
_NOT_FOUND = "未找到该报表 / no such return"
MAX_NOTE = 2000

ReturnFigures = msgspec.defstruct(
    "ReturnFigures",
    [(key, Fen | None, None) for key in MONEY_KEYS] + [(key, int | None, None) for key in COUNT_KEYS],
    bases=(ByKey,),
    module=__name__,
    frozen=True,
)
ReturnFigures.__doc__ = (
    "A return's figures: money in yuan (decimal strings), counts; null where not given or not asked."
)


class ReturnWarning(Struct, frozen=True):
    """A check's warning at submission (registry.return_checks) with the tenant's explanation."""

    code: str
    field: str
    message: str
    explanation: str | None = None


class Return(Struct, frozen=True):
    """A tenant's return in a round. `filled_by`: the manager who filled it on the tenant's behalf (代填);
    `reason` and `field_reasons`: why it was sent back (or excused)."""

    round: int
    period: str
    round_title: str
    deadline: date
    uscc: str
    name: str
    industry: Industry
    state: ReturnState
    figures: ReturnFigures  # type: ignore[valid-type]
    warnings: list[ReturnWarning]
    field_reasons: dict[str, str]
    version: int
    reason: str | None = None
    filled_by: str | None = None
    saved_at: datetime | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


class EarlierFigures(Struct, frozen=True):
    """The tenant's report of an earlier period, shown beside the form."""

    period: str
    figures: ReturnFigures  # type: ignore[valid-type]


class ReturnForm(Return, frozen=True):
    """A return with what its form shows: the fields the round asks, and the tenant's figures of the
    period before and of the same period a year earlier (null when it has no report of them)."""

    fields: list[str] = []
    last_period: EarlierFigures | None = None
    last_year: EarlierFigures | None = None


class AcceptedMany(Struct, frozen=True):
    """What accepting many did: the returns accepted, and those left for review one by one."""

    accepted: list[str]
    skipped: list[str]


_COLUMNS = [
    RoundReturn.id,
    RoundReturn.version,
    RoundReturn.round,
    RoundReturn.state,
    RoundReturn.figures,
    RoundReturn.warnings,
    RoundReturn.reason,
    RoundReturn.field_reasons,
    RoundReturn.filled_by,
    RoundReturn.saved_at,
    RoundReturn.submitted_by,
    RoundReturn.submitted_at,
    RoundReturn.reviewed_by,
    RoundReturn.reviewed_at,
    RoundReturn.tenant.as_alias("tenant_id"),
    RoundReturn.tenant.uscc.as_alias("uscc"),
    RoundReturn.tenant.name.as_alias("name"),
    RoundReturn.tenant.industry.as_alias("industry"),
]


def _figures(stored: Mapping[str, Any]) -> Any:
    return ReturnFigures(**{k: fen(v) if k in MONEY_KEYS else v for k, v in stored.items() if v is not None})


def _answer(row: Mapping[str, Any], round_row: Mapping[str, Any]) -> Return:
    asked = {f.key for f in asked_fields(round_row["fields"])}
    return Return(
        round=round_row["id"],
        period=round_row["period"],
        round_title=round_row["title"],
        deadline=round_row["deadline"],
        uscc=row["uscc"],
        name=row["name"],
        industry=row["industry"],
        state=row["state"],
        figures=_figures({k: v for k, v in row["figures"].items() if k in asked}),
        warnings=[ReturnWarning(**w) for w in row["warnings"]],
        field_reasons=row["field_reasons"],
        version=row["version"],
        reason=row["reason"],
        filled_by=row["filled_by"],
        saved_at=row["saved_at"],
        submitted_by=row["submitted_by"],
        submitted_at=row["submitted_at"],
        reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"],
    )


def _own_or(actor: Actor, uscc: str, *rights: Action) -> None:
    """A tenant reaches its own return only (another's is not there: 404); other roles need a right."""
    if actor.may(Action.FILE_RETURN):
        if actor.tenant_uscc != uscc:
            raise NotFound(_NOT_FOUND)
        return
    if not any(actor.may(right) for right in rights):
        raise Forbidden(f"角色 {actor.role} 无权执行此操作 / role {actor.role} may not do this")


async def _round_for(actor: Actor, round_id: int) -> dict:
    """The round, as the actor may see it: a tenant sees no round before its opening day."""
    try:
        row = await fetch_round(round_id)
    except NotFound:
        raise NotFound(_NOT_FOUND) from None
    if actor.may(Action.FILE_RETURN) and row["opens_on"] > date.today():
        raise NotFound(_NOT_FOUND)
    return row


async def _fetch(round_id: int, uscc: str) -> dict:
    row = await (
        RoundReturn.select(*_COLUMNS)
        .where((RoundReturn.round == round_id) & (RoundReturn.tenant.uscc == uscc))
        .output(load_json=True)
        .first()
        .run()
    )
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


def _previous(period: Period) -> Period:
    """The period of the same length just before `period`."""
    if period.quarter is not None:
        return (
            Period(period.year - 1, quarter=4)
            if period.quarter == 1
            else Period(period.year, quarter=period.quarter - 1)
        )
    if period.half is not None:
        return Period(period.year - 1, half=2) if period.half == 1 else Period(period.year, half=1)
    return Period(period.year - 1)


async def earlier_figures(tenant: int, period: Period) -> tuple[dict | None, dict | None]:
    """The tenant's reports of the period before `period` and of the same period a year earlier."""
    found = []
    for earlier in (_previous(period), period.same_period_last_year()):
        row = await (
            PeriodReport.select(*(PeriodReport._meta.get_column_by_name(k) for k in (*MONEY_KEYS, *COUNT_KEYS)))
            .where((PeriodReport.tenant == tenant) & (PeriodReport.period == str(earlier)))
            .first()
            .run()
        )
        found.append(None if row is None else {"period": str(earlier), "figures": row})
    return found[0], found[1]


async def _form(row: Mapping[str, Any], round_row: Mapping[str, Any]) -> ReturnForm:
    last_period, last_year = await earlier_figures(row["tenant_id"], Period.parse(round_row["period"]))
    asked = asked_fields(round_row["fields"])
    keys = {f.key for f in asked}

    def shown(found: dict | None) -> EarlierFigures | None:
        if found is None:
            return None
        return EarlierFigures(found["period"], _figures({k: v for k, v in found["figures"].items() if k in keys}))

    answer = _answer(row, round_row)
    return ReturnForm(
        **{name: getattr(answer, name) for name in answer.__struct_fields__},
        fields=[f.key for f in asked],
        last_period=shown(last_period),
        last_year=shown(last_year),
    )


async def get_return(actor: Actor, round_id: int, uscc: str) -> ReturnForm:
    """One return with its form's comparisons: the tenant its own, the office any."""
    _own_or(actor, uscc, Action.REVIEW_RETURNS, Action.MANAGE_RETURNS)
    round_row = await _round_for(actor, round_id)
    return await _form(await _fetch(round_id, uscc), round_row)


async def list_returns(
    actor: Actor,
    round_id: int,
    page: Page,
    state: str | None = None,
    industry: str | None = None,
    q: str | None = None,
) -> dict:
    """The round's returns by tenant name, filtered by state and industry (the office)."""
    actor.require(Action.REVIEW_RETURNS)
    page.check()
    state = filter_code("state", state, RETURN_STATE)
    industry = filter_code("industry", industry, INDUSTRY)
    round_row = await _round_for(actor, round_id)
    query = RoundReturn.select(*_COLUMNS).where(RoundReturn.round == round_id).output(load_json=True)
    count = RoundReturn.count().where(RoundReturn.round == round_id)
    conditions = []
    if state:
        conditions.append(RoundReturn.state == state)
    if industry:
        conditions.append(RoundReturn.tenant.industry == industry)
    if q and q.strip():
        needle = q.strip().upper()
        conditions.append(RoundReturn.tenant.uscc.like(f"%{needle}%") | RoundReturn.tenant.name.like(f"%{q.strip()}%"))
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await (
        query.order_by(RoundReturn.tenant.name).order_by(RoundReturn.id).limit(page.limit).offset(page.offset).run()
    )
    return listing([_answer(r, round_row) for r in rows], await count.run(), page)


async def my_returns(actor: Actor, page: Page) -> dict:
    """A tenant's own returns in every round opened, the newest period first."""
    actor.require(Action.FILE_RETURN)
    page.check()
    if not actor.tenant_uscc:
        return listing([], 0, page)
    rows = await (
        RoundReturn.select(*_COLUMNS)
        .where(RoundReturn.tenant.uscc == actor.tenant_uscc)
        .where(RoundReturn.round.opens_on <= date.today())
        .output(load_json=True)
        .run()
    )
    rounds = {r["round"]: await fetch_round(r["round"]) for r in rows}
    rows.sort(key=lambda r: (Period.parse(rounds[r["round"]]["period"]), r["round"]), reverse=True)
    shown = rows[page.offset : page.offset + page.limit]
    return listing([_answer(r, rounds[r["round"]]) for r in shown], len(rows), page)


async def asked_of(actor: Actor) -> list[Return]:
    """What a tenant is asked to file now (its home shows it first, SPEC §7): its returns not handed in
    (FILLABLE) in the open rounds, the nearest deadline first."""
    actor.require(Action.FILE_RETURN)
    if not actor.tenant_uscc:
        return []
    rows = await (
        RoundReturn.select(*_COLUMNS)
        .where(RoundReturn.tenant.uscc == actor.tenant_uscc)
        .where(RoundReturn.state.is_in(list(FILLABLE)))
        .where(RoundReturn.round.state == "open")
        .where(RoundReturn.round.opens_on <= date.today())
        .output(load_json=True)
        .run()
    )
    rounds = {r["round"]: await fetch_round(r["round"]) for r in rows}
    answers = [_answer(r, rounds[r["round"]]) for r in rows]
    return sorted(answers, key=lambda a: (a.deadline, a.round))


# --- Moves ------------------------------------------------------------------------------------------


def _note(name: str, value: Any, required: bool) -> str | None:
    """A reason or an explanation: plain text, at most MAX_NOTE characters; blank is None."""
    if value is None or (isinstance(value, str) and says_nothing_visible(value)):
        if required:
            raise ValidationFailed(
                "请说明原因 / a reason is required", [FieldError(name, "required", "必填 / required")]
            )
        return None
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise ValidationFailed(
            "说明无效 / invalid note",
            [FieldError(name, "too_long", f"应为不超过 {MAX_NOTE} 字的文字 / text of at most {MAX_NOTE} characters")],
        )
    return value.strip()


class _Moving:
    """One move of one return inside the write transaction: the round, the return as read, where
    the table takes it."""

    def __init__(self, round_row: dict, row: dict, after: str) -> None:
        self.round = round_row
        self.row = row
        self.after = after

    @property
    def key(self) -> str:
        return f"{self.round['id']}:{self.row['uscc']}"


async def _begin(actor: Actor, round_id: int, uscc: str, move: Move, if_version: int | IfMatch | None) -> _Moving:
    """Inside the write: hold the round's year, check the round is open and the move allowed from the
    return's state (403, 404, 409, 412)."""
    round_row = await _round_for(actor, round_id)
    await hold_year(round_row["year"])
    round_row = await fetch_round(round_id)  # as it is now that the year is held
    row = await _fetch(round_id, uscc)
    check_version(row["version"], if_version)
    if round_row["state"] != "open":
        raise Conflict("报送轮次已关闭，报表不能再变动 / the round is closed: its returns no longer change")
    return _Moving(round_row, row, next_state(actor, row["state"], move))


async def _write(actor: Actor, moving: _Moving, move: Move, diff: dict[str, Any], note: dict[str, Any]) -> None:
    """The move's change, if the return is still at the version read (else 412), and its audit entry."""
    await write_return(moving.row, {"state": moving.after, **diff})
    before = {"state": moving.row["state"]}
    await audit.record(
        actor, move.value, "return", moving.key, moving.row["uscc"], before, {"state": moving.after, **note}
    )


async def write_return(before: Mapping[str, Any], diff: Mapping[str, Any]) -> None:
    """A return's change as registry.services.versioning writes every record's (checked against the
    version read, bumped), through Piccolo's update: it stores the JSON columns alike on both engines."""
    values = {RoundReturn._meta.get_column_by_name(k): v for k, v in diff.items()}
    changed = await (
        RoundReturn.update({**values, RoundReturn.version: RoundReturn.version + 1})
        .where((RoundReturn.id == before["id"]) & (RoundReturn.version == before["version"]))
        .returning(RoundReturn.id)
        .run()
    )
    if not changed:
        raise PreconditionFailed(CHANGED)


async def _after(actor: Actor, round_id: int, uscc: str) -> ReturnForm:
    return await _form(await _fetch(round_id, uscc), await fetch_round(round_id))


def _filled_by(actor: Actor) -> str | None:
    """The manager filling a return on the tenant's behalf (代填); None when the tenant files its own."""
    return None if actor.may(Action.FILE_RETURN) else actor.username


async def save_return(
    actor: Actor,
    round_id: int,
    uscc: str,
    data: Mapping[str, Any],
    if_version: int | IfMatch | None = None,
    unit: str = "元",
) -> ReturnForm:
    """Keep the return's figures (those the round asks; money in `unit`) to come back to: a draft."""
    _own_or(actor, uscc, Action.MANAGE_RETURNS)
    async with write_transaction():
        moving = await _begin(actor, round_id, uscc, Move.SAVE, if_version)
        figures = read_figures(asked_fields(moving.round["fields"], unit), data)
        kept = {k: v for k, v in figures.items() if v is not None}
        filled_by = _filled_by(actor)
        diff = {"figures": kept, "saved_at": datetime.now(UTC), "filled_by": filled_by}
        await _write(actor, moving, Move.SAVE, diff, {"figures": kept, "filled_by": filled_by})
    return await _after(actor, round_id, uscc)


def _explained(warnings: list[Finding], explanations: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The warnings with their explanations (by code); 422 naming those left unexplained."""
    unknown = [code for code in explanations if code not in BY_CODE]
    if unknown:
        raise ValidationFailed(
            "未知的审核规则 / unknown check codes",
            [
                FieldError(f"explanations.{code}", "unknown_check", f"无此审核规则 / no check {code!r}")
                for code in unknown
            ],
        )
    notes = {code: _note(f"explanations.{code}", text, required=False) for code, text in explanations.items()}
    missing = [w for w in warnings if not notes.get(w.code)]
    if missing:
        error = ValidationFailed(
            "以下提示须说明原因后才能上报 / explain these warnings to submit",
            [FieldError(w.field, w.code, w.message) for w in missing],
        )
        error.extensions["warnings"] = [{"code": w.code, "field": w.field, "message": w.message} for w in missing]
        raise error
    return [{"code": w.code, "field": w.field, "message": w.message, "explanation": notes[w.code]} for w in warnings]


async def submit_return(
    actor: Actor,
    round_id: int,
    uscc: str,
    explanations: Mapping[str, Any] | None = None,
    if_version: int | IfMatch | None = None,
) -> ReturnForm:
    """Hand the saved figures in: errors block (422 naming the fields), warnings need an explanation
    (422 listing those without); the figures go into the tenant's period report."""
    _own_or(actor, uscc, Action.MANAGE_RETURNS)
    async with write_transaction():
        moving = await _begin(actor, round_id, uscc, Move.SUBMIT, if_version)
        asked = asked_fields(moving.round["fields"])
        figures = {f.key: moving.row["figures"].get(f.key) for f in asked}
        if all(v is None for v in figures.values()):
            raise ValidationFailed(
                "报表为空，请先填写并保存 / the return is empty: fill it in and save it first",
                [FieldError("figures", "empty", "没有任何数字 / no figures given")],
            )
        period = Period.parse(moving.round["period"])
        last_period, last_year = await earlier_figures(moving.row["tenant_id"], period)
        facts = Facts(figures, asked, (last_period or {}).get("figures", {}), (last_year or {}).get("figures", {}))
        errors = findings(facts, "error")
        if errors:
            raise ValidationFailed(
                "报表未通过审核规则 / the return fails the checks",
                [FieldError(f.field, f.code, f.message) for f in errors],
            )
        warnings = _explained(findings(facts, "warning"), explanations or {})
        await _into_report(actor, moving, figures)
        now, filled_by = datetime.now(UTC), _filled_by(actor)
        diff = {"warnings": warnings, "submitted_by": actor.username, "submitted_at": now, "filled_by": filled_by}
        await _write(
            actor, moving, Move.SUBMIT, diff, {"figures": figures, "warnings": warnings, "filled_by": filled_by}
        )
    return await _after(actor, round_id, uscc)


async def _into_report(actor: Actor, moving: _Moving, figures: Mapping[str, int | None]) -> None:
    """The figures asked into the tenant's period report; the figures not asked stay as they are."""
    owner, period = moving.row["tenant_id"], moving.round["period"]
    stored = (
        await PeriodReport.select(*(PeriodReport._meta.get_column_by_name(k) for k in (*MONEY_KEYS, *COUNT_KEYS)))
        .where((PeriodReport.tenant == owner) & (PeriodReport.period == period))
        .first()
        .run()
        or {}
    )
    merged = {**stored, **figures}
    body = {k: format_yuan(v) if k in MONEY_KEYS else v for k, v in merged.items() if v is not None}
    # Written as the one submitting (the tenant, or the manager filling for it): the report's own rules,
    # lock and audit entry apply.
    await reports.put_report(actor, moving.row["uscc"], period, body)


async def accept_return(
    actor: Actor, round_id: int, uscc: str, if_version: int | IfMatch | None = None, note: str | None = None
) -> ReturnForm:
    """The office accepts a submitted return (通过)."""
    actor.require(Action.REVIEW_RETURNS)
    note = _note("note", note, required=False)
    async with write_transaction():
        moving = await _begin(actor, round_id, uscc, Move.ACCEPT, if_version)
        await _accept(actor, moving, note)
    return await _after(actor, round_id, uscc)


async def _accept(actor: Actor, moving: _Moving, note: str | None) -> None:
    diff = {"reviewed_by": actor.username, "reviewed_at": datetime.now(UTC), "reason": None, "field_reasons": {}}
    await _write(actor, moving, Move.ACCEPT, diff, {"note": note} if note else {})


async def accept_many(actor: Actor, round_id: int, usccs: Sequence[str] | None = None) -> AcceptedMany:
    """Accept the submitted returns without warnings (those of `usccs`, else all of the round); the
    rest are left for review one by one and named as skipped."""
    actor.require(Action.REVIEW_RETURNS)
    accepted, skipped = [], []
    async with write_transaction():
        round_row = await _round_for(actor, round_id)
        await hold_year(round_row["year"])
        query = RoundReturn.select(RoundReturn.tenant.uscc.as_alias("uscc"), RoundReturn.state, RoundReturn.warnings)
        query = query.where(RoundReturn.round == round_id).output(load_json=True)
        if usccs is not None:
            query = query.where(RoundReturn.tenant.uscc.is_in(list(usccs) or [""]))
        rows = {r["uscc"]: r for r in await query.run()}
        for uscc in sorted(rows) if usccs is None else usccs:
            row = rows.get(uscc)
            if row is None or row["state"] != "submitted" or row["warnings"]:
                if usccs is not None:
                    skipped.append(uscc)
                continue
            moving = await _begin(actor, round_id, uscc, Move.ACCEPT, None)
            await _accept(actor, moving, None)
            accepted.append(uscc)
    return AcceptedMany(accepted=accepted, skipped=skipped)


async def send_back(
    actor: Actor,
    round_id: int,
    uscc: str,
    reason: Any,
    field_reasons: Mapping[str, Any] | None = None,
    if_version: int | IfMatch | None = None,
) -> ReturnForm:
    """Return a submitted (or accepted) return to the tenant (退回) with the reason, overall and per field."""
    actor.require(Action.REVIEW_RETURNS)
    field_reasons = dict(field_reasons or {})
    reason = _note("reason", reason, required=not field_reasons)
    async with write_transaction():
        moving = await _begin(actor, round_id, uscc, Move.SEND_BACK, if_version)
        asked = {f.key for f in asked_fields(moving.round["fields"])}
        wrong = [k for k in field_reasons if k not in asked]
        if wrong:
            raise ValidationFailed(
                "本轮未要求填报这些字段 / the round does not ask for these fields",
                [FieldError(f"fields.{k}", "unknown_field", f"未知字段 / unknown field {k!r}") for k in wrong],
            )
        reasons = {k: _note(f"fields.{k}", v, required=True) for k, v in field_reasons.items()}
        diff = {
            "reason": reason,
            "field_reasons": reasons,
            "reviewed_by": actor.username,
            "reviewed_at": datetime.now(UTC),
        }
        await _write(actor, moving, Move.SEND_BACK, diff, {"reason": reason, "field_reasons": reasons})
    return await _after(actor, round_id, uscc)


async def excuse(
    actor: Actor, round_id: int, uscc: str, reason: Any, if_version: int | IfMatch | None = None
) -> ReturnForm:
    """Excuse a tenant from the round (免报) with the reason (managers, admins)."""
    actor.require(Action.MANAGE_RETURNS)
    reason = _note("reason", reason, required=True)
    async with write_transaction():
        moving = await _begin(actor, round_id, uscc, Move.EXCUSE, if_version)
        await _write(actor, moving, Move.EXCUSE, {"reason": reason, "field_reasons": {}}, {"reason": reason})
    return await _after(actor, round_id, uscc)


async def addable_tenants(actor: Actor, round_id: int) -> list[dict[str, Any]]:
    """Whom `add_tenant` may ask in the round, by name: the tenants on record today not asked yet (they
    moved in after the opening) and the excused ones (`excused` true). Empty for a closed round."""
    actor.require(Action.MANAGE_RETURNS)
    round_row = await fetch_round(round_id)
    if round_row["state"] != "open":
        return []
    asked = await RoundReturn.select(RoundReturn.tenant, RoundReturn.state).where(RoundReturn.round == round_id).run()
    excused = {r["tenant"] for r in asked if r["state"] == "excused"}
    taken = {r["tenant"] for r in asked} - excused
    today = date.today()
    tenants = await (
        Tenant.select(Tenant.id, Tenant.uscc, Tenant.name)
        .where(Tenant.moved_out_on.is_null() | (Tenant.moved_out_on > today))
        .order_by(Tenant.name)
        .run()
    )
    return [
        {"uscc": t["uscc"], "name": t["name"], "excused": t["id"] in excused} for t in tenants if t["id"] not in taken
    ]


async def add_tenant(actor: Actor, round_id: int, uscc: str) -> tuple[ReturnForm, bool]:
    """Ask a tenant the opening did not ask (it moved in later), or ask an excused one again; its
    return starts `not_started`. (return, created)."""
    actor.require(Action.MANAGE_RETURNS)
    async with write_transaction():
        round_row = await fetch_round(round_id)
        await hold_year(round_row["year"])
        owner = await tenant_id(uscc, lock=True)
        if round_row["state"] != "open":
            raise Conflict("报送轮次已关闭，报表不能再变动 / the round is closed: its returns no longer change")
        try:
            row = await _fetch(round_id, uscc)
        except NotFound:
            row = None
        next_state(actor, None if row is None else row["state"], Move.ADD)
        key = f"{round_id}:{uscc}"
        if row is None:
            await insert_rows(
                RoundReturn._meta.tablename,
                ("round", "tenant", "state", "figures", "warnings", "field_reasons", "version"),
                [(round_id, owner, "not_started", "{}", "[]", "{}", 1)],
            )
            await audit.record(actor, Move.ADD.value, "return", key, uscc, None, {"state": "not_started"})
        else:
            moving = _Moving(round_row, row, "not_started")
            await _write(actor, moving, Move.ADD, {"reason": None}, {})
    return await _after(actor, round_id, uscc), row is None


__all__ = [
    "FILLABLE",
    "asked_of",
    "AcceptedMany",
    "addable_tenants",
    "EarlierFigures",
    "Return",
    "ReturnFigures",
    "ReturnForm",
    "ReturnWarning",
    "accept_many",
    "accept_return",
    "add_tenant",
    "earlier_figures",
    "excuse",
    "get_return",
    "list_returns",
    "my_returns",
    "save_return",
    "send_back",
    "submit_return",
]
