"""The first schema: tenants, IP items, period reports, closed years, accounts, audit.

Written by hand because Piccolo's auto-migrations need PostgreSQL; the tables are frozen here as
they were at this migration so later changes to registry/tables.py cannot rewrite history.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table, create_db_tables

from registry.db import BOUND

ID = "2026-11-25T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "first schema"


class Tenant(Table, db=BOUND, tablename="tenant"):
    id = Serial(primary_key=True)
    uscc = Varchar(length=18, unique=True, index=True)
    name = Varchar(length=200)
    name_en = Varchar(length=200, null=True, default=None)
    industry = Varchar(length=20)
    founded_on = Date(null=True, default=None)
    moved_in_on = Date(null=True, default=None)
    moved_out_on = Date(null=True, default=None)
    status = Varchar(length=12)
    hte_certificate_no = Varchar(length=40, null=True, default=None)
    hte_certified_on = Date(null=True, default=None)
    platform_level = Varchar(length=12, default="none")
    contact_name = Varchar(length=100, null=True, default=None)
    contact_phone = Varchar(length=40, null=True, default=None)
    contact_email = Varchar(length=200, null=True, default=None)
    website = Varchar(length=300, null=True, default=None)
    description = Text(null=True, default=None)
    version = Integer(default=1)


class IPItem(Table, db=BOUND, tablename="ip_item"):
    id = Serial(primary_key=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)
    number = Varchar(length=40)
    title = Varchar(length=500)
    filed_on = Date(null=True, default=None)
    granted_on = Date(null=True, default=None)
    status = Varchar(length=12)
    expires_on = Date(null=True, default=None)
    version = Integer(default=1)


class PeriodReport(Table, db=BOUND, tablename="period_report"):
    id = Serial(primary_key=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=8)
    year = Integer(index=True)
    revenue = BigInt(null=True, default=None)
    net_profit = BigInt(null=True, default=None)
    exports = BigInt(null=True, default=None)
    rd_expense = BigInt(null=True, default=None)
    tax_paid = BigInt(null=True, default=None)
    employees = Integer(null=True, default=None)
    rd_staff = Integer(null=True, default=None)
    new_graduates = Integer(null=True, default=None)
    version = Integer(default=1)


class ClosedYear(Table, db=BOUND, tablename="closed_year"):
    id = Serial(primary_key=True)
    year = Integer(unique=True)
    closed_by = Varchar(length=100)
    closed_at = Timestamptz()


class Account(Table, db=BOUND, tablename="account"):
    id = Serial(primary_key=True)
    username = Varchar(length=100, unique=True, index=True)
    password = Varchar(length=255)
    role = Varchar(length=16)
    tenant_uscc = Varchar(length=18, null=True, default=None, index=True)
    active = Boolean(default=True)
    version = Integer(default=1)


class AuditEntry(Table, db=BOUND, tablename="audit_entry"):
    id = Serial(primary_key=True)
    at = Timestamptz(index=True)
    actor = Varchar(length=100)
    source = Varchar(length=100)
    action = Varchar(length=16)
    entity = Varchar(length=20, index=True)
    entity_key = Varchar(length=80)
    uscc = Varchar(length=18, null=True, default=None, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


UNIQUE_KEYS = (
    "CREATE UNIQUE INDEX ip_item_kind_number ON ip_item (kind, number)",
    "CREATE UNIQUE INDEX period_report_tenant_period ON period_report (tenant, period)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        tables = (Tenant, IPItem, PeriodReport, ClosedYear, Account, AuditEntry)
        await create_db_tables(*tables)
        for statement in UNIQUE_KEYS:
            await Tenant.raw(statement)

    manager.add_raw(create)
    return manager
