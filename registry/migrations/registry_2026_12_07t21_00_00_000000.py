"""An import batch keeps its change list (SPEC §4): every stored record the import changes, field by
field, as the dry run showed it and as the applied batch did it — in `import_change`, a page of
changes a row (importers/changes.py), so a list of 100,000 changes is written in a thousand rows and
read a page at a time. Older batches have none.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-12-07T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import batches keep their change list"


class ImportBatch(Table, db=BOUND, tablename="import_batch"):
    id = Serial(primary_key=True)


class ImportChanges(Table, db=BOUND, tablename="import_change"):
    id = Serial(primary_key=True)
    batch = ForeignKey(references=ImportBatch, on_delete=OnDelete.cascade)
    chunk = Integer()
    changes = JSON(default="[]")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(ImportChanges, if_not_exists=True)
        await ImportChanges.raw("CREATE UNIQUE INDEX IF NOT EXISTS import_change_page ON import_change (batch, chunk)")

    manager.add_raw(create)
    return manager
