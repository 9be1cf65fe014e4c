"""The registry dump read back by the importer: a dry run finds nothing to create or change."""

from __future__ import annotations

import importlib

import pytest

from exports.registry_dump import registry_workbook
from registry.actor import SYSTEM
from registry.vocabulary import INDUSTRY, IP_STATUS, PLATFORM_LEVEL, TENANT_STATUS
from tests.conftest import make_tenant
from tests.exports.conftest import make_ip, make_report


def _run_import():
    """The importer's entry point (issue 3), wherever its package exposes it."""
    for module in ("importers", "importers.pipeline", "importers.run", "importers.service"):
        try:
            found = getattr(importlib.import_module(module), "run_import", None)
        except ImportError:
            continue
        if found is not None:
            return found
    pytest.skip("importers.run_import has not landed yet")


def _get(summary, key):
    return summary[key] if isinstance(summary, dict) else getattr(summary, key)


@pytest.fixture
async def varied_registry(empty_registry):
    """Every enumeration value, odd text, signed and fractional money, every IP kind."""
    tenants = []
    for n, industry in enumerate(INDUSTRY.codes):
        status = TENANT_STATUS.codes[n % len(TENANT_STATUS.codes)]
        tenants.append(
            await make_tenant(
                name=['=HYPERLINK("http://evil.example","点我")', "+86 企业", "-减号企业", "@提及企业"][n % 4]
                + f" {n}",
                name_en=f"Tenant_x0041_ {n} Co., Ltd.",
                industry=industry,
                status=status,
                founded_on="2010-02-28",
                moved_in_on="2015-10-08",
                moved_out_on=None if status == "incubating" else "2017-06-30",
                platform_level=PLATFORM_LEVEL.codes[n % len(PLATFORM_LEVEL.codes)],
                hte_certificate_no=f"GR20164300{n:04d}" if n % 2 else None,
                hte_certified_on="2016-12-06" if n % 2 else None,
                contact_name="张三",
                contact_phone="0731-28888888",
                contact_email=f"t{n}@example.com",
                website="https://example.com",
                description=f"第一行\r\n第二行\t{n}\r第三行",  # control characters are refused (no NUL, no \x01)
            )
        )
    uscc = tenants[0]["uscc"]
    await make_ip(uscc)
    await make_ip(uscc, kind="utility_model", status="lapsed")
    await make_ip(uscc, kind="design", granted_on=None, status="pending")
    await make_ip(uscc, kind="software_copyright", number="2016SR123456")
    await make_ip(tenants[1]["uscc"], kind="trademark", number="012345678", filed_on="2014-01-01")
    await make_ip(tenants[1]["uscc"], kind="ic_layout", number="BS.175500123", status="withdrawn")
    await make_ip(tenants[2]["uscc"], kind="plant_variety", number="CNA20160001.5", status=IP_STATUS.codes[3])
    await make_report(uscc, "2016", revenue="3600000000.00", net_profit="-0.01", exports="12345.67",
                      rd_expense="0", tax_paid="99999999999.99", employees="1200", rd_staff="0",
                      new_graduates="3")  # fmt: skip
    await make_report(uscc, "2017H1", revenue="0.10")
    await make_report(tenants[1]["uscc"], "2017Q3", employees="5")
    return tenants


async def test_registry_dump_imports_back_with_nothing_to_do(varied_registry):
    run_import = _run_import()
    content = await registry_workbook(SYSTEM)
    summary = await run_import(SYSTEM, "registry.xlsx", content, True)
    assert _get(summary, "errors") == []
    # The one thing said: the registry has no fee payments, so the dump's annual fees sheet has nothing to import.
    assert [(w["sheet"], w["code"]) for w in _get(summary, "warnings")] == [("年费缴纳", "sheet_empty")]
    assert _get(summary, "status") == "dry_run"
    sheets = _get(summary, "sheets")
    expected = {"tenants": len(varied_registry), "ip": 7, "reports": 3}
    for kind, count in expected.items():
        counts = sheets[kind] if isinstance(sheets, dict) else getattr(sheets, kind)
        assert _get(counts, "created") == 0, kind
        assert _get(counts, "updated") == 0, kind
        assert _get(counts, "unchanged") == count, kind
