"""The import template and the registry dump as LibreOffice prints them (tests/printed.py): few pages,
each with the park, the sheet, `page x of y`, the header row and the columns that name the row."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from exports.registry_dump import registry_workbook
from exports.template import template_workbook
from registry.actor import SYSTEM
from registry.uscc import SAMPLE_USCC
from tests.conftest import make_tenant, wipe
from tests.exports.conftest import make_ip, make_report
from tests.printed import printed_pages

IP_ITEMS = 150
# The template: one page for the IP sheet, two across for the reports, three across for the tenants
# (20 columns), one for the annual fees; never the 15 pages it once took for its three sample rows.
TEMPLATE_PAGES = 7
# The dump of 3 tenants, 150 IP items and 3 reports: the tenants and the reports as in the template,
# the IP items one page wide and at most 5 pages down (some 38 rows a page: 4, and one to spare).
DUMP_PAGES = 10
DUMP_IP_PAGES = 5


@pytest.fixture(scope="module")
async def printed(database):
    await wipe()
    tenants = [await make_tenant() for _ in range(3)]
    for n in range(IP_ITEMS):
        await make_ip(tenants[n % 3]["uscc"])
    for tenant in tenants:
        await make_report(tenant["uscc"], "2016", revenue="1234567.89", employees="12")
    dump = await registry_workbook(SYSTEM)
    await wipe()
    workbooks = {"template-zh": template_workbook("zh"), "template-en": template_workbook("en"), "dump": dump}
    with tempfile.TemporaryDirectory(prefix="park-print-") as folder:
        yield await asyncio.to_thread(printed_pages, workbooks, Path(folder))


def _of_sheet(pages: list[str], title: str) -> list[str]:
    """The pages whose printed header (first line: park, sheet, period) names the sheet."""
    return [page for page in pages if title in page.strip().splitlines()[0].split()]


def _numbered(pages: list[str], park: str, page: str) -> None:
    for number, text in enumerate(pages, 1):
        assert park in text
        assert page.format(x=number, y=len(pages)) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_prints_its_three_sheets_on_a_few_pages_each_with_its_headers(printed, lang):
    pages = printed[f"template-{lang}"]
    assert 3 <= len(pages) <= TEMPLATE_PAGES
    if lang == "zh":
        _numbered(pages, "动力谷自主创新园", "第 {x} 页，共 {y} 页")
        sheets = {"企业": "企业名称", "知识产权": "知识产权类型", "经营数据": "报告期"}
        uscc = "统一社会信用代码"
    else:
        _numbered(pages, "Power Valley", "Page {x} of {y}")
        sheets = {"Tenants": "Name", "IP": "Kind", "Reports": "Period"}
        uscc = "USCC"
    for title, naming in sheets.items():
        sheet_pages = _of_sheet(pages, title)
        assert sheet_pages, title
        for page in sheet_pages:  # every page across repeats the header row and the naming columns
            assert uscc in page and naming in page and SAMPLE_USCC in page, title
    assert "选项" not in "".join(pages) and "Lists" not in "".join(page.splitlines()[0] for page in pages)


def test_the_registry_dump_prints_one_page_wide_with_its_header_row_on_every_page(printed):
    pages = printed["dump"]
    assert len(pages) <= DUMP_PAGES
    _numbered(pages, "动力谷自主创新园", "第 {x} 页，共 {y} 页")
    ip_pages = _of_sheet(pages, "知识产权")
    assert 2 <= len(ip_pages) <= DUMP_IP_PAGES
    for page in ip_pages:
        # First and last column headers: the whole width on each page, the header row on each.
        assert "统一社会信用代码" in page and "法律状态" in page
    assert sum(page.count("一种测试装置") for page in ip_pages) == IP_ITEMS
    for page in _of_sheet(pages, "企业") + _of_sheet(pages, "经营数据"):
        assert "统一社会信用代码" in page
