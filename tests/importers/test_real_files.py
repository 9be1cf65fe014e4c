"""Files as parks really have them (SPEC §4): a CNIPA patent export, a district's registration list, a
Torch statistics form — imported as they come, with what a manager would notice: the records made,
the defaults used and said, the owner a patent got by its name, every error with its cell at once."""

from __future__ import annotations

from datetime import date

import pytest

from importers import ImportRefused, run_import
from registry.services import tenants
from registry.tables import IPItem, PeriodReport
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, csv_bytes, patent, registry_state, xls, xlsx
from tests.importers.real_layouts import (
    CNIPA_HEADERS,
    CNIPA_WIDE_HEADERS,
    QICHACHA_HEADERS,
    QICHACHA_SHEET,
    REGISTRATION_HEADERS,
    REGISTRATION_TITLE,
    TORCH_HEADERS,
    TORCH_TENANT_HEADERS,
    TORCH_TITLE,
)


def _codes(report) -> dict[str, dict]:
    return {w["code"]: w for w in report.warnings}


async def _item(number: str) -> dict:
    return (
        await IPItem.select(
            IPItem.tenant.uscc.as_alias("uscc"),
            IPItem.kind,
            IPItem.status,
            IPItem.granted_on,
            IPItem.expires_on,
        )
        .where(IPItem.number == number)
        .first()
        .run()
    )


async def test_cnipa_export_imports_as_it_comes_with_owners_found_by_name(manager):
    owner = await make_tenant(name="示例（株洲）理工科技有限公司")
    pending, granted, utility, design, transferred, no_data = (
        patent(2016, 1),
        patent(2014, 1),
        patent(2015, 2),
        patent(2012, 3),
        patent(2015, 1),
        patent(2016, 1),
    )
    name = "示例(株洲)理工科技有限公司"  # half-width brackets: the same company
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                [
                    "发明申请",
                    "一种示例装置",
                    "实质审查的生效",
                    "20170301",
                    "2017.01.25",
                    "CN" + pending,
                    "2016.10.13",
                    name,
                    "张某 ; 李某",
                ],
                [
                    "发明申请",
                    "一种示例方法",
                    "授权",
                    "20161207",
                    "2015.02.25",
                    "CN" + granted,
                    "2014.05.16",
                    name,
                    "张某",
                ],
                [
                    "实用新型",
                    "一种示例结构",
                    "授权",
                    "20160629",
                    "2016.06.29",
                    "CN" + utility,
                    "2015.12.08",
                    f"{name} ; 张某",
                    "张某",
                ],
                [
                    "外观设计",
                    "示例外壳",
                    "专利权的终止",
                    "20160224",
                    "2013.07.17",
                    "CN" + design,
                    "2012.12.31",
                    f"张某 ； {name}",
                    "李某",
                ],
                [
                    "发明申请",
                    "一种转让的方法",
                    "著录事项变更",
                    "20150729",
                    "2015.07.01",
                    "CN" + transferred,
                    "2015.03.10",
                    name,
                    "李某",
                ],
                [
                    "发明申请",
                    "一种新近的方法",
                    "无数据",
                    "无数据",
                    "2017.03.22",
                    "CN" + no_data,
                    "2016.09.30",
                    name,
                    "李某",
                ],
                ["", "一种早年的装置", "期限届满", "20050320", "", "CN85102475", "1985.03.20", name, "王某"],
            ]
        }
    )
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["ip"] == {"created": 7, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}

    items = {number: await _item(number) for number in (pending, granted, utility, design, transferred, no_data)}
    assert {item["uscc"] for item in items.values()} == {owner["uscc"]}
    assert (items[pending]["status"], items[pending]["granted_on"]) == ("pending", None)
    # A granted invention's grant date is the day of its 授权 status, not its publication date.
    assert (items[granted]["status"], items[granted]["granted_on"]) == ("valid", date(2016, 12, 7))
    assert (items[utility]["status"], items[utility]["granted_on"]) == ("valid", date(2016, 6, 29))
    # A design is announced only when granted: its 授权公告日 is its grant date, though it has lapsed since.
    assert (items[design]["kind"], items[design]["status"], items[design]["granted_on"]) == (
        "design",
        "lapsed",
        date(2013, 7, 17),
    )
    assert (items[transferred]["status"], items[transferred]["granted_on"]) == ("pending", None)
    assert items[no_data]["status"] == "pending"
    early = await _item("85102475")
    assert (early["uscc"], early["kind"], early["status"]) == (owner["uscc"], "invention", "expired")

    warnings = _codes(report)
    phrases = {(w["value"], w["column"]) for w in report.warnings if w["code"] == "kind_from_type_phrase"}
    assert phrases == {("发明申请", "A")}
    assert warnings["kind_from_number"]["row"] == 8
    assert "第 8 行" in warnings["kind_from_number"]["message"]
    silent = {(w["row"], w["column"], w["value"]) for w in report.warnings if w["code"] == "status_says_nothing"}
    assert silent == {(6, "C", "著录事项变更"), (7, "C", "无数据")}
    assert "第 6–7 行" in warnings["ip_status_from_dates_pending"]["message"]
    assert "第 3–4 行" in warnings["granted_on_from_status_date"]["message"]
    assert "第 2, 6–7 行" in warnings["publication_date_not_grant"]["message"]
    not_kept = [w for w in report.warnings if w["code"] == "columns_not_kept"]
    assert len(not_kept) == 1 and "发明人" in not_kept[0]["value"]

    again = await run_import(manager, "专利.xls", content, dry_run=False)
    assert again.sheets["ip"] == {"created": 0, "updated": 0, "unchanged": 7, "skipped": 0, "cleared": 0}, again.errors


async def test_an_owner_no_tenant_or_several_tenants_bear_is_an_error_at_its_cell(manager):
    await make_tenant(name="重名科技有限公司")
    await make_tenant(name="重名科技有限公司 ")
    before = await registry_state()
    content = xls(
        {
            "Sheet1": [
                CNIPA_WIDE_HEADERS,
                [
                    "发明申请",
                    "一种装置",
                    "公开",
                    "20170118",
                    "",
                    "2017.01.18",
                    "CN" + patent(2016, 1),
                    "2016.08.29",
                    "园区外的研究所 ; 张某",
                    "张某",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "实用新型",
                    "一种结构",
                    "授权",
                    "20160629",
                    "",
                    "2016.06.29",
                    "CN" + patent(2015, 2),
                    "2015.12.08",
                    "重名科技有限公司",
                    "李某",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        }
    )
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    assert report.status == "invalid"
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors] == [
        ("Sheet1", 2, "I", "owner_not_found"),
        ("Sheet1", 3, "I", "owner_ambiguous"),
    ]
    assert "园区外的研究所" in report.errors[0]["message"] and "张某" in report.errors[0]["message"]
    assert "several tenants match" in report.errors[1]["message"]
    await assert_only_the_batch_recorded(before)


async def test_registration_list_without_industry_or_status_imports_with_defaults_said_once(manager):
    a, b, c, d = new_uscc(), new_uscc(), new_uscc(), new_uscc()
    rows = [
        [REGISTRATION_TITLE],
        REGISTRATION_HEADERS,
        [
            1,
            "示例甲科技有限公司",
            a,
            "张三",
            "500万元",
            "2014-05-06",
            "2016-03-01",
            "存续",
            "0731-1234567",
            "否",
            None,
            "软件和信息技术服务业",
        ],
        [
            2,
            "示例乙科技有限公司",
            b,
            "李四",
            "100万元",
            "N/A",
            "2015年10月8日",
            "在业",
            "-",
            "是",
            "2017-06-30",
            "电子信息",
        ],
        [
            3,
            "示例丙科技有限公司",
            c,
            "王五",
            "50万元",
            "2013/3/4",
            "2016-05-01",
            "注销",
            "—",
            "否",
            "2017-01-15",
            "医药制造业",
        ],
        [4, "示例丁科技有限公司", d, "赵六", "80万元", "2015.1.2", "2016-07-01", None, "/", "否", "2017-02-01"],
        [5, "示例戊科技有限公司", "-", "钱七", "30万元", "2016-01-01", "2016-08-01", "存续", "无", "否", None],
        ["填表人：孙八", None, None, None, None, None, None, None, "联系电话：0731-0000000"],
    ]
    report = await run_import(manager, "入驻企业名单.xls", xls({"Sheet1": rows}), dry_run=True)
    # One error, at its cell, naming the field it needs; nothing else stops the file.
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors] == [("Sheet1", 7, "C", "required")]
    assert "统一社会信用代码" in report.errors[0]["message"] and "USCC is required" in report.errors[0]["message"]

    fixed = rows[:6] + rows[7:]
    report = await run_import(manager, "入驻企业名单.xls", xls({"Sheet1": fixed}), dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["tenants"] == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "cleared": 0,
    }  # the footer
    warnings = _codes(report)
    assert "第 5–6 行" in warnings["industry_needs_classification"]["message"]
    assert (warnings["trade_not_an_industry_group"]["column"], warnings["trade_not_an_industry_group"]["value"]) == (
        "L",
        "医药制造业",
    )
    assert "第 5 行" in warnings["trade_not_an_industry_group"]["message"]
    assert "第 3 行" in warnings["status_default_incubating"]["message"]
    assert "第 6 行" in warnings["status_default_left"]["message"]
    assert warnings["note_row"]["row"] == 7
    not_kept = [w for w in report.warnings if w["code"] == "columns_not_kept"]
    assert len(not_kept) == 1 and "法定代表人" in not_kept[0]["value"] and "注册资本" in not_kept[0]["value"]
    assert not [w for w in report.warnings if w["code"] == "unknown_column"]

    stored = {uscc: await tenants.fetch(uscc) for uscc in (a, b, c, d)}
    # 软件和信息技术服务业 (GB/T 4754 division 65) is electronic information; 医药制造业 is in no park group.
    assert [stored[u]["industry"] for u in (a, b, c, d)] == ["electronic_info", "electronic_info", "other", "other"]
    assert [stored[u]["status"] for u in (a, b, c, d)] == ["incubating", "graduated", "left", "left"]
    assert (stored[a]["founded_on"], stored[a]["contact_phone"]) == (date(2014, 5, 6), "0731-1234567")
    assert (stored[b]["founded_on"], stored[b]["contact_phone"], stored[b]["moved_out_on"]) == (
        None,
        None,
        date(2017, 6, 30),
    )


async def test_torch_form_is_read_as_a_reports_sheet_with_its_period_from_the_title(manager):
    tenant = await make_tenant()
    content = xlsx(
        {
            "Sheet1": [
                [TORCH_TITLE],
                ["单位：千元"],
                TORCH_HEADERS,
                [tenant["name"], tenant["uscc"], 1234.5, 100, 0, 25, 5, 2, 300],
                ["合计", None, 1234.5, 100, 0, 25, 5, 2, 300],
            ]
        }
    )
    report = await run_import(manager, "火炬统计.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["reports"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "cleared": 0,
    }  # the total row
    warnings = _codes(report)
    assert warnings["period_from_title"]["value"] == TORCH_TITLE and "2017" in warnings["period_from_title"]["message"]
    assert "reports sheet" in warnings["sheet_kind_by_headers"]["message"]
    stored = (
        await PeriodReport.select()
        .where((PeriodReport.tenant.uscc == tenant["uscc"]) & (PeriodReport.period == "2017"))
        .first()
        .run()
    )
    assert (stored["net_profit"], stored["tax_paid"], stored["exports"], stored["rd_expense"]) == (
        123_450_000,
        10_000_000,
        0,
        30_000_000,
    )
    assert (stored["employees"], stored["rd_staff"], stored["new_graduates"]) == (25, 5, 2)


async def test_a_file_no_sheet_of_which_can_be_placed_is_refused_naming_headers_seen_and_expected(manager):
    content = xlsx({"名单": [["公司", "信用代码号", "营收情况"], ["甲", "x", 1]]})
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "名单.xlsx", content, dry_run=True)
    detail = refused.value.detail
    assert "名单" in detail and "公司, 信用代码号, 营收情况" in detail
    assert "“信用代码号”≈“统一社会信用代码”" in detail
    assert "企业表 / tenants" in detail and "知识产权表 / IP items" in detail and "经营数据表 / reports" in detail


async def test_missing_columns_and_bad_cells_come_in_one_pass(manager):
    owner = await make_tenant()
    content = xlsx(
        {
            "企业": [["企业名称", "状态", "入驻日期"], ["甲", "在孵", "2017-02-30"]],
            "知识产权": [
                ["统一社会信用代码", "知识产权类型", "申请号", "申请日"],
                [owner["uscc"], "发明专利", patent(), "2017-13-01"],
            ],
        }
    )
    report = await run_import(manager, "两处问题.xlsx", content, dry_run=True)
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors} == {
        ("企业", 1, None, "missing_column"),
        ("企业", 2, "C", "date_format"),
        ("知识产权", 1, None, "missing_column"),
        ("知识产权", 2, "D", "date_format"),
    }
    missing = {e["sheet"]: e["message"] for e in report.errors if e["code"] == "missing_column"}
    assert "统一社会信用代码" in missing["企业"] and "名称" in missing["知识产权"]


async def test_a_text_file_in_an_unreadable_encoding_is_refused_at_its_first_bad_byte(manager):
    content = "统一社会信用代码,企业名称\n".encode() + new_uscc().encode() + b",\xff\xfe\n"
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "企业.csv", content, dry_run=True)
    assert "line 2, column 20" in refused.value.detail and "第 2 行第 20 个字符" in refused.value.detail


async def test_template_headers_still_import_and_placeholders_read_as_empty(manager):
    uscc = new_uscc()
    content = csv_bytes(
        [
            ["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期", "联系电话", "网址"],
            [uscc, "占位符企业", "电子信息", "在孵", "—", "N/A", "/"],
        ],
        encoding="gb18030",
    )
    report = await run_import(manager, "企业.csv", content, dry_run=False)
    assert report.status == "applied", report.errors
    stored = await tenants.fetch(uscc)
    assert (stored["moved_in_on"], stored["contact_phone"], stored["website"]) == (None, None, None)
    assert not report.warnings


async def test_a_qichacha_export_is_refused_for_its_missing_uscc_alone(manager):
    content = xls(
        {
            QICHACHA_SHEET: [
                QICHACHA_HEADERS,
                [
                    "示例科技有限公司",
                    "张某",
                    "500万元人民币",
                    "2016-07-25",
                    "a@example.com",
                    "0755-0000000",
                    "0755-0000000-2017",
                    "深圳市",
                ],
            ]
        }
    )
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "公司信息.xls", content, dry_run=True)
    tenants_part = refused.value.detail.split("企业表 / tenants: ")[1].split(";")[0]
    # What to add, and nothing to rename: every other column is known (kept or knowingly passed over).
    assert tenants_part == "缺 / lacks 统一社会信用代码 (USCC)"
    assert "≈" not in refused.value.detail.split("知识产权表")[0]


async def test_a_qichacha_export_given_a_uscc_column_imports_its_email_and_passes_over_the_rest(manager):
    a, b = new_uscc(), new_uscc()
    rows = [
        ["统一社会信用代码", *QICHACHA_HEADERS],
        [
            a,
            "示例甲科技有限公司",
            "张某",
            "500万元人民币",
            "2016-07-25",
            "info@example.com",
            "0755-0000000",
            "0755-0000000-2017,0755-0000001-2015",
            "深圳市南山区",
        ],
        ["-", "-", "-", "-", "-", "-", "-", "", "-"],  # the export's row for a company it found nothing on
        [b, "示例乙科技有限公司", "李某", "-", "2015-03-24", "-", "-", "", "深圳市福田区"],
    ]
    report = await run_import(manager, "公司信息.xls", xls({QICHACHA_SHEET: rows}), dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["tenants"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    warnings = report.warnings
    assert [w["value"] for w in warnings if w["code"] == "columns_not_kept"] == [
        "公司法人 (C), 注册资金 (D), 更多电话 (H), 公司地址 (I)"
    ]
    assert not [w for w in warnings if w["code"] == "unknown_column"]
    first, second = await tenants.fetch(a), await tenants.fetch(b)
    assert (first["contact_email"], first["contact_phone"], first["founded_on"]) == (
        "info@example.com",
        "0755-0000000",
        date(2016, 7, 25),
    )
    assert (second["contact_email"], second["contact_phone"]) == (None, None)


async def test_the_torch_enterprise_form_row_per_tenant_reads_its_account_as_the_uscc(manager):
    tenant = await make_tenant()
    row = [
        tenant["uscc"],
        tenant["name"],
        "2015-03-01",
        1000,
        "2016-01-01",
        120,
        "有限责任公司",
        "电子信息",
        "一般纳税人",
        5000,
        300,
        0,
        450,
        200,
    ]
    content = xlsx({"Sheet1": [["2017年度在孵企业统计"], TORCH_TENANT_HEADERS, row]})
    report = await run_import(manager, "火炬统计.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["reports"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    warnings = {w["code"]: w["value"] for w in report.warnings}
    # The form's particulars, units and all, in one line; the tenant's own columns said to belong elsewhere.
    assert warnings["columns_not_kept"] == (
        "企业成立时注册资本(千元) (D), 占用孵化器场地面积(平方米) (F), 企业登记注册类型 (G), 企业所属技术领域 (H), "
        "企业纳税人类型 (I)"
    )
    assert warnings["columns_of_another_sheet"] == "企业名称 (B), 企业成立时间 (C), 企业入驻时间 (E)"
    assert "unknown_column" not in warnings
    stored = (
        await PeriodReport.select()
        .where((PeriodReport.tenant.uscc == tenant["uscc"]) & (PeriodReport.period == "2017"))
        .first()
        .run()
    )
    assert (stored["total_income"], stored["net_profit"], stored["rd_expense"], stored["tax_paid"]) == (
        500_000_000,
        30_000_000,
        45_000_000,
        20_000_000,
    )


async def test_a_column_the_registry_does_not_keep_is_known_with_its_unit_too(manager):
    uscc = new_uscc()
    content = xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "注册资本（万元）", "注册资金(万元)", "法定代表人"],
                [uscc, "示例资本有限公司", 500, 300, "张某"],
            ]
        }
    )
    report = await run_import(manager, "企业.xlsx", content, dry_run=True)
    assert report.status == "dry_run", report.errors
    warnings = {w["code"]: w["value"] for w in report.warnings}
    assert warnings["columns_not_kept"] == "注册资本（万元） (C), 注册资金(万元) (D), 法定代表人 (E)"
    assert "unknown_column" not in warnings
