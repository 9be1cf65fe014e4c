"""Request and response bodies as msgspec Structs. Money travels as yuan in decimal strings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from registry.money import format_yuan
from registry.records import MAX_COUNT, PLAIN_TEXT
from registry.vocabulary import COUNT_KEYS, IP_FIELDS, MONEY_KEYS, TENANT_FIELDS, Field, field_named

Industry = Literal["automotive_nev", "rail_aviation", "electronic_info", "new_materials", "new_energy",
                   "modern_services", "other"]
TenantStatus = Literal["incubating", "graduated", "left"]
PlatformLevel = Literal["none", "municipal", "provincial", "national"]
IPKind = Literal["invention", "utility_model", "design", "software_copyright", "trademark", "ic_layout",
                 "plant_variety"]
IPStatus = Literal["pending", "valid", "lapsed", "expired", "withdrawn"]
Role = Literal["admin", "manager", "statistician", "tenant"]
Yuan = str  # e.g. "3600000000.00"


def _text(field: Field | None = None, max_length: int | None = None) -> Any:
    """A string as the registry takes it. Control characters are refused here, at the edge; the length is
    the registry's to check (it names every bad field of a record at once), and stated here for clients."""
    limit = field.max_length if field else max_length
    return Annotated[str, Meta(pattern=PLAIN_TEXT, extra_json_schema={"extra": {"max_length": limit}})]


# Types are strict at the edge (api/edge.py): "5" is no integer. Ranges and lengths the registry checks are
# documented here with its own bounds and enforced there, because imports reach the registry by another door.
YuanIn = Annotated[str, Meta(pattern=PLAIN_TEXT, description='yuan as a decimal string, e.g. "12.50"',
                             extra_json_schema={"extra": {"max_length": 40}})]
Count = Annotated[int, Meta(extra_json_schema={"extra": {"minimum": 0, "maximum": MAX_COUNT}})]
Day = Annotated[date, Meta(description="no earlier than 1900-01-01 and no more than a year ahead")]
USCCIn = Annotated[str, Meta(max_length=40, pattern=PLAIN_TEXT)]
Username = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^\s*[\w.@-]+\s*$")]
Password = Annotated[str, Meta(min_length=8, max_length=128)]
TenantName, TenantNameEn = _text(field_named(TENANT_FIELDS, "name")), _text(field_named(TENANT_FIELDS, "name_en"))
Certificate = _text(field_named(TENANT_FIELDS, "hte_certificate_no"))
ContactName = _text(field_named(TENANT_FIELDS, "contact_name"))
ContactPhone = _text(field_named(TENANT_FIELDS, "contact_phone"))
ContactEmail = _text(field_named(TENANT_FIELDS, "contact_email"))
Website = _text(field_named(TENANT_FIELDS, "website"))
Description = _text(field_named(TENANT_FIELDS, "description"))
IPNumber = Annotated[str, Meta(max_length=100, pattern=PLAIN_TEXT)]
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
    hte_certificate_no: str | None = None
    hte_certified_on: date | None = None
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
    hte_certificate_no: Certificate | None | UnsetType = UNSET
    hte_certified_on: Day | None | UnsetType = UNSET
    platform_level: PlatformLevel | UnsetType = UNSET
    contact_name: ContactName | None | UnsetType = UNSET
    contact_phone: ContactPhone | None | UnsetType = UNSET
    contact_email: ContactEmail | None | UnsetType = UNSET
    website: Website | None | UnsetType = UNSET
    description: Description | None | UnsetType = UNSET


class TenantCreate(TenantUpdate):
    """Required: uscc, name, industry, status. (Declared optional here so that every missing field is
    named at once, by the registry's own check, rather than the first one alone.)"""

    __required__: ClassVar[tuple[str, ...]] = ("uscc", "name", "industry", "status")

    uscc: USCCIn | UnsetType = UNSET


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


class Report(Struct):
    uscc: str
    period: str
    version: int
    revenue: Yuan | None = None
    net_profit: Yuan | None = None
    exports: Yuan | None = None
    rd_expense: Yuan | None = None
    tax_paid: Yuan | None = None
    employees: int | None = None
    rd_staff: int | None = None
    new_graduates: int | None = None


class ReportPut(Body):
    """The whole report: a figure left out is cleared. Money in yuan as decimal strings."""

    revenue: YuanIn | None | UnsetType = UNSET
    net_profit: YuanIn | None | UnsetType = UNSET
    exports: YuanIn | None | UnsetType = UNSET
    rd_expense: YuanIn | None | UnsetType = UNSET
    tax_paid: YuanIn | None | UnsetType = UNSET
    employees: Count | None | UnsetType = UNSET
    rd_staff: Count | None | UnsetType = UNSET
    new_graduates: Count | None | UnsetType = UNSET


class Account(Struct):
    username: str
    role: Role
    active: bool
    version: int
    tenant_uscc: str | None = None


class AccountCreate(Body):
    """Required: username, password, role (all missing ones are named at once)."""

    __required__: ClassVar[tuple[str, ...]] = ("username", "password", "role")

    username: Username | UnsetType = UNSET
    password: Password | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    tenant_uscc: USCCIn | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class AccountUpdate(Body):
    password: Password | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    tenant_uscc: USCCIn | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


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


def page_of(struct: type[Struct], listing: dict, convert=None) -> dict:
    convert = convert or (lambda row: row)
    return {**listing, "items": [msgspec.convert(convert(r), struct, from_attributes=False, strict=False)
                                 for r in listing["items"]]}


def report_out(row: dict) -> dict:
    out = {k: row[k] for k in ("uscc", "period", "version", *COUNT_KEYS)}
    out.update({k: None if row[k] is None else format_yuan(row[k]) for k in MONEY_KEYS})
    return out


def struct_of(struct: type[Struct], row: dict) -> Any:
    return msgspec.convert(row, struct, strict=False)
