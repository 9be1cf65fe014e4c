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
from registry.vocabulary import TENANT_FIELDS
from tests.conftest import new_uscc
from tests.importers.conftest import csv_bytes, xlsx
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.printed import printed_pages, printed_word_heights

ROWS = 120
BAD_EVERY = 10  # every tenth row names an industry that is not one
# The error list: 12 errors on one page. The marked sheet: 120 rows, some 45 a page, one page wide.
MOST_PAGES = 5
# A sheet of every tenant column (21, as the registry dump writes them), filled in: too wide for one
# page at a readable size, it prints two or three pages across, each with the USCC and name.
WIDE_ROWS = 30
SMALLEST_SCALE = 0.6


def _wide_rows() -> list[list]:
    values = {
        "uscc": None,
        "name": "宽表测试企业",
        "name_en": "Wide Sheet Testing Company Limited",
        "industry": "其他",
        "founded_on": "2010-01-01",
        "moved_in_on": "2016-01-01",
        "moved_out_on": None,
        "status": "在孵",
        "graduated_on": None,
        "hte_certificate_no": "GR201643000123",
        "hte_certified_on": "2016-12-06",
        "platform_level": "省级",
        "platform_level_since": "2016-01-01",
        "founder_type": "科技人员",
        "tech_sme_no": "201743020100012345",
        "listing": "未上市挂牌",
        "contact_name": "联系人某某",
        "contact_phone": "0731-12345678",
        "contact_email": "someone@example.com",
        "website": "https://example.com/x",
        "description": "一家为宽表打印测试而虚构的企业，主营业务描述写得较长",
    }
    rows = [[f.zh for f in TENANT_FIELDS]]
    for n in range(WIDE_ROWS):
        row = [values[f.key] for f in TENANT_FIELDS]
        row[0], row[1] = new_uscc(), f"宽表测试企业{n}"
        row[3] = "矿业" if n % BAD_EVERY == 0 else "其他"
        rows.append(row)
    return rows


def _rows() -> list[list]:
    return [
        [new_uscc(), f"打印测试企业{n}", "矿业" if n % BAD_EVERY == 0 else "其他", "在孵", "2016-01-01"]
        for n in range(ROWS)
    ]


@pytest.fixture(scope="module")
async def printed(database):
    rows = _rows()
    wide = _wide_rows()
    uploads = {
        "in-place": ("企业名单.xlsx", xlsx({"企业": [["2017年企业名单"], TENANT_HEADERS, *rows]}), ROWS),
        "copy": ("企业名单.csv", csv_bytes([TENANT_HEADERS, *rows]), ROWS),
        "wide-in-place": ("企业信息.xlsx", xlsx({"企业": wide}), WIDE_ROWS),
        "wide-copy": ("企业信息.csv", csv_bytes(wide), WIDE_ROWS),
    }
    workbooks = {}
    for name, (filename, content, count) in uploads.items():
        report = await run_import(SYSTEM, filename, content, dry_run=True)
        assert report.status == "invalid" and len(report.errors) == count // BAD_EVERY, report.errors
        workbooks[name] = await errors_workbook(SYSTEM, report.id)
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        pages = await asyncio.to_thread(printed_pages, workbooks, Path(folder))
        heights = {name: printed_word_heights(Path(folder), name) for name in workbooks}
        yield pages, heights


@pytest.mark.parametrize("kind", ["in-place", "copy"])
def test_errors_xlsx_prints_each_page_with_its_header_row(printed, kind):
    pages = printed[0][kind]
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


@pytest.mark.parametrize("kind", ["wide-in-place", "wide-copy"])
def test_a_wide_sheet_prints_two_or_three_pages_across_readable_with_its_naming_columns_on_each(printed, kind):
    all_pages, heights = printed[0][kind], printed[1][kind]
    marked = [n for n, page in enumerate(all_pages) if "导入错误" not in page.strip().splitlines()[0]]
    # Every page repeats the header row and the columns that name the tenant.
    for n in marked:
        assert "统一社会信用代码" in all_pages[n] and "企业名称" in all_pages[n], n
        assert all_pages[n].count("宽表测试企业") >= 1
    # Pages across: the description (the last column) prints on a page of its own, not on every page.
    across = len(marked) // max(1, sum("企业简介" in all_pages[n] for n in marked))
    assert 2 <= across <= 3, across
    # At 60 % or more of the size the narrow upload prints at (100 %: fitting never enlarges).
    full = _median(printed[1]["in-place"][1])
    for n in marked:
        assert _median(heights[n]) >= SMALLEST_SCALE * full, (n, _median(heights[n]), full)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


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
