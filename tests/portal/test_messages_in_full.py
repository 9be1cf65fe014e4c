"""Messages in full (SPEC §7): a refused file shows each sheet's headers, what each kind of sheet lacks
and the nearest known headers, in the reader's language; an error repeated on many rows is told once
with its rows — on the page and in the API's answer."""

from __future__ import annotations

import msgspec
from playwright.async_api import Page, expect

from importers import run_import
from registry.actor import Actor
from tests.importers.conftest import xlsx
from tests.importers.real_fixtures import real_file
from tests.portal.conftest import screenshot

XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _upload(page: Page, name: str, content: bytes, mime: str = XLSX) -> None:
    await page.get_by_label("File" if "lang=en" in page.url else "选择文件").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    await page.locator("form[enctype] button[type=submit]").click()


async def test_a_refused_file_shows_every_sheets_headers_what_is_lacking_and_the_nearest(signed_in):
    workbook = xlsx(
        {
            "名单": [["公司名", "信用代码号", "联系人", "备注"], ["某公司", "x", "张三", ""]],
            "说明": [["填表说明"], ["请按模板填写"]],
        }
    )
    page = await signed_in("manager")
    await page.goto("/imports")
    await _upload(page, "名单.xlsx", workbook)
    refused = page.locator("#refused")
    await expect(refused).to_contain_text("工作表“名单”")
    await expect(refused).to_contain_text("表头：公司名、信用代码号、联系人、备注")
    await expect(refused).to_contain_text("工作表“说明”")
    await expect(refused).to_contain_text("企业：缺少")
    await expect(refused).to_contain_text("“信用代码号” ≈ “统一社会信用代码”")
    assert "lacks" not in await refused.inner_text()  # one language, all of it
    await screenshot(page, "import-refused-in-full")

    await page.goto("/imports?lang=en")
    await _upload(page, "list.xlsx", workbook)
    await expect(page.locator("#refused")).to_contain_text("Sheet “名单”")
    await expect(page.locator("#refused")).to_contain_text("Tenants: lacks")
    await expect(page.locator("#refused")).to_contain_text("nearest known headers")
    await expect(page.locator("#refused")).not_to_contain_text("缺少")


async def test_one_missing_applicant_on_103_of_110_rows_is_told_once_with_its_rows(signed_in):
    content = real_file("cnipa-szu-110.xls").read_bytes()
    page = await signed_in("manager")
    await page.goto("/imports")
    await _upload(page, "cnipa-szu-110.xls", content, XLS)
    await page.wait_for_url("**/imports/*")
    rows = page.locator("#errors tbody tr")
    await expect(rows).to_have_count(5)
    await expect(rows.first).to_contain_text("103 行：第 2–")
    await expect(rows.first).to_contain_text("没有名为“深圳大学”的企业")
    await expect(rows.first).not_to_contain_text("no tenant is named")
    await expect(page.get_by_role("heading", name="错误 (110)")).to_be_visible()
    await screenshot(page, "import-errors-grouped")

    await page.goto(page.url + "?lang=en")
    await expect(page.locator("#errors tbody tr").first).to_contain_text("103 rows: 2–")
    await expect(page.locator("#errors tbody tr").first).to_contain_text("no tenant is named 深圳大学")


async def test_the_apis_answer_groups_the_same_errors():
    content = real_file("cnipa-szu-110.xls").read_bytes()
    report = await run_import(Actor("grouping", "manager"), "cnipa-szu-110.xls", content, dry_run=True)
    answer = msgspec.to_builtins(report.answer())
    assert len(answer["errors"]) == 110
    groups = answer["error_groups"]
    # 103 rows name 深圳大学 alone; seven name it with a co-applicant (four different pairs).
    assert [(g["value"], g["count"]) for g in groups][0] == ("深圳大学", 103)
    assert len(groups) == 5 and sum(g["count"] for g in groups) == 110
    assert all(g["column"] == "H" for g in groups)
    assert sum(last - first + 1 for g in groups for first, last in g["rows"]) == 110
