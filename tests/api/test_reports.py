"""Period reports over HTTP: PUT creates or replaces, periods by year, half and quarter, ETags."""

from __future__ import annotations

import pytest

from tests.api.factories import assert_problem, field_errors, make_report, make_tenant, new_uscc

FIGURES = {
    "revenue": "3600000.00",
    "net_profit": "-120000.50",
    "exports": "0.00",
    "rd_expense": "450000.00",
    "tax_paid": "98000.00",
    "employees": 42,
    "rd_staff": 11,
    "new_graduates": 3,
}


async def test_put_creates_201_then_replaces_200(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    created = await manager.put(path, json=FIGURES)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"v1"'
    assert {k: created.json()[k] for k in FIGURES} == FIGURES
    replaced = await manager.put(path, json=FIGURES | {"revenue": "3700000.00"})
    assert replaced.status_code == 200
    assert replaced.json()["revenue"] == "3700000.00"
    assert replaced.headers["ETag"] == '"v2"'


async def test_put_replaces_the_whole_report(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    await manager.put(path, json=FIGURES)
    await manager.put(path, json={"revenue": "1.00"})
    got = (await manager.get(path)).json()
    assert got["revenue"] == "1.00"
    assert all(got[k] is None for k in FIGURES if k != "revenue")


@pytest.mark.parametrize(
    "given, stored",
    [
        ("2016", "2016"),
        ("2017H1", "2017H1"),
        ("2017h2", "2017H2"),
        ("2017Q3", "2017Q3"),
        ("2018q1", "2018Q1"),
    ],
)
async def test_years_halves_and_quarters_are_periods(manager, given, stored):
    tenant = await make_tenant()
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/{given}", json={"revenue": "10.00"})
    assert response.status_code == 201, response.text
    assert response.json()["period"] == stored
    assert (await manager.get(f"/tenants/{tenant['uscc']}/reports/{stored}")).status_code == 200


@pytest.mark.parametrize("period", ["2017H3", "2017Q5", "17", "2017-13", "1800", "next-year"])
async def test_bad_period_is_422(manager, period):
    tenant = await make_tenant()
    assert field_errors(await manager.put(f"/tenants/{tenant['uscc']}/reports/{period}", json={})) == {
        "period": field_errors(await manager.get(f"/tenants/{tenant['uscc']}/reports/{period}"))["period"]
    }


async def test_list_is_newest_first_and_filters_by_year(manager):
    tenant = await make_tenant()
    uscc = tenant["uscc"]
    for period in ("2016", "2017H1", "2017Q3", "2015Q4"):
        await make_report(uscc, period)
    newest = (await manager.get(f"/tenants/{uscc}/reports")).json()
    assert [r["period"] for r in newest["items"]] == ["2017Q3", "2017H1", "2016", "2015Q4"]
    assert newest["total"] == 4
    oldest = (await manager.get(f"/tenants/{uscc}/reports", params={"sort": "period"})).json()
    assert [r["period"] for r in oldest["items"]] == ["2015Q4", "2016", "2017H1", "2017Q3"]
    of_2017 = (await manager.get(f"/tenants/{uscc}/reports", params={"year": 2017, "limit": 1})).json()
    assert [r["period"] for r in of_2017["items"]] == ["2017Q3"]
    assert of_2017["total"] == 2


async def test_missing_report_is_404(manager):
    tenant = await make_tenant()
    assert_problem(await manager.get(f"/tenants/{tenant['uscc']}/reports/2016"), 404)
    assert_problem(await manager.delete(f"/tenants/{tenant['uscc']}/reports/2016"), 404)


async def test_report_of_an_unknown_tenant_is_404(manager):
    assert_problem(await manager.put(f"/tenants/{new_uscc()}/reports/2016", json=FIGURES), 404)


async def test_put_with_a_stale_etag_is_412_and_changes_nothing(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    etag = (await manager.put(path, json=FIGURES)).headers["ETag"]
    await manager.put(path, json=FIGURES | {"employees": 43}, headers={"If-Match": etag})
    assert_problem(await manager.put(path, json=FIGURES | {"employees": 44}, headers={"If-Match": etag}), 412)
    assert (await manager.get(path)).json()["employees"] == 43


async def test_put_expecting_a_report_that_was_deleted_meanwhile_is_412(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    etag = (await manager.put(path, json=FIGURES)).headers["ETag"]
    await manager.delete(path)
    assert_problem(await manager.put(path, json=FIGURES, headers={"If-Match": etag}), 412)
    assert_problem(await manager.get(path), 404)


async def test_delete_with_a_stale_etag_is_412_then_fresh_is_204(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2017Q3"
    etag = (await manager.put(path, json=FIGURES)).headers["ETag"]
    await manager.put(path, json={"revenue": "5.00"})
    assert_problem(await manager.delete(path, headers={"If-Match": etag}), 412)
    fresh = (await manager.get(path)).headers["ETag"]
    assert (await manager.delete(path, headers={"If-Match": fresh})).status_code == 204
    assert_problem(await manager.get(path), 404)


async def test_counts_must_be_whole_and_not_negative(manager):
    tenant = await make_tenant()
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json={"employees": -1, "rd_staff": 2})
    assert field_errors(response) == {"employees": "count_negative"}


async def test_tenant_reports_its_own_figures(tenant_pair):
    a, _, client = tenant_pair
    path = f"/tenants/{a['uscc']}/reports/2017H1"
    assert (await client.put(path, json=FIGURES)).status_code == 201
    assert (await client.get(path)).json()["revenue"] == FIGURES["revenue"]
    assert (await client.get(f"/tenants/{a['uscc']}/reports")).json()["total"] == 1
    assert (await client.delete(path)).status_code == 204


async def test_statistician_reads_but_cannot_write_reports(statistician):
    tenant = await make_tenant()
    await make_report(tenant["uscc"], "2016", revenue="77.00")
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    assert (await statistician.get(path)).json()["revenue"] == "77.00"
    assert_problem(await statistician.put(path, json=FIGURES), 403)
    assert_problem(await statistician.delete(path), 403)
    assert (await statistician.get(path)).json()["revenue"] == "77.00"


async def test_the_torch_forms_report_figures_travel_as_exact_yuan_and_counts(manager):
    tenant = await make_tenant()
    torch = {"total_income": "1234567.89", "financing": "5000000.00", "grants": "12340.01", "college_staff": 80,
             "returnee_staff": 3}  # fmt: skip
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json=FIGURES | torch)
    assert response.status_code == 201, response.text
    body = (await manager.get(f"/tenants/{tenant['uscc']}/reports/2016")).json()
    assert {key: body[key] for key in torch} == torch
    refused = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json={"grants": 12340.01})
    assert refused.status_code == 422  # a float cannot be trusted with fen
