"""GET /stats/{period}: the park's figures as JSON for the staff, never for a tenant."""

from __future__ import annotations

import msgspec
import pytest

from api.controllers.stats import accepts_gzip
from registry.actor import SYSTEM
from registry.answers import encode_hook
from registry.periods import Period
from registry.stats import park_stats
from tests.api.factories import assert_problem, field_errors, make_report, make_tenant


@pytest.fixture
async def park(empty_registry):
    """Two tenants that reported 2016 (one by its halves) and one that did not."""
    annual, halves, silent = await make_tenant(), await make_tenant(), await make_tenant()
    await make_report(annual["uscc"], "2016", revenue="100.25", employees=10)
    await make_report(halves["uscc"], "2016H1", revenue="50.00", employees=3)
    await make_report(halves["uscc"], "2016H2", revenue="150.25", employees=4)
    return annual, halves, silent


def _without_clock(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "generated_at"}


@pytest.mark.parametrize("role", ["admin", "manager", "statistician"])
async def test_staff_read_the_years_figures(park, as_role, role):
    _, _, silent = park
    client = await as_role(role)
    response = await client.get("/stats/2016")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "2016"
    assert body["figures"]["revenue"]["value"] == "300.50"
    assert body["figures"]["employees"]["value"] == 14
    assert body["reported"] == 2
    assert [t["uscc"] for t in body["not_reported"]] == [silent["uscc"]]


async def test_the_json_is_the_registrys_statistics_object(park, statistician):
    response = await statistician.get("/stats/2016")
    expected = msgspec.to_builtins(await park_stats(SYSTEM, Period.parse("2016")), enc_hook=encode_hook)
    paging = {"not_reported_total": 1, "tenant_lines_total": 3, "limit": 500, "offset": 0}
    assert _without_clock(response.json()) == _without_clock(expected) | paging


async def test_the_tenant_lists_come_a_page_at_a_time(park, statistician):
    whole = (await statistician.get("/stats/2016")).json()
    first = (await statistician.get("/stats/2016?limit=2")).json()
    rest = (await statistician.get("/stats/2016?limit=2&offset=2")).json()
    assert first["tenant_lines"] + rest["tenant_lines"] == whole["tenant_lines"]
    assert (len(first["tenant_lines"]), len(rest["tenant_lines"])) == (2, 1)
    assert first["tenant_lines_total"] == rest["tenant_lines_total"] == 3
    assert first["not_reported"] == whole["not_reported"] and rest["not_reported"] == []
    assert first["figures"] == rest["figures"] == whole["figures"]  # the park's figures are whole on every page


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=x"])
async def test_a_page_out_of_bounds_is_422(manager, query):
    response = await manager.get(f"/stats/2016?{query}")
    assert_problem(response, 422)


async def test_a_client_taking_gzip_gets_the_same_answer_compressed(park, statistician):
    plain = await statistician.get("/stats/2016", headers={"Accept-Encoding": "identity"})
    packed = await statistician.get("/stats/2016", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert int(packed.headers["content-length"]) < len(plain.content)
    assert packed.json() == plain.json()  # httpx undoes the gzip


@pytest.mark.parametrize(
    ("header", "taken"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("identity", False),
        ("gzip;q=0", False),
        ("", False),
        ("deflate, *;q=0", False),
        ("gzip;q=x", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header, taken):
    assert accepts_gzip(header) is taken


async def test_money_travels_as_decimal_strings(park, manager):
    body = (await manager.get("/stats/2016")).json()
    for figure in body["figures"].values():
        assert not isinstance(figure["value"], float)
    assert '"300.50"' in (await manager.get("/stats/2016")).text


@pytest.mark.parametrize("period", ["2017H1", "2017Q3", "2016"])
async def test_halves_and_quarters_are_periods_too(manager, period):
    response = await manager.get(f"/stats/{period}")
    assert response.status_code == 200, response.text
    assert response.json()["period"] == period


@pytest.mark.parametrize("period", ["2017H3", "twenty-sixteen", "1800"])
async def test_bad_period_is_422(manager, period):
    assert "period" in field_errors(await manager.get(f"/stats/{period}"))


async def test_tenant_gets_403_and_no_figures(park, as_role):
    annual, halves, _ = park
    client = await as_role("tenant", annual["uscc"])
    response = await client.get("/stats/2016")
    assert_problem(response, 403)
    assert halves["uscc"] not in response.text and "300.50" not in response.text


async def test_no_token_no_stats(anonymous):
    assert_problem(await anonymous.get("/stats/2016"), 401)


async def test_like_for_like_growth_counts_only_the_tenants_that_reported_both_periods(empty_registry, statistician):
    """Plain growth compares every reporter of each year; like-for-like only those that reported both
    (and were on record at both ends), with their count — and the OpenAPI document describes it."""
    steady, newcomer, former = [await make_tenant(moved_in_on="2015-01-01") for _ in range(3)]
    await make_report(steady["uscc"], "2015", revenue="100.00", employees=10)
    await make_report(steady["uscc"], "2016", revenue="130.00", employees=12)
    await make_report(newcomer["uscc"], "2016", revenue="500.00", employees=5)
    await make_report(former["uscc"], "2015", revenue="900.00")  # 2015 only: not like-for-like
    body = (await statistician.get("/stats/2016")).json()
    revenue = body["figures"]["revenue"]
    assert (revenue["value"], revenue["previous"], revenue["growth"]) == ("630.00", "1000.00", "-0.3700")
    assert revenue["like_for_like"] == {"value": "130.00", "previous": "100.00", "growth": "0.3000", "tenants": 1}
    assert body["figures"]["employees"]["like_for_like"] == {"value": 12, "previous": 10, "growth": "0.2000",
                                                            "tenants": 1}  # fmt: skip

    document = await statistician.get(str(statistician.base_url).removesuffix("/api/v1/") + "/schema/openapi.json")
    schema = document.json()["components"]["schemas"]
    (money_figure,) = [name for name in schema if name.startswith("Figure_") and "Fen" in name]
    money = schema[money_figure]["properties"]["like_for_like"]
    refs = [option.get("$ref", "") for option in money.get("oneOf", [money])]
    assert any("LikeForLike" in ref and "Fen" in ref for ref in refs), money
    same_tenants = [name for name in schema if name.startswith("LikeForLike")]
    assert len(same_tenants) == 2  # money and counts
    for name in same_tenants:
        assert set(schema[name]["properties"]) == {"value", "previous", "growth", "tenants"}
