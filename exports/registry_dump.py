"""The registry dump: every tenant, IP item, report and paid annual fee in the import format.

Importing the dump back changes nothing, so it doubles as a backup people can read and edit. Rows
are read in key-ordered chunks and streamed into a write-only workbook, so memory stays flat
however large the registry is.

The server writes it in a worker process (`dump_in_worker`): a million rows are a minute of CPU
work, and in the server's own process even a worker thread would hold the interpreter lock the
event loop needs to answer everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from piccolo.columns import Column
from piccolo.table import Table

from exports.cells import CellMaker, Looks, stream_sheet
from exports.import_format import LOOK_OF_TYPE, cell_value, column_width, header, print_layout, sheet_name
from registry.actor import Actor
from registry.db import Database, bound, current
from registry.page_setup import set_up_pages
from registry.permissions import Action
from registry.settings import as_environment, load_settings
from registry.tables import IPFee, IPItem, PeriodReport, Tenant
from registry.vocabulary import SHEETS, Field, check_sheet_kinds

CHUNK = 5_000
_NICE = 10
LANG = "zh"


def _columns(table: type[Table], fields: tuple[Field, ...]) -> list[Column]:
    columns: list[Column] = [table.id]
    for field in fields:
        if field.key == "uscc" and table is not Tenant:
            columns.append(table.tenant.uscc.as_alias("uscc"))  # type: ignore[attr-defined]
        elif table is IPFee and field.key in ("kind", "number"):
            columns.append(getattr(IPFee.item, field.key).as_alias(field.key))
        else:
            columns.append(table._meta.get_column_by_name(field.key))
    return columns


async def _rows(table: type[Table], fields: tuple[Field, ...]) -> AsyncIterator[list[dict]]:
    """All rows of `table`, CHUNK at a time, by id (keyset paging: each chunk costs the same)."""
    columns = _columns(table, fields)
    last = 0
    while True:
        chunk = await table.select(*columns).where(table.id > last).order_by(table.id).limit(CHUNK).run()
        if not chunk:
            return
        yield chunk
        last = chunk[-1]["id"]


_TABLES: dict[str, type[Table]] = {"tenants": Tenant, "ip": IPItem, "reports": PeriodReport, "fees": IPFee}
check_sheet_kinds(_TABLES, "_TABLES")


async def write_registry_workbook(actor: Actor, out: BinaryIO) -> None:
    """Every record of the park, for those who may write it whole (registry.permissions: WRITE_PARK)."""
    actor.require(Action.WRITE_PARK)
    book = Workbook(write_only=True)
    today = date.today().isoformat()
    for kind, (_, _, fields) in SHEETS.items():
        sheet = RecordSheet(book, kind, LANG, today)
        async for chunk in _rows(_TABLES[kind], fields):
            sheet.add(chunk)
        sheet.close()
    book.properties.title = "园区登记数据导出"
    book.save(out)


class RecordSheet:
    """One sheet of records of a kind (tenants, ip, reports, fees) in the import format, streamed: the
    dump's sheets, and a list of them as a page filtered it (`exports.tenant_list`)."""

    def __init__(self, book: Workbook, kind: str, lang: str, as_of: str) -> None:
        self.fields = SHEETS[kind][2]
        self.lang = lang
        self.sheet = stream_sheet(book, sheet_name(kind, lang))
        self.cells = CellMaker(self.sheet, Looks(self.sheet))
        for column, field in enumerate(self.fields, 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = column_width(field, lang)
        self.sheet.freeze_panes = "B2"
        # The registry as of `as_of`: the date the printed pages carry for their period.
        set_up_pages(self.sheet, self.sheet.title, lang=lang, period=as_of, **print_layout(self.fields, lang))
        self.sheet.append(self.cells.row([header(f, lang) for f in self.fields], "header"))
        self.looks = [LOOK_OF_TYPE.get(f.type) for f in self.fields]
        self.rows = 1

    def add(self, records: list[dict]) -> None:
        for record in records:
            values = [cell_value(f, record[f.key], self.lang) for f in self.fields]
            self.sheet.append(self.cells.stream(values, self.looks))
        self.rows += len(records)

    def close(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.fields))}{self.rows}"


async def registry_workbook(actor: Actor) -> bytes:
    out = BytesIO()
    await write_registry_workbook(actor, out)
    return out.getvalue()


async def dump_in_worker(actor: Actor, path: str) -> None:
    """Write the dump into `path` in a worker process (`python -m exports.registry_dump PATH USER ROLE`,
    which acts as `actor`), leaving this process free to serve others. The worker is handed the settings
    of the bound database (the app's, not the process's environment) and dumps that database. It is
    killed if the caller gives up waiting (a dropped download)."""
    actor.require(Action.WRITE_PARK)
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("PARK_") and name != "DATABASE_URL"}  # fmt: skip
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "exports.registry_dump",
        path,
        actor.username,
        actor.role,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
        env=inherited | as_environment(current().settings),
    )
    try:
        _, errors = await worker.communicate()
    except BaseException:
        worker.kill()
        await worker.wait()
        raise
    if worker.returncode:
        raise RuntimeError(f"the registry dump worker failed ({worker.returncode}): {errors.decode()[-2000:]}")


async def _dump_to(path: str, actor: Actor) -> None:
    with bound(Database(load_settings())) as database:
        await database.open()
        try:
            with open(path, "wb") as out:
                await write_registry_workbook(actor, out)
        finally:
            await database.close()


__all__ = ["RecordSheet", "dump_in_worker", "registry_workbook", "write_registry_workbook"]


def _yield_to_the_server() -> None:
    """Lower this worker's priority: on a busy machine the server's requests come first. The worker
    runs in a session of its own; where Linux groups processes by session for scheduling
    (autogroup), the group's niceness is what counts, so it is lowered too."""
    os.nice(_NICE)
    with contextlib.suppress(OSError):  # not Linux, or no autogroup: the process's own niceness stands
        Path("/proc/self/autogroup").write_text(str(_NICE))


if __name__ == "__main__":  # the worker of dump_in_worker
    _yield_to_the_server()
    asyncio.run(_dump_to(sys.argv[1], Actor(username=sys.argv[2], role=sys.argv[3], source="worker")))
