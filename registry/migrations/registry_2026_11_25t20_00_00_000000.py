"""Import batches: every uploaded spreadsheet, its outcome, and (when it had errors) the file itself.

Written by hand, the table frozen as it was at this migration (see the first migration).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, BigInt, Boolean, Bytea, Serial, Timestamptz, Varchar
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-11-25T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import batches"


class ImportBatch(Table, db=BOUND, tablename="import_batch"):
    id = Serial(primary_key=True)
    created_at = Timestamptz(index=True)
    username = Varchar(length=100)
    source = Varchar(length=100)
    filename = Varchar(length=255)
    sha256 = Varchar(length=64, index=True)
    size = BigInt()
    dry_run = Boolean(default=False)
    status = Varchar(length=12)
    counts = JSON(default="{}")
    errors = JSON(default="[]")
    warnings = JSON(default="[]")
    content = Bytea(null=True, default=None)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(ImportBatch)

    manager.add_raw(create)
    return manager
