"""The audit trail is also read by who made a change and by its source (an import batch's changes
are `import:<id>`), so both get an index, as entity and tenant have."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from registry.db import BOUND

ID = "2026-11-30T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index the audit trail by actor and source"


class AuditEntry(Table, db=BOUND, tablename="audit_entry"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await AuditEntry.raw("CREATE INDEX IF NOT EXISTS audit_entry_actor ON audit_entry (actor)")
        await AuditEntry.raw("CREATE INDEX IF NOT EXISTS audit_entry_source ON audit_entry (source)")

    manager.add_raw(create)
    return manager
