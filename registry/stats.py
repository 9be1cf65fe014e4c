"""Park statistics for a period, computed where the data is: SQL aggregates on either engine.

One result object, `ParkStats`, feeds both the JSON endpoint and the yearly workbook, so the two
cannot disagree. Definitions (the workbook's Notes repeat them):

- A tenant is *on record* on a day when it moved in on or before it and has not moved out by it.
- A period's figure for a tenant is its own report; failing that, the first complete
  decomposition of `Period.parts` (a year = H1 + H2, each itself a report or its two
  quarters; a half = its two quarters). Money and new graduates add up over the parts;
  headcounts are stocks and take the last part's value. Otherwise the tenant has not reported.
- Attributes are taken as they were on that day: a tenant is a certified high-tech enterprise when
  its certificate was issued on or before the day and is within its three-year term, and holds its
  R&D platform level from `platform_level_since` on (a certificate or level without its date
  counts as held on every day: the registry cannot tell since when).
- Each half and quarter of a year (each quarter of a half) is reported as `park_stats` of that
  part itself would report it: the tenants on record at the part's own end, so any column of any
  workbook equals `GET /stats/{that period}`.
- A tenant *graduated* on its graduation date (`graduated_on`); a graduate recorded without one
  graduated on its move-out day, or (still in the park) on every day the registry can tell. A
  graduate counts in the period it graduated, whether or not it moved out; a tenant line's status
  is the status on the line's day: graduated by then, else incubating (or left, for a tenant marked
  left without a move-out day).
- Growth is plain (every tenant on record in each period) and like-for-like (同口径: only the
  tenants on record at both ends that reported the figure for both periods, and their count).
- An IP item is *valid* on a day when it was granted on or before it, its term has not run out
  (`expires_on` unknown or on/after the day) and its status is valid or expired; a lapsed,
  withdrawn or pending item is never counted, since the day it lapsed is not known.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec
from dateutil.relativedelta import relativedelta
from msgspec import Struct

from registry.actor import Actor
from registry.answers import ByKey, Fen, FounderType, Industry, Listing, PlatformLevel, Ratio, TenantStatus, fen
from registry.db import current, fetch, is_integer_overflow, parallel_scans, together
from registry.errors import Conflict, FieldError, ValidationFailed
from registry.ip_deadlines import PAST_GRACE
from registry.periods import FIRST_YEAR, Period
from registry.permissions import Action
from registry.records import EARLIEST_DAY, latest_day
from registry.torch_form import IP_COLUMNS, NATIONAL_PLATFORM_TARGET, PLATFORM_SHARE_TARGET
from registry.vocabulary import COUNT_KEYS, HEADCOUNT_KEYS, INDUSTRY, IP_KIND, MONEY_KEYS

FIGURES = (*MONEY_KEYS, *COUNT_KEYS)
# Head counts are taken at a period's end: a year made of two halves has H2's headcount.
_STOCKS = frozenset(HEADCOUNT_KEYS)
_PLATFORM_LEVELS = ("municipal", "provincial", "national")


# Whose IP items the statistics read. SQLite looks each tenant on record up in the covering index
# ip_item_stats and walks its items in (tenant, kind) order, never reading the items of tenants
# that left or have not yet moved in. PostgreSQL reads them all in parallel workers: a semi-join
# on the materialised tenants would keep it to one process and take half as long again. Chosen per
# call (`parallel_scans()`: the engine bound then), from the two statements written below.
_IP_OWNERS = {True: "", False: "WHERE i.tenant IN (SELECT l.id FROM lines AS l)"}


class TotalsOutOfRange(Conflict):
    """A total past 64-bit fen (about 92 quadrillion yuan): no park's real figures add up to it, so a
    figure is wrong. SQLite cannot add past it at all; PostgreSQL could, and is held to the same answer."""

    def __init__(self) -> None:
        super().__init__(
            "园区合计超出登记册可计算的范围（2^63 分），必有金额录入有误，请查找异常的大额数据 / the park's "
            "totals exceed what the registry adds up (2^63 fen): some figure is wrong; look for an "
            "absurdly large amount"
        )


_BEYOND = 2**63


def _int(value: Any) -> int | None:
    """PostgreSQL's SUM over BIGINT answers NUMERIC (a Decimal, always whole); SQLite an int."""
    if value is None:
        return None
    number = int(value)
    if not -_BEYOND <= number < _BEYOND:
        raise TotalsOutOfRange
    return number


def _day(value: Any) -> date | None:
    """SQLite hands back a DATE column's text where it cannot see the declared type."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- Result ------------------------------------------------------------------------------------
# The answer of GET /stats/{period} as it is (api.controllers.stats encodes it): money in yuan
# strings, counts as integers, ratios as decimal strings with four places.

V = TypeVar("V")


def _by_figure(name: str, money: Any, count: Any) -> type[ByKey]:
    """A struct with one member per report figure (the vocabulary's money and count keys, in order)."""
    members = [(key, money) for key in MONEY_KEYS] + [(key, count) for key in COUNT_KEYS]
    return msgspec.defstruct(name, members, bases=(ByKey,), module=__name__, frozen=True)


class LikeForLike(Struct, Generic[V], frozen=True):
    """A figure over the same tenants in both periods (同口径): those on record at both ends that
    reported the figure for both; `tenants` counts them."""

    value: V | None
    previous: V | None
    growth: Ratio | None
    tenants: int


class Figure(Struct, Generic[V], frozen=True):
    value: V | None
    previous: V | None
    growth: Ratio | None
    like_for_like: LikeForLike[V] | None = None


FigureValues = _by_figure("FigureValues", Fen | None, int | None)
FigureTrends = _by_figure("FigureTrends", Figure[Fen], Figure[int])


def figure_values(figures: dict[str, int | None]) -> Any:
    """`figures` (fen and head counts by key) as the answer's `FigureValues`."""
    return FigureValues(**{key: fen(value) if key in MONEY_KEYS else value for key, value in figures.items()})


class PeriodFigures(Struct, frozen=True):
    """A period's totals over the tenants on record on `as_of` (its last day, unless earlier)."""

    period: str
    as_of: date
    tenants_at_end: int
    reported: int
    figures: FigureValues  # type: ignore[valid-type]


class TenantCounts(Struct, frozen=True):
    at_end: int
    moved_in: int
    graduated: int
    left: int


class TenantRef(Struct, frozen=True):
    uscc: str
    name: str
    name_en: str | None


class IPCounts(Struct, frozen=True):
    valid_at_end: int
    filed: int
    granted: int
    # Of the valid ones, those with an annual fee year unpaid past its grace (registry.ip_deadlines).
    at_risk_at_end: int


IPCountsByKind = msgspec.defstruct(
    "IPCountsByKind", [(kind, IPCounts) for kind in IP_KIND.codes], bases=(ByKey,), module=__name__, frozen=True
)


class IndustryLine(Struct, frozen=True):
    industry: Industry
    tenants_at_end: int
    reported: int
    figures: FigureValues  # type: ignore[valid-type]
    ip_valid: int


class _TenantLine(Struct, frozen=True):
    uscc: str
    name: str
    name_en: str | None
    industry: Industry
    founded_on: date | None
    moved_in_on: date | None
    status: TenantStatus
    graduated: bool
    certified: bool
    platform_level: PlatformLevel
    founder_type: FounderType | None
    tech_sme_no: str | None
    listing: Listing | None
    reported: bool
    figures: FigureValues  # type: ignore[valid-type]


# A tenant's line: its particulars, then the Torch form's IP columns in its order (registry.torch_form).
TenantLine = msgspec.defstruct(
    "TenantLine", [(column.key, int) for column in IP_COLUMNS], bases=(_TenantLine,), module=__name__, frozen=True
)


class Targets(Struct, frozen=True):
    national_platforms: int
    certified: int
    certified_with_platform: int
    certified_platform_share: Ratio | None
    national_platforms_target: int
    certified_platform_share_target: Ratio


class ParkStats(Struct, frozen=True):
    """A period's park statistics: the numbers of the statistics workbook (SPEC §5)."""

    period: str
    start: date
    end: date
    as_of: date
    previous: str
    generated_at: datetime
    tenants: TenantCounts
    figures: FigureTrends  # type: ignore[valid-type]
    reported: int
    previous_period: PeriodFigures
    not_reported: list[TenantRef]
    ip: IPCounts
    ip_by_kind: IPCountsByKind  # type: ignore[valid-type]
    by_industry: list[IndustryLine]
    tenant_lines: list[TenantLine]
    sub_periods: dict[str, PeriodFigures]
    targets: Targets


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
# Graduated by :day (see the module's note on graduates).
_GRADUATED_BY = (
    "(t.graduated_on IS NOT NULL AND t.graduated_on <= :day OR t.graduated_on IS NULL AND t.status = 'graduated' "
    "AND (t.moved_out_on IS NULL OR t.moved_out_on <= :day))"
)
_STATUS_ON_DAY = (
    f"(CASE WHEN {_GRADUATED_BY} THEN 'graduated' WHEN t.status = 'left' AND t.moved_out_on IS NULL THEN 'left' "
    "ELSE 'incubating' END)"
)
# Graduated within the period: on its graduation date, or (none recorded) on its move-out day.
_GRADUATED_IN = (
    "COALESCE(t.graduated_on, CASE WHEN t.status = 'graduated' THEN t.moved_out_on END) BETWEEN :start AND :until"
)
# Certified on the day: a certificate issued within the three years up to it (:certified_from is
# the day three years earlier, plus one).
_CERTIFIED = (
    "(t.hte_certificate_no IS NOT NULL AND t.hte_certificate_no <> '' AND "
    "(t.hte_certified_on IS NULL OR t.hte_certified_on BETWEEN :certified_from AND :day))"
)
_PLATFORM_LEVEL = (
    "(CASE WHEN t.platform_level_since IS NULL OR t.platform_level_since <= :day THEN t.platform_level ELSE 'none' END)"
)
CERTIFICATE_YEARS = 3
_IP_VALID = (
    "i.granted_on <= :day AND (i.expires_on IS NULL OR i.expires_on >= :day) AND i.status IN ('valid', 'expired')"
)
_IP_FILED = "i.filed_on BETWEEN :start AND :until"
_IP_GRANTED = "i.granted_on BETWEEN :start AND :until"


def _count(condition: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


class _Composition:
    """How a period's figure is composed, per tenant, from the reports of the period's family: its
    own report, else the first of `Period.parts` whose every part is itself composed — the one
    statement of the rule (tests/registry/test_stats.py pins it).

    Each period of the family (a year, its halves and quarters) is joined once by the unique key
    (tenant, period): an index lookup per tenant and period, where a pass over the year's reports
    pivoting them with CASE per column cost SQLite a tenth of a second each time.
    """

    def __init__(self, period: Period, prefix: str = "p", submitted: int | None = None) -> None:
        self.period = period
        self.submitted = submitted
        self.family: list[Period] = []
        self._collect(period)
        self.alias = {p: f"{prefix}{i}" for i, p in enumerate(self.family)}

    def _collect(self, period: Period) -> None:
        if period not in self.family:
            self.family.append(period)
        for parts in self._parts(period):
            for part in parts:
                self._collect(part)

    def _parts(self, period: Period) -> list[list[Period]]:
        # The submitted dataset holds the round's period's own reports only: nothing is composed.
        return [] if self.submitted is not None else period.parts()

    def joins(self) -> str:
        """LEFT JOINs onto `tenant AS t`: one report alias per period of the family — from the period
        reports, or from the submitted dataset of round `submitted` (SPEC §9 `as_submitted`)."""
        if self.submitted is not None:
            (alias,) = self.alias.values()
            return (
                f"LEFT JOIN submitted_report AS {alias} ON {alias}.tenant = t.id "
                f"AND {alias}.round = {int(self.submitted)}"
            )
        return " ".join(
            f"LEFT JOIN period_report AS {alias} ON {alias}.tenant = t.id AND {alias}.period = '{period}'"
            for period, alias in self.alias.items()
        )

    def present(self, period: Period) -> str:
        options = [f"{self.alias[period]}.id IS NOT NULL"]
        options += ["(" + " AND ".join(self.present(p) for p in parts) + ")" for parts in self._parts(period)]
        return "(" + " OR ".join(options) + ")"

    def reported(self, period: Period) -> str:
        return f"CASE WHEN {self.present(period)} THEN 1 ELSE 0 END"

    def value(self, period: Period, figure: str) -> str:
        alias = self.alias[period]
        branches = [f"WHEN {alias}.id IS NOT NULL THEN {alias}.{figure}"]
        for parts in self._parts(period):
            complete = " AND ".join(self.present(p) for p in parts)
            if figure in _STOCKS:
                combined = self.value(parts[-1], figure)
            else:
                combined = " + ".join(self.value(p, figure) for p in parts)
            branches.append(f"WHEN {complete} THEN {combined}")
        return f"(CASE {' '.join(branches)} END)"


def _certified_from(day: date) -> date:
    return day - relativedelta(years=CERTIFICATE_YEARS) + timedelta(days=1)


async def _tenant_counts(period: Period, day: date, until: date) -> dict[str, int]:
    certified = _CERTIFIED
    platform = f"{_PLATFORM_LEVEL} IN (" + ", ".join(f"'{level}'" for level in _PLATFORM_LEVELS) + ")"
    sql = f"""
        SELECT {_count(_ON_RECORD)} AS at_end,
               {_count("t.moved_in_on BETWEEN :start AND :until")} AS moved_in,
               {_count(_GRADUATED_IN)} AS graduated,
               {_count("t.moved_out_on BETWEEN :start AND :until AND t.status = 'left'")} AS left_park,
               {_count(f"{_ON_RECORD} AND {_PLATFORM_LEVEL} = 'national'")} AS national_platforms,
               {_count(f"{_ON_RECORD} AND {certified}")} AS certified,
               {_count(f"{_ON_RECORD} AND {certified} AND {platform}")} AS certified_with_platform
        FROM tenant AS t
    """
    (row,) = await fetch(
        sql, {"day": day, "start": period.start, "until": until, "certified_from": _certified_from(day)}
    )
    return {key: int(value) for key, value in row.items()}


async def _industry_figures(period: Period, day: date) -> dict[str, dict[str, Any]]:
    """industry -> tenants on record, how many reported, and each figure's total."""
    composition = _Composition(period)
    sums = ", ".join(f"SUM({composition.value(period, f)}) AS {f}" for f in FIGURES)
    sql = f"""
        SELECT t.industry, COUNT(*) AS tenants, SUM({composition.reported(period)}) AS reported, {sums}
        FROM tenant AS t {composition.joins()}
        WHERE {_ON_RECORD}
        GROUP BY t.industry
    """
    rows = await fetch(sql, {"day": day})
    return {row["industry"]: {key: _int(value) for key, value in row.items() if key != "industry"} for row in rows}


async def _like_for_like(
    period: Period, day: date, previous: Period, previous_day: date, submitted: int | None = None
) -> dict[str, LikeForLike[int]]:
    """Each figure over the tenants on record on both days that reported it for both periods."""
    now, before = _Composition(period, "c", submitted), _Composition(previous, "b")
    pairs = ", ".join(f"{now.value(period, f)} AS c_{f}, {before.value(previous, f)} AS b_{f}" for f in FIGURES)
    both = {f: f"c_{f} IS NOT NULL AND b_{f} IS NOT NULL" for f in FIGURES}
    sums = ", ".join(
        f"SUM(CASE WHEN {both[f]} THEN c_{f} END) AS c_{f}, SUM(CASE WHEN {both[f]} THEN b_{f} END) AS b_{f}, "
        f"{_count(both[f])} AS n_{f}"
        for f in FIGURES
    )
    sql = f"""
        WITH pairs AS (
            SELECT {pairs}
            FROM tenant AS t {now.joins()} {before.joins()}
            WHERE {_ON_RECORD} AND {_ON_RECORD.replace(":day", ":previous_day")}
        )
        SELECT {sums} FROM pairs
    """
    (row,) = await fetch(sql, {"day": day, "previous_day": previous_day})
    same = {}
    for f in FIGURES:
        value, earlier = _int(row[f"c_{f}"]), _int(row[f"b_{f}"])
        same[f] = LikeForLike(value, earlier, growth(value, earlier), int(row[f"n_{f}"]))
    return same


async def _at_risk_by_kind(day: date) -> dict[str, int]:
    """kind -> items valid on the day (of tenants on record) with a fee year unpaid past its grace by
    then. Read from the unpaid years' rows (few), not from the items."""
    sql = f"""
        SELECT i.kind, COUNT(DISTINCT i.id) AS at_risk
        FROM ip_deadline AS d JOIN ip_item AS i ON i.id = d.item JOIN tenant AS t ON t.id = i.tenant
        WHERE {PAST_GRACE} AND {_ON_RECORD} AND {_IP_VALID}
        GROUP BY i.kind
    """
    return {row["kind"]: int(row["at_risk"]) for row in await fetch(sql, {"day": day, "today": day})}


# Per owner and kind: items valid on the day, filed and granted in the period, in one read of the
# items. The covering index ip_item_stats (migration 2026-11-25T21) holds every column used here
# in group order: SQLite aggregates as it walks it, with no sort and no table rows; PostgreSQL
# does the same as an index-only scan once the table is vacuumed, else hashes a sequential scan.
_IP_BY_OWNER_AND_KIND = {
    parallel: f"""
    SELECT i.tenant AS tenant_id, i.kind, {_count(_IP_VALID)} AS valid_at_end,
           {_count(_IP_FILED)} AS filed, {_count(_IP_GRANTED)} AS granted
    FROM ip_item AS i
    {owners}
    GROUP BY i.tenant, i.kind
"""
    for parallel, owners in _IP_OWNERS.items()
}


def _of_kind(measure: str, kind: str) -> str:
    return f"SUM(CASE WHEN k.kind = '{kind}' THEN k.{measure} ELSE 0 END)"


_LINE_COLUMNS = (
    "uscc", "name", "name_en", "industry", "founded_on", "moved_in_on", "founder_type", "tech_sme_no", "listing",
)  # fmt: skip
# A tenant line's attributes as they were on the day.
_LINE_ATTRIBUTES = {
    "status": _STATUS_ON_DAY,
    "certified": f"CASE WHEN {_CERTIFIED} THEN 1 ELSE 0 END",
    "platform_level": _PLATFORM_LEVEL,
}
# A tenant line's IP columns (the Torch form's), from its (tenant, kind) rows.
_TENANT_IP = {
    column.key: f"SUM(k.{column.measure})" if column.kind is None else _of_kind(column.measure, column.kind)
    for column in IP_COLUMNS
}
# The rows of `_period_rows`, told apart by `level`: each level fills the columns it needs.
_PERIOD_COLUMNS = ("level", *_LINE_COLUMNS, *_LINE_ATTRIBUTES, "kind", "tenants", "reported", *FIGURES, *_TENANT_IP)


def _level(level: str, columns: dict[str, str], source: str) -> str:
    picked = ", ".join(f"{columns.get(name, 'NULL')} AS {name}" for name in _PERIOD_COLUMNS[1:])
    return f"SELECT '{level}' AS level, {picked} {source}"


async def _period_rows(period: Period, day: date, until: date, submitted: int | None = None) -> list[dict[str, Any]]:
    """Everything of the period itself, from one read of the reports and one of the IP items.

    `lines` holds the tenants on record, each with its composed figures (and, for a year, those of
    each half and quarter); `k` the IP items per owner and kind. Both are read by several levels,
    so each engine computes them once (a CTE used more than once is materialised):

    - tenant: one row per tenant on record, in USCC order, its figures and IP columns;
    - industry: per industry, tenants on record, how many reported and each figure's total;
    - ip: per industry and kind, items valid at the day, filed and granted (tenants on record).

    With `submitted` (a closed round's id), the period's figures are its submitted dataset's.
    """
    composition = _Composition(period, submitted=submitted)
    line = [f"t.{column}" for column in ("id", *_LINE_COLUMNS)]
    line += [f"{sql} AS {name}" for name, sql in _LINE_ATTRIBUTES.items()]
    line.append(f"{composition.reported(period)} AS reported")
    line += [f"{composition.value(period, f)} AS {f}" for f in FIGURES]
    levels = [
        _level(
            "tenant",
            {
                **{column: f"l.{column}" for column in (*_LINE_COLUMNS, *_LINE_ATTRIBUTES, "reported", *FIGURES)},
                **{name: f"COALESCE(ipc.{name}, 0)" for name in _TENANT_IP},
            },
            "FROM lines AS l LEFT JOIN ipc ON ipc.tenant_id = l.id",
        ),
        _level(
            "industry",
            {
                "industry": "l.industry",
                "tenants": "COUNT(*)",
                "reported": "SUM(l.reported)",
                **{f: f"SUM(l.{f})" for f in FIGURES},
            },
            "FROM lines AS l GROUP BY l.industry",
        ),
        _level(
            "ip",
            {
                "industry": "l.industry",
                "kind": "k.kind",
                "ip_valid": "SUM(k.valid_at_end)",
                "ip_filed": "SUM(k.filed)",
                "ip_granted": "SUM(k.granted)",
            },
            "FROM k JOIN lines AS l ON l.id = k.tenant_id GROUP BY l.industry, k.kind",
        ),
    ]
    ip_columns = ", ".join(f"{sql} AS {name}" for name, sql in _TENANT_IP.items())
    union = "\n        UNION ALL ".join(levels)
    sql = f"""
        WITH lines AS (
            SELECT {", ".join(line)}
            FROM tenant AS t {composition.joins()}
            WHERE {_ON_RECORD}
        ),
        k AS ({_IP_BY_OWNER_AND_KIND[parallel_scans()]}),
        ipc AS (SELECT k.tenant_id, {ip_columns} FROM k GROUP BY k.tenant_id)
        {union}
        ORDER BY uscc
    """
    return await fetch(sql, {"day": day, "start": period.start, "until": until, "certified_from": _certified_from(day)})


# --- Assembly ----------------------------------------------------------------------------------


def _total(lines: dict[str, dict[str, Any]], key: str) -> int | None:
    known = [line[key] for line in lines.values() if line[key] is not None]
    return sum(known) if known else None


def _period_figures(period: Period, day: date, industries: dict[str, dict[str, Any]]) -> PeriodFigures:
    return PeriodFigures(
        period=str(period),
        as_of=day,
        tenants_at_end=sum(line["tenants"] for line in industries.values()),
        reported=sum(line["reported"] for line in industries.values()),
        figures=figure_values({key: _total(industries, key) for key in FIGURES}),
    )


def _tenant_line(row: dict[str, Any]) -> TenantLine:
    reported = bool(row["reported"])
    return TenantLine(
        uscc=row["uscc"],
        name=row["name"],
        name_en=row["name_en"],
        industry=row["industry"],
        founded_on=_day(row["founded_on"]),
        moved_in_on=_day(row["moved_in_on"]),
        # Both as on the line's day: a graduate that moved out later was still incubating then.
        status=row["status"],
        graduated=row["status"] == "graduated",
        certified=bool(row["certified"]),
        platform_level=row["platform_level"],
        founder_type=row["founder_type"],
        tech_sme_no=row["tech_sme_no"],
        listing=row["listing"],
        reported=reported,
        figures=figure_values({f: _int(row[f]) if reported else None for f in FIGURES}),
        **{key: int(row[key]) for key in _TENANT_IP},
    )


async def park_stats(actor: Actor, period: Period, as_of: date | None = None, as_submitted: bool = False) -> ParkStats:
    """The park's statistics for `period` (see `compute_park_stats`), for those who read the whole
    park (registry.permissions: READ_PARK), computed once per change of the
    records: kept by this worker's database while its data version stays (registry.read_cache), so
    the statistics office and the dashboard read them without adding up the park
    each time, and a read after a write is never stale. The answer is shared: do not change it.
    `as_submitted`: the period's figures from its closed round's submitted dataset (422 without one)."""
    actor.require(Action.READ_PARK)
    _check_asked(period, as_of)
    submitted = await submitted_round(period) if as_submitted else None
    return await current().statistics.get(
        ("stats", str(period), as_of, submitted),
        lambda: (
            compute_park_stats(period, as_of) if submitted is None else compute_park_stats(period, as_of, submitted)
        ),
    )


async def submitted_round(period: Period) -> int:
    """The id of the closed round whose submitted dataset `as_submitted` reads; 422 when there is none."""
    rows = await fetch(
        "SELECT id FROM report_round WHERE period = :period AND state = 'closed'", {"period": str(period)}
    )
    if not rows:
        raise ValidationFailed(
            "该统计期没有已关闭的报送轮次 / the period has no closed report round",
            [
                FieldError(
                    "as_submitted",
                    "no_closed_round",
                    f"{period.label('zh')}没有已关闭的报送轮次，无报送数据集 / {period.label('en')} has no closed "
                    "report round, so no submitted dataset",
                )
            ],
        )
    return int(rows[0]["id"])


def _check_asked(period: Period, as_of: date | None) -> None:
    if as_of is not None and not EARLIEST_DAY <= as_of <= latest_day():
        raise ValidationFailed(
            "日期无效 / invalid date",
            [
                FieldError(
                    "as_of",
                    "date_range",
                    f"as_of 应在 {EARLIEST_DAY} 至 {latest_day()} 之间 / as_of must lie between "
                    f"{EARLIEST_DAY} and a year from today ({latest_day()})",
                )
            ],
        )
    if period.year <= FIRST_YEAR:
        raise ValidationFailed(
            "统计期无效 / invalid period",
            [
                FieldError(
                    "period",
                    "period_year",
                    f"统计期须晚于 {FIRST_YEAR} 年（与上年同期比较）/ statistics start after "
                    f"{FIRST_YEAR}: each is compared with the same period a year earlier",
                )
            ],
        )


async def compute_park_stats(period: Period, as_of: date | None = None, submitted: int | None = None) -> ParkStats:
    """The park's statistics for `period`; with `submitted` (a closed round of the period), the
    period's own figures (totals, industries, tenant lines, who has not reported, the like-for-like
    side of this period) come from that round's submitted dataset, while the same period a year
    earlier and the period's parts stay the registry's.

    Stock measures (tenants on record, valid IP, who has not reported, the tenant lines) are
    taken on the period's last day, or on `as_of` for a period still running (e.g. 2017 as of
    2017-10-31); flows (moved in, graduated, left, IP filed and granted) count from the period's
    first day to that day. The previous figures are those of the same period a year earlier,
    taken the same way.
    """
    _check_asked(period, as_of)
    day = as_of or period.end
    until = min(day, period.end)
    previous = period.same_period_last_year()
    previous_day = previous.end if as_of is None else as_of - relativedelta(years=1)
    # The halves and quarters begun by the day, each on its own last day (or the day, if earlier).
    parts = [part for part in _Composition(period).family[1:] if part.start <= day]
    part_days = [min(day, part.end) for part in parts]

    try:
        counts, previous_industries, rows, at_risk, same, *part_industries = await together(
            _tenant_counts(period, day, until),
            _industry_figures(previous, previous_day),
            _period_rows(period, day, until, submitted),
            _at_risk_by_kind(day),
            _like_for_like(period, day, previous, previous_day, submitted),
            *(_industry_figures(part, part_day) for part, part_day in zip(parts, part_days, strict=True)),
        )
    except Exception as error:
        if is_integer_overflow(error):
            raise TotalsOutOfRange from error
        raise
    by_level: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_level.setdefault(row["level"], []).append(row)
    industries = {
        row["industry"]: {key: _int(row[key]) for key in ("tenants", "reported", *FIGURES)}
        for row in by_level.get("industry", [])
    }
    ip_rows = by_level.get("ip", [])
    sub_periods = {
        str(part): _period_figures(part, part_day, of_part)
        for part, part_day, of_part in sorted(zip(parts, part_days, part_industries, strict=True))
    }

    figures = {}
    for key in FIGURES:
        value, before = _total(industries, key), _total(previous_industries, key)
        same_tenants = same[key]
        if key in MONEY_KEYS:
            value, before = fen(value), fen(before)
            same_tenants = LikeForLike(
                fen(same_tenants.value), fen(same_tenants.previous), same_tenants.growth, same_tenants.tenants
            )
        figures[key] = Figure(value, before, growth(value, before), same_tenants)

    ip_by_kind = {}
    for kind in IP_KIND.codes:
        of_kind = [row for row in ip_rows if row["kind"] == kind]
        ip_by_kind[kind] = IPCounts(
            *(sum(int(r[k]) for r in of_kind) for k in ("ip_valid", "ip_filed", "ip_granted")),
            at_risk_at_end=at_risk.get(kind, 0),
        )
    by_industry = [
        IndustryLine(
            industry=code,
            tenants_at_end=industries.get(code, {}).get("tenants") or 0,
            reported=industries.get(code, {}).get("reported") or 0,
            figures=figure_values({key: industries.get(code, {}).get(key) for key in FIGURES}),
            ip_valid=sum(int(row["ip_valid"]) for row in ip_rows if row["industry"] == code),
        )
        for code in INDUSTRY.codes
    ]
    lines = [_tenant_line(row) for row in by_level.get("tenant", [])]
    share = ratio(counts["certified_with_platform"], counts["certified"]) if counts["certified"] else None
    return ParkStats(
        period=str(period),
        start=period.start,
        end=period.end,
        as_of=day,
        previous=str(previous),
        generated_at=datetime.now(UTC),
        tenants=TenantCounts(counts["at_end"], counts["moved_in"], counts["graduated"], counts["left_park"]),
        figures=FigureTrends(**figures),
        reported=sum(line.reported for line in by_industry),
        previous_period=_period_figures(previous, previous_day, previous_industries),
        not_reported=[TenantRef(line.uscc, line.name, line.name_en) for line in lines if not line.reported],
        ip=IPCounts(
            *(
                sum(getattr(c, k) for c in ip_by_kind.values())
                for k in ("valid_at_end", "filed", "granted", "at_risk_at_end")
            )
        ),
        ip_by_kind=IPCountsByKind(**ip_by_kind),
        by_industry=by_industry,
        tenant_lines=lines,
        sub_periods=sub_periods,
        targets=Targets(
            national_platforms=counts["national_platforms"],
            certified=counts["certified"],
            certified_with_platform=counts["certified_with_platform"],
            certified_platform_share=share,
            national_platforms_target=NATIONAL_PLATFORM_TARGET,
            certified_platform_share_target=PLATFORM_SHARE_TARGET,
        ),
    )


__all__ = [
    "FIGURES",
    "Figure",
    "FigureTrends",
    "FigureValues",
    "IPCounts",
    "IPCountsByKind",
    "IndustryLine",
    "LikeForLike",
    "ParkStats",
    "PeriodFigures",
    "Targets",
    "TenantCounts",
    "TenantLine",
    "TenantRef",
    "figure_values",
    "growth",
    "park_stats",
    "ratio",
]


async def reported_periods(actor: Actor) -> list[Period]:
    """Every period some tenant has reported for, in order (the portal offers these)."""
    actor.require(Action.READ_PARK)
    rows = await fetch("SELECT DISTINCT period FROM period_report")
    return sorted(Period.parse(row["period"]) for row in rows)
