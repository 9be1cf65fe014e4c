from datetime import date
from decimal import Decimal

import msgspec
import pytest

from registry.actor import SYSTEM, Actor
from registry.answers import Fen, encode_hook
from registry.errors import Forbidden
from registry.ip_numbers import make_patent_number
from registry.periods import Period
from registry.services import ip_items, reports
from registry.stats import Figure, LikeForLike, TenantLine, growth, park_stats, ratio, reported_periods
from registry.torch_form import IP_KEYS
from tests.conftest import make_tenant

Y2016 = Period.parse("2016")


async def report(uscc: str, period: str, revenue: str | None = None, **figures) -> None:
    await reports.put_report(SYSTEM, uscc, period, {"revenue": revenue, **figures})


async def ip(
    uscc: str, kind: str, number: str, status: str = "valid", filed: str | None = None, granted: str | None = None
) -> None:
    await ip_items.create_ip(
        SYSTEM,
        uscc,
        {"kind": kind, "number": number, "title": "示例", "status": status, "filed_on": filed, "granted_on": granted},
    )


async def test_year_is_its_annual_report_else_complete_halves_else_complete_quarters(empty_registry):
    annual = await make_tenant()
    halves = await make_tenant()
    quarters = await make_tenant()
    half_and_quarters = await make_tenant()
    three_quarters = await make_tenant()
    silent = await make_tenant()
    await report(annual["uscc"], "2016", "1000.00", employees=10)
    await report(annual["uscc"], "2016H1", "999999.00")  # the annual report wins over its parts
    await report(halves["uscc"], "2016H1", "100.00", employees=20, new_graduates=2)
    await report(halves["uscc"], "2016H2", "200.50", employees=25, new_graduates=3)
    for q, amount in enumerate(("1.00", "2.00", "3.00", "4.00"), start=1):
        await report(quarters["uscc"], f"2016Q{q}", amount, employees=30 + q)
    await report(half_and_quarters["uscc"], "2016H1", "10.00")
    await report(half_and_quarters["uscc"], "2016Q3", "20.00")
    await report(half_and_quarters["uscc"], "2016Q4", "30.00")
    for q in (1, 2, 3):
        await report(three_quarters["uscc"], f"2016Q{q}", "5000.00")

    stats = await park_stats(SYSTEM, Y2016)

    assert stats.figures["revenue"].value == 100_000 + 30_050 + 1_000 + 6_000
    # Headcounts are year-end stocks: the last part's, not the sum of the parts.
    assert stats.figures["employees"].value == 10 + 25 + 34
    assert stats.figures["new_graduates"].value == 5
    assert stats.figures["net_profit"].value is None
    assert stats.reported == 4
    assert [(r.uscc, r.name) for r in stats.not_reported] == sorted(
        (t["uscc"], t["name"]) for t in (three_quarters, silent)
    )
    lines = {line.uscc: line for line in stats.tenant_lines}
    assert lines[halves["uscc"]].figures["revenue"] == 30_050 and lines[halves["uscc"]].reported
    assert lines[three_quarters["uscc"]].figures["revenue"] is None
    assert not lines[three_quarters["uscc"]].reported


async def test_half_is_its_report_or_both_its_quarters_and_a_quarter_only_its_own(empty_registry):
    own, composed, partial = await make_tenant(), await make_tenant(), await make_tenant()
    await report(own["uscc"], "2017H1", "70.00")
    await report(own["uscc"], "2017Q1", "1.00")
    await report(composed["uscc"], "2017Q1", "3.00")
    await report(composed["uscc"], "2017Q2", "4.00")
    await report(partial["uscc"], "2017Q2", "5.00")

    half = await park_stats(SYSTEM, Period.parse("2017H1"))
    quarter = await park_stats(SYSTEM, Period.parse("2017Q2"))

    assert half.figures["revenue"].value == 7_000 + 700
    assert [r.uscc for r in half.not_reported] == [partial["uscc"]]
    assert quarter.figures["revenue"].value == 400 + 500
    assert quarter.reported == 2
    # A half shows its quarters, each as that quarter's own statistics; a quarter has no parts.
    assert list(half.sub_periods) == ["2017Q1", "2017Q2"] and quarter.sub_periods == {}
    assert dict(half.sub_periods["2017Q2"].figures) == {k: v.value for k, v in quarter.figures.items()}
    assert half.sub_periods["2017Q2"].reported == quarter.reported == 2


async def test_a_figure_left_blank_in_one_part_is_unknown_for_the_whole(empty_registry):
    tenant = await make_tenant()
    await report(tenant["uscc"], "2016H1", "1.00", exports="1.00")
    await report(tenant["uscc"], "2016H2", "2.00")

    stats = await park_stats(SYSTEM, Y2016)

    assert stats.figures["revenue"].value == 300
    assert stats.figures["exports"].value is None
    assert stats.reported == 1


async def test_previous_year_and_exact_growth(empty_registry):
    steady = await make_tenant(moved_in_on="2015-01-10")
    newcomer = await make_tenant(moved_in_on="2016-05-01")
    await report(steady["uscc"], "2015", "300.00", net_profit="-100.00")
    await report(steady["uscc"], "2016", "350.00", net_profit="-50.00")
    await report(newcomer["uscc"], "2016", "50.00")

    stats = await park_stats(SYSTEM, Y2016)

    revenue = stats.figures["revenue"]
    assert (revenue.value, revenue.previous) == (40_000, 30_000)
    assert revenue.growth == Decimal("0.3333")
    # A loss halving is an improvement, measured against the size of the loss.
    assert stats.figures["net_profit"].growth == Decimal("0.5000")
    assert stats.figures["employees"] == Figure(None, None, None, LikeForLike(None, None, None, 0))
    # Like-for-like: the steady tenant alone, which reported both years.
    assert stats.figures["revenue"].like_for_like == LikeForLike(35_000, 30_000, Decimal("0.1667"), 1)
    assert stats.previous == "2015"
    assert (await park_stats(SYSTEM, Period.parse("2015"))).figures["revenue"].value == revenue.previous


def test_growth_and_ratio_round_half_away_from_zero_without_floats():
    assert ratio(1, 3) == Decimal("0.3333")
    assert ratio(2, 3) == Decimal("0.6667")
    assert ratio(1, 20_000) == Decimal("0.0001")
    assert ratio(-1, 20_000) == Decimal("-0.0001")
    assert ratio(0, 7) == Decimal("0.0000")
    assert growth(110, 100) == Decimal("0.1000")
    assert growth(5, 0) is None and growth(5, None) is None and growth(None, 5) is None


async def test_tenants_on_record_moved_in_graduated_and_left(empty_registry):
    await make_tenant(moved_in_on="2015-10-08")  # on record all year
    await make_tenant(moved_in_on="2016-02-01")  # moved in
    await make_tenant(moved_in_on="2016-12-31")  # moved in on the last day: on record
    await make_tenant(moved_in_on="2017-01-01")  # not yet
    await make_tenant(moved_in_on="2015-11-01", moved_out_on="2016-06-30", status="graduated")
    await make_tenant(moved_in_on="2016-03-01", moved_out_on="2016-12-31", status="left")
    await make_tenant(moved_in_on="2015-11-01", moved_out_on="2015-12-31", status="left")  # before
    later = await make_tenant(moved_in_on="2016-01-01", moved_out_on="2017-03-01", status="graduated")
    stays = await make_tenant(moved_in_on="2015-12-01", status="graduated")

    stats = await park_stats(SYSTEM, Y2016)

    assert msgspec.structs.asdict(stats.tenants) == {"at_end": 5, "moved_in": 4, "graduated": 1, "left": 1}
    lines = {line.uscc: line for line in stats.tenant_lines}
    assert len(lines) == 5 and list(lines) == sorted(lines)
    assert not lines[later["uscc"]].graduated  # still incubating on 2016-12-31
    assert lines[stays["uscc"]].graduated
    as_of = await park_stats(SYSTEM, Y2016, as_of=date(2016, 6, 30))
    assert msgspec.structs.asdict(as_of.tenants) == {"at_end": 5, "moved_in": 3, "graduated": 1, "left": 0}


async def test_a_graduate_counts_in_the_period_it_graduated_and_lines_carry_the_status_of_their_day(empty_registry):
    # Graduated in 2016 and stayed; moved out in 2017.
    stayed = await make_tenant(
        moved_in_on="2015-10-08", moved_out_on="2017-06-30", graduated_on="2016-11-30", status="graduated"
    )
    # Graduated in 2017, still in the park.
    await make_tenant(moved_in_on="2015-10-08", graduated_on="2017-03-01", status="graduated")
    # Moved out in 2017 without graduating: incubating in 2016.
    gone = await make_tenant(moved_in_on="2015-10-08", moved_out_on="2017-02-01", status="left")

    y2016 = await park_stats(SYSTEM, Y2016)
    assert y2016.tenants.graduated == 1 and y2016.tenants.left == 0
    lines = {line.uscc: line for line in y2016.tenant_lines}
    assert (lines[stayed["uscc"]].status, lines[stayed["uscc"]].graduated) == ("graduated", True)
    assert (lines[gone["uscc"]].status, lines[gone["uscc"]].graduated) == ("incubating", False)
    assert all((line.status == "graduated") == line.graduated for line in y2016.tenant_lines)
    first_half = await park_stats(SYSTEM, Period(2016, half=1))
    assert {line.status for line in first_half.tenant_lines} == {"incubating"}
    y2017 = await park_stats(SYSTEM, Period(2017))
    assert (y2017.tenants.graduated, y2017.tenants.left, y2017.tenants.at_end) == (1, 1, 1)


async def test_ip_valid_at_period_end_and_filed_and_granted_in_it(empty_registry):
    owner = await make_tenant(moved_in_on="2015-10-01")
    gone = await make_tenant(moved_in_on="2015-10-01", moved_out_on="2016-11-30", status="left")
    u = owner["uscc"]
    await ip(
        u, "invention", make_patent_number(2016, 1, 1), filed="2016-01-05", granted="2016-08-01"
    )  # valid, filed, granted
    await ip(
        u, "utility_model", make_patent_number(2007, 2, 1), status="expired", filed="2007-01-01", granted="2007-06-01"
    )  # term to 2016-12-31: still in force on the last day
    await ip(
        u, "utility_model", make_patent_number(2006, 2, 4), status="expired", filed="2006-12-31", granted="2007-06-01"
    )  # term ended 2016-12-30
    await ip(u, "design", make_patent_number(2015, 3, 1), status="lapsed", filed="2015-01-01", granted="2015-05-01")
    await ip(u, "software_copyright", "2016SR000001", status="pending", filed="2016-03-01")  # filed only
    await ip(u, "software_copyright", "2016SR000002", filed="2016-03-01", granted="2017-01-02")  # not yet
    await ip(u, "trademark", "12345678", granted="2015-01-01")
    await ip(gone["uscc"], "invention", make_patent_number(2015, 1, 1), filed="2015-01-01", granted="2016-01-01")

    stats = await park_stats(SYSTEM, Y2016)

    assert msgspec.structs.asdict(stats.ip) == {"valid_at_end": 3, "filed": 3, "granted": 1, "at_risk_at_end": 0}
    assert msgspec.structs.asdict(stats.ip_by_kind["invention"]) == {
        "valid_at_end": 1,
        "filed": 1,
        "granted": 1,
        "at_risk_at_end": 0,
    }
    assert msgspec.structs.asdict(stats.ip_by_kind["utility_model"]) == {
        "valid_at_end": 1,
        "filed": 0,
        "granted": 0,
        "at_risk_at_end": 0,
    }
    assert msgspec.structs.asdict(stats.ip_by_kind["plant_variety"]) == {
        "valid_at_end": 0,
        "filed": 0,
        "granted": 0,
        "at_risk_at_end": 0,
    }
    assert list(stats.ip_by_kind) == [
        "invention",
        "utility_model",
        "design",
        "software_copyright",
        "trademark",
        "ic_layout",
        "plant_variety",
    ]
    (line,) = stats.tenant_lines
    assert (line.ip_filed, line.ip_filed_invention, line.ip_granted, line.ip_granted_invention) == (3, 1, 1, 1)
    assert (line.ip_valid, line.ip_valid_invention, line.ip_valid_software) == (3, 1, 0)
    assert (line.ip_valid_plant, line.ip_valid_ic) == (0, 0)
    day_before = await park_stats(SYSTEM, Y2016, as_of=date(2016, 12, 30))
    assert day_before.ip.valid_at_end == 4  # the 2006 utility model is still in force that day


async def test_by_industry_lists_every_group_in_order(empty_registry):
    a = await make_tenant(industry="rail_aviation")
    b = await make_tenant(industry="rail_aviation")
    c = await make_tenant(industry="new_energy")
    await report(a["uscc"], "2016", "1.00")
    await report(c["uscc"], "2016", "2.00")
    await ip(b["uscc"], "invention", make_patent_number(2016, 1, 2), filed="2016-01-05", granted="2016-08-01")

    stats = await park_stats(SYSTEM, Y2016)

    assert [line.industry for line in stats.by_industry] == [
        "automotive_nev",
        "rail_aviation",
        "electronic_info",
        "new_materials",
        "new_energy",
        "modern_services",
        "other",
    ]
    rail = stats.by_industry[1]
    assert (rail.tenants_at_end, rail.reported, rail.figures["revenue"], rail.ip_valid) == (2, 1, 100, 1)
    assert stats.by_industry[4].figures["revenue"] == 200
    assert stats.by_industry[0].tenants_at_end == 0 and stats.by_industry[0].figures["revenue"] is None


async def test_targets_count_national_platforms_and_certified_share(empty_registry):
    await make_tenant(platform_level="national", hte_certificate_no="GR201643000001")
    await make_tenant(platform_level="municipal", hte_certificate_no="GR201643000002")
    await make_tenant(platform_level="none", hte_certificate_no="GR201643000003")
    await make_tenant(platform_level="national")

    targets = (await park_stats(SYSTEM, Y2016)).targets

    assert (targets.national_platforms, targets.certified, targets.certified_with_platform) == (2, 3, 2)
    assert targets.certified_platform_share == Decimal("0.6667")


async def test_sub_periods_of_a_year_total_what_was_reported(empty_registry):
    halves, quarters = await make_tenant(), await make_tenant()
    await report(halves["uscc"], "2016H1", "100.00")
    await report(halves["uscc"], "2016H2", "200.00")
    for q in (1, 2, 3, 4):
        await report(quarters["uscc"], f"2016Q{q}", f"{q}.00")

    sub = (await park_stats(SYSTEM, Y2016)).sub_periods

    assert list(sub) == ["2016H1", "2016Q1", "2016Q2", "2016H2", "2016Q3", "2016Q4"]
    assert sub["2016H1"].figures["revenue"] == 10_000 + 300
    assert sub["2016H2"].figures["revenue"] == 20_000 + 700
    assert sub["2016Q3"].figures["revenue"] == 300
    assert (sub["2016Q3"].reported, sub["2016Q3"].tenants_at_end) == (1, 2)


async def test_each_part_of_a_year_covers_the_tenants_on_record_at_its_own_end(empty_registry):
    """A tenant that left in August counts in the first half (as /stats/2016H1 says), not in the year."""
    stays = await make_tenant(moved_in_on="2015-01-01")
    leaves = await make_tenant(moved_in_on="2015-01-01", moved_out_on="2016-08-15", status="left")
    late = await make_tenant(moved_in_on="2016-09-01")
    await report(stays["uscc"], "2016H1", "100.00")
    await report(stays["uscc"], "2016H2", "200.00")
    await report(leaves["uscc"], "2016H1", "50.00")
    await report(late["uscc"], "2016H2", "7.00")

    year = await park_stats(SYSTEM, Y2016)
    for name, part in year.sub_periods.items():
        alone = await park_stats(SYSTEM, Period.parse(name))
        assert dict(part.figures) == {k: v.value for k, v in alone.figures.items()}, name
        assert (part.tenants_at_end, part.reported) == (alone.tenants.at_end, alone.reported), name
    assert year.sub_periods["2016H1"].figures["revenue"] == 15_000
    assert year.sub_periods["2016H1"].tenants_at_end == 2
    assert year.sub_periods["2016H2"].figures["revenue"] == 20_700
    assert year.figures["revenue"].value == 30_000  # `late` sent H2 only: the year is not reported


async def test_a_running_year_as_of_a_day_shows_only_the_parts_begun_by_then(empty_registry):
    tenant = await make_tenant(moved_in_on="2015-01-01")
    await report(tenant["uscc"], "2017Q1", "1.00")

    census = await park_stats(SYSTEM, Period.parse("2017"), as_of=date(2017, 5, 10))

    assert list(census.sub_periods) == ["2017H1", "2017Q1", "2017Q2"]
    assert census.sub_periods["2017Q1"].as_of == date(2017, 3, 31)
    assert census.sub_periods["2017Q2"].as_of == date(2017, 5, 10)


async def test_certificates_and_platform_levels_count_as_they_were_at_the_periods_end(empty_registry):
    await make_tenant(hte_certificate_no="GR201443000001", hte_certified_on="2014-10-01")  # ran out 2017-09-30
    await make_tenant(
        hte_certificate_no="GR201643000002", hte_certified_on="2016-12-06",
        platform_level="national", platform_level_since="2017-03-01",
    )  # fmt: skip
    await make_tenant(hte_certificate_no="GR201643000003", platform_level="municipal")  # undated: always

    assert_targets = [
        ("2016H1", 2, 0, 1),  # 2014 certificate and the undated one; the national level not reached yet
        ("2016", 3, 0, 1),
        ("2017H1", 3, 1, 2),
        ("2017", 2, 1, 2),  # the 2014 certificate ran out on 2017-09-30
    ]
    for period, certified, national, with_platform in assert_targets:
        targets = (await park_stats(SYSTEM, Period.parse(period))).targets
        assert (targets.certified, targets.national_platforms, targets.certified_with_platform) == (
            certified, national, with_platform,
        ), period  # fmt: skip
    lines = (await park_stats(SYSTEM, Period.parse("2016"))).tenant_lines
    assert sorted((line.certified, line.platform_level) for line in lines) == [
        (True, "municipal"), (True, "none"), (True, "none"),
    ]  # fmt: skip


async def test_json_speaks_yuan_strings_and_never_floats(empty_registry):
    tenant = await make_tenant(moved_in_on="2015-01-01", founded_on="2014-05-04")
    await report(tenant["uscc"], "2015", "3000000000.00")
    await report(tenant["uscc"], "2016", "3600000000.00", employees=109)

    stats = await park_stats(SYSTEM, Y2016)
    assert type(stats.figures["revenue"].value) is Fen and stats.figures["revenue"].value == 360_000_000_000
    body = msgspec.to_builtins(stats, enc_hook=encode_hook)

    assert body["figures"]["revenue"] == {
        "value": "3600000000.00",
        "previous": "3000000000.00",
        "growth": "0.2000",
        "like_for_like": {"value": "3600000000.00", "previous": "3000000000.00", "growth": "0.2000", "tenants": 1},
    }
    assert body["figures"]["employees"] == {
        "value": 109,
        "previous": None,
        "growth": None,
        "like_for_like": {"value": None, "previous": None, "growth": None, "tenants": 0},
    }
    assert body["end"] == "2016-12-31" and body["previous"] == "2015"
    line = body["tenant_lines"][0]
    assert line["founded_on"] == "2014-05-04" and line["figures"]["revenue"] == "3600000000.00"
    assert body["targets"]["certified_platform_share"] is None
    assert body["targets"]["certified_platform_share_target"] == "0.60"

    def walk(value):
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            assert value is None or isinstance(value, str | int)

    walk(body)


def test_a_tenant_line_carries_the_torch_forms_ip_columns_in_its_order():
    names = [f.name for f in msgspec.structs.fields(TenantLine)]
    assert [name for name in names if name.startswith("ip_")] == list(IP_KEYS)


async def test_statistics_are_computed_once_per_change_and_a_read_after_a_write_is_never_stale(monkeypatch):
    """park_stats keeps a period's statistics while the database's data version stays, and computes them
    again after any audited write (registry.read_cache.VersionedCache)."""
    from registry import stats as stats_module

    computed: list[str] = []
    real = stats_module.compute_park_stats

    async def counting(period, as_of=None):
        computed.append(str(period))
        return await real(period, as_of)

    monkeypatch.setattr(stats_module, "compute_park_stats", counting)
    period = Period.parse("2003")
    owner = await make_tenant(moved_in_on="2003-01-01")
    first = await stats_module.park_stats(SYSTEM, period)
    again = await stats_module.park_stats(SYSTEM, period)
    assert again is first and computed == ["2003"]
    await reports.put_report(SYSTEM, owner["uscc"], "2003", {"revenue": "123.45"})
    after = await stats_module.park_stats(SYSTEM, period)
    assert computed == ["2003", "2003"]
    assert after.figures["revenue"].value == (first.figures["revenue"].value or 0) + 12_345


async def test_requests_that_miss_the_statistics_together_wait_for_one_computation(monkeypatch):
    import asyncio

    from registry import stats as stats_module

    computed: list[str] = []
    real = stats_module.compute_park_stats

    async def slow(period, as_of=None):
        computed.append(str(period))
        await asyncio.sleep(0.05)
        return await real(period, as_of)

    monkeypatch.setattr(stats_module, "compute_park_stats", slow)
    owner = await make_tenant(moved_in_on="2004-01-01")
    await reports.put_report(SYSTEM, owner["uscc"], "2004", {"revenue": "1.00"})
    answers = await asyncio.gather(*(stats_module.park_stats(SYSTEM, Period.parse("2004")) for _ in range(20)))
    assert computed == ["2004"] and all(answer is answers[0] for answer in answers)


async def test_the_statistics_answer_those_who_read_the_park_and_no_tenant(empty_registry):
    tenant = await make_tenant()
    await report(tenant["uscc"], "2016", "1.00")
    office = Actor(username="office", role="statistician")
    assert (await park_stats(office, Y2016)).reported == 1
    assert await reported_periods(office) == [Y2016]
    own = Actor(username="t", role="tenant", tenant_uscc=tenant["uscc"])
    with pytest.raises(Forbidden):
        await park_stats(own, Y2016)
    with pytest.raises(Forbidden):
        await reported_periods(own)
