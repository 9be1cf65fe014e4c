"""Hostile and unusable files: each a clear 4xx in seconds, the process unharmed, nothing written."""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest
import xlwt
from openpyxl import Workbook

from importers import ImportRefused, run_import
from importers.safety import MAX_UNCOMPRESSED, MAX_ZIP_ENTRIES
from tests.conftest import new_uscc
from tests.importers.conftest import registry_state, rezip, xlsx
from tests.importers.test_messy_files import TENANT_HEADERS


def _good() -> bytes:
    return xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "正常企业", "其他", "在孵", None]]})


def _ole(stream_name: str | None = None, patch: tuple[bytes, bytes] | None = None) -> bytes:
    """An .xls from xlwt, its one stream renamed, or one BIFF record's bytes swapped for others."""
    book = xlwt.Workbook()
    book.add_sheet("企业").write(0, 0, "统一社会信用代码")
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    if stream_name:
        at = data.find("Workbook".encode("utf-16-le"))
        name = stream_name.encode("utf-16-le")
        data[at : at + 64] = name + bytes(64 - len(name))
        struct.pack_into("<H", data, at + 64, len(name) + 2)
    if patch:
        at = data.find(patch[0])
        data[at : at + len(patch[1])] = patch[1]
    return bytes(data)


def _declare(content: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s declared uncompressed size in the central directory set to `size`."""
    at = content.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", content, at + 28)[0]
        if content[at + 46 : at + 46 + name_length].decode() == name:
            patched = bytearray(content)
            struct.pack_into("<I", patched, at + 24, size)
            return bytes(patched)
        at = content.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


def _bomb() -> bytes:
    return rezip(_good(), add={"xl/media/zeros.bin": bytes(60 * 1024 * 1024)})


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return rezip(_good(), replace={"xl/worksheets/sheet1.xml": sheet.encode()})


def _external_entity() -> bytes:
    strings = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    return rezip(_good(), add={"xl/sharedStrings.xml": strings.encode()})


def _utf16_doctype() -> bytes:
    sheet = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'
    return rezip(_good(), replace={"xl/worksheets/sheet1.xml": sheet.encode("utf-16")})


def _far_apart_cells() -> bytes:
    book = Workbook()
    book.active["A1"] = "统一社会信用代码"
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _too_many_entries() -> bytes:
    return rezip(_good(), add={f"xl/extra/{n}.xml": b"<x/>" for n in range(MAX_ZIP_ENTRIES)})


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


CASES = {
    "zip bomb (ratio)": ("x.xlsx", _bomb, 413, "zip_bomb"),
    "declared size over the cap": (
        "x.xlsx",
        lambda: _declare(_good(), "xl/styles.xml", MAX_UNCOMPRESSED + 1),
        413,
        "zip_bomb",
    ),
    "inflates beyond its declared size": ("x.xlsx", lambda: _declare(_good(), "xl/styles.xml", 10), 413, "zip_bomb"),
    "too many zip entries": ("x.xlsx", _too_many_entries, 413, "zip_bomb"),
    "billion laughs": ("x.xlsx", _billion_laughs, 422, "xml_entities"),
    "external entity": ("x.xlsx", _external_entity, 422, "xml_entities"),
    "DTD in UTF-16 XML": ("x.xlsx", _utf16_doctype, 422, "xml_entities"),
    "cells at A1 and XFD1048576": ("x.xlsx", _far_apart_cells, 413, "too_many_cells"),
    "macro-enabled (vbaProject.bin)": (
        "x.xlsx",
        lambda: rezip(_good(), add={"xl/vbaProject.bin": b"\x00" * 64}),
        415,
        "macro_enabled",
    ),
    "macro-enabled by name": ("报表.xlsm", _good, 415, "macro_enabled"),
    "macro-enabled .xls": ("x.xls", lambda: _ole("_VBA_PROJECT_CUR"), 415, "macro_enabled"),
    "encrypted .xlsx (OLE EncryptedPackage)": ("x.xlsx", lambda: _ole("EncryptedPackage"), 415, "encrypted"),
    "encrypted .xls (FILEPASS)": (
        "x.xls",
        lambda: _ole(patch=(b"\x12\x00\x02\x00", b"\x2f\x00\x02\x00")),
        415,
        "encrypted",
    ),
    "Word document": ("x.docx", _docx, 415, "not_a_spreadsheet"),
    "OLE without a workbook": ("x.doc", lambda: _ole("WordDocument"), 415, "not_a_spreadsheet"),
    "PDF": ("x.pdf", lambda: b"%PDF-1.4\n" + bytes(100), 415, "not_a_spreadsheet"),
    "PNG named .xlsx": ("x.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), 415, "not_a_spreadsheet"),
    "web page saved as .xls": (
        "x.xls",
        lambda: b"<html><table><tr><td>1</td></tr></table></html>",
        415,
        "not_a_spreadsheet",
    ),
    "binary junk": ("x.csv", lambda: bytes(range(256)) * 4, 415, "not_a_spreadsheet"),
    "damaged zip": ("x.xlsx", lambda: b"PK\x03\x04" + bytes(200), 422, "corrupt"),
    "text that is no sheet": ("readme.csv", lambda: "这是一段说明文字\n没有表头\n".encode(), 422, "no_sheets"),
    "empty file": ("x.xlsx", lambda: b"", 415, "empty"),
    "over 20 MB": ("x.csv", lambda: b"a," * (10 * 1024 * 1024 + 1), 413, "too_large"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_hostile_file_is_refused_clearly_and_nothing_is_written(manager, case):
    filename, build, status, code = CASES[case]
    content = build()
    before = await registry_state()
    started = time.monotonic()
    with pytest.raises(ImportRefused) as refused:
        await run_import(manager, filename, content, dry_run=False)
    assert time.monotonic() - started < 5
    assert (refused.value.status, refused.value.code) == (status, code)
    assert 400 <= refused.value.status < 500
    assert "/" in refused.value.detail  # Chinese / English
    assert await registry_state() == before


async def test_the_good_file_the_hostile_ones_are_made_from_imports(manager):
    report = await run_import(manager, "x.xlsx", _good(), dry_run=True)
    assert report.status == "dry_run" and not report.errors
