"""Portal sessions in the database (api/portal/sessions.py): a browser signed in on one `park serve`
worker is signed in on every worker and host, and sign-out or an idle timeout ends it everywhere."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, DoublePrecision, Serial, Varchar
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-12-01T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "portal sessions shared by every worker"


class PortalSession(Table, db=BOUND, tablename="portal_session"):
    id = Serial(primary_key=True)
    key = Varchar(length=64, unique=True, index=True)
    csrf = Varchar(length=64)
    username = Varchar(length=100, null=True, default=None)
    claims = JSON(default="{}")
    last_seen = DoublePrecision(index=True)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(PortalSession, if_not_exists=True)

    manager.add_raw(create)
    return manager
