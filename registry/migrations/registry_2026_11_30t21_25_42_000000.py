"""Applying a dry run later (SPEC §3, `POST /imports/{id}/apply`): an import batch keeps a digest of
the plan it showed, and a dry run remembers the batch that applied it. A dry run now also keeps its
file (as invalid batches already did), so it can be applied without a second upload. Nullable
columns added with plain `ALTER TABLE … ADD COLUMN`, which both engines accept; earlier batches have
no digest and so cannot be applied (upload the file again).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T21:25:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "import batches: plan digest, applied batch"

STATEMENTS = (
    "ALTER TABLE import_batch ADD COLUMN plan_digest VARCHAR(64) NULL",
    "ALTER TABLE import_batch ADD COLUMN applied_batch INTEGER NULL",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def add() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(add)
    return manager
