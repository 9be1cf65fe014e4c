"""Park statistics for a period, computed where the data is: SQL aggregates on either engine.

One result object, `ParkStats`, feeds both the JSON endpoint and the yearly workbook, so the two
cannot disagree. Definitions (the workbook's Notes repeat them):

- A tenant is *on record* on a day when it moved in on or before it and has not moved out by it.
- A period's figure for a tenant is its own report; failing that, a complete decomposition as
  `registry.periods.compose` picks it (a year = H1 + H2, each itself a report or its two
  quarters; a half = its two quarters). Money and new graduates add up over the parts;
  headcounts are stocks and take the last part's value. Otherwise the tenant has not reported.
- An IP item is *valid* on a day when it was granted on or before it, its term has not run out
  (`expires_on` unknown or on/after the day) and its status is valid or expired; a lapsed,
  withdrawn or pending item is never counted, since the day it lapsed is not known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from registry.money import format_yuan
from registry.periods import Period
from registry.tables import Tenant
from registry.vocabulary import COUNT_KEYS, INDUSTRY, IP_KIND, MONEY_KEYS

FIGURES = (*MONEY_KEYS, *COUNT_KEYS)
# Head counts are taken at a period's end: a year made of two halves has H2's headcount.
_STOCKS = frozenset({"employees", "rd_staff"})
_PLATFORM_LEVELS = ("municipal", "provincial", "national")
NATIONAL_PLATFORM_TARGET = 40
PLATFORM_SHARE_TARGET = Decimal("0.60")
# Torch-form columns of valid IP held: column suffix -> kind.
_VALID_KIND_COLUMNS = {
    "invention": "invention",
    "software": "software_copyright",
    "plant": "plant_variety",
    "ic": "ic_layout",
}


# --- What the two engines answer differently, in one place -------------------------------------

# Grouping IP items on their owner as an expression, not the bare indexed column, keeps SQLite
# from walking the owner index and reading a million rows in random order: a plain scan and a
# sort is several times faster. PostgreSQL plans a hash aggregate either way.
_IP_OWNER = "CAST(i.tenant AS INTEGER)"


def _int(value: Any) -> int | None:
    """PostgreSQL's SUM over BIGINT answers NUMERIC (a Decimal, always whole); SQLite an int."""
    return None if value is None else int(value)


def _day(value: Any) -> date | None:
    """SQLite hands back a DATE column's text where it cannot see the declared type."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


_PARAM = re.compile(r":([a-z_]+)\b")


async def _rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run SQL written with :named parameters through Piccolo, which binds `{}` per engine."""
    args: list[Any] = []

    def bind(match: re.Match[str]) -> str:
        args.append(params[match[1]])
        return "{}"

    return await Tenant.raw(_PARAM.sub(bind, sql), *args).run()


# --- Result ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TenantCounts:
    at_end: int
    moved_in: int
    graduated: int
    left: int


@dataclass(frozen=True)
class Figure:
    value: int | None
    previous: int | None
    growth: Decimal | None


@dataclass(frozen=True)
class TenantRef:
    uscc: str
    name: str


@dataclass(frozen=True)
class IPCounts:
    valid_at_end: int
    filed: int
    granted: int


@dataclass(frozen=True)
class IndustryLine:
    industry: str
    tenants_at_end: int
    reported: int
    figures: dict[str, int | None]
    ip_valid: int


@dataclass(frozen=True)
class TenantLine:
    uscc: str
    name: str
    industry: str
    founded_on: date | None
    moved_in_on: date | None
    status: str
    graduated: bool
    certified: bool
    platform_level: str
    reported: bool
    figures: dict[str, int | None]
    ip_filed: int
    ip_filed_invention: int
    ip_granted: int
    ip_granted_invention: int
    ip_valid: int
    ip_valid_invention: int
    ip_valid_software: int
    ip_valid_plant: int
    ip_valid_ic: int


@dataclass(frozen=True)
class Targets:
    national_platforms: int
    certified: int
    certified_with_platform: int
    certified_platform_share: Decimal | None
    national_platforms_target: int = NATIONAL_PLATFORM_TARGET
    certified_platform_share_target: Decimal = PLATFORM_SHARE_TARGET


@dataclass(frozen=True)
class ParkStats:
    period: str
    start: date
    end: date
    as_of: date
    previous: str
    generated_at: datetime
    tenants: TenantCounts
    figures: dict[str, Figure]
    reported: int
    not_reported: list[TenantRef]
    ip: IPCounts
    ip_by_kind: dict[str, IPCounts]
    by_industry: list[IndustryLine]
    tenant_lines: list[TenantLine]
    sub_periods: dict[str, dict[str, int | None]]
    targets: Targets

    def to_json(self) -> dict[str, Any]:
        """Money as yuan strings, counts as ints, ratios as 4-place strings, dates ISO."""
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "previous": self.previous,
            "generated_at": self.generated_at.isoformat(),
            "tenants": vars(self.tenants).copy(),
            "figures": {
                key: {
                    "value": _figure_json(key, figure.value),
                    "previous": _figure_json(key, figure.previous),
                    "growth": _ratio_json(figure.growth),
                }
                for key, figure in self.figures.items()
            },
            "reported": self.reported,
            "not_reported": [vars(ref).copy() for ref in self.not_reported],
            "ip": vars(self.ip).copy(),
            "ip_by_kind": {kind: vars(counts).copy() for kind, counts in self.ip_by_kind.items()},
            "by_industry": [{**vars(line), "figures": _figures_json(line.figures)} for line in self.by_industry],
            "tenant_lines": [
                {
                    **vars(line),
                    "founded_on": _date_json(line.founded_on),
                    "moved_in_on": _date_json(line.moved_in_on),
                    "figures": _figures_json(line.figures),
                }
                for line in self.tenant_lines
            ],
            "sub_periods": {name: _figures_json(figures) for name, figures in self.sub_periods.items()},
            "targets": {
                **vars(self.targets),
                "certified_platform_share": _ratio_json(self.targets.certified_platform_share),
                "certified_platform_share_target": _ratio_json(self.targets.certified_platform_share_target),
            },
        }


def _figure_json(key: str, value: int | None) -> str | int | None:
    if value is None:
        return None
    return format_yuan(value) if key in MONEY_KEYS else value


def _figures_json(figures: dict[str, int | None]) -> dict[str, str | int | None]:
    return {key: _figure_json(key, value) for key, value in figures.items()}


def _ratio_json(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def ratio(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded half away from zero to 4 places, exactly (no floats)."""
    quotient, remainder = divmod(abs(numerator) * 10_000, abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    sign = "-" if quotient and (numerator < 0) != (denominator < 0) else ""
    return Decimal(f"{sign}{quotient // 10_000}.{quotient % 10_000:04d}")


def growth(value: int | None, previous: int | None) -> Decimal | None:
    """Change against the previous figure's size; a loss turning smaller is growth."""
    if value is None or not previous:
        return None
    return ratio(value - previous, abs(previous))


# --- SQL ---------------------------------------------------------------------------------------

_ON_RECORD = "t.moved_in_on <= :day AND (t.moved_out_on IS NULL OR t.moved_out_on > :day)"
_IP_VALID = (
    "i.granted_on <= :day AND (i.expires_on IS NULL OR i.expires_on >= :day) AND i.status IN ('valid', 'expired')"
)
_IP_FILED = "i.filed_on BETWEEN :start AND :until"
_IP_GRANTED = "i.granted_on BETWEEN :start AND :until"


def _count(condition: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


class _Composition:
    """SQL that reproduces `periods.compose` per tenant over one year's report rows."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.family: list[Period] = []
        self._collect(period)
        self.alias = {p: f"p{i}" for i, p in enumerate(self.family)}

    def _collect(self, period: Period) -> None:
        if period not in self.family:
            self.family.append(period)
        for parts in period.parts():
            for part in parts:
                self._collect(part)

    def reports_by_tenant(self) -> str:
        """One row per tenant: a has-report flag and the figures of each period of the family."""
        columns = ["pr.tenant AS tenant_id"]
        for period, alias in self.alias.items():
            columns.append(f"MAX(CASE WHEN pr.period = '{period}' THEN 1 ELSE 0 END) AS {alias}")
            columns += [f"MAX(CASE WHEN pr.period = '{period}' THEN pr.{f} END) AS {alias}_{f}" for f in FIGURES]
        return f"SELECT {', '.join(columns)} FROM period_report AS pr WHERE pr.year = :year GROUP BY pr.tenant"

    def present(self, period: Period) -> str:
        options = [f"r.{self.alias[period]} = 1"]
        options += ["(" + " AND ".join(self.present(p) for p in parts) + ")" for parts in period.parts()]
        return "(" + " OR ".join(options) + ")"

    def value(self, period: Period, figure: str) -> str:
        alias = self.alias[period]
        branches = [f"WHEN r.{alias} = 1 THEN r.{alias}_{figure}"]
        for parts in period.parts():
            complete = " AND ".join(self.present(p) for p in parts)
            if figure in _STOCKS:
                combined = self.value(parts[-1], figure)
            else:
                combined = " + ".join(self.value(p, figure) for p in parts)
            branches.append(f"WHEN {complete} THEN {combined}")
        return f"(CASE {' '.join(branches)} END)"

    def tenant_figures(self) -> str:
        """CTE body: per tenant, whether the period is reported and each composed figure."""
        columns = [
            "r.tenant_id",
            f"CASE WHEN {self.present(self.period)} THEN 1 ELSE 0 END AS reported",
            *(f"{self.value(self.period, f)} AS {f}" for f in FIGURES),
        ]
        return f"SELECT {', '.join(columns)} FROM ({self.reports_by_tenant()}) AS r"


async def _tenant_counts(period: Period, day: date, until: date) -> dict[str, int]:
    certified = "t.hte_certificate_no IS NOT NULL AND t.hte_certificate_no <> ''"
    platform = "t.platform_level IN (" + ", ".join(f"'{level}'" for level in _PLATFORM_LEVELS) + ")"
    moved_out = "t.moved_out_on BETWEEN :start AND :until AND t.status = "
    sql = f"""
        SELECT {_count(_ON_RECORD)} AS at_end,
               {_count("t.moved_in_on BETWEEN :start AND :until")} AS moved_in,
               {_count(moved_out + "'graduated'")} AS graduated,
               {_count(moved_out + "'left'")} AS left_park,
               {_count(f"{_ON_RECORD} AND t.platform_level = 'national'")} AS national_platforms,
               {_count(f"{_ON_RECORD} AND {certified}")} AS certified,
               {_count(f"{_ON_RECORD} AND {certified} AND {platform}")} AS certified_with_platform
        FROM tenant AS t
    """
    (row,) = await _rows(sql, day=day, start=period.start, until=until)
    return {key: int(value) for key, value in row.items()}


async def _industry_figures(period: Period, day: date) -> dict[str, dict[str, Any]]:
    """industry -> tenants on record, how many reported, and each figure's total."""
    composition = _Composition(period)
    sums = ", ".join(f"SUM(tf.{f}) AS {f}" for f in FIGURES)
    sql = f"""
        WITH tf AS ({composition.tenant_figures()})
        SELECT t.industry, COUNT(*) AS tenants, COALESCE(SUM(tf.reported), 0) AS reported, {sums}
        FROM tenant AS t LEFT JOIN tf ON tf.tenant_id = t.id
        WHERE {_ON_RECORD}
        GROUP BY t.industry
    """
    rows = await _rows(sql, day=day, year=period.year)
    return {row["industry"]: {key: _int(value) for key, value in row.items() if key != "industry"} for row in rows}


# Per owner and kind: items valid on the day, filed and granted in the period. Both IP queries
# start from it, so each reads the items once.
_IP_BY_OWNER_AND_KIND = f"""
    SELECT {_IP_OWNER} AS tenant_id, i.kind, {_count(_IP_VALID)} AS valid_at_end,
           {_count(_IP_FILED)} AS filed, {_count(_IP_GRANTED)} AS granted
    FROM ip_item AS i
    GROUP BY {_IP_OWNER}, i.kind
"""


async def _ip_by_industry_and_kind(day: date, start: date, until: date) -> list[dict[str, Any]]:
    sql = f"""
        SELECT t.industry, k.kind, SUM(k.valid_at_end) AS valid_at_end, SUM(k.filed) AS filed,
               SUM(k.granted) AS granted
        FROM ({_IP_BY_OWNER_AND_KIND}) AS k JOIN tenant AS t ON t.id = k.tenant_id
        WHERE {_ON_RECORD}
        GROUP BY t.industry, k.kind
    """
    return await _rows(sql, day=day, start=start, until=until)


def _of_kind(measure: str, kind: str) -> str:
    return f"SUM(CASE WHEN k.kind = '{kind}' THEN k.{measure} ELSE 0 END)"


async def _tenant_rows(period: Period, day: date, until: date) -> list[dict[str, Any]]:
    composition = _Composition(period)
    per_tenant_ip = {
        "ip_filed": "SUM(k.filed)",
        "ip_filed_invention": _of_kind("filed", "invention"),
        "ip_granted": "SUM(k.granted)",
        "ip_granted_invention": _of_kind("granted", "invention"),
        "ip_valid": "SUM(k.valid_at_end)",
        **{f"ip_valid_{suffix}": _of_kind("valid_at_end", kind) for suffix, kind in _VALID_KIND_COLUMNS.items()},
    }
    ip_columns = ", ".join(f"{sql} AS {name}" for name, sql in per_tenant_ip.items())
    ip_picked = ", ".join(f"COALESCE(ipc.{name}, 0) AS {name}" for name in per_tenant_ip)
    figures = ", ".join(f"tf.{f}" for f in FIGURES)
    sql = f"""
        WITH tf AS ({composition.tenant_figures()}),
        ipc AS (SELECT k.tenant_id, {ip_columns} FROM ({_IP_BY_OWNER_AND_KIND}) AS k GROUP BY k.tenant_id)
        SELECT t.uscc, t.name, t.industry, t.founded_on, t.moved_in_on, t.moved_out_on, t.status,
               t.hte_certificate_no, t.platform_level, COALESCE(tf.reported, 0) AS reported,
               {figures}, {ip_picked}
        FROM tenant AS t
        LEFT JOIN tf ON tf.tenant_id = t.id
        LEFT JOIN ipc ON ipc.tenant_id = t.id
        WHERE {_ON_RECORD}
        ORDER BY t.uscc
    """
    return await _rows(sql, day=day, start=period.start, until=until, year=period.year)


async def _sub_period_totals(period: Period, day: date) -> dict[str, dict[str, int | None]]:
    """Each half and quarter of a year that some tenant on record reported, with its totals."""
    composition = _Composition(period)
    parts = composition.family[1:] if period.kind == "year" else []
    if not parts:
        return {}
    columns = []
    for part in parts:
        alias = composition.alias[part]
        columns.append(f"{_count(composition.present(part))} AS n_{alias}")
        columns += [f"SUM({composition.value(part, f)}) AS {alias}_{f}" for f in FIGURES]
    sql = f"""
        SELECT {", ".join(columns)}
        FROM ({composition.reports_by_tenant()}) AS r JOIN tenant AS t ON t.id = r.tenant_id
        WHERE {_ON_RECORD}
    """
    (row,) = await _rows(sql, day=day, year=period.year)
    totals = {}
    for part in sorted(parts):
        alias = composition.alias[part]
        if _int(row[f"n_{alias}"]):
            totals[str(part)] = {f: _int(row[f"{alias}_{f}"]) for f in FIGURES}
    return totals


# --- Assembly ----------------------------------------------------------------------------------


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _total(lines: dict[str, dict[str, Any]], key: str) -> int | None:
    known = [line[key] for line in lines.values() if line[key] is not None]
    return sum(known) if known else None


def _tenant_line(row: dict[str, Any]) -> TenantLine:
    reported = bool(row["reported"])
    return TenantLine(
        uscc=row["uscc"],
        name=row["name"],
        industry=row["industry"],
        founded_on=_day(row["founded_on"]),
        moved_in_on=_day(row["moved_in_on"]),
        status=row["status"],
        # On record and graduated: a graduate that stays in the park. One with a move-out date
        # after the day had not yet graduated then.
        graduated=row["status"] == "graduated" and row["moved_out_on"] is None,
        certified=bool(row["hte_certificate_no"]),
        platform_level=row["platform_level"],
        reported=reported,
        figures={f: _int(row[f]) if reported else None for f in FIGURES},
        **{key: int(row[key]) for key in row if key.startswith("ip_")},
    )


async def park_stats(period: Period, as_of: date | None = None) -> ParkStats:
    """The park's statistics for `period`.

    Stock measures (tenants on record, valid IP, who has not reported, the tenant lines) are
    taken on the period's last day, or on `as_of` for a period still running (e.g. 2017 as of
    2017-10-31); flows (moved in, graduated, left, IP filed and granted) count from the period's
    first day to that day. The previous figures are those of the same period a year earlier,
    taken the same way.
    """
    day = as_of or period.end
    until = min(day, period.end)
    previous = period.same_period_last_year()
    previous_day = previous.end if as_of is None else _year_before(as_of)

    counts = await _tenant_counts(period, day, until)
    industries = await _industry_figures(period, day)
    previous_industries = await _industry_figures(previous, previous_day)
    ip_rows = await _ip_by_industry_and_kind(day, period.start, until)
    tenant_rows = await _tenant_rows(period, day, until)
    sub_periods = await _sub_period_totals(period, day)

    figures = {}
    for key in FIGURES:
        value, before = _total(industries, key), _total(previous_industries, key)
        figures[key] = Figure(value, before, growth(value, before))

    ip_by_kind = {}
    for kind in IP_KIND.codes:
        of_kind = [row for row in ip_rows if row["kind"] == kind]
        ip_by_kind[kind] = IPCounts(*(sum(int(r[k]) for r in of_kind) for k in ("valid_at_end", "filed", "granted")))
    by_industry = [
        IndustryLine(
            industry=code,
            tenants_at_end=industries.get(code, {}).get("tenants") or 0,
            reported=industries.get(code, {}).get("reported") or 0,
            figures={key: industries.get(code, {}).get(key) for key in FIGURES},
            ip_valid=sum(int(row["valid_at_end"]) for row in ip_rows if row["industry"] == code),
        )
        for code in INDUSTRY.codes
    ]
    lines = [_tenant_line(row) for row in tenant_rows]
    share = ratio(counts["certified_with_platform"], counts["certified"]) if counts["certified"] else None
    return ParkStats(
        period=str(period),
        start=period.start,
        end=period.end,
        as_of=day,
        previous=str(previous),
        generated_at=datetime.now(UTC),
        tenants=TenantCounts(counts["at_end"], counts["moved_in"], counts["graduated"], counts["left_park"]),
        figures=figures,
        reported=sum(line.reported for line in by_industry),
        not_reported=[TenantRef(line.uscc, line.name) for line in lines if not line.reported],
        ip=IPCounts(*(sum(getattr(c, k) for c in ip_by_kind.values()) for k in ("valid_at_end", "filed", "granted"))),
        ip_by_kind=ip_by_kind,
        by_industry=by_industry,
        tenant_lines=lines,
        sub_periods=sub_periods,
        targets=Targets(
            national_platforms=counts["national_platforms"],
            certified=counts["certified"],
            certified_with_platform=counts["certified_with_platform"],
            certified_platform_share=share,
        ),
    )


__all__ = [
    "FIGURES",
    "Figure",
    "IPCounts",
    "IndustryLine",
    "ParkStats",
    "Targets",
    "TenantCounts",
    "TenantLine",
    "TenantRef",
    "growth",
    "park_stats",
    "ratio",
]
