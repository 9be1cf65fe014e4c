"""Chores that run on a schedule inside `park serve`, in one process of the database only.

Two chores: deleting the stored files of import batches never applied once they are older than
PARK_UPLOAD_RETENTION_DAYS (`purge_uploads`, also `park purge-uploads`), once a day; and the report
rounds' reminders (`send_reminders`: the automatic ones due today and any recorded but never delivered,
registry/services/reminders.py), every quarter of an hour, so a new park day is reminded soon after it
begins and a server that was down catches up as soon as it is back. Every serving process runs a
`Housekeeper`; the one that claims the database's housekeeping (`registry.db.claim_housekeeping`: a
PostgreSQL advisory lock, or a lock on a file beside the SQLite database) does the chores at once and
then on their schedule. The others try to claim it every `retry` seconds (a minute), so when the
housekeeping process ends another takes over within the minute. A chore is idempotent: run twice, the
second run finds nothing to do (a reminder is at most one a day per tenant and round, by a unique key).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from registry.actor import Actor
from registry.db import claim_housekeeping, release_housekeeping
from registry.services import import_batches, reminders

log = logging.getLogger("park.housekeeping")

DAY = 24 * 3600.0
MINUTE = 60.0
QUARTER_HOUR = 15 * MINUTE
# Who the audit trail names for what the schedule deletes.
RETENTION = Actor(username="system", role="admin", source="retention")


async def purge_uploads(kept_days: int, actor: Actor = RETENTION, now: datetime | None = None) -> list[int]:
    """Delete the stored files of batches never applied, uploaded more than `kept_days` days ago; logs
    and answers their ids."""
    purged = await import_batches.purge_files(actor, kept_days, now or datetime.now(UTC))
    if purged:
        log.info(
            "deleted the stored files of %d import batches never applied, older than %d days: %s",
            len(purged),
            kept_days,
            ", ".join(map(str, purged)),
        )
    return purged


async def send_reminders() -> int:
    """Deliver the reminders left pending, then send the automatic ones due today; how many reminded."""
    await reminders.deliver_pending()
    done = await reminders.remind_due()
    reminded = sum(len(one.uscc) for one in done)
    if reminded:
        log.info("sent %d automatic reminders in %d report rounds", reminded, len(done))
    return reminded


class Housekeeper:
    """Claims the housekeeping of the bound database when free, and while it holds it runs each chore every
    so often (the first time at once): the uploads' purge every `every` seconds, the reminders every
    `remind_every`; else retries the claim every `retry` seconds."""

    def __init__(
        self, kept_days: int, every: float = DAY, retry: float = MINUTE, remind_every: float = QUARTER_HOUR
    ) -> None:
        self.kept_days = kept_days
        self.chores = (("purge_uploads", every, self._purge), ("reminders", remind_every, send_reminders))
        self.retry = retry
        self.claim: Any | None = None
        self.runs = 0  # purges done (a test waits for one to have done its work)
        self.reminder_runs = 0

    async def _purge(self) -> None:
        await purge_uploads(self.kept_days)
        self.runs += 1

    async def run(self) -> None:
        last: dict[str, float] = {}
        try:
            while True:
                wait = self.retry
                try:  # a failed claim or chore is tried again later; it must not end the schedule
                    if self.claim is None:
                        self.claim = await claim_housekeeping()
                    if self.claim is not None:
                        wait = await self._chores_due(last)
                except Exception:
                    log.exception("housekeeping failed; it is tried again later")
                await asyncio.sleep(max(wait, 0.01))
        finally:
            if self.claim is not None:
                claim, self.claim = self.claim, None
                await release_housekeeping(claim)

    async def _chores_due(self, last: dict[str, float]) -> float:
        """Run the chores whose time has come (each on its own: one failing does not stop the others);
        the seconds until the next is due."""
        for name, every, chore in self.chores:
            if name not in last or time.monotonic() - last[name] >= every:
                try:
                    await chore()
                    if name == "reminders":
                        self.reminder_runs += 1
                except Exception:
                    log.exception("housekeeping chore %s failed; it is tried again at its next turn", name)
                last[name] = time.monotonic()
        return min(every - (time.monotonic() - last[name]) for name, every, _ in self.chores)
