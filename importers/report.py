"""What an import says back: per-sheet counts, every error and warning with its cell, the batch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("tenants", "ip", "reports")


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


@dataclass
class Issues:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def error(self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str,
              message: str) -> None:
        self.errors.append(Issue(sheet, row, column, value, code, message))

    def warn(self, sheet: str | None, row: int | None, column: str | None, value: str | None, code: str,
             message: str) -> None:
        self.warnings.append(Issue(sheet, row, column, value, code, message))


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
