"""The statistics office's round pages in the browser (SPEC §9): the progress page with its workbook, and
the signed summary — printed on one A4 page with the totals on it, its scan uploaded back."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from registry.actor import SYSTEM
from registry.periods import Period
from registry.services import reports, returns
from tests.api.factories import accepted_return, close_round, fresh_round_period, open_round, remind_on, return_in_state
from tests.conftest import make_tenant
from tests.portal.conftest import screenshot


@pytest.fixture
async def closed_half():
    """A half-year round closed with two accepted returns (revenue 1,234,567.89 + 2,000,000.00 yuan)
    and one excused; a reminder sent."""
    period = fresh_round_period("H1")
    round_ = await open_round(period=period, title="上半年监测报送", deadline=str(date.today() - timedelta(days=1)))
    a, b, c = [await make_tenant(industry=i) for i in ("electronic_info", "new_energy", "other")]
    await accepted_return(round_["id"], a["uscc"], revenue="1234567.89", employees=12)
    await accepted_return(round_["id"], b["uscc"], revenue="2000000.00", employees=30)
    await return_in_state(round_["id"], c["uscc"])
    await remind_on(round_["id"], c["uscc"], date.today())
    await returns.excuse(SYSTEM, round_["id"], c["uscc"], "已停业")
    await close_round(round_["id"])
    return round_ | {"a": a["uscc"]}


async def test_the_office_reads_a_rounds_progress_and_downloads_its_workbook(closed_half, signed_in):
    page = await signed_in("manager")
    await page.goto(f"/rounds/{closed_half['id']}/progress")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("上半年监测报送")
    table = page.locator("#by-state")
    await expect(table.get_by_role("row", name="电子信息")).to_contain_text("1")
    await expect(table.locator("tfoot")).to_contain_text("3")
    await expect(page.locator("#reminders")).to_have_text("1")
    await screenshot(page, "round-progress")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载进度表").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")


async def test_the_signed_summary_prints_on_one_a4_page_with_its_totals(closed_half, signed_in, tmp_path):
    page = await signed_in("statistician")
    await page.goto(f"/rounds/{closed_half['id']}/summary")
    await expect(page.locator("#summary")).to_contain_text("负责人签字")
    await expect(page.locator("#summary")).to_contain_text("单位盖章")
    await screenshot(page, "round-summary")
    pdf = tmp_path / "summary.pdf"
    await page.emulate_media(media="print")
    await screenshot(page, "round-summary-print")
    await page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in info.splitlines() if ":" in line}
    assert fields["Pages"] == "1", info
    assert fields["Page size"].endswith("(A4)"), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "323.46" in text  # revenue: 3,234,567.89 yuan in 万元
    assert "42" in text and "负责人签字" in text and "单位盖章" in text
    assert "动力谷自主创新园" in text and "上半年" in text
    assert "上传扫描件" not in text  # the form is not printed


async def test_the_signed_scan_is_uploaded_and_the_round_shows_it_handed_in(closed_half, signed_in, tmp_path):
    page = await signed_in("statistician")
    await page.goto(f"/rounds/{closed_half['id']}/summary")
    await expect(page.locator("#handed-in")).to_contain_text("尚未上传")
    wrong = tmp_path / "not-a-scan.pdf"
    wrong.write_bytes(b"<html>not a scan</html>")
    await page.locator("#file").set_input_files(str(wrong))
    await page.get_by_role("button", name="上传扫描件").click()
    await expect(page.locator("#file-error")).to_contain_text("PDF")
    scan = tmp_path / "签字汇总表.pdf"
    scan.write_bytes(b"%PDF-1.4\n%signed and sealed\n")
    await page.locator("#file").set_input_files(str(scan))
    await page.get_by_role("button", name="上传扫描件").click()
    await expect(page.get_by_role("status")).to_contain_text("扫描件已上传")
    await expect(page.locator("#handed-in")).to_contain_text("已上交")
    await expect(page.locator("#handed-in")).to_contain_text("签字汇总表.pdf")
    await screenshot(page, "round-summary-handed-in")


async def test_a_manager_sees_the_summary_but_hands_nothing_in(closed_half, signed_in):
    page = await signed_in("manager")
    await page.goto(f"/rounds/{closed_half['id']}/summary")
    await expect(page.locator("#summary")).to_be_visible()
    await expect(page.get_by_role("button", name="上传扫描件")).to_have_count(0)
    await page.goto(f"/rounds/{closed_half['id']}/summary?lang=en")
    await expect(page.locator("#summary")).to_contain_text("Signature of the head (负责人签字)")
    await expect(page.locator("#summary")).to_contain_text(Period.parse(closed_half["period"]).label("en"))
    await screenshot(page, "round-summary-en")


async def test_a_tenant_reaches_no_round_page(closed_half, signed_in):
    tenant = await make_tenant()
    page = await signed_in("tenant", tenant["uscc"])
    for path in ("progress", "summary"):
        response = await page.goto(f"/rounds/{closed_half['id']}/{path}")
        assert response is not None and response.status == 403


async def test_the_report_form_asks_for_the_reason_of_a_correction(closed_half, base_url):
    from registry.tables import PeriodReport, ReportCorrection, RoundReturn, Tenant
    from tests.portal.pages import portal_as

    accepted = await (
        RoundReturn.select(RoundReturn.tenant.uscc.as_alias("uscc"))
        .where((RoundReturn.round == closed_half["id"]) & (RoundReturn.state == "accepted"))
        .first()
    )
    assert accepted and await Tenant.exists().where(Tenant.uscc == accepted["uscc"])
    client = await portal_as(base_url, "tenant", accepted["uscc"])
    stored = await (
        PeriodReport.select(PeriodReport.version)
        .where((PeriodReport.tenant.uscc == accepted["uscc"]) & (PeriodReport.period == closed_half["period"]))
        .first()
    )
    try:
        stored = await reports.get_report(SYSTEM, accepted["uscc"], closed_half["period"])
        form = {
            "_csrf": client.csrf,
            "version": str(stored["version"]),  # the stored report's edit form, as the page sends it
            "period": closed_half["period"],
            "unit": "元",
            "revenue": "1300000",
            "employees": "12",
        }
        refused = await client.post("/me/reports", data=form)
        assert refused.status_code == 422, refused.text[-3000:]
        assert 'id="e-correction_reason"' in refused.text and "更正原因" in refused.text
        assert 'value="1300000"' in refused.text  # what was typed is kept
        saved = await client.post("/me/reports", data=form | {"correction_reason": "审计后更正"})
        assert saved.status_code == 303, saved.text
        (correction,) = await ReportCorrection.select(ReportCorrection.reason, ReportCorrection.by).where(
            ReportCorrection.round == closed_half["id"]
        )
        assert correction["reason"] == "审计后更正"
    finally:
        await client.aclose()


async def test_a_manager_correcting_a_closed_rounds_report_must_say_why(closed_half, signed_in, statistician):
    """From the tenant's page: refused without a reason (said beside the field, the figures typed kept),
    taken with one; the 更正 is recorded and listed on the workbook's 更正 sheet."""
    from openpyxl import load_workbook

    from registry.tables import ReportCorrection

    uscc, period = closed_half["a"], closed_half["period"]
    page = await signed_in("manager")
    await page.goto(f"/tenants/{uscc}/reports/{period}")
    await page.get_by_label("营业收入").fill("1300000")
    await page.get_by_role("button", name="保存").click()
    error = page.locator("#e-correction_reason")
    await expect(error).to_contain_text("更正原因")
    await expect(page.get_by_label("更正原因")).to_have_attribute("aria-describedby", "e-correction_reason")
    await expect(page.get_by_label("营业收入")).to_have_value("1300000")  # what was typed is kept
    await screenshot(page, "manager-correction-refused")
    assert (await reports.get_report(SYSTEM, uscc, period))["revenue"] == 123_456_789  # nothing stored

    await page.get_by_label("更正原因").fill("审计后营业收入调整")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("status")).to_have_text("已保存。")
    assert (await reports.get_report(SYSTEM, uscc, period))["revenue"] == 130_000_000
    (correction,) = (
        await ReportCorrection.select().where(ReportCorrection.round == closed_half["id"]).output(load_json=True)
    )
    assert correction["reason"] == "审计后营业收入调整" and correction["by"] == page.username
    assert (correction["before"], correction["after"]) == ({"revenue": 123_456_789}, {"revenue": 130_000_000})

    response = await statistician.get(f"/exports/statistics/{period}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["更正"]
    lines = [[str(c) for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    (line,) = [row for row in lines if uscc in row]
    assert "审计后营业收入调整" in line and page.username in line
