"""Report rounds (SPEC §9): the rounds, each tenant's return, the reminders sent, the submitted dataset a
closed round froze and the corrections made after it. The tables as they were made here, not imported
from registry.tables: a later change to a table is a later migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
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

ID = "2026-12-08T03:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "report rounds, returns, reminders, submitted datasets, corrections"


class Tenant(Table, db=BOUND, tablename="tenant"):
    id = Serial(primary_key=True)


class ReportRound(Table, db=BOUND, tablename="report_round"):
    id = Serial(primary_key=True)
    period = Varchar(length=8, unique=True)
    year = Integer(index=True)
    title = Varchar(length=200)
    opens_on = Date()
    deadline = Date()
    fields = JSON(default="[]")
    state = Varchar(length=8)
    remind_days_before = Integer(default=3)
    opened_by = Varchar(length=100)
    opened_at = Timestamptz()
    closed_by = Varchar(length=100, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    signed_filename = Varchar(length=255, null=True, default=None)
    signed_media_type = Varchar(length=40, null=True, default=None)
    signed_content = Bytea(null=True, default=None)
    signed_by = Varchar(length=100, null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class RoundReturn(Table, db=BOUND, tablename="round_return"):
    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, index=True)
    state = Varchar(length=12, index=True)
    figures = JSON(default="{}")
    warnings = JSON(default="[]")
    reason = Text(null=True, default=None)
    field_reasons = JSON(default="{}")
    filled_by = Varchar(length=100, null=True, default=None)
    saved_at = Timestamptz(null=True, default=None)
    submitted_by = Varchar(length=100, null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    reviewed_by = Varchar(length=100, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class Reminder(Table, db=BOUND, tablename="reminder"):
    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, index=True)
    day = Date()
    kind = Varchar(length=8)
    sent_by = Varchar(length=100)
    created_at = Timestamptz()
    pending = Boolean(default=True, index=True)
    deliveries = JSON(default="[]")


class SubmittedReport(Table, db=BOUND, tablename="submitted_report"):
    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=8, index=True)
    year = Integer()
    revenue = BigInt(null=True, default=None)
    net_profit = BigInt(null=True, default=None)
    exports = BigInt(null=True, default=None)
    rd_expense = BigInt(null=True, default=None)
    tax_paid = BigInt(null=True, default=None)
    employees = Integer(null=True, default=None)
    rd_staff = Integer(null=True, default=None)
    new_graduates = Integer(null=True, default=None)
    college_staff = Integer(null=True, default=None)
    returnee_staff = Integer(null=True, default=None)
    total_income = BigInt(null=True, default=None)
    financing = BigInt(null=True, default=None)
    grants = BigInt(null=True, default=None)


class ReportCorrection(Table, db=BOUND, tablename="report_correction"):
    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=8)
    at = Timestamptz()
    by = Varchar(length=100)
    reason = Text()
    before = JSON(default="{}")
    after = JSON(default="{}")


UNIQUE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS round_return_one ON round_return (round, tenant)",
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_once_a_day ON reminder (round, tenant, day)",
    "CREATE UNIQUE INDEX IF NOT EXISTS submitted_report_one ON submitted_report (round, tenant)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def create() -> None:
        await create_db_tables(
            ReportRound, RoundReturn, Reminder, SubmittedReport, ReportCorrection, if_not_exists=True
        )
        for statement in UNIQUE:
            await ReportRound.raw(statement)

    manager.add_raw(create)
    return manager
