"""Every problem of a file named at once, at its cell, in Chinese with the English beside —
and nothing written, ever, while one remains."""

from __future__ import annotations

import io
import re

import msgspec
import pytest
from openpyxl import load_workbook

from importers import errors_workbook, get_batch, run_import
from registry.actor import SYSTEM, Actor
from registry.errors import Forbidden, NotFound
from registry.services.closed_years import close_year, reopen_year
from registry.tables import IPItem
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, csv_bytes, patent, registry_state, xlsx
from tests.importers.test_messy_files import IP_HEADERS, TENANT_HEADERS

CLOSED = 2003


@pytest.fixture
async def closed_year():
    await close_year(SYSTEM, CLOSED)
    yield CLOSED
    await reopen_year(SYSTEM, CLOSED)


async def _bad_file(closed_year: int) -> tuple[bytes, dict]:
    known = await make_tenant()
    other = await make_tenant()
    taken = patent()
    await run_import(
        Actor("setup", "admin"),
        "setup.xlsx",
        xlsx({"IP": [IP_HEADERS, [other["uscc"], "发明专利", taken, "别人的专利", "2016-01-01", None, "申请中"]]}),
        dry_run=False,
    )
    good, duplicate = new_uscc(), patent()
    bad_uscc = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = xlsx(
        {
            "企业": [
                ["企业名单"],
                TENANT_HEADERS,
                [bad_uscc, "校验位错", "其他", "在孵", "2016-01-01"],  # row 3: A uscc_checksum
                [good, "好企业", "矿业", "在孵", "2016-13-01"],  # row 4: C not_a_choice, E date_format
                [new_uscc(), None, "其他", "在孵", None],  # row 5: B required
            ],
            "知识产权": [
                IP_HEADERS,
                [known["uscc"], "发明专利", "201710601862.4", "校验位错", "2017-01-01", None, "申请中"],  # row 2: C
                [known["uscc"], "发明专利", duplicate, "第一次", "2017-01-01", None, "申请中"],  # row 3 fine
                [known["uscc"], "发明专利", duplicate, "第二次", "2017-01-01", None, "申请中"],  # row 4: C duplicate
                [known["uscc"], "发明专利", taken, "抢别人的", "2017-01-01", None, "申请中"],  # row 5: C owned_by_other
                [new_uscc(), "发明专利", patent(), "无主", "2017-01-01", None, "申请中"],  # row 6: A unknown_tenant
                [known["uscc"], "发明专利", patent(), "有效无授权日", "2017-01-01", None, "有效"],  # row 7: F required
            ],
            "经营数据": [
                ["统一社会信用代码", "报告期", "营业收入(元)", "从业人员"],
                [known["uscc"], str(closed_year), "100", 3],  # row 2: B period_closed
                [known["uscc"], "2016Q5", "100", 3],  # row 3: B period_format
                [known["uscc"], "2016", "0.001", -1],  # row 4: C money_fraction, D count_negative
            ],
        }
    )
    return content, {"other": other, "taken": taken}


EXPECTED = {
    ("企业", 3, "A", "uscc_checksum"),
    ("企业", 4, "C", "not_a_choice"),
    ("企业", 4, "E", "date_format"),
    ("企业", 5, "B", "required"),
    ("知识产权", 2, "C", "ip_number_checksum"),
    ("知识产权", 4, "C", "duplicate_row"),
    ("知识产权", 5, "C", "owned_by_other"),
    ("知识产权", 6, "A", "unknown_tenant"),
    ("知识产权", 7, "F", "required"),
    ("经营数据", 2, "B", "period_closed"),
    ("经营数据", 3, "B", "period_format"),
    ("经营数据", 4, "C", "money_fraction"),
    ("经营数据", 4, "D", "count_negative"),
}


async def test_every_error_is_reported_at_its_cell_and_nothing_is_written(manager, closed_year):
    content, setup = await _bad_file(closed_year)
    before = await registry_state()
    report = await run_import(manager, "bad.xlsx", content, dry_run=False)
    assert report.status == "invalid"
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors} == EXPECTED
    await assert_only_the_batch_recorded(before)
    taken = await IPItem.select(IPItem.tenant.uscc.as_alias("uscc")).where(IPItem.number == setup["taken"]).run()
    assert taken == [{"uscc": setup["other"]["uscc"]}]  # never moved to another tenant

    by_cell = {(e["sheet"], e["row"], e["column"]): e for e in report.errors}
    assert by_cell[("知识产权", 4, "C")]["message"].startswith("与第 3 行重复")
    assert setup["other"]["uscc"] in by_cell[("知识产权", 5, "C")]["message"]
    assert by_cell[("经营数据", 4, "C")]["value"] == "0.001"
    for error in report.errors:  # Chinese, then the English beside it
        chinese, _, english = error["message"].partition("/ ")
        assert re.search("[\u4e00-\u9fff]", chinese) and re.search("[a-z]{3}", english), error


async def test_a_dry_run_of_a_bad_file_reports_the_same_and_writes_nothing(manager, closed_year):
    content, _ = await _bad_file(closed_year)
    before = await registry_state()
    report = await run_import(manager, "bad.xlsx", content, dry_run=True)
    assert report.status == "invalid" and report.dry_run
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in report.errors} == EXPECTED
    await assert_only_the_batch_recorded(before)


async def test_errors_workbook_marks_each_bad_cell_with_fill_and_message(manager, closed_year):
    content, _ = await _bad_file(closed_year)
    report = await run_import(manager, "bad.xlsx", content, dry_run=False)
    book = load_workbook(io.BytesIO(await errors_workbook(manager, report.id)))
    assert book.sheetnames[0] == "导入错误 Errors"
    listed = list(book["导入错误 Errors"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == len(EXPECTED)
    for sheet, row, column, _ in EXPECTED:
        cell = book[sheet][f"{column}{row}"]
        assert cell.fill.fgColor.rgb == "FFFFC7CE", (sheet, row, column)
        assert cell.comment is not None and "/ " in cell.comment.text
    assert book["企业"]["A1"].value == "企业名单"  # the upload itself, not a re-typed copy
    assert book["企业"]["B3"].comment is None


async def test_errors_workbook_of_a_csv_is_an_xlsx_copy_with_marks(manager):
    content = csv_bytes([TENANT_HEADERS, [new_uscc(), '=HYPERLINK("http://x")', "采矿", "在孵", None]])
    report = await run_import(manager, "list.csv", content, dry_run=True)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "C")]
    book = load_workbook(io.BytesIO(await errors_workbook(manager, report.id)))
    sheet = book["list"]
    assert sheet["C2"].comment is not None and sheet["C2"].fill.fgColor.rgb == "FFFFC7CE"
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")  # text, not a formula


async def test_missing_required_column_is_one_error_not_one_per_row(manager):
    owner = (await make_tenant())["uscc"]
    rows = [[owner, "发明专利", patent(), "2016-01-01", "申请中"] for _ in range(5)]
    report = await run_import(
        manager, "ip.xlsx", xlsx({"IP": [["信用代码", "类型", "申请号", "申请日", "状态"], *rows]}), dry_run=True
    )
    assert [(e["row"], e["column"], e["code"]) for e in report.errors] == [(1, None, "missing_column")]
    assert "5" in report.errors[0]["message"]


async def test_batches_are_recorded_and_only_managers_and_admins_see_them(manager):
    content = xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "批次", "其他", "在孵", None]]})
    report = await run_import(manager, "批次.xlsx", content, dry_run=True)
    batch = msgspec.to_builtins((await get_batch(manager, report.id)).answer())
    assert batch["status"] == "dry_run" and batch["created_by"] == manager.username
    assert batch["file"]["name"] == "批次.xlsx" and len(batch["file"]["sha256"]) == 64
    assert batch["sheets"]["tenants"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    with pytest.raises(Forbidden):
        await get_batch(Actor("stat", "statistician"), report.id)
    with pytest.raises(Forbidden):
        await run_import(Actor("t", "tenant", "X"), "x.xlsx", content, dry_run=True)
    with pytest.raises(NotFound):
        await errors_workbook(manager, report.id)  # a clean file has no errors to mark


async def test_past_ten_thousand_errors_the_rest_are_counted_not_listed(manager):
    uscc = new_uscc()
    rows = [[uscc, f"企业{n}", "采矿", "在孵", None] for n in range(10_050)]
    report = await run_import(manager, "many.csv", csv_bytes([TENANT_HEADERS, *rows]), dry_run=True)
    assert report.status == "invalid" and len(report.errors) == 10_001
    assert report.errors[-1]["code"] == "more_errors" and "50 more errors" in report.errors[-1]["message"]
    assert report.errors[0]["row"] == 2 and report.errors[9_999]["row"] == 10_001
