"""Files as managers get them — title rows, merged cells, odd headers, every date and number form,
CSV in GB18030, old .xls — import to exactly the values a careful clerk would type."""

from __future__ import annotations

from datetime import date

from importers import run_import
from registry.ip_clock import expires_on
from registry.services import tenants
from registry.tables import IPItem, PeriodReport
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, csv_bytes, patent, registry_state, xls, xlsx

TENANT_HEADERS = ["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期"]
IP_HEADERS = ["统一社会信用代码", "知识产权类型", "申请号/登记号", "名称", "申请日", "授权日", "法律状态"]


async def _ip(number: str) -> dict:
    return (
        await IPItem.select(
            IPItem.tenant.uscc.as_alias("uscc"),
            IPItem.kind,
            IPItem.number,
            IPItem.title,
            IPItem.filed_on,
            IPItem.granted_on,
            IPItem.status,
            IPItem.expires_on,
        )
        .where(IPItem.number == number)
        .first()
        .run()
    )


async def _report(uscc: str, period: str) -> dict:
    return (
        await PeriodReport.select()
        .where((PeriodReport.tenant.uscc == uscc) & (PeriodReport.period == period))
        .first()
        .run()
    )


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


async def test_messy_workbook_with_title_rows_merged_cells_and_odd_headers_imports_exactly(manager):
    a, b = new_uscc(), new_uscc()
    invention, utility = patent(2016, 1), patent(2015, 2)
    content = xlsx(
        {
            "企业": [
                ["2017年动力谷自主创新园入驻企业名单"],
                [],
                ["  统一社会 信用代码 ", "企业名称*", "ＩＮＤＵＳＴＲＹ", "状 态", "入驻日期", "备注"],
                [a.lower(), "示例企业甲", "电子信息", "在孵", "2017/3/5", "first"],
                [f"  {b} ", "示例企业乙", "New materials", "graduated", "2017年3月5日", None],
            ],
            " IP ": [
                ["知识产权清单", None, None, None, None, None, None],
                ["信用代码", "类型", "申请号", "专利名称", "申请日期", "授权日期", "法律状态"],
                [a, "发明专利", "CN " + _spaced(invention), "一种装置", date(2016, 1, 5), "2017.3.5", "有效"],
                [b, "utility_model", "ZL" + utility, "一种结构", "2015-06-01", None, "申请中"],
            ],
            "经营数据": [
                ["单位：万元"],
                [
                    "统一社会信用代码",
                    "报告期",
                    "营业收入（万元）",
                    "净利润(千元)",
                    "出口总额(元)",
                    "研发经费支出",
                    "从业人员(人)",
                ],
                [a, "2016", 1234.56, "-1,234.5", "１２３４５.６７", 10, "25"],
                [a, "2017年上半年", "3,600", 0.1, 0, "", 30],
                [None, "合计", 4834.56, None, None, 10, 55],
                [],
                ["注：本表由园区管理办公室汇总"],
            ],
        },
        merges={"企业": ["A1:F1"], " IP ": ["A1:G1"]},
    )
    report = await run_import(manager, "园区企业.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets == {
        "tenants": {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0},
        "ip": {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0},
        "reports": {"created": 2, "updated": 0, "unchanged": 0, "skipped": 2, "cleared": 0},  # the total and the note
        "fees": {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0},
    }
    warnings = {(w["sheet"], w["row"], w["column"], w["code"]) for w in report.warnings}
    assert ("企业", 3, "F", "unknown_column") in warnings
    assert ("经营数据", None, None, "sheet_unit") in warnings
    assert {("经营数据", 5, None, "total_row"), ("经营数据", 7, None, "note_row")} <= warnings

    first = await tenants.fetch(a)
    assert (first["name"], first["industry"], first["status"]) == ("示例企业甲", "electronic_info", "incubating")
    assert first["moved_in_on"] == date(2017, 3, 5) and first["platform_level"] == "none"
    second = await tenants.fetch(b)
    assert (second["industry"], second["status"], second["moved_in_on"]) == (
        "new_materials",
        "graduated",
        date(2017, 3, 5),
    )

    item = await _ip(invention)
    assert item == {
        "uscc": a,
        "kind": "invention",
        "number": invention,
        "title": "一种装置",
        "filed_on": date(2016, 1, 5),
        "granted_on": date(2017, 3, 5),
        "status": "valid",
        "expires_on": expires_on("invention", date(2016, 1, 5), date(2017, 3, 5)),
    }
    assert (await _ip(utility))["status"] == "pending"

    year = await _report(a, "2016")
    assert year["revenue"] == 1234_5600_00  # 1234.56 万元 in fen
    assert year["net_profit"] == -1_234_500_00  # -1,234.5 千元
    assert year["exports"] == 12_345_67  # 12345.67 元 in full-width digits
    assert year["rd_expense"] == 10_0000_00  # 10, in the 万元 the note above the header states
    assert year["employees"] == 25 and year["year"] == 2016
    half = await _report(a, "2017H1")
    assert (half["revenue"], half["net_profit"], half["exports"], half["rd_expense"], half["employees"]) == (
        3600_0000_00,
        100_00,
        0,
        None,
        30,
    )


async def test_the_same_file_imported_twice_changes_nothing_the_second_time(manager):
    uscc, number = new_uscc(), patent()
    content = xlsx(
        {
            "企业": [TENANT_HEADERS, [uscc, "重复导入", "其他", "在孵", "2016-05-01"]],
            "知识产权": [IP_HEADERS, [uscc, "发明专利", number, "一种方法", "2016-01-01", None, "申请中"]],
            "经营数据": [["统一社会信用代码", "报告期", "营业收入(元)"], [uscc, "2016Q1", "100.10"]],
        }
    )
    first = await run_import(manager, "a.xlsx", content, dry_run=False)
    assert first.status == "applied"
    before = await registry_state()
    second = await run_import(manager, "a.xlsx", content, dry_run=False)
    assert second.status == "applied"
    assert second.sheets == {
        kind: {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0, "cleared": 0}
        for kind in ("tenants", "ip", "reports")
    } | {"fees": {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}}
    await assert_only_the_batch_recorded(before)


async def test_every_date_form_reads_as_the_same_day(manager):
    forms = [
        date(2017, 3, 5),
        "2017-03-05",
        "2017/3/5",
        "2017.3.5",
        "2017年3月5日",
        "２０１７－０３－０５",
        20170305,
        "20170305",
        42799,
    ]
    rows = [[new_uscc(), f"日期{n}", "其他", "在孵", form] for n, form in enumerate(forms)]
    report = await run_import(manager, "dates.xlsx", xlsx({"Tenants": [TENANT_HEADERS, *rows]}), dry_run=False)
    assert report.status == "applied", report.errors
    for row in rows:
        assert (await tenants.fetch(row[0]))["moved_in_on"] == date(2017, 3, 5), row[4]


async def test_numbers_as_numbers_text_separators_and_full_width_digits_are_exact(manager):
    uscc = (await make_tenant())["uscc"]
    forms = {
        "2016Q1": 1234567.89,
        "2016Q2": "1,234,567.89",
        "2016Q3": "１，２３４，５６７．８９",
        "2016Q4": "¥1,234,567.89",
    }
    rows = [[uscc, period, value, value if isinstance(value, str) else 12] for period, value in forms.items()]
    content = xlsx(
        {
            "Reports": [
                ["USCC", "Period", "Revenue (yuan)", "员工人数"],
                *rows[:3],
                [uscc, "2016Q4", forms["2016Q4"], "１２"],
            ]
        }
    )
    report = await run_import(manager, "numbers.xlsx", content, dry_run=False)
    assert report.status == "invalid"
    # A count written 1,234,567.89 is not a whole number of people: named at its cell.
    assert {(e["row"], e["column"], e["code"]) for e in report.errors} == {
        (3, "D", "count_fraction"),
        (4, "D", "count_fraction"),
    }
    rows = [[uscc, period, value, 12] for period, value in forms.items()]
    content = xlsx({"Reports": [["USCC", "Period", "Revenue (yuan)", "员工人数"], *rows]})
    report = await run_import(manager, "numbers.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    for period in forms:
        stored = await _report(uscc, period)
        assert (stored["revenue"], stored["employees"]) == (1_234_567_89, 12)


async def test_gb18030_csv_is_read_and_its_kind_told_by_its_headers(manager):
    uscc = new_uscc()
    content = csv_bytes(
        [
            TENANT_HEADERS + ["联系人"],
            [uscc, "湖南示例科技有限公司", "轨道交通及通用航空", "在孵", "2016年1月4日", "张三"],
        ],
        "gb18030",
    )
    report = await run_import(manager, "企业名单.csv", content, dry_run=False)
    assert report.status == "applied", report.errors
    row = await tenants.fetch(uscc)
    assert (row["name"], row["industry"], row["contact_name"]) == ("湖南示例科技有限公司", "rail_aviation", "张三")


async def test_utf8_csv_with_bom_and_errors_named_by_the_files_sheet(manager):
    uscc = new_uscc()
    content = b"\xef\xbb\xbf" + csv_bytes([TENANT_HEADERS, [uscc, "BOM 企业", "矿业", "在孵", "2016-01-04"]])
    report = await run_import(manager, "tenants-2017.csv", content, dry_run=True)
    assert report.status == "invalid"
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors] == [
        ("tenants-2017", 2, "C", "not_a_choice")
    ]


async def test_old_excel_xls_with_dates_imports(manager):
    owner = (await make_tenant())["uscc"]
    number = patent(2014, 1)
    content = xls(
        {
            "知识产权": [
                ["2017 知识产权"],
                IP_HEADERS,
                [owner, "发明专利", number, "一种老格式", date(2014, 2, 3), date(2016, 7, 8), "有效"],
            ]
        }
    )
    report = await run_import(manager, "old.xls", content, dry_run=False)
    assert report.status == "applied", report.errors
    item = await _ip(number)
    assert (item["filed_on"], item["granted_on"], item["uscc"]) == (date(2014, 2, 3), date(2016, 7, 8), owner)


async def test_a_sheet_of_any_name_is_taken_by_its_headers_and_other_sheets_ignored(manager):
    uscc = new_uscc()
    content = xlsx({"说明": [["请按模板填写"]], "Sheet1": [TENANT_HEADERS, [uscc, "按表头识别", "其他", "在孵", None]]})
    report = await run_import(manager, "any.xlsx", content, dry_run=False)
    assert report.status == "applied" and report.sheets["tenants"]["created"] == 1
    codes = {(w["sheet"], w["code"]) for w in report.warnings}
    assert {("说明", "sheet_ignored"), ("Sheet1", "sheet_kind_by_headers")} <= codes


async def test_a_partial_sheet_updates_only_its_columns(manager):
    row = await make_tenant(contact_phone="0731-1111")
    content = xlsx({"企业": [["USCC", "联系电话"], [row["uscc"], "0731-2222"]]})
    report = await run_import(manager, "phones.xlsx", content, dry_run=False)
    assert report.sheets["tenants"] == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0, "cleared": 0}
    after = await tenants.fetch(row["uscc"])
    assert after["contact_phone"] == "0731-2222" and after["version"] == row["version"] + 1
    assert {k: v for k, v in after.items() if k not in ("contact_phone", "version")} == {
        k: v for k, v in row.items() if k not in ("contact_phone", "version")
    }


async def test_tenants_in_the_file_may_own_its_ip_and_reports(manager):
    uscc, number = new_uscc(), patent()
    content = xlsx(
        {
            "经营数据": [["信用代码", "报告期", "营业收入"], [uscc, "2017Q1", 5]],
            "知识产权": [IP_HEADERS, [uscc, "发明专利", number, "新企业的专利", "2016-01-01", None, "申请中"]],
            "企业": [TENANT_HEADERS, [uscc, "新来的企业", "新能源", "在孵", "2017-01-02"]],
        }
    )
    report = await run_import(manager, "new.xlsx", content, dry_run=True)
    assert report.status == "dry_run" and not report.errors
    assert all(report.sheets[k]["created"] == 1 for k in ("tenants", "ip", "reports"))
    report = await run_import(manager, "new.xlsx", content, dry_run=False)
    assert report.status == "applied"
    assert (await _ip(number))["uscc"] == uscc and (await _report(uscc, "2017Q1"))["revenue"] == 500
