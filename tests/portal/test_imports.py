"""A manager's import, in the browser: a messy workbook, its errors, errors.xlsx, the fixed file, the
dry run's plan, applying it, and the new tenants in the list."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from registry.actor import SYSTEM
from registry.services import tenants
from tests.conftest import new_uscc
from tests.importers.conftest import xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.portal.conftest import screenshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _upload(page: Page, name: str, content: bytes) -> None:
    await page.goto("/imports")
    await page.get_by_label("选择文件，或把文件拖到这里").set_input_files(
        {"name": name, "mimeType": XLSX, "buffer": content}
    )
    await page.get_by_role("button", name="上传并试导入").click()
    await page.wait_for_url("**/imports/*")


async def test_a_manager_fixes_a_messy_workbook_and_imports_it(signed_in):
    first, second = new_uscc(), new_uscc()
    bad_uscc = first[:-1] + ("0" if first[-1] != "0" else "1")
    mark = first[-6:]
    messy = xlsx(
        {
            "企业": [
                ["园区企业名单（2017年）"],
                TENANT_HEADERS,
                [bad_uscc, f"新材料企业{mark}", "新材料", "在孵", "2017/3/5"],
                [second, f"光电企业{mark}", "光电产业", "在孵", "2017/4/1"],
            ]
        }
    )
    page = await signed_in("manager")

    await _upload(page, "企业名单.xlsx", messy)

    await expect(page.get_by_role("heading", level=1)).to_contain_text("有错误")
    errors = page.locator("#errors tbody tr")
    await expect(errors).to_have_count(2)
    await expect(errors.nth(0)).to_contain_text("企业")  # sheet
    await expect(errors.nth(0).locator("td").nth(1)).to_have_text("3")  # the Excel row
    await expect(errors.nth(0).locator("td").nth(2)).to_have_text("A")  # the column
    await expect(errors.nth(0).locator("td").nth(3)).to_have_text(bad_uscc)  # what was typed
    await expect(errors.nth(1).locator("td").nth(3)).to_have_text("光电产业")
    await expect(page.get_by_role("button", name="应用此计划")).to_have_count(0)
    await screenshot(page, "import-errors")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载标出错误的文件").click()
    download = await download_info.value
    marked = load_workbook(io.BytesIO((await download.path()).read_bytes()))
    sheet = marked["企业"]
    assert sheet["A3"].comment is not None and sheet["C4"].comment is not None
    assert sheet["B3"].comment is None

    fixed = xlsx(
        {
            "企业": [
                TENANT_HEADERS,
                [first, f"新材料企业{mark}", "新材料", "在孵", "2017/3/5"],
                [second, f"光电企业{mark}", "电子信息", "在孵", "2017/4/1"],
            ]
        }
    )
    await _upload(page, "企业名单-改.xlsx", fixed)

    await expect(page.get_by_role("heading", level=1)).to_contain_text("试导入")
    plan = page.locator("table").first
    await expect(plan.locator("tbody tr").first).to_contain_text("2")  # tenants: 2 to create
    await screenshot(page, "import-dry-run")
    await page.get_by_role("button", name="应用此计划").click()
    await expect(page.get_by_role("status")).to_contain_text("已导入")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("已导入")

    await page.get_by_role("link", name="查看企业").click()
    await page.get_by_label("搜索").fill(mark)
    await page.get_by_role("button", name="查找").click()
    rows = page.locator("#results tbody tr")
    await expect(rows).to_have_count(2)
    await expect(page.locator("#results")).to_contain_text(f"新材料企业{mark}")
    await expect(page.locator("#results")).to_contain_text(f"光电企业{mark}")
    await screenshot(page, "import-found")


async def test_applying_a_dry_run_the_registry_has_overtaken_shows_both_plans(signed_in):
    uscc = new_uscc()
    page = await signed_in("manager")
    await _upload(
        page, "抢先.xlsx", xlsx({"企业": [TENANT_HEADERS, [uscc, "抢先企业", "电子信息", "在孵", "2017/3/5"]]})
    )
    await tenants.create_tenant(
        SYSTEM, {"uscc": uscc, "name": "别人先登记了", "industry": "other", "status": "incubating"}
    )

    await page.get_by_role("button", name="应用此计划").click()

    alert = page.locator("#plan-changed")
    await expect(alert).to_contain_text("试导入之后登记簿已有变化")
    await expect(alert.locator("tbody tr").first).to_contain_text("1 / 0 / 0")
    await expect(alert.locator("tbody tr").first).to_contain_text("0 / 1 / 0")
    await page.goto(f"/tenants/{uscc}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("别人先登记了")


async def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_page(signed_in):
    page = await signed_in("admin")
    await page.goto("/imports")
    await page.get_by_label("选择文件，或把文件拖到这里").set_input_files(
        {"name": "notes.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not really"}
    )
    await page.get_by_role("button", name="上传并试导入").click()
    await expect(page.locator("#refused")).to_be_visible()
    await expect(page).to_have_url("/imports")


async def test_a_manager_reads_the_change_list_of_a_one_row_template_before_applying_it(signed_in):
    """The park's own template with one row filled (USCC, name, a new phone): the dry-run page lists the
    one field it changes, and one it clears, before the apply button; applying changes exactly those."""
    from exports.template import template_workbook
    from registry.vocabulary import TENANT_FIELDS
    from tests.conftest import make_tenant
    from tests.importers.test_blank_and_clear import FULL_TENANT

    stored = await make_tenant(**FULL_TENANT)
    book = load_workbook(io.BytesIO(template_workbook("zh")))
    sheet = book["企业"]
    filled = {"uscc": stored["uscc"], "name": stored["name"], "contact_phone": "0731-7654321", "website": "（清空）"}
    for column, field in enumerate(TENANT_FIELDS, 1):
        if field.key in filled:
            sheet.cell(3, column, filled[field.key])
    out = io.BytesIO()
    book.save(out)
    page = await signed_in("manager")

    await _upload(page, "模板-一行.xlsx", out.getvalue())

    await expect(page.get_by_role("heading", level=1)).to_contain_text("试导入")
    await expect(page.locator("#clears")).to_contain_text("清空 1 个")
    rows = page.locator("#changes tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("网址")  # the clear comes first
    await expect(rows.nth(0)).to_contain_text("https://full.example.com")
    await expect(rows.nth(0)).to_contain_text("（清空）")
    await expect(rows.nth(1)).to_contain_text("联系电话")
    await expect(rows.nth(1)).to_contain_text("0731-1111111")
    await expect(rows.nth(1)).to_contain_text("0731-7654321")
    # The list stands before the button that applies it.
    changes_box = await page.locator("#changes").bounding_box()
    button_box = await page.get_by_role("button", name="应用此计划").bounding_box()
    assert changes_box and button_box and changes_box["y"] < button_box["y"]
    await screenshot(page, "import-change-list")

    await page.get_by_role("button", name="应用此计划").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("已导入")
    after = await tenants.fetch(stored["uscc"])
    assert after["contact_phone"] == "0731-7654321" and after["website"] is None
    assert {k: v for k, v in after.items() if k not in ("contact_phone", "website", "version")} == {
        k: v for k, v in stored.items() if k not in ("contact_phone", "website", "version")
    }
