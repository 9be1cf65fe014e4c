"""Closing a reported year: afterwards nobody changes its reports until an admin reopens it."""

from __future__ import annotations

from datetime import UTC, datetime

from registry import audit
from registry.actor import Actor
from registry.db import hold_year, write_transaction
from registry.errors import Conflict, FieldError, InvalidValue, PeriodClosed, ValidationFailed
from registry.periods import Period
from registry.permissions import Action
from registry.tables import ClosedYear, PeriodReport


async def closed_years() -> set[int]:
    return {row["year"] for row in await ClosedYear.select(ClosedYear.year).run()}


def closed_message(year: int) -> str:
    return (
        f"{year} 年已关账，不能再修改该年度的经营数据 / {year} is closed: its reports can no longer be changed "
        "until an admin reopens it"
    )


async def require_open(year: int) -> None:
    """Inside a write of a report of `year`: holds the year against closing until the write commits."""
    await hold_year(year)
    if await ClosedYear.exists().where(ClosedYear.year == year).run():
        raise PeriodClosed(closed_message(year))


def check_year(year: int) -> None:
    """A year the registry holds periods of (registry.periods: FIRST_YEAR–LAST_YEAR), else a 422 naming `year`."""
    try:
        Period(year)
    except InvalidValue as error:
        raise ValidationFailed(error.message, [FieldError("year", error.code, error.message)]) from None


async def close_year(actor: Actor, year: int) -> dict:
    actor.require(Action.CLOSE_YEAR)
    check_year(year)  # a typo such as 20016 must not close a year nobody meant
    async with write_transaction():
        await hold_year(year, alone=True)  # the year's report writes in flight commit first
        if await ClosedYear.exists().where(ClosedYear.year == year).run():
            raise Conflict(f"{year} 年已关账 / {year} is already closed")
        row = {"year": year, "closed_by": actor.username, "closed_at": datetime.now(UTC)}
        await ClosedYear.insert(ClosedYear(**row)).run()
        # The audit entry says what the year was closed with: nothing changes it until it is reopened.
        reports = await PeriodReport.count().where(PeriodReport.year == year).run()
        await audit.record(actor, "close", "period", str(year), None, None, {**row, "reports": reports})
    return {"year": year, "closed": True, "closed_by": actor.username, "closed_at": row["closed_at"]}


async def reopen_year(actor: Actor, year: int) -> dict:
    actor.require(Action.REOPEN_YEAR)
    check_year(year)
    async with write_transaction():
        await hold_year(year, alone=True)
        row = await ClosedYear.select().where(ClosedYear.year == year).first().run()
        if row is None:
            raise Conflict(f"{year} 年未关账 / {year} is not closed")
        await ClosedYear.delete().where(ClosedYear.year == year).run()
        await audit.record(actor, "reopen", "period", str(year), None, row, None)
    return {"year": year, "closed": False, "closed_by": None, "closed_at": None}
