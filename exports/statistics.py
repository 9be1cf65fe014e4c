"""The park statistics workbook for a year, a half or a quarter.

It renders the `ParkStats` object that `GET /api/v1/stats/{period}` returns: every figure, total and
count here is read from that object (aggregated in SQL by `registry.stats`), never recomputed, so
the workbook and the API cannot disagree. Every period column — the period, the same period a
year earlier, each half and quarter — is what the statistics of that period alone show, with a
row saying how many tenants reported it. A figure nobody reported reads 未报 / not reported.

Money is shown in 千元 as exact decimals (`registry.money.in_unit`), except on the Torch tenant
sheet, which counts whole 千元 as the form does (each amount rounded; totals from exact sums).

Every table sheet has the same frame: a two-line title block, a group row (row 3, used by the
tenants sheet) and the header in row 4, frozen, filtered, sized to its content and repeated atop
every printed page (`registry.page_setup`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from exports.cells import CellMaker, Looks, display_width, stream_sheet
from exports.charts import column_chart
from exports.statistics_text import (
    COLUMN_NOTES,
    CORRECTION_COLUMNS,
    CORRECTION_NOTES,
    NOTES,
    WORDS,
    sheet_title,
    unit,
    word,
)
from registry.actor import Actor
from registry.money import in_unit, whole_units
from registry.page_setup import PARK_NAME, break_between_bands, set_up_pages
from registry.park_time import DEFAULT_ZONE, park_time, park_zone
from registry.periods import Period
from registry.permissions import Action
from registry.services.round_close import closed_round_of, corrections_of, park_day
from registry.stats import FIGURES, IPCounts, ParkStats, PeriodFigures, park_stats, ratio
from registry.torch_form import IP_COLUMNS, IP_KEYS
from registry.vocabulary import (
    COUNT_KEYS,
    DEADLINE_STATE,
    FOUNDER_TYPE,
    INDUSTRY,
    IP_KIND,
    LANGS,
    LISTING,
    MONEY_KEYS,
    PLATFORM_LEVEL,
    REPORT_FIELDS,
    TENANT_FIELDS,
    field_named,
    in_lang,
)

HEADER_ROW = 4
_TENANT_KEYS = frozenset(field.key for field in TENANT_FIELDS)
MONEY_UNIT = "千元"
# The summary's charts: a 2 × 2 grid beside its tables (columns A–E), in the first screen and on
# the first printed page. Each chart spans _CHART_COLUMNS columns of _CHART_COLUMN_WIDTH and
# _CHART_ROWS rows.
_CHART_FIRST_COLUMN = 9  # I
_CHART_COLUMNS, _CHART_COLUMN_WIDTH, _CHART_ROWS = 7, 9, 15


@dataclass(frozen=True)
class Submission:
    """The closed report round of the workbook's period (SPEC §9): whether the figures are its
    submitted dataset (`as_submitted`) or the registry as it is now, and the corrections made since
    (registry.services.round_close.corrections_of) for the 更正 sheet."""

    title: str
    closed_on: date
    as_submitted: bool
    corrections: list[dict[str, Any]]


async def statistics_workbook(
    actor: Actor,
    period: Period | int,
    lang: str = "zh",
    as_of: date | None = None,
    as_submitted: bool | None = None,
    zone: ZoneInfo | None = None,
) -> bytes:
    """The workbook for `period` (zh by default, en with lang="en") as xlsx bytes; its times in `zone`
    (the park's, PARK_TIME_ZONE; Asia/Shanghai when not given)."""
    out = BytesIO()
    await write_statistics_workbook(actor, period, out, lang, as_of, as_submitted, zone)
    return out.getvalue()


async def write_statistics_workbook(
    actor: Actor,
    period: Period | int,
    out: BinaryIO,
    lang: str = "zh",
    as_of: date | None = None,
    as_submitted: bool | None = None,
    zone: ZoneInfo | None = None,
) -> None:
    """The workbook of `park_stats`, for those it answers (registry.permissions: READ_PARK). A period
    whose report round is closed is drawn from its submitted dataset unless `as_submitted` is False
    (the registry as it is now), and gains the 更正 sheet; `as_submitted=True` without a closed round: 422."""
    if lang not in LANGS:
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    asked = period if isinstance(period, Period) else Period(period)
    actor.require(Action.READ_PARK)
    closed = await closed_round_of(str(asked))
    use = as_submitted if as_submitted is not None else closed is not None
    stats = await park_stats(actor, asked, as_of, as_submitted=use)  # 422 when asked for and there is none
    submission = None
    if closed is not None:
        corrections = await corrections_of(actor, closed["id"])
        submission = Submission(closed["title"], park_day(closed["closed_at"]), use, corrections)
    # Rendering is CPU work: off the event loop, so a server keeps answering meanwhile.
    await asyncio.to_thread(render_statistics, stats, out, lang, submission, zone)


def render_statistics(
    stats: ParkStats,
    out: BinaryIO,
    lang: str = "zh",
    submission: Submission | None = None,
    zone: ZoneInfo | None = None,
) -> None:
    book = Workbook(write_only=True)
    frame = _Frame(stats, lang, zone or park_zone(DEFAULT_ZONE), submission)
    keys = ["summary", "industry", "ip", *(["periods"] if stats.sub_periods else [])]
    sheets = {key: stream_sheet(book, sheet_title(key, lang)) for key in keys}
    looks = Looks(sheets["summary"])
    # Charts on the summary refer to the industry, IP and period tables, so those are laid out first.
    charts = _industry_sheet(_Sheet(sheets["industry"], looks, frame), stats, frame)
    charts += _ip_sheet(_Sheet(sheets["ip"], looks, frame), stats, frame)
    if stats.sub_periods:
        charts += _periods_sheet(_Sheet(sheets["periods"], looks, frame, freeze="C5"), stats, frame)
    _summary_sheet(_Sheet(sheets["summary"], looks, frame, freeze=None, repeat_rows="1:1"), stats, frame, charts)
    _tenants_sheet(
        _Sheet(
            stream_sheet(book, sheet_title("tenants", lang)),
            looks,
            frame,
            freeze=f"D{HEADER_ROW + 1}",
            repeat_rows=f"{HEADER_ROW - 1}:{HEADER_ROW}",
            repeat_columns="A:C",
        ),
        stats,
        frame,
    )
    _targets_sheet(_Sheet(stream_sheet(book, sheet_title("targets", lang)), looks, frame), stats, frame)
    if submission is not None:
        _corrections_sheet(
            _Sheet(stream_sheet(book, sheet_title("corrections", lang)), looks, frame), submission, frame
        )
    _notes_sheet(_Sheet(stream_sheet(book, sheet_title("notes", lang)), looks, frame, freeze="A5"), frame)
    book.properties.title = frame.title
    book.properties.creator = "Park Registry"
    book.properties.created = stats.generated_at.replace(tzinfo=None)
    book.save(out)


class _Frame:
    """What every sheet shares: language, title block and the labels of the stats' keys."""

    def __init__(self, stats: ParkStats, lang: str, zone: ZoneInfo, submission: Submission | None = None) -> None:
        self.stats, self.lang, self.submission, self.zone = stats, lang, submission, zone
        self.period = Period.parse(stats.period)
        self.title = word("title", lang, park=PARK_NAME[lang], period=self.period.label(lang))
        self.lines = [
            word("period", lang, start=stats.start, end=stats.end, as_of=stats.as_of, previous=stats.previous),
            word("generated", lang, at=park_time(stats.generated_at, zone, lang, seconds=True)),
        ]
        if submission is not None:
            basis = "basis_submitted" if submission.as_submitted else "basis_now"
            self.lines.append(word(basis, lang, round=submission.title, closed=submission.closed_on.isoformat()))
        self.not_reported = word("not_reported_mark", lang)

    def w(self, key: str, **values: object) -> str:
        return word(key, self.lang, **values)

    def u(self, name: str) -> str:
        return unit(name, self.lang)

    def figure_label(self, key: str) -> str:
        return field_named(REPORT_FIELDS, key).label(self.lang)

    def tenant_label(self, key: str) -> str:
        return field_named(TENANT_FIELDS, key).label(self.lang)

    def with_unit(self, label: str, unit_name: str) -> str:
        """`营业收入(千元)` / `Revenue (k yuan)`."""
        spacer = in_lang(self.lang, "", " ")
        return f"{label}{spacer}({self.u(unit_name)})"

    def at_risk_state(self) -> str:
        """The vocabulary's word for a fee year unpaid past its grace (宽限期已过 / past grace (at risk))."""
        state = DEADLINE_STATE.label("at_risk", self.lang)
        return in_lang(self.lang, state, state[:1].lower() + state[1:])

    def label(self, key: str) -> str:
        if key in FIGURES:
            return self.figure_label(key)
        return self.w(key, state=self.at_risk_state()) if key == "ip_at_risk" else self.w(key)

    def column(self, period: str, as_of: date) -> str:
        """A period column's heading: `2016`, or `2016（截至2016-10-31）` when taken before its end."""
        if as_of == Period.parse(period).end:
            return self.w("period_col", period=period)
        return self.w("period_col_as_of", period=period, as_of=as_of.isoformat())

    def note_label(self, key: str) -> str:
        """What the notes sheet calls a column or figure: its heading without the unit."""
        if key in FIGURES or key == "ip_at_risk":
            return self.label(key)
        if key in _TENANT_KEYS:
            return self.tenant_label(key)
        marked = self.w(key, unit="\0", state=self.at_risk_state())
        return marked.replace(" (\0)", "").replace("(\0)", "").replace(" (%)", "").replace("(%)", "")

    def yes_no(self, flag: bool) -> str:
        return self.w("yes" if flag else "no")

    def name(self, name: str, name_en: str | None) -> str:
        """A tenant's name in the workbook's language (its Chinese name when it has no English one)."""
        return in_lang(self.lang, name, name_en or name)

    def figure(self, key: str, value: int | None) -> Decimal | int | str:
        """A figure as exact 千元 or a count; 未报 when nobody reported it."""
        if value is None:
            return self.not_reported
        return in_unit(value, MONEY_UNIT) if key in MONEY_KEYS else value


class _Sheet:
    """A write-only sheet with a row counter, set up to print (header rows on every page)."""

    def __init__(
        self,
        sheet,
        looks: Looks,
        frame: _Frame,
        freeze: str | None = f"B{HEADER_ROW + 1}",
        repeat_rows: str = f"{HEADER_ROW}:{HEADER_ROW}",
        repeat_columns: str | None = None,
        pages_wide: int = 1,
    ) -> None:
        self.ws = sheet
        self.cells = CellMaker(sheet, looks)
        self.row = 0
        # A write-only sheet writes its views and page properties before its rows.
        sheet.freeze_panes = freeze
        set_up_pages(
            sheet,
            sheet.title,
            lang=frame.lang,
            period=str(frame.period),
            repeat_rows=repeat_rows,
            repeat_columns=repeat_columns,
            pages_wide=pages_wide,
        )

    def put(self, values: Sequence[object], looks: Sequence[str | None] | str | None = None, lines: int = 1) -> int:
        """Append a row; `lines` of wrapped text make it that much taller (a spreadsheet program
        opening the file keeps the stored height rather than measuring the text)."""
        if lines > 1:
            self.ws.row_dimensions[self.row + 1].height = 15 * lines
        self.ws.append(self.cells.stream(values, looks))
        self.row += 1
        return self.row

    def blank(self) -> None:
        self.ws.append([])
        self.row += 1

    def widths(self, widths: Sequence[int], first: int = 1) -> None:
        for index, width in enumerate(widths, first):
            self.ws.column_dimensions[get_column_letter(index)].width = max(5, min(60, width))

    def title_block(self, frame: _Frame, across: int | None = None) -> None:
        """The title and a line on the period and source; `across` columns wide, wrapped, when the
        sheet has something beside it (the summary's charts)."""
        self.put([frame.title], "title")
        separator = in_lang(frame.lang, "；", "; ")
        line = separator.join(frame.lines)
        if across is None:
            self.put([line], "subtitle")
            return
        self.ws.merged_cells.add(f"A{self.row + 1}:{get_column_letter(across)}{self.row + 1}")
        self.put([line], "subtitle_wrap", lines=3)

    def header(self, labels: Sequence[str], height: float | None = None) -> int:
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        return self.put(labels, "header")

    def filter(self, columns: int, last_row: int) -> None:
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{max(last_row, HEADER_ROW)}"


def _k(fen: int | None) -> Decimal | None:
    return None if fen is None else in_unit(fen, MONEY_UNIT)


def _header_widths(labels: Sequence[str], cap: int = 16) -> list[int]:
    """Headers wrap, so a column needs the width of its header's longest word, up to `cap`."""
    return [min(cap, display_width(label)) + 2 for label in labels]


def _fit(widths: list[int], column: int, values: Sequence[object]) -> None:
    widths[column] = max(widths[column], max((display_width(v) for v in values), default=0) + 2)


# Looks of the periods sheet's rows that are not figures (by the row's key).
_ROW_LOOKS = {"coverage": "marker"}


def _look(key: str, value: object, total: bool = False) -> str | None:
    """Text (未报) stays plain; numbers get their number format."""
    if isinstance(value, str):
        return "total_marker" if total else "marker"
    look = "money" if key in MONEY_KEYS else "integer"
    return f"total_{look}" if total else look


class _Chart:
    """A chart the summary may show: its title, unit and the cells it reads, left out when they
    hold no number."""

    def __init__(self, title: str, axis: str, categories: Reference, values: Reference, numbers: list[object],
                 *, horizontal: bool = False, from_rows: bool = False) -> None:  # fmt: skip
        self.title, self.axis, self.categories, self.values = title, axis, categories, values
        self.horizontal, self.from_rows = horizontal, from_rows
        self.has_data = any(isinstance(v, int | Decimal) and v for v in numbers)

    def make(self):
        return column_chart(self.title, self.axis, self.categories, self.values, horizontal=self.horizontal,
                            from_rows=self.from_rows)  # fmt: skip


# --- 按产业 By industry ----------------------------------------------------------------------------


def _industry_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> list[_Chart]:
    labels = [
        frame.w("industry"),
        frame.w("tenants_at_end", unit=frame.u("家")),
        frame.w("tenants_reported", unit=frame.u("家")),
        *(frame.with_unit(frame.figure_label(k), MONEY_UNIT) for k in MONEY_KEYS),
        *(frame.with_unit(frame.figure_label(k), "人") for k in COUNT_KEYS),
        frame.w("ip_valid_col", unit=frame.u("件")),
    ]
    names = [INDUSTRY.label(line.industry, frame.lang) for line in stats.by_industry]
    widths = _header_widths(labels, cap=12)
    _fit(widths, 0, [*names, frame.w("total")])
    for column, key in enumerate(MONEY_KEYS, 3):
        _fit(widths, column, [_k(stats.figures[key].value)])
    sheet.widths(widths)

    sheet.title_block(frame)
    sheet.blank()
    sheet.header(labels, 60)
    first = sheet.row + 1
    revenue = []
    for name, line in zip(names, stats.by_industry, strict=True):
        # A group with no tenant has nothing to report: a dash, not 未报.
        figures = [frame.figure(k, line.figures[k]) if line.tenants_at_end else frame.w("no_tenants") for k in FIGURES]
        revenue.append(figures[FIGURES.index("revenue")])
        sheet.put(
            [name, line.tenants_at_end, line.reported, *figures, line.ip_valid],
            [None, "integer", "integer", *(_look(k, v) for k, v in zip(FIGURES, figures, strict=True)), "integer"],
        )
    last = sheet.row
    sheet.filter(len(labels), last)
    totals = [frame.figure(k, stats.figures[k].value) for k in FIGURES]
    sheet.put(
        [frame.w("total"), stats.tenants.at_end, stats.reported, *totals, stats.ip.valid_at_end],
        ["total_label", "total_integer", "total_integer",
         *(_look(k, v, total=True) for k, v in zip(FIGURES, totals, strict=True)), "total_integer"],
    )  # fmt: skip
    revenue_column = 4 + FIGURES.index("revenue")
    return [
        _Chart(
            frame.w("chart_revenue_industry"),
            frame.u(MONEY_UNIT),
            Reference(sheet.ws, min_col=1, min_row=first, max_row=last),
            Reference(sheet.ws, min_col=revenue_column, min_row=first, max_row=last),
            revenue,
            horizontal=True,
        )
    ]


# --- 知识产权 IP ----------------------------------------------------------------------------------


def _ip_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> list[_Chart]:
    labels = [
        frame.w("ip_kind"),
        frame.w("kind_valid", unit=frame.u("件")),
        frame.w("kind_at_risk", state=frame.at_risk_state(), unit=frame.u("件")),
        frame.w("kind_filed", unit=frame.u("件")),
        frame.w("kind_granted", unit=frame.u("件")),
    ]
    names = [IP_KIND.label(kind, frame.lang) for kind in stats.ip_by_kind]
    widths = _header_widths(labels)
    _fit(widths, 0, names)
    sheet.widths(widths)
    sheet.title_block(frame)
    sheet.blank()
    sheet.header(labels, 30)
    first = sheet.row + 1
    for name, counts in zip(names, stats.ip_by_kind.values(), strict=True):
        sheet.put([name, *_ip_counts(counts)], [None, *["integer"] * 4])
    last = sheet.row
    sheet.filter(len(labels), last)
    sheet.put([frame.w("total"), *_ip_counts(stats.ip)], ["total_label", *["total_integer"] * 4])
    return [
        _Chart(
            frame.w("chart_ip_kind"),
            frame.u("件"),
            Reference(sheet.ws, min_col=1, min_row=first, max_row=last),
            Reference(sheet.ws, min_col=2, min_row=first, max_row=last),
            [counts.valid_at_end for counts in stats.ip_by_kind.values()],
            horizontal=True,
        )
    ]


def _ip_counts(counts: IPCounts) -> list[int]:
    return [counts.valid_at_end, counts.at_risk_at_end, counts.filed, counts.granted]


# --- 按期间 By period ------------------------------------------------------------------------------


def _period_column(stats: ParkStats) -> PeriodFigures:
    """The period itself as a column, the same shape as its parts."""
    return PeriodFigures(
        period=stats.period,
        as_of=stats.as_of,
        tenants_at_end=stats.tenants.at_end,
        reported=stats.reported,
        figures={key: figure.value for key, figure in stats.figures.items()},
    )


def _periods_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> list[_Chart]:
    """The period and each of its halves and quarters (halves first), one column each; returns the
    charts of revenue by half and by quarter."""
    parts = sorted(
        stats.sub_periods.values(), key=lambda part: (Period.parse(part.period).kind, Period.parse(part.period))
    )
    columns = [_period_column(stats), *parts]
    labels = [frame.w("indicator"), frame.w("unit"), *(frame.column(c.period, c.as_of) for c in columns)]
    coverage = [frame.w("coverage_cell", reported=c.reported, at_end=c.tenants_at_end) for c in columns]
    rows: list[tuple[str, str, list[object], str | None]] = [
        (frame.w("period_as_of"), "", [c.as_of for c in columns], "date"),
        (frame.w("at_end"), frame.u("家"), [c.tenants_at_end for c in columns], "integer"),
        (frame.w("reported"), frame.u("家"), [c.reported for c in columns], "integer"),
        (frame.w("coverage"), "", coverage, "coverage"),
    ]
    for key in FIGURES:
        unit_name = MONEY_UNIT if key in MONEY_KEYS else "人"
        rows.append((frame.figure_label(key), frame.u(unit_name), [frame.figure(key, c.figures[key]) for c in columns],
                     key))  # fmt: skip
    widths = _header_widths(labels)
    _fit(widths, 0, [row[0] for row in rows])
    widths[1] = max(widths[1], 8)
    for index in range(2, len(labels)):
        # A census heading (`2017Q4（截至2017-10-31）`) on one line.
        _fit(widths, index, [labels[index], *(row[2][index - 2] for row in rows)])
    sheet.widths(widths)

    sheet.title_block(frame)
    sheet.blank()
    header_row = sheet.header(labels, 45)
    revenue_row = 0
    for label, unit_name, values, key in rows:
        looks = [_look(key, value) for value in values] if key in FIGURES else [_ROW_LOOKS.get(key, key)] * len(values)
        row = sheet.put([label, unit_name, *values], [None, None, *looks])
        if key == "revenue":
            revenue_row = row
    sheet.filter(len(labels), sheet.row)

    charts = []
    revenue = rows[4 + FIGURES.index("revenue")][2]
    for kind, title in (("half", "chart_revenue_half"), ("quarter", "chart_revenue_quarter")):
        indexes = [i for i, c in enumerate(columns) if Period.parse(c.period).kind == kind]
        if not indexes:
            continue
        first, last = 3 + indexes[0], 3 + indexes[-1]
        # The chart says how many tenants reported each part under its title: the bars add up only theirs.
        parts = ("；" if frame.lang == "zh" else "; ").join(
            f"{columns[i].period[4:]} {coverage[i]}" for i in indexes)  # fmt: skip
        charts.append(
            _Chart(
                f"{frame.w(title)}\n{frame.w('chart_coverage', parts=parts)}",
                frame.u(MONEY_UNIT),
                Reference(sheet.ws, min_col=first, max_col=last, min_row=header_row),
                Reference(sheet.ws, min_col=first, max_col=last, min_row=revenue_row),
                [revenue[i] for i in indexes],
                from_rows=True,
            )
        )
    return charts


# --- 概览 Summary --------------------------------------------------------------------------------


def _summary_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame, charts: list[_Chart]) -> None:
    label_width = max(
        display_width(frame.label(k)) for k in (*FIGURES, "graduated", "ip_per_tenant", "ip_at_risk", "report_rate")
    )
    unit_width = max(display_width(frame.u(name)) for name in ("千元", "人", "家", "件", "件/家"))
    # A census heading (`2016（截至2016-10-31）`) on one line; like-for-like headings on two.
    period_width = max(18, *(display_width(frame.column(p, d)) + 2 for p, d in (
        (stats.period, stats.as_of), (stats.previous, stats.previous_period.as_of))))  # fmt: skip
    sheet.widths([max(label_width, 24) + 2, unit_width + 3, period_width, period_width, 12, 16, 16])
    sheet.widths([2], first=_CHART_FIRST_COLUMN - 1)
    sheet.widths([_CHART_COLUMN_WIDTH] * 2 * _CHART_COLUMNS, first=_CHART_FIRST_COLUMN)
    sheet.title_block(frame, across=7)

    def value_table(section: str, rows: list[tuple[str, str, object, str]]) -> None:
        sheet.blank()
        sheet.put([frame.w(section)], "label")
        sheet.header([frame.w("indicator"), frame.w("unit"), frame.w("value")])
        for key, unit_name, value, look in rows:
            sheet.put([frame.label(key), frame.u(unit_name), value], [None, None, look])

    tenants = stats.tenants
    value_table(
        "section_tenants",
        [
            ("at_end", "家", tenants.at_end, "integer"),
            ("moved_in", "家", tenants.moved_in, "integer"),
            ("graduated", "家", tenants.graduated, "integer"),
            ("left", "家", tenants.left, "integer"),
        ],
    )

    # The period beside the same period a year earlier: each column as that period's statistics.
    previous = stats.previous_period
    sheet.blank()
    sheet.put([frame.w("section_money")], "label")
    sheet.header(
        [frame.w("indicator"), frame.w("unit"), frame.column(stats.period, stats.as_of),
         frame.column(stats.previous, previous.as_of), frame.w("growth"), frame.w("like_for_like_growth"),
         frame.w("like_for_like_tenants", unit=frame.u("家"))],
        45,
    )  # fmt: skip
    sheet.put([frame.w("at_end"), frame.u("家"), tenants.at_end, previous.tenants_at_end],
              [None, None, "integer", "integer"])  # fmt: skip
    sheet.put([frame.w("reported"), frame.u("家"), stats.reported, previous.reported],
              [None, None, "integer", "integer"])  # fmt: skip
    for key in FIGURES:
        figure = stats.figures[key]
        value, before = frame.figure(key, figure.value), frame.figure(key, figure.previous)
        same = figure.like_for_like
        sheet.put(
            [frame.figure_label(key), frame.u(MONEY_UNIT if key in MONEY_KEYS else "人"), value, before, figure.growth,
             same.growth if same else None, same.tenants if same else None],
            [None, None, _look(key, value), _look(key, before), "percent", "percent", "integer"],
        )  # fmt: skip

    value_table(
        "section_reporting",
        [
            ("to_report", "家", tenants.at_end, "integer"),
            ("reported", "家", stats.reported, "integer"),
            ("not_reported", "家", len(stats.not_reported), "integer"),
            ("report_rate", "%", ratio(stats.reported, tenants.at_end) if tenants.at_end else None, "percent"),
        ],
    )
    value_table(
        "section_ip",
        [
            ("ip_valid", "件", stats.ip.valid_at_end, "integer"),
            ("ip_at_risk", "件", stats.ip.at_risk_at_end, "integer"),
            ("ip_filed", "件", stats.ip.filed, "integer"),
            ("ip_granted", "件", stats.ip.granted, "integer"),
            (
                "ip_per_tenant",
                "件/家",
                ratio(stats.ip.valid_at_end, tenants.at_end) if tenants.at_end else None,
                "decimal1",
            ),
        ],
    )

    sheet.blank()
    sheet.put([frame.w("section_not_reported")], "label")
    if stats.not_reported:
        sheet.header([frame.tenant_label("uscc"), frame.tenant_label("name")])
        for ref in stats.not_reported:
            sheet.put([ref.uscc, frame.name(ref.name, ref.name_en)])
    else:
        sheet.put([frame.w("none_missing")])

    # Beside the tables, two charts a row, from row 2 on; a chart with no data is left out.
    shown = [chart for chart in charts if chart.has_data]
    for index, chart in enumerate(shown):
        made = chart.make()
        made.width = _CHART_COLUMNS * _CHART_COLUMN_WIDTH * 0.19  # cm: about 0.19 cm per unit of width
        made.height = _CHART_ROWS * 0.5
        column = _CHART_FIRST_COLUMN + (index % 2) * _CHART_COLUMNS
        row = 2 + (index // 2) * _CHART_ROWS
        sheet.ws.add_chart(made, f"{get_column_letter(column)}{row}")


# --- 企业明细 Tenants (Torch layout) ---------------------------------------------------------------


def _torch_figure(frame: _Frame, key: str, value: int | None) -> int | str:
    """The Torch form's figure: whole 千元 for money, 未报 when not reported."""
    if value is None:
        return frame.not_reported
    return whole_units(value, MONEY_UNIT) if key in MONEY_KEYS else value


def _tenants_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> None:
    lang = frame.lang
    items = frame.u("件")
    identity = [
        frame.w("serial"),
        frame.tenant_label("uscc"),
        frame.tenant_label("name"),
        frame.w("founded_on"),
        frame.w("moved_in_on"),
        frame.tenant_label("industry"),
        frame.w("founder_type"),
    ]
    flags = [frame.w("is_graduated"), frame.w("is_certified"), frame.w("is_tech_sme"), frame.w("listing"),
             frame.w("platform_level"), frame.w("has_reported")]  # fmt: skip
    figures = [frame.with_unit(frame.figure_label(k), MONEY_UNIT if k in MONEY_KEYS else "人") for k in FIGURES]
    ip = [frame.w(f"t_{key}", unit=items) for key in IP_KEYS]
    labels = [*identity, *flags, *figures, *ip]

    lines = stats.tenant_lines
    yes, no = frame.w("yes"), frame.w("no")
    industries = INDUSTRY.labels(lang)
    platforms = PLATFORM_LEVEL.labels(lang)
    names = [frame.name(line.name, line.name_en) for line in lines]

    # Narrow columns (headers wrap over up to five lines): the sheet prints three pages across.
    widths = _header_widths(labels, cap=8)
    _fit(widths, 0, [len(lines)])
    widths[1] = 22
    widths[2] = min(30, max([display_width(name) for name in names] + [12]) + 2)
    # Text columns as wide as their longest choice, with room for the printed font's wider glyphs.
    for column, choices in (
        (5, industries.values()),
        (6, FOUNDER_TYPE.labels(lang).values()),
        (10, LISTING.labels(lang).values()),
        (11, platforms.values()),
    ):
        _fit(widths, column, list(choices))
        widths[column] += in_lang(lang, 5, 2)  # CJK glyphs print wider than two digits
    first_figure = len(identity) + len(flags)
    for column, key in enumerate(MONEY_KEYS, first_figure):
        _fit(widths, column, [_torch_figure(frame, key, stats.figures[key].value)])
    sheet.widths(widths)
    groups = [
        ("group_identity", len(identity)),
        ("group_flags", len(flags)),
        ("group_money", len(MONEY_KEYS)),
        ("group_people", len(COUNT_KEYS)),
        ("group_ip", len(ip)),
    ]
    # Each band prints whole on one page across (its title over all of its columns): set before the
    # first row, which carries the page setup out.
    bands, first = [], 0
    for _, span in groups:
        bands.append(widths[first : first + span])
        first += span
    break_between_bands(sheet.ws, bands, repeated=3)

    sheet.title_block(frame)
    group_row: list[object] = []
    for key, span in groups:
        start = len(group_row) + 1
        group_row += [frame.w(key)] + [None] * (span - 1)
        sheet.ws.merged_cells.add(f"{get_column_letter(start)}3:{get_column_letter(start + span - 1)}3")
    sheet.put(group_row, "header")
    sheet.header(labels, 75)

    fixed_looks = ["integer", None, "wrap", "date", "date", None, None, *([None] * len(flags))]
    for serial, (line, name) in enumerate(zip(lines, names, strict=True), 1):
        values = [_torch_figure(frame, k, line.figures[k]) for k in FIGURES]
        sheet.put(
            [
                serial,
                line.uscc,
                name,
                line.founded_on,
                line.moved_in_on,
                industries[line.industry],
                FOUNDER_TYPE.label(line.founder_type, lang),
                yes if line.graduated else no,
                yes if line.certified else no,
                yes if line.tech_sme_no else no,
                LISTING.label(line.listing, lang),
                platforms.get(line.platform_level, line.platform_level),
                yes if line.reported else no,
                *values,
                *(getattr(line, key) for key in IP_KEYS),
            ],
            [*fixed_looks, *(_look("count", v) for v in values), *(["integer"] * len(ip))],
        )
    sheet.filter(len(labels), sheet.row)

    total_ip = [getattr(stats.ip_by_kind[c.kind] if c.kind else stats.ip, c.measure) for c in IP_COLUMNS]
    # Totals round the exact sums (not the sum of the rounded rows).
    totals = [_torch_figure(frame, k, stats.figures[k].value) for k in FIGURES]
    sheet.put(
        [None, None, frame.w("total"), *([None] * (len(identity) - 3 + len(flags))), *totals, *total_ip],
        [None, None, "total_label", *(["total_label"] * (len(identity) - 3 + len(flags))),
         *(_look("count", v, total=True) for v in totals),
         *(["total_integer"] * len(ip))],
    )  # fmt: skip


# --- 目标监测 Targets ------------------------------------------------------------------------------


def _targets_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> None:
    targets = stats.targets
    labels = [frame.w("target"), frame.w("unit"), frame.w("target_value"), frame.w("actual"), frame.w("met"),
              frame.w("basis")]  # fmt: skip
    share = targets.certified_platform_share
    rows = [
        [
            frame.w("target_national"),
            frame.u("家"),
            targets.national_platforms_target,
            targets.national_platforms,
            frame.yes_no(targets.national_platforms >= targets.national_platforms_target),
            frame.w("basis_national"),
        ],
        [
            frame.w("target_share"),
            frame.u("%"),
            targets.certified_platform_share_target,
            share,
            frame.w("no_data") if share is None else frame.yes_no(share >= targets.certified_platform_share_target),
            frame.w("basis_share"),
        ],
        [frame.w("certified"), frame.u("家"), None, targets.certified, None, None],
        [frame.w("certified_with_platform"), frame.u("家"), None, targets.certified_with_platform, None, None],
    ]
    widths = _header_widths(labels)
    _fit(widths, 0, [row[0] for row in rows])
    widths[0] = min(widths[0], 40)
    widths[5] = 50
    sheet.widths(widths)
    sheet.title_block(frame)
    sheet.blank()
    sheet.header(labels, 30)
    sheet.put(rows[0], ["wrap", None, "integer", "integer", None, "wrap"])
    sheet.put(rows[1], ["wrap", None, "percent", "percent", None, "wrap"])
    sheet.put(rows[2], ["wrap", None, None, "integer", None, None])
    sheet.put(rows[3], ["wrap", None, None, "integer", None, None])
    sheet.filter(len(labels), sheet.row)
    sheet.blank()
    sheet.put([frame.w("not_measured")], "subtitle")


# --- 说明 Notes ----------------------------------------------------------------------------------


def _corrections_sheet(sheet: _Sheet, submission: Submission, frame: _Frame) -> None:
    """更正 Corrections: each figure changed after the round closed — tenant, field, its value as
    submitted and as corrected, who, when, why (SPEC §9)."""
    labels = [frame.w(key) for key in CORRECTION_COLUMNS]
    rows = [
        [
            line["uscc"],
            frame.name(line["name"], line["name_en"]),
            frame.figure_label(line["field"]),
            frame.u(MONEY_UNIT) if line["field"] in MONEY_KEYS else frame.u("人"),
            frame.figure(line["field"], line["as_submitted"]),
            frame.figure(line["field"], line["as_corrected"]),
            line["by"],
            park_time(line["at"], frame.zone, frame.lang),
            line["reason"],
        ]
        for line in submission.corrections
    ]
    widths = _header_widths(labels)
    for column in (0, 1, 2, 6, 7):
        _fit(widths, column, [row[column] for row in rows])
    widths[1] = min(widths[1], 36)
    widths[8] = 40
    sheet.widths(widths)
    sheet.title_block(frame)
    sheet.blank()
    header = sheet.header(labels, 30)
    # To the fen: a correction smaller than 10 元 would otherwise print as two equal figures.
    number = ["exact_money" if line["field"] in MONEY_KEYS else "integer" for line in submission.corrections]
    for row, look in zip(rows, number, strict=True):
        sheet.put(row, [None, "wrap", None, None, look, look, None, None, "wrap"], lines=_lines(row[8], widths[8]))
    sheet.filter(len(labels), max(sheet.row, header))
    if not rows:
        sheet.blank()
        sheet.put([frame.w("no_corrections")], "subtitle")


def _notes_sheet(sheet: _Sheet, frame: _Frame) -> None:
    labels = [frame.w("item"), frame.w("unit"), frame.w("definition")]
    notes = (*NOTES, *COLUMN_NOTES)
    if frame.submission is not None:
        basis = "note_submitted" if frame.submission.as_submitted else "note_now"
        zh, en = WORDS[basis]
        values = {"round": frame.submission.title, "closed": frame.submission.closed_on.isoformat()}
        notes = (("figure_basis", "", zh.format(**values), en.format(**values)), *notes, *CORRECTION_NOTES)
    rows = [
        [frame.note_label(key), frame.u(unit_name) if unit_name else None, in_lang(frame.lang, zh, en)]
        for key, unit_name, zh, en in notes
    ]
    widths = _header_widths(labels)
    _fit(widths, 0, [row[0] for row in rows])
    widths[0] = min(widths[0], 24)
    _fit(widths, 1, [row[1] for row in rows])
    # Wide enough to read, narrow enough that the page, fitted to its width, keeps a readable size.
    widths[2] = 80
    sheet.widths(widths)
    sheet.title_block(frame)
    sheet.blank()
    sheet.header(labels)
    for row in rows:
        lines = max(_lines(row[0], widths[0]), _lines(row[2], widths[2]))
        sheet.put(row, ["wrap", "wrap", "wrap"], lines=lines)


def _lines(text: str, width: int) -> int:
    """Lines `text` wraps to in a column `width` wide (a little slack for the font's own widths)."""
    return -(-display_width(text) // max(1, width - 4))
