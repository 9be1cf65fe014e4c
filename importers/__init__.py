"""Spreadsheets in: open safely, find headers, parse cells, map rows, plan, apply (SPEC §4).

Entry points for the other floors: `run_import`, `get_batch`, `errors_workbook` (async, with an
Actor) and, for the command line, `importers.command.main_import`.
"""

from importers.pipeline import errors_workbook, get_batch, run_import
from importers.report import ImportReport
from importers.safety import ImportRefused

__all__ = ["ImportRefused", "ImportReport", "errors_workbook", "get_batch", "run_import"]
