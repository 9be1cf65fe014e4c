"""Every private name of a library the registry still uses, each pinned: a release that renames, moves or
changes one fails here first, not in a customer's export or a slow page. docs/dependencies.md gives the
reasons at more length; pyproject.toml caps each library below its next major version.

Litestar and msgspec: none (the OpenAPI document, the request body, metrics and field errors go through
their public APIs). Piccolo and openpyxl:

- Piccolo `SQLiteEngine._run_in_new_connection` (registry/db.py, `KeptSQLiteEngine`): Piccolo's SQLite
  engine opens a connection, on a thread of its own, per query outside a transaction; the override keeps
  one per event loop. Piccolo has no public setting for it.
- openpyxl's write-only sheet internals (exports/cells.py, `StreamSheet`, `Looks`, `CellMaker`): the
  statistics workbook and the registry dump write their rows as XML text, several times faster than
  openpyxl's element tree per cell. openpyxl documents write-only workbooks, not how a sheet is written:
  `WriteOnlyWorksheet` and `WorksheetWriter` (private modules `_write_only`, `_writer`), the workbook's
  `_add_sheet` and `_cell_styles`, the sheet's `_writer` read by the workbook's writer, the cell's
  `_value`, `_style` and `_comment`, and `StyleArray` (a cell's look as style ids).
"""

from __future__ import annotations

import asyncio
import inspect

import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
from openpyxl.writer.excel import ExcelWriter
from piccolo.engine.sqlite import SQLiteEngine

from exports.cells import stream_sheet
from registry.db import engine
from registry.tables import Tenant
from tests.conftest import ENGINE


def test_piccolo_still_has_the_overridden_method_with_its_arguments():
    parameters = list(inspect.signature(SQLiteEngine._run_in_new_connection).parameters)
    assert parameters == ["self", "query", "args", "query_type", "table"]
    source = inspect.getsource(SQLiteEngine.run_querystring)
    assert "self._run_in_new_connection(" in source


@pytest.mark.skipif(ENGINE != "sqlite", reason="the override is SQLite's")
async def test_piccolo_queries_outside_a_transaction_run_on_the_kept_connection(database):
    await engine().close()
    assert engine()._kept == {}
    await Tenant.select(Tenant.uscc).limit(1).run()
    assert id(asyncio.get_running_loop()) in engine()._kept


def test_openpyxl_write_only_sheets_are_made_and_written_as_stream_sheet_does():
    book = Workbook(write_only=True)
    sheet = WriteOnlyWorksheet(parent=book, title="pinned")
    book._add_sheet(sheet)
    assert book.worksheets == [sheet]
    # The workbook's writer closes a write-only sheet, then zips what the sheet's `_writer` wrote.
    source = inspect.getsource(ExcelWriter.write_worksheet)
    assert "ws.close()" in source and "ws._writer" in source and "writer.out" in source
    assert list(inspect.signature(WriteOnlyWorksheet.__init__).parameters) == ["self", "parent", "title"]
    assert WriteOnlyWorksheet._writer is None and isinstance(WriteOnlyWorksheet.closed, property)


def test_openpyxl_renders_a_sheet_without_rows_in_the_parts_stream_sheet_splits():
    # StreamSheet._skeleton drives openpyxl's WorksheetWriter (write_top, its `xf` generator, write_tail).
    sheet = stream_sheet(Workbook(write_only=True), "pinned")
    writer, head, tail = sheet._skeleton()
    assert isinstance(writer, WorksheetWriter)
    assert head.startswith("<worksheet") and head.endswith("<sheetData>") and tail.startswith("</sheetData>")
    assert list(inspect.signature(WorksheetWriter.__init__).parameters) == ["self", "ws", "out"]
    assert inspect.signature(create_temporary_file).parameters["suffix"].default == ""


def test_openpyxl_cells_keep_value_style_and_comment_where_stream_sheet_reads_them():
    book = Workbook(write_only=True)
    cell = WriteOnlyCell(WriteOnlyWorksheet(parent=book, title="pinned"), "text")
    cell.number_format = "0.00"
    assert cell._value == "text" and cell._comment is None
    assert isinstance(cell._style, StyleArray) and len(cell._style) == 9
    # A look's style array is registered once per workbook, by its hash, for its style id.
    index = book._cell_styles.add(cell._style)
    assert book._cell_styles.add(StyleArray(cell._style)) == index and index > 0
