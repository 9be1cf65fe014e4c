"""A sheet's data rows as cleaned records, through the same `clean` the API uses, every bad cell noted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importers.cells import CLEAR, cell_input, shown
from importers.derived import check_set_aside, complete_row
from importers.grids import Grid
from importers.headers import Layout, column_letter, fold
from importers.report import Issues
from registry.errors import FieldError, ValidationFailed
from registry.records import clean, says_nothing
from registry.uscc import SAMPLE_USCC
from registry.vocabulary import Field, check_sheet_kinds

_TOTAL_WORDS = ("合计", "总计", "小计", "total", "sum")
_NOTE_WORDS = ("注", "说明", "备注", "填表", "制表", "审核", "联系人", "note")
# Footer lines spread over cells: `填表人：张三 | 联系电话：…`, `数据来源：…`.
_FOOTER_WORDS = (
    *_NOTE_WORDS,
    "数据来源",
    "来源",
    "填报",
    "负责人",
    "单位负责人",
    "统计负责人",
    "报出日期",
    "报送日期",
    "联系电话",
    "source",
)
# Any cell, read as text: whether a cell outside the sheet's columns holds anything (`-` and `无` do not).
_ANY = Field("any", "任意", "Any")
# Required fields a row may leave out for the import to fill (a new record's default, a kind from its
# number, an owner from its name): a sheet without their column still plans.
UNSAID_WHEN_BLANK = {
    "tenants": {"status", "industry"},
    "ip": {"kind", "status", "uscc"},
    "reports": set(),
    "fees": set(),
}
check_sheet_kinds(UNSAID_WHEN_BLANK, "UNSAID_WHEN_BLANK")


@dataclass
class SheetRows:
    name: str
    kind: str
    layout: Layout
    records: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the Excel row number of each record
    # USCCs the sheet names even on rows with errors, so that rows elsewhere citing them do not
    # pile "unknown tenant" errors on top of the real one.
    usccs: set[str] = field(default_factory=set)
    # Rows whose cells had errors: their Excel numbers and what could be read of their keys.
    broken: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def letter(self, key: str) -> str | None:
        column = self.layout.column_of(key)
        return None if column is None else column_letter(column.index)

    def keep(self, wanted: list[bool]) -> None:
        """Drop the records whose flag is False (an import step found an error on them)."""
        self.records = [r for r, keep in zip(self.records, wanted, strict=True) if keep]
        self.rows = [r for r, keep in zip(self.rows, wanted, strict=True) if keep]


def _is_total(row: list, record: dict[str, Any], key: str) -> bool:
    if record.get(key) is not None:
        return False
    return any(isinstance(cell, str) and fold(cell).startswith(_TOTAL_WORDS) for cell in row)


def _is_note(row: list) -> bool:
    """A footer such as `注：金额单位为万元` in one cell, or `填表人：张三 … 联系电话：…` over several, each
    cell text and the first one starting like a note."""
    filled = [cell for cell in row if cell not in (None, "")]
    if not filled or not all(isinstance(cell, str) for cell in filled):
        return False
    first = filled[0].strip()
    if len(filled) == 1:
        return fold(first).startswith(_NOTE_WORDS)
    return fold(first).startswith(_FOOTER_WORDS) and any(mark in first for mark in ":：")


class _Repeated:
    """Cleaning of the columns whose values repeat down a sheet (USCCs, enumerations, periods), kept per
    distinct value: each value still goes through `clean`, once, instead of once per row."""

    TYPES = ("uscc", "enum", "period", "bool")

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Any], tuple[Any, list[FieldError], list[str]]] = {}

    def clean(self, field: Field, value: Any) -> tuple[Any, list[FieldError], list[str]]:
        """(cleaned value, errors, warnings) of one cell."""
        key = (field.key, value)
        outcome = self._seen.get(key)
        if outcome is None:
            notes: list[str] = []
            try:
                outcome = (clean((field,), {field.key: value}, partial=True, warnings=notes)[field.key], [], notes)
            except ValidationFailed as failure:
                outcome = (None, failure.errors, notes)
            self._seen[key] = outcome
        return outcome


def read_rows(grid: Grid, layout: Layout, issues: Issues) -> SheetRows:
    sheet = SheetRows(grid.name, layout.kind, layout)
    repeated = _Repeated()
    others = tuple(column.field for column in layout.columns if column.field.type not in _Repeated.TYPES)
    repeating = tuple(column.field for column in layout.columns if column.field.type in _Repeated.TYPES)
    picks = [(column.index, column.field) for column in layout.columns]
    silent = [
        (column.index, column.field) for column in layout.columns if column.field.enum and column.field.enum.silent
    ]
    required = [column.field for column in layout.columns if column.field.required]
    required_keys = {f.key for f in required}
    letters = {column.field.key: column_letter(column.index) for column in layout.columns}
    positions = {column.field.key: column.index for column in layout.columns}
    key = {"tenants": "uscc", "ip": "number", "reports": "uscc", "fees": "number"}[layout.kind]
    for number, row in enumerate(grid.rows_from(layout.header_row + 1), start=layout.header_row + 2):
        width = len(row)
        data = {f.key: cell_input(f, row[i] if i < width else None) for i, f in picks}
        if all(value is None for value in data.values()) and not any(cell_input(_ANY, cell) for cell in row):
            continue  # an empty row is no data row
        if _is_total(row, data, key):
            issues.warn(grid.name, number, None, None, "total_row", "合计行已跳过 / a total row was skipped")
            issues.skip(layout.kind)
            continue
        if _is_note(row):
            issues.warn(grid.name, number, None, None, "note_row", "备注行已跳过 / a note row was skipped")
            issues.skip(layout.kind)
            continue
        if all(value is None for value in data.values()):
            issues.warn_rows(
                grid.name,
                number,
                None,
                None,
                "row_not_imported",
                "这些行只在登记册不导入的列中有数据，已跳过",
                "these rows have data only in columns the registry does not import; skipped",
            )
            issues.skip(layout.kind)
            continue
        for index, kept in silent:  # the cell as written: 无数据 is a placeholder too, but one to be told
            value = row[index] if index < width else None
            if isinstance(value, str) and says_nothing(kept.enum, value):
                issues.warn_rows(
                    grid.name,
                    number,
                    letters[kept.key],
                    shown(value),
                    f"{kept.key}_says_nothing",
                    f"“{value}”不表示{kept.zh}，按未填处理",
                    f"“{value}” says nothing of the {kept.en}; read as not given",
                )
                data[kept.key] = None
        # A blank cell says nothing: its field is left out, so a stored value stays (SPEC §4). A cell
        # saying （清空） / <clear> clears the field: None, which a required field refuses.
        errors: list[FieldError] = []
        clearing = CLEAR in data.values()
        if clearing:
            raw = {k: None if v is CLEAR else v for k, v in data.items()}
            said = {k: v for k, v in raw.items() if k in data and data[k] is not None}
            errors += [
                FieldError(f.key, "cannot_clear", f"“{f.zh}”必填，不能清空 / {f.en} is required; it cannot be cleared")
                for f in required
                if data.get(f.key) is CLEAR
            ]
        else:
            raw = data
            said = {k: v for k, v in data.items() if v is not None}
        record: dict[str, Any] = {}
        notes: list[str] = []
        for kept in repeating:
            if kept.key not in said or said[kept.key] is None and kept.required:
                continue
            value, kept_errors, kept_notes = repeated.clean(kept, said[kept.key])
            errors += kept_errors
            notes += kept_notes
            record[kept.key] = value
        if record.get("uscc") == SAMPLE_USCC:
            issues.warn(
                grid.name,
                number,
                letters["uscc"],
                SAMPLE_USCC,
                "sample_row",
                "模板示例行，已跳过；要导入本行，请填入企业自己的统一社会信用代码 / the template's sample row, "
                "skipped; to import this row, enter the tenant's own USCC",
            )
            issues.skip(layout.kind)
            continue
        try:
            given = {f.key: said[f.key] for f in others if f.key in said}
            if clearing:  # a cleared required field was refused above
                given = {k: v for k, v in given.items() if not (v is None and k in required_keys)}
            record |= clean(others, given, partial=True, warnings=notes)
        except ValidationFailed as failure:
            errors += failure.errors
        if errors:
            for error in sorted(errors, key=lambda e: positions[e.field]):
                cell = row[positions[error.field]] if positions[error.field] < width else None
                issues.error(grid.name, number, letters[error.field], shown(cell), error.code, error.message)
            check_set_aside(layout, record, raw, number, grid.name, letters, issues, {e.field for e in errors})
            if record.get("uscc") is not None:
                sheet.usccs.add(record["uscc"])
            sheet.broken.append((number, record))
            continue
        for note in notes:
            issues.warn(grid.name, number, letters.get("uscc"), shown(said.get("uscc")), "uscc_org_code", note)
        complete_row(layout, record, raw, number, grid.name, letters, issues)
        sheet.records.append(record)
        sheet.rows.append(number)
        if record.get("uscc") is not None:
            sheet.usccs.add(record["uscc"])
    return sheet
