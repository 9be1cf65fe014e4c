"""What a closed round hands over on paper (SPEC §9): the statistics workbook drawn from the submitted
dataset with its 更正 sheet, the progress JSON and workbook, and the signed summary's scan."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from registry.actor import SYSTEM, Actor
from registry.services import reports, round_close
from tests.api.factories import (
    accepted_return,
    assert_problem,
    close_round,
    field_errors,
    fresh_round_period,
    make_tenant,
    open_round,
    remind_on,
    return_in_state,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _without_clock(book) -> dict[str, list[list]]:
    """Every sheet's cells, the title block's second line (it says when the workbook was made) left out."""
    return {ws.title: [row for i, row in enumerate(_cells(ws)) if i != 1] for ws in book.worksheets}


@pytest.fixture
async def closed_quarter():
    """A quarter's round closed with tenant A's return accepted (revenue 1,000 yuan, 4 employees)."""
    period = fresh_round_period("Q4")
    round_ = await open_round(period=period, title="四季度监测")
    a, b = await make_tenant(name="更正测试甲企业"), await make_tenant()
    await accepted_return(round_["id"], a["uscc"], revenue="1000.00", employees=4)
    await return_in_state(round_["id"], b["uscc"])
    await close_round(round_["id"])
    return round_ | {"a": a["uscc"], "b": b["uscc"]}


async def test_the_submitted_workbook_is_unchanged_by_a_correction_and_its_corrections_sheet_lists_it(
    closed_quarter, statistician, manager
):
    period = closed_quarter["period"]
    path = f"/exports/statistics/{period}.xlsx"
    before = await statistician.get(path)
    assert before.status_code == 200, before.text
    book = _book(before.content)
    assert "更正" in book.sheetnames
    # Nothing corrected yet: the header, then a line saying so.
    assert [row[0] for row in _cells(book["更正"])[4:] if row[0]] == ["报送轮次关闭后没有更正"]
    corrected = await manager.put(
        f"/tenants/{closed_quarter['a']}/reports/{period}",
        json={"revenue": "1500.00", "employees": 4, "correction_reason": "财务审计后调整"},
    )
    assert corrected.status_code == 200, corrected.text

    after = _book((await statistician.get(path)).content)
    frozen = {name: cells for name, cells in _without_clock(after).items() if name not in ("更正", "说明")}
    assert frozen == {name: cells for name, cells in _without_clock(book).items() if name not in ("更正", "说明")}
    rows = _cells(after["更正"])
    header = rows[3]
    assert header[:6] == ["统一社会信用代码", "企业名称", "更正指标", "单位", "报送值", "更正值"]
    (line,) = [row for row in rows[4:] if row[0] == closed_quarter["a"]]
    assert line[1:6] == ["更正测试甲企业", "营业收入", "千元", 1, 1.5]
    assert line[6] == manager.username and line[8] == "财务审计后调整"
    assert line[7].startswith(date.today().isoformat()[:4])


async def test_a_correction_of_one_fen_reads_as_a_difference_in_the_corrections_sheet(
    closed_quarter, statistician, manager
):
    period = closed_quarter["period"]
    corrected = await manager.put(
        f"/tenants/{closed_quarter['a']}/reports/{period}",
        json={"revenue": "1000.01", "employees": 4, "correction_reason": "尾差 0.01 元"},
    )
    assert corrected.status_code == 200, corrected.text
    sheet = _book((await statistician.get(f"/exports/statistics/{period}.xlsx")).content)["更正"]
    (line,) = [row for row in sheet.iter_rows(min_row=5) if row[0].value == closed_quarter["a"]]
    submitted, now = line[4], line[5]
    # In 千元 a fen is the fifth decimal: shown with two, both would print 1.00 and the sheet would
    # list a correction whose two values read the same.
    assert (submitted.value, now.value) == (1, 1.00001)
    for cell in (submitted, now):
        places = cell.number_format.split(".")[1] if "." in cell.number_format else ""
        assert len(places) >= 5, cell.number_format  # room for the fen: 1.00001 千元 = 1,000.01 元


async def test_the_workbook_says_whose_figures_it_shows(closed_quarter, statistician):
    period = closed_quarter["period"]
    book = _book((await statistician.get(f"/exports/statistics/{period}.xlsx")).content)
    subtitle = _cells(book["概览"])[1][0]
    assert "四季度监测" in subtitle and "报送数据集" in subtitle
    notes = "\n".join(str(row[2]) for row in _cells(book["说明"]) if row[2])
    closed_on = str(round_close.park_day((await round_close.round_row(closed_quarter["id"]))["closed_at"]))
    assert "四季度监测" in notes and closed_on in notes
    for title in ("更正", "说明"):
        assert book[title].page_setup.orientation == "landscape" and book[title].page_setup.paperSize == 9


async def test_as_submitted_false_shows_the_registry_now(closed_quarter, statistician, manager):
    period = closed_quarter["period"]
    await reports.put_report(
        SYSTEM, closed_quarter["a"], period, {"revenue": "2000.00", "employees": 4}, reason="更正收入"
    )
    now = _book((await statistician.get(f"/exports/statistics/{period}.xlsx?as_submitted=false")).content)
    submitted = _book((await statistician.get(f"/exports/statistics/{period}.xlsx")).content)

    def revenue(book) -> list:
        tenants = _cells(book["企业明细"])
        column = next(i for i, label in enumerate(tenants[3]) if label and str(label).startswith("营业收入"))
        return [row[column] for row in tenants if row[1] == closed_quarter["a"]]

    assert revenue(now) == [2] and revenue(submitted) == [1]
    assert "登记系统现状" in _cells(now["概览"])[1][0]
    assert len(_cells(now["更正"])) > 4  # the corrections are listed either way


async def test_a_workbook_as_submitted_of_a_period_without_a_closed_round_is_422(statistician):
    period = fresh_round_period("Q4")
    response = await statistician.get(f"/exports/statistics/{period}.xlsx?as_submitted=true")
    assert field_errors(response) == {"as_submitted": "no_closed_round"}


async def test_an_open_rounds_period_has_no_corrections_sheet(statistician):
    round_ = await open_round(period=fresh_round_period("Q4"))
    book = _book((await statistician.get(f"/exports/statistics/{round_['period']}.xlsx")).content)
    assert "更正" not in book.sheetnames


# --- Progress ----------------------------------------------------------------------------------------


@pytest.fixture
async def progressing():
    """A quarter's round past its deadline: returns in every state, reminders sent to two tenants."""
    period = fresh_round_period("Q1")
    round_ = await open_round(period=period, deadline=str(date.today() - timedelta(days=3)))
    tenants = {}
    for state, industry in (
        ("not_started", "electronic_info"),
        ("draft", "electronic_info"),
        ("submitted", "new_energy"),
        ("accepted", "new_energy"),
        ("returned", "other"),
        ("excused", "other"),
    ):
        tenant = await make_tenant(industry=industry)
        tenants[state] = tenant["uscc"]
        by = Actor("代填经理", "manager") if state == "accepted" else SYSTEM
        await return_in_state(round_["id"], tenant["uscc"], state, by=by, reviewer=Actor("reviewer", "statistician"))
    today = date.today()
    await remind_on(round_["id"], tenants["not_started"], today - timedelta(days=1))
    await remind_on(round_["id"], tenants["not_started"], today)
    await remind_on(round_["id"], tenants["returned"], today)
    return round_ | {"tenants": tenants}


async def test_progress_counts_by_state_and_industry_overdue_and_reminders(progressing, manager):
    response = await manager.get(f"/rounds/{progressing['id']}/progress")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["by_state"] == {s: 1 for s in ("not_started", "draft", "submitted", "accepted", "returned", "excused")}
    assert body["total"] == 6
    assert {line["industry"]: line["total"] for line in body["by_industry"]} == {
        "electronic_info": 2,
        "new_energy": 2,
        "other": 2,
    }
    assert body["overdue"] == 3  # not started, draft, returned: the deadline has passed
    assert (body["reminders"], body["reminded_tenants"]) == (3, 2)


async def test_the_progress_workbook_lists_every_return(progressing, statistician):
    response = await statistician.get(f"/rounds/{progressing['id']}/progress.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = _book(response.content)
    assert book.sheetnames == ["进度", "报表"]
    rows = _cells(book["报表"])
    header = rows[1]
    by_uscc = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    tenants = progressing["tenants"]
    assert set(by_uscc) == set(tenants.values())
    assert by_uscc[tenants["accepted"]]["状态"] == "已通过"
    assert by_uscc[tenants["accepted"]]["审核人"] == "reviewer"
    assert by_uscc[tenants["accepted"]]["代填人"] == "代填经理"
    assert by_uscc[tenants["not_started"]]["催报次数"] == 2
    assert by_uscc[tenants["not_started"]]["是否逾期"] == "是"
    assert by_uscc[tenants["submitted"]]["是否逾期"] == "否"
    totals = _cells(book["进度"])
    assert ["合计", 1, 1, 1, 1, 1, 1, 6] in totals
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"


async def test_progress_of_an_unknown_round_is_404(manager):
    assert_problem(await manager.get("/rounds/987654321/progress"), 404)


# --- The signed summary's scan -----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"%signed\n" * 8


@pytest.mark.parametrize(
    ("content", "media_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
async def test_the_signed_scan_is_handed_in_and_given_back(closed_quarter, statistician, content, media_type):
    response = await statistician.put(
        f"/rounds/{closed_quarter['id']}/signed",
        files={"file": ("签字汇总表.bin", content, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    signed = response.json()["signed"]
    assert signed["media_type"] == media_type and signed["by"] == statistician.username
    back = await statistician.get(f"/rounds/{closed_quarter['id']}/signed")
    assert back.content == content and back.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"PK\x03\x04 a zip, not a scan", b"GIF89a" + b"\0" * 16],
)
async def test_a_file_that_is_not_a_pdf_png_or_jpeg_is_415_whatever_its_name(closed_quarter, statistician, content):
    response = await statistician.put(
        f"/rounds/{closed_quarter['id']}/signed", files={"file": ("scan.pdf", content, "application/pdf")}
    )
    body = assert_problem(response, 415)
    assert "PDF" in body["detail"] and "只接受" in body["detail"]
    assert_problem(await statistician.get(f"/rounds/{closed_quarter['id']}/signed"), 404)


async def test_an_empty_or_oversized_scan_is_422(closed_quarter, statistician):
    path = f"/rounds/{closed_quarter['id']}/signed"
    assert field_errors(await statistician.put(path, files={"file": ("a.pdf", b"", "application/pdf")})) == {
        "file": "empty"
    }
    too_big = b"%PDF-" + b"0" * round_close.SIGNED_MAX_BYTES
    assert field_errors(await statistician.put(path, files={"file": ("a.pdf", too_big, "application/pdf")})) == {
        "file": "too_large"
    }
    far_too_big = b"%PDF-" + b"0" * (round_close.SIGNED_MAX_BYTES + 1024 * 1024)
    assert (await statistician.put(path, files={"file": ("a.pdf", far_too_big, "application/pdf")})).status_code == 413
    assert_problem(await statistician.get(path), 404)


async def test_an_open_round_takes_no_signed_summary(statistician):
    round_ = await open_round(period=fresh_round_period("Q4"))
    response = await statistician.put(
        f"/rounds/{round_['id']}/signed", files={"file": ("a.pdf", PDF, "application/pdf")}
    )
    assert_problem(response, 409)


async def test_a_tenant_reaches_none_of_a_round(closed_quarter, as_role):
    tenant = await as_role("tenant", closed_quarter["a"])
    round_id = closed_quarter["id"]
    for method, path in (
        ("POST", f"/rounds/{round_id}/close"),
        ("GET", f"/rounds/{round_id}/progress"),
        ("GET", f"/rounds/{round_id}/progress.xlsx"),
        ("GET", f"/rounds/{round_id}/signed"),
    ):
        response = await tenant.request(method, path)
        assert_problem(response, 403)
        assert closed_quarter["a"] not in response.text
    put = await tenant.put(f"/rounds/{round_id}/signed", files={"file": ("a.pdf", PDF, "application/pdf")})
    assert_problem(put, 403)
    as_submitted = await tenant.get(f"/stats/{closed_quarter['period']}", params={"as_submitted": "true"})
    assert_problem(as_submitted, 403)
