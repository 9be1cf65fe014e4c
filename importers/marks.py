"""errors.xlsx: the uploaded workbook with each bad cell filled and its message as a cell comment,
plus a sheet listing every error.

An .xlsx upload is marked in place (its formatting kept) when it is small enough for openpyxl to
load whole; a larger one, and every .xls or .csv upload, comes back as an .xlsx copy of its data
written in streaming mode, marked the same way.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from itertools import zip_longest
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from importers.grids import Grid, read_grids
from importers.headers import column_letter, find_layout, kind_of_sheet_name
from importers.safety import inspect
from registry.page_setup import display_width, fit_columns, pages_across, set_up_pages

# openpyxl holds a loaded workbook at ~200× its file size (a 1.5 MB upload took 8 s and 270 MB);
# above this, stream a copy.
MARK_IN_PLACE_MAX_BYTES = 512 * 1024
FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
AUTHOR = "Park Registry"
ERRORS_SHEET = "导入错误 Errors"
_HEADINGS = ("工作表 Sheet", "行 Row", "列 Column", "值 Value", "代码 Code", "说明 Message")
_MESSAGE_WIDTH = 90
_WIDTH_SAMPLE_ROWS = 200
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

Marks = dict[str, dict[tuple[int, str], list[str]]]


def _marks(errors: list[dict[str, Any]]) -> Marks:
    """sheet → (row, column letter) → messages; an error without a cell marks its row's (or sheet's) A cell."""
    marks: Marks = defaultdict(lambda: defaultdict(list))
    for error in errors:
        if error["sheet"] is None:
            continue
        marks[error["sheet"]][(error["row"] or 1, error["column"] or "A")].append(error["message"])
    return marks


def _comment(messages: list[str]) -> Comment:
    text = "\n".join(dict.fromkeys(messages))
    return Comment(text, AUTHOR, height=min(400, 40 + 30 * len(messages)), width=360)


def _as_text(value: Any) -> bool:
    """Text that Excel would take for a formula is written as text: an upload never gains formulas."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")


def marked_workbook(filename: str, content: bytes, errors: list[dict[str, Any]]) -> bytes:
    fmt = inspect(filename, content)
    marks = _marks(errors)
    if fmt == "xlsx" and len(content) <= MARK_IN_PLACE_MAX_BYTES:
        workbook = load_workbook(io.BytesIO(content))
        grids = {grid.name: grid for grid in read_grids(fmt, filename, content)}
        for sheet in workbook.worksheets:
            grid = grids.get(sheet.title)
            if grid is None:
                set_up_pages(sheet, sheet.title)
                continue
            _widen(sheet, list(grid.rows_from(0))[:_WIDTH_SAMPLE_ROWS])
            widths = [_width(sheet, n) for n in range(1, sheet.max_column + 1)]
            set_up_pages(sheet, sheet.title, **_print_layout(grid, widths))
        for name, cells in marks.items():
            if name not in workbook.sheetnames:
                continue
            sheet = workbook[name]
            for (row, column), messages in cells.items():
                cell = _writable(sheet, f"{column}{row}")
                cell.fill = FILL
                cell.comment = _comment(messages)
        _error_list(workbook.create_sheet(ERRORS_SHEET, 0), errors)
        workbook.active = 0
    else:
        workbook = Workbook(write_only=True)
        _error_list(workbook.create_sheet(ERRORS_SHEET), errors)
        titles: set[str] = {ERRORS_SHEET}
        for grid in read_grids(fmt, filename, content):
            sheet = workbook.create_sheet(_title(grid.name, titles))
            # A copy starts with default widths: give each column the width of what it holds (the
            # first rows tell), so long names and messages are not cut off when printed.
            rows = list(grid.rows_from(0))
            fit_columns(sheet, zip_longest(*rows[:_WIDTH_SAMPLE_ROWS]), maximum=40)
            widths = [_width(sheet, n) for n in range(1, max(map(len, rows[:_WIDTH_SAMPLE_ROWS]), default=0) + 1)]
            set_up_pages(sheet, sheet.title, **_print_layout(grid, widths))
            cells = marks.get(grid.name, {})
            for number, row in enumerate(rows, start=1):
                sheet.append(
                    [_cell(sheet, value, cells.get((number, column_letter(n)))) for n, value in enumerate(row)]
                )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# The columns that name a row (a tenant, an IP item, a report), repeated at the left of every page of
# a sheet too wide for one, when they stand among its first few columns.
_NAMING = ("uscc", "name", "kind", "number", "period")
_NAMING_WITHIN = 4
_DEFAULT_WIDTH = 8.43  # Excel's width of a column that sets none


def _width(sheet: Worksheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    return dimension.width if dimension is not None and dimension.width else _DEFAULT_WIDTH


def _widen(sheet: Worksheet, rows: list[tuple]) -> None:
    """Columns the upload left at the default width get the width of what they hold, as a copy's do;
    widths the upload set are kept."""
    for index, values in enumerate(zip_longest(*rows), 1):
        if sheet.column_dimensions.get(get_column_letter(index)) is None:
            width = max((display_width(value) for value in values), default=0)
            sheet.column_dimensions[get_column_letter(index)].width = max(6, min(40, width + 2))


def _print_layout(grid: Grid, widths: list[float]) -> dict[str, Any]:
    """`set_up_pages` arguments for an uploaded sheet: its header row (as the import found it) atop
    every page; when too wide to read on one page (below 60 %), two or three pages across, each
    repeating the columns that name the row."""
    layout = find_layout(grid.head, kind_of_sheet_name(grid.name))
    if layout is None:
        return {"pages_wide": pages_across(widths)}
    naming = [c.index for c in layout.columns if c.field.key in _NAMING and c.index < _NAMING_WITHIN]
    repeated = max(naming) + 1 if naming else 0
    pages = pages_across(widths, repeated)
    return {
        "repeat_rows": f"{layout.header_row + 1}:{layout.header_row + 1}",
        "repeat_columns": f"A:{get_column_letter(repeated)}" if pages > 1 and repeated else None,
        "pages_wide": pages,
    }


def _writable(sheet: Worksheet, reference: str) -> Any:
    """The cell at `reference`, or the top-left cell of the merged range covering it."""
    for merged in sheet.merged_cells.ranges:
        if reference in merged:
            return sheet.cell(merged.min_row, merged.min_col)
    return sheet[reference]


def _cell(sheet: Worksheet, value: Any, messages: list[str] | None) -> Any:
    if value == "":
        value = None
    if messages is None and not _as_text(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if _as_text(value):
        cell.data_type = "s"
    if messages:
        cell.fill = FILL
        cell.comment = _comment(messages)
    return cell


def _title(name: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub("_", name)[:31] or "Sheet"
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base[:28]}~{n}"
    taken.add(title)
    return title


def _error_list(sheet: Worksheet, errors: list[dict[str, Any]]) -> None:
    """Every error, one per line: the list a manager works through (cells may be text or appended Cells,
    which both openpyxl modes accept)."""
    for letter, width in zip("ABCDEF", (18, 8, 8, 28, 20, _MESSAGE_WIDTH), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    set_up_pages(sheet, ERRORS_SHEET, repeat_rows="1:1")
    bold = Font(bold=True)
    heading = [WriteOnlyCell(sheet, value=text) for text in _HEADINGS]
    for cell in heading:
        cell.font = bold
    sheet.append(heading)
    for number, error in enumerate(errors, 2):
        # Spreadsheet programs keep a stored row height rather than measure wrapped text: give the
        # message's lines their height (a CJK character is two columns wide).
        columns = display_width(error["message"])
        sheet.row_dimensions[number].height = 15 * max(1, math.ceil(columns / (_MESSAGE_WIDTH - 2)))
        values = (error["sheet"], error["row"], error["column"], error["value"], error["code"], error["message"])
        sheet.append([_listed(sheet, value) for value in values])


_LISTED = Alignment(wrap_text=True, vertical="top")


def _listed(sheet: Worksheet, value: Any) -> Any:
    """A cell of the error list: wrapped within its column and aligned to the top of its line, so
    the list prints one page wide and legible."""
    cell = _cell(sheet, value, None)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.alignment = _LISTED
    return cell
