"""Piccolo tables. Money columns hold integer fen; `version` counts writes for ETags."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from registry.db import BOUND

# Each table runs its queries on the database bound to the context that runs them (registry.db.BOUND).


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
    graduated_on = Date(null=True, default=None)
    hte_certificate_no = Varchar(length=40, null=True, default=None)
    hte_certified_on = Date(null=True, default=None)
    platform_level = Varchar(length=12, default="none")
    platform_level_since = Date(null=True, default=None)
    founder_type = Varchar(length=12, null=True, default=None)
    tech_sme_no = Varchar(length=40, null=True, default=None)
    listing = Varchar(length=12, null=True, default=None)
    contact_name = Varchar(length=100, null=True, default=None)
    contact_phone = Varchar(length=40, null=True, default=None)
    contact_email = Varchar(length=200, null=True, default=None)
    website = Varchar(length=300, null=True, default=None)
    description = Text(null=True, default=None)
    version = Integer(default=1)


class IPItem(Table, db=BOUND, tablename="ip_item"):
    # Also indexed, by raw SQL in the migrations since Piccolo declares no index over several
    # columns: UNIQUE ip_item_kind_number (kind, number), and ip_item_stats (tenant, kind, status,
    # filed_on, granted_on, expires_on), covering what registry.stats counts per owner and kind.
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


class IPFee(Table, db=BOUND, tablename="ip_fee"):
    """A patent year's annual fee, paid. Unique per (item, patent_year) — see the migration."""

    id = Serial(primary_key=True)
    item = ForeignKey(references=IPItem, on_delete=OnDelete.cascade, index=True)
    patent_year = Integer()
    paid_on = Date()
    amount = BigInt()
    version = Integer(default=1)


class IPDeadline(Table, db=BOUND, tablename="ip_deadline"):
    """What an item in force still owes, kept by registry.services.deadlines whenever the item or
    its fees change (registry.ip_deadlines computes it), so the deadlines are read from SQL.
    Indexed (due_on, last_day, id), (tenant, due_on, last_day, id) and (kind, due_on, last_day, id) by
    the migrations. `tenant` is the item's, copied for the tenant's index: no foreign key of its own
    (the item's key already ties it, and a check per row cost an import a quarter of its deadline
    writes)."""

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


class CalendarFeed(Table, db=BOUND, tablename="calendar_feed"):
    """A tenant's calendar subscription (registry.services.calendar_keys): the random nonce its key is
    made from (not the key: that needs the server's secret too), when and by whom it was issued.
    Renewing replaces the nonce; no row, no key."""

    id = Serial(primary_key=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, unique=True)
    nonce = Varchar(length=32)
    issued_at = Timestamptz()
    issued_by = Varchar(length=100)


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
    college_staff = Integer(null=True, default=None)
    returnee_staff = Integer(null=True, default=None)
    total_income = BigInt(null=True, default=None)
    financing = BigInt(null=True, default=None)
    grants = BigInt(null=True, default=None)
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
    email = Varchar(length=200, null=True, default=None)  # where reminders reach the account (SPEC §9)


class AuditEntry(Table, db=BOUND, tablename="audit_entry"):
    id = Serial(primary_key=True)
    at = Timestamptz(index=True)
    actor = Varchar(length=100, index=True)
    source = Varchar(length=100, index=True)
    action = Varchar(length=16)
    entity = Varchar(length=20, index=True)
    entity_key = Varchar(length=80)
    uscc = Varchar(length=18, null=True, default=None, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


class ImportBatch(Table, db=BOUND, tablename="import_batch"):
    """One uploaded spreadsheet: who sent it, what it held, what the import made of it.

    `content` keeps the file of a dry run (to apply it later without a second upload) and of a file
    with errors (to mark them in errors.xlsx). `plan_digest` fingerprints the plan the batch showed;
    `applied_batch` is, on a dry run, the batch that applied it.
    """

    id = Serial(primary_key=True)
    created_at = Timestamptz(index=True)
    username = Varchar(length=100)
    source = Varchar(length=100)
    filename = Varchar(length=255)
    sha256 = Varchar(length=64, index=True)
    size = BigInt()
    dry_run = Boolean(default=False)
    status = Varchar(length=12)
    counts = JSON(default="{}")
    errors = JSON(default="[]")
    warnings = JSON(default="[]")
    content = Bytea(null=True, default=None)
    plan_digest = Varchar(length=64, null=True, default=None)
    applied_batch = Integer(null=True, default=None)


class ImportChanges(Table, db=BOUND, tablename="import_change"):
    """One page of an import batch's change list (importers/changes.py): the stored records the batch
    changes, field by field, `CHUNK` of them a row in the list's order, so a long list is written in
    few rows and read a page at a time. Unique on (batch, chunk)."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=ImportBatch, on_delete=OnDelete.cascade)
    chunk = Integer()
    changes = JSON(default="[]")


class LoginFailure(Table, db=BOUND, tablename="login_failure"):
    """A failed sign-in, kept for the throttle's window (registry/login_throttle.py)."""

    id = Serial(primary_key=True)
    key = Varchar(length=80, index=True)
    at = DoublePrecision(index=True)  # seconds since the epoch


class PortalSession(Table, db=BOUND, tablename="portal_session"):
    """A web portal session (stored by registry/portal_sessions.py), kept here so every worker and host knows it.
    `key` is a digest of the id the browser holds: the table alone opens no session."""

    id = Serial(primary_key=True)
    key = Varchar(length=64, unique=True, index=True)
    csrf = Varchar(length=64)
    username = Varchar(length=100, null=True, default=None)
    claims = JSON(default="{}")
    last_seen = DoublePrecision(index=True)  # seconds since the epoch


class ReportRound(Table, db=BOUND, tablename="report_round"):
    """A report round (SPEC §9): the statistics office asks the tenants for one period's figures by a
    deadline. One round per period (unique). `fields`: the report fields asked (every one by default).
    `remind_days_before`: the automatic reminder that many days before the deadline (and one on the
    day after it). The signed summary's scan, once handed in, is kept in `signed_*`."""

    id = Serial(primary_key=True)
    period = Varchar(length=8, unique=True)
    year = Integer(index=True)
    title = Varchar(length=200)
    opens_on = Date()
    deadline = Date()
    fields = JSON(default="[]")
    state = Varchar(length=8)  # ROUND_STATE
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
    """One tenant's return (报表) in a round, unique on (round, tenant). `figures`: the return's figures as
    a report body (money in fen, counts as integers; only the fields the round asks). `warnings`: the
    checks' warnings at submission [{code, field, message, explanation}]. `reason`/`field_reasons`: why
    it was sent back (or excused). `filled_by`: the manager who filled it on the tenant's behalf (代填)."""

    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, index=True)  # a tenant deletable has no reports
    state = Varchar(length=12, index=True)  # RETURN_STATE
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
    """A reminder to one tenant in one round on one park day (unique on round, tenant, day: at most one a
    day). Recorded before anything is sent; `deliveries` then says how each went:
    [{channel, to, delivered, error, at}] (REMINDER_CHANNEL). `pending` until every delivery was tried."""

    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.cascade, index=True)
    day = Date()  # the park's day (PARK_TIME_ZONE) it was sent on
    kind = Varchar(length=8)  # REMINDER_KIND
    sent_by = Varchar(length=100)
    created_at = Timestamptz()
    pending = Boolean(default=True, index=True)
    deliveries = JSON(default="[]")


class SubmittedReport(Table, db=BOUND, tablename="submitted_report"):
    """The submitted dataset of a closed round (SPEC §9 "Closing freezes"): each accepted return's
    figures as they stood at the close, never changed afterwards. Unique on (round, tenant)."""

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
    """A report changed after its period's round closed (更正): what it was, what it became, who, when
    and why (`reason`, required). `before`/`after`: the changed figures only."""

    id = Serial(primary_key=True)
    round = ForeignKey(references=ReportRound, on_delete=OnDelete.cascade, index=True)
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=8)
    at = Timestamptz()
    by = Varchar(length=100)
    reason = Text()
    before = JSON(default="{}")
    after = JSON(default="{}")


TABLES = (
    Tenant,
    CalendarFeed,
    IPItem,
    IPFee,
    IPDeadline,
    PeriodReport,
    ClosedYear,
    Account,
    AuditEntry,
    ImportBatch,
    ImportChanges,
    LoginFailure,
    PortalSession,
    ReportRound,
    RoundReturn,
    Reminder,
    SubmittedReport,
    ReportCorrection,
)
