"""Request and response bodies as msgspec Structs. Money travels as yuan in decimal strings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from registry.answers import (  # enumerations travel as their vocabulary's codes
    DeadlineKind,
    DeadlineState,
    FounderType,
    Industry,
    IPKind,
    IPStatus,
    Listing,
    PlatformLevel,
    Role,
    TenantStatus,
)
from registry.money import format_yuan
from registry.records import MAX_COUNT, PLAIN_TEXT, VISIBLE_TEXT
from registry.stats import ParkStats
from registry.vocabulary import COUNT_KEYS, IP_FIELDS, MONEY_KEYS, TENANT_FIELDS, Field, field_named

T = TypeVar("T")
Yuan = str  # e.g. "3600000000.00"


def _text(field: Field | None = None, max_length: int | None = None) -> Any:
    """A string as the registry takes it. Control characters are refused here, at the edge, and so is a
    required one showing nothing; the length is the registry's to check (it names every bad field of a
    record at once), and stated here for clients."""
    limit = field.max_length if field else max_length
    return Annotated[
        str,
        Meta(
            pattern=PLAIN_TEXT,
            extra_json_schema={
                "extra": {"max_length": limit, **(_VISIBLE if field is not None and field.required else {})}
            },
        ),
    ]


# A required string shows something (registry.records: a value of spaces and zero-width characters is
# blank). Documented here and refused by the registry, with every other bad field of the record.
_VISIBLE = {"min_length": 1, "pattern": VISIBLE_TEXT}


def _yuan(signed: bool) -> Any:
    """An amount in yuan as the API documents it: a plain decimal string, at most 13 digits before the point
    (the registry's ten trillion yuan) and 2 after, a minus sign only where the vocabulary lets the field be
    negative. The registry reads more (thousands separators, ¥, full-width digits) and is the one to refuse."""
    sign = "[+-]?" if signed else "[+]?"
    documented = f"^{sign}([0-9]{{1,13}}(\\.[0-9]{{1,2}})?|\\.[0-9]{{1,2}})$"
    what = 'yuan as a decimal string, e.g. "12.50"' + ("" if signed else "; not negative")
    return Annotated[
        str,
        Meta(
            pattern=PLAIN_TEXT, description=what, extra_json_schema={"extra": {"max_length": 40, "pattern": documented}}
        ),
    ]


# Types are strict at the edge (api/edge.py): "5" is no integer. Ranges and lengths the registry checks are
# documented here with its own bounds and enforced there, because imports reach the registry by another door.
YuanIn, SignedYuanIn = _yuan(signed=False), _yuan(signed=True)
Count = Annotated[int, Meta(extra_json_schema={"extra": {"minimum": 0, "maximum": MAX_COUNT}})]
Day = Annotated[date, Meta(description="no earlier than 1900-01-01 and no more than a year ahead")]
USCCIn = Annotated[str, Meta(max_length=40, pattern=PLAIN_TEXT)]
RequiredUSCCIn = Annotated[str, Meta(max_length=40, pattern=PLAIN_TEXT, extra_json_schema={"extra": _VISIBLE})]
Username = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^\s*[\w.@-]+\s*$")]
Password = Annotated[str, Meta(min_length=8, max_length=128)]
Email = Annotated[
    str,
    Meta(
        pattern=PLAIN_TEXT,
        description="an e-mail address (reminders go to it)",
        extra_json_schema={"extra": {"max_length": 200}},
    ),
]
TenantName, TenantNameEn = _text(field_named(TENANT_FIELDS, "name")), _text(field_named(TENANT_FIELDS, "name_en"))
Certificate = _text(field_named(TENANT_FIELDS, "hte_certificate_no"))
ContactName = _text(field_named(TENANT_FIELDS, "contact_name"))
ContactPhone = _text(field_named(TENANT_FIELDS, "contact_phone"))
ContactEmail = _text(field_named(TENANT_FIELDS, "contact_email"))
Website = _text(field_named(TENANT_FIELDS, "website"))
Description = _text(field_named(TENANT_FIELDS, "description"))
TechSMENo = _text(field_named(TENANT_FIELDS, "tech_sme_no"))
IPNumber = Annotated[str, Meta(max_length=100, pattern=PLAIN_TEXT, extra_json_schema={"extra": _VISIBLE})]
IPTitle = _text(field_named(IP_FIELDS, "title"))


class Body(Struct, forbid_unknown_fields=True, omit_defaults=True):
    def fields(self) -> dict[str, Any]:
        """The fields the client sent (UNSET left out), as the registry services take them."""
        return {k: v for k, v in msgspec.structs.asdict(self).items() if v is not UNSET}


class Problem(Struct):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | UnsetType = UNSET


class TokenRequest(Body):
    username: Annotated[str, Meta(min_length=1, max_length=100, pattern=PLAIN_TEXT)]
    password: Annotated[str, Meta(min_length=1, max_length=128)]


class TokenResponse(Struct):
    access_token: str
    token_type: str
    expires_in: int


class Me(Struct):
    username: str
    role: Role
    tenant_uscc: str | None


class Tenant(Struct):
    uscc: str
    name: str
    industry: Industry
    status: TenantStatus
    platform_level: PlatformLevel
    version: int
    name_en: str | None = None
    founded_on: date | None = None
    moved_in_on: date | None = None
    moved_out_on: date | None = None
    graduated_on: date | None = None
    hte_certificate_no: str | None = None
    hte_certified_on: date | None = None
    platform_level_since: date | None = None
    founder_type: FounderType | None = None
    tech_sme_no: str | None = None
    listing: Listing | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    website: str | None = None
    description: str | None = None


class TenantUpdate(Body):
    """Tenants may send only name_en, contact_*, website and description."""

    name: TenantName | UnsetType = UNSET
    industry: Industry | UnsetType = UNSET
    status: TenantStatus | UnsetType = UNSET
    name_en: TenantNameEn | None | UnsetType = UNSET
    founded_on: Day | None | UnsetType = UNSET
    moved_in_on: Day | None | UnsetType = UNSET
    moved_out_on: Day | None | UnsetType = UNSET
    graduated_on: Day | None | UnsetType = UNSET
    hte_certificate_no: Certificate | None | UnsetType = UNSET
    hte_certified_on: Day | None | UnsetType = UNSET
    platform_level: PlatformLevel | UnsetType = UNSET
    platform_level_since: Day | None | UnsetType = UNSET
    founder_type: FounderType | None | UnsetType = UNSET
    tech_sme_no: TechSMENo | None | UnsetType = UNSET
    listing: Listing | None | UnsetType = UNSET
    contact_name: ContactName | None | UnsetType = UNSET
    contact_phone: ContactPhone | None | UnsetType = UNSET
    contact_email: ContactEmail | None | UnsetType = UNSET
    website: Website | None | UnsetType = UNSET
    description: Description | None | UnsetType = UNSET


class TenantCreate(TenantUpdate):
    """Required: uscc, name, industry, status. (Declared optional here so that every missing field is
    named at once, by the registry's own check, rather than the first one alone.)"""

    __required__: ClassVar[tuple[str, ...]] = ("uscc", "name", "industry", "status")

    uscc: RequiredUSCCIn | UnsetType = UNSET


class IPItem(Struct):
    id: int
    uscc: str
    kind: IPKind
    number: str
    title: str
    status: IPStatus
    version: int
    filed_on: date | None = None
    granted_on: date | None = None
    expires_on: date | None = None
    at_risk: bool = False  # an annual fee year unpaid past its grace: the patent may lapse


class IPItemUpdate(Body):
    kind: IPKind | UnsetType = UNSET
    number: IPNumber | UnsetType = UNSET
    title: IPTitle | UnsetType = UNSET
    status: IPStatus | UnsetType = UNSET
    filed_on: Day | None | UnsetType = UNSET
    granted_on: Day | None | UnsetType = UNSET


class IPItemCreate(IPItemUpdate):
    """Required: kind, number, title, status (all missing ones are named at once)."""

    __required__: ClassVar[tuple[str, ...]] = ("kind", "number", "title", "status")


class Deadline(Struct):
    """A date an IP item's owner must act by. `due_on` is the day itself; an annual fee or renewal
    may still be made until `grace_ends_on` (a fee then with `late_fee`); `state` is `grace` once
    `due_on` has passed. `amount` is what paying today costs (fee + late fee); expiries have none."""

    ip_id: int
    uscc: str
    tenant_name: str
    kind: IPKind
    number: str
    title: str
    deadline: DeadlineKind
    state: DeadlineState
    due_on: date
    patent_year: int | None = None
    window_opens_on: date | None = None
    grace_ends_on: date | None = None
    fee: Yuan | None = None
    late_fee: Yuan | None = None
    amount: Yuan | None = None


class FeePayment(Body):
    """A patent year's annual fee as paid: the day and the amount in yuan (a decimal string)."""

    paid_on: Day | None | UnsetType = UNSET
    amount: YuanIn | None | UnsetType = UNSET


class Fee(Struct):
    """A paid patent year. `scheduled_fee` is CNIPA's fee for the year, `late_fee` what the schedule
    adds for paying on `paid_on` (due by `due_on`); `amount` is what was recorded as paid. `due_on` and
    `late_fee` are null while the item's filing date is not recorded (they are counted from it)."""

    ip_id: int
    uscc: str
    patent_year: int
    paid_on: date
    amount: Yuan
    due_on: date | None
    scheduled_fee: Yuan
    late_fee: Yuan | None
    version: int


class CalendarSubscription(Struct):
    """Where a calendar app subscribes to a tenant's deadlines without signing in: `url` (https or
    http, as the request came) and the same as `webcal_url`, both carrying the tenant's `key`, issued
    at `issued_at` (at the first ask). Renewing it (POST) ends every URL handed out before."""

    uscc: str
    key: str
    url: str
    webcal_url: str
    issued_at: datetime


class Report(Struct):
    uscc: str
    period: str
    version: int
    total_income: Yuan | None = None
    revenue: Yuan | None = None
    net_profit: Yuan | None = None
    exports: Yuan | None = None
    rd_expense: Yuan | None = None
    tax_paid: Yuan | None = None
    financing: Yuan | None = None
    grants: Yuan | None = None
    employees: int | None = None
    college_staff: int | None = None
    rd_staff: int | None = None
    returnee_staff: int | None = None
    new_graduates: int | None = None


class ReportPut(Body):
    """The whole report: a figure left out is cleared. Money in yuan as decimal strings."""

    total_income: YuanIn | None | UnsetType = UNSET
    revenue: YuanIn | None | UnsetType = UNSET
    net_profit: SignedYuanIn | None | UnsetType = UNSET
    exports: YuanIn | None | UnsetType = UNSET
    rd_expense: YuanIn | None | UnsetType = UNSET
    tax_paid: YuanIn | None | UnsetType = UNSET
    financing: YuanIn | None | UnsetType = UNSET
    grants: YuanIn | None | UnsetType = UNSET
    employees: Count | None | UnsetType = UNSET
    college_staff: Count | None | UnsetType = UNSET
    rd_staff: Count | None | UnsetType = UNSET
    returnee_staff: Count | None | UnsetType = UNSET
    new_graduates: Count | None | UnsetType = UNSET
    # Required once the period's report round is closed (the write is then a correction, SPEC §9).
    correction_reason: Annotated[str, Meta(max_length=2000, pattern=PLAIN_TEXT)] | UnsetType = UNSET

    def fields(self) -> dict[str, Any]:
        """The figures sent (the correction's reason is not one)."""
        return {k: v for k, v in super().fields().items() if k != "correction_reason"}

    @property
    def reason(self) -> str | None:
        return None if self.correction_reason is UNSET else self.correction_reason


class Account(Struct):
    username: str
    role: Role
    active: bool
    version: int
    tenant_uscc: str | None = None
    email: str | None = None


class AccountCreate(Body):
    """Required: username, password, role (all missing ones are named at once)."""

    __required__: ClassVar[tuple[str, ...]] = ("username", "password", "role")

    username: Username | UnsetType = UNSET
    password: Password | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    tenant_uscc: USCCIn | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET


class AccountUpdate(Body):
    password: Password | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    tenant_uscc: USCCIn | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET


class ClosedYear(Struct):
    year: int
    closed: bool
    closed_by: str | None = None
    closed_at: str | None = None


class AuditEntry(Struct):
    id: int
    at: str
    actor: str
    source: str
    action: str
    entity: str
    entity_key: str
    uscc: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Page(Struct, Generic[T]):
    """One page of a list: its items, how many there are in all, and the page asked (limit, offset)."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page_of(item: type[T], listing: dict, convert: Callable[[Any], Any] | None = None) -> Page[T]:
    """A registry listing ({items, total, limit, offset}) as a page of `item`s."""
    items = listing["items"] if convert is None else [convert(row) for row in listing["items"]]
    return msgspec.convert({**listing, "items": items}, Page[item], strict=False)  # type: ignore[valid-type]


def report_out(row: dict) -> dict:
    out = {k: row[k] for k in ("uscc", "period", "version", *COUNT_KEYS)}
    out.update({k: None if row[k] is None else format_yuan(row[k]) for k in MONEY_KEYS})
    return out


def in_yuan(row: dict, *keys: str) -> dict:
    """`row` with the fen amounts under `keys` as yuan strings (None stays None)."""
    return {**row, **{k: None if row[k] is None else format_yuan(row[k]) for k in keys}}


def struct_of(struct: type[Struct], row: dict) -> Any:
    return msgspec.convert(row, struct, strict=False)


class Health(Struct):
    status: Literal["ok"]
    engine: str


class ParkStatsAnswer(ParkStats, frozen=True):
    """`GET /stats/{period}`: the registry's `ParkStats`, with its two lists of tenants (those not
    reported, the tenant lines) paged by `limit`/`offset` like every list of the API, and their totals.
    At 10,000 tenants the whole lines are megabytes: a page keeps each answer to what a client reads."""

    not_reported_total: int
    tenant_lines_total: int
    limit: int
    offset: int


class RemindRequest(Body):
    """`uscc`: the tenants to remind (each must be in the round); left out: every tenant due."""

    uscc: Annotated[list[USCCIn], Meta(max_length=100_000)] | UnsetType = UNSET


class ReminderSkipped(Struct):
    uscc: str
    reason: Literal["not_due", "reminded_today"]
    state: str


class ReminderMail(Struct):
    """How the e-mail went: `configured` false means PARK_SMTP_URL is unset and reminders are portal notices
    only; `failed` counts recipients refused or not reached (each reminder's record says why)."""

    configured: bool
    server: str | None
    delivered: int
    failed: int
    without_address: int
    errors: list[str]


class RemindAnswer(Struct):
    round: int
    day: date
    reminded: int
    uscc: list[str]
    skipped: list[ReminderSkipped]
    channels: dict[str, int]
    email: ReminderMail
    note: str
