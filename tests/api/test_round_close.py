"""Closing a report round freezes what was handed in (SPEC §9 "Closing freezes"): the submitted dataset,
corrections with reasons on every door, `/stats?as_submitted=`, and who may close."""

from __future__ import annotations

import pytest

from importers import run_import
from registry.actor import SYSTEM
from registry.periods import Period
from registry.services import bulk
from registry.stats import park_stats
from registry.tables import ReportCorrection, SubmittedReport
from tests.api.factories import (
    accepted_return,
    assert_problem,
    field_errors,
    fresh_round_period,
    make_tenant,
    open_round,
    reopen_if_closed,
    return_in_state,
)


async def _corrections(round_id: int) -> list[dict]:
    return await ReportCorrection.select().where(ReportCorrection.round == round_id).output(load_json=True)


@pytest.fixture
async def handed_in():
    """A quarter's round: tenant A accepted (revenue 1,000 yuan, 5 employees), B submitted but not
    accepted (its report holds 777 yuan), C not started."""
    period = fresh_round_period("Q2")
    round_ = await open_round(period=period)
    a, b, c = await make_tenant(), await make_tenant(), await make_tenant()
    await accepted_return(round_["id"], a["uscc"], revenue="1000.00", employees=5)
    await return_in_state(
        round_["id"], b["uscc"], "submitted", {"revenue": "777.00"}, explanations={"revenue_without_employees": "兼职"}
    )
    await return_in_state(round_["id"], c["uscc"])
    return round_ | {"a": a["uscc"], "b": b["uscc"], "c": c["uscc"]}


@pytest.fixture
async def closed_round(handed_in, statistician):
    response = await statistician.post(f"/rounds/{handed_in['id']}/close")
    assert response.status_code == 200, response.text
    return handed_in


async def test_closing_freezes_each_accepted_return_as_it_stands(handed_in, statistician):
    response = await statistician.post(f"/rounds/{handed_in['id']}/close")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "closed" and body["closed_by"] == statistician.username and body["closed_at"]
    frozen = await SubmittedReport.select(SubmittedReport.revenue, SubmittedReport.employees).where(
        SubmittedReport.round == handed_in["id"]
    )
    assert frozen == [{"revenue": 100_000, "employees": 5}]  # A only: B was never accepted
    entries = (await statistician.get("/audit")).status_code  # the statistician reads no audit: 403
    assert entries == 403


async def test_closing_is_audited(closed_round, admin):
    entries = (await admin.get("/audit", params={"entity": "round"})).json()["items"]
    closing = [e for e in entries if e["entity_key"] == str(closed_round["id"]) and e["action"] == "close"]
    assert len(closing) == 1
    assert closing[0]["after"]["submitted"] == 1


async def test_closing_twice_is_409(closed_round, admin):
    body = assert_problem(await admin.post(f"/rounds/{closed_round['id']}/close"), 409)
    assert "already closed" in body["detail"]
    assert await SubmittedReport.count().where(SubmittedReport.round == closed_round["id"]) == 1


async def test_an_unknown_round_is_404(admin):
    assert_problem(await admin.post("/rounds/987654321/close"), 404)


@pytest.mark.parametrize("role", ["manager", "tenant"])
async def test_only_the_statistics_office_and_admins_close(handed_in, as_role, role):
    client = await as_role(role, handed_in["a"] if role == "tenant" else None)
    assert_problem(await client.post(f"/rounds/{handed_in['id']}/close"), 403)
    assert await SubmittedReport.count().where(SubmittedReport.round == handed_in["id"]) == 0


# --- Corrections ---------------------------------------------------------------------------------


async def test_a_report_write_after_the_close_needs_a_reason(closed_round, manager):
    path = f"/tenants/{closed_round['a']}/reports/{closed_round['period']}"
    refused = await manager.put(path, json={"revenue": "1200.00", "employees": 5})
    assert field_errors(refused) == {"correction_reason": "correction_reason_required"}
    message = refused.json()["errors"][0]["message"]
    assert "更正原因" in message and "needs a reason" in message
    assert (await manager.get(path)).json()["revenue"] == "1000.00"  # nothing stored
    assert await ReportCorrection.count().where(ReportCorrection.round == closed_round["id"]) == 0


async def test_a_correction_records_before_after_who_when_why(closed_round, manager, admin):
    path = f"/tenants/{closed_round['a']}/reports/{closed_round['period']}"
    response = await manager.put(
        path, json={"revenue": "1200.00", "employees": 5, "correction_reason": "企业来函更正营业收入"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["revenue"] == "1200.00"
    (correction,) = await _corrections(closed_round["id"])
    assert (correction["before"], correction["after"]) == ({"revenue": 100_000}, {"revenue": 120_000})
    assert correction["by"] == manager.username and correction["reason"] == "企业来函更正营业收入"
    entries = (await admin.get("/audit", params={"entity": "report", "uscc": closed_round["a"]})).json()["items"]
    assert entries[0]["action"] == "correct"
    assert entries[0]["after"]["correction_reason"] == "企业来函更正营业收入"
    # The submitted dataset is as it was at the close.
    assert await SubmittedReport.select(SubmittedReport.revenue).where(SubmittedReport.round == closed_round["id"]) == [
        {"revenue": 100_000}
    ]


async def test_deleting_a_report_after_the_close_needs_a_reason_too(closed_round, manager):
    path = f"/tenants/{closed_round['b']}/reports/{closed_round['period']}"
    assert field_errors(await manager.delete(path)) == {"correction_reason": "correction_reason_required"}
    assert (await manager.delete(path, params={"correction_reason": "重复报送"})).status_code == 204
    (correction,) = await _corrections(closed_round["id"])
    assert (correction["before"], correction["after"]) == ({"revenue": 77_700}, {"revenue": None})


async def test_a_write_changing_nothing_is_no_correction(closed_round, manager):
    path = f"/tenants/{closed_round['a']}/reports/{closed_round['period']}"
    assert (await manager.put(path, json={"revenue": "1000.00", "employees": 5})).status_code == 200
    assert await ReportCorrection.count().where(ReportCorrection.round == closed_round["id"]) == 0


async def test_another_period_is_written_as_ever(closed_round, manager):
    year = closed_round["period"][:4]
    path = f"/tenants/{closed_round['a']}/reports/{year}Q1"
    assert (await manager.put(path, json={"revenue": "5.00"})).status_code == 201


async def test_a_closed_year_refuses_a_correction_with_its_reason(closed_round, statistician, manager):
    year = int(closed_round["period"][:4])
    assert (await statistician.post(f"/periods/{year}/close")).status_code == 200
    try:
        path = f"/tenants/{closed_round['a']}/reports/{closed_round['period']}"
        refused = await manager.put(path, json={"revenue": "1.00", "correction_reason": "x"})
        assert_problem(refused, 409)
    finally:
        await reopen_if_closed(year)


async def test_an_import_row_after_the_close_needs_a_reason(closed_round):
    period, uscc = closed_round["period"], closed_round["a"]
    plan = await bulk.plan_reports([{"uscc": uscc, "period": period, "revenue": 150_000}])
    assert [(p.field, p.code) for p in plan.problems] == [("correction_reason", "correction_reason_required")]
    counts = await bulk.upsert_reports(
        SYSTEM, [{"uscc": uscc, "period": period, "revenue": 150_000, "correction_reason": "审计调整"}]
    )
    assert counts.updated == 1
    (correction,) = await _corrections(closed_round["id"])
    assert (correction["before"], correction["after"], correction["reason"]) == (
        {"revenue": 100_000},
        {"revenue": 150_000},
        "审计调整",
    )


async def test_an_import_creating_a_report_after_the_close_is_a_correction(closed_round):
    period, uscc = closed_round["period"], closed_round["c"]
    await bulk.upsert_reports(SYSTEM, [{"uscc": uscc, "period": period, "employees": 3, "correction_reason": "补报"}])
    (correction,) = await _corrections(closed_round["id"])
    assert correction["after"] == {"employees": 3}


# --- As submitted ----------------------------------------------------------------------------------


def _line(stats, uscc: str):
    return next(line for line in stats.tenant_lines if line.uscc == uscc)


async def test_stats_as_submitted_answer_from_the_submitted_dataset(closed_round, manager, statistician):
    period = closed_round["period"]
    path = f"/tenants/{closed_round['a']}/reports/{period}"
    await manager.put(path, json={"revenue": "1200.00", "employees": 5, "correction_reason": "更正"})
    now = (await statistician.get(f"/stats/{period}")).json()
    submitted = (await statistician.get(f"/stats/{period}", params={"as_submitted": "true"})).json()
    assert now["figures"]["revenue"]["value"] == "1977.00"  # A corrected + B (submitted, never accepted)
    assert submitted["figures"]["revenue"]["value"] == "1000.00"  # A as handed in; B was not accepted
    # The tenant lines (the API pages them; the whole lists here).
    as_submitted = await park_stats(SYSTEM, Period.parse(period), as_submitted=True)
    registry_now = await park_stats(SYSTEM, Period.parse(period))
    assert _line(as_submitted, closed_round["a"]).figures["revenue"] == 100_000  # fen
    assert _line(as_submitted, closed_round["b"]).reported is False
    assert _line(registry_now, closed_round["b"]).reported is True
    explicit = (await statistician.get(f"/stats/{period}", params={"as_submitted": "false"})).json()
    assert explicit["figures"] == now["figures"]


async def test_as_submitted_without_a_closed_round_is_422(handed_in, statistician):
    refused = await statistician.get(f"/stats/{handed_in['period']}", params={"as_submitted": "true"})
    assert field_errors(refused) == {"as_submitted": "no_closed_round"}
    assert "没有已关闭的报送轮次" in refused.json()["errors"][0]["message"]


async def test_an_imported_file_carries_the_reason_in_its_correction_reason_column(closed_round):
    period, uscc = closed_round["period"], closed_round["a"]
    without = f"统一社会信用代码,报告期,营业收入(元)\n{uscc},{period},1300\n".encode()
    refused = await run_import(SYSTEM, "corrections.csv", without, dry_run=False)
    assert refused.status == "invalid"
    (error,) = refused.errors
    assert error["code"] == "correction_reason_required" and "更正原因" in error["message"]
    with_reason = f"统一社会信用代码,报告期,营业收入(元),更正原因\n{uscc},{period},1300,企业补充材料\n".encode()
    applied = await run_import(SYSTEM, "corrections.csv", with_reason, dry_run=False)
    assert applied.status == "applied", applied.errors
    (correction,) = await _corrections(closed_round["id"])
    assert (correction["after"], correction["reason"]) == ({"revenue": 130_000}, "企业补充材料")


# Past years of their own for rounds opened through the service (one round per period).
_open_years = iter(range(1902, 1922))  # after 1901-01-02, the day make_round asks (no one)


async def test_a_report_changed_after_its_return_was_accepted_does_not_enter_the_dataset_unreviewed(
    as_role, statistician, manager
):
    from datetime import date, timedelta

    from registry.services import rounds

    year = next(_open_years)
    tenant = await make_tenant(moved_in_on=f"{year}-01-01", moved_out_on=f"{year + 1}-01-01", status="left")
    opened = await rounds.open_round(SYSTEM, {"period": str(year), "deadline": str(date.today() + timedelta(days=9))})
    path = f"/rounds/{opened.id}/returns/{tenant['uscc']}"
    filer = await as_role("tenant", tenant["uscc"])
    assert (await filer.put(path, json={"revenue": "1000.00", "total_income": "1000.00", "employees": 3})).is_success
    assert (await filer.post(f"{path}/submit", json={})).is_success
    assert (await statistician.post(f"{path}/accept", json={})).is_success
    # The round still open, no correction needed: the report is written straight, after the review.
    report = f"/tenants/{tenant['uscc']}/reports/{year}"
    changed = await manager.put(report, json={"revenue": "999999.99", "total_income": "999999.99", "employees": 3})
    assert changed.status_code == 200, changed.text
    assert (await statistician.post(f"/rounds/{opened.id}/close")).status_code == 200
    stats = (await statistician.get(f"/stats/{year}", params={"as_submitted": "true"})).json()
    # What the office accepted, not what was written afterwards without review.
    assert stats["figures"]["revenue"]["value"] == "1000.00"
