"""errors.xlsx as LibreOffice prints it (tests/printed.py): the error list and the marked sheet on a
few pages, each with the park, the sheet, `page x of y` and its header row — the uploaded sheet's
own header row, found below the title rows above it, both when the upload is marked in place
(.xlsx) and when it comes back as a marked copy (.csv)."""

from __future__ import annotations

import asyncio
import io
import tempfile
from pathlib import Path

import pytest

from importers import errors_workbook, run_import
from registry.actor import SYSTEM
from tests.conftest import new_uscc
from tests.importers.conftest import csv_bytes, xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.printed import printed_pages

ROWS = 120
BAD_EVERY = 10  # every tenth row names an industry that is not one
# The error list: 12 errors on one page. The marked sheet: 120 rows, some 45 a page, one page wide.
MOST_PAGES = 5


def _rows() -> list[list]:
    return [
        [new_uscc(), f"打印测试企业{n}", "矿业" if n % BAD_EVERY == 0 else "其他", "在孵", "2016-01-01"]
        for n in range(ROWS)
    ]


@pytest.fixture(scope="module")
async def printed(database):
    rows = _rows()
    uploads = {
        "in-place": ("企业名单.xlsx", xlsx({"企业": [["2017年企业名单"], TENANT_HEADERS, *rows]})),
        "copy": ("企业名单.csv", csv_bytes([TENANT_HEADERS, *rows])),
    }
    workbooks = {}
    for name, (filename, content) in uploads.items():
        report = await run_import(SYSTEM, filename, content, dry_run=True)
        assert report.status == "invalid" and len(report.errors) == ROWS // BAD_EVERY
        workbooks[name] = await errors_workbook(SYSTEM, report.id)
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        yield await asyncio.to_thread(printed_pages, workbooks, Path(folder))


@pytest.mark.parametrize("kind", ["in-place", "copy"])
def test_errors_xlsx_prints_each_page_with_its_header_row(printed, kind):
    pages = printed[kind]
    assert 3 <= len(pages) <= MOST_PAGES
    for number, page in enumerate(pages, 1):
        assert "动力谷自主创新园" in page and f"第 {number} 页，共 {len(pages)} 页" in page
    errors = [page for page in pages if "导入错误" in page.strip().splitlines()[0]]
    assert errors == pages[:1]  # the error list first, on one page
    assert "说明 Message" in errors[0] and errors[0].count("not_a_choice") == ROWS // BAD_EVERY
    marked = pages[1:]
    assert len(marked) >= 2
    for page in marked:  # the upload's own header row atop every page of it
        assert "企业名称" in page and "入驻日期" in page
    assert sum(page.count("打印测试企业") for page in marked) == ROWS


async def test_a_marked_copy_gives_its_columns_the_width_of_what_they_hold(database):
    """A .csv/.xls upload comes back as a copy, which starts with default widths (8 columns): each
    column gets the width of its widest value (CJK counted double, capped), so nothing prints cut off."""
    from openpyxl import load_workbook

    from registry.page_setup import display_width

    rows = _rows()
    report = await run_import(SYSTEM, "企业名单.csv", csv_bytes([TENANT_HEADERS, *rows]), dry_run=True)
    book = load_workbook(io.BytesIO(await errors_workbook(SYSTEM, report.id)))
    sheet = book.worksheets[1]
    for column, letter in enumerate("ABCDE"):
        widest = max(display_width(value) for value in [TENANT_HEADERS[column], *(row[column] for row in rows)])
        assert sheet.column_dimensions[letter].width >= min(40, widest), letter
