"""Closing a reported year: afterwards nobody changes its reports until an admin reopens it."""

from __future__ import annotations

from datetime import UTC, datetime

from registry import audit
from registry.actor import Actor
from registry.db import write_transaction
from registry.errors import Conflict, FieldError, PeriodClosed, ValidationFailed
from registry.periods import InvalidPeriod, Period
from registry.tables import ClosedYear


async def closed_years() -> set[int]:
    return {row["year"] for row in await ClosedYear.select(ClosedYear.year).run()}


async def require_open(year: int) -> None:
    if await ClosedYear.exists().where(ClosedYear.year == year).run():
        raise PeriodClosed(
            f"{year} 年已关账，不能再修改该年度的经营数据 / {year} is closed: its reports can no "
            "longer be changed until an admin reopens it"
        )


# Who closes a year and who reopens one.
CLOSERS = ("admin", "statistician")
REOPENERS = ("admin",)


async def close_year(actor: Actor, year: int) -> dict:
    actor.require_role(*CLOSERS)
    try:
        Period(year)  # a typo such as 20016 must not close a year nobody meant
    except InvalidPeriod as error:
        raise ValidationFailed(error.message, [FieldError("year", error.code, error.message)]) from None
    async with write_transaction():
        if await ClosedYear.exists().where(ClosedYear.year == year).run():
            raise Conflict(f"{year} 年已关账 / {year} is already closed")
        row = {"year": year, "closed_by": actor.username, "closed_at": datetime.now(UTC)}
        await ClosedYear.insert(ClosedYear(**row)).run()
        await audit.record(actor, "close", "period", str(year), None, None, row)
    return {"year": year, "closed": True, "closed_by": actor.username, "closed_at": row["closed_at"]}


async def reopen_year(actor: Actor, year: int) -> dict:
    actor.require_role(*REOPENERS)
    async with write_transaction():
        row = await ClosedYear.select().where(ClosedYear.year == year).first().run()
        if row is None:
            raise Conflict(f"{year} 年未关账 / {year} is not closed")
        await ClosedYear.delete().where(ClosedYear.year == year).run()
        await audit.record(actor, "reopen", "period", str(year), None, row, None)
    return {"year": year, "closed": False, "closed_by": None, "closed_at": None}
