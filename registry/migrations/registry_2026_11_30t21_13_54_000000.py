"""IP deadlines: paid annual fees (ip_fee) and what each item in force still owes (ip_deadline).

ip_deadline is kept by registry.services.deadlines from the items and their fees, so that
`GET /deadlines` is an indexed range read: (due_on, last_day, id) for the park, soonest first; (tenant, due_on,
last_day, id) for one tenant. Tables frozen here as they were at this migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Serial, Varchar
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-11-30T21:13:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "IP fees and deadlines"


class Tenant(Table, db=BOUND, tablename="tenant"):
    id = Serial(primary_key=True)


class IPItem(Table, db=BOUND, tablename="ip_item"):
    id = Serial(primary_key=True)


class IPFee(Table, db=BOUND, tablename="ip_fee"):
    id = Serial(primary_key=True)
    item = ForeignKey(references=IPItem, on_delete=OnDelete.cascade, index=True)
    patent_year = Integer()
    paid_on = Date()
    amount = BigInt()
    version = Integer(default=1)


class IPDeadline(Table, db=BOUND, tablename="ip_deadline"):
    id = Serial(primary_key=True)
    item = ForeignKey(references=IPItem, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict)
    kind = Varchar(length=20)
    deadline = Varchar(length=12)
    patent_year = Integer(null=True, default=None)
    opens_on = Date(null=True, default=None)
    due_on = Date()
    last_day = Date()
    fee = BigInt(null=True, default=None)


INDEXES = (
    "CREATE UNIQUE INDEX ip_fee_item_year ON ip_fee (item, patent_year)",
    "CREATE INDEX ip_deadline_due ON ip_deadline (due_on, last_day, id)",
    "CREATE INDEX ip_deadline_tenant_due ON ip_deadline (tenant, due_on, last_day, id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(IPFee, IPDeadline)
        for statement in INDEXES:
            await IPFee.raw(statement)

    manager.add_raw(create)
    return manager
