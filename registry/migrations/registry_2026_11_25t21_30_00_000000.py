"""PostgreSQL only: every committed change to a tenant row is announced on the `registry_changed`
channel, so each `park serve` worker's tenant read cache (registry/read_cache.py) forgets it. A
trigger rather than application code, so no write path — service, bulk import, raw SQL — can skip it.
SQLite has no such channel; its workers keep no cache.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from registry.db import BOUND

ID = "2026-11-25T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "announce tenant changes (PostgreSQL)"

FUNCTION = """
CREATE OR REPLACE FUNCTION registry_tenant_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('registry_changed', OLD.uscc);
    ELSE
        PERFORM pg_notify('registry_changed', NEW.uscc);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER tenant_changed AFTER INSERT OR UPDATE OR DELETE ON tenant
FOR EACH ROW EXECUTE FUNCTION registry_tenant_changed()
"""


class Tenant(Table, db=BOUND, tablename="tenant"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        if isinstance(engine_finder(), PostgresEngine):
            await Tenant.raw(FUNCTION)
            await Tenant.raw(TRIGGER)

    manager.add_raw(create)
    return manager
