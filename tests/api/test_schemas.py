"""The API's bodies say what the registry says: its fields, its enumerations."""

from __future__ import annotations

import typing

import msgspec
import pytest

from api import schemas
from importers import BATCH_STATUSES, report
from registry import answers, stats, vocabulary
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
        (schemas.ReportPut, _keys(REPORT_FIELDS) - {"uscc", "period"} | {"correction_reason"}),
        (stats.FigureValues, {*MONEY_KEYS, *COUNT_KEYS}),
        (stats.FigureTrends, {*MONEY_KEYS, *COUNT_KEYS}),
        (stats.IPCountsByKind, set(vocabulary.IP_KIND.codes)),
        (report.ImportSheets, set(SHEETS)),
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
        (report.BatchStatus, BATCH_STATUSES),
    ],
)
def test_enumerations_are_the_vocabularys_codes(alias, codes):
    assert typing.get_args(alias) == codes


def test_figures_read_like_a_mapping_and_travel_with_money_in_yuan():
    keys = (*MONEY_KEYS, *COUNT_KEYS)
    values = stats.figure_values(dict.fromkeys(keys, 105))
    assert list(values) == list(keys) and len(values) == len(keys)
    assert values["revenue"] == 105 and values.get("employees") == 105 and values.get("no_such_figure") is None
    with pytest.raises(KeyError):
        values["no_such_figure"]
    body = msgspec.json.decode(msgspec.json.Encoder(enc_hook=answers.encode_hook).encode(values))
    assert list(body) == list(keys)
    assert body["revenue"] == "1.05" and body["employees"] == 105
