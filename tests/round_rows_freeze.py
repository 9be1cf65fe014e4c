"""Report rounds and returns made by inserting rows straight into their tables, for the freeze tests
(closing, corrections, progress, the signed summary) until the rounds services are merged; then these
builders call registry.services.rounds / returns instead (docs/rounds-freeze.md).

Each test takes a period of its own (`fresh_round_period`): a round is unique per period, and the
tests share one database.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import count

from registry import audit
from registry.actor import SYSTEM
from registry.periods import Period
from registry.services import reports
from registry.services.tenants import tenant_id
from registry.tables import Reminder, ReportRound, RoundReturn

# Years no other suite reports for (tests/api/factories.py closes years from 2061 on), counted per kind of
# period so that a session can make a round of hundreds of quarters before reaching the last year (2999).
_years: dict[str, count] = defaultdict(lambda: count(2401))


def fresh_round_period(kind: str = "") -> str:
    """A period nobody else uses: a year (`2401`), or with kind `Q3` / `H1` a quarter or half (`2402Q3`)."""
    return f"{next(_years[kind])}{kind}"


async def make_round(
    period: str, *, title: str | None = None, deadline: date | None = None, fields: list[str] | None = None
) -> dict:
    """An open round of `period`, audited as the rounds service would (entity round, action create)."""
    asked = Period.parse(period)
    row = ReportRound(
        period=str(asked),
        year=asked.year,
        title=title or f"{asked.label('zh')}统计报送",
        opens_on=asked.end,
        deadline=deadline or asked.end,
        fields=fields or [],
        state="open",
        opened_by=SYSTEM.username,
        opened_at=datetime.now(UTC),
    )
    await row.save().run()
    await audit.record(SYSTEM, "create", "round", str(row.id), None, None, {"period": str(asked)})
    return {"id": row.id, "period": str(asked), "title": row.title}


async def make_return(round_id: int, uscc: str, state: str = "not_started", **columns) -> int:
    """A tenant's return in the round, in `state` (times and people as given in `columns`)."""
    now = datetime.now(UTC)
    if state in ("submitted", "accepted", "returned"):
        columns = {"submitted_at": now, "submitted_by": "tester"} | columns
    if state in ("accepted", "returned"):
        columns = {"reviewed_at": now, "reviewed_by": "reviewer"} | columns
    if state == "draft":
        columns = {"saved_at": now} | columns
    row = RoundReturn(round=round_id, tenant=await tenant_id(uscc), state=state, **columns)
    await row.save().run()
    return row.id


async def accepted_return(round_id: int, uscc: str, period: str, **figures) -> None:
    """What submitting and accepting leaves: the figures in the tenant's period report, the return accepted."""
    await reports.put_report(SYSTEM, uscc, period, figures)
    await make_return(round_id, uscc, "accepted", figures={k: str(v) for k, v in figures.items()})


async def make_reminder(round_id: int, uscc: str, day: date, kind: str = "manual") -> None:
    await (
        Reminder(
            round=round_id,
            tenant=await tenant_id(uscc),
            day=day,
            kind=kind,
            sent_by="tester",
            created_at=datetime.now(UTC),
            pending=False,
            deliveries=[{"channel": "portal", "to": uscc, "delivered": True, "error": None, "at": day.isoformat()}],
        )
        .save()
        .run()
    )


__all__ = ["accepted_return", "fresh_round_period", "make_reminder", "make_return", "make_round"]
