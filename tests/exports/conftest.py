"""Factories and workbook readers for the export tests."""

from __future__ import annotations

import zipfile
from io import BytesIO
from itertools import count

from openpyxl import load_workbook

from registry.actor import SYSTEM
from registry.ip_numbers import make_patent_number
from registry.services.ip_items import create_ip
from registry.services.reports import put_report

_patent_serial = count(100_000)


_PATENT_TYPE = {"invention": 1, "utility_model": 2, "design": 3}


async def make_ip(uscc: str, kind: str = "invention", **overrides) -> dict:
    data = {
        "kind": kind,
        "number": make_patent_number(2016, _PATENT_TYPE[kind], next(_patent_serial)) if kind in _PATENT_TYPE else None,
        "title": "一种测试装置",
        "filed_on": "2016-02-01",
        "granted_on": "2016-09-01",
        "status": "valid",
    } | overrides
    return await create_ip(SYSTEM, uscc, data)


async def make_report(uscc: str, period: str, **figures) -> dict:
    row, _ = await put_report(SYSTEM, uscc, period, figures)
    return row


def open_workbook(content: bytes):
    return load_workbook(BytesIO(content))


def sheet_xml(content: bytes, title: str) -> str:
    """The raw XML of the sheet named `title` (to check what the file itself holds)."""
    book = load_workbook(BytesIO(content), read_only=True)
    index = book.sheetnames.index(title) + 1
    book.close()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def formulas(book) -> list[str]:
    """Coordinates of every formula cell in the workbook."""
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
