"""A report round's progress (SPEC §9 "Progress"): its returns counted by state and by industry, the
overdue ones and the reminders sent — and every return with its state, times, reviewer and reminders,
for the progress workbook. Counted in SQL, so a round of 10,000 tenants costs one grouped read.

A return is *overdue* when the park's day is past the round's deadline and it is neither submitted,
accepted nor excused (not started, a draft, or sent back). A closed round has none overdue: nothing
more is expected of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from registry.actor import Actor
from registry.db import fetch
from registry.permissions import Action
from registry.services.round_close import park_day, round_row
from registry.vocabulary import INDUSTRY, RETURN_STATE

# States that still owe the office something: overdue past the deadline, reminded.
OWING = ("not_started", "draft", "returned")


def _today() -> date:
    return park_day(datetime.now().astimezone())


def _overdue_on(row: dict[str, Any], today: date) -> bool:
    deadline = row["deadline"] if isinstance(row["deadline"], date) else date.fromisoformat(str(row["deadline"]))
    return row["state"] == "open" and today > deadline


async def round_progress(actor: Actor, round_id: int, today: date | None = None) -> dict[str, Any]:
    """Counts by state (every state named, 0 when none) and by industry (each industry with returns),
    how many are overdue, how many reminders were sent and to how many tenants."""
    actor.require(Action.REVIEW_RETURNS)
    found = await round_row(round_id)
    today = today or _today()
    grouped = await fetch(
        "SELECT t.industry, x.state, COUNT(*) AS n FROM round_return AS x JOIN tenant AS t ON t.id = x.tenant "
        "WHERE x.round = :round GROUP BY t.industry, x.state",
        {"round": round_id},
    )
    (sent,) = await fetch(
        "SELECT COUNT(*) AS reminders, COUNT(DISTINCT tenant) AS tenants FROM reminder WHERE round = :round",
        {"round": round_id},
    )
    by_state = dict.fromkeys(RETURN_STATE.codes, 0)
    by_industry: dict[str, dict[str, int]] = {}
    for row in grouped:
        by_state[row["state"]] += int(row["n"])
        by_industry.setdefault(row["industry"], dict.fromkeys(RETURN_STATE.codes, 0))[row["state"]] += int(row["n"])
    overdue = sum(by_state[state] for state in OWING) if _overdue_on(found, today) else 0
    return {
        "round": round_id,
        "period": found["period"],
        "title": found["title"],
        "deadline": found["deadline"],
        "state": found["state"],
        "total": sum(by_state.values()),
        "by_state": by_state,
        "by_industry": [
            {"industry": code, "total": sum(by_industry[code].values()), "by_state": by_industry[code]}
            for code in INDUSTRY.codes
            if code in by_industry
        ],
        "overdue": overdue,
        "reminders": int(sent["reminders"]),
        "reminded_tenants": int(sent["tenants"]),
    }


async def progress_lines(actor: Actor, round_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """Every return of the round, by USCC: the tenant, its state, when it was saved, submitted and
    reviewed and by whom, whether it was filled on the tenant's behalf, whether it is overdue, and
    its reminders (how many, the last day)."""
    actor.require(Action.REVIEW_RETURNS)
    found = await round_row(round_id)
    late = _overdue_on(found, today or _today())
    rows = await fetch(
        "SELECT t.uscc, t.name, t.name_en, t.industry, x.state, x.saved_at, x.submitted_at, x.submitted_by, "
        "x.filled_by, x.reviewed_at, x.reviewed_by, x.reason, "
        "(SELECT COUNT(*) FROM reminder AS r WHERE r.round = x.round AND r.tenant = x.tenant) AS reminders, "
        "(SELECT MAX(r.day) FROM reminder AS r WHERE r.round = x.round AND r.tenant = x.tenant) AS last_reminded "
        "FROM round_return AS x JOIN tenant AS t ON t.id = x.tenant WHERE x.round = :round ORDER BY t.uscc",
        {"round": round_id},
    )
    for row in rows:
        row["overdue"] = late and row["state"] in OWING
        row["reminders"] = int(row["reminders"])
        for key in ("saved_at", "submitted_at", "reviewed_at"):
            row[key] = _instant(row[key])
        if row["last_reminded"] is not None and not isinstance(row["last_reminded"], date):
            row["last_reminded"] = date.fromisoformat(str(row["last_reminded"]))
    return rows


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


__all__ = ["OWING", "progress_lines", "round_progress"]
