"""The demo park's statistics workbooks, every period: the same figures as /stats, and fit to print;
and its deadlines workbook (`park export deadlines`) as printed.

The demo park is loaded once for the module. The print tests convert workbooks with LibreOffice
headless (Debian: libreoffice-calc-nogui, fonts-noto-cjk; poppler-utils reads the PDF back), as
the statistics office opens them, and check what a clerk would notice. They fail, never skip,
when those programs are missing: `.ci/run` installs them.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from exports.deadlines import deadlines_workbook
from exports.statistics import statistics_workbook
from registry.actor import SYSTEM
from registry.demo import CENSUS_DAY, load_demo
from registry.periods import Period
from registry.vocabulary import IP_KIND, MONEY_KEYS, REPORT_FIELDS
from tests.conftest import wipe
from tests.exports.conftest import open_workbook
from tests.printed import printed_pages
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
        for index, name in enumerate(header[2:], 2):
            api = await stats(name, _day(by_label["期末时点"][index]))
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
    start = next(i for i, row in enumerate(summary) if row[2] == str(period) and row[3] == api["previous"])
    previous_day = date.fromisoformat(api["previous_period"]["as_of"])
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


# --- Printed -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def printed(demo_park):
    workbooks = {
        "2016": await statistics_workbook(SYSTEM, 2016),
        "2017H1": await statistics_workbook(SYSTEM, Period.parse("2017H1")),
        "2017-en": await statistics_workbook(SYSTEM, 2017, "en", as_of=CENSUS_DAY),
    }
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        yield await asyncio.to_thread(printed_pages, workbooks, Path(folder))


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
