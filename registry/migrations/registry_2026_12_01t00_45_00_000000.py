"""Calendar subscription keys: `calendar_feed` holds, per tenant, the random nonce its key is made
from (registry.services.calendar_keys), replaced when the key is renewed. Tables frozen here as
they were at this migration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-12-01T00:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar subscription keys"


class Tenant(Table, db=BOUND, tablename="tenant"):
    id = Serial(primary_key=True)


class CalendarFeed(Table, db=BOUND, tablename="calendar_feed"):
    id = Serial(primary_key=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, unique=True)
    nonce = Varchar(length=32)
    issued_at = Timestamptz()
    issued_by = Varchar(length=100)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(CalendarFeed, if_not_exists=True)

    manager.add_raw(create)
    return manager
