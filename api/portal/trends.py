"""Trend charts: the park's revenue, IP held and tenants over the years by industry (the manager's and the
statistics office's home), a tenant's own figures over the years (its page and /me). The figures are the
registry's (`registry.trends`); this draws them (api/portal/charts.py, templates/_trends.html)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from api.portal.charts import ColumnChart, columns
from api.portal.figures import count, wan
from api.portal.page import Words
from registry.periods import Period
from registry.trends import ParkPoint, TenantPoint
from registry.vocabulary import INDUSTRY


@dataclass(frozen=True)
class Trend:
    """A chart and the figures it draws, as a table: rows (a label and one value as shown per period)."""

    chart: ColumnChart
    periods: list[str]
    rows: list[tuple[str, list[str]]]


def _trend(
    words: Words,
    title: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    shown: Callable[[int | None], str],
    note: str = "",
    total: str | None = None,
) -> Trend:
    labels = [Period.parse(p).label(words.lang) for p in periods]
    chart = columns(title, labels, series, shown, note)
    rows = [(name, [shown(v) for v in values]) for name, values in series]
    if total is not None and len(series) > 1:
        rows.append((total, [column.shown for column in chart.columns]))
    return Trend(chart, labels, rows)


def park_trends(words: Words, points: Sequence[ParkPoint]) -> list[Trend]:
    periods = [p.period for p in points]
    industries = [code for code in INDUSTRY.codes if any(_of(p, code).tenants for p in points)]
    names = [INDUSTRY.label(code, words.lang) for code in industries]
    total = words("合计", "Total")
    coverage = "；".join(f"{Period.parse(p.period).label(words.lang)} {p.reported}/{p.tenants}" for p in points)
    return [
        _trend(
            words,
            words("营业收入（万元）", "Revenue (10k yuan)"),
            periods,
            [(name, [_of(p, code).revenue for p in points]) for name, code in zip(names, industries, strict=True)],
            wan,
            words(f"报送/在册企业：{coverage}", f"Reported / on record: {coverage.replace('；', '; ')}"),
            total,
        ),
        _trend(
            words,
            words("有效知识产权（件，期末）", "Valid IP items (at the end)"),
            periods,
            [(name, [_of(p, code).ip_valid for p in points]) for name, code in zip(names, industries, strict=True)],
            count,
            total=total,
        ),
        _trend(
            words,
            words("在园企业（家，期末）", "Tenants on record (at the end)"),
            periods,
            [(name, [_of(p, code).tenants for p in points]) for name, code in zip(names, industries, strict=True)],
            count,
            total=total,
        ),
    ]


def _of(point: ParkPoint, industry: str):
    return next(line for line in point.by_industry if line.industry == industry)


def tenant_trends(words: Words, points: Sequence[TenantPoint]) -> list[Trend]:
    periods = [p.period for p in points]

    def figure(key: str) -> list[int | None]:
        return [p.figures[key] if p.reported else None for p in points]

    def money(fen: int | None) -> str:
        return wan(fen) if fen is not None else words("未报", "not reported")

    return [
        _trend(words, words("营业收入（万元）", "Revenue (10k yuan)"), periods, [(words("营业收入", "Revenue"), figure("revenue"))], money),
        _trend(
            words, words("研发经费支出（万元）", "R&D expense (10k yuan)"), periods,
            [(words("研发经费支出", "R&D expense"), figure("rd_expense"))], money,
        ),
        _trend(
            words, words("从业人员（人）", "Employees"), periods,
            [(words("从业人员", "Employees"), figure("employees"))],
            lambda n: count(n) if n is not None else words("未报", "not reported"),
        ),
        _trend(
            words, words("有效知识产权（件，期末）", "Valid IP items (at the end)"), periods,
            [(words("有效知识产权", "Valid IP items"), [p.ip_valid for p in points])], count,
        ),
    ]  # fmt: skip
