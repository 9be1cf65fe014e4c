"""Accounts get an e-mail address (SPEC §9 reminders): a reminder goes to the tenant's contact e-mail and
to the e-mails of its accounts. Nullable, so existing accounts simply have none yet. Plain `ALTER TABLE …
ADD COLUMN`, which both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-08T04:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "account e-mail"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def add() -> None:
        await engine_finder().run_ddl("ALTER TABLE account ADD COLUMN email VARCHAR(200) NULL")

    manager.add_raw(add)
    return manager
