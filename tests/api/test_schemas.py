"""The API's bodies say what the registry says: its fields, its enumerations, its statistics object."""

from __future__ import annotations

import dataclasses
import typing

import msgspec
import pytest

from api import schemas
from importers import BATCH_STATUSES
from registry import stats, vocabulary
from registry.vocabulary import COUNT_KEYS, IP_FIELDS, MONEY_KEYS, REPORT_FIELDS, SHEETS, TENANT_FIELDS


def _fields(struct: type) -> set[str]:
    return {f.name for f in msgspec.structs.fields(struct)}


def _keys(fields: tuple[vocabulary.Field, ...]) -> set[str]:
    return {f.key for f in fields}


@pytest.mark.parametrize(
    ("struct", "expected"),
    [
        (schemas.Tenant, _keys(TENANT_FIELDS) | {"version"}),
        (schemas.TenantCreate, _keys(TENANT_FIELDS)),
        (schemas.TenantUpdate, _keys(TENANT_FIELDS) - {"uscc"}),
        (schemas.IPItem, _keys(IP_FIELDS) | {"id", "version", "expires_on", "at_risk"}),
        (schemas.IPItemCreate, _keys(IP_FIELDS) - {"uscc"}),
        (schemas.Report, _keys(REPORT_FIELDS) | {"version"}),
        (schemas.ReportPut, _keys(REPORT_FIELDS) - {"uscc", "period"}),
        (schemas.FigureValues, {*MONEY_KEYS, *COUNT_KEYS}),
        (schemas.ImportSheets, set(SHEETS)),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_bodies_carry_the_vocabularys_fields(struct, expected):
    assert _fields(struct) == expected


@pytest.mark.parametrize(
    ("alias", "codes"),
    [
        (schemas.Industry, vocabulary.INDUSTRY.codes),
        (schemas.TenantStatus, vocabulary.TENANT_STATUS.codes),
        (schemas.PlatformLevel, vocabulary.PLATFORM_LEVEL.codes),
        (schemas.FounderType, vocabulary.FOUNDER_TYPE.codes),
        (schemas.Listing, vocabulary.LISTING.codes),
        (schemas.IPKind, vocabulary.IP_KIND.codes),
        (schemas.IPStatus, vocabulary.IP_STATUS.codes),
        (schemas.Role, vocabulary.ROLE.codes),
        (schemas.DeadlineKind, vocabulary.DEADLINE_KIND.codes),
        (schemas.DeadlineState, vocabulary.DEADLINE_STATE.codes),
        (schemas.BatchStatus, BATCH_STATUSES),
    ],
)
def test_enumerations_are_the_vocabularys_codes(alias, codes):
    assert typing.get_args(alias) == codes


@pytest.mark.parametrize(
    ("struct", "result"),
    [
        (schemas.ParkStatistics, stats.ParkStats),
        (schemas.PeriodFigures, stats.PeriodFigures),
        (schemas.TenantCounts, stats.TenantCounts),
        (schemas.TenantRef, stats.TenantRef),
        (schemas.IPCounts, stats.IPCounts),
        (schemas.IndustryLine, stats.IndustryLine),
        (schemas.TenantLine, stats.TenantLine),
        (schemas.Targets, stats.Targets),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_statistics_answer_has_the_members_of_the_registrys_result(struct, result):
    """A member added to registry.stats must be added to its API twin, or GET /stats would drop it."""
    assert _fields(struct) == {f.name for f in dataclasses.fields(result)}
