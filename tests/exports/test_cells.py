from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from exports.cells import CellMaker, display_width, exact_number_text, stream_sheet
from tests.exports.conftest import sheet_xml

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"]


def _written(values, looks=None) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(CellMaker(sheet).row(values, looks))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _calamine_row(content: bytes) -> list:
    """The first row as the importer reads it (python-calamine decodes Excel's _xHHHH_ escapes)."""
    return CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()[0]


def test_text_that_looks_like_a_formula_stays_text_and_is_quote_prefixed():
    content = _written(HOSTILE)
    assert _calamine_row(content) == HOSTILE
    cells = list(load_workbook(BytesIO(content))["s"].iter_rows(values_only=False))[0]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    xml = sheet_xml(content, "s")
    assert "<f>" not in xml and "<f " not in xml


def test_plain_text_gets_no_quote_prefix():
    cell = next(load_workbook(BytesIO(_written(["动力谷"])))["s"].iter_rows())[0]
    assert cell.value == "动力谷" and not cell.quotePrefix


def test_decimals_are_written_with_their_own_digits():
    amounts = [Decimal("3600000.00000"), Decimal("0.1"), Decimal("12345678901.23"), Decimal("-0.01"), Decimal("0E-5")]
    xml = sheet_xml(_written(amounts, "money"), "s")
    for text in ("<v>3600000.00000</v>", "<v>0.1</v>", "<v>12345678901.23</v>", "<v>-0.01</v>", "<v>0.00000</v>"):
        assert text in xml
    assert "e+" not in xml.lower().replace("type", "")


def test_exact_number_text_never_uses_an_exponent():
    assert exact_number_text(Decimal("3.6E+6")) == "3600000"
    assert exact_number_text(Decimal("1E-5")) == "0.00001"
    assert exact_number_text(Decimal("0E-5")) == "0.00000"
    with pytest.raises(ValueError):
        exact_number_text(Decimal("NaN"))
    assert exact_number_text(7) == "7"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        _written([0.1])


def test_dates_are_real_dates_with_a_date_format():
    cell = next(load_workbook(BytesIO(_written([date(2017, 3, 5)], "date")))["s"].iter_rows())[0]
    assert cell.is_date and cell.value.date() == date(2017, 3, 5)
    assert cell.number_format == "yyyy-mm-dd"


def test_text_comes_back_exactly_even_where_xml_cannot_carry_it():
    tricky = ["a\r\nb", "\r", "tab\tand\nline", "ctrl\x01\x0b\x1f", "literal _x0041_ stays", "_x000D_", " padded "]
    content = _written(tricky)
    assert _calamine_row(content) == tricky
    assert "\r" not in sheet_xml(content, "s")


def test_cjk_counts_double_for_column_width():
    assert display_width("动力谷") == 6
    assert display_width("abc") == 3


VARIED = [
    "动力谷", "  spaces kept  ", "a & b < c > d", "line\nbreak", "=1+1", "_x0041_ literal", "tab\tin", 7,
    Decimal("12345678901.23"), Decimal("-0.01"), date(2017, 3, 5), date(1900, 1, 15), datetime(2017, 3, 5, 14, 30),
    True, False, None,
]  # fmt: skip
LOOKS = ["header", "wrap", None, "wrap", None, None, None, "integer", "money", "money", "date", "date", None, None,
         None, "date"]  # fmt: skip


def _workbook(stream: bool) -> bytes:
    """The varied row twice; `stream`: in a stream sheet, the second row through `CellMaker.stream` (which
    only a stream sheet takes), else in openpyxl's own write-only sheet."""
    book = Workbook(write_only=True)
    sheet = stream_sheet(book, "s") if stream else book.create_sheet("s")
    sheet.column_dimensions["A"].width = 30
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[2].height = 40
    cells = CellMaker(sheet)
    sheet.append(cells.row(VARIED, LOOKS))
    sheet.append(cells.stream(VARIED, LOOKS) if stream else cells.row(VARIED, LOOKS))
    sheet.auto_filter.ref = "A1:P2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _seen(content: bytes) -> list:
    sheet = load_workbook(BytesIO(content))["s"]
    seen = [
        sheet.freeze_panes,
        sheet.auto_filter.ref,
        sheet.column_dimensions["A"].width,
        sheet.row_dimensions[2].height,
    ]
    for row in sheet.iter_rows():
        seen += [(c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.alignment.wrap_text, c.quotePrefix)
                 for c in row]  # fmt: skip
    return seen


def test_a_stream_sheet_holds_what_openpyxls_own_write_only_sheet_holds():
    ours, theirs = _workbook(stream=True), _workbook(stream=False)
    assert _seen(ours) == _seen(theirs)
    assert _calamine_row(ours) == _calamine_row(theirs)
    assert 'ht="40"' in sheet_xml(ours, "s")


def test_a_stream_sheet_refuses_what_it_cannot_write():
    book = Workbook(write_only=True)
    sheet = stream_sheet(book, "s")
    with pytest.raises(TypeError):
        sheet.append(["plain value"])
    formula = CellMaker(sheet).cell("x")
    formula.data_type = "f"
    with pytest.raises(TypeError):
        sheet.append([formula])
