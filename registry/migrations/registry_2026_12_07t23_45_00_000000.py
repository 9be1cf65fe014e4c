"""A tenant's graduation date (毕业日期, SPEC §5 "Saying exactly what is shown"): a graduate counts
in the period it graduated, whether or not it moves out. A nullable column added with plain
`ALTER TABLE … ADD COLUMN`, which both engines accept. Graduates recorded before it have no date:
the statistics take their move-out day as the day they graduated (registry.stats).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-07T23:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenants: graduation date"

STATEMENTS = ("ALTER TABLE tenant ADD COLUMN graduated_on DATE NULL",)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def add() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(add)
    return manager
