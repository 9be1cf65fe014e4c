"""The park's IP deadlines as a workbook, grouped by tenant, ready to print and hand out.

Two sheets: 期限清单 (what falls due within the window — fees with their amounts as of today,
renewals, expiries), and 宽限期已过 (fee years unpaid past their grace: the patents at risk of
lapse). Each tenant's rows sit under a line naming it, with its total to pay; the park's total
closes the sheet. Money in yuan, exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from itertools import groupby
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from exports.cells import CellMaker, Looks, display_width
from exports.import_format import header
from registry.actor import Actor
from registry.money import in_unit
from registry.page_setup import set_up_pages
from registry.services.deadlines import DEFAULT_WITHIN_DAYS, park_deadlines
from registry.vocabulary import DEADLINE_FIELDS, DEADLINE_STATE, IP_KIND, deadline_label, field_named, in_lang

# (the vocabulary's field, look, widest) per column: a column of text wraps beyond `widest` (its row
# grows to show it).
_COLUMNS = tuple((field_named(DEADLINE_FIELDS, key), look, widest) for key, look, widest in (
    ("tenant_name", "wrap", 30), ("kind", None, None), ("number", None, None), ("title", "wrap", 50),
    ("deadline", None, None), ("due_on", "date", None), ("grace_ends_on", "date", None), ("state", None, None),
    ("fee", "money", None), ("late_fee", "money", None), ("amount", "money", None),
))  # fmt: skip
_SHEETS = {"due": ("期限清单", "Deadlines"), "at_risk": ("宽限期已过", "Past grace")}
_HEADER_ROW = 2
_LINE_HEIGHT = 15  # points a line of wrapped text takes (LibreOffice keeps the stored row height)


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else in_unit(fen, "元")


def _name(row: Mapping[str, Any], lang: str) -> str:
    return in_lang(lang, row["tenant_name"], row["tenant_name_en"] or row["tenant_name"])


def _line(row: Mapping[str, Any], lang: str) -> list[object]:
    return [
        _name(row, lang),
        IP_KIND.label(row["kind"], lang),
        row["number"],
        row["title"],
        deadline_label(row["deadline"], row["patent_year"], lang),
        row["due_on"],
        row["grace_ends_on"],
        DEADLINE_STATE.label(row["state"], lang),
        _yuan(row["fee"]),
        _yuan(row["late_fee"]),
        _yuan(row["amount"]),
    ]


def _lines(values: list[object], widths: list[int]) -> int:
    """Lines the row's wrapped cells take at the columns' widths (a little slack for the font)."""
    wrapped = [(value, width) for value, width, (*_, widest) in zip(values, widths, _COLUMNS, strict=True) if widest]
    return max((-(-display_width(value) // max(1, width - 2)) for value, width in wrapped if value), default=1)


def _write_sheet(book: Workbook, kind: str, rows: list[dict[str, Any]], lang: str, heading: str, period: str) -> None:
    """One sheet: the heading, the header row, then each tenant's line (name, USCC, count, total to
    pay) above its deadlines — every one of which names the tenant too, so a printed page read on
    its own, or a filtered sheet, still says whose deadline each line is — and the park's total."""
    sheet = book.create_sheet(in_lang(lang, *_SHEETS[kind]))
    cells = CellMaker(sheet, Looks(sheet))
    headers = [header(field, lang) for field, *_ in _COLUMNS]
    looks = [look for _, look, _ in _COLUMNS]
    lines = [_line(row, lang) for row in rows]
    widths = _widths(headers, lines)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    set_up_pages(sheet, sheet.title, lang=lang, period=period, repeat_rows=f"{_HEADER_ROW}:{_HEADER_ROW}")

    sheet.append(cells.row([heading], "title"))
    sheet.append(cells.row(headers, "header"))
    total_looks = ["total_label"] * (len(_COLUMNS) - 1) + ["total_money"]
    park_total, at = 0, 0
    for (uscc, _), group in groupby(rows, key=lambda r: (r["uscc"], r["tenant_name"])):
        items = list(group)
        total = sum(r["amount"] or 0 for r in items)
        park_total += total
        count = in_lang(lang, f"共 {len(items)} 项", f"{len(items)} items")
        line = [_name(items[0], lang), uscc, None, count, *[None] * 6, _yuan(total)]
        _append(sheet, cells.row(line, ["total_wrap", *total_looks[1:]]), _lines(line, widths))
        for line in lines[at : at + len(items)]:
            _append(sheet, cells.row(line, looks), _lines(line, widths))
        at += len(items)
    if not rows:
        sheet.append(cells.row([in_lang(lang, "无", "none")]))
    count = in_lang(lang, f"共 {len(rows)} 项", f"{len(rows)} items")
    sheet.append(cells.row([in_lang(lang, "园区合计", "Park total"), None, None, count, *[None] * 6,
                            _yuan(park_total)], total_looks))  # fmt: skip
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(len(_COLUMNS))}{sheet.max_row}"


def _append(sheet, row: list, lines: int) -> None:
    sheet.append(row)
    if lines > 1:
        sheet.row_dimensions[sheet.max_row].height = _LINE_HEIGHT * lines


def _widths(headers: list[str], lines: list[list[object]]) -> list[int]:
    """Each column as wide as its widest value (within the column's bound: text wraps beyond it)."""
    widths = []
    for index, (heading, (*_, widest)) in enumerate(zip(headers, _COLUMNS, strict=True)):
        width = max([display_width(heading), *(display_width(line[index]) for line in lines)]) + 2
        widths.append(max(6, min(widest or 60, width)))
    return widths


async def deadlines_workbook(
    actor: Actor, within: int = DEFAULT_WITHIN_DAYS, lang: str = "zh", today: date | None = None
) -> bytes:
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
    end = (today + timedelta(days=within)).isoformat()
    window = in_lang(lang, f"{today.isoformat()} 至 {end}", f"{today.isoformat()} to {end}")
    _write_sheet(book, "due", due, lang, heading, window)
    _write_sheet(book, "at_risk", at_risk, lang, risk, today.isoformat())
    book.properties.title = in_lang(lang, "知识产权期限", "IP deadlines")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["deadlines_workbook"]
