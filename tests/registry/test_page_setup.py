"""The shared page setup, read back from a saved workbook as a spreadsheet program would."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from registry.page_setup import A4, PARK_NAME, set_up_pages


def printed(sheet) -> dict:
    """What decides how `sheet` prints."""
    return {
        "orientation": sheet.page_setup.orientation,
        "paper": int(sheet.page_setup.paperSize),
        "fit_to_page": sheet.sheet_properties.pageSetUpPr.fitToPage,
        "pages_wide": int(sheet.page_setup.fitToWidth),
        "pages_tall": int(sheet.page_setup.fitToHeight),
        "rows": sheet.print_title_rows,
        "columns": sheet.print_title_cols,
        "header": (sheet.oddHeader.left.text, sheet.oddHeader.center.text, sheet.oddHeader.right.text),
        "footer": sheet.oddFooter.center.text,
    }


@pytest.mark.parametrize("write_only", [False, True])
def test_a_sheet_prints_landscape_a4_one_page_wide_with_its_headers_and_page_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("企业明细") if write_only else book.active
    sheet.title = "企业明细"
    set_up_pages(sheet, "企业明细", period="2017H1", repeat_rows="3:4", repeat_columns="A:C")
    sheet.append(["序号", "统一社会信用代码", "企业名称"])
    out = BytesIO()
    book.save(out)

    assert printed(load_workbook(BytesIO(out.getvalue()))["企业明细"]) == {
        "orientation": "landscape",
        "paper": A4,
        "fit_to_page": True,
        "pages_wide": 1,
        "pages_tall": 0,
        "rows": "$3:$4",
        "columns": "$A:$C",
        "header": (PARK_NAME["zh"], "企业明细", "期间：2017H1"),
        "footer": "第 &P 页，共 &N 页",
    }


def test_english_pages_are_numbered_in_english_and_an_ampersand_prints_as_itself():
    book = Workbook()
    set_up_pages(book.active, "Rail & aviation", lang="en")
    out = BytesIO()
    book.save(out)
    sheet = load_workbook(BytesIO(out.getvalue())).active
    assert printed(sheet)["header"] == (PARK_NAME["en"], "Rail && aviation", None)
    assert sheet.oddFooter.center.text == "Page &P of &N"
