"""An import batch keeps its change list (SPEC §4): every stored record the import changes, field by
field, as the dry run showed it and as the applied batch did it. Older batches have none (`[]`).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-07T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import batches keep their change list"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def add() -> None:
        await engine_finder().run_ddl("ALTER TABLE import_batch ADD COLUMN changes JSON NOT NULL DEFAULT '[]'")

    manager.add_raw(add)
    return manager
