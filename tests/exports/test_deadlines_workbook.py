"""The deadlines workbook (`park export deadlines`): grouped by tenant, amounts exact, at-risk sheet."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook

from exports.deadlines import deadlines_workbook
from registry.actor import SYSTEM
from tests.api.factories import fresh_patent_number, make_ip, make_tenant
from tests.exports.test_command import _park_export


def _due_in(days: int, year: int = 2) -> dict:
    """An invention granted in its first year whose fee for `year` is due `days` from today."""
    filed = date.today() + timedelta(days=days) - relativedelta(years=year - 1)
    return {
        "number": fresh_patent_number("invention", filed.year),
        "filed_on": filed.isoformat(),
        "granted_on": (filed + timedelta(days=60)).isoformat(),
    }


async def test_deadlines_are_grouped_by_tenant_with_totals(empty_registry):
    first = await make_tenant(name="甲企业")
    second = await make_tenant(name="乙企业")
    a_late = await make_ip(first["uscc"], **_due_in(-40))  # in its grace: 5 % late fee
    a_soon = await make_ip(first["uscc"], **_due_in(30))
    b_soon = await make_ip(second["uscc"], **_due_in(10))

    book = load_workbook(BytesIO(await deadlines_workbook(SYSTEM, within=60)))

    assert book.sheetnames == ["期限清单", "宽限期已过"]
    sheet = book["期限清单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:6] == ["企业名称", "知识产权类型", "申请号/登记号", "名称", "事项", "截止日"]
    ordered = sorted([first, second], key=lambda t: t["uscc"])
    groups = [r for r in rows if r[1] in {first["uscc"], second["uscc"]}]  # a tenant's line: name, USCC
    assert [(r[0], r[1]) for r in groups] == [(t["name"], t["uscc"]) for t in ordered]
    numbers = {a_late["number"], a_soon["number"], b_soon["number"]}
    lines = [(r[0], r[2]) for r in rows if r[2] in numbers]  # every line names its tenant too
    by_tenant = {first["name"]: [a_late["number"], a_soon["number"]], second["name"]: [b_soon["number"]]}
    assert lines == [(t["name"], number) for t in ordered for number in by_tenant[t["name"]]]
    late = next(r for r in rows if r[2] == a_late["number"])
    assert late[4] == "第2年年费" and late[7] == "宽限期内"
    assert (late[8], late[9], late[10]) == (Decimal("900"), Decimal("45"), Decimal("945"))
    first_group = next(r for r in groups if r[1] == first["uscc"])
    assert first_group[3] == "共 2 项" and first_group[10] == Decimal("1845")
    assert rows[-1][0] == "园区合计" and rows[-1][3] == "共 3 项" and rows[-1][10] == Decimal("2745")
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddHeader.right.text == f"期间：{date.today()} 至 {date.today() + timedelta(days=60)}"


async def test_the_at_risk_sheet_lists_fees_unpaid_past_their_grace(empty_registry):
    tenant = await make_tenant(name="丙企业", name_en="Bing Ltd")
    lapsing = await make_ip(tenant["uscc"], **_due_in(-200, year=3))

    book = load_workbook(BytesIO(await deadlines_workbook(SYSTEM, within=30, lang="en")))

    assert book.sheetnames == ["Deadlines", "Past grace"]
    rows = [[c.value for c in row] for row in book["Past grace"].iter_rows(min_row=3)]
    listed = [(r[0], r[2], r[4], r[7]) for r in rows if r[2] == lapsing["number"]]
    # Year 2 past its grace: the patent lapsed with it, so year 3 (also past its grace) is not owed.
    assert listed == [("Bing Ltd", lapsing["number"], "Annual fee, year 2", "Past grace (at risk)")]


async def test_park_export_deadlines_writes_the_workbook(empty_registry, tmp_path):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], **_due_in(100))
    out = tmp_path / "deadlines.xlsx"

    result = _park_export("deadlines", "--within", "120", "-o", str(out))

    assert result.returncode == 0, result.stderr.decode()
    cells = [c.value for row in load_workbook(out)["期限清单"].iter_rows() for c in row]
    assert item["number"] in cells
    assert _park_export("deadlines", "--within", "-5", "-o", str(out)).returncode == 2
