"""The import: check the file, read its sheets, clean every row, plan against the registry, then
apply the whole plan in one transaction — or nothing at all when anything is wrong.

Reading and cleaning run in a worker thread (they are CPU work and must not stall the server);
a real import plans inside its write transaction, so what was checked is what gets written.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from importers.cells import shown
from importers.changes import SHOWN_AT_ONCE, change_list
from importers.defaults import fill_defaults, ip_key
from importers.grids import read_grids
from importers.headers import (
    column_letter,
    expected_headers,
    find_layout,
    headers_wanted,
    kind_of_sheet_name,
    seen_headers,
)
from importers.owners import find_owners
from importers.report import ImportReport, Issue, Issues, empty_counts, full_counts
from importers.rows import UNSAID_WHEN_BLANK, SheetRows, read_rows
from importers.safety import Format, ImportRefused, check_size, inspect
from registry import audit
from registry.actor import Actor
from registry.db import current, read_transaction, write_transaction
from registry.errors import Conflict, FieldError, NotFound, ValidationFailed
from registry.permissions import Action
from registry.records import CONTROL_CHARACTERS
from registry.services import bulk, deadlines, import_batches
from registry.services.listing import Page
from registry.vocabulary import IMPORT_ONLY_FIELDS, SHEET_KINDS, SHEETS, field_named

# A kind of sheet in each language, for messages that say one language and then the other.
_KIND_ZH = {"tenants": "企业", "ip": "知识产权", "reports": "经营数据", "fees": "年费缴纳"}
_KIND_EN = {"tenants": "a tenants", "ip": "an IP items", "reports": "a reports", "fees": "an annual fees"}
_NOT_FOUND = "未找到该导入批次 / import batch not found"
_log = logging.getLogger("park.import")


def read_file(fmt: Format, filename: str, content: bytes, issues: Issues) -> list[SheetRows]:
    """Every recognised sheet's cleaned rows; cell and header problems go to `issues`."""
    sheets: list[SheetRows] = []
    seen: list[tuple[str, list[str]]] = []
    for grid in read_grids(fmt, filename, content):
        seen.append((grid.name, seen_headers(grid.head)))
        kind = None if fmt == "csv" else kind_of_sheet_name(grid.name)
        if kind is None and grid.hidden:
            continue
        layout = find_layout(grid.head, kind)
        if layout is None:
            if kind is not None:
                issues.error(
                    grid.name,
                    None,
                    None,
                    None,
                    "header_not_found",
                    "找不到表头行（前 30 行中没有可识别的列名）/ no header row found: none of the first 30 "
                    "rows names the sheet's columns",
                )
            elif fmt != "csv" and any(any(cell not in (None, "") for cell in row) for row in grid.rows_from(0)):
                headers = seen[-1][1]
                issues.warn(
                    grid.name,
                    None,
                    None,
                    ", ".join(headers[:30]) or None,
                    "sheet_ignored",
                    "工作表未识别为企业、知识产权或经营数据，已忽略 / not a tenants, IP or reports sheet; "
                    f"ignored. {expected_headers(headers)}",
                )
            continue
        header_row = layout.header_row + 1
        if kind is None and fmt != "csv":
            issues.warn(
                grid.name,
                header_row,
                None,
                None,
                "sheet_kind_by_headers",
                f"按表头识别为{_KIND_ZH[layout.kind]}表 / read as {_KIND_EN[layout.kind]} sheet by its headers",
            )
        for problem in layout.problems:
            issues.error(
                grid.name, header_row, column_letter(problem.index), problem.value, problem.code, problem.message
            )
        for index, text in layout.unknown:
            issues.warn(
                grid.name,
                header_row,
                column_letter(index),
                text,
                "unknown_column",
                "未知的列，已忽略 / unknown column, ignored",
            )
        if layout.not_kept:
            listed = ", ".join(f"{text} ({column_letter(index)})" for index, text in layout.not_kept)
            issues.warn(
                grid.name,
                header_row,
                None,
                listed,
                "columns_not_kept",
                f"登记册不保存这些列，已略过：{listed} / the registry does not keep these columns; passed over",
            )
        for other in dict.fromkeys(kind for _, _, kind in layout.elsewhere):
            listed = ", ".join(f"{text} ({column_letter(index)})" for index, text, k in layout.elsewhere if k == other)
            issues.warn(
                grid.name,
                header_row,
                None,
                listed,
                "columns_of_another_sheet",
                f"这些列属于{_KIND_ZH[other]}表，本表不读取：{listed} / these columns belong on "
                f"{_KIND_EN[other]} sheet; not read here",
            )
        if layout.period_title:
            issues.warn(
                grid.name,
                None,
                None,
                layout.period_title,
                "period_from_title",
                f"没有报告期列，按标题“{layout.period_title}”读作 {layout.sheet_period} / no period column; "
                f"read as {layout.sheet_period} from the title above the header",
            )
        if layout.sheet_unit:
            issues.warn(
                grid.name,
                None,
                None,
                layout.sheet_unit,
                "sheet_unit",
                f"未注明单位的金额列按“单位：{layout.sheet_unit}”读取 / money columns without their own "
                f"unit read in {layout.sheet_unit}, as the note above the header says",
            )
        skipped = issues.skipped.get(layout.kind, 0)
        rows = read_rows(grid, layout, issues)
        if not rows.records and not rows.broken and issues.skipped.get(layout.kind, 0) == skipped:
            issues.warn(
                grid.name,
                header_row,
                None,
                None,
                "sheet_empty",
                f"工作表“{grid.name}”有表头但没有数据行，无可导入 / sheet {grid.name!r} has headers but no data "
                "rows; nothing to import",
            )
        missing = layout.missing_keys()
        for keys in missing:
            fields = SHEETS[layout.kind][2] + IMPORT_ONLY_FIELDS[layout.kind]
            named = [field_named(fields, key) for key in keys]
            issues.error(
                grid.name,
                header_row,
                None,
                None,
                "missing_column",
                f"缺少“{'”或“'.join(f.zh for f in named)}”列（每行必填）/ the {' or '.join(f.en for f in named)} "
                "column is missing; every row needs it",
            )
        # Kept even when it lacks a key column (the error above stops the file): its rows are still
        # planned, so every cell that can be checked without that column is checked in this pass.
        sheets.append(rows)
    if not sheets and not issues.errors:
        refused = ImportRefused(422, "no_sheets", _unplaced(seen))
        # The same, member by member, for a page (or a client) to show in full in its reader's language.
        refused.extensions["sheets"] = [
            {"sheet": name, "headers": headers, "kinds": headers_wanted(headers)} for name, headers in seen
        ]
        raise refused
    return sheets


def _unplaced(seen: list[tuple[str, list[str]]]) -> str:
    """Why no sheet could be placed: the headers each sheet shows and what each kind needs."""
    parts = []
    for name, headers in seen:
        shown_headers = ", ".join(headers[:30]) or "—"
        parts.append(f"工作表“{name}”的表头 / sheet {name!r} headers: {shown_headers}. {expected_headers(headers)}")
    return (
        "没有找到企业、知识产权或经营数据表 / no tenants, IP or reports sheet was found; name sheets "
        "企业/Tenants, 知识产权/IP, 经营数据/Reports or use the template's headers. " + " | ".join(parts)
    )


@dataclass
class _Batch:
    """The rows of one kind from every sheet of that kind, and where each came from."""

    records: list[dict[str, Any]]
    refs: list[tuple[SheetRows, int]]


def _by_kind(sheets: list[SheetRows]) -> dict[str, _Batch]:
    batches = {kind: _Batch([], []) for kind in SHEET_KINDS}
    for sheet in sheets:
        batch = batches[sheet.kind]
        batch.records += sheet.records
        batch.refs += [(sheet, row) for row in sheet.rows]
    return batches


@dataclass
class Planned:
    """What the import would do: each kind's plan, and the stored records it changes, field by field."""

    plans: dict[str, bulk.Plan]
    changes: list[tuple[Any, ...]]


async def plan(sheets: list[SheetRows], issues: Issues) -> Planned:
    """Match every row against the registry; problems go to `issues` at their cells."""
    await find_owners(sheets, issues)
    await fill_defaults(sheets, issues)
    batches = _by_kind(sheets)
    named = set().union(*(sheet.usccs for sheet in sheets if sheet.kind == "tenants"))
    plans = {
        "tenants": await bulk.plan_tenants(batches["tenants"].records),
        "ip": await bulk.plan_ip_items(batches["ip"].records, named),
        "reports": await bulk.plan_reports(batches["reports"].records, named),
    }
    plans["fees"] = await deadlines.plan_fees(batches["fees"].records, plans["ip"])
    missing = await _broken_rows_missing(sheets)
    for kind, kind_plan in plans.items():
        _report_problems(kind, batches[kind], kind_plan.problems, issues, missing)
    for (name, kind, key), rows in missing.items():
        sheet = next(sheet for sheet in sheets if sheet.name == name)
        if any(key in keys for keys in sheet.layout.missing_keys()):
            continue  # a key column: said once for the sheet when it was read
        field = field_named(SHEETS[kind][2], key)
        issues.error(
            name,
            sheet.layout.header_row + 1,
            None,
            None,
            "missing_column",
            f"缺少“{field.zh}”列（新记录必填，涉及 {len(rows)} 行，首行为第 {min(rows)} 行）/ the "
            f"{field.en} column is missing; {len(rows)} rows need it, the first is row {min(rows)}",
        )
    return Planned(plans, change_list(plans, batches))


async def _broken_rows_missing(sheets: list[SheetRows]) -> dict[tuple[str, str, str], list[int]]:
    """Rows with bad cells that would also need a column the sheet lacks, had their cells been right:
    so a manager learns of the missing column in the same pass as of the bad cells."""
    missing: dict[tuple[str, str, str], list[int]] = {}
    for sheet in sheets:
        if not sheet.broken or sheet.kind == "reports":
            continue
        lacking = [
            f.key
            for f in SHEETS[sheet.kind][2]
            if f.required and f.key not in UNSAID_WHEN_BLANK[sheet.kind] and sheet.layout.column_of(f.key) is None
        ]
        if not lacking:
            continue
        if sheet.kind == "tenants":
            stored = await bulk.tenants_by_uscc({r["uscc"] for _, r in sheet.broken if r.get("uscc")})
            new = [row for row, r in sheet.broken if r.get("uscc") not in stored]
        else:
            keys = {row: ip_key(r) for row, r in sheet.broken}
            stored = await bulk.ip_items_by_key({key for key in keys.values() if key is not None})
            new = [row for row, key in keys.items() if key not in stored]
        for key in lacking:
            if new:
                missing[(sheet.name, sheet.kind, key)] = list(new)
    return missing


def _report_problems(
    kind: str,
    batch: _Batch,
    problems: list[bulk.Problem],
    issues: Issues,
    missing: dict[tuple[str, str, str], list[int]],
) -> None:
    """Each problem at its cell; a required field whose column the sheet lacks, once for the sheet
    (gathered into `missing`)."""
    for problem in problems:
        sheet, row = batch.refs[problem.index]
        letter = sheet.letter(problem.field)
        if letter is None and problem.code == "required":
            missing.setdefault((sheet.name, kind, problem.field), []).append(row)
            continue
        message = problem.message
        if problem.first is not None:
            first_sheet, first_row = batch.refs[problem.first]
            where = f"{first_sheet.name} 第 {first_row} 行" if first_sheet is not sheet else f"第 {first_row} 行"
            place = f"row {first_row}" + ("" if first_sheet is sheet else f" of {first_sheet.name}")
            message = f"与{where}重复 / repeats {place}"
        value = batch.records[problem.index].get(problem.field)
        issues.error(sheet.name, row, letter, shown(value), problem.code, message)


def _sorted(issues: list[Issue], order: dict[str | None, int]) -> list[dict[str, Any]]:
    def key(issue: Issue) -> tuple:
        column = issue.column or ""
        return (issue.sheet is None, order.get(issue.sheet, -1), issue.row or 0, len(column), column)

    return [issue.to_json() for issue in sorted(issues, key=key)]


class _Invalid(Exception):
    """Raised inside the write transaction to roll it back when planning found errors."""


def _read(filename: str, content: bytes) -> tuple[str, list[SheetRows], Issues]:
    """The file's cleaned sheets (CPU work: run in a thread); ImportRefused for files not read at all."""
    filename = re.split(r"[\\/]", filename)[-1]  # browsers may send a client-side path
    # A control character is no part of a name (PostgreSQL cannot store NUL; the rest print as nothing).
    filename = re.sub(f"[{CONTROL_CHARACTERS}]", "", filename)[:255].strip() or "upload"
    fmt = inspect(filename, content)
    issues = Issues()
    return filename, read_file(fmt, filename, content, issues), issues


async def run_import(
    actor: Actor,
    filename: str,
    content: bytes,
    dry_run: bool,
    *,
    progress: bulk.Progress | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import a spreadsheet (SPEC §4). ImportRefused for files that cannot be read at all, or larger than
    `max_bytes` (the app's upload cap; the bound database's settings' when not given)."""
    actor.require(Action.IMPORT)
    check_size(len(content), max_bytes or current().settings.import_max_bytes)
    filename, sheets, issues = await asyncio.to_thread(_read, filename, content)
    batch = {
        "created_at": datetime.now(UTC),
        "filename": filename,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "dry_run": dry_run,
    }
    order = {sheet.name: n for n, sheet in enumerate(sheets)}
    await bulk.fresh_lookups()
    if issues.errors or dry_run:
        async with read_transaction():  # one consistent read of the registry for the whole plan
            planned = await plan(sheets, issues)
        status = "invalid" if issues.errors else "dry_run"
        # The file is kept: to mark its errors in errors.xlsx, or to apply the dry run without a second upload.
        return await _record(actor, batch, status, planned, issues, order, content)
    return await _apply(actor, batch, sheets, issues, order, content, progress)


def _logged(batch_id: int) -> bulk.Progress:
    """Where an import run by the server (API, portal) tells how far it has written: a line in the
    server's log at each tenth of a kind's rows, so an operator watching a long import sees it move.
    Nothing of the file's content is logged."""
    told: dict[str, int] = {}

    def progress(label: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > told.get(label, 0):
            told[label] = tenth
            _log.info("import batch %s: %s %d/%d rows written (not yet committed)", batch_id, label, done, total)

    return progress


class PlanChanged(Conflict):
    """The registry has changed since the dry run: planned again now, the file would not do what was shown."""

    def __init__(self, shown: dict[str, dict[str, int]], now: dict[str, dict[str, int]], errors: list[dict]) -> None:
        super().__init__(
            "试导入之后登记簿已有变化，导入结果将与当时显示的不同，未写入任何数据；请重新试导入 / the registry has "
            "changed since the dry run, so the file would no longer do what the dry run showed; nothing was "
            "written — run the dry run again"
        )
        self.extensions = {"plans": {"dry_run": shown, "now": now}, "errors_now": errors}


async def _apply(
    actor: Actor,
    batch: dict,
    sheets: list[SheetRows],
    issues: Issues,
    order: dict[str | None, int],
    content: bytes,
    progress: bulk.Progress | None,
    shown: ImportReport | None = None,
) -> ImportReport:
    """Plan and apply in one write transaction, so what was checked is what gets written. With `shown`
    (a dry run), only if the plan made now is the one the dry run showed; else PlanChanged."""
    try:
        async with write_transaction():
            planned = await plan(sheets, issues)
            plans = planned.plans
            if shown is not None and (issues.errors or plan_digest(plans) != shown.plan_digest):
                errors, _ = issues.listed()
                raise PlanChanged(shown.sheets, _counts(plans, issues), _sorted(errors, order))
            if issues.errors:
                raise _Invalid
            batch_id = await _insert(actor, batch, "applied", planned, issues, order, None)
            if shown is not None:
                await import_batches.mark_applied(actor, shown.id, batch_id)
            importer = replace(actor, source=audit.import_source(batch_id))
            progress = progress or _logged(batch_id)
            await bulk.apply_tenants(importer, plans["tenants"], progress)
            await bulk.apply_ip_items(importer, plans["ip"], progress)
            await bulk.apply_reports(importer, plans["reports"], progress)
            await deadlines.apply_fees(importer, plans["fees"])
    except _Invalid:
        return await _record(actor, batch, "invalid", planned, issues, order, content)
    except (PlanChanged, import_batches.AlreadyApplied):
        raise
    except Conflict as conflict:
        if shown is not None:
            # Applying a dry run: a key taken by another writer meanwhile (PostgreSQL) is a 409 like every
            # other reason the dry run cannot be applied now; nothing was written and the dry run stays.
            raise
        issues.error(None, None, None, None, "conflict", conflict.detail)
        return await _record(actor, batch, "invalid", planned, issues, order, content)
    _log.info("import batch %s applied and committed", batch_id)
    return await get_batch(actor, batch_id)


def plan_digest(plans: dict[str, bulk.Plan]) -> str:
    """A fingerprint of what applying would do: every record created and every change (from, to)."""
    digest = hashlib.sha256()
    encode = json.JSONEncoder(default=str, sort_keys=True).encode
    for kind in SHEET_KINDS:
        kind_plan = plans[kind]
        updates = [
            (index, {key: [before.get(key), value] for key, value in diff.items()})
            for index, before, diff in kind_plan.updates
        ]
        # The bytes of json.dumps([kind, creates, updates]), a record at a time: 100,000 records
        # are never one string.
        digest.update(f"[{encode(kind)}, [".encode())
        for n, create in enumerate(kind_plan.creates):
            digest.update(((", " if n else "") + encode(create)).encode())
        digest.update(f"], {encode(updates)}]".encode())
    return digest.hexdigest()


def _counts(plans: dict[str, bulk.Plan], issues: Issues) -> dict[str, dict[str, int]]:
    """Per kind: records created, updated, unchanged, and data rows skipped (total, note, sample rows…),
    which add up to the kind's data rows."""
    counts = empty_counts()
    for kind, kind_plan in plans.items():
        counts[kind] |= kind_plan.counts.as_dict()
    for kind, skipped in issues.skipped.items():
        counts[kind]["skipped"] = skipped
    return counts


async def _insert(
    actor: Actor,
    batch: dict,
    status: str,
    planned: Planned,
    issues: Issues,
    order: dict[str | None, int],
    content: bytes | None,
) -> int:
    errors, warnings = issues.listed()
    return await import_batches.record_batch(
        actor,
        **batch,
        status=status,
        counts=_counts(planned.plans, issues),
        errors=_sorted(errors, order),
        warnings=_sorted(warnings, order),
        changes=planned.changes,
        content=content,
        plan_digest=plan_digest(planned.plans),
    )


async def _record(
    actor: Actor,
    batch: dict,
    status: str,
    planned: Planned,
    issues: Issues,
    order: dict[str | None, int],
    content: bytes | None,
) -> ImportReport:
    return await _fetch_report(await _insert(actor, batch, status, planned, issues, order, content))


async def _fetch_report(batch_id: int) -> ImportReport:
    row = await import_batches.batch(batch_id)
    if row is None:
        raise NotFound(_NOT_FOUND)
    report = _report_of(row)
    report.changes = await import_batches.batch_changes(batch_id, Page(SHOWN_AT_ONCE, 0))
    return report


def _report_of(row: dict[str, Any]) -> ImportReport:
    return ImportReport(
        id=row["id"],
        status=row["status"],
        sheets=full_counts(row["counts"]),
        errors=row["errors"],
        warnings=row["warnings"],
        filename=row["filename"],
        sha256=row["sha256"],
        size=row["size"],
        dry_run=row["dry_run"],
        created_at=row["created_at"],
        created_by=row["username"],
        plan_digest=row["plan_digest"],
        applied_as=row["applied_batch"],
    )


async def get_batch(actor: Actor, batch_id: int) -> ImportReport:
    actor.require(Action.IMPORT)
    return await _fetch_report(batch_id)


async def errors_workbook(actor: Actor, batch_id: int) -> bytes:
    """The uploaded workbook with every bad cell filled and its message attached as a comment."""
    from importers.marks import marked_workbook  # openpyxl: loaded only by the rare errors.xlsx request

    report = await get_batch(actor, batch_id)
    if not report.errors:
        raise NotFound("该导入没有错误 / this import had no errors")
    content = await import_batches.batch_file(batch_id)
    if content is None:
        raise NotFound(import_batches.file_gone_message(report.status))
    return await asyncio.to_thread(marked_workbook, report.filename, content, report.errors)


async def batch_changes(actor: Actor, batch_id: int, page: Page) -> dict[str, Any]:
    """One page of the stored records a batch changes, field by field (as stored: `changes.shown`
    words them)."""
    report = await get_batch(actor, batch_id)
    page.check()
    items = await import_batches.batch_changes(batch_id, page)
    return {"items": items, "total": report.changes_total, "limit": page.limit, "offset": page.offset}


async def apply_dry_run(actor: Actor, batch_id: int, *, progress: bulk.Progress | None = None) -> ImportReport:
    """Apply a clean dry run's stored file (SPEC §3): read it again, plan it on the registry as it is now,
    and apply it only if that plan is the one the dry run showed (else PlanChanged, nothing written).
    The applied import is a batch of its own; the dry run names it as `applied_as`."""
    shown = await get_batch(actor, batch_id)
    if shown.status != "dry_run":
        raise Conflict(
            f"只有无错误的试导入可以应用，此批次为“{shown.status}” / only a clean dry run can be applied; "
            f"this batch is {shown.status}"
        )
    if shown.applied_as is not None:
        raise Conflict(
            f"此试导入已由批次 {shown.applied_as} 应用 / this dry run was already applied as batch {shown.applied_as}"
        )
    content = await import_batches.batch_file(batch_id)
    if content is None or shown.plan_digest is None:
        raise Conflict(import_batches.file_gone_message(shown.status))
    filename, sheets, issues = await asyncio.to_thread(_read, shown.filename, content)
    batch = {
        "created_at": datetime.now(UTC),
        "filename": filename,
        "sha256": shown.sha256,
        "size": shown.size,
        "dry_run": False,
    }
    order = {sheet.name: n for n, sheet in enumerate(sheets)}
    await bulk.fresh_lookups()
    return await _apply(actor, batch, sheets, issues, order, content, progress, shown)


BATCH_STATUSES = import_batches.STATUSES


async def list_batches(actor: Actor, page: Page, status: str | None = None) -> dict:
    """Import batches, newest first, optionally of one status; each without its file."""
    actor.require(Action.IMPORT)
    page.check()
    if status and status not in BATCH_STATUSES:
        raise ValidationFailed(
            "筛选条件无效 / invalid filter",
            [FieldError("status", "not_a_choice", f"可选 / one of: {', '.join(BATCH_STATUSES)}")],
        )
    found = await import_batches.batches(page, status)
    return {**found, "items": [_report_of(row) for row in found["items"]]}
