"""The Torch (火炬) incubator-tenant form's fields (SPEC §5), and the date a platform level was reached.

Tenants: platform_level_since, founder_type, tech_sme_no, listing. Period reports: college_staff,
returnee_staff (headcounts), total_income, financing, grants (money, integer fen). All nullable, so
existing rows simply have not reported them. Plain `ALTER TABLE … ADD COLUMN`, which both engines
accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T21:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Torch form fields"

STATEMENTS = (
    "ALTER TABLE tenant ADD COLUMN platform_level_since DATE NULL",
    "ALTER TABLE tenant ADD COLUMN founder_type VARCHAR(12) NULL",
    "ALTER TABLE tenant ADD COLUMN tech_sme_no VARCHAR(40) NULL",
    "ALTER TABLE tenant ADD COLUMN listing VARCHAR(12) NULL",
    "ALTER TABLE period_report ADD COLUMN college_staff INTEGER NULL",
    "ALTER TABLE period_report ADD COLUMN returnee_staff INTEGER NULL",
    "ALTER TABLE period_report ADD COLUMN total_income BIGINT NULL",
    "ALTER TABLE period_report ADD COLUMN financing BIGINT NULL",
    "ALTER TABLE period_report ADD COLUMN grants BIGINT NULL",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def add() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(add)
    return manager
