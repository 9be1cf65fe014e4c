"""The park's IP deadlines as a workbook, grouped by tenant, ready to print and hand out.

Two sheets: 期限清单 (what falls due within the window — fees with their amounts as of today,
renewals, expiries), and 宽限期已过 (fee years unpaid past their grace: the patents at risk of
lapse). Each tenant's rows sit under a line naming it, with its total to pay; the park's total
closes the sheet. Money in yuan, exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import groupby
from typing import Any

from openpyxl import Workbook

from exports.cells import CellMaker, Looks, fit_columns
from exports.import_format import header
from registry.actor import Actor
from registry.money import in_unit
from registry.services.deadlines import DEFAULT_WITHIN_DAYS, park_deadlines
from registry.vocabulary import DEADLINE_FIELDS, DEADLINE_STATE, IP_KIND, deadline_label, field_named

# The columns: the vocabulary's fields, and how each cell looks.
_COLUMNS = tuple((field_named(DEADLINE_FIELDS, key), look) for key, look in (
    ("kind", None), ("number", None), ("title", "wrap"), ("deadline", None), ("due_on", "date"),
    ("grace_ends_on", "date"), ("state", None), ("fee", "money"), ("late_fee", "money"), ("amount", "money"),
))
_SHEETS = {"due": ("期限清单", "Deadlines"), "at_risk": ("宽限期已过", "Past grace")}
_TITLE_WIDTH = 40


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else in_unit(fen, "元")


def _line(row: Mapping[str, Any], lang: str) -> list[object]:
    return [
        IP_KIND.label(row["kind"], lang), row["number"], row["title"], deadline_label(row["deadline"], row["patent_year"], lang), row["due_on"],
        row["grace_ends_on"], DEADLINE_STATE.label(row["state"], lang), _yuan(row["fee"]),
        _yuan(row["late_fee"]), _yuan(row["amount"]),
    ]


def _write_sheet(book: Workbook, kind: str, rows: list[dict[str, Any]], lang: str, heading: str) -> None:
    zh, en = _SHEETS[kind]
    sheet = book.create_sheet(zh if lang == "zh" else en)
    cells = CellMaker(sheet, Looks(sheet))
    sheet.append(cells.row([heading], "title"))
    headers = [header(field, lang) for field, _ in _COLUMNS]
    sheet.append(cells.row(headers, "header"))
    looks = [look for _, look in _COLUMNS]
    lines: list[list[object]] = []
    park_total = 0
    for (uscc, name), group in groupby(rows, key=lambda r: (r["uscc"], r["tenant_name"])):
        items = list(group)
        total = sum(r["amount"] or 0 for r in items)
        park_total += total
        count = f"{len(items)} 项" if lang == "zh" else f"{len(items)} items"
        sheet.append(cells.row([f"{name}（{uscc}）", count, *[None] * 7, _yuan(total)],
                               ["total_label"] * 9 + ["total_money"]))
        for row in items:
            line = _line(row, lang)
            lines.append(line)
            sheet.append(cells.row(line, looks))
    if not rows:
        sheet.append(cells.row(["无 / none"]))
    sheet.append(cells.row(["园区合计" if lang == "zh" else "Park total", f"{len(rows)}", *[None] * 7,
                            _yuan(park_total)], ["total_label"] * 9 + ["total_money"]))
    fit_columns(sheet, _widths(headers, lines))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:J{sheet.max_row}"


def _widths(headers: list[str], lines: Iterable[list[object]]) -> list[list[object]]:
    columns: list[list[object]] = [[h] for h in headers]
    for line in lines:
        for index, value in enumerate(line):
            columns[index].append(value if index != 2 else str(value or "")[:_TITLE_WIDTH])
    return columns


async def deadlines_workbook(actor: Actor, within: int = DEFAULT_WITHIN_DAYS, lang: str = "zh",
                             today: date | None = None) -> bytes:
    today = today or date.today()
    due, at_risk = await park_deadlines(actor, within, today)
    book = Workbook()
    book.remove(book.active)
    if lang == "zh":
        heading = f"知识产权期限：{today.isoformat()} 起 {within} 天内（金额按 {today.isoformat()} 计）"
        risk = f"年费宽限期已过、专利权有终止风险（截至 {today.isoformat()}）"
    else:
        heading = f"IP deadlines within {within} days of {today.isoformat()} (amounts as of that day)"
        risk = f"Annual fees unpaid past their grace: patents at risk of lapse (as of {today.isoformat()})"
    _write_sheet(book, "due", due, lang, heading)
    _write_sheet(book, "at_risk", at_risk, lang, risk)
    book.properties.title = "知识产权期限" if lang == "zh" else "IP deadlines"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["deadlines_workbook"]
