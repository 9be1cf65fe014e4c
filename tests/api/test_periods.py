"""Closing a year: the statistics office closes, nobody writes its reports, only an admin reopens."""

from __future__ import annotations

import pytest

from tests.api.factories import assert_problem, fresh_year, make_report, make_tenant, reopen_if_closed


@pytest.fixture
async def year():
    """A year of its own for each test, reopened afterwards whatever the test did."""
    year = fresh_year()
    yield year
    await reopen_if_closed(year)


@pytest.fixture
async def closed(year, statistician, as_role):
    """A tenant with a report in `year`, that year closed by the statistics office, and the tenant's client."""
    tenant = await make_tenant()
    await make_report(tenant["uscc"], f"{year}H1", revenue="500.00")
    response = await statistician.post(f"/periods/{year}/close")
    assert response.status_code == 200, response.text
    return year, tenant, await as_role("tenant", tenant["uscc"])


async def test_statistician_closes_a_year(statistician, year):
    response = await statistician.post(f"/periods/{year}/close")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == year and body["closed"] is True
    assert body["closed_by"] == statistician.username and body["closed_at"]
    assert year in (await statistician.get("/periods")).json()


async def test_admin_closes_a_year(admin, year):
    assert (await admin.post(f"/periods/{year}/close")).status_code == 200


@pytest.mark.parametrize("role", ["manager", "tenant"])
async def test_only_statistics_office_and_admin_close(as_role, manager, role, year):
    tenant = await make_tenant()
    client = await as_role(role, tenant["uscc"] if role == "tenant" else None)
    assert_problem(await client.post(f"/periods/{year}/close"), 403)
    assert year not in (await manager.get("/periods")).json()


async def test_closing_a_closed_year_is_409(closed, statistician):
    year, _, _ = closed
    assert_problem(await statistician.post(f"/periods/{year}/close"), 409)


@pytest.mark.parametrize("year_text", ["0", "99999", "1066"])
async def test_year_outside_the_calendar_cannot_be_closed(admin, year_text):
    assert_problem(await admin.post(f"/periods/{year_text}/close"), 422)
    assert int(year_text) not in (await admin.get("/periods")).json()


@pytest.mark.parametrize("who", ["tenant", "manager", "admin"])
async def test_closed_years_reports_cannot_be_replaced(closed, who, manager, admin):
    year, tenant, tenant_client = closed
    client = {"tenant": tenant_client, "manager": manager, "admin": admin}[who]
    path = f"/tenants/{tenant['uscc']}/reports/{year}H1"
    body = assert_problem(await client.put(path, json={"revenue": "1.00"}), 409)
    assert str(year) in body["detail"]
    assert (await manager.get(path)).json()["revenue"] == "500.00"


@pytest.mark.parametrize("who", ["tenant", "manager", "admin"])
async def test_closed_years_reports_cannot_be_deleted(closed, who, manager, admin):
    year, tenant, tenant_client = closed
    client = {"tenant": tenant_client, "manager": manager, "admin": admin}[who]
    path = f"/tenants/{tenant['uscc']}/reports/{year}H1"
    assert_problem(await client.delete(path), 409)
    assert (await manager.get(path)).status_code == 200


@pytest.mark.parametrize("period", ["{year}", "{year}H2", "{year}Q4"])
async def test_no_new_report_lands_in_a_closed_year(closed, manager, period):
    year, tenant, _ = closed
    path = f"/tenants/{tenant['uscc']}/reports/{period.format(year=year)}"
    assert_problem(await manager.put(path, json={"revenue": "1.00"}), 409)
    assert_problem(await manager.get(path), 404)


async def test_other_years_stay_open(closed, manager):
    year, tenant, _ = closed
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/{year + 1}Q1", json={"revenue": "1.00"})
    assert response.status_code == 201


async def test_closed_years_reports_are_still_read(closed):
    year, tenant, tenant_client = closed
    assert (await tenant_client.get(f"/tenants/{tenant['uscc']}/reports/{year}H1")).json()["revenue"] == "500.00"


@pytest.mark.parametrize("role", ["manager", "statistician", "tenant"])
async def test_only_an_admin_reopens(closed, as_role, role, manager):
    year, tenant, _ = closed
    client = await as_role(role, tenant["uscc"] if role == "tenant" else None)
    assert_problem(await client.post(f"/periods/{year}/reopen"), 403)
    assert year in (await manager.get("/periods")).json()


async def test_after_an_admin_reopens_reports_are_written_again(closed, admin, manager):
    year, tenant, tenant_client = closed
    response = await admin.post(f"/periods/{year}/reopen")
    assert response.status_code == 200
    assert response.json() == {"year": year, "closed": False, "closed_by": None, "closed_at": None}
    assert year not in (await manager.get("/periods")).json()
    path = f"/tenants/{tenant['uscc']}/reports/{year}H1"
    assert (await tenant_client.put(path, json={"revenue": "2.00"})).status_code == 200
    assert (await manager.delete(path)).status_code == 204


async def test_reopening_an_open_year_is_409(admin, year):
    assert_problem(await admin.post(f"/periods/{year}/reopen"), 409)


async def test_closing_and_reopening_are_audited(closed, admin):
    year, _, _ = closed
    await admin.post(f"/periods/{year}/reopen")
    trail = (await admin.get("/audit", params={"entity": "period", "limit": 500})).json()["items"]
    actions = [e["action"] for e in trail if e["entity_key"] == str(year)]
    assert actions == ["reopen", "close"]


async def test_tenant_cannot_see_the_list_of_closed_years(tenant_pair):
    _, _, client = tenant_pair
    assert_problem(await client.get("/periods"), 403)
