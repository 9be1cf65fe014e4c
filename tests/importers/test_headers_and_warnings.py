"""Files as parks really have them (SPEC §4), what the importer says of them: a missing column never
hides a cell's error, a warning over many rows tells its groups apart, English and crawler headers are
known and a refusal suggests only headers that are genuinely close, and nothing happens silently —
empty sheets, skipped rows and rows with data only in columns not imported are said and counted."""

from __future__ import annotations

import pytest

from importers import ImportRefused, run_import
from importers.grids import read_grids
from importers.headers import expected_headers, find_layout, nearest_label, spelled_near
from importers.report import Issues
from registry.uscc import SAMPLE_USCC
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, patent, registry_state, xls, xlsx
from tests.importers.real_fixtures import real_file
from tests.importers.real_layouts import CNIPA_HEADERS, PATENTCRAWLER_HEADERS, REGISTRATION_HEADERS, REGISTRATION_TITLE
from tests.importers.test_command import _park_import, _write, database_url  # noqa: F401 (a fixture)


def _errors(report) -> list[tuple]:
    return [(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors]


def _warning(report, code: str) -> dict:
    found = [w for w in report.warnings if w["code"] == code]
    assert len(found) == 1, report.warnings
    return found[0]


def _without_kind(row: list) -> list:
    """A CNIPA export's row without its first column, 专利类型."""
    return row[1:]


def _added_up(counts: dict[str, int]) -> int:
    return counts["created"] + counts["updated"] + counts["unchanged"] + counts["skipped"]


# --- a missing column never hides a cell's error ------------------------------------------------------------


async def test_numbers_whose_kind_cannot_be_told_are_checked_in_the_same_pass_as_the_missing_kind(manager):
    owner = await make_tenant(name="示例号码科技有限公司")
    before = await registry_state()
    rows = [_without_kind(CNIPA_HEADERS)] + [
        ["一种装置", "实质审查的生效", "20170301", "2017.01.25", number, "2016.10.13", owner["name"], "张某"]
        for number in ("20171060186", "CN专利1234", "2017SR123456", "CN" + patent(2016, 1))
    ]
    report = await run_import(manager, "专利.xls", xls({"Sheet1": rows}), dry_run=True)
    assert report.status == "invalid"
    # The two numbers that fit no kind at their cells; the software copyright number fits one, so only the
    # kind it lacks is missing; the invention's number tells its kind.
    assert _errors(report) == [
        ("Sheet1", 1, None, "missing_column"),
        ("Sheet1", 2, "E", "ip_number_format"),
        ("Sheet1", 3, "E", "ip_number_format"),
    ]
    assert (
        "知识产权类型" in report.errors[0]["message"]
        and "3 rows need it, the first is row 2" in report.errors[0]["message"]
    )
    assert "the kind is unknown and the number fits no patent" in report.errors[1]["message"]
    assert report.errors[1]["value"] == "20171060186"
    await assert_only_the_batch_recorded(before)


async def test_an_ip_sheet_without_an_owner_column_still_has_its_numbers_checked(manager):
    good, bad = patent(2016, 1), patent(2016, 1)
    wrong_check = bad[:-1] + str((int(bad[-1]) + 1) % 10) if bad[-1] != "X" else bad[:-1] + "0"
    rows = [
        ["专利类型", "专利名称", "申请号", "申请日"],
        ["发明专利", "一种装置", good, "2016-01-05"],
        ["发明专利", "一种方法", wrong_check, "2016-02-01"],
        ["实用新型", "一种结构", good, "2016-03-01"],
        ["发明专利", "一种工艺", patent(2016, 1), "2016-02-30"],
    ]
    report = await run_import(manager, "专利.xlsx", xlsx({"知识产权": rows}), dry_run=True)
    assert report.status == "invalid"
    assert _errors(report) == [
        ("知识产权", 1, None, "missing_column"),
        ("知识产权", 3, "C", "ip_number_checksum"),
        ("知识产权", 4, "C", "ip_number_kind"),
        ("知识产权", 5, "D", "date_format"),
    ]
    missing = [e for e in report.errors if e["code"] == "missing_column"]
    assert len(missing) == 1 and "统一社会信用代码" in missing[0]["message"]  # said once, for the sheet


async def test_a_row_with_a_bad_number_and_no_owner_column_shows_both_at_once(manager):
    number = patent(2016, 1)
    rows = [
        ["专利类型", "专利名称", "申请号"],
        ["发明专利", "一种装置", number[:-1] + ("0" if number[-1] != "0" else "1")],
    ]
    report = await run_import(manager, "专利.xlsx", xlsx({"知识产权": rows}), dry_run=True)
    assert _errors(report) == [("知识产权", 1, None, "missing_column"), ("知识产权", 2, "C", "ip_number_checksum")]


async def test_a_row_set_aside_for_another_bad_cell_still_has_its_number_checked(manager):
    owner = await make_tenant()
    number = patent(2016, 1)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    rows = [
        ["统一社会信用代码", "知识产权类型", "申请号", "名称", "申请日"],
        [owner["uscc"], "发明专利", wrong, "一种装置", "2016-02-30"],
        [owner["uscc"], "不明类型", "20171060186", "一种方法", "2016-02-01"],
        [owner["uscc"], "实用新型", patent(2016, 2), "一种结构", "2016-02-31"],
    ]
    report = await run_import(manager, "专利.xlsx", xlsx({"知识产权": rows}), dry_run=True)
    assert _errors(report) == [
        ("知识产权", 2, "C", "ip_number_checksum"),
        ("知识产权", 2, "E", "date_format"),
        ("知识产权", 3, "B", "not_a_choice"),
        ("知识产权", 3, "C", "ip_number_format"),
        ("知识产权", 4, "E", "date_format"),
    ]


# --- a warning over many rows tells each group apart --------------------------------------------------------


async def test_the_kind_read_from_numbers_is_told_per_kind_in_one_warning(manager):
    owner = await make_tenant(name="示例分组科技有限公司")
    kinds = [1, 2, 2, 3, 1, 2]
    rows = [_without_kind(CNIPA_HEADERS)] + [
        ["一种装置", "授权", "20170301", "2017.01.25", "CN" + patent(2015, digit), "2015.10.13", owner["name"], "张某"]
        for digit in kinds
    ]
    report = await run_import(manager, "专利.xls", xls({"Sheet1": rows}), dry_run=True)
    assert report.status == "dry_run", report.errors
    warning = _warning(report, "kind_from_number")
    assert (warning["row"], warning["column"]) == (2, "E")
    assert warning["message"] == (
        "未填知识产权类型，按申请号的类型码读取：发明专利 2 行（第 2, 6 行）；实用新型 3 行（第 3–4, 7 行）；外观设计 1 行（第 5 行）"
        "/ no kind given; read from the application number's type digit: Invention patent: 2 rows (2, 6); "
        "Utility model: 3 rows (3–4, 7); Design: 1 rows (5)"
    )


async def test_the_real_cnipa_export_without_its_type_column_tells_its_kinds_apart(manager, empty_registry):
    content = real_file("cnipa-szu-110.xls").read_bytes()
    grid = next(iter(read_grids("xls", "专利.xls", content)))
    rows = [_without_kind(row) for row in grid.rows_from(0)]
    await make_tenant(name="深圳大学")
    report = await run_import(manager, "专利.xls", xls({"Sheet1": rows}), dry_run=True)
    assert report.status == "dry_run", report.errors
    assert report.sheets["ip"] == {"created": 110, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    message = _warning(report, "kind_from_number")["message"]
    assert "Invention patent: 90 rows (2–46, 62–64, 66–70, 74–110)" in message
    assert "Utility model: 16 rows" in message and "Design: 4 rows" in message
    assert "发明专利 90 行" in message and "实用新型 16 行" in message and "外观设计 4 行" in message


def test_rows_of_one_rule_with_different_messages_never_share_one():
    issues = Issues()
    issues.warn_rows("S", 2, "A", None, "rule", "甲", "one")
    issues.warn_rows("S", 3, "A", None, "rule", "乙", "two")
    issues.warn_rows("S", 4, "A", None, "rule", "甲", "one")
    for row in range(5, 1914):
        issues.warn_rows("S", row, "A", None, "many", "多", "many", part=("部分", "part"))
    _, warnings = issues.listed()
    assert [(w.row, w.message) for w in warnings if w.code == "rule"] == [
        (2, "甲（2 行：第 2, 4 行）/ one (2 rows: 2, 4)"),
        (3, "乙（1 行：第 3 行）/ two (1 rows: 3)"),
    ]
    assert [w.message for w in warnings if w.code == "many"] == [
        "多：部分 1,909 行（第 5–1913 行）/ many: part: 1,909 rows (5–1913)"
    ]


# --- English and crawler headers -----------------------------------------------------------------------------

# The English names the issue lists as CNIPA's and common crawlers' (patentee, filing_id, application_no…).
CRAWLER_HEADERS = [
    "title",
    "application_no",
    "filing_date",
    "publication_date",
    "authorized_announcement_date",
    "patentee",
    "ipc",
    "legal_status",
]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("filing_date", "filed_on"),
        ("filing date", "filed_on"),
        ("Filing-Date", "filed_on"),
        ("FILING DATE", "filed_on"),
        ("patentee", "owner_name"),
        ("applicant", "owner_name"),
        ("filing_id", "number"),
        ("application_no", "number"),
        ("Application No.", "number"),
        ("authorized_announcement_date", "granted_on"),
        ("title", "title"),
        ("publication_date", "published_on"),
        ("request_number", "number"),
        ("invention_name", "title"),
        ("proposer", "owner_name"),
        ("legal_status_effective_date", "status_changed_on"),
        ("invention_type", "kind"),
    ],
)
def test_english_and_crawler_headers_fold_case_spaces_underscores_and_hyphens(header, key):
    layout = find_layout([[header, "申请号", "专利名称"]], "ip")
    assert layout is not None and layout.columns[0].field.key == key


async def test_a_crawler_export_in_english_names_imports(manager):
    owner = await make_tenant(name="示例爬虫科技有限公司")
    number = patent(2015, 2)
    rows = [
        CRAWLER_HEADERS,
        ["一种结构", "CN" + number, "2015-12-08", "2016-06-29", "2016-06-29", owner["name"], "G06F 17/30", "授权"],
    ]
    report = await run_import(manager, "patents.xlsx", xlsx({"Sheet1": rows}), dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["ip"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    assert _warning(report, "columns_not_kept")["value"] == "ipc (G)"
    assert not [w for w in report.warnings if w["code"] == "unknown_column"]


async def test_the_patentcrawler_database_columns_import(manager):
    owner = await make_tenant(name="示例数据库科技有限公司")
    number = patent(2016, 1)
    values = {
        "request_number": "CN" + number,
        "request_date": "2016-03-01",
        "publish_number": "CN106000000A",
        "publish_date": "2016-08-10",
        "invention_name": "一种方法",
        "proposer": f"{owner['name']} ; 张某",
        "inventor": "张某",
        "legal_status": "实质审查的生效",
        "legal_status_effective_date": "2016-09-07",
        "ipc_class_number": "G06F",
        "invention_type": "发明申请",
    }
    rows = [PATENTCRAWLER_HEADERS, [values[header] for header in PATENTCRAWLER_HEADERS]]
    report = await run_import(manager, "patents.xlsx", xlsx({"patents": rows}), dry_run=True)
    assert report.status == "dry_run", report.errors
    assert report.sheets["ip"]["created"] == 1
    assert not [w for w in report.warnings if w["code"] == "unknown_column"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("county", "联系人"),
        ("latitude", "名称"),
        ("county", "contact"),
        ("latitude", "title"),
        ("公司", "contact"),
        ("phone", "电话"),
    ],
)
def test_a_header_is_never_near_a_label_of_another_script_or_a_merely_similar_word(text, label):
    assert not spelled_near(text, label)


@pytest.mark.parametrize(
    ("text", "label"),
    [("申请日期", "申请日"), ("信用代码号", "信用代码"), ("filing dat", "filing date"), ("emial", "email")],
)
def test_a_genuinely_close_header_is_near(text, label):
    assert spelled_near(text, label)


def test_a_refusal_suggests_only_genuinely_close_headers():
    said = expected_headers(["county", "latitude", "longitude", "专利申请日", "信用代码号", "Filing Dat"])
    assert "county" not in said and "latitude" not in said and "longitude" not in said
    assert "“专利申请日”≈“申请日”" in said and "“信用代码号”≈“统一社会信用代码”" in said
    assert "“Filing Dat”≈“filing date”" in said
    assert nearest_label("tenants", "county") is None and nearest_label("tenants", "latitude") is None


async def test_a_file_of_place_names_is_refused_without_false_suggestions(manager):
    content = xlsx({"地点": [["county", "latitude", "longitude", "联系"], ["Xiangtan", 27.8, 112.9, "x"]]})
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, "places.xlsx", content, dry_run=True)
    assert "county, latitude, longitude" in refused.value.detail
    assert "“county”" not in refused.value.detail and "“latitude”" not in refused.value.detail


# --- nothing happens silently ---------------------------------------------------------------------------------


async def test_a_sheet_with_headers_and_no_data_rows_says_it_has_nothing_to_import(manager):
    uscc = new_uscc()
    content = xlsx(
        {
            "企业": [["统一社会信用代码", "企业名称", "产业类别", "状态"], [uscc, "示例空表企业", "其他", "在孵"]],
            "知识产权": [["统一社会信用代码", "知识产权类型", "申请号", "名称"], [], [None, None]],
        }
    )
    report = await run_import(manager, "两表.xlsx", content, dry_run=True)
    assert report.status == "dry_run", report.errors
    warning = _warning(report, "sheet_empty")
    assert (warning["sheet"], warning["row"]) == ("知识产权", 1)
    assert "“知识产权”" in warning["message"] and "nothing to import" in warning["message"]
    assert report.sheets["tenants"]["created"] == 1


async def test_a_file_of_only_empty_sheets_is_answered_with_its_warning(manager, api_manager):
    content = xlsx({"企业": [["统一社会信用代码", "企业名称"]], "Sheet2": []})
    report = await run_import(manager, "空.xlsx", content, dry_run=False)
    assert report.status == "applied" and report.errors == []
    assert [(w["sheet"], w["code"]) for w in report.warnings] == [("企业", "sheet_empty")]
    response = await api_manager.post(
        "/imports", params={"dry_run": "true"}, files={"file": ("空.xlsx", content, "application/octet-stream")}
    )
    assert response.status_code == 200, response.text
    assert [w["code"] for w in response.json()["warnings"]] == ["sheet_empty"]
    assert response.json()["sheets"]["tenants"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "cleared": 0,
    }


def test_park_import_of_a_file_with_nothing_to_import_exits_1(tmp_path, database_url):  # noqa: F811
    path = _write(tmp_path, "空.xlsx", xlsx({"企业": [["统一社会信用代码", "企业名称"]]}))
    result = _park_import(database_url, path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[sheet_empty]" in result.stdout and "nothing to import" in result.stderr


async def test_every_data_row_is_counted_created_updated_unchanged_or_skipped(manager):
    a, b, c = new_uscc(), new_uscc(), new_uscc()
    rows = [
        [REGISTRATION_TITLE],
        REGISTRATION_HEADERS,
        [1, "示例甲科技有限公司", a, "张三", "500万元", "2014-05-06", "2016-03-01", "存续", None, "否", None, None],
        [2, "示例丙科技有限公司", c, "李四", None, None, None, None, None, None, None, None],
        [3, None, None, "王五", "50万元", None, None, None, None, None, None, None],  # kept nowhere: 序号, 法人, 资本
        [4, "示例样例企业", SAMPLE_USCC, None, None, None, None, None, None, None, None, None],
        [5, "示例乙科技有限公司", b, None, None, "2015.1.2", None, None, None, None, None, None],
        [6, None, None, None, None, None, None, None, None, None, None, None],  # a numbered empty line
        ["合计", None, None, None, "550万元", None, None, None, None, None, None, None],
        ["填表人：孙八", None, None, None, None, None, None, None, "联系电话：0731-0000000"],
    ]
    content = xls({"Sheet1": rows})
    report = await run_import(manager, "入驻企业名单.xls", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert report.sheets["tenants"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 5, "cleared": 0}
    assert _added_up(report.sheets["tenants"]) == len(rows) - 2  # every row below the header
    again = await run_import(manager, "入驻企业名单.xls", content, dry_run=True)
    assert again.sheets["tenants"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 5, "cleared": 0}
    assert _added_up(again.sheets["tenants"]) == len(rows) - 2
    not_imported = _warning(report, "row_not_imported")
    assert not_imported["row"] == 5 and "（2 行：第 5, 8 行）" in not_imported["message"]
    assert "data only in columns the registry does not import" in not_imported["message"]
    assert {w["code"] for w in report.warnings} >= {"sample_row", "total_row", "note_row"}


@pytest.fixture
async def api_manager(as_role):
    return await as_role("manager")
