"""Paid annual fees by import: a 年费缴纳 sheet, matched to IP items stored or in the same file."""

from __future__ import annotations

from datetime import date

from importers import run_import
from registry.actor import SYSTEM
from registry.services import ip_items
from registry.services.deadlines import list_fees
from registry.tables import AuditEntry, IPFee
from tests.conftest import make_tenant
from tests.importers.conftest import audited_since, patent, registry_state, xlsx

IP_HEADERS = ["统一社会信用代码", "知识产权类型", "申请号", "名称", "申请日", "授权日", "法律状态"]
FEE_HEADERS = ["知识产权类型", "专利号", "年度", "缴费日期", "缴费金额(元)"]


async def _stored(tenant_uscc: str, number: str, filed: date, granted: date) -> dict:
    return await ip_items.create_ip(
        SYSTEM,
        tenant_uscc,
        {
            "kind": "invention",
            "number": number,
            "title": "已登记的专利",
            "filed_on": filed,
            "granted_on": granted,
            "status": "valid",
        },
    )


async def test_a_fee_sheet_records_paid_years_of_stored_and_new_items_and_is_audited(manager):
    tenant = await make_tenant()
    stored = await _stored(tenant["uscc"], patent(2016), date(2016, 2, 29), date(2019, 5, 10))
    new_number = patent(2018, 2)
    content = xlsx(
        {
            "知识产权": [
                IP_HEADERS,
                [tenant["uscc"], "实用新型", new_number, "新实用新型", date(2018, 4, 2), date(2018, 9, 1), "有效"],
            ],
            "年费缴纳": [
                ["2019 年专利年费缴纳记录"],
                FEE_HEADERS,
                ["发明专利", stored["number"], 5, date(2020, 2, 20), "1,200"],
                ["发明专利", f"ZL{stored['number']}", "第6年", "2021-03-30", 1260],  # late: 5 %
                ["实用新型", new_number, 2, date(2019, 3, 28), 600],
            ],
        }
    )

    report = await run_import(manager, "年费.xlsx", content, dry_run=False)

    assert report.status == "applied", report.errors
    assert report.sheets["fees"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    fees = await list_fees(manager, stored["id"])
    assert [(f["patent_year"], f["paid_on"], f["amount"], f["late_fee"]) for f in fees] == [
        (5, date(2020, 2, 20), 1_200_00, 0),
        (6, date(2021, 3, 30), 1_260_00, 60_00),
    ]
    trail = (
        await AuditEntry.select(AuditEntry.entity_key, AuditEntry.source)
        .where((AuditEntry.entity == "ip_fee") & (AuditEntry.uscc == tenant["uscc"]))
        .order_by(AuditEntry.id)
        .run()
    )
    assert [t["entity_key"] for t in trail] == [
        f"invention:{stored['number']}:5",
        f"invention:{stored['number']}:6",
        f"utility_model:{new_number}:2",
    ]
    assert {t["source"] for t in trail} == {f"import:{report.id}"}

    again = await run_import(manager, "年费.xlsx", content, dry_run=False)
    assert again.sheets["fees"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0, "cleared": 0}


async def test_a_bad_fee_row_writes_nothing_and_names_its_cell(manager):
    tenant = await make_tenant()
    stored = await _stored(tenant["uscc"], patent(2016), date(2016, 2, 29), date(2019, 5, 10))
    before = await registry_state()
    fees_before = await IPFee.count().run()
    content = xlsx(
        {
            "Annual fees": [
                ["Kind", "Number", "Patent year", "Paid on", "Amount paid (yuan)"],
                ["invention", stored["number"], 5, date(2020, 2, 20), 1200],  # good, but the file has errors
                ["invention", stored["number"], 2, date(2016, 3, 1), 900],  # before the grant year (4)
                ["invention", patent(2016), 5, date(2020, 2, 20), 1200],  # no such item
                ["invention", stored["number"], 5, date(2020, 2, 21), 1200],  # repeats row 2
                ["invention", stored["number"], 7, date(2021, 1, 1), "12.345"],
            ]
        }
    )

    report = await run_import(manager, "fees.xlsx", content, dry_run=False)

    assert report.status == "invalid"
    cells = {(e["row"], e["column"], e["code"]) for e in report.errors}
    assert cells == {
        (3, "C", "out_of_range"),
        (4, "B", "unknown_ip"),
        (5, "C", "duplicate_row"),
        (6, "E", "money_fraction"),
    }
    assert await IPFee.count().run() == fees_before
    assert await audited_since(before) == [("import", "create")]
