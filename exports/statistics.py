"""The yearly park statistics workbook.

It renders the `ParkStats` object that `GET /api/v1/stats/{year}` returns: every figure, total and
count here is read from that object (aggregated in SQL by `registry.stats`), never recomputed, so
the workbook and the API cannot disagree. Money is shown in 千元 as in the Torch (火炬) tenant form,
written as exact decimals (`registry.money.in_unit`).

Every table sheet has the same frame: a two-line title block, a group row (row 3, used by the
tenants sheet) and the header in row 4, frozen, filtered and sized to its content.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta, timezone
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from exports.cells import CellMaker, Looks, display_width, stream_sheet
from exports.charts import column_chart
from exports.statistics_text import NOTES, PARK_NAME, sheet_title, unit, word
from registry.money import in_unit
from registry.page_setup import set_up_pages
from registry.periods import Period
from registry.settings import settings
from registry.stats import FIGURES, IPCounts, ParkStats, park_stats, ratio
from registry.vocabulary import (
    COUNT_KEYS,
    INDUSTRY,
    IP_KIND,
    MONEY_KEYS,
    PLATFORM_LEVEL,
    REPORT_FIELDS,
    TENANT_FIELDS,
    field_named,
)

HEADER_ROW = 4
NOTES_HEADER_ROW = HEADER_ROW + 2  # below the full title block
MONEY_UNIT = "千元"
_BEIJING = timezone(timedelta(hours=8))


async def statistics_workbook(year: int, lang: str = "zh") -> bytes:
    """The workbook for `year` (zh by default, en with lang="en") as xlsx bytes."""
    out = BytesIO()
    await write_statistics_workbook(year, out, lang)
    return out.getvalue()


async def write_statistics_workbook(year: int, out: BinaryIO, lang: str = "zh") -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    stats = await park_stats(Period(year))
    # Rendering is CPU work: off the event loop, so a server keeps answering meanwhile.
    await asyncio.to_thread(render_statistics, stats, out, lang)


def render_statistics(stats: ParkStats, out: BinaryIO, lang: str = "zh") -> None:
    if Period.parse(stats.period).kind != "year":
        raise ValueError(f"the statistics workbook is yearly, not for {stats.period}")
    book = Workbook(write_only=True)
    frame = _Frame(stats, lang)
    sheets = {key: stream_sheet(book, sheet_title(key, lang)) for key in ("summary", "industry", "ip")}
    looks = Looks(sheets["summary"])
    # Charts on the summary refer to the industry and IP tables, so those are laid out first.
    industry_rows = _industry_sheet(_Sheet(sheets["industry"], looks, frame), stats, frame)
    kind_rows = _ip_sheet(_Sheet(sheets["ip"], looks, frame), stats, frame)
    _summary_sheet(
        _Sheet(sheets["summary"], looks, frame, freeze="A5", repeat_rows="1:1"), stats, frame, industry_rows, kind_rows
    )
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
    _notes_sheet(
        _Sheet(
            stream_sheet(book, sheet_title("notes", lang)),
            looks,
            frame,
            freeze=f"A{NOTES_HEADER_ROW + 1}",
            repeat_rows=f"{NOTES_HEADER_ROW}:{NOTES_HEADER_ROW}",
        ),
        frame,
    )
    book.properties.title = word("title", lang, park=PARK_NAME[lang], year=stats.period)
    book.properties.creator = "Park Registry"
    book.properties.created = stats.generated_at.replace(tzinfo=None)
    book.save(out)


class _Frame:
    """What every sheet shares: language, title block and the labels of the stats' keys."""

    def __init__(self, stats: ParkStats, lang: str) -> None:
        self.stats, self.lang = stats, lang
        self.year = stats.period
        self.title = word("title", lang, park=PARK_NAME[lang], year=self.year)
        engine, database = _database()
        self.lines = [
            word("period", lang, start=stats.start, end=stats.end, as_of=stats.as_of, previous=stats.previous),
            word("generated", lang, at=stats.generated_at.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")),
            word("source", lang, engine=engine, database=database, year=self.year),
        ]

    def w(self, key: str, **values: object) -> str:
        return word(key, self.lang, **values)

    def u(self, name: str) -> str:
        return unit(name, self.lang)

    def figure_label(self, key: str) -> str:
        field = field_named(REPORT_FIELDS, key)
        return field.zh if self.lang == "zh" else field.en

    def tenant_label(self, key: str) -> str:
        field = field_named(TENANT_FIELDS, key)
        return field.zh if self.lang == "zh" else field.en

    def with_unit(self, label: str, unit_name: str) -> str:
        """`营业收入(千元)` / `Revenue (k yuan)`."""
        spacer = "" if self.lang == "zh" else " "
        return f"{label}{spacer}({self.u(unit_name)})"

    def label(self, key: str) -> str:
        return self.figure_label(key) if key in FIGURES else self.w(key)

    def yes_no(self, flag: bool) -> str:
        return self.w("yes" if flag else "no")


class _Sheet:
    """A write-only sheet with a row counter, set up to print (header rows on every page)."""

    def __init__(
        self,
        sheet,
        looks: Looks,
        frame: _Frame,
        freeze: str = f"B{HEADER_ROW + 1}",
        repeat_rows: str = f"{HEADER_ROW}:{HEADER_ROW}",
        repeat_columns: str | None = None,
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
            period=frame.year,
            repeat_rows=repeat_rows,
            repeat_columns=repeat_columns,
        )

    def put(self, values: Sequence[object], looks: Sequence[str | None] | str | None = None) -> int:
        self.ws.append(self.cells.stream(values, looks))
        self.row += 1
        return self.row

    def blank(self) -> None:
        self.ws.append([])
        self.row += 1

    def widths(self, widths: Sequence[int]) -> None:
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = max(6, min(60, width))

    def title_block(self, frame: _Frame, full: bool) -> None:
        self.put([frame.title], "title")
        if full:
            for line in frame.lines:
                self.put([line], "subtitle")
        else:
            self.put(["；".join(frame.lines[1:]) if frame.lang == "zh" else "; ".join(frame.lines[1:])], "subtitle")

    def header(self, labels: Sequence[str], height: float | None = None) -> int:
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        return self.put(labels, "header")

    def filter(self, columns: int, last_row: int) -> None:
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{max(last_row, HEADER_ROW)}"


def _database() -> tuple[str, str]:
    """Engine and database name, never credentials."""
    url = settings().database_url
    if settings().engine == "sqlite":
        return "SQLite", Path(url.removeprefix("sqlite:///")).name
    parts = urlsplit(url)
    return "PostgreSQL", f"{parts.path.lstrip('/')}@{parts.hostname}"


def _k(fen: int | None) -> Decimal | None:
    return None if fen is None else in_unit(fen, MONEY_UNIT)


def _figure_value(key: str, value: int | None) -> Decimal | int | None:
    return _k(value) if key in MONEY_KEYS else value


def _header_widths(labels: Sequence[str], cap: int = 16) -> list[int]:
    """Headers wrap, so a column needs the width of its header's longest word, up to `cap`."""
    return [min(cap, display_width(label)) + 2 for label in labels]


def _fit(widths: list[int], column: int, values: Sequence[object]) -> None:
    widths[column] = max(widths[column], max((display_width(v) for v in values), default=0) + 2)


# --- 按产业 By industry ----------------------------------------------------------------------------


def _industry_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> tuple[int, int, int]:
    """Returns (first data row, last data row, revenue column) for the summary's chart."""
    labels = [
        frame.w("industry"),
        frame.w("tenants_at_end", unit=frame.u("家")),
        frame.w("tenants_reported", unit=frame.u("家")),
        *(frame.with_unit(frame.figure_label(k), MONEY_UNIT) for k in MONEY_KEYS),
        *(frame.with_unit(frame.figure_label(k), "人") for k in COUNT_KEYS),
        frame.w("ip_valid_col", unit=frame.u("件")),
    ]
    looks = [None, "integer", "integer", *(["money"] * len(MONEY_KEYS)), *(["integer"] * (len(COUNT_KEYS) + 1))]
    total_looks = ["total_label", *(f"total_{look}" for look in looks[1:])]
    names = [INDUSTRY.label(line.industry, frame.lang) for line in stats.by_industry]
    widths = _header_widths(labels)
    _fit(widths, 0, [*names, frame.w("total")])
    for column, key in enumerate(MONEY_KEYS, 3):
        _fit(widths, column, [_k(stats.figures[key].value)])
    sheet.widths(widths)

    sheet.title_block(frame, full=False)
    sheet.blank()
    sheet.header(labels, 45)
    first = sheet.row + 1
    for name, line in zip(names, stats.by_industry, strict=True):
        sheet.put(
            [
                name,
                line.tenants_at_end,
                line.reported,
                *(_k(line.figures[k]) for k in MONEY_KEYS),
                *(line.figures[k] for k in COUNT_KEYS),
                line.ip_valid,
            ],
            looks,
        )
    last = sheet.row
    sheet.filter(len(labels), last)
    sheet.put(
        [
            frame.w("total"),
            stats.tenants.at_end,
            stats.reported,
            *(_figure_value(k, stats.figures[k].value) for k in (*MONEY_KEYS, *COUNT_KEYS)),
            stats.ip.valid_at_end,
        ],
        total_looks,
    )
    return first, last, 4


# --- 知识产权 IP ----------------------------------------------------------------------------------


def _ip_sheet(sheet: _Sheet, stats: ParkStats, frame: _Frame) -> tuple[int, int]:
    labels = [
        frame.w("ip_kind"),
        frame.w("kind_valid", unit=frame.u("件")),
        frame.w("kind_filed", unit=frame.u("件")),
        frame.w("kind_granted", unit=frame.u("件")),
    ]
    names = [IP_KIND.label(kind, frame.lang) for kind in stats.ip_by_kind]
    widths = _header_widths(labels)
    _fit(widths, 0, names)
    sheet.widths(widths)
    sheet.title_block(frame, full=False)
    sheet.blank()
    sheet.header(labels, 30)
    first = sheet.row + 1
    for name, counts in zip(names, stats.ip_by_kind.values(), strict=True):
        sheet.put([name, *_ip_counts(counts)], [None, "integer", "integer", "integer"])
    last = sheet.row
    sheet.filter(len(labels), last)
    sheet.put(
        [frame.w("total"), *_ip_counts(stats.ip)], ["total_label", "total_integer", "total_integer", "total_integer"]
    )
    return first, last


def _ip_counts(counts: IPCounts) -> list[int]:
    return [counts.valid_at_end, counts.filed, counts.granted]


# --- 概览 Summary --------------------------------------------------------------------------------


def _parts(year: str) -> list[str]:
    base = Period.parse(year)
    return [str(Period(base.year, half=h)) for h in (1, 2)] + [str(Period(base.year, quarter=q)) for q in range(1, 5)]


def _summary_sheet(
    sheet: _Sheet, stats: ParkStats, frame: _Frame, industry_rows: tuple[int, int, int], kind_rows: tuple[int, int]
) -> None:
    lang = frame.lang
    parts = _parts(stats.period)
    label_width = max(display_width(frame.label(k)) for k in (*FIGURES, "graduated", "ip_per_tenant", "report_rate"))
    sheet.widths([max(label_width, 22) + 2, *([16] * (3 + len(parts)))])
    sheet.title_block(frame, full=True)

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

    revenue_row = revenue_header = 0
    for section, keys, unit_name, look in (
        ("section_money", MONEY_KEYS, MONEY_UNIT, "money"),
        ("section_people", COUNT_KEYS, "人", "integer"),
    ):
        sheet.blank()
        sheet.put([frame.w(section)], "label")
        u = frame.u(unit_name)
        header_row = sheet.header(
            [
                frame.w("indicator"),
                frame.w("year_col", period=stats.period, unit=u),
                frame.w("year_col", period=stats.previous, unit=u),
                frame.w("growth"),
                *(frame.w("part_col", period=p, unit=u) for p in parts),
            ],
            30,
        )
        for key in keys:
            figure = stats.figures[key]
            row = sheet.put(
                [
                    frame.figure_label(key),
                    _figure_value(key, figure.value),
                    _figure_value(key, figure.previous),
                    figure.growth,
                    *(_figure_value(key, stats.sub_periods.get(p, {}).get(key)) for p in parts),
                ],
                [None, look, look, "percent", *([look] * len(parts))],
            )
            if key == "revenue":
                revenue_row, revenue_header = row, header_row

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
            sheet.put([ref.uscc, ref.name])
    else:
        sheet.put([frame.w("none_missing")])

    industry_sheet = sheet.ws.parent[sheet_title("industry", lang)]
    ip_sheet = sheet.ws.parent[sheet_title("ip", lang)]
    first, last, revenue_column = industry_rows
    charts = [
        column_chart(
            frame.w("chart_revenue_industry"),
            frame.u(MONEY_UNIT),
            Reference(industry_sheet, min_col=1, min_row=first, max_row=last),
            Reference(industry_sheet, min_col=revenue_column, min_row=first, max_row=last),
            horizontal=True,
        ),
        column_chart(
            frame.w("chart_ip_kind"),
            frame.u("件"),
            Reference(ip_sheet, min_col=1, min_row=kind_rows[0], max_row=kind_rows[1]),
            Reference(ip_sheet, min_col=2, min_row=kind_rows[0], max_row=kind_rows[1]),
            horizontal=True,
        ),
        column_chart(
            frame.w("chart_revenue_period"),
            frame.u(MONEY_UNIT),
            Reference(sheet.ws, min_col=5, max_col=4 + len(parts), min_row=revenue_header),
            Reference(sheet.ws, min_col=5, max_col=4 + len(parts), min_row=revenue_row),
            from_rows=True,
        ),
    ]
    anchor_column = get_column_letter(4 + len(parts) + 2)
    for index, chart in enumerate(charts):
        sheet.ws.add_chart(chart, f"{anchor_column}{2 + index * 19}")


# --- 企业明细 Tenants (Torch layout) ---------------------------------------------------------------

_TENANT_IP = (
    "ip_filed",
    "ip_filed_invention",
    "ip_granted",
    "ip_granted_invention",
    "ip_valid",
    "ip_valid_invention",
    "ip_valid_software",
    "ip_valid_plant",
    "ip_valid_ic",
)
_TOTAL_OF_TENANT_IP = {
    "ip_filed": ("", "filed"),
    "ip_filed_invention": ("invention", "filed"),
    "ip_granted": ("", "granted"),
    "ip_granted_invention": ("invention", "granted"),
    "ip_valid": ("", "valid_at_end"),
    "ip_valid_invention": ("invention", "valid_at_end"),
    "ip_valid_software": ("software_copyright", "valid_at_end"),
    "ip_valid_plant": ("plant_variety", "valid_at_end"),
    "ip_valid_ic": ("ic_layout", "valid_at_end"),
}


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
    ]
    flags = [frame.w("is_graduated"), frame.w("is_certified"), frame.w("platform_level"), frame.w("has_reported")]
    money = [frame.with_unit(frame.figure_label(k), MONEY_UNIT) for k in MONEY_KEYS]
    heads = [frame.with_unit(frame.figure_label(k), "人") for k in COUNT_KEYS]
    ip = [frame.w(f"t_{key}", unit=items) for key in _TENANT_IP]
    labels = [*identity, *flags, *money, *heads, *ip]
    looks: list[str | None] = [
        "integer", None, None, "date", "date", None,
        None, None, None, None,
        *(["money"] * len(money)),
        *(["integer"] * (len(heads) + len(ip))),
    ]  # fmt: skip

    lines = stats.tenant_lines
    yes, no = frame.w("yes"), frame.w("no")
    industries = {c.code: c.zh if lang == "zh" else c.en for c in INDUSTRY.choices}
    platforms = {c.code: c.zh if lang == "zh" else c.en for c in PLATFORM_LEVEL.choices}

    widths = _header_widths(labels, cap=12)
    _fit(widths, 0, [len(lines)])
    widths[1] = 20
    _fit(widths, 2, [line.name for line in lines] + [frame.w("total")])
    _fit(widths, 5, list(industries.values()))
    _fit(widths, 8, list(platforms.values()))
    for column, key in enumerate(MONEY_KEYS, len(identity) + len(flags)):
        _fit(widths, column, [_k(stats.figures[key].value)])
    sheet.widths(widths)

    sheet.title_block(frame, full=False)
    groups = [
        ("group_identity", len(identity)),
        ("group_flags", len(flags)),
        ("group_money", len(money)),
        ("group_people", len(heads)),
        ("group_ip", len(ip)),
    ]
    group_row: list[object] = []
    for key, span in groups:
        start = len(group_row) + 1
        group_row += [frame.w(key)] + [None] * (span - 1)
        sheet.ws.merged_cells.add(f"{get_column_letter(start)}3:{get_column_letter(start + span - 1)}3")
    sheet.put(group_row, "header")
    sheet.header(labels, 60)

    for serial, line in enumerate(lines, 1):
        figures = line.figures
        sheet.put(
            [
                serial,
                line.uscc,
                line.name,
                line.founded_on,
                line.moved_in_on,
                industries[line.industry],
                yes if line.graduated else no,
                yes if line.certified else no,
                platforms.get(line.platform_level, line.platform_level),
                yes if line.reported else no,
                *(_k(figures[k]) for k in MONEY_KEYS),
                *(figures[k] for k in COUNT_KEYS),
                *(getattr(line, key) for key in _TENANT_IP),
            ],
            looks,
        )
    sheet.filter(len(labels), sheet.row)

    total_ip = []
    for key in _TENANT_IP:
        kind, measure = _TOTAL_OF_TENANT_IP[key]
        total_ip.append(getattr(stats.ip_by_kind[kind] if kind else stats.ip, measure))
    sheet.put(
        [
            None,
            None,
            frame.w("total"),
            *([None] * (len(identity) - 3 + len(flags))),
            *(_figure_value(k, stats.figures[k].value) for k in (*MONEY_KEYS, *COUNT_KEYS)),
            *total_ip,
        ],
        [None, None, "total_label", *(["total_label"] * (len(identity) - 3 + len(flags))),
         *(["total_money"] * len(money)), *(["total_integer"] * (len(heads) + len(ip)))],
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
    widths[5] = 60
    sheet.widths(widths)
    sheet.title_block(frame, full=False)
    sheet.blank()
    sheet.header(labels, 30)
    sheet.put(rows[0], [None, None, "integer", "integer", None, "wrap"])
    sheet.put(rows[1], [None, None, "percent", "percent", None, "wrap"])
    sheet.put(rows[2], [None, None, None, "integer", None, None])
    sheet.put(rows[3], [None, None, None, "integer", None, None])
    sheet.filter(len(labels), sheet.row)
    sheet.blank()
    sheet.put([frame.w("not_measured")], "subtitle")


# --- 说明 Notes ----------------------------------------------------------------------------------


def _notes_sheet(sheet: _Sheet, frame: _Frame) -> None:
    labels = [frame.w("item"), frame.w("unit"), frame.w("definition")]
    rows = [
        [frame.label(key), frame.u(unit_name), zh if frame.lang == "zh" else en] for key, unit_name, zh, en in NOTES
    ]
    widths = _header_widths(labels)
    _fit(widths, 0, [row[0] for row in rows])
    _fit(widths, 1, [row[1] for row in rows])
    widths[2] = 90
    sheet.widths(widths)
    sheet.title_block(frame, full=True)
    sheet.blank()
    sheet.header(labels)
    for row in rows:
        sheet.put(row, [None, None, "wrap"])
