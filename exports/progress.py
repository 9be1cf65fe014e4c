"""A report round's progress workbook (SPEC §9 `GET /rounds/{id}/progress.xlsx`): the counts by state
and industry on 进度 Progress, and every return on 报表 Returns — its state, times, reviewer and
reminders. Words from the vocabulary (states, industries); printed landscape on A4 like every sheet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from exports.cells import CellMaker, Looks, display_width
from registry.actor import Actor
from registry.page_setup import PARK_NAME, set_up_pages
from registry.park_time import DEFAULT_ZONE, park_time, park_zone
from registry.periods import Period
from registry.services.round_progress import progress_lines, round_progress
from registry.vocabulary import INDUSTRY, RETURN_STATE, ROUND_STATE, in_lang

_SHEETS = {"progress": ("进度", "Progress"), "returns": ("报表", "Returns")}
_WORDS = {
    "title": ("{park} {period} 报送进度：{round}", "{park}: {period} returns, {round}"),
    "line": (
        "截止日期 {deadline}；轮次状态：{state}；生成于 {at}（北京时间）",
        "Deadline {deadline}; round {state}; made {at} (Beijing time)",
    ),
    "state": ("状态", "State"),
    "count": ("报表数", "Returns"),
    "industry": ("产业类别", "Industry"),
    "total": ("合计", "Total"),
    "overdue": ("逾期未报", "Overdue"),
    "reminders": ("已发催报", "Reminders sent"),
    "reminded_tenants": ("收到催报的企业", "Tenants reminded"),
    "uscc": ("统一社会信用代码", "USCC"),
    "name": ("企业名称", "Tenant"),
    "saved_at": ("保存时间", "Saved at"),
    "submitted_at": ("上报时间", "Submitted at"),
    "submitted_by": ("上报人", "Submitted by"),
    "filled_by": ("代填人", "Filled in by (on behalf)"),
    "reviewed_at": ("审核时间", "Reviewed at"),
    "reviewed_by": ("审核人", "Reviewed by"),
    "reason": ("退回/免报原因", "Reason returned or excused"),
    "is_overdue": ("是否逾期", "Overdue"),
    "reminder_count": ("催报次数", "Reminders"),
    "last_reminded": ("最近催报日", "Last reminded"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}
_RETURN_COLUMNS = (
    ("uscc", None, 22), ("name", "wrap", 30), ("industry", None, 16), ("state", None, 10),
    ("saved_at", None, 17), ("submitted_at", None, 17), ("submitted_by", None, 14), ("filled_by", None, 14),
    ("reviewed_at", None, 17), ("reviewed_by", None, 14), ("reason", "wrap", 30), ("is_overdue", None, 8),
    ("reminder_count", "integer", 8), ("last_reminded", "date", 12),
)  # fmt: skip


def _w(key: str, lang: str, **values: object) -> str:
    return in_lang(lang, *_WORDS[key]).format(**values)


def _at(value: datetime | None, zone: ZoneInfo, lang: str) -> str | None:
    return None if value is None else park_time(value, zone, lang)


def _widths(sheet, headers: list[str], rows: list[list[Any]], caps: list[int]) -> None:
    for index, cap in enumerate(caps):
        widest = max([display_width(headers[index]), *(display_width(row[index]) for row in rows)]) + 2
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(8, min(cap, widest))


def _lines(row: list[Any], sheet) -> int:
    lines = 1
    for index, (_, look, _) in enumerate(_RETURN_COLUMNS):
        if look == "wrap" and row[index]:
            width = sheet.column_dimensions[get_column_letter(index + 1)].width or 10
            lines = max(lines, -(-display_width(row[index]) // max(1, int(width) - 2)))
    return lines


async def progress_workbook(
    actor: Actor, round_id: int, lang: str = "zh", today: date | None = None, zone: ZoneInfo | None = None
) -> bytes:
    """The round's progress workbook; its times in `zone` (the park's, PARK_TIME_ZONE; Asia/Shanghai when
    not given)."""
    zone = zone or park_zone(DEFAULT_ZONE)
    progress = await round_progress(actor, round_id, today)
    lines = await progress_lines(actor, round_id, today)
    period = Period.parse(progress["period"])
    title = _w("title", lang, park=PARK_NAME[lang], period=period.label(lang), round=progress["title"])
    line = _w(
        "line",
        lang,
        deadline=progress["deadline"],
        state=ROUND_STATE.label(progress["state"], lang),
        at=park_time(datetime.now(UTC), zone, lang),
    )
    book = Workbook()
    book.remove(book.active)

    # 进度 Progress: counts by state, then by industry and state.
    sheet = book.create_sheet(in_lang(lang, *_SHEETS["progress"]))
    cells = CellMaker(sheet, Looks(sheet))
    states = list(RETURN_STATE.codes)
    headers = [_w("industry", lang), *(RETURN_STATE.label(s, lang) for s in states), _w("total", lang)]
    rows = [
        [INDUSTRY.label(line["industry"], lang), *(line["by_state"][s] for s in states), line["total"]]
        for line in progress["by_industry"]
    ]
    totals = [_w("total", lang), *(progress["by_state"][s] for s in states), progress["total"]]
    _widths(sheet, headers, [*rows, totals], [28, *[12] * len(states), 10])
    set_up_pages(sheet, sheet.title, lang=lang, period=str(period), repeat_rows="4:4")
    sheet.append(cells.row([title], "title"))
    sheet.append(cells.row([line], "subtitle"))
    sheet.append([])
    sheet.append(cells.row(headers, "header"))
    for row in rows:
        sheet.append(cells.row(row, [None, *["integer"] * (len(row) - 1)]))
    sheet.append(cells.row(totals, ["total_label", *["total_integer"] * (len(totals) - 1)]))
    sheet.append([])
    for key, value in (
        ("overdue", progress["overdue"]),
        ("reminders", progress["reminders"]),
        ("reminded_tenants", progress["reminded_tenants"]),
    ):
        sheet.append(cells.row([_w(key, lang), value], [None, "integer"]))
    sheet.freeze_panes = "B5"

    # 报表 Returns: one row per return.
    sheet = book.create_sheet(in_lang(lang, *_SHEETS["returns"]))
    cells = CellMaker(sheet, Looks(sheet))
    headers = [_w(key, lang) for key, _, _ in _RETURN_COLUMNS]
    rows = [
        [
            r["uscc"],
            in_lang(lang, r["name"], r["name_en"] or r["name"]),
            INDUSTRY.label(r["industry"], lang),
            RETURN_STATE.label(r["state"], lang),
            _at(r["saved_at"], zone, lang),
            _at(r["submitted_at"], zone, lang),
            r["submitted_by"],
            r["filled_by"],
            _at(r["reviewed_at"], zone, lang),
            r["reviewed_by"],
            r["reason"],
            _w("yes" if r["overdue"] else "no", lang),
            r["reminders"],
            r["last_reminded"],
        ]
        for r in lines
    ]
    _widths(sheet, headers, rows, [cap for *_, cap in _RETURN_COLUMNS])
    set_up_pages(sheet, sheet.title, lang=lang, period=str(period), repeat_rows="2:2", repeat_columns="A:B")
    sheet.append(cells.row([title], "title"))
    sheet.append(cells.row(headers, "header"))
    looks = [look for _, look, _ in _RETURN_COLUMNS]
    for row in rows:
        sheet.append(cells.row(row, looks))
        if (height := _lines(row, sheet)) > 1:
            sheet.row_dimensions[sheet.max_row].height = 15 * height
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{max(2, sheet.max_row)}"
    book.properties.title = title
    out = BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["progress_workbook"]
