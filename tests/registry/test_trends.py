"""Trends (registry.trends): one point a year, the year itself when it can be composed, else its latest half,
else its latest quarter; a tenant's figures composed as the statistics compose them."""

from __future__ import annotations

from uuid import uuid4

import pytest

from registry.actor import SYSTEM, Actor
from registry.errors import Forbidden, NotFound
from registry.periods import Period
from registry.trends import TREND_POINTS, park_trend, tenant_trend, trend_periods
from tests.api.factories import make_ip, make_report
from tests.conftest import make_tenant


def _periods(*codes: str) -> set[Period]:
    return {Period.parse(code) for code in codes}


def test_a_year_counts_by_itself_or_by_its_halves_or_quarters_when_complete():
    reported = _periods("2015", "2016H1", "2016Q3", "2016Q4", "2017Q1", "2017Q2", "2017Q3", "2017Q4")
    assert [str(p) for p in trend_periods(reported)] == ["2015", "2016", "2017"]


def test_a_year_not_reported_in_full_counts_by_its_latest_half_else_its_latest_quarter():
    assert [str(p) for p in trend_periods(_periods("2016", "2017H1", "2017Q3"))] == ["2016", "2017H1"]
    assert [str(p) for p in trend_periods(_periods("2017Q1", "2017Q3"))] == ["2017Q3"]
    assert [str(p) for p in trend_periods(_periods("2017Q3", "2017Q4"))] == ["2017H2"]


def test_years_nobody_reported_are_left_out_and_only_the_last_ten_are_kept():
    assert [str(p) for p in trend_periods(_periods("2001", "2005"))] == ["2001", "2005"]
    many = trend_periods({Period(year) for year in range(2000, 2020)})
    assert len(many) == TREND_POINTS and many[-1] == Period(2019)


async def test_a_tenants_trend_composes_its_figures_and_counts_its_valid_ip():
    # Years within the copyright's 50 (the suite's fresh years run past 2069); the tenant is new, so no
    # other test's reports are in its trend.
    year, next_year = 2045, 2046
    tenant = await make_tenant(moved_in_on="2016-01-01")
    await make_report(tenant["uscc"], str(year), revenue="3000000.00", employees=30)
    await make_report(tenant["uscc"], f"{next_year}Q1", revenue="1000000.00", employees=11)
    await make_report(tenant["uscc"], f"{next_year}Q2", revenue="2500000.00", employees=12)
    # A software copyright runs 50 years: still valid in those years.
    number = f"2019SR{uuid4().int % 10**6:06d}"
    await make_ip(tenant["uscc"], "software_copyright", number=number, filed_on="2019-03-01", granted_on="2019-05-01")

    points = await tenant_trend(SYSTEM, tenant["uscc"])

    assert [(p.period, p.reported) for p in points] == [(str(year), True), (f"{next_year}H1", True)]
    assert [p.figures["revenue"] for p in points] == [300_000_000, 350_000_000]  # fen: Q1 + Q2
    assert [p.figures["employees"] for p in points] == [30, 12]  # a head count: the last quarter's
    assert [p.ip_valid for p in points] == [1, 1]


async def test_another_tenants_trend_is_not_found_and_the_parks_is_for_staff():
    own, other = await make_tenant(), await make_tenant()
    await make_report(other["uscc"], "2016")
    tenant = Actor(username="t", role="tenant", tenant_uscc=own["uscc"])
    with pytest.raises(NotFound):
        await tenant_trend(tenant, other["uscc"])
    with pytest.raises(Forbidden):
        await park_trend(tenant)
    assert await tenant_trend(tenant, own["uscc"]) == []
