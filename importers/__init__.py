"""Spreadsheets in: open safely, find headers, parse cells, map rows, plan, apply (SPEC §4).

Entry points for the other floors: `run_import`, `apply_dry_run`, `get_batch`, `list_batches`,
`errors_workbook` (async, with an Actor) and, for the command line, `importers.command.main_import`.
"""

from importers.pipeline import (
    BATCH_STATUSES,
    PlanChanged,
    apply_dry_run,
    batch_changes,
    errors_workbook,
    get_batch,
    list_batches,
    run_import,
)
from importers.report import ImportReport
from importers.safety import ImportRefused

__all__ = [
    "BATCH_STATUSES",
    "ImportRefused",
    "ImportReport",
    "PlanChanged",
    "apply_dry_run",
    "batch_changes",
    "errors_workbook",
    "get_batch",
    "list_batches",
    "run_import",
]
