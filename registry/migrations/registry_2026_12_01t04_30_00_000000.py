"""ip_deadline rebuilt: its `tenant` column loses its foreign key (the item's key already ties the
row to its tenant, and the check per row cost an import a quarter of its deadline writes), and
every row is computed anew by the registry's rule of the day (one unpaid fee year per patent, the
next: registry.ip_deadlines), replacing rows kept under the earlier rule (every unpaid year).

The table is derived data (registry.services.deadline_table keeps it from ip_item and ip_fee), so
it is dropped, made again as frozen here and refilled by `deadline_table.rebuild`, which reads only
the item and fee columns it has always read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Serial, Varchar
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-12-01T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ip_deadline without the tenant foreign key, rows recomputed"


class IPItem(Table, db=BOUND, tablename="ip_item"):
    id = Serial(primary_key=True)


class IPDeadline(Table, db=BOUND, tablename="ip_deadline"):
    id = Serial(primary_key=True)
    item = ForeignKey(references=IPItem, on_delete=OnDelete.cascade, index=True)
    tenant = Integer()
    kind = Varchar(length=20)
    deadline = Varchar(length=12)
    patent_year = Integer(null=True, default=None)
    opens_on = Date(null=True, default=None)
    due_on = Date()
    last_day = Date()
    fee = BigInt(null=True, default=None)


INDEXES = (
    "CREATE INDEX ip_deadline_due ON ip_deadline (due_on, last_day, id)",
    "CREATE INDEX ip_deadline_tenant_due ON ip_deadline (tenant, due_on, last_day, id)",
    "CREATE INDEX ip_deadline_kind_due ON ip_deadline (kind, due_on, last_day, id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def rebuild() -> None:
        from registry.services.deadline_table import rebuild as refill

        await IPDeadline.raw("DROP TABLE IF EXISTS ip_deadline")
        await create_db_tables(IPDeadline)
        for statement in INDEXES:
            await IPDeadline.raw(statement)
        await refill()

    manager.add_raw(rebuild)
    return manager
