"""Cells written safely and exactly.

Two rules every export keeps:

- Text from users stays text. openpyxl turns any string starting with `=` into a formula; Excel
  would also evaluate `+`, `-`, `@`, tab or CR openers once someone edits the cell. Such text is
  stored as a string *and* flagged with Excel's quote prefix, so it shows and edits as text.
- Text comes back as it went in. Characters a cell's XML cannot carry (control characters; a
  carriage return, which XML reads back as a line feed) are written in Excel's `_xHHHH_` escapes,
  which Excel and calamine (the importer's reader) decode, so the registry dump round-trips.
- Money keeps its decimal digits. openpyxl prints numbers through `"%.16g" % float(value)`; a
  Decimal is written here as its own digits instead, so the file holds exactly the registry's amount.

Cells are built for write-only worksheets (they also append to ordinary ones). A `Looks` object
registers each look (font, fill, number format…) once per workbook; cells share its style array,
so they must not be restyled afterwards. `stream_sheet` makes a write-only sheet that writes such
cells as XML text itself, several times faster than openpyxl's per-cell element trees (see
`StreamSheet`). It is the one module that uses openpyxl's private names (its write-only sheet's
internals); tests/test_library_internals.py pins each, docs/dependencies.md says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH, to_excel
from openpyxl.utils.exceptions import WorkbookAlreadySaved
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file

from registry.page_setup import display_width, fit_columns

FORMULA_OPENERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_TEXT = 32_767

DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
# Money in 千元 down to the fen (its fifth decimal), the decimals past the second shown only when set.
EXACT_MONEY_FORMAT = "#,##0.00###"
PERCENT_FORMAT = "0.0%"

# Every look names its face: a font left unnamed prints in a serif face where Calibri is missing
# (LibreOffice on Linux). Microsoft YaHei (微软雅黑) is the CJK sans face Windows has carried since
# Vista and that Excel (Windows and Mac) and WPS use; where it is missing the family hint (2: sans)
# makes LibreOffice substitute a sans face (Noto Sans CJK for Chinese, DejaVu Sans for Latin).
FONT_NAME = "Microsoft YaHei"


def _font(**properties) -> Font:
    return Font(name=FONT_NAME, family=2, **properties)


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")

# name -> (font, fill, number format, alignment, border)
LOOK_DEFINITIONS: dict[str, dict] = {
    "text": {},
    "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "title": {"font": _font(bold=True, size=14)},
    "subtitle": {"font": _font(italic=True, color="595959")},
    "subtitle_wrap": {
        "font": _font(italic=True, color="595959"),
        "alignment": Alignment(wrap_text=True, vertical="top"),
    },
    "label": {"font": _font(bold=True)},
    "header": {
        "font": _font(bold=True),
        "fill": _HEADER_FILL,
        "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "border": Border(bottom=_THIN, top=_THIN, left=_THIN, right=_THIN),
    },
    "sample": {"font": _font(italic=True, color="7F7F7F")},
    # 未报 / not reported, where a figure would stand.
    "marker": {"font": _font(color="7F7F7F"), "alignment": Alignment(horizontal="right")},
    "total_marker": {
        "font": _font(bold=True, color="7F7F7F"),
        "fill": _TOTAL_FILL,
        "alignment": Alignment(horizontal="right"),
    },
    "date": {"number_format": DATE_FORMAT},
    "integer": {"number_format": INTEGER_FORMAT},
    "money": {"number_format": MONEY_FORMAT},
    "exact_money": {"number_format": EXACT_MONEY_FORMAT},
    "percent": {"number_format": PERCENT_FORMAT},
    "decimal1": {"number_format": "#,##0.0"},
    "total_label": {"font": _font(bold=True), "fill": _TOTAL_FILL},
    "total_wrap": {
        "font": _font(bold=True),
        "fill": _TOTAL_FILL,
        "alignment": Alignment(wrap_text=True, vertical="top"),
    },
    "total_integer": {"font": _font(bold=True), "fill": _TOTAL_FILL, "number_format": INTEGER_FORMAT},
    "total_money": {"font": _font(bold=True), "fill": _TOTAL_FILL, "number_format": MONEY_FORMAT},
    "total_percent": {"font": _font(bold=True), "fill": _TOTAL_FILL, "number_format": PERCENT_FORMAT},
    "sample_date": {"font": _font(italic=True, color="7F7F7F"), "number_format": DATE_FORMAT},
    "sample_money": {"font": _font(italic=True, color="7F7F7F"), "number_format": MONEY_FORMAT},
    "sample_integer": {"font": _font(italic=True, color="7F7F7F"), "number_format": INTEGER_FORMAT},
}
for _look in LOOK_DEFINITIONS.values():
    _look.setdefault("font", _font())


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_OPENERS)


def exact_number_text(value: int | Decimal) -> str:
    """The number's own digits, never in exponent form: Decimal('3.6E+6') -> '3600000'."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "E" in text or "N" in text or "n" in text:  # an exponent, NaN or Infinity
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        text = format(value, "f")
    return text


# What a cell's XML cannot carry as itself: control characters (XML 1.0 forbids most, and turns a
# carriage return into a line feed when read) and text that already looks like an escape.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")


def _escape(match: re.Match[str]) -> str:
    return f"_x{ord(match[0]):04X}_"


def excel_text(text: str) -> str:
    """Text as a cell's XML holds it, in the `_xHHHH_` escapes Excel (and calamine) read back:
    a carriage return becomes `_x000D_`, a literal `_x0041_` becomes `_x005F_x0041_`. Text longer
    than Excel's cell limit is cut there."""
    text = text[:EXCEL_MAX_TEXT]
    return _NEEDS_ESCAPE.sub(_escape, text) if _NEEDS_ESCAPE.search(text) else text


class Looks:
    """The workbook's named looks, each registered once; `quoted` variants add the quote prefix."""

    def __init__(self, sheet) -> None:
        self._sheet = sheet
        self._arrays: dict[tuple[str, bool], StyleArray] = {}

    def array(self, name: str | None, quoted: bool = False) -> StyleArray | None:
        if name is None and not quoted:
            return None
        key = (name or "text", quoted)
        array = self._arrays.get(key)
        if array is None:
            proto = WriteOnlyCell(self._sheet)
            for attribute, value in LOOK_DEFINITIONS[key[0]].items():
                setattr(proto, attribute, value)
            if quoted:
                proto.quotePrefix = True
            array = self._arrays[key] = _SharedStyle(proto._style)
        return array


class _SharedStyle(StyleArray):
    """A look's style array, shared by every cell of that look and never changed, so its hash (asked
    for each cell written) is computed once."""

    __slots__ = ("_hash",)

    def __new__(cls, source: StyleArray) -> _SharedStyle:
        array = super().__new__(cls, source)
        array._hash = hash(tuple(array))
        return array

    def __hash__(self) -> int:
        return self._hash


class CellMaker:
    """Cells for one worksheet.

    `cell(value, look)` and `row(values, looks)` make new cells, for any worksheet. `stream(values,
    looks)` fills one reused cell per value and yields it: only for a StreamSheet row, which writes
    each cell before asking for the next, and spares a cell object per value on large sheets.
    """

    def __init__(self, sheet, looks: Looks | None = None) -> None:
        self.sheet = sheet
        self.looks = looks or Looks(sheet)

    def fill(self, cell: Cell, value: object, look: str | None = None) -> Cell:
        kind = type(value)
        quoted = False
        if value is None:
            cell._value, cell.data_type = None, "n"
        elif kind is str or isinstance(value, str):
            cell._value, cell.data_type = excel_text(value), "s"  # type: ignore[arg-type]
            quoted = value.startswith(FORMULA_OPENERS)  # type: ignore[union-attr]
        elif kind is bool:
            cell._value, cell.data_type = value, "b"
        elif kind is int or kind is Decimal or isinstance(value, int | Decimal):
            # Written as its own digits (see the module's note); t="n" keeps it a number.
            cell._value, cell.data_type = exact_number_text(value), "n"  # type: ignore[arg-type]
        elif isinstance(value, datetime):
            cell._value, cell.data_type = value.replace(tzinfo=None), "d"
        elif isinstance(value, date):
            cell._value, cell.data_type = value, "d"
        else:
            # Floats included: figures are exact or they are not written.
            raise TypeError(f"cannot write {kind.__name__} {value!r} to a cell")
        cell._style = self.looks.array(look, quoted)
        return cell

    def cell(self, value: object, look: str | None = None) -> Cell:
        return self.fill(WriteOnlyCell(self.sheet), value, look)

    def row(self, values: Sequence[object], looks: Sequence[str | None] | str | None = None) -> list[Cell]:
        return [self.cell(v, look) for v, look in zip(values, _looks(looks, len(values)), strict=True)]

    def stream(self, values: Sequence[object], looks: Sequence[str | None] | str | None = None) -> Iterator[Cell]:
        cell = WriteOnlyCell(self.sheet)
        for value, look in zip(values, _looks(looks, len(values)), strict=True):
            yield self.fill(cell, value, look)


def _looks(looks: Sequence[str | None] | str | None, count: int) -> Sequence[str | None]:
    return [looks] * count if looks is None or isinstance(looks, str) else looks


class StreamSheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows hold cells from a CellMaker (`row` or `stream`), written as
    XML text straight into the sheet's file.

    openpyxl's own writer builds an element tree node for every cell and serialises it through its
    namespace-aware writer, and its `append` first tries each cell as a plain value: most of a large
    export's time went there. Such cells need no tree: a value, a type and a look. Everything around
    the rows (sheet properties, views, columns, filter, page setup, drawings) is still written by
    openpyxl, which renders the sheet with no rows; the rows go between its `<sheetData>` tags.
    A stream sheet holds values, text and looks only: no formulas, comments or hyperlinks.
    """

    def __init__(self, parent, title) -> None:
        super().__init__(parent, title)
        self._xml = None  # the sheet's file, open for text once the first row (or the end) comes
        self._row = 0
        self._saved = False
        self._style_attributes: dict[StyleArray, str] = {}

    @property
    def closed(self) -> bool:
        return self._saved

    def append(self, row: Iterable[Cell | None]) -> None:
        if self._saved:
            raise WorkbookAlreadySaved("the workbook has been saved; its sheets take no more rows")
        if self._xml is None:
            self._start()
        self._row += 1
        number = str(self._row)
        dimension = self.row_dimensions.get(self._row)  # a row height set before the row is written
        extra = "".join(f' {key}="{value}"' for key, value in dimension) if dimension else ""
        parts = [f'<row r="{number}"{extra}>']
        for column, cell in enumerate(row, 1):
            if cell is None:
                continue
            if not isinstance(cell, Cell):
                raise TypeError(f"rows of a stream sheet hold cells, not {type(cell).__name__}")
            part = self._cell_xml(cell, get_column_letter(column) + number)
            if part:
                parts.append(part)
        parts.append("</row>")
        self._xml.write("".join(parts))

    def _cell_xml(self, cell: Cell, reference: str) -> str:
        if cell._comment is not None or cell.hyperlink is not None:
            raise TypeError("a stream sheet's cells carry no comments or hyperlinks")
        style = cell._style
        attributes = "" if style is None else self._style_attributes.get(style)
        if attributes is None:
            attributes = self._style_attributes[style] = (
                f' s="{self.parent._cell_styles.add(style)}"' if any(style) else ""
            )
        value, kind = cell._value, cell.data_type
        if value is None:
            return f'<c r="{reference}"{attributes}/>' if attributes else ""
        if kind == "s":
            text = value if "&" not in value and "<" not in value and ">" not in value else _xml_escape(value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            return f'<c r="{reference}"{attributes} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if kind == "n":
            return (
                f'<c r="{reference}"{attributes} t="n"><v>{value if type(value) is str else safe_string(value)}</v></c>'
            )
        if kind == "d":
            serial = value.toordinal() - _EXCEL_DAY_ZERO if type(value) is date and value >= _LEAP_BUG_END else None
            if serial is None or self.parent.epoch != WINDOWS_EPOCH:
                serial = to_excel(value, self.parent.epoch)
            return f'<c r="{reference}"{attributes} t="n"><v>{safe_string(serial)}</v></c>'
        if kind == "b":
            return f'<c r="{reference}"{attributes} t="b"><v>{1 if value else 0}</v></c>'
        raise TypeError(f"a stream sheet writes no {kind!r} cells (formulas, errors)")

    def _skeleton(self) -> tuple[WorksheetWriter, str, str]:
        """openpyxl's rendering of this sheet without rows, split where the rows go."""
        writer = WorksheetWriter(self, out=BytesIO())
        writer.write_top()
        with writer.xf.send(True).element("sheetData"):
            pass
        writer.xf.send(None)
        writer.write_tail()
        writer.close()
        head, tail = _EMPTY_SHEET_DATA.split(writer.out.getvalue().decode("utf-8"))
        return writer, head + "<sheetData>", "</sheetData>" + tail

    def _start(self) -> None:
        # The head goes out with the first row, as openpyxl's own write-only sheets do: column
        # widths, panes and sheet properties set later are not seen.
        _, head, _ = self._skeleton()
        self._xml_path = create_temporary_file()
        self._xml = open(self._xml_path, "w", encoding="utf-8", errors="xmlcharrefreplace", buffering=1 << 20)  # noqa: SIM115
        self._xml.write(head)

    def close(self) -> None:
        if self._saved:
            raise WorkbookAlreadySaved("the sheet has been saved")
        if self._xml is None:
            self._start()
        writer, _, tail = self._skeleton()
        self._xml.write(tail)
        self._xml.close()
        writer.out = self._xml_path  # what the workbook's writer zips (and removes afterwards)
        self._writer = writer
        self._saved = True


_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
_LEAP_BUG_END = date(1900, 3, 1)  # before it, Excel's serials count a 29 February 1900 that never was


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stream_sheet(book: Workbook, title: str) -> StreamSheet:
    """A new StreamSheet at the end of the write-only workbook `book`."""
    if not book.write_only:
        raise ValueError("stream sheets belong to write-only workbooks")
    sheet = StreamSheet(parent=book, title=title)
    book._add_sheet(sheet)
    return sheet


__all__ = [
    "DATE_FORMAT",
    "FORMULA_OPENERS",
    "INTEGER_FORMAT",
    "MONEY_FORMAT",
    "PERCENT_FORMAT",
    "CellMaker",
    "Looks",
    "StreamSheet",
    "excel_text",
    "display_width",
    "exact_number_text",
    "fit_columns",
    "is_formula_like",
    "stream_sheet",
]
