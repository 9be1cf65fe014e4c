"""Values as they come (SPEC §4, files as parks really have them): numbers Excel altered, CNIPA's
numbers in its data services' forms or without their check character, trades of the national
industry classification, utility models and designs listed with no status, markup in titles, a
registration list's business states, and text files in an encoding the importer cannot read — each in
the layout of the real file it comes in (tests/importers/real_layouts.py)."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest

from importers import ImportRefused, run_import
from registry.ip_clock import expires_on
from registry.ip_numbers import cnipa_check_char
from registry.services import tenants
from registry.tables import IPItem
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, csv_bytes, patent, registry_state, xls, xlsx
from tests.importers.real_layouts import CNIPA_HEADERS, REGISTRATION_HEADERS, REGISTRATION_TITLE

TENANT_HEADERS = ["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期"]
# 8-digit numbers no other test uses: 1996 utility models (check character since 1989), 1987 inventions.
_eight_digit = count(52_000)


def _warnings(report, code: str) -> list[dict]:
    return [w for w in report.warnings if w["code"] == code]


def _errors(report) -> list[tuple]:
    return [(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors]


async def _item(number: str) -> dict:
    return (
        await IPItem.select(
            IPItem.tenant.uscc.as_alias("uscc"),
            IPItem.kind,
            IPItem.number,
            IPItem.title,
            IPItem.status,
            IPItem.granted_on,
            IPItem.expires_on,
        )
        .where(IPItem.number == number)
        .first()
        .run()
    )


def _cnipa_row(kind: str, title: str, status: str, number: str, filed: str, owner: str, announced: str = "") -> list:
    return [kind, title, status, "", announced, number, filed, owner, "张某"]


# 1. Numbers as they come ---------------------------------------------------------------------------


async def test_numbers_excel_turned_into_scientific_notation_are_refused_saying_so(manager):
    owner = await make_tenant(name="科学计数示例科技有限公司")
    fine = patent(2017, 1)
    # A CNIPA export opened in Excel and saved as CSV: the long numbers are what Excel showed.
    content = csv_bytes(
        [
            CNIPA_HEADERS,
            _cnipa_row("发明申请", "一种装置", "实质审查的生效", "2.0121E+12", "2017.12.29", owner["name"]),
            _cnipa_row("发明申请", "一种方法", "实质审查的生效", fine, "2017.03.01", owner["name"]),
            _cnipa_row("实用新型", "一种结构", "", "2.01721E+12", "2017.05.02", owner["name"]),
        ]
    )
    before = await registry_state()
    report = await run_import(manager, "专利.csv", content, dry_run=False)
    assert report.status == "invalid"
    assert _errors(report) == [("专利", 2, "F", "excel_scientific"), ("专利", 4, "F", "excel_scientific")]
    message = report.errors[0]["message"]
    assert report.errors[0]["value"] == "2.0121E+12"
    assert "Excel" in message and "“文本”格式" in message and "format the column as Text" in message
    await assert_only_the_batch_recorded(before)


async def test_number_cells_whose_digits_excel_lost_are_refused_and_whole_ones_read(manager):
    owner = await make_tenant(name="数字单元格示例科技有限公司")
    whole = next(n for n in iter(lambda: patent(2016, 1), None) if not n.endswith("X"))
    # 13 digits: Excel holds them all as a number, though it shows 2.01611E+12
    uscc = new_uscc()
    content = xlsx(
        {
            "企业": [
                TENANT_HEADERS,
                [float(int("9" + uscc[1:8] + "1234567890")), "长号码企业", "其他", "在孵", None],
                [uscc, "文本号码企业", "其他", "在孵", None],
            ],
            "知识产权": [
                CNIPA_HEADERS,
                _cnipa_row("发明申请", "一种装置", "实质审查的生效", 2012100000000.0, "2017.12.29", owner["name"]),
                _cnipa_row(
                    "发明申请", "一种方法", "实质审查的生效", int(whole.replace(".", "")), "2016.03.01", owner["name"]
                ),
            ],
        }
    )
    report = await run_import(manager, "号码.xlsx", content, dry_run=True)
    assert _errors(report) == [("企业", 2, "A", "excel_scientific"), ("知识产权", 2, "F", "excel_scientific")]
    assert report.errors[1]["value"] == "2012100000000"  # the cell as it holds the number
    assert "2.0121E+12" in report.errors[1]["message"]  # as Excel shows it

    fixed = xlsx(
        {
            "知识产权": [
                CNIPA_HEADERS,
                _cnipa_row(
                    "发明申请", "一种方法", "实质审查的生效", int(whole.replace(".", "")), "2016.03.01", owner["name"]
                ),
            ]
        }
    )
    report = await run_import(manager, "号码.xlsx", fixed, dry_run=False)
    assert report.status == "applied", report.errors
    assert (await _item(whole))["uscc"] == owner["uscc"]


async def test_cnipa_data_service_forms_and_numbers_without_check_characters_are_read(manager):
    owner = await make_tenant(name="校验位示例科技有限公司")
    docdb, colons, bare = patent(2017, 1), patent(2018, 1), patent(2019, 2)
    nineties = f"962{next(_eight_digit):05d}"  # a 1996 utility model, written without its check character
    early = f"871{next(_eight_digit):05d}"  # filed 1987: no check character then, none now
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                _cnipa_row(
                    "发明申请", "一种装置", "实质审查的生效", "CN" + docdb[:12] + "A", "2017.10.13", owner["name"]
                ),
                _cnipa_row(
                    "发明申请", "一种方法", "实质审查的生效", f"CN:{colons[:12]}:A", "2018.01.05", owner["name"]
                ),
                _cnipa_row("实用新型", "一种结构", "授权", bare[:12], "2019.02.01", owner["name"], "2019.09.10"),
                _cnipa_row("", "一种老结构", "期限届满", nineties, "1996.04.02", owner["name"], "1997.01.08"),
                _cnipa_row("发明申请", "一种早年的方法", "期限届满", "CN" + early, "1987.06.01", owner["name"]),
                _cnipa_row(
                    "发明申请",
                    "一种完整号码的方法",
                    "实质审查的生效",
                    "CN" + patent(2016, 1),
                    "2016.05.05",
                    owner["name"],
                ),
            ]
        }
    )
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["ip"]["created"] == 6

    checked_nineties = f"{nineties}.{cnipa_check_char(nineties)}"
    for number in (docdb, colons, bare, checked_nineties, early):
        assert (await _item(number))["uscc"] == owner["uscc"], number
    assert (await _item(bare))["kind"] == "utility_model"
    assert (await _item(checked_nineties))["kind"] == "utility_model"  # its kind from its type digit
    (computed,) = _warnings(report, "ip_number_check_computed")
    assert (computed["row"], computed["column"], computed["value"]) == (2, "F", None)
    assert "第 2–5 行" in computed["message"] and "(4 rows: 2–5)" in computed["message"]

    again = await run_import(manager, "专利.xls", content, dry_run=False)
    assert again.sheets["ip"] == {"created": 0, "updated": 0, "unchanged": 6, "skipped": 0, "cleared": 0}, again.errors


# 2. Industries named by the national classification --------------------------------------------------


async def test_trades_of_the_national_classification_map_to_the_park_groups_the_rest_listed_once(manager):
    stored = await make_tenant(industry="new_materials")
    new = [new_uscc() for _ in range(8)]
    trades = [
        "软件和信息技术服务业",
        "C36",
        "铁路、船舶、航空航天和其他运输设备制造业",
        "计算机、通信和其他电子设备制造业（39）",
        "研究和试验发展",
        "医药制造业",
        "专用设备制造业",
        "医药制造业",
    ]
    rows = [[REGISTRATION_TITLE], REGISTRATION_HEADERS]
    rows += [
        [
            n + 1,
            f"示例行业{n}科技有限公司",
            uscc,
            "张某",
            "100万元",
            "2015-01-01",
            "2016-01-01",
            "存续",
            None,
            "否",
            None,
            trade,
        ]
        for n, (uscc, trade) in enumerate(zip(new, trades, strict=True))
    ]
    rows.append(
        [9, stored["name"], stored["uscc"], "李某", "100万元", None, None, "存续", None, "否", None, "专用设备制造业"]
    )
    report = await run_import(manager, "入驻企业名单.xls", xls({"Sheet1": rows}), dry_run=False)
    assert report.status == "applied", report.errors

    groups = [(await tenants.fetch(uscc))["industry"] for uscc in new]
    assert groups == [
        "electronic_info",
        "automotive_nev",
        "rail_aviation",
        "electronic_info",
        "modern_services",
        "other",
        "other",
        "other",
    ]
    # The park's own classification of a stored tenant stands against a trade no group takes.
    assert (await tenants.fetch(stored["uscc"]))["industry"] == "new_materials"
    (unplaced,) = _warnings(report, "trade_not_an_industry_group")
    assert (unplaced["column"], unplaced["value"]) == ("L", "医药制造业, 专用设备制造业")
    assert "医药制造业、专用设备制造业" in unplaced["message"] and "(4 rows: 8–11)" in unplaced["message"]


async def test_the_park_industry_column_written_in_the_national_classification(manager):
    usccs = [new_uscc() for _ in range(6)]
    written = ["汽车制造业", "C37", "通用设备制造业", "医药制造业", "其他", "通用设备制造业"]
    content = xlsx(
        {
            "企业": [
                TENANT_HEADERS,
                *[
                    [uscc, f"产业示例{n}", industry, "在孵", None]
                    for n, (uscc, industry) in enumerate(zip(usccs, written, strict=True))
                ],
            ]
        }
    )
    report = await run_import(manager, "企业.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert [(await tenants.fetch(u))["industry"] for u in usccs] == [
        "automotive_nev",
        "rail_aviation",
        "other",
        "other",
        "other",
        "other",
    ]
    (outside,) = _warnings(report, "industry_outside_park_groups")
    assert (outside["column"], outside["value"]) == ("C", "通用设备制造业, 医药制造业")
    assert "第 4–5, 7 行" in outside["message"]  # not row 6: 其他 is the park's own word
    assert not _warnings(report, "industry_needs_classification")


# 3. Statuses and titles ----------------------------------------------------------------------------------


async def test_utility_models_and_designs_with_no_status_are_granted_valid_or_expired_never_pending(manager):
    owner = await make_tenant(name="实用新型示例科技有限公司")
    year = date.today().year
    recent_um, old_um, recent_design, old_design, silent_um, invention = (
        patent(year - 2, 2),
        patent(2005, 2),
        patent(2022, 3),
        patent(2012, 3),
        patent(year - 3, 2),
        patent(year - 1, 1),
    )
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                _cnipa_row(
                    "实用新型", "一种近年的结构", "", recent_um, f"{year - 2}.01.10", owner["name"], f"{year - 1}.03.05"
                ),
                _cnipa_row("实用新型", "一种早年的结构", "", old_um, "2005.03.01", owner["name"], "2006.01.11"),
                _cnipa_row("外观设计", "近年的外壳", "", recent_design, "2022.01.04", owner["name"], "2022.06.07"),
                _cnipa_row("外观设计", "早年的外壳", "", old_design, "2012.12.31", owner["name"], "2013.07.17"),
                _cnipa_row(
                    "实用新型",
                    "一种转让的结构",
                    "著录事项变更",
                    silent_um,
                    f"{year - 3}.05.06",
                    owner["name"],
                    f"{year - 2}.02.02",
                ),
                _cnipa_row("发明申请", "一种在审的方法", "", invention, f"{year - 1}.02.02", owner["name"]),
            ]
        }
    )
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    assert report.status == "applied", report.errors

    statuses = {
        number: (await _item(number))["status"]
        for number in (recent_um, old_um, recent_design, old_design, silent_um, invention)
    }
    assert statuses == {
        recent_um: "valid",
        old_um: "expired",
        recent_design: "valid",
        old_design: "expired",
        silent_um: "valid",
        invention: "pending",
    }
    design = await _item(recent_design)
    # A design filed since 1 June 2021 has fifteen years (registry.ip_clock).
    assert design["expires_on"] == expires_on("design", date(2022, 1, 4), date(2022, 6, 7)) == date(2037, 1, 3)
    (valid,) = _warnings(report, "ip_status_granted_valid")
    (expired,) = _warnings(report, "ip_status_granted_expired")
    assert "第 2, 4, 6 行" in valid["message"] and "CNIPA publishes them only when granted" in valid["message"]
    assert "第 3, 5 行" in expired["message"] and "国家知识产权局只在授权时公布" in expired["message"]
    assert "第 7 行" in _warnings(report, "ip_status_from_dates_pending")[0]["message"]


async def test_a_utility_model_with_neither_status_nor_grant_date_is_asked_for_its_grant_date(manager):
    owner = await make_tenant(name="无授权日示例科技有限公司")
    year = date.today().year
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                _cnipa_row("实用新型", "一种结构", "", patent(year - 1, 2), f"{year - 1}.01.02", owner["name"]),
            ]
        }
    )
    before = await registry_state()
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    # Granted, so valid within its term; a valid item needs the day it was granted.
    assert _errors(report) == [("Sheet1", 1, None, "missing_column")]
    assert "Granted on column is missing" in report.errors[0]["message"]
    assert _warnings(report, "ip_status_granted_valid")
    await assert_only_the_batch_recorded(before)


async def test_markup_in_titles_is_reduced_to_plain_text(manager):
    owner = await make_tenant(name="标题示例科技有限公司")
    numbers = [patent(2017, 1) for _ in range(4)]
    titles = [
        "一种CO<Sub>2</Sub>捕集装置",
        "一种Fe<sub>3</sub>O<sub>4</sub>@SiO<SUP>2</SUP>复合材料",
        "<i>In situ</i>检测方法",
        "一种粒径&lt;5μm&amp;纯度&gt;99%的粉体",
    ]
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                *[
                    _cnipa_row("发明申请", title, "实质审查的生效", "CN" + number, "2017.03.01", owner["name"])
                    for title, number in zip(titles, numbers, strict=True)
                ],
            ]
        }
    )
    report = await run_import(manager, "专利.xls", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert [(await _item(n))["title"] for n in numbers] == [
        "一种CO2捕集装置",
        "一种Fe3O4@SiO2复合材料",
        "In situ检测方法",
        "一种粒径<5μm&纯度>99%的粉体",
    ]


async def test_registration_states_read_as_incubating_or_left(manager):
    graduated = await make_tenant(status="graduated")
    revoked = await make_tenant(status="incubating")
    states = ["在业", "存续", "开业", "注销", "吊销"]
    new = [new_uscc() for _ in states]
    rows = [REGISTRATION_HEADERS]
    rows += [
        [
            n + 1,
            f"示例状态{n}科技有限公司",
            uscc,
            "张某",
            "100万元",
            "2015-01-01",
            "2016-01-01",
            state,
            None,
            "否",
            None,
            "软件和信息技术服务业",
        ]
        for n, (uscc, state) in enumerate(zip(new, states, strict=True))
    ]
    rows += [
        [6, graduated["name"], graduated["uscc"], "李某", None, None, None, "存续", None, None, None, None],
        [7, revoked["name"], revoked["uscc"], "王某", None, None, None, "吊销", None, None, None, None],
    ]
    report = await run_import(manager, "名单.xls", xls({"Sheet1": rows}), dry_run=False)
    assert report.status == "applied", report.errors
    assert [(await tenants.fetch(u))["status"] for u in new] == ["incubating"] * 3 + ["left"] * 2
    # 存续 says the company trades, not where it stands in the park: a stored tenant keeps its status.
    assert (await tenants.fetch(graduated["uscc"]))["status"] == "graduated"
    assert (await tenants.fetch(revoked["uscc"]))["status"] == "left"
    assert "第 2–4 行" in _warnings(report, "status_default_incubating")[0]["message"]


# 4. Text files in an encoding the importer cannot read -----------------------------------------------


async def test_a_text_file_in_an_unreadable_encoding_is_refused_with_what_was_tried_and_how_to_save_it(manager):
    good = csv_bytes(
        [TENANT_HEADERS, [new_uscc(), "湖南示例科技有限公司", "电子信息", "在孵", "2016-01-04"]], "gb18030"
    )
    content = good + b"\xff\xff,x\r\n"  # a third line no encoding reads
    before = await registry_state()
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "企业名单.csv", content, dry_run=False)
    assert (refused.value.status, refused.value.code) == (415, "not_a_spreadsheet")
    detail = refused.value.detail
    assert "第 3 行第 1 个字符" in detail and "line 3, column 1" in detail and "0xFF" in detail
    assert "已尝试 UTF-8、GB18030" in detail and "encodings tried (UTF-8, GB18030" in detail
    assert "CSV UTF-8（逗号分隔）" in detail and "Save As “CSV UTF-8 (Comma delimited) (*.csv)”" in detail
    assert await registry_state() == before  # refused before a batch is opened

    bom = b"\xef\xbb\xbf" + "统一社会信用代码,企业名称\n".encode() + "甲".encode("gb18030") + b"\n"
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "企业名单.csv", bom, dry_run=True)
    assert "UTF-8, as its byte order mark says" in refused.value.detail
    assert "line 2, column 1" in refused.value.detail


async def test_a_graduation_date_column_is_read_and_a_new_graduate_needs_no_status(manager):
    """毕业日期 (or 毕业认定日期, graduation date) is the day a tenant graduated; a new tenant with one
    and no status is a graduate. 毕业时间 stays the day it left, as district lists write it."""
    stays, moved = new_uscc(), new_uscc()
    rows = [
        ["统一社会信用代码", "企业名称", "产业类别", "入驻日期", "毕业认定日期", "毕业时间"],
        [stays, "毕业留园企业", "其他", "2015-11-01", "2017年3月31日", None],
        [moved, "毕业迁出企业", "其他", "2015-11-01", "2016/12/20", "2017-06-30"],
    ]
    report = await run_import(manager, "毕业企业.xlsx", xlsx({"企业": rows}), dry_run=False)
    assert report.status == "applied", report.errors
    first, second = await tenants.fetch(stays), await tenants.fetch(moved)
    assert (first["status"], first["graduated_on"], first["moved_out_on"]) == ("graduated", date(2017, 3, 31), None)
    assert (second["status"], second["graduated_on"], second["moved_out_on"]) == (
        "graduated",
        date(2016, 12, 20),
        date(2017, 6, 30),
    )
