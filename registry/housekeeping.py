"""Chores that run on a schedule inside `park serve`, in one process of the database only.

Today one chore: deleting the stored files of import batches never applied once they are older than
PARK_UPLOAD_RETENTION_DAYS (`purge_uploads`, also `park purge-uploads`). Every serving process runs a
`Housekeeper`; the one that claims the database's housekeeping (`registry.db.claim_housekeeping`: a
PostgreSQL advisory lock, or a lock on a file beside the SQLite database) does the chores at once and
then once a day. The others try to claim it every hour, so when the housekeeping process ends another
takes over within the hour. A chore is idempotent: run twice, the second run finds nothing to do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from registry.actor import Actor
from registry.db import claim_housekeeping, release_housekeeping
from registry.services import import_batches

log = logging.getLogger("park.housekeeping")

DAY = 24 * 3600.0
HOUR = 3600.0
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


class Housekeeper:
    """Claims the housekeeping of the bound database when free, and while it holds it runs the chores
    every `every` seconds (first at once); else retries the claim every `retry` seconds."""

    def __init__(self, kept_days: int, every: float = DAY, retry: float = HOUR) -> None:
        self.kept_days = kept_days
        self.every = every
        self.retry = retry
        self.claim: Any | None = None
        self.runs = 0

    async def run(self) -> None:
        last: float | None = None
        try:
            while True:
                try:  # a failed claim or run is tried again after `retry`; it must not end the schedule
                    if self.claim is None:
                        self.claim = await claim_housekeeping()
                    if self.claim is not None and (last is None or time.monotonic() - last >= self.every):
                        await purge_uploads(self.kept_days)
                        self.runs += 1  # runs done (a test waits for one to have done its work)
                        last = time.monotonic()
                except Exception:
                    log.exception("housekeeping failed; it is tried again later")
                wait = self.retry if self.claim is None or last is None else self.every - (time.monotonic() - last)
                await asyncio.sleep(max(wait, 0.01))
        finally:
            if self.claim is not None:
                claim, self.claim = self.claim, None
                await release_housekeeping(claim)
