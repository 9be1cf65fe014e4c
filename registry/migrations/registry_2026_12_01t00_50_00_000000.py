"""Deadlines of one kind (`GET /deadlines?kind=`) as an index range too: (kind, due_on, last_day, id),
so the page and its count of one kind are read from the index like the park's (the other index
would have to visit every row of the window to learn its kind)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Serial
from piccolo.table import Table

from registry.db import BOUND

ID = "2026-12-01T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index deadlines by kind"


class IPDeadline(Table, db=BOUND, tablename="ip_deadline"):
    id = Serial(primary_key=True)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await IPDeadline.raw(
            "CREATE INDEX IF NOT EXISTS ip_deadline_kind_due ON ip_deadline (kind, due_on, last_day, id)"
        )

    manager.add_raw(create)
    return manager
