"""What the registry counts for `GET /metrics` (Prometheus, SPEC §10), beside the request counts and
latencies the API's middleware keeps (docs/operations-monitoring.md lists every series).

The metrics live in prometheus-client's default registry. Under `park serve --workers N` every worker
writes them to files in `PROMETHEUS_MULTIPROC_DIR` and the worker that answers a scrape adds them up,
so one scrape tells the whole server: counters sum over the workers (those that have exited too), the
pool gauges over the live ones. A service counts here only after its write has committed.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge

from registry.db import pool_use

IMPORT_BATCHES = Counter(
    "park_import_batches", "Import batches recorded, by status (dry_run, applied, invalid)", ["status"]
)
# The report rounds' reminders (SPEC §9, registry/services/reminders.py): one count per delivery once its
# outcome is written back, by channel (REMINDER_CHANNEL: `portal`, `email`; an e-mail counts once per
# recipient) and outcome (`delivered`, or `failed`: refused by the mail server or not reached).
REMINDERS = Counter(
    "park_reminders",
    "Reminder deliveries, by channel (portal, email) and outcome (delivered, failed)",
    ["channel", "outcome"],
)
UPLOADS_PURGED = Counter("park_upload_files_purged", "Stored import files deleted after PARK_UPLOAD_RETENTION_DAYS")
# PostgreSQL only, labelled engine="postgres": SQLite has no pool (the registry keeps one connection per
# event loop and opens one per write transaction), so on SQLite these families have no sample at all
# rather than a 0 that would read as "no connections".
POOL_SIZE = Gauge(
    "park_database_pool_connections",
    "Connections the worker's asyncpg pool holds (PostgreSQL)",
    ["engine"],
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "park_database_pool_connections_in_use",
    "Pool connections taken by a query or transaction (PostgreSQL)",
    ["engine"],
    multiprocess_mode="livesum",
)


def count_import_batch(status: str) -> None:
    IMPORT_BATCHES.labels(status=status).inc()


def count_reminder(channel: str, outcome: str, amount: int = 1) -> None:
    REMINDERS.labels(channel=channel, outcome=outcome).inc(amount)


_last_reading = 0.0


def take_pool_reading(unless_within: float = 0.0) -> None:
    """Set the pool gauges from the bound engine's pool, as it is now (nothing on SQLite); not again if
    the last reading is less than `unless_within` seconds old."""
    global _last_reading
    now = time.monotonic()
    if now - _last_reading < unless_within:
        return
    _last_reading = now
    reading = pool_use()
    if reading is not None:
        POOL_SIZE.labels(engine="postgres").set(reading[0])
        POOL_IN_USE.labels(engine="postgres").set(reading[1])
