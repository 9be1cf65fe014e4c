"""The import: check the file, read its sheets, clean every row, plan against the registry, then
apply the whole plan in one transaction — or nothing at all when anything is wrong.

Reading and cleaning run in a worker thread (they are CPU work and must not stall the server);
a real import plans inside its write transaction, so what was checked is what gets written.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from importers.cells import shown
from importers.grids import read_grids
from importers.headers import KEY_COLUMNS, column_letter, find_layout, kind_of_sheet_name
from importers.report import KINDS, ImportReport, Issue, Issues, empty_counts
from importers.rows import SheetRows, read_rows
from importers.safety import Format, ImportRefused, check_size, inspect
from registry.actor import Actor
from registry.db import DB, write_transaction
from registry.errors import Conflict, NotFound
from registry.identifiers import is_row_id
from registry.services import bulk
from registry.settings import settings
from registry.tables import ImportBatch
from registry.vocabulary import SHEETS, field_named

_KIND_NAMES = {"tenants": "企业 / tenants", "ip": "知识产权 / IP items", "reports": "经营数据 / reports"}
_NOT_FOUND = "未找到该导入批次 / import batch not found"


def read_file(fmt: Format, filename: str, content: bytes, issues: Issues) -> list[SheetRows]:
    """Every recognised sheet's cleaned rows; cell and header problems go to `issues`."""
    sheets: list[SheetRows] = []
    seen: list[str] = []
    for grid in read_grids(fmt, filename, content):
        seen.append(grid.name)
        kind = None if fmt == "csv" else kind_of_sheet_name(grid.name)
        if kind is None and grid.hidden:
            continue
        layout = find_layout(grid.rows, kind)
        if layout is None:
            if kind is not None:
                issues.error(grid.name, None, None, None, "header_not_found",
                             "找不到表头行（前 30 行中没有可识别的列名）/ no header row found: none of the first 30 "
                             "rows names the sheet's columns")
            elif fmt != "csv" and any(any(cell not in (None, "") for cell in row) for row in grid.rows):
                issues.warn(grid.name, None, None, None, "sheet_ignored",
                            "工作表未识别为企业、知识产权或经营数据，已忽略 / not a tenants, IP or reports sheet; "
                            "ignored")
            continue
        header_row = layout.header_row + 1
        if kind is None and fmt != "csv":
            issues.warn(grid.name, header_row, None, None, "sheet_kind_by_headers",
                        f"按表头识别为{_KIND_NAMES[layout.kind]}表 / read as a {_KIND_NAMES[layout.kind]} sheet "
                        "by its headers")
        for problem in layout.problems:
            issues.error(grid.name, header_row, column_letter(problem.index), problem.value, problem.code,
                         problem.message)
        for index, text in layout.unknown:
            issues.warn(grid.name, header_row, column_letter(index), text, "unknown_column",
                        "未知的列，已忽略 / unknown column, ignored")
        if layout.sheet_unit:
            issues.warn(grid.name, None, None, layout.sheet_unit, "sheet_unit",
                        f"未注明单位的金额列按“单位：{layout.sheet_unit}”读取 / money columns without their own "
                        f"unit read in {layout.sheet_unit}, as the note above the header says")
        sheets.append(read_rows(grid, layout, issues))
    if not sheets and not issues.errors:
        names = "、".join(seen) or "—"
        raise ImportRefused(
            422, "no_sheets",
            f"没有找到企业、知识产权或经营数据表（工作表：{names}）/ no tenants, IP or reports sheet was found "
            f"(sheets: {names}); name sheets 企业/Tenants, 知识产权/IP, 经营数据/Reports or use the template's headers",
        )
    return sheets


@dataclass
class _Batch:
    """The rows of one kind from every sheet of that kind, and where each came from."""

    records: list[dict[str, Any]]
    refs: list[tuple[SheetRows, int]]


def _by_kind(sheets: list[SheetRows]) -> dict[str, _Batch]:
    batches = {kind: _Batch([], []) for kind in KINDS}
    for sheet in sheets:
        batch = batches[sheet.kind]
        batch.records += sheet.records
        batch.refs += [(sheet, row) for row in sheet.rows]
    return batches


async def plan(sheets: list[SheetRows], issues: Issues) -> dict[str, bulk.Plan]:
    """Match every row against the registry; problems go to `issues` at their cells."""
    batches = _by_kind(sheets)
    named = set().union(*(sheet.usccs for sheet in sheets if sheet.kind == "tenants"))
    plans = {
        "tenants": await bulk.plan_tenants(batches["tenants"].records),
        "ip": await bulk.plan_ip_items(batches["ip"].records, named),
        "reports": await bulk.plan_reports(batches["reports"].records, named),
    }
    for kind, kind_plan in plans.items():
        _report_problems(kind, batches[kind], kind_plan.problems, issues)
    return plans


def _report_problems(kind: str, batch: _Batch, problems: list[bulk.Problem], issues: Issues) -> None:
    missing: dict[tuple[str, str], list[int]] = {}
    for problem in problems:
        sheet, row = batch.refs[problem.index]
        letter = sheet.letter(problem.field)
        if letter is None and problem.code == "required":
            missing.setdefault((sheet.name, problem.field), []).append(row)
            continue
        message = problem.message
        if problem.first is not None:
            first_sheet, first_row = batch.refs[problem.first]
            where = f"{first_sheet.name} 第 {first_row} 行" if first_sheet is not sheet else f"第 {first_row} 行"
            place = f"row {first_row}" + ("" if first_sheet is sheet else f" of {first_sheet.name}")
            message = f"与{where}重复 / repeats {place}"
        value = batch.records[problem.index].get(problem.field)
        issues.error(sheet.name, row, letter, shown(value), problem.code, message)
    sheets = {sheet.name: sheet for sheet, _ in batch.refs}
    for (name, key), rows in missing.items():
        field = field_named(SHEETS[kind][2], key)
        needed = "新记录必填" if key not in KEY_COLUMNS[kind] else "每行必填"
        issues.error(name, sheets[name].layout.header_row + 1, None, None, "missing_column",
                     f"缺少“{field.zh}”列（{needed}，涉及 {len(rows)} 行，首行为第 {rows[0]} 行）/ the "
                     f"{field.en} column is missing; {len(rows)} rows need it, the first is row {rows[0]}")


def _sorted(issues: list[Issue], order: dict[str | None, int]) -> list[dict[str, Any]]:
    def key(issue: Issue) -> tuple:
        column = issue.column or ""
        return (issue.sheet is None, order.get(issue.sheet, -1), issue.row or 0, len(column), column)

    return [issue.to_json() for issue in sorted(issues, key=key)]


class _Invalid(Exception):
    """Raised inside the write transaction to roll it back when planning found errors."""


async def run_import(
    actor: Actor,
    filename: str,
    content: bytes,
    dry_run: bool,
    *,
    progress: bulk.Progress | None = None,
) -> ImportReport:
    """Import a spreadsheet (SPEC §4). ImportRefused for files that cannot be read at all."""
    actor.require_role("admin", "manager")
    check_size(len(content), settings().import_max_bytes)
    filename = re.split(r"[\\/]", filename)[-1][:255] or "upload"  # browsers may send a client-side path
    fmt = inspect(filename, content)
    issues = Issues()
    sheets = await asyncio.to_thread(read_file, fmt, filename, content, issues)
    batch = {
        "created_at": datetime.now(UTC),
        "username": actor.username,
        "source": actor.source,
        "filename": filename,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "dry_run": dry_run,
    }
    order = {sheet.name: n for n, sheet in enumerate(sheets)}
    if issues.errors or dry_run:
        async with DB.transaction():  # one consistent read of the registry for the whole plan
            plans = await plan(sheets, issues)
        status = "invalid" if issues.errors else "dry_run"
        return await _record(batch, status, plans, issues, order, content if issues.errors else None)
    try:
        async with write_transaction():
            plans = await plan(sheets, issues)
            if issues.errors:
                raise _Invalid
            batch_id = await _insert(batch, "applied", plans, issues, order, None)
            importer = replace(actor, source=f"import:{batch_id}")
            await bulk.apply_tenants(importer, plans["tenants"], progress)
            await bulk.apply_ip_items(importer, plans["ip"], progress)
            await bulk.apply_reports(importer, plans["reports"], progress)
    except _Invalid:
        return await _record(batch, "invalid", plans, issues, order, content)
    except Conflict as conflict:
        issues.error(None, None, None, None, "conflict", conflict.detail)
        return await _record(batch, "invalid", plans, issues, order, content)
    return await get_batch(actor, batch_id)


def _counts(plans: dict[str, bulk.Plan]) -> dict[str, dict[str, int]]:
    return empty_counts() | {kind: kind_plan.counts.as_dict() for kind, kind_plan in plans.items()}


async def _insert(batch: dict, status: str, plans: dict[str, bulk.Plan], issues: Issues,
                  order: dict[str | None, int], content: bytes | None) -> int:
    errors, warnings = issues.listed()
    row = ImportBatch(
        **batch,
        status=status,
        counts=json.dumps(_counts(plans)),
        errors=json.dumps(_sorted(errors, order), ensure_ascii=False),
        warnings=json.dumps(_sorted(warnings, order), ensure_ascii=False),
        content=content,
    )
    inserted = await ImportBatch.insert(row).returning(ImportBatch.id).run()
    return inserted[0]["id"]


async def _record(batch: dict, status: str, plans: dict[str, bulk.Plan], issues: Issues,
                  order: dict[str | None, int], content: bytes | None) -> ImportReport:
    async with write_transaction():
        batch_id = await _insert(batch, status, plans, issues, order, content)
    return await _fetch_report(batch_id)


_REPORT_COLUMNS = [column for column in ImportBatch._meta.columns if column._meta.name != "content"]


async def _fetch_report(batch_id: int) -> ImportReport:
    if not is_row_id(batch_id):
        raise NotFound(_NOT_FOUND)
    row = await ImportBatch.select(*_REPORT_COLUMNS).where(ImportBatch.id == batch_id).output(load_json=True).first().run()
    if row is None:
        raise NotFound(_NOT_FOUND)
    return ImportReport(
        id=row["id"], status=row["status"], sheets=empty_counts() | row["counts"], errors=row["errors"],
        warnings=row["warnings"], filename=row["filename"], sha256=row["sha256"], size=row["size"],
        dry_run=row["dry_run"], created_at=row["created_at"], created_by=row["username"],
    )


async def get_batch(actor: Actor, batch_id: int) -> ImportReport:
    actor.require_role("admin", "manager")
    return await _fetch_report(batch_id)


async def errors_workbook(actor: Actor, batch_id: int) -> bytes:
    """The uploaded workbook with every bad cell filled and its message attached as a comment."""
    from importers.marks import marked_workbook  # openpyxl: loaded only by the rare errors.xlsx request

    report = await get_batch(actor, batch_id)
    row = await ImportBatch.select(ImportBatch.content).where(ImportBatch.id == batch_id).first().run()
    if not report.errors or row is None or row["content"] is None:
        raise NotFound("该导入没有错误 / this import had no errors")
    content = bytes(row["content"])
    return await asyncio.to_thread(marked_workbook, report.filename, content, report.errors)
