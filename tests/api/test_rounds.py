"""Report rounds over HTTP (SPEC §9): opening, each move of a return, each check, each right, isolation."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from registry.actor import SYSTEM
from registry.services import rounds
from registry.tables import PeriodReport, ReportRound
from tests.api.factories import assert_problem, field_errors, make_report, make_tenant

# Years nobody else reports for: each test's round has a period of its own (one round per period), and
# only the tenants the test makes are on record in it.
_years = count(1951)
DEADLINE = str(date.today() + timedelta(days=20))


async def park_for(year: int, tenants: int = 2) -> list[dict]:
    """Tenants on record through `year` only (moved in on 1 January, out the next 1 January)."""
    return [
        await make_tenant(moved_in_on=f"{year}-01-01", moved_out_on=f"{year + 1}-01-01", status="left")
        for _ in range(tenants)
    ]


async def opened(tenants: int = 2, **fields) -> tuple[int, list[dict], int]:
    """A round for a fresh year, opened by the system with `fields`: (round id, its tenants, year)."""
    year = next(_years)
    park = await park_for(year, tenants)
    answer = await rounds.open_round(SYSTEM, {"period": str(year), "deadline": DEADLINE} | fields)
    return answer.id, park, year


def path(round_id: int, uscc: str = "", move: str = "") -> str:
    return f"/rounds/{round_id}/returns" + (f"/{uscc}" if uscc else "") + (f"/{move}" if move else "")


# --- Opening ------------------------------------------------------------------------------------


async def test_the_office_opens_a_round_asking_every_tenant_on_record_on_the_periods_last_day(statistician):
    year = next(_years)
    asked = await park_for(year, 3)
    await make_tenant(moved_in_on=f"{year + 1}-02-01", moved_out_on=f"{year + 1}-02-02", status="left")  # after it
    await make_tenant(moved_in_on=f"{year}-01-01", moved_out_on=f"{year}-06-30", status="left")  # gone by then

    response = await statistician.post(
        "/rounds", json={"period": str(year), "title": f"{year}年度统计", "deadline": DEADLINE}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["ETag"] == '"v1"'
    assert body["period"] == str(year) and body["state"] == "open" and body["title"] == f"{year}年度统计"
    assert body["asked"] == 3 and body["counts"]["not_started"] == 3
    assert body["fields"][:2] == ["total_income", "revenue"] and len(body["fields"]) == 13
    listed = (await statistician.get(f"/rounds/{body['id']}/returns")).json()
    assert sorted(r["uscc"] for r in listed["items"]) == sorted(t["uscc"] for t in asked)


async def test_a_period_still_running_at_the_opening_asks_the_tenants_on_record_on_the_opening_day(statistician):
    year = next(_years)
    early = await park_for(year, 1)
    await make_tenant(moved_in_on=f"{year}-09-01", moved_out_on=f"{year + 1}-01-01", status="left")

    response = await statistician.post(
        "/rounds", json={"period": str(year), "opens_on": f"{year}-06-30", "deadline": f"{year}-07-20"}
    )

    assert response.status_code == 201, response.text
    listed = (await statistician.get(f"/rounds/{response.json()['id']}/returns")).json()
    assert [r["uscc"] for r in listed["items"]] == [early[0]["uscc"]]


async def test_one_round_per_period(statistician):
    round_id, _, year = await opened()
    again = await statistician.post("/rounds", json={"period": str(year), "deadline": DEADLINE})
    assert "already" in assert_problem(again, 409)["detail"]


async def test_a_round_asks_a_subset_of_fields_and_unknown_ones_are_named(statistician):
    year = next(_years)
    response = await statistician.post(
        "/rounds", json={"period": f"{year}Q3", "deadline": DEADLINE, "fields": ["revenue", "employees"]}
    )
    assert response.status_code == 201, response.text
    assert response.json()["fields"] == ["revenue", "employees"]
    unknown = await statistician.post(
        "/rounds", json={"period": f"{year}Q4", "deadline": DEADLINE, "fields": ["wages"]}
    )
    assert "fields" in " ".join(field_errors(unknown))


async def test_bad_rounds_are_refused_field_by_field_and_nothing_is_stored(statistician):
    errors = field_errors(await statistician.post("/rounds", json={"title": "x", "opens_on": "2020-05-01"}))
    assert errors == {"period": "required", "deadline": "required"}
    year = next(_years)
    errors = field_errors(
        await statistician.post(
            "/rounds", json={"period": f"{year}Q5", "opens_on": "2020-05-02", "deadline": "2020-05-01"}
        )
    )
    assert errors == {"period": "period_format", "deadline": "before_opening"}
    assert not await ReportRound.exists().where(ReportRound.period.like(f"{year}%")).run()


async def test_only_the_statistics_office_and_admins_open_and_change_rounds(as_role, manager, anonymous):
    year = next(_years)
    tenant = await make_tenant()
    for client in (manager, await as_role("tenant", tenant["uscc"])):
        assert_problem(await client.post("/rounds", json={"period": str(year), "deadline": DEADLINE}), 403)
    assert_problem(await anonymous.get("/rounds"), 401)
    round_id, _, _ = await opened()
    assert_problem(await manager.patch(f"/rounds/{round_id}", json={"title": "new"}), 403)
    admin = await as_role("admin")
    assert (await admin.post("/rounds", json={"period": str(year), "deadline": DEADLINE})).status_code == 201


async def test_a_tenant_cannot_list_or_read_rounds(tenant_pair):
    a, _, client = tenant_pair
    round_id, _, _ = await opened()
    assert_problem(await client.get("/rounds"), 403)
    assert_problem(await client.get(f"/rounds/{round_id}"), 403)
    assert_problem(await client.get(path(round_id)), 403)


async def test_a_round_changes_with_its_version_and_lists_newest_period_first(statistician):
    round_id, _, year = await opened()
    got = await statistician.get(f"/rounds/{round_id}")
    changed = await statistician.patch(
        f"/rounds/{round_id}", json={"title": "改了", "deadline": DEADLINE}, headers={"If-Match": got.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "改了" and changed.headers["ETag"] == '"v2"'
    stale = await statistician.patch(f"/rounds/{round_id}", json={"title": "again"}, headers={"If-Match": '"v1"'})
    assert_problem(stale, 412)
    assert field_errors(await statistician.patch(f"/rounds/{round_id}", json={"deadline": "1900-01-01"})) == {
        "deadline": "before_opening"
    }
    later, _, _ = await opened()
    listed = (await statistician.get("/rounds", params={"limit": 500})).json()
    ids = [r["id"] for r in listed["items"]]
    assert ids.index(later) < ids.index(round_id)


# --- Filling ------------------------------------------------------------------------------------


async def test_a_tenant_saves_a_draft_in_wan_yuan_and_comes_back_to_it(as_role, statistician):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])

    saved = await client.put(
        path(round_id, tenant["uscc"]), params={"unit": "万元"}, json={"revenue": "12.5", "employees": 8}
    )

    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["state"] == "draft" and body["figures"]["revenue"] == "125000.00" and body["figures"]["employees"] == 8
    assert body["filled_by"] is None and saved.headers["ETag"] == '"v2"'
    again = (await client.get(path(round_id, tenant["uscc"]))).json()
    assert again["figures"]["revenue"] == "125000.00"
    counts = (await statistician.get(f"/rounds/{round_id}")).json()["counts"]
    assert counts["draft"] == 1 and counts["not_started"] == 1
    # a draft does not touch the period report
    assert not await PeriodReport.exists().where(PeriodReport.tenant.uscc == tenant["uscc"]).run()


async def test_the_form_shows_last_periods_and_last_years_figures(as_role):
    round_id, (tenant, _), year = await opened()
    await make_report(tenant["uscc"], str(year - 1), revenue="900.00", employees=4)
    client = await as_role("tenant", tenant["uscc"])
    form = (await client.get(path(round_id, tenant["uscc"]))).json()
    assert form["last_year"] == form["last_period"]  # a year's period before is last year
    assert form["last_year"]["period"] == str(year - 1) and form["last_year"]["figures"]["revenue"] == "900.00"
    assert form["fields"][1] == "revenue"


async def test_a_figure_that_is_not_a_number_or_a_negative_count_is_refused_at_saving(as_role):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    errors = field_errors(await client.put(path(round_id, tenant["uscc"]), json={"revenue": "一百万", "employees": -2}))
    assert errors["revenue"] == "not_a_number"
    assert "employees" in errors  # the edge or the check: negative either way
    negative = field_errors(await client.put(path(round_id, tenant["uscc"]), json={"revenue": "-5"}))
    assert negative == {"revenue": "negative_amount"}
    assert (await client.get(path(round_id, tenant["uscc"]))).json()["state"] == "not_started"


async def test_a_field_the_round_does_not_ask_is_refused(as_role):
    round_id, (tenant, _), _ = await opened(fields=["revenue", "employees"])
    client = await as_role("tenant", tenant["uscc"])
    assert field_errors(await client.put(path(round_id, tenant["uscc"]), json={"exports": "1.00"})) == {
        "exports": "unknown_field"
    }


# --- Submitting and its checks ------------------------------------------------------------------


async def _filled(client, round_id: int, uscc: str, figures: dict) -> dict:
    saved = await client.put(path(round_id, uscc), json=figures)
    assert saved.status_code == 200, saved.text
    return saved.json()


async def test_submitting_writes_the_asked_figures_into_the_period_report(as_role, manager):
    round_id, (tenant, _), year = await opened(fields=["revenue", "employees", "rd_staff"])
    await make_report(tenant["uscc"], str(year), revenue="1.00", employees=1, exports="77.00")
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "5000.00", "employees": 12, "rd_staff": 3})

    submitted = await client.post(path(round_id, tenant["uscc"], "submit"), json={})

    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["state"] == "submitted" and body["submitted_by"] == client.username and body["warnings"] == []
    report = (await manager.get(f"/tenants/{tenant['uscc']}/reports/{year}")).json()
    assert (report["revenue"], report["employees"], report["rd_staff"]) == ("5000.00", 12, 3)
    assert report["exports"] == "77.00"  # not asked: kept


async def test_rd_staff_above_employees_blocks_the_submission_naming_the_field(as_role):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "100.00", "employees": 3, "rd_staff": 5})
    response = await client.post(path(round_id, tenant["uscc"], "submit"), json={})
    assert field_errors(response) == {"rd_staff": "rd_staff_above_employees"}
    assert (await client.get(path(round_id, tenant["uscc"]))).json()["state"] == "draft"


async def test_net_profit_above_revenue_blocks_the_submission(as_role):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "100.00", "net_profit": "150.00", "employees": 3})
    assert field_errors(await client.post(path(round_id, tenant["uscc"], "submit"), json={})) == {
        "net_profit": "profit_above_revenue"
    }


async def test_an_empty_return_cannot_be_submitted(as_role):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    assert field_errors(await client.post(path(round_id, tenant["uscc"], "submit"), json={})) == {"figures": "empty"}


async def test_a_warning_must_be_explained_and_the_office_sees_the_explanation(as_role, statistician):
    round_id, (tenant, _), year = await opened()
    await make_report(tenant["uscc"], str(year - 1), revenue="1000000.00", employees=10)
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "2000000.00", "employees": 10})

    unexplained = await client.post(path(round_id, tenant["uscc"], "submit"), json={})

    assert field_errors(unexplained) == {"revenue": "change_vs_last_year"}
    assert unexplained.json()["warnings"][0]["code"] == "change_vs_last_year"
    explained = await client.post(
        path(round_id, tenant["uscc"], "submit"), json={"explanations": {"change_vs_last_year": "新签大合同"}}
    )
    assert explained.status_code == 200, explained.text
    seen = (await statistician.get(path(round_id, tenant["uscc"]))).json()
    assert seen["state"] == "submitted"
    assert seen["warnings"] == [
        {
            "code": "change_vs_last_year",
            "field": "revenue",
            "message": seen["warnings"][0]["message"],
            "explanation": "新签大合同",
        }
    ]
    assert "+100%" in seen["warnings"][0]["message"]


async def test_a_unit_slip_and_revenue_without_employees_are_warnings(as_role):
    round_id, (tenant, _), year = await opened()
    await make_report(tenant["uscc"], str(year - 1), revenue="1000.00", employees=0)
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "1000000.00", "employees": 0})
    response = await client.post(path(round_id, tenant["uscc"], "submit"), json={})
    codes = {w["code"] for w in assert_problem(response, 422)["warnings"]}
    assert codes == {"change_vs_last_year", "unit_slip", "revenue_without_employees"}
    unknown = await client.post(path(round_id, tenant["uscc"], "submit"), json={"explanations": {"nonsense": "x"}})
    assert field_errors(unknown) == {"explanations.nonsense": "unknown_check"}


# --- Review -------------------------------------------------------------------------------------


async def _submitted(as_role, round_id: int, tenant: dict, figures: dict | None = None) -> object:
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], figures or {"revenue": "100.00", "employees": 2})
    response = await client.post(path(round_id, tenant["uscc"], "submit"), json={})
    assert response.status_code == 200, response.text
    return client


async def test_the_office_accepts_a_submitted_return(as_role, statistician):
    round_id, (tenant, _), _ = await opened()
    await _submitted(as_role, round_id, tenant)
    accepted = await statistician.post(path(round_id, tenant["uscc"], "accept"), json={})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["state"] == "accepted" and body["reviewed_by"] == statistician.username and body["reviewed_at"]
    assert (await statistician.get(f"/rounds/{round_id}")).json()["counts"]["accepted"] == 1


async def test_accepting_what_was_not_submitted_is_a_conflict(statistician):
    round_id, (tenant, _), _ = await opened()
    assert_problem(await statistician.post(path(round_id, tenant["uscc"], "accept"), json={}), 409)


async def test_a_return_sent_back_with_reasons_goes_back_to_the_tenant_and_is_submitted_again(as_role, manager):
    round_id, (tenant, _), _ = await opened()
    client = await _submitted(as_role, round_id, tenant)

    sent = await manager.post(
        path(round_id, tenant["uscc"], "return"),
        json={"reason": "请核对", "fields": {"revenue": "注意单位千元"}},
    )

    assert sent.status_code == 200, sent.text
    mine = (await client.get(path(round_id, tenant["uscc"]))).json()
    assert mine["state"] == "returned" and mine["reason"] == "请核对"
    assert mine["field_reasons"] == {"revenue": "注意单位千元"}
    saved = await _filled(client, round_id, tenant["uscc"], {"revenue": "100000.00", "employees": 2})
    assert saved["state"] == "returned"
    again = await client.post(path(round_id, tenant["uscc"], "submit"), json={})
    assert again.status_code == 200 and again.json()["state"] == "submitted"


async def test_sending_back_needs_a_reason_and_names_only_asked_fields(manager, as_role):
    round_id, (tenant, _), _ = await opened(fields=["revenue", "employees"])
    await _submitted(as_role, round_id, tenant)
    assert field_errors(await manager.post(path(round_id, tenant["uscc"], "return"), json={})) == {"reason": "required"}
    wrong = await manager.post(path(round_id, tenant["uscc"], "return"), json={"fields": {"exports": "?"}})
    assert field_errors(wrong) == {"fields.exports": "unknown_field"}


async def test_accept_many_takes_the_submitted_returns_without_warnings(as_role, statistician):
    round_id, (clean, flagged, idle), year = await opened(tenants=3)
    await _submitted(as_role, round_id, clean)
    await make_report(flagged["uscc"], str(year - 1), revenue="10.00", employees=2)
    client = await as_role("tenant", flagged["uscc"])
    await _filled(client, round_id, flagged["uscc"], {"revenue": "100.00", "employees": 2})
    explained = {"explanations": {"change_vs_last_year": "翻倍", "unit_slip": "无误"}}
    assert (await client.post(path(round_id, flagged["uscc"], "submit"), json=explained)).status_code == 200

    response = await statistician.post(f"/rounds/{round_id}/accept", json={})

    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": [clean["uscc"]], "skipped": []}
    named = await statistician.post(f"/rounds/{round_id}/accept", json={"uscc": [flagged["uscc"], idle["uscc"]]})
    assert named.json() == {"accepted": [], "skipped": [flagged["uscc"], idle["uscc"]]}
    states = {r["uscc"]: r["state"] for r in (await statistician.get(path(round_id))).json()["items"]}
    assert states == {clean["uscc"]: "accepted", flagged["uscc"]: "submitted", idle["uscc"]: "not_started"}


async def test_the_returns_list_filters_by_state_and_industry(as_role, statistician):
    round_id, (first, second), _ = await opened()
    await _submitted(as_role, round_id, first)
    submitted = (await statistician.get(path(round_id), params={"state": "submitted"})).json()
    assert [r["uscc"] for r in submitted["items"]] == [first["uscc"]] and submitted["total"] == 1
    by_industry = (await statistician.get(path(round_id), params={"industry": "electronic_info"})).json()
    assert by_industry["total"] == 2
    assert (await statistician.get(path(round_id), params={"industry": "new_energy"})).json()["total"] == 0
    assert field_errors(await statistician.get(path(round_id), params={"state": "lost"})) == {"state": "not_a_choice"}


# --- Managers: add, excuse, fill on behalf ------------------------------------------------------


async def test_a_manager_fills_and_submits_on_the_tenants_behalf_and_it_says_so(manager, as_role):
    round_id, (tenant, _), _ = await opened()
    await _filled(manager, round_id, tenant["uscc"], {"revenue": "300.00", "employees": 3})
    submitted = await manager.post(path(round_id, tenant["uscc"], "submit"), json={})
    assert submitted.status_code == 200, submitted.text
    mine = (await (await as_role("tenant", tenant["uscc"])).get(path(round_id, tenant["uscc"]))).json()
    assert mine["filled_by"] == manager.username and mine["submitted_by"] == manager.username


async def test_the_statistics_office_reviews_but_does_not_fill_or_excuse(statistician):
    round_id, (tenant, _), _ = await opened()
    assert_problem(await statistician.put(path(round_id, tenant["uscc"]), json={"revenue": "1.00"}), 403)
    assert_problem(await statistician.post(path(round_id, tenant["uscc"], "submit"), json={}), 403)
    assert_problem(await statistician.post(path(round_id, tenant["uscc"], "excuse"), json={"reason": "x"}), 403)


async def test_a_manager_excuses_a_tenant_with_a_reason_and_asks_it_again(manager):
    round_id, (tenant, _), _ = await opened()
    assert field_errors(await manager.post(path(round_id, tenant["uscc"], "excuse"), json={"reason": "  "})) == {
        "reason": "required"
    }
    excused = await manager.post(path(round_id, tenant["uscc"], "excuse"), json={"reason": "已停业"})
    assert excused.status_code == 200 and excused.json()["state"] == "excused" and excused.json()["reason"] == "已停业"
    assert_problem(await manager.put(path(round_id, tenant["uscc"]), json={"revenue": "1.00"}), 409)
    again = await manager.post(path(round_id), json={"uscc": tenant["uscc"]})
    assert again.status_code == 200 and again.json()["state"] == "not_started"


async def test_a_manager_adds_a_tenant_that_moved_in_later(manager, as_role):
    round_id, _, year = await opened()
    newcomer = await make_tenant(moved_in_on=f"{year + 1}-03-01", moved_out_on=f"{year + 1}-03-02", status="left")
    added = await manager.post(path(round_id), json={"uscc": newcomer["uscc"]})
    assert added.status_code == 201, added.text
    assert added.json()["state"] == "not_started"
    assert_problem(await manager.post(path(round_id), json={"uscc": newcomer["uscc"]}), 409)
    tenant = await as_role("tenant", newcomer["uscc"])
    assert_problem(await tenant.post(path(round_id), json={"uscc": newcomer["uscc"]}), 403)


# --- Isolation ----------------------------------------------------------------------------------


async def test_another_tenants_return_is_the_same_404_as_none(as_role):
    round_id, (mine, theirs), _ = await opened()
    outsider = await make_tenant()
    client = await as_role("tenant", mine["uscc"])
    answers = [
        await client.get(path(round_id, theirs["uscc"])),
        await client.get(path(round_id, outsider["uscc"])),
        await client.get(path(round_id + 10_000, mine["uscc"])),
    ]
    details = {assert_problem(a, 404)["detail"] for a in answers}
    assert len(details) == 1
    assert_problem(await client.put(path(round_id, theirs["uscc"]), json={"revenue": "1.00"}), 404)
    assert_problem(await client.post(path(round_id, theirs["uscc"], "submit"), json={}), 404)
    assert (await client.get(path(round_id, mine["uscc"]))).status_code == 200


async def test_a_tenant_sees_no_round_before_its_opening_day(as_role, statistician):
    year = next(_years)
    (tenant,) = await park_for(year, 1)
    later = str(date.today() + timedelta(days=5))
    created = await statistician.post("/rounds", json={"period": str(year), "opens_on": later, "deadline": DEADLINE})
    client = await as_role("tenant", tenant["uscc"])
    assert_problem(await client.get(path(created.json()["id"], tenant["uscc"])), 404)
    assert (await client.get("/me/returns")).json()["total"] == 0


async def test_a_tenant_lists_its_own_returns_newest_first(as_role):
    year = next(_years)
    (tenant,) = await park_for(year, 1)
    await make_tenant(moved_in_on=f"{year}-01-01", moved_out_on=f"{year + 1}-01-01", status="left")
    first = await rounds.open_round(SYSTEM, {"period": f"{year}H1", "deadline": DEADLINE})
    second = await rounds.open_round(SYSTEM, {"period": f"{year}H2", "deadline": DEADLINE})
    client = await as_role("tenant", tenant["uscc"])
    mine = (await client.get("/me/returns")).json()
    assert [(r["round"], r["uscc"]) for r in mine["items"]] == [(second.id, tenant["uscc"]), (first.id, tenant["uscc"])]
    manager = await as_role("manager")
    assert_problem(await manager.get("/me/returns"), 403)


# --- Closed rounds, versions, audit -------------------------------------------------------------


async def test_no_return_changes_once_the_round_is_closed(as_role, statistician):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    await _filled(client, round_id, tenant["uscc"], {"revenue": "1.00", "employees": 1})
    await ReportRound.update({ReportRound.state: "closed"}).where(ReportRound.id == round_id).run()
    assert_problem(await client.post(path(round_id, tenant["uscc"], "submit"), json={}), 409)
    assert_problem(await client.put(path(round_id, tenant["uscc"]), json={"revenue": "2.00"}), 409)
    assert_problem(await statistician.patch(f"/rounds/{round_id}", json={"title": "x"}), 409)


async def test_a_stale_version_is_412_and_every_move_is_audited(as_role, admin):
    round_id, (tenant, _), _ = await opened()
    client = await as_role("tenant", tenant["uscc"])
    saved = await client.put(path(round_id, tenant["uscc"]), json={"revenue": "1.00", "employees": 1})
    assert_problem(
        await client.post(path(round_id, tenant["uscc"], "submit"), json={}, headers={"If-Match": '"v1"'}), 412
    )
    submitted = await client.post(
        path(round_id, tenant["uscc"], "submit"), json={}, headers={"If-Match": saved.headers["ETag"]}
    )
    assert submitted.status_code == 200
    await admin.post(path(round_id, tenant["uscc"], "accept"), json={"note": "ok"})
    trail = (await admin.get("/audit", params={"entity": "return", "uscc": tenant["uscc"]})).json()["items"]
    assert [(e["action"], e["after"]["state"]) for e in trail] == [
        ("accept", "accepted"),
        ("submit", "submitted"),
        ("save", "draft"),
    ]
    assert trail[0]["actor"] == admin.username and trail[0]["after"]["note"] == "ok"
    assert trail[1]["actor"] == client.username
