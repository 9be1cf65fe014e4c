"""Opening uploads safely: what a file really is, and whether it may be parsed at all.

Everything here runs before any spreadsheet parser sees the bytes. The spreadsheet readers build
a dense grid per sheet (two cells at A1 and XFD1048576 would ask for 17 billion), inflate zip
entries without a bound and, for XML, may be handed entity declarations; so the checks are made on
the raw container: zip entry count, declared and actual uncompressed sizes, compression ratio, any
DTD in an XML part, the grid each sheet would need, encryption and macros.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Literal

import olefile

from registry.errors import RegistryError

Format = Literal["xlsx", "xls", "csv"]

MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
# Spreadsheet XML compresses 5–30×; deflate bombs reach 1000×.
MAX_RATIO = 100
# Cells the readers may lay out (rows × columns of each sheet's used range, all sheets together).
MAX_CELLS = 5_000_000

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_FORMATS = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7-Zip"),
    (b"Rar!", "RAR"),
    (b"{\\rtf", "RTF"),
)
_SAVE_AS = "请在 Excel 或 WPS 中另存为 .xlsx 后再上传 / open it in Excel or WPS, save it as .xlsx and upload that"


class ImportRefused(RegistryError):
    """A file the importer will not open: too large, hostile, encrypted, macro-enabled, not a spreadsheet."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = {413: "Payload too large", 415: "Unsupported media type"}.get(status, "Unprocessable file")


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise ImportRefused(
            413,
            "too_large",
            f"文件大小 {size:,} 字节超过上限 {limit:,} 字节 / the file ({size:,} bytes) is over the "
            f"{limit:,}-byte limit",
        )
    if size == 0:
        raise ImportRefused(415, "empty", "文件为空 / the file is empty")


def inspect(filename: str, content: bytes) -> Format:
    """The file's format once it has passed every check; ImportRefused otherwise."""
    head = content[:8]
    lower = filename.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlam")):
        raise _macros()
    if head.startswith((_ZIP, _EMPTY_ZIP)):
        _check_zip(content)
        return "xlsx"
    if head.startswith(_OLE):
        _check_ole(content)
        return "xls"
    for magic, name in _OTHER_FORMATS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(f"这是 {name} 文件 / this is a {name} file")
    sample = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<workbook")):
        raise _not_a_spreadsheet(
            "这是网页或 XML 表格（常见于系统导出的“.xls”）/ this is a web page or XML table (as some systems "
            "export “.xls”); " + _SAVE_AS
        )
    if b"\x00" in content[:65536] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_a_spreadsheet("文件含二进制内容 / the file holds binary data")
    return "csv"


def _not_a_spreadsheet(why: str) -> ImportRefused:
    return ImportRefused(
        415,
        "not_a_spreadsheet",
        f"不是可导入的表格（.xlsx、.xls、.csv）：{why} / not an importable spreadsheet (.xlsx, .xls, .csv): {why}",
    )


def _macros() -> ImportRefused:
    return ImportRefused(
        415,
        "macro_enabled",
        "含宏的工作簿不予导入（宏不会被执行，也不会被读取）/ macro-enabled workbooks are refused (macros are "
        "neither run nor read); " + _SAVE_AS,
    )


def _encrypted() -> ImportRefused:
    return ImportRefused(
        415,
        "encrypted",
        "文件已加密或设有打开密码，无法读取 / the file is encrypted or password-protected and cannot be read; "
        "请取消密码后另存再上传 / remove the password, save and upload again",
    )


def _bomb(why: str) -> ImportRefused:
    return ImportRefused(
        413,
        "zip_bomb",
        f"压缩内容异常，拒绝解压：{why} / the compressed content is out of bounds and was not unpacked: {why}",
    )


def _corrupt(why: str) -> ImportRefused:
    return ImportRefused(422, "corrupt", f"文件已损坏，无法读取 / the file is damaged and cannot be read: {why}")


def _too_many_cells(cells: int) -> ImportRefused:
    return ImportRefused(
        413,
        "too_many_cells",
        f"工作表范围过大（{cells:,} 个单元格，上限 {MAX_CELLS:,}）/ the sheets span {cells:,} cells; the limit is "
        f"{MAX_CELLS:,}. 请删除远离数据的空白或格式单元格 / delete stray cells far from the data",
    )


# .xlsx --------------------------------------------------------------------------------------------

_DTD = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
# Cell references (r="AB12") and row numbers (r="12"), read after folding other whitespace to spaces
# and single quotes to double ones, so that a literal prefix keeps the scan fast and `ref=` stays out.
_FOLD = bytes.maketrans(b"\t\r\n'", b'   "')
_CELL_COLUMN = re.compile(rb' r *= *"([A-Z]{1,3})[0-9]{1,7}"')
_ROW_NUMBER = re.compile(rb' r *= *"[A-Z]{0,3}([0-9]{1,7})"')
_OVERLAP = 64


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _corrupt(str(error)) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _bomb(f"{len(entries):,} 个条目 / {len(entries):,} entries (limit {MAX_ZIP_ENTRIES:,})")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNCOMPRESSED:
        raise _bomb(f"解压后 {declared:,} 字节 / {declared:,} bytes uncompressed (limit {MAX_UNCOMPRESSED:,})")
    names = {entry.filename for entry in entries}
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise _encrypted()
    if "xl/workbook.bin" in names:
        raise _not_a_spreadsheet("二进制工作簿 .xlsb / a binary .xlsb workbook; " + _SAVE_AS)
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise _not_a_spreadsheet("这是 Word 或 PowerPoint 文档 / this is a Word or PowerPoint document")
        raise _not_a_spreadsheet("压缩包中没有工作簿 / a zip archive without a workbook")
    if any(name.lower().endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") for name in names):
        raise _macros()
    cells = 0
    for entry in entries:
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(f"不支持的压缩方式 / unsupported compression method {entry.compress_type}")
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise _bomb(f"{entry.filename} 压缩比超过 {MAX_RATIO} / compression ratio over {MAX_RATIO}")
        cells += _scan_part(content, entry)
        if cells > MAX_CELLS:
            raise _too_many_cells(cells)
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroEnabled" in content_types:
        raise _macros()


def _inflate(content: bytes, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes, inflated in bounded steps; more than it declares is a bomb."""
    offset = entry.header_offset
    if content[offset : offset + 4] != _ZIP:
        raise _corrupt(f"{entry.filename}: 本地文件头缺失 / missing local header")
    name_length, extra_length = struct.unpack_from("<HH", content, offset + 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(content)[start : start + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        for position in range(0, len(raw), 1 << 20):
            yield bytes(raw[position : position + (1 << 20)])
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        for position in range(0, len(raw), 1 << 18):
            pending = raw[position : position + (1 << 18)]
            while pending:
                out = inflater.decompress(pending, 1 << 20)
                produced += len(out)
                if produced > entry.file_size:
                    raise _bomb(f"{entry.filename} 实际大于声明 / inflates beyond its declared size")
                yield out
                pending = inflater.unconsumed_tail
        rest = inflater.flush()
    except zlib.error as error:
        raise _corrupt(f"{entry.filename}: {error}") from None
    produced += len(rest)
    if produced != entry.file_size or not inflater.eof:
        raise _corrupt(f"{entry.filename} 大小与声明不符 / size differs from its declaration")
    yield rest


def _scan_part(content: bytes, entry: zipfile.ZipInfo) -> int:
    """Inflate one part, refusing DTDs; return the cells its sheet grid would span.

    Every part is scanned, whatever its name: a workbook's relationships may point a sheet anywhere.
    """
    columns: set[bytes] = set()
    last_row = 0
    tail = b""
    for chunk in _inflate(content, entry):
        window = tail + chunk
        if any(marker in window for marker in _DTD):
            raise ImportRefused(
                422,
                "xml_entities",
                f"{entry.filename} 含 DTD/实体声明，已拒绝（XML 实体攻击）/ holds a DTD or entity declarations, "
                "which spreadsheets never need (an XML entity attack); refused",
            )
        folded = window.translate(_FOLD)
        if b" r" in folded:
            columns.update(_CELL_COLUMN.findall(folded))
            rows = _ROW_NUMBER.findall(folded)
            if rows:
                last_row = max(last_row, max(map(int, rows)))
        tail = window[-_OVERLAP:]
    if not columns and not last_row:
        return 0
    width = max((_column_number(c.decode()) for c in columns), default=1)
    return width * max(last_row, 1)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# .xls ---------------------------------------------------------------------------------------------

_BOF, _EOF, _FILEPASS = 0x0809, 0x000A, 0x002F
_CELL_RECORDS = {0x0006, 0x00BD, 0x00BE, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E}
_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: first column at the start, last column at the end


def _check_ole(content: bytes) -> None:
    try:
        container = olefile.OleFileIO(content)
    except (OSError, ValueError, struct.error) as error:
        raise _corrupt(str(error)) from None
    with container:
        if container.exists("EncryptedPackage") or container.exists("EncryptionInfo"):
            raise _encrypted()
        if container.exists("_VBA_PROJECT_CUR") or container.exists("Macros"):
            raise _macros()
        stream = next((name for name in ("Workbook", "Book") if container.exists(name)), None)
        if stream is None:
            raise _not_a_spreadsheet("这是 Word、PowerPoint 或其他 OLE 文档 / a Word, PowerPoint or other OLE document")
        biff = container.openstream(stream).read()
    cells = _biff_cells(biff)
    if cells > MAX_CELLS:
        raise _too_many_cells(cells)


def _biff_cells(biff: bytes) -> int:
    """Walk the BIFF records: refuse encryption, and add up each sheet's rows × columns."""
    total, rows, columns = 0, 0, 0
    position, end = 0, len(biff)
    while position + 4 <= end:
        record, length = struct.unpack_from("<HH", biff, position)
        body = position + 4
        if record == _FILEPASS:
            raise _encrypted()
        if record in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", biff, body)
            if record in _MULTI and length >= 6:
                (column,) = struct.unpack_from("<H", biff, body + length - 2)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif record in (_BOF, _EOF):
            total += rows * columns
            rows = columns = 0
        position = body + length
    return total + rows * columns
