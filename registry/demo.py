"""The demo park: 动力谷自主创新园 with synthetic tenants that reproduce its published figures.

Every tenant is obviously made up (示例企业001 (synthetic), example.com addresses, USCCs whose
organisation code reads PARK…), yet the registry's statistics of them come out exactly as the
park reported them (SPEC §6):

- 109 tenants on record on 2017-10-31, moved in from October 2015 on, over the six industry
  groups in the mix of the park's 2017 signings; three more moved out before that day;
- 8,066 IP items valid on 2017-10-31 (74.0 per tenant), plus pending and lapsed ones that are not;
- tenant revenue of 3,600,000,000.00 yuan for 2016 and 7,800,000,000.00 yuan for 2017H1, some
  tenants reporting a year as two halves or four quarters, and a few leaving a period incomplete;
- the Torch form's fields: founder type, tech-SME registration, listing and the date each R&D
  platform level was reached; in every report total income, staff with college education and
  returned from abroad, financing and grants. They are drawn from a second seeded generator after
  everything else, so the published figures above come out exactly as before.

Everything is written through the registry services, as the `demo` actor, in one transaction.
The generator draws from a seeded Mersenne Twister and only through `random()`, whose sequence
Python keeps stable, so every run builds the same park.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from registry.actor import Actor
from registry.db import write_transaction
from registry.demo_fees import demo_fees
from registry.ip_deadlines import PATENT_KINDS
from registry.ip_numbers import PATENT_TYPE_DIGITS, make_patent_number
from registry.money import format_yuan
from registry.services import deadlines, ip_items, reminders, reports, returns, round_close, rounds, tenants
from registry.services.listing import Page
from registry.tables import AuditEntry, PeriodReport, Reminder, ReportRound, Tenant
from registry.uscc import make_demo_uscc
from registry.vocabulary import COUNT_KEYS, HEADCOUNT_KEYS

DEMO_ACTOR = Actor(username="demo", role="admin", source="demo")
PARK_NAME = "动力谷自主创新园"
CENSUS_DAY = date(2017, 10, 31)
ON_RECORD = 109
VALID_IP = 8_066
REVENUE_FEN = {"2016": 3_600_000_000_00, "2017H1": 7_800_000_000_00}

_SEED = 20171031
_OPENED = date(2015, 10, 8)
_FEN_PER_THOUSAND_YUAN = 100_000
# The 2017 signings (rail 11, automotive 11, electronic 16, materials + energy 13, services 21)
# scaled to 109 tenants.
_INDUSTRY_MIX = (
    ("rail_aviation", 17),
    ("automotive_nev", 17),
    ("electronic_info", 24),
    ("new_materials", 10),
    ("new_energy", 10),
    ("modern_services", 31),
)
# Tenants that came and went before the census day: (moved in, moved out, status, graduated on).
# The first graduated at the end of 2016 and stayed half a year more: 2016 counts it as graduated
# (still on record), 2017 as gone.
_DEPARTED = (
    (date(2015, 10, 20), date(2017, 6, 30), "graduated", date(2016, 12, 20)),
    (date(2015, 11, 16), date(2016, 9, 30), "left", None),
    (date(2016, 3, 1), date(2017, 9, 15), "graduated", date(2017, 9, 15)),
)
# Share of each industry's valid IP by kind, in parts per thousand. Plant varieties and IC layouts
# come from a few tenants only (see _SPECIAL_KINDS).
_IP_MIX = {
    "rail_aviation": {"utility_model": 520, "invention": 260, "design": 90, "software_copyright": 120, "trademark": 10},
    "automotive_nev": {
        "utility_model": 530,
        "invention": 220,
        "design": 140,
        "software_copyright": 100,
        "trademark": 10,
    },
    "electronic_info": {
        "utility_model": 300,
        "invention": 200,
        "design": 60,
        "software_copyright": 420,
        "trademark": 20,
    },
    "new_materials": {"utility_model": 520, "invention": 360, "design": 50, "software_copyright": 50, "trademark": 20},
    "new_energy": {"utility_model": 500, "invention": 300, "design": 80, "software_copyright": 100, "trademark": 20},
    "modern_services": {
        "utility_model": 150,
        "invention": 60,
        "design": 150,
        "software_copyright": 560,
        "trademark": 80,
    },
}
_SPECIAL_KINDS = {"ic_layout": ("electronic_info", 3, 18), "plant_variety": ("new_materials", 2, 6)}
_HEADCOUNTS = ("employees", "rd_staff")
_COUNTS = COUNT_KEYS
# Founder types in the mix of the national Torch survey's incubated companies (most founded by
# scientists and graduates), in parts per hundred.
_FOUNDERS = (("scientist", 38), ("graduate", 24), ("serial", 16), ("returnee", 9), ("other", 13))
_KIND_TITLE = {
    "invention": "一种示例{n}装置及其控制方法",
    "utility_model": "一种示例{n}结构",
    "design": "示例{n}外观",
    "software_copyright": "示例{n}管理软件V1.0",
    "trademark": "示例商标{n}",
    "ic_layout": "示例{n}控制芯片布图",
    "plant_variety": "示例{n}号",
}


@dataclass(frozen=True)
class DemoSummary:
    tenants: int
    ip_items: int
    reports: int
    already_present: int
    fees: int = 0  # paid annual fee years recorded
    round_entries: int = 0  # audit entries of the report rounds (opened, returns moved)

    @property
    def changed(self) -> bool:
        return bool(self.tenants or self.ip_items or self.reports or self.round_entries)

    def describe(self) -> str:
        if not self.changed:
            return (
                f"示范园区已载入，未作改动 / the demo park is already loaded: nothing changed "
                f"({self.already_present} demo tenants present)"
            )
        return (
            f"已载入{PARK_NAME}：企业 {self.tenants} 家，知识产权 {self.ip_items} 项，经营数据 {self.reports} 份，"
            f"年费记录 {self.fees} 条 / loaded the demo park: {self.tenants} tenants, {self.ip_items} IP items, "
            f"{self.reports} reports, {self.fees} paid annual fees"
        )


@dataclass
class _Plan:
    """One synthetic tenant and everything it holds."""

    serial: int
    record: dict[str, Any]
    weight: float
    ip: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    revenue: dict[str, int] = field(default_factory=dict)

    @property
    def uscc(self) -> str:
        return self.record["uscc"]

    def on_record(self, day: date) -> bool:
        moved_out = self.record.get("moved_out_on")
        return self.record["moved_in_on"] <= day and (moved_out is None or moved_out > day)


class _Dice:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def fraction(self) -> float:
        return self._random.random()

    def below(self, n: int) -> int:
        return min(int(self._random.random() * n), n - 1)

    def between(self, low: int, high: int) -> int:
        return low + self.below(high - low + 1)

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.below((last - first).days + 1))


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` shared in proportion to `weights`, in whole units, summing to it exactly."""
    if total < 0:
        return [-part for part in _split(-total, weights)]
    scaled = [max(1, round(w * 1_000_000)) for w in weights]
    whole = sum(scaled)
    parts = [total * w // whole for w in scaled]
    # The units left over go to the largest remainders (ties: the earlier share).
    by_remainder = sorted(range(len(scaled)), key=lambda i: (-(total * scaled[i] % whole), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- Planning ---------------------------------------------------------------------------------


def _plan_tenants(dice: _Dice) -> list[_Plan]:
    industries = [code for code, count in _INDUSTRY_MIX for _ in range(count)]
    # Interleave the groups so every stretch of move-in dates has a mix of them.
    order = sorted(range(ON_RECORD), key=lambda i: (dice.fraction(), i))
    span = (CENSUS_DAY - timedelta(days=3) - _OPENED).days
    plans = []
    for rank, slot in enumerate(order):
        moved_in = _OPENED + timedelta(days=round(rank * span / (ON_RECORD - 1)))
        plans.append(_tenant_plan(dice, slot + 1, industries[slot], moved_in, None, "incubating"))
    for offset, (moved_in, moved_out, status, graduated) in enumerate(_DEPARTED, start=ON_RECORD + 1):
        plans.append(_tenant_plan(dice, offset, _INDUSTRY_MIX[offset % 6][0], moved_in, moved_out, status))
        plans[-1].record["graduated_on"] = graduated
    return sorted(plans, key=lambda p: p.serial)


def _tenant_plan(dice: _Dice, n: int, industry: str, moved_in: date, moved_out: date | None, status: str) -> _Plan:
    size = 0.2 + dice.fraction()
    weight = size * size * size  # a few large tenants, many small ones
    age_years = 2 + int(weight * 10) + dice.below(4)
    founded = dice.day_between(moved_in - timedelta(days=365 * age_years), moved_in - timedelta(days=30))
    certified = weight > 0.3 or dice.fraction() < 0.25
    # About two in three certified tenants run an R&D platform, larger ones more often.
    rank = dice.fraction() * 0.9 + min(weight, 1.0) * 0.15 if certified else 0.0
    level = "none" if rank < 0.36 else "municipal" if rank < 0.68 else "provincial" if rank < 0.88 else "national"
    record = {
        "uscc": make_demo_uscc(n),
        "name": f"示例企业{n:03d} (synthetic)",
        "name_en": f"Demo Tenant {n:03d}",
        "industry": industry,
        "founded_on": founded,
        "moved_in_on": moved_in,
        "moved_out_on": moved_out,
        "status": status,
        "hte_certificate_no": f"GR2016430{n:05d}" if certified else None,
        "hte_certified_on": date(2016, 12, 6) if certified else None,
        "platform_level": level,
        "contact_name": f"示例联系人{n:03d}",
        "contact_phone": f"0731-0000{n:04d}",
        "contact_email": f"demo{n:03d}@example.com",
        "website": f"https://demo{n:03d}.example.com",
        "description": f"{PARK_NAME}示范数据，虚构企业 / synthetic demo tenant, not a real company",
    }
    return _Plan(serial=n, record=record, weight=weight)


# IP ---------------------------------------------------------------------------------------------


class _Numbers:
    """Distinct, checked official numbers for every kind."""

    def __init__(self) -> None:
        self._next = 0

    def take(self, kind: str, year: int) -> str:
        self._next += 1
        n = self._next
        if kind in PATENT_TYPE_DIGITS:
            return make_patent_number(year, int(PATENT_TYPE_DIGITS[kind][0]), 600_000 + n)
        if kind == "software_copyright":
            return f"{year}SR{100_000 + n:06d}"
        if kind == "trademark":
            return f"{20_000_000 + n}"
        if kind == "ic_layout":
            return f"BS.{year % 100:02d}55{n:05d}"
        return f"CNA{year}{n:04d}.{n % 10}"


def _valid_item(dice: _Dice, kind: str, founded: date, numbers: _Numbers, n: int) -> dict[str, Any]:
    """An item granted and in force on the census day."""
    latest_grant = CENSUS_DAY - timedelta(days=1)
    earliest_filing = max(founded, date(2008, 1, 1))
    lag = {"invention": (540, 1100), "software_copyright": (30, 120), "trademark": (300, 500)}.get(kind, (120, 330))
    filed = dice.day_between(earliest_filing, max(earliest_filing, latest_grant - timedelta(days=lag[1])))
    granted = min(latest_grant, filed + timedelta(days=dice.between(*lag)))
    return _item(kind, numbers.take(kind, filed.year), n, filed, granted, "valid")


def _item(kind: str, number: str, n: int, filed: date | None, granted: date | None, status: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "number": number,
        "title": _KIND_TITLE[kind].format(n=f"{n:05d}") + " (synthetic)",
        "filed_on": filed,
        "granted_on": granted,
        "status": status,
    }


def _plan_ip(dice: _Dice, plans: list[_Plan]) -> None:
    held = [p for p in plans if p.on_record(CENSUS_DAY)]
    counts = _split(VALID_IP, [p.weight + 0.05 for p in held])
    numbers = _Numbers()
    n = 0
    for kind, (industry, holders, items) in _SPECIAL_KINDS.items():
        in_industry = sorted((p for p in held if p.record["industry"] == industry), key=lambda p: -p.weight)
        for plan in in_industry[:holders]:
            for _ in range(items):
                n += 1
                plan.ip.append(_valid_item(dice, kind, plan.record["founded_on"], numbers, n))
    for plan, count in zip(held, counts, strict=True):
        mix = _IP_MIX[plan.record["industry"]]
        kinds = list(mix)
        for kind, how_many in zip(kinds, _split(count - len(plan.ip), [mix[k] for k in kinds]), strict=True):
            for _ in range(how_many):
                n += 1
                plan.ip.append(_valid_item(dice, kind, plan.record["founded_on"], numbers, n))
    # Not in force on the census day: applications still pending and patents let lapse.
    for plan in plans:
        for _ in range(1 + int(plan.weight * 6)):
            n += 1
            filed = dice.day_between(date(2017, 1, 1), CENSUS_DAY - timedelta(days=1))
            kind = ("invention", "utility_model", "software_copyright")[dice.below(3)]
            plan.ip.append(_item(kind, numbers.take(kind, filed.year), n, filed, None, "pending"))
        if plan.weight > 0.4 or not plan.on_record(CENSUS_DAY):
            n += 1
            filed = dice.day_between(date(2009, 1, 1), date(2012, 12, 31))
            granted = filed + timedelta(days=200)
            plan.ip.append(
                _item("utility_model", numbers.take("utility_model", filed.year), n, filed, granted, "lapsed")
            )


# Reports ----------------------------------------------------------------------------------------


def _figures(dice: _Dice, revenue: int) -> dict[str, int]:
    """The other figures of a report, in whole yuan, plausible for its revenue."""
    yuan = 100
    margin = dice.fraction() * 0.2 - 0.04
    exporting = dice.fraction() < 0.3
    employees = 15 + revenue // (yuan * 900_000) + dice.below(20)
    return {
        "revenue": revenue,
        "net_profit": round(revenue * margin / yuan) * yuan,
        "exports": round(revenue * (0.05 + dice.fraction() * 0.3) / yuan) * yuan if exporting else 0,
        "rd_expense": round(revenue * (0.03 + dice.fraction() * 0.07) / yuan) * yuan,
        "tax_paid": round(revenue * (0.03 + dice.fraction() * 0.04) / yuan) * yuan,
        "employees": employees,
        "rd_staff": employees * (15 + dice.below(25)) // 100,
        "new_graduates": dice.below(1 + employees // 10),
    }


def _parts(whole: dict[str, int], weights: list[float]) -> list[dict[str, int]]:
    """Shorter periods that add up to `whole`; headcounts are stocks and stay as they are."""
    shares: dict[str, list[int]] = {}
    for key, value in whole.items():
        if key in _HEADCOUNTS:
            shares[key] = [value] * len(weights)
        elif key == "new_graduates":
            shares[key] = _split(value, weights)
        else:  # whole yuan, in fen
            shares[key] = [part * 100 for part in _split(value // 100, weights)]
    return [{key: parts[i] for key, parts in shares.items()} for i in range(len(weights))]


def _plan_year(dice: _Dice, plans: list[_Plan], period: str, year_end: date, total: int) -> None:
    """Reports of `period` (2016 or 2017H1) adding up to `total` over the tenants on record at its end."""
    reporting = [p for p in plans if p.on_record(year_end)]
    # Two newcomers leave the period incomplete: they count as not reported.
    incomplete = {p.serial for p in sorted(reporting, key=lambda p: p.record["moved_in_on"])[-2:]}
    complete = [p for p in reporting if p.serial not in incomplete]
    amounts = _split(total // _FEN_PER_THOUSAND_YUAN, [p.weight for p in complete])
    year = int(period[:4])
    for plan, amount in zip(complete, amounts, strict=True):
        plan.revenue[period] = amount * _FEN_PER_THOUSAND_YUAN
        _report_period(dice, plan, period, year, _figures(dice, plan.revenue[period]))
    for plan in reporting:
        if plan.serial in incomplete:
            plan.reports[f"{year}Q1"] = _figures(dice, dice.between(100, 5_000) * _FEN_PER_THOUSAND_YUAN)


def _report_period(dice: _Dice, plan: _Plan, period: str, year: int, whole: dict[str, int]) -> None:
    style = plan.serial % 5
    first_share = 0.42 + dice.fraction() * 0.1
    if period == str(year):
        halves = _parts(whole, [first_share, 1 - first_share])
        if style == 0:  # two halves
            plan.reports[f"{year}H1"], plan.reports[f"{year}H2"] = halves
        elif style == 1:  # four quarters
            for q, part in enumerate(_parts(whole, [0.2, first_share - 0.2, 0.3, 0.7 - first_share]), start=1):
                plan.reports[f"{year}Q{q}"] = part
        else:  # the annual report, with its first half for the half-year statistics
            plan.reports[str(year)] = whole
            plan.reports[f"{year}H1"] = halves[0]
    elif style == 1:  # a half as two quarters
        for q, part in enumerate(_parts(whole, [0.45, 0.55]), start=1):
            plan.reports[f"{year}Q{q}"] = part
    else:
        plan.reports[period] = whole


def _plan_reports(dice: _Dice, plans: list[_Plan]) -> None:
    _plan_year(dice, plans, "2016", date(2016, 12, 31), REVENUE_FEN["2016"])
    _plan_year(dice, plans, "2017H1", date(2017, 6, 30), REVENUE_FEN["2017H1"])
    for plan in plans:
        if plan.on_record(date(2015, 12, 31)):
            # The year before: smaller, as the park's companies were growing.
            thousands = plan.revenue.get("2016", 0) // _FEN_PER_THOUSAND_YUAN or int(plan.weight * 50_000) + 500
            plan.reports["2015"] = _figures(
                dice, int(thousands * (0.55 + dice.fraction() * 0.3)) * _FEN_PER_THOUSAND_YUAN
            )
        # Tenants reporting by quarter have already sent in the third.
        if plan.serial % 5 == 1 and "2017H1" in plan.revenue and plan.on_record(date(2017, 9, 30)):
            plan.reports["2017Q3"] = _figures(dice, plan.reports["2017Q2"]["revenue"])


def _plan_torch(dice: _Dice, plans: list[_Plan]) -> None:
    """The Torch form's fields, over what is already planned: nothing planned before changes."""
    by_size = sorted(plans, key=lambda p: -p.weight)
    listing = {by_size[0].serial: "listed", by_size[1].serial: "neeq", by_size[2].serial: "neeq"}
    for plan in plans:
        record = plan.record
        roll, founder = dice.below(100), "other"
        for code, share in _FOUNDERS:
            if roll < share:
                founder = code
                break
            roll -= share
        record["founder_type"] = founder
        record["tech_sme_no"] = f"2017430211{plan.serial:08d}" if dice.fraction() < 0.6 else None
        record["listing"] = listing.get(plan.serial, "none")
        if record["platform_level"] != "none":
            earliest = max(record["founded_on"], date(2014, 1, 1))
            record["platform_level_since"] = dice.day_between(earliest, date(2017, 9, 30))
        other_income = 0.02 + dice.fraction() * 0.06
        college = 0.55 + dice.fraction() * 0.35
        returnees = dice.below(4)
        financed = dice.fraction() < 0.2
        for figures in plan.reports.values():
            revenue_yuan = figures["revenue"] // 100
            figures["total_income"] = (revenue_yuan + round(revenue_yuan * other_income)) * 100
            figures["college_staff"] = round(figures["employees"] * college)
            figures["returnee_staff"] = min(returnees, figures["college_staff"])
            figures["financing"] = round(revenue_yuan * dice.fraction() * 0.4) * 100 if financed else 0
            figures["grants"] = round(revenue_yuan * dice.fraction() * 0.01) * 100


def _plan_park() -> list[_Plan]:
    dice = _Dice(_SEED)
    plans = _plan_tenants(dice)
    _plan_ip(dice, plans)
    _plan_reports(dice, plans)
    _plan_torch(_Dice(_SEED + 1), plans)
    return plans


# --- Loading ----------------------------------------------------------------------------------


def _report_body(figures: dict[str, int]) -> dict[str, Any]:
    return {key: value if key in _COUNTS else format_yuan(value) for key, value in figures.items()}


# Report rounds (SPEC §6, §9) ---------------------------------------------------------------------

ROUND_2016 = {
    "period": "2016",
    "title": "2016年度火炬统计调查",
    "opens_on": date(2017, 1, 1),
    "deadline": date(2017, 1, 20),
}
ROUND_2017Q3 = {
    "period": "2017Q3",
    "title": "2017年第三季度园区经济运行监测",
    "opens_on": date(2017, 10, 1),
    "deadline": date(2017, 10, 20),
}
# Every warning a demo submission may raise, explained as a tenant would.
_EXPLANATIONS = {
    "change_vs_last_year": "业务规模扩大，新签合同增加（示例说明）/ business grew on new contracts (synthetic)",
    "unit_slip": "金额单位无误（示例说明）/ the unit is right (synthetic)",
    "revenue_without_employees": "人员由母公司派驻（示例说明）/ staff seconded by the parent (synthetic)",
}


def _tenant_actor(uscc: str) -> Actor:
    """The tenant filing its own return, as the demo writes it."""
    return Actor(username=DEMO_ACTOR.username, role="tenant", tenant_uscc=uscc, source="demo")


def _year_figures(plan: _Plan, year: int) -> dict[str, int] | None:
    """The tenant's figures for `year` as the statistics compose them: its annual report, else its
    halves or quarters (money and graduates added up, head counts the last part's); None if incomplete."""
    if str(year) in plan.reports:
        return dict(plan.reports[str(year)])
    for parts in ([f"{year}H1", f"{year}H2"], [f"{year}Q{q}" for q in (1, 2, 3, 4)]):
        if all(p in plan.reports for p in parts):
            last = plan.reports[parts[-1]]
            return {
                key: last[key] if key in HEADCOUNT_KEYS else sum(plan.reports[p][key] for p in parts) for key in last
            }
    return None


async def _file(
    uscc: str, round_id: int, figures: dict[str, int], submit: bool = True, actor: Actor | None = None
) -> None:
    filer = actor or _tenant_actor(uscc)
    await returns.save_return(filer, round_id, uscc, _report_body(figures))
    if submit:
        await returns.submit_return(filer, round_id, uscc, _EXPLANATIONS)


async def _round_2016(plans: list[_Plan]) -> int:
    """The 2016 annual round: every return accepted with the tenant's 2016 figures (so its dataset is the
    published 3.6 billion yuan); the two newcomers whose year is incomplete excused."""
    opened = await rounds.open_round(DEMO_ACTOR, ROUND_2016)
    by_uscc = {p.uscc: p for p in plans}
    for row in (await returns.list_returns(DEMO_ACTOR, opened.id, Page(limit=500)))["items"]:
        figures = _year_figures(by_uscc[row.uscc], 2016)
        if figures is None:
            await returns.excuse(
                DEMO_ACTOR,
                opened.id,
                row.uscc,
                "年末新入驻，本年度数据不完整（示例）/ moved in late in the year (synthetic)",
            )
            continue
        await _file(row.uscc, opened.id, figures)
        await returns.accept_return(DEMO_ACTOR, opened.id, row.uscc)
    return opened.id


async def close_demo_round(round_id: int) -> None:
    """The 2016 round closed: its submitted dataset frozen, the published 36亿 (SPEC §6)."""
    await round_close.close_round(DEMO_ACTOR, round_id)


def _quarter_figures(plan: _Plan) -> dict[str, int]:
    """A tenant's 2017Q3 figures: its quarterly report if it sent one, else about half its first half."""
    if "2017Q3" in plan.reports:
        return dict(plan.reports["2017Q3"])
    half = plan.reports.get("2017H1") or plan.reports["2017Q2"]
    return {key: value if key in HEADCOUNT_KEYS else value // 200 * 100 for key, value in half.items()}


async def _round_2017q3(plans: list[_Plan]) -> None:
    """The 2017Q3 round in progress, with returns in every state: accepted, submitted (one filled on the
    tenant's behalf, 代填), returned with reasons, saved as drafts, excused and not started."""
    opened = await rounds.open_round(DEMO_ACTOR, ROUND_2017Q3)
    by_uscc = {p.uscc: p for p in plans}
    asked = [row.uscc for row in (await returns.list_returns(DEMO_ACTOR, opened.id, Page(limit=500)))["items"]]
    asked.sort(key=lambda uscc: by_uscc[uscc].serial)
    quarterly = [u for u in asked if "2017Q3" in by_uscc[u].reports]
    others = [u for u in asked if u not in quarterly and {"2017H1", "2017Q2"} & by_uscc[u].reports.keys()]
    for n, uscc in enumerate(quarterly):
        await _file(uscc, opened.id, _quarter_figures(by_uscc[uscc]))
        if n < 8:
            await returns.accept_return(DEMO_ACTOR, opened.id, uscc)
        elif n < 10:
            await returns.send_back(
                DEMO_ACTOR,
                opened.id,
                uscc,
                "请核对营业收入与上季度的差异（示例）/ please check revenue against last quarter (synthetic)",
                {"revenue": "注意单位千元（示例）/ mind the unit: thousand yuan (synthetic)"},
            )
    for n, uscc in enumerate(others[:12]):
        figures = _quarter_figures(by_uscc[uscc])
        if n < 6:
            await _file(uscc, opened.id, figures, submit=False)  # saved, not yet handed in
        elif n < 8:
            await _file(uscc, opened.id, figures, actor=DEMO_ACTOR)  # 代填: filled by the office
        elif n < 10:
            await returns.excuse(
                DEMO_ACTOR, opened.id, uscc, "停产整顿，本季度免报（示例）/ production halted this quarter (synthetic)"
            )
        # the rest: not started


async def _load_rounds(plans: list[_Plan]) -> tuple[int, int]:
    """The demo's report rounds, unless there already are: (audit entries of the rounds and returns,
    period reports the submissions created — the 2016 annual report of a tenant that reported halves or
    quarters, the 2017Q3 report of one that had not sent it)."""
    if await ReportRound.exists().where(ReportRound.period.is_in([ROUND_2016["period"], ROUND_2017Q3["period"]])).run():
        return 0, 0
    moves = AuditEntry.count().where(AuditEntry.entity.is_in(["round", "return"]))
    entries, reports_before = await moves.run(), await PeriodReport.count().run()
    await close_demo_round(await _round_2016(plans))
    await _round_2017q3(plans)
    return await moves.run() - entries, await PeriodReport.count().run() - reports_before


async def _remind_2017q3() -> int:
    """The office reminds the 2017Q3 round's tenants not handed in yet (SPEC §6: reminders sent), once:
    after the demo's own write, so a mail server (PARK_SMTP_URL) is written to outside it. The reminders'
    audit entries."""
    q3 = await ReportRound.select(ReportRound.id).where(ReportRound.period == ROUND_2017Q3["period"]).first().run()
    if q3 is None or await Reminder.exists().where(Reminder.round == q3["id"]).run():
        return 0
    done = await reminders.remind(DEMO_ACTOR, q3["id"])
    return len(done.uscc)


async def load_demo() -> DemoSummary:
    """Create the demo park; tenants already present (by USCC) are left as they are."""
    plans = _plan_park()
    async with write_transaction():
        present = {
            row["uscc"]
            for row in await Tenant.select(Tenant.uscc).where(Tenant.uscc.is_in([p.uscc for p in plans])).run()
        }
        created_ip = created_reports = 0
        fresh = [p for p in plans if p.uscc not in present]
        patents = []
        for plan in fresh:
            await tenants.create_tenant(DEMO_ACTOR, plan.record)
            for item in plan.ip:
                row = await ip_items.create_ip(DEMO_ACTOR, plan.uscc, item)
                if row["kind"] in PATENT_KINDS and row["status"] == "valid":
                    patents.append(row)
            for period, figures in plan.reports.items():
                await reports.put_report(DEMO_ACTOR, plan.uscc, period, _report_body(figures))
            created_ip += len(plan.ip)
            created_reports += len(plan.reports)
        fees = await deadlines.write_fees(DEMO_ACTOR, demo_fees(patents, date.today()))
        round_entries, filed_reports = await _load_rounds(plans)
    round_entries += await _remind_2017q3()
    return DemoSummary(
        tenants=len(fresh),
        ip_items=created_ip,
        reports=created_reports + filed_reports,
        already_present=len(present),
        fees=fees.created,
        round_entries=round_entries,
    )


__all__ = ["CENSUS_DAY", "DEMO_ACTOR", "ON_RECORD", "REVENUE_FEN", "VALID_IP", "DemoSummary", "load_demo"]
