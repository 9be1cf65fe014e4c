"""Builders for the messy files managers really get, made in code, and a way to see what changed."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from itertools import count
from typing import Any

import pytest
import xlwt
from openpyxl import Workbook

from registry.actor import Actor
from registry.ip_numbers import make_patent_number
from registry.tables import AuditEntry, ImportBatch, IPItem, PeriodReport, Tenant

MANAGER = Actor("import-manager", "manager", source="api")
_patents = count(9_100_000)


def patent(year: int = 2016, type_digit: int = 1) -> str:
    """A checked invention (1) / utility model (2) / design (3) number nobody else in the suite uses."""
    return make_patent_number(year, type_digit, next(_patents))


def xlsx(sheets: dict[str, Iterable[Iterable[Any]]], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook with the given sheets; each row appended as it is (None leaves a cell empty)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xls(sheets: dict[str, Iterable[Iterable[Any]]]) -> bytes:
    """An old-Excel (BIFF8) workbook, dates formatted as dates."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(content: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same .xlsx with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


async def registry_state() -> dict[str, int]:
    """How many of each record the registry holds, and the highest audit id: enough to see any write."""
    last = await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id, ascending=False).first().run()
    return {
        "tenants": await Tenant.count().run(),
        "ip": await IPItem.count().run(),
        "reports": await PeriodReport.count().run(),
        "audit": await AuditEntry.count().run(),
        "last_audit": last["id"] if last else 0,
        "batches": await ImportBatch.count().run(),
    }


async def audited_since(before: dict[str, int]) -> list[tuple[str, str]]:
    """(entity, action) of every audit entry written since `before` was taken."""
    rows = (
        await AuditEntry.select(AuditEntry.entity, AuditEntry.action)
        .where(AuditEntry.id > before["last_audit"])
        .order_by(AuditEntry.id)
        .run()
    )
    return [(row["entity"], row["action"]) for row in rows]


async def assert_only_the_batch_recorded(before: dict[str, int], batches: int = 1) -> None:
    """Imports that changed no record: the registry as it was, but for their batches and each one's
    audit entry."""
    after = await registry_state()
    assert after | {"audit": 0, "last_audit": 0} == before | {
        "batches": before["batches"] + batches,
        "audit": 0,
        "last_audit": 0,
    }
    assert await audited_since(before) == [("import", "create")] * batches


@pytest.fixture
def manager() -> Actor:
    return MANAGER


@pytest.fixture(scope="session")
def import_api(base_url):
    """The app on a loopback port (the suite's one server, tests/server.py)."""
    return base_url
