from datetime import date

import pytest

from registry.actor import SYSTEM
from registry.demo import DEMO_ACTOR, load_demo
from registry.demo_fees import AT_RISK
from registry.ip_numbers import normalise_ip_number
from registry.periods import Period
from registry.services.deadline_table import at_risk
from registry.services.deadlines import list_deadlines
from registry.services.listing import Page
from registry.stats import park_stats
from registry.tables import AuditEntry, IPFee, IPItem, PeriodReport, Reminder, Tenant
from registry.uscc import validate_uscc
from registry.vocabulary import INDUSTRY
from tests.conftest import wipe

CENSUS = date(2017, 10, 31)


@pytest.fixture(scope="module")
async def demo_park(database):
    """The demo park alone in the registry, loaded once for the module (loading takes seconds)."""
    await wipe()
    summary = await load_demo()
    yield summary
    await wipe()


async def _sizes() -> tuple[int, ...]:
    return tuple([await table.count().run() for table in (Tenant, IPItem, PeriodReport, AuditEntry)])


async def test_revenue_is_36_yi_for_2016_and_78_yi_for_2017h1(demo_park):
    year = await park_stats(SYSTEM, Period.parse("2016"))
    half = await park_stats(SYSTEM, Period.parse("2017H1"))

    assert year.figures["revenue"].value == 360_000_000_000
    assert half.figures["revenue"].value == 780_000_000_000
    assert year.figures["revenue"].value.yuan() == "3600000000.00"
    assert half.figures["revenue"].value.yuan() == "7800000000.00"


async def test_109_tenants_and_8066_valid_ip_items_on_2017_10_31(demo_park):
    census = await park_stats(SYSTEM, Period.parse("2017"), as_of=CENSUS)

    assert census.tenants.at_end == 109
    assert census.ip.valid_at_end == 8_066
    assert round(census.ip.valid_at_end / census.tenants.at_end, 1) == 74.0
    groups = {line.industry: line.tenants_at_end for line in census.by_industry}
    assert all(groups[code] > 0 for code in INDUSTRY.codes if code != "other")
    assert groups["other"] == 0
    assert len({kind for kind, counts in census.ip_by_kind.items() if counts.valid_at_end}) == 7


async def test_tenants_moved_in_from_october_2015_and_a_few_left_before_the_census(demo_park):
    tenants = await Tenant.select(Tenant.moved_in_on, Tenant.moved_out_on, Tenant.status).run()

    assert min(t["moved_in_on"] for t in tenants) >= date(2015, 10, 1)
    departed = [t for t in tenants if t["moved_out_on"] is not None]
    assert departed and all(t["moved_out_on"] < CENSUS and t["status"] != "incubating" for t in departed)
    assert len(tenants) == 109 + len(departed) == demo_park.tenants


async def test_some_tenants_report_a_year_in_halves_or_quarters_and_some_leave_it_incomplete(demo_park):
    periods = {row["period"] for row in await PeriodReport.select(PeriodReport.period).run()}
    year = await park_stats(SYSTEM, Period.parse("2016"))

    assert {"2016", "2016H1", "2016H2", "2016Q3", "2016Q4", "2017H1", "2017Q1", "2017Q2"} <= periods
    assert year.not_reported  # incomplete quarters count as not reported
    assert year.sub_periods["2016H2"].figures["revenue"] > 0


async def test_every_uscc_and_ip_number_passes_its_check_and_names_say_synthetic(demo_park):
    for tenant in await Tenant.select(Tenant.uscc, Tenant.name, Tenant.name_en).run():
        assert validate_uscc(tenant["uscc"]) == (tenant["uscc"], [])
        assert "(synthetic)" in tenant["name"] and tenant["name_en"].startswith("Demo Tenant")
    for item in await IPItem.select(IPItem.kind, IPItem.number).run():
        assert normalise_ip_number(item["kind"], item["number"]) == item["number"]


async def test_every_write_went_through_the_services_as_the_demo_actor(demo_park):
    entries = (
        await AuditEntry.count().where((AuditEntry.actor == DEMO_ACTOR.username) & (AuditEntry.source == "demo")).run()
    )

    assert entries == (
        demo_park.tenants + demo_park.ip_items + demo_park.reports + demo_park.fees + demo_park.round_entries
    )
    assert demo_park.fees == await IPFee.count().run()
    assert demo_park.ip_items == await IPItem.count().run()
    assert demo_park.reports == await PeriodReport.count().run()


async def test_a_second_load_changes_nothing_and_says_so(demo_park):
    before = await _sizes()

    again = await load_demo()

    assert not again.changed
    assert (again.tenants, again.ip_items, again.reports) == (0, 0, 0)
    assert again.already_present == demo_park.tenants
    assert "nothing changed" in again.describe()
    assert await _sizes() == before


async def test_the_torch_forms_fields_are_filled_plausibly(demo_park):
    tenants = await Tenant.select().run()
    assert {t["founder_type"] for t in tenants} == {"returnee", "graduate", "scientist", "serial", "other"}
    assert 0.4 < sum(bool(t["tech_sme_no"]) for t in tenants) / len(tenants) < 0.8
    assert sorted(t["listing"] for t in tenants if t["listing"] != "none") == ["listed", "neeq", "neeq"]
    with_platform = [t for t in tenants if t["platform_level"] != "none"]
    assert with_platform and all(t["platform_level_since"] <= CENSUS for t in with_platform)
    for report in await PeriodReport.select().run():
        assert report["total_income"] >= report["revenue"] > 0
        assert report["returnee_staff"] <= report["college_staff"] <= report["employees"]
        assert report["financing"] >= 0 and report["grants"] >= 0


async def test_most_fee_years_are_paid_a_few_fall_due_and_two_patents_are_at_risk(demo_park):
    patents = await IPItem.select(IPItem.id).where(IPItem.kind.is_in(["invention", "utility_model", "design"])).run()
    soon = await list_deadlines(DEMO_ACTOR, Page(500), within=90, kind="invention")
    states = {row["state"] for row in soon["items"]}

    assert await IPFee.count().run() > 5 * len(patents)
    assert len(await at_risk([p["id"] for p in patents])) == AT_RISK
    assert 0 < soon["total"] < len(patents) // 10
    assert states == {"due", "grace"}


async def test_the_2016_round_is_closed_with_every_return_accepted_its_submitted_dataset_the_36_yi(demo_park):
    from registry.services import returns, rounds

    (round_2016,) = [r for r in (await rounds.list_rounds(SYSTEM, Page(limit=10)))["items"] if r.period == "2016"]
    listed = (await returns.list_returns(SYSTEM, round_2016.id, Page(limit=500)))["items"]

    assert {r.state for r in listed} == {"accepted", "excused"}
    assert sum(r.state == "excused" for r in listed) == 2  # the newcomers whose year is incomplete
    assert sum(r.figures.revenue for r in listed if r.state == "accepted") == 360_000_000_000
    year = await park_stats(SYSTEM, Period.parse("2016"))
    assert year.figures["revenue"].value == 360_000_000_000
    assert round_2016.state == "closed"
    submitted = await park_stats(SYSTEM, Period.parse("2016"), as_submitted=True)
    assert submitted.figures["revenue"].value == 360_000_000_000


async def test_the_2017q3_round_is_in_progress_with_returns_in_every_state(demo_park):
    from registry.services import returns, rounds
    from registry.vocabulary import RETURN_STATE

    (round_q3,) = [r for r in (await rounds.list_rounds(SYSTEM, Page(limit=10)))["items"] if r.period == "2017Q3"]
    listed = (await returns.list_returns(SYSTEM, round_q3.id, Page(limit=500)))["items"]

    assert round_q3.state == "open"
    assert all(getattr(round_q3.counts, state) > 0 for state in RETURN_STATE.codes)
    assert any(r.filled_by and r.state == "submitted" for r in listed)  # 代填
    reminded = await Reminder.select(Reminder.tenant.uscc.as_alias("uscc")).where(Reminder.round == round_q3.id).run()
    due = {r.uscc for r in listed if r.state in ("not_started", "draft", "returned")}
    assert due and {r["uscc"] for r in reminded} == due  # the office reminded every tenant not handed in
    returned = [r for r in listed if r.state == "returned"]
    assert returned and all(r.reason and "revenue" in r.field_reasons for r in returned)
