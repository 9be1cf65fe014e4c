"""What an import says back: per-sheet counts, every error and warning with its cell, the batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import msgspec

from importers.changes import ImportChange, shown
from registry.services.import_batches import STATUSES
from registry.vocabulary import SHEET_KINDS, SHEETS


class Issue(msgspec.Struct, frozen=True):
    """One problem (or warning) where a person finds it: sheet name, Excel row number, column letter.
    The API sends it as it is (api.schemas.ImportBatch)."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return msgspec.structs.asdict(self)


# A file can hold a million bad cells; past these, problems are counted, not listed (memory, and
# a list no one reads). Files as people make them stay far below.
MAX_LISTED_ERRORS = 10_000
MAX_LISTED_WARNINGS = 1_000


def row_ranges(rows: list[int]) -> str:
    """3, 4, 5, 9 -> '3–5, 9'; long lists end with the count of the rest."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:20]]
    rest = sum(b - a + 1 for a, b in spans[20:])
    return ", ".join(shown) + (f" … (+{rest})" if rest else "")


@dataclass
class _Group:
    column: str | None
    value: str | None
    zh: str
    en: str
    rows: list[int] = field(default_factory=list)
    values: list[str] | None = None  # warn_values: the distinct values, in the order met
    # Rows told apart by what the rule made of each (invention, utility model…): (zh, en) -> rows.
    parts: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def said(self) -> tuple[str, str]:
        """The message with its rows: each part with its own count and rows, or all rows at once."""
        zh, en = self.zh, self.en
        if self.values is not None:
            zh, en = f"{zh}：{'、'.join(self.values)}", f"{en}: {', '.join(self.values)}"
        if not self.parts:
            count, rows = len(set(self.rows)), row_ranges(self.rows)
            return f"{zh}（{count:,} 行：第 {rows} 行）", f"{en} ({count:,} rows: {rows})"
        zh_parts = "；".join(
            f"{label} {len(set(rows)):,} 行（第 {row_ranges(rows)} 行）" for (label, _), rows in self.parts.items()
        )
        en_parts = "; ".join(
            f"{label}: {len(set(rows)):,} rows ({row_ranges(rows)})" for (_, label), rows in self.parts.items()
        )
        return f"{zh}：{zh_parts}", f"{en}: {en_parts}"


@dataclass
class Issues:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unlisted_errors: int = 0
    unlisted_warnings: int = 0
    # One warning for many rows (a default used, a phrase passed over): (sheet, code, value, message) -> rows.
    groups: dict[tuple[str | None, str, str | None, str, str], _Group] = field(default_factory=dict)
    # Data rows of each kind that were read and passed over (total, note, sample rows, rows with data only
    # in columns not imported), so that a sheet's counts add up to its data rows.
    skipped: dict[str, int] = field(default_factory=dict)

    def warn_rows(
        self,
        sheet: str | None,
        row: int,
        column: str | None,
        value: str | None,
        code: str,
        zh: str,
        en: str,
        part: tuple[str, str] | None = None,
    ) -> None:
        """A warning said once for every row it covers, naming them: `zh` and `en` are completed with
        the rows. Rows of one rule that differ in what it made of them give `part` (zh, en), e.g. the
        kind read from each number: the one warning then counts and names the rows of each part.

        Rows are grouped by their message too, so a message can never speak for rows it does not fit."""
        group = self.groups.setdefault((sheet, code, value, zh, en), _Group(column, value, zh, en))
        group.rows.append(row)
        if part is not None:
            group.parts.setdefault(part, []).append(row)

    def skip(self, kind: str) -> None:
        """A data row of `kind` passed over (its warning said why)."""
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def warn_values(
        self, sheet: str | None, row: int, column: str | None, value: str, code: str, zh: str, en: str
    ) -> None:
        """A warning said once for every row it covers, whatever its value, naming the rows and listing
        the distinct values (`zh`: 值甲、值乙; `en`: 值甲, 值乙) — for values a person deals with as one list."""
        group = self.groups.setdefault((sheet, code, None, zh, en), _Group(column, None, zh, en, values=[]))
        group.rows.append(row)
        assert group.values is not None
        if value not in group.values:
            group.values.append(value)

    def error(
        self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str, message: str
    ) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(Issue(sheet, row, column, value, code, message))
        else:
            self.unlisted_errors += 1

    def warn(
        self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str, message: str
    ) -> None:
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(Issue(sheet, row, column, value, code, message))
        else:
            self.unlisted_warnings += 1

    def listed(self) -> tuple[list[Issue], list[Issue]]:
        """Errors and warnings, each closed by a note of how many more were found but not listed."""
        errors, warnings = list(self.errors), list(self.warnings)
        for (sheet, code, *_), group in self.groups.items():
            zh, en = group.said()
            value = ", ".join(group.values) if group.values is not None else group.value
            warnings.append(Issue(sheet, min(group.rows), group.column, value, code, f"{zh}/ {en}"))
        if self.unlisted_errors:
            errors.append(
                Issue(
                    None,
                    None,
                    None,
                    None,
                    "more_errors",
                    f"另有 {self.unlisted_errors:,} 处错误未列出；请先改正以上错误再导入 / "
                    f"{self.unlisted_errors:,} more errors were found but not listed; fix these and "
                    "import again",
                )
            )
        if self.unlisted_warnings:
            warnings.append(
                Issue(
                    None,
                    None,
                    None,
                    None,
                    "more_warnings",
                    f"另有 {self.unlisted_warnings:,} 条提示未列出 / {self.unlisted_warnings:,} more "
                    "warnings were not listed",
                )
            )
        return errors, warnings


COUNTS = ("created", "updated", "unchanged", "skipped", "cleared")


def empty_counts() -> dict[str, dict[str, int]]:
    return {kind: dict.fromkeys(COUNTS, 0) for kind in SHEET_KINDS}


def full_counts(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """A batch's counts with every sheet and every count (batches recorded before `skipped` and `cleared`
    lack them)."""
    return {kind: {**zero, **counts.get(kind, {})} for kind, zero in empty_counts().items()}


class ImportCounts(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    skipped: int  # data rows passed over (total, note, sample rows, data only in columns not imported)
    cleared: int  # stored values the updates clear (cells saying （清空） / <clear>)


# One member per sheet an import reads (the vocabulary's SHEETS).
ImportSheets = msgspec.defstruct("ImportSheets", [(sheet, ImportCounts) for sheet in SHEETS], module=__name__)
BatchStatus = Literal[STATUSES]  # type: ignore[valid-type]


class ImportFile(msgspec.Struct):
    name: str
    sha256: str
    size: int


class IssueGroup(msgspec.Struct, frozen=True):
    """Errors alike — the same message about the same value in the same column of a sheet — told once,
    with the rows they are on: `申请人“深圳大学”不是园区企业 — 110 行：第 2–111 行`."""

    sheet: str | None
    column: str | None
    value: str | None
    code: str
    message: str
    count: int
    rows: list[list[int]]  # runs of consecutive Excel rows, [first, last]


def grouped(issues: list[dict[str, Any]]) -> list[IssueGroup]:
    """`issues` (as a batch keeps them) grouped, each group where its first issue was."""
    groups: dict[tuple[Any, ...], list[int | None]] = {}
    for issue in issues:
        key = (issue["sheet"], issue["column"], issue["value"], issue["code"], issue["message"])
        groups.setdefault(key, []).append(issue["row"])
    answer = []
    for (sheet, column, value, code, message), rows in groups.items():
        runs: list[list[int]] = []
        for row in sorted({r for r in rows if r is not None}):
            if runs and row == runs[-1][1] + 1:
                runs[-1][1] = row
            else:
                runs.append([row, row])
        answer.append(IssueGroup(sheet, column, value, code, message, len(rows), runs))
    return answer


class ImportBatch(msgspec.Struct):
    """An import batch as the API sends it (`ImportReport.answer`)."""

    id: int
    status: BatchStatus
    sheets: ImportSheets  # type: ignore[valid-type]
    errors: list[Issue]
    warnings: list[Issue]
    dry_run: bool
    file: ImportFile
    created_at: str
    created_by: str
    applied_as: int | None  # a dry run: the batch that applied it
    changes: list[ImportChange]  # the first 100 (GET /imports/{id}/changes pages them); none in lists
    changes_total: int
    error_groups: list[IssueGroup]  # the errors, alike ones told once with their rows


@dataclass
class ImportReport:
    id: int
    status: str  # dry_run | applied | invalid
    sheets: dict[str, dict[str, int]]
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    filename: str
    sha256: str
    size: int
    dry_run: bool
    created_at: datetime
    created_by: str
    plan_digest: str | None = None
    applied_as: int | None = None  # a dry run: the batch that applied it
    changes: list[list[Any]] = field(default_factory=list)  # the first of them, kept compact (importers/changes.py)

    @property
    def changes_total(self) -> int:
        """Every stored record the batch changes: one change each."""
        return sum(counts["updated"] for counts in self.sheets.values())

    @property
    def cleared(self) -> int:
        return sum(counts["cleared"] for counts in self.sheets.values())

    def answer(self, lang: str = "zh") -> ImportBatch:
        """The batch as the API sends it, its changes worded in `lang`."""
        return ImportBatch(
            id=self.id,
            status=self.status,
            sheets=ImportSheets(**{sheet: ImportCounts(**counts) for sheet, counts in self.sheets.items()}),
            # As stored with the batch (a JSON column): the importer's own Issue, read back.
            errors=msgspec.convert(self.errors, list[Issue]),
            warnings=msgspec.convert(self.warnings, list[Issue]),
            dry_run=self.dry_run,
            file=ImportFile(name=self.filename, sha256=self.sha256, size=self.size),
            created_at=self.created_at.isoformat(),
            created_by=self.created_by,
            applied_as=self.applied_as,
            changes=[shown(change, lang) for change in self.changes],
            changes_total=self.changes_total,
            error_groups=grouped(self.errors),
        )
