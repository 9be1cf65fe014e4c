"""What an import says back: per-sheet counts, every error and warning with its cell, the batch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("tenants", "ip", "reports", "fees")


@dataclass(frozen=True)
class Issue:
    """One problem (or warning) where a person finds it: sheet name, Excel row number, column letter."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# A file can hold a million bad cells; past these, problems are counted, not listed (memory, and
# a list no one reads). Files as people make them stay far below.
MAX_LISTED_ERRORS = 10_000
MAX_LISTED_WARNINGS = 1_000


@dataclass
class Issues:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unlisted_errors: int = 0
    unlisted_warnings: int = 0

    def error(self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str,
              message: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(Issue(sheet, row, column, value, code, message))
        else:
            self.unlisted_errors += 1

    def warn(self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str,
             message: str) -> None:
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(Issue(sheet, row, column, value, code, message))
        else:
            self.unlisted_warnings += 1

    def listed(self) -> tuple[list[Issue], list[Issue]]:
        """Errors and warnings, each closed by a note of how many more were found but not listed."""
        errors, warnings = list(self.errors), list(self.warnings)
        if self.unlisted_errors:
            errors.append(Issue(None, None, None, None, "more_errors",
                                f"另有 {self.unlisted_errors:,} 处错误未列出；请先改正以上错误再导入 / "
                                f"{self.unlisted_errors:,} more errors were found but not listed; fix these and "
                                "import again"))
        if self.unlisted_warnings:
            warnings.append(Issue(None, None, None, None, "more_warnings",
                                  f"另有 {self.unlisted_warnings:,} 条提示未列出 / {self.unlisted_warnings:,} more "
                                  "warnings were not listed"))
        return errors, warnings


def empty_counts() -> dict[str, dict[str, int]]:
    return {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in KINDS}


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "sheets": self.sheets,
            "errors": self.errors,
            "warnings": self.warnings,
            "dry_run": self.dry_run,
            "file": {"name": self.filename, "sha256": self.sha256, "size": self.size},
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }
