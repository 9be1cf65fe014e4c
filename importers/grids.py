"""Reading a checked file into grids: each sheet's cells as Excel lays them out, from A1.

.xlsx and .xls go through python-calamine (many times faster than openpyxl, and it turns date
cells into dates by their number format); .csv through the csv module after finding its encoding.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import PurePath
from typing import Any

import python_calamine

from importers.headers import HEADER_SEARCH_ROWS
from importers.safety import MAX_CELLS, Format, ImportRefused

_CALAMINE_ERRORS = (python_calamine.CalamineError, ValueError, OSError)
# Fields longer than this are not a spreadsheet cell a person typed.
_CSV_FIELD_LIMIT = 1024 * 1024


class Grid:
    """A sheet's cells as Excel lays them out: row i, cell j is the cell at Excel row i + 1, column
    j + 1 ('' or None when empty). The first HEADER_SEARCH_ROWS rows (`head`, where the header and
    the title are looked for) are held; the rest are read as they are asked for, once, so a
    100,000-row sheet is never all in memory as Python lists."""

    def __init__(self, name: str, rows: Iterable[list[Any]], hidden: bool = False) -> None:
        self.name = name
        self.hidden = hidden
        self._rows = iter(rows)
        self.head: list[list[Any]] = list(islice(self._rows, HEADER_SEARCH_ROWS))
        self._taken = False

    def rows_from(self, start: int) -> Iterator[list[Any]]:
        """The rows from index `start` (0 is Excel's row 1; at most len(head)) to the sheet's end."""
        if self._taken:
            raise RuntimeError(f"the rows of {self.name!r} were read already")
        if start > len(self.head):
            raise ValueError(f"row {start} is past the head of {self.name!r}")
        self._taken = True
        return chain(self.head[start:], self._rows)


def read_grids(fmt: Format, filename: str, content: bytes) -> Iterator[Grid]:
    """One grid per sheet, read one at a time so a large workbook is never all in memory."""
    if fmt == "csv":
        yield Grid(PurePath(filename).stem or "CSV", _csv_rows(content))
        return
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = [
            (meta.name, meta.visible == python_calamine.SheetVisibleEnum.Visible)
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    except _CALAMINE_ERRORS as error:
        raise _unreadable(error) from None
    for name, visible in sheets:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except _CALAMINE_ERRORS as error:
            raise _unreadable(error) from None
        yield Grid(name, _calamine_rows(sheet), hidden=not visible)


def _calamine_rows(sheet: python_calamine.CalamineSheet) -> Iterator[list[Any]]:
    """Row by row from A1. calamine's rows start at row 1 but at the used range's first column: the
    empty columns before it are put back, as `to_python(skip_empty_area=False)` would have them."""
    pad = [""] * sheet.start[1] if sheet.start else []
    try:
        for row in sheet.iter_rows():
            yield pad + row if pad else row
    except _CALAMINE_ERRORS as error:
        raise _unreadable(error) from None


def _unreadable(error: Exception) -> ImportRefused:
    text = str(error)
    if isinstance(error, python_calamine.PasswordError) or "password" in text.lower():
        return ImportRefused(415, "encrypted", f"文件已加密，无法读取 / the file is encrypted: {text}")
    return ImportRefused(422, "corrupt", f"无法读取该工作簿 / the workbook cannot be read: {text}")


# How to make a text file the importer reads, in the programs parks save CSV files with.
_SAVE_AS_UTF8_ZH = (
    "请用 Excel 打开后“另存为”→“CSV UTF-8（逗号分隔）(*.csv)”，或在 WPS、记事本另存时把编码选为 UTF-8，再上传"
)
_SAVE_AS_UTF8_EN = (
    "open it in Excel and Save As “CSV UTF-8 (Comma delimited) (*.csv)”, or choose UTF-8 as the "
    "encoding when saving in WPS or Notepad, and upload that"
)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 — what Excel and WPS save."""
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if content.startswith(bom):
            try:
                return content[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                # The byte order mark says what the file is; the text breaks that promise.
                raise _bad_text(
                    f"{name}（文件开头的 BOM 所示）", f"{name}, as its byte order mark says", error
                ) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        as_utf8 = error
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError as error:
        # Where the text stops being either: the later of the two first bad bytes (a file that is
        # GB18030 up to a point was meant as GB18030, and vice versa).
        later = max(as_utf8, error, key=lambda e: e.start)
        raise _bad_text("UTF-8、GB18030（含 GBK）", "UTF-8, GB18030 (GBK included)", later) from None


def _bad_text(tried_zh: str, tried_en: str, error: UnicodeDecodeError) -> ImportRefused:
    """The refusal of a text file: where its first unreadable byte is (line, and character within the
    line as an editor counts them), the encodings tried, and how to save the file as UTF-8."""
    data: bytes = error.object
    newline = "\n".encode(error.encoding)
    line = data.count(newline, 0, error.start) + 1
    start = data.rfind(newline, 0, error.start) + len(newline) if line > 1 else 0
    column = len(data[start : error.start].decode(error.encoding, errors="replace")) + 1
    bad = f"0x{data[error.start]:02X}"
    return ImportRefused(
        415,
        "not_a_spreadsheet",
        f"无法识别文本编码：第 {line} 行第 {column} 个字符处的字节 {bad} 无法读取（已尝试 {tried_zh}）；{_SAVE_AS_UTF8_ZH} / "
        f"the text cannot be read: byte {bad} at line {line}, column {column} fits none of the encodings tried "
        f"({tried_en}); {_SAVE_AS_UTF8_EN}",
    )


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = decode_text(content)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    rows, cells = [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            cells += len(row)
            if cells > MAX_CELLS:
                raise ImportRefused(
                    413, "too_many_cells", f"CSV 超过 {MAX_CELLS:,} 个单元格 / the CSV holds over {MAX_CELLS:,} cells"
                )
            rows.append([_unwrap(cell) for cell in row])
    except csv.Error as error:
        raise ImportRefused(422, "corrupt", f"CSV 格式错误 / malformed CSV: {error}") from None
    return rows


def _unwrap(cell: str) -> str:
    """="00123" is how CSV writers keep Excel from eating leading zeros; the text is what is meant."""
    if len(cell) >= 3 and cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    return cell
