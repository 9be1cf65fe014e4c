"""Rounds and returns as rows, for the reminders' tests until the rounds services land (ROUNDS.md): a round
opened for a period with a deadline, and a return per tenant in the state asked."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from registry.tables import ReportRound, RoundReturn, Tenant

# Periods no other test reports for: one round per period (unique).
_years = count(2081)


async def make_round(
    deadline: date, opens_on: date | None = None, remind_days_before: int = 3, state: str = "open", **extra
) -> dict:
    year = next(_years)
    row = ReportRound(
        period=f"{year}Q3",
        year=year,
        title=f"{year}年第三季度经营数据报送",
        opens_on=opens_on or date(2000, 1, 1),
        deadline=deadline,
        fields=[],
        state=state,
        remind_days_before=remind_days_before,
        opened_by="statistician",
        opened_at=datetime.now(UTC),
        **extra,
    )
    await ReportRound.insert(row).run()
    return (await ReportRound.select().where(ReportRound.period == row.period).first().run()) or {}


async def add_return(round_row: dict, tenant: dict, state: str = "not_started") -> None:
    owner = await Tenant.select(Tenant.id).where(Tenant.uscc == tenant["uscc"]).first().run()
    assert owner is not None
    await RoundReturn.insert(RoundReturn(round=round_row["id"], tenant=owner["id"], state=state)).run()
