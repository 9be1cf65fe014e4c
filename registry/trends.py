"""Trends: the park's figures and a tenant's own over the years, computed where the data is.

A trend has one point per year anyone (the park) or the tenant reported for, the last ten of them. A year counts by its own figures when they can be composed from what was reported (an annual
report, both halves, or all four quarters: `Period.parts`, as the statistics compose them); a year
not yet reported in full — the one still running — counts by its latest half that can be composed,
else its latest quarter, and the point says which period it is. Each point's figures are those of
`park_stats` for that period (the same SQL: `registry.stats`): tenants on record at its end, the
figures of the tenants that reported it (with how many did), and the IP items valid at its end.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from msgspec import Struct

from registry.actor import Actor
from registry.answers import Industry
from registry.db import current, fetch, together
from registry.periods import Period
from registry.permissions import Action
from registry.services.tenants import tenant_id
from registry.stats import (
    _IP_VALID,
    _ON_RECORD,
    FIGURES,
    FigureValues,
    _Composition,
    _industry_figures,
    _int,
    figure_values,
)
from registry.vocabulary import INDUSTRY

TREND_POINTS = 10  # the last ten years: as many columns as a chart shows legibly


def composable(period: Period, reported: Collection[Period]) -> bool:
    """Whether `period`'s figures can be made from reports for `reported`: its own, or every part of one of
    its `parts()`, each composable in turn."""
    return period in reported or any(all(composable(p, reported) for p in parts) for parts in period.parts())


def trend_periods(reported: Collection[Period]) -> list[Period]:
    """One period per year from the first reported to the last: the year itself when composable, else its
    latest composable half, else its latest reported quarter (see the module's note); the last TREND_POINTS."""
    if not reported:
        return []
    years = range(min(p.year for p in reported), max(p.year for p in reported) + 1)
    chosen = []
    for year in years:
        candidates = [
            Period(year),
            *(Period(year, half=h) for h in (2, 1)),
            *(Period(year, quarter=q) for q in (4, 3, 2, 1)),
        ]
        found = next((p for p in candidates if composable(p, reported)), None)
        if found is not None:
            chosen.append(found)
    return chosen[-TREND_POINTS:]


class IndustryPoint(Struct, frozen=True):
    industry: Industry
    tenants: int
    reported: int
    revenue: int | None  # fen
    ip_valid: int


class ParkPoint(Struct, frozen=True):
    """The park in one period of its trend: the totals and each industry's share."""

    period: str
    end: date
    tenants: int
    reported: int
    figures: FigureValues  # type: ignore[valid-type]
    ip_valid: int
    by_industry: list[IndustryPoint]


class TenantPoint(Struct, frozen=True):
    """A tenant in one period of its trend; `figures` empty (None) where it did not report."""

    period: str
    end: date
    reported: bool
    figures: FigureValues  # type: ignore[valid-type]
    ip_valid: int


async def _ip_valid_by_industry(day: date) -> dict[str, int]:
    """industry -> IP items valid on the day held by tenants on record."""
    sql = f"""
        SELECT t.industry, COUNT(*) AS valid
        FROM ip_item AS i JOIN tenant AS t ON t.id = i.tenant
        WHERE {_ON_RECORD} AND {_IP_VALID}
        GROUP BY t.industry
    """
    return {row["industry"]: int(row["valid"]) for row in await fetch(sql, {"day": day})}


async def _park_point(period: Period) -> ParkPoint:
    industries, ip = await together(_industry_figures(period, period.end), _ip_valid_by_industry(period.end))
    totals: dict[str, Any] = {}
    for key in FIGURES:
        known = [line[key] for line in industries.values() if line[key] is not None]
        totals[key] = sum(known) if known else None
    return ParkPoint(
        period=str(period),
        end=period.end,
        tenants=sum(line["tenants"] for line in industries.values()),
        reported=sum(line["reported"] for line in industries.values()),
        figures=figure_values(totals),
        ip_valid=sum(ip.values()),
        by_industry=[
            IndustryPoint(
                industry=code,
                tenants=industries.get(code, {}).get("tenants") or 0,
                reported=industries.get(code, {}).get("reported") or 0,
                revenue=industries.get(code, {}).get("revenue"),
                ip_valid=ip.get(code, 0),
            )
            for code in INDUSTRY.codes
        ],
    )


async def _park_trend() -> list[ParkPoint]:
    rows = await fetch("SELECT DISTINCT period FROM period_report")
    periods = trend_periods({Period.parse(row["period"]) for row in rows})
    return list(await together(*(_park_point(period) for period in periods)))


async def park_trend(actor: Actor) -> list[ParkPoint]:
    """The park over the years (READ_PARK), kept while the records stay as they are (registry.read_cache),
    as `park_stats` is. The answer is shared: do not change it."""
    actor.require(Action.READ_PARK)
    return await current().statistics.get(("trend",), _park_trend)


async def tenant_trend(actor: Actor, uscc: str) -> list[TenantPoint]:
    """A tenant's own figures over the years: another tenant's is the same 404 as a missing one."""
    actor.require_read(uscc)
    owner = await tenant_id(uscc)
    rows = await fetch("SELECT period FROM period_report WHERE tenant = :owner", {"owner": owner})
    periods = trend_periods({Period.parse(row["period"]) for row in rows})
    if not periods:
        return []
    selects = []
    for n, period in enumerate(periods):
        composition = _Composition(period, f"x{n}_")
        values = ", ".join(f"{composition.value(period, f)} AS {f}" for f in FIGURES)
        ip = f"(SELECT COUNT(*) FROM ip_item AS i WHERE i.tenant = t.id AND {_IP_VALID.replace(':day', f':day{n}')})"
        selects.append(
            f"SELECT {n} AS n, {composition.reported(period)} AS reported, {values}, {ip} AS ip_valid "
            f"FROM tenant AS t {composition.joins()} WHERE t.id = :owner"
        )
    params: dict[str, Any] = {"owner": owner, **{f"day{n}": period.end for n, period in enumerate(periods)}}
    found = {row["n"]: row for row in await fetch(" UNION ALL ".join(selects), params)}
    points = []
    for n, period in enumerate(periods):
        row = found[n]
        reported = bool(row["reported"])
        points.append(
            TenantPoint(
                period=str(period),
                end=period.end,
                reported=reported,
                figures=figure_values({f: _int(row[f]) if reported else None for f in FIGURES}),
                ip_valid=int(row["ip_valid"]),
            )
        )
    return points


__all__ = ["IndustryPoint", "ParkPoint", "TenantPoint", "composable", "park_trend", "tenant_trend", "trend_periods"]
