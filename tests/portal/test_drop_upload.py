"""Uploading on /imports by dropping a file on the zone (api/portal/static/dropzone.js), by keyboard
alone, and with scripts off (the plain file input): each ends on the dry run's plan."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.conftest import new_uscc
from tests.importers.conftest import xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.portal.conftest import screenshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZONE_LABEL = "选择文件，或把文件拖到这里"


def _workbook(name: str) -> bytes:
    return xlsx({"企业": [TENANT_HEADERS, [new_uscc(), name, "电子信息", "在孵", "2017/3/5"]]})


async def _carrying(page: Page, files: list[tuple[str, bytes]]):
    """A DataTransfer holding `files`, as the browser builds one for a drag from the desktop."""
    return await page.evaluate_handle(
        """([files, type]) => {
            const transfer = new DataTransfer();
            for (const [name, bytes] of files) transfer.items.add(new File([new Uint8Array(bytes)], name, {type}));
            return transfer;
        }""",
        [[[name, list(content)] for name, content in files], XLSX],
    )


async def _see_the_plan(page: Page) -> None:
    await page.wait_for_url(re.compile(r"/imports/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("试导入")
    tenants_line = page.locator("main table").first.locator("tbody tr").first
    await expect(tenants_line.locator("td").first).to_have_text("1")  # one tenant to create


async def test_a_file_dropped_on_the_zone_is_uploaded_for_a_dry_run(signed_in):
    page = await signed_in("manager")
    await page.goto("/imports")
    zone = page.locator("[data-dropzone]")
    await expect(zone).to_have_class(re.compile(r"\benhanced\b"))  # the script ran (served by the app, CSP kept)

    two = await _carrying(page, [("a.xlsx", _workbook("甲")), ("b.xlsx", _workbook("乙"))])
    await zone.dispatch_event("dragenter", {"dataTransfer": two})
    await expect(zone).to_have_class(re.compile(r"\bover\b"))
    await screenshot(page, "import-drop-over")
    await zone.dispatch_event("drop", {"dataTransfer": two})
    await expect(page.locator("#file-status")).to_have_text("一次只能上传一个文件。")
    await expect(zone).not_to_have_class(re.compile(r"\bover\b"))
    assert page.url.endswith("/imports")

    one = await _carrying(page, [("拖进来的企业.xlsx", _workbook("拖放上传企业"))])
    await zone.dispatch_event("dragenter", {"dataTransfer": one})
    await zone.dispatch_event("drop", {"dataTransfer": one})
    await _see_the_plan(page)
    await expect(page.locator("main")).to_contain_text("拖进来的企业.xlsx")
    await screenshot(page, "import-dropped-plan")


async def test_an_upload_by_keyboard_alone(signed_in):
    page = await signed_in("manager")
    await page.goto("/imports")
    for _ in range(30):
        if await page.evaluate("document.activeElement && document.activeElement.id") == "file":
            break
        await page.keyboard.press("Tab")
    else:
        raise AssertionError("the file input is not reached by Tab")
    for attempt in range(3):  # on a loaded machine the chooser can miss one key press; a person presses again
        try:
            async with page.expect_file_chooser(timeout=8000) as chooser_info:
                await page.keyboard.press("Space")
            break
        except PlaywrightTimeout:
            assert attempt < 2, "Space on the focused file input opens no file chooser"
    await (await chooser_info.value).set_files(
        {"name": "键盘上传.xlsx", "mimeType": XLSX, "buffer": _workbook("键盘上传企业")}
    )
    await expect(page.locator("#file-status")).to_have_text("已选择：键盘上传.xlsx")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")  # past the template link to the button
    assert await page.evaluate("document.activeElement.textContent.trim()") == "上传并试导入"
    await page.keyboard.press("Enter")
    await _see_the_plan(page)


async def test_with_scripts_off_the_plain_file_input_uploads(signed_in):
    page = await signed_in("manager", java_script_enabled=False)
    await page.goto("/imports")
    await page.get_by_label(ZONE_LABEL).set_input_files(
        {"name": "无脚本.xlsx", "mimeType": XLSX, "buffer": _workbook("无脚本企业")}
    )
    await page.get_by_role("button", name="上传并试导入").click()
    await _see_the_plan(page)
