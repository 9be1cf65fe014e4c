"""What several `park serve` workers (or hosts) must share, kept in the database:

- `login_failure`: the failed sign-ins of the last window, per username digest and per client address
  (registry/login_throttle.py), so the limits hold however many workers answer;
- PostgreSQL only: every committed change to an account is announced on `account_changed`, so each
  worker's account cache forgets it at once (as the tenant trigger does for tenants).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import DoublePrecision, Serial, Varchar
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-11-30T22:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shared login throttle; announce account changes (PostgreSQL)"


class LoginFailure(Table, db=BOUND, tablename="login_failure"):
    id = Serial(primary_key=True)
    key = Varchar(length=80, index=True)
    at = DoublePrecision(index=True)


FUNCTION = """
CREATE OR REPLACE FUNCTION registry_account_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('account_changed', OLD.username);
    ELSE
        PERFORM pg_notify('account_changed', NEW.username);
        IF TG_OP = 'UPDATE' AND OLD.username <> NEW.username THEN
            PERFORM pg_notify('account_changed', OLD.username);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER account_changed AFTER INSERT OR UPDATE OR DELETE ON account
FOR EACH ROW EXECUTE FUNCTION registry_account_changed()
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(LoginFailure, if_not_exists=True)
        if isinstance(engine_finder(), PostgresEngine):
            await LoginFailure.raw(FUNCTION)
            await LoginFailure.raw(TRIGGER)

    manager.add_raw(create)
    return manager
