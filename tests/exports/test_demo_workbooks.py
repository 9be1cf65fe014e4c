"""The demo park's statistics workbooks, every period: the same figures as /stats, and fit to print;
and its deadlines workbook (`park export deadlines`) as printed.

The demo park is loaded once for the module. The print tests convert workbooks with LibreOffice
headless (Debian: libreoffice-calc-nogui, fonts-noto-cjk; poppler-utils reads the PDF back), as
the statistics office opens them, and check what a clerk would notice. They fail, never skip,
when those programs are missing: `.ci/run` installs them.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from exports.deadlines import deadlines_workbook
from exports.registry_dump import registry_workbook
from exports.statistics import statistics_workbook
from registry.actor import SYSTEM
from registry.demo import CENSUS_DAY, load_demo
from registry.periods import Period
from registry.vocabulary import IP_KIND, MONEY_KEYS, REPORT_FIELDS
from tests.conftest import wipe
from tests.exports.conftest import open_workbook
from tests.printed import printed_fonts, printed_pages
from tests.server import login

# Every year, half and quarter the demo park has lived through, and the census of 2017-10-31.
PERIODS = [
    *(Period(year) for year in (2015, 2016, 2017)),
    *(Period(year, half=h) for year in (2015, 2016, 2017) for h in (1, 2)),
    *(Period(year, quarter=q) for year in (2015, 2016, 2017) for q in (1, 2, 3, 4)),
]
FIGURE_OF_LABEL = {field.zh: field.key for field in REPORT_FIELDS}
# The IP counts beside each other on the summary and the IP sheet: label -> key of /stats' `ip`.
IP_OF_LABEL = {"期末有效知识产权": "valid_at_end", "其中：年费宽限期已过": "at_risk_at_end"}
IP_OF_COLUMN = {
    "期末有效(件)": "valid_at_end",
    "其中年费宽限期已过(件)": "at_risk_at_end",
    "本期申请(件)": "filed",
    "本期授权(件)": "granted",
}
# What a clerk may be handed at most for any of these workbooks (seven sheets; 109 tenants on the
# Torch sheet, three pages across and at most three down; the summary's list of tenants that have
# not reported runs to three pages when hardly anyone has, as on the census day).
MOST_PAGES, MOST_TENANT_PAGES = 20, 9


@pytest.fixture(scope="module")
async def demo_park(database):
    await wipe()
    await load_demo()
    yield
    await wipe()


@pytest.fixture(scope="module")
async def statistician(demo_park, base_url):
    client = await login(base_url, "statistician")
    yield client
    await client.aclose()


def _table(sheet, header_row: int = 4) -> tuple[list, list[list]]:
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


class _Stats:
    """`GET /stats/{period}?as_of=` through the API, each answer asked for once."""

    def __init__(self, client) -> None:
        self.client, self.answers = client, {}

    async def __call__(self, period: str, as_of: date) -> dict:
        key = (period, as_of)
        if key not in self.answers:
            response = await self.client.get(f"/stats/{period}", params={"as_of": as_of.isoformat()})
            assert response.status_code == 200, response.text
            self.answers[key] = response.json()
        return self.answers[key]


def _assert_figure(shown, key: str, api_value, where: str) -> None:
    """A workbook cell (千元 for money) against the API's figure (yuan string or count)."""
    if api_value is None:
        assert shown == "未报", where
    elif key in MONEY_KEYS:
        assert Decimal(str(shown)) * 1000 == Decimal(api_value), where
    else:
        assert shown == api_value, where


async def _check_workbook(stats: _Stats, period: Period, as_of: date | None) -> int:
    """Every period column of the workbook against /stats of that period; returns how many."""
    book = open_workbook(await statistics_workbook(SYSTEM, period, "zh", as_of))
    columns = 0

    # 按期间: the period and each half and quarter, each dated by its own row.
    if "按期间" in book.sheetnames:
        header, rows = _table(book["按期间"])
        by_label = {row[0]: row for row in rows}
        for index, heading in enumerate(header[2:], 2):
            name = heading.split("（")[0]  # `2017（截至2017-10-31）`: taken before its end
            api = await stats(name, _day(by_label["期末时点"][index]))
            as_of = _day(by_label["期末时点"][index])
            assert (heading == name) == (as_of == Period.parse(name).end), heading
            if heading != name:
                assert heading == f"{name}（截至{as_of.isoformat()}）"
            where = f"{period} 按期间 {name}"
            assert by_label["期末在册企业"][index] == api["tenants"]["at_end"], where
            assert by_label["已报送企业"][index] == api["reported"], where
            for label, key in FIGURE_OF_LABEL.items():
                if label in by_label:
                    _assert_figure(by_label[label][index], key, api["figures"][key]["value"], f"{where} {label}")
            columns += 1

    # 概览: the period beside the same period a year earlier.
    api = await stats(str(period), as_of or period.end)
    summary = list(book["概览"].iter_rows(values_only=True))
    previous_day = date.fromisoformat(api["previous_period"]["as_of"])
    # Each heading names the period and, when it is taken before its end, the day.
    headings = [_heading(str(period), as_of or period.end), _heading(api["previous"], previous_day)]
    start = next(i for i, row in enumerate(summary) if list(row[2:4]) == headings)
    before = await stats(api["previous"], previous_day)
    for row in summary[start + 1 :]:
        if row[0] is None:
            break
        label = row[0]
        for column, answer in ((2, api), (3, before)):
            where = f"{period} 概览 {label} {answer['period']}"
            if label == "期末在册企业":
                assert row[column] == answer["tenants"]["at_end"], where
            elif label == "已报送企业":
                assert row[column] == answer["reported"], where
            else:
                key = FIGURE_OF_LABEL[label]
                _assert_figure(row[column], key, answer["figures"][key]["value"], where)
        if label in FIGURE_OF_LABEL:  # like-for-like growth and its tenants beside the plain growth
            same = api["figures"][FIGURE_OF_LABEL[label]]["like_for_like"]
            growth = None if same["growth"] is None else Decimal(same["growth"])
            assert (_decimal(row[5]), row[6]) == (growth, same["tenants"]), f"{period} 概览 {label} 同口径"
    columns += 2

    # 按产业 and the Torch sheet: their total rows are the period's figures.
    header, rows = _table(book["按产业"])
    total = dict(zip(header, rows[-1], strict=True))
    assert total[header[1]] == api["tenants"]["at_end"] and total[header[2]] == api["reported"]
    for label, key in FIGURE_OF_LABEL.items():
        column = next((h for h in header if h.startswith(f"{label}(")), None)
        if column:
            _assert_figure(total[column], key, api["figures"][key]["value"], f"{period} 按产业 {label}")
    _check_ip(book, api, str(period))
    header, rows = _table(book["企业明细"])
    assert len(rows) - 1 == api["tenants"]["at_end"]
    total = dict(zip(header, rows[-1], strict=True))
    for key in MONEY_KEYS:
        label = f"{next(f.zh for f in REPORT_FIELDS if f.key == key)}(千元)"
        value = api["figures"][key]["value"]
        expected = "未报" if value is None else int((Decimal(value) / 1000).quantize(Decimal(1), "ROUND_HALF_UP"))
        assert total[label] == expected, f"{period} 企业明细 {label}"
    return columns


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _heading(period: str, as_of: date) -> str:
    return period if as_of == Period.parse(period).end else f"{period}（截至{as_of.isoformat()}）"


def _check_ip(book, api: dict, where: str) -> None:
    """The summary's valid and at-risk IP, and the IP sheet's counts by kind, against /stats."""
    summary = {row[0]: row for row in book["概览"].iter_rows(values_only=True) if row[0]}
    for label, key in IP_OF_LABEL.items():
        assert summary[label][2] == api["ip"][key], f"{where} 概览 {label}"
    header, rows = _table(book["知识产权"])
    assert set(IP_OF_COLUMN) <= set(header), header
    kinds = {IP_KIND.label(kind): kind for kind in IP_KIND.codes}
    for row in rows:
        counts = api["ip_by_kind"][kinds[row[0]]] if row[0] in kinds else api["ip"]
        assert row[0] in kinds or row[0] == "合计", row
        for column, key in IP_OF_COLUMN.items():
            assert row[header.index(column)] == counts[key], f"{where} 知识产权 {row[0]} {column}"


async def test_every_period_column_of_every_workbook_equals_stats_of_that_period(statistician):
    stats = _Stats(statistician)
    columns = 0
    for period in PERIODS:
        columns += await _check_workbook(stats, period, None)
    columns += await _check_workbook(stats, Period(2017), CENSUS_DAY)
    assert columns == 22 * 2 + 4 * 7 + 6 * 3  # every summary pair; the by-period columns of years and halves


async def test_this_years_workbook_counts_the_demo_patents_at_risk_beside_the_valid_ones(statistician):
    """The demo leaves two patents with a fee year unpaid past its grace (SPEC §8): this year's
    workbook, dated today, counts them beside the valid items, as /stats does."""
    today = date.today()
    api = await _Stats(statistician)(str(today.year), today)
    assert api["ip"]["at_risk_at_end"] == 2
    book = open_workbook(await statistics_workbook(SYSTEM, Period(today.year), "zh", today))
    _check_ip(book, api, str(today.year))
    english = open_workbook(await statistics_workbook(SYSTEM, Period(today.year), "en", today))
    summary = {row[0]: row for row in english["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["of which annual fee past grace (at risk)"][2] == 2


async def test_the_2017h1_workbook_carries_the_published_78_yi_yuan(demo_park):
    book = open_workbook(await statistics_workbook(SYSTEM, Period.parse("2017H1")))
    summary = {row[0]: row for row in book["概览"].iter_rows(values_only=True) if row[0]}
    assert Decimal(str(summary["营业收入"][2])) == Decimal(7_800_000)  # 千元: 78亿元
    header, rows = _table(book["企业明细"])
    assert rows[-1][header.index("营业收入(千元)")] == 7_800_000
    assert book["概览"]["A1"].value == "动力谷自主创新园 2017年上半年统计"


async def test_the_2016_workbook_carries_the_published_36_yi_yuan(demo_park):
    book = open_workbook(await statistics_workbook(SYSTEM, 2016))
    header, rows = _table(book["企业明细"])
    assert rows[-1][header.index("营业收入(千元)")] == 3_600_000
    assert book["企业明细"].cell(len(rows) + 4, header.index("营业收入(千元)") + 1).number_format == "#,##0"


async def test_the_census_workbook_counts_109_tenants_on_2017_10_31(demo_park):
    book = open_workbook(await statistics_workbook(SYSTEM, 2017, as_of=CENSUS_DAY))
    summary = {row[0]: row for row in book["概览"].iter_rows(values_only=True) if row[0]}
    assert summary["期末在册企业"][2] == 109
    assert summary["期末有效知识产权"][2] == 8_066
    # 2017 has no annual reports yet: no revenue-by-industry chart rather than an empty one.
    titles = [chart.title.tx.rich.p[0].r[0].t for chart in book["概览"]._charts]
    assert "营业收入按产业（千元）" not in titles
    assert titles == ["期末有效知识产权按类型（件）", "营业收入按半年（千元）", "营业收入按季度（千元）"]
    # The census's columns say the day they are taken on.
    header = list(next(book["概览"].iter_rows(min_row=1, values_only=True)))
    money = next(row for row in book["概览"].iter_rows(values_only=True) if row[0] == "指标" and row[4])
    assert list(money[2:4]) == ["2017（截至2017-10-31）", "2016（截至2016-10-31）"], (header, money)


# --- Like-for-like growth, recomputed from the registry dump --------------------------------------


def _dump_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _parts(period: str) -> list[list[str]]:
    """The ways a period is made of others (a year of its halves or its quarters, a half of its
    quarters), written out here rather than taken from registry.periods."""
    year = period[:4]
    if len(period) == 4:
        return [[f"{year}H1", f"{year}H2"], [f"{year}Q{q}" for q in range(1, 5)]]
    if period[4] == "H":
        first = 2 * int(period[5]) - 1
        return [[f"{year}Q{first}", f"{year}Q{first + 1}"]]
    return []


def _reported(reports: dict[str, dict], period: str) -> bool:
    return period in reports or any(all(_reported(reports, p) for p in parts) for parts in _parts(period))


def _value(reports: dict[str, dict], period: str, column: str, stock: bool):
    """A tenant's figure for the period: its own report, else the first complete set of parts
    (money adds up, a headcount is the last part's); None when unknown."""
    if period in reports:
        return reports[period][column]
    for parts in _parts(period):
        if all(_reported(reports, p) for p in parts):
            values = [_value(reports, p, column, stock) for p in parts]
            if any(v is None for v in values):
                return None
            return values[-1] if stock else sum(values)
    return None


def _last_day(period: str) -> date:
    year = int(period[:4])
    month = 12 if len(period) == 4 else 6 * int(period[5]) if period[4] == "H" else 3 * int(period[5])
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


async def test_like_for_like_growth_recomputed_from_the_registry_dump_equals_stats(statistician):
    """The dump read as a clerk would (openpyxl, its own headers), like-for-like growth worked out by
    hand: the tenants on record at both periods' ends that reported the figure for both."""
    book = open_workbook(await registry_workbook(SYSTEM))
    tenants = _dump_rows(book["企业"])
    reports: dict[str, dict[str, dict]] = {}
    for row in _dump_rows(book["经营数据"]):
        reports.setdefault(row["统一社会信用代码"], {})[row["报告期"]] = row
    stats = _Stats(statistician)
    checked = 0
    # 2017Q3 is the case: plain growth +370 % from 17 reporters against 10.
    for period, previous in (("2016", "2015"), ("2017H1", "2016H1"), ("2017Q3", "2016Q3"), ("2016H2", "2015H2")):
        days = (_last_day(period), _last_day(previous))
        both = [t for t in tenants if all(_day(t["入驻日期"]) <= day and (t["迁出日期"] is None or _day(t["迁出日期"]) > day)
                                          for day in days)]  # fmt: skip
        api = await stats(period, days[0])
        for column, key, stock in (("营业收入(元)", "revenue", False), ("从业人员(人)", "employees", True),
                                   ("净利润(元)", "net_profit", False)):  # fmt: skip
            pairs = [(_value(reports.get(t["统一社会信用代码"], {}), period, column, stock),
                      _value(reports.get(t["统一社会信用代码"], {}), previous, column, stock)) for t in both]  # fmt: skip
            pairs = [(now, before) for now, before in pairs if now is not None and before is not None]
            same = api["figures"][key]["like_for_like"]
            assert same["tenants"] == len(pairs), (period, key)
            if not pairs:
                continue
            now, before = sum(Decimal(str(p[0])) for p in pairs), sum(Decimal(str(p[1])) for p in pairs)
            shown = Decimal if stock is False else int
            assert (shown(same["value"]), shown(same["previous"])) == (now, before), (period, key)
            expected = ((now - before) / abs(before)).quantize(Decimal("0.0001"), "ROUND_HALF_UP") if before else None
            assert (None if same["growth"] is None else Decimal(same["growth"])) == expected, (period, key)
            checked += 1
    assert checked >= 8


# --- Printed -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def printed_books(demo_park):
    """Each workbook's printed pages, and the font faces its PDF uses."""
    workbooks = {
        "2016": await statistics_workbook(SYSTEM, 2016),
        "2017H1": await statistics_workbook(SYSTEM, Period.parse("2017H1")),
        "2017-en": await statistics_workbook(SYSTEM, 2017, "en", as_of=CENSUS_DAY),
        "2017-census": await statistics_workbook(SYSTEM, 2017, as_of=CENSUS_DAY),
    }
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        pages = await asyncio.to_thread(printed_pages, workbooks, Path(folder))
        yield pages, {name: printed_fonts(Path(folder), name) for name in workbooks}


@pytest.fixture(scope="module")
def printed(printed_books):
    return printed_books[0]


def _of_sheet(pages: list[str], title: str) -> list[str]:
    """The pages whose printed header names the sheet (its first line: park, sheet, period)."""
    return [page for page in pages if title in page.strip().splitlines()[0].split()]


def test_each_workbook_prints_on_few_pages_each_numbered_page_x_of_y(printed):
    for name, pages in printed.items():
        assert len(pages) <= MOST_PAGES, f"{name}: {len(pages)} pages"
        for number, page in enumerate(pages, 1):
            assert f"第 {number} 页，共 {len(pages)} 页" in page or f"Page {number} of {len(pages)}" in page
            assert "动力谷自主创新园" in page or "Power Valley" in page


def test_every_page_of_the_tenant_sheet_carries_its_header_row_and_names(printed):
    for name, pages in printed.items():
        title, header, columns = (
            ("Tenants", "Founded", "USCC") if name.endswith("en") else ("企业明细", "成立日期", "统一社会信用代码")
        )
        tenant_pages = _of_sheet(pages, title)
        assert 2 <= len(tenant_pages) <= MOST_TENANT_PAGES, f"{name}: {len(tenant_pages)} pages"
        for page in tenant_pages:
            assert columns in page, name  # the repeated name columns and header row
        # The identity columns' header only on the first page across; every page repeats the name columns.
        assert header in tenant_pages[0]


def test_the_summary_charts_print_whole_on_the_first_page(printed):
    first = printed["2016"][0]
    for title, labels in (
        ("营业收入按产业（千元）", ["轨道交通及通用航空", "现代服务业"]),
        ("期末有效知识产权按类型（件）", ["集成电路布图设计", "植物新品种"]),
        ("营业收入按半年（千元）", ["2016H1", "2016H2"]),
        ("营业收入按季度（千元）", ["2016Q1", "2016Q4"]),
    ):
        assert title in first, title
        for label in labels:
            assert label in first, (title, label)
    for page in printed["2016"][1:]:
        assert "营业收入按季度" not in page
    # The census workbook leaves out the revenue-by-industry chart (no 2017 annual reports yet).
    assert "Revenue by industry" not in printed["2017-en"][0]
    assert "Revenue by quarter" in printed["2017-en"][0]


def test_the_notes_print_whole_within_the_page_width(printed):
    notes = _of_sheet(printed["2016"], "说明")
    text = "".join(notes)
    assert notes and "整千元" in text and "未报" in text
    assert "sqlite" not in text.lower() and "/api/" not in text
    # Every column is defined, those of the Torch sheet's status band and like-for-like growth too.
    for item in (
        "创业者类型",
        "是否科技型中小企业",
        "上市/挂牌",
        "是否毕业企业",
        "是否报送",
        "同口径增长率",
        "毕业日期",
    ):
        assert item in text, item
    assert "年末在册" not in text


def test_the_census_prints_the_day_each_column_is_taken_on(printed):
    first = printed["2017-census"][0]
    assert "2017（截至2017-10-31）" in first and "2016（截至2016-10-31）" in first
    periods = "".join(_of_sheet(printed["2017-census"], "按期间"))
    assert "2017Q4（截至2017-10-31）" in periods
    # A year that has ended is headed by its name alone.
    assert "截至" not in printed["2016"][0]


def test_like_for_like_growth_prints_beside_the_plain_growth_with_its_tenants(printed):
    first = printed["2016"][0]
    assert "增长率" in first and "同口径增长率" in first and "同口径企业" in first


def test_the_part_period_charts_say_how_many_tenants_reported_each_part(printed):
    """Each bar's category names its part and how many of its tenants reported it (2 halves, 4 quarters)."""
    for name, parts in (("2016", ["2016H1", "2016H2", "2016Q1", "2016Q4"]), ("2017-census", ["2017H1"])):
        first = printed[name][0]
        assert re.search(r"报送\s*/\s*在册企业", first), name
        assert len(re.findall(r"\b\d+/\d+\b", first)) == 6, name  # reported/on record, each part
        for part in parts:
            assert part in first, (name, part)


def test_every_workbook_prints_in_sans_faces_only(printed_books):
    for name, faces in printed_books[1].items():
        assert faces and not [face for face in faces if "Serif" in face], (name, faces)


def test_a_group_with_no_tenants_prints_a_dash_not_not_reported(printed):
    for name in ("2016", "2017-census"):
        for page in _of_sheet(printed[name], "按产业"):
            other = next(line for line in page.splitlines() if line.strip().startswith("其他"))
            assert "未报" not in other and "—" in other, other


def test_the_tenant_sheets_bands_print_whole_each_on_one_page_across(printed):
    # Each band with the first words of its first and last columns' headings (headings wrap).
    bands = {"状态": ("是否毕业", "是否报送"), "经济指标（千元）": ("总收入", "财政资助"),
             "人员（人）": ("从业人员", "吸纳应届"), "知识产权（件）": ("本年知识", "集成电路")}  # fmt: skip
    for name in ("2016", "2017-census"):
        pages = _of_sheet(printed[name], "企业明细")
        for band, (first, last) in bands.items():
            with_band = [page.replace(" ", "") for page in pages if band in page]
            assert with_band, (name, band)
            assert all(first in page and last in page for page in with_band), (name, band)
            # The band and both its ends on a page, never its title over a part of it.
            assert [page for page in pages if first in page.replace(" ", "")] == [
                page for page in pages if band in page], (name, band)  # fmt: skip


# --- The deadlines workbook, printed --------------------------------------------------------------

# The demo park's deadlines within the default 90 days: some 600 lines (about 480 deadlines under
# some 110 tenant lines), printed about 55 lines a page one page wide — 12 pages in Chinese, 11 in
# English (LibreOffice 7.4). Bound: 16 pages, and never fewer than 45 lines a page.
MOST_DEADLINE_PAGES, LEAST_LINES_A_PAGE = 16, 45


def _in_order(line: str, labels: list[str]) -> bool:
    at = 0
    for label in labels:
        at = line.find(label, at)
        if at < 0:
            return False
        at += len(label)
    return True


DEADLINE_HEADERS = {
    "zh": ["企业名称", "知识产权类型", "申请号/登记号", "名称", "事项", "截止日", "宽限期至", "状态", "年费(元)",
           "滞纳金(元)", "应缴(元)"],
    "en": ["Tenant", "Kind", "Number", "Title", "Deadline", "Due on", "Grace ends", "State", "Fee (yuan)",
           "Late fee (yuan)", "To pay (yuan)"],
}  # fmt: skip


@pytest.fixture(scope="module")
async def printed_deadlines(demo_park):
    workbooks = {lang: await deadlines_workbook(SYSTEM, lang=lang) for lang in ("zh", "en")}
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        pages = await asyncio.to_thread(printed_pages, workbooks, Path(folder))
    yield {lang: (open_workbook(content), pages[lang]) for lang, content in workbooks.items()}


def _money(value) -> str:
    return f"{value:,.2f}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_deadlines_workbook_prints_one_page_wide_each_page_headed_and_every_line_whole(printed_deadlines, lang):
    book, pages = printed_deadlines[lang]
    sheet_titles = book.sheetnames  # 期限清单 / Deadlines, then 宽限期已过 / Past grace
    lines = sum(sheet.max_row for sheet in book)
    assert 2 <= len(pages) <= MOST_DEADLINE_PAGES and lines >= LEAST_LINES_A_PAGE * (len(pages) - 2), len(pages)
    page_word = "第 {x} 页，共 {y} 页" if lang == "zh" else "Page {x} of {y}"
    for number, page in enumerate(pages, 1):
        head = page.strip().splitlines()[0]
        assert ("动力谷自主创新园" if lang == "zh" else "Power Valley") in head
        assert any(title in head for title in sheet_titles), head
        assert page_word.format(x=number, y=len(pages)) in page
        # The header row atop every page, all of it: no column pushed onto a page of its own.
        header = next(line for line in page.splitlines() if DEADLINE_HEADERS[lang][0] in line.split())
        # Each label after the one before it, in order (名称 stands inside 企业名称 too).
        assert _in_order(header, DEADLINE_HEADERS[lang]), header

    # Each sheet's lines in the order written, each whole on one printed line: every deadline line
    # names its tenant beside the item's number, title, what is due and what it costs, so a page read
    # on its own still says whose deadlines it holds; every tenant's line names it with its USCC.
    def bare(text) -> str:  # the PDF's text spaces bold type its own way
        return "".join(str(text).split())

    printed_lines = [bare(line) for page in pages for line in page.splitlines()]
    at = 0
    for sheet in book:
        for row in sheet.iter_rows(min_row=3, values_only=True):
            name, second, number, title, what, *_, amount = row
            if number is not None:
                expected = [name, number, title, what] + ([_money(amount)] if amount is not None else [])
            elif second is not None:
                expected = [name, second, row[3], _money(amount)]  # the tenant's line: name, USCC, count, total
            else:
                continue
            while not all(bare(part) in printed_lines[at] for part in expected):
                at += 1
                assert at < len(printed_lines), f"{sheet.title}: {expected} not printed whole on one line"
            at += 1
