"""What a report form offers and guards: the periods a company may report (begun, open years, since it moved
in), and a form for a new report that finds the period saved meanwhile refused instead of overwriting it."""

from __future__ import annotations

from datetime import date

import pytest

from registry.actor import SYSTEM
from registry.errors import PreconditionFailed
from registry.periods import Period
from registry.services import closed_years, reports
from tests.api.factories import fresh_year, reopen_if_closed
from tests.conftest import make_tenant


async def test_a_form_offers_the_begun_periods_of_open_years_at_most_ten_years_back():
    closed = fresh_year()  # a year to come: the form is asked as if today were the year after it
    tenant = await make_tenant(moved_in_on="2016-03-01")
    await closed_years.close_year(SYSTEM, closed)
    try:
        offered = await reports.reportable_periods(SYSTEM, tenant["uscc"], today=date(closed + 1, 5, 10))
    finally:
        await reopen_if_closed(closed)
    # the closed year is read-only: not offered
    assert {p.year for p in offered} == set(range(closed + 1 - reports.FORM_YEARS, closed + 2)) - {closed}
    assert offered[:4] == [Period(closed + 1), Period(closed + 1, half=1), Period(closed + 1, quarter=1),
                           Period(closed + 1, quarter=2)]  # fmt: skip
    assert Period(closed + 1, quarter=3) not in offered  # not begun yet
    assert offered[-1] == Period(closed + 1 - reports.FORM_YEARS, quarter=4)


async def test_a_company_is_offered_the_years_since_it_moved_in_and_since_its_first_report():
    tenant = await make_tenant(moved_in_on="2016-03-01")
    await reports.put_report(SYSTEM, tenant["uscc"], "2003", {"revenue": "1.00"})
    offered = await reports.reportable_periods(SYSTEM, tenant["uscc"], today=date(2026, 1, 2))
    assert Period(2003) in offered and Period(2002) not in offered
    assert offered[0] == Period(2026)
    newcomer = await make_tenant(moved_in_on="2024-03-01")
    offered = await reports.reportable_periods(SYSTEM, newcomer["uscc"], today=date(2026, 1, 2))
    assert {p.year for p in offered} == {2024, 2025, 2026}
    undated = await make_tenant(moved_in_on=None)
    offered = await reports.reportable_periods(SYSTEM, undated["uscc"], today=date(2026, 1, 2))
    assert min(p.year for p in offered) == 2026 - reports.FORM_YEARS


async def test_a_new_report_does_not_replace_one_saved_meanwhile():
    tenant = await make_tenant()
    await reports.put_report(SYSTEM, tenant["uscc"], "2018", {"revenue": "500"}, new_only=True)
    with pytest.raises(PreconditionFailed):
        await reports.put_report(SYSTEM, tenant["uscc"], "2018", {"revenue": "700"}, new_only=True)
    assert (await reports.get_report(SYSTEM, tenant["uscc"], "2018"))["revenue"] == 50_000
