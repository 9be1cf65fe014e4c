"""`/statistics`: the years, open or closed, with how many tenants have reported; closing and reopening
with a confirmation; `/statistics/{period}`: a period's figures as tables and a chart, and the downloads."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Response, Template

from api.controllers.exports import XLSX, registry_file
from api.portal.charts import bars
from api.portal.figures import wan
from api.portal.page import PageActor, Words, lang_of, render, see_other
from exports.statistics import statistics_workbook
from exports.template import template_workbook
from registry.actor import Actor
from registry.periods import Period
from registry.permissions import Action, roles_that
from registry.services import closed_years
from registry.services.reports import FIGURE_FIELDS, parse_period
from registry.stats import ParkStats, park_stats, reported_periods
from registry.vocabulary import INDUSTRY, LANGS


@dataclass(frozen=True)
class YearLine:
    year: int
    closed: bool
    due: int  # tenants on record at the year's end
    reported: int


async def years(actor: Actor) -> list[YearLine]:
    """Every year with reports or closed, newest first, with its reporting completeness."""
    actor.require(Action.READ_PARK)
    closed = await closed_years.closed_years()
    lines = []
    for year in sorted({p.year for p in await reported_periods(actor)} | closed, reverse=True):
        figures = await park_stats(actor, Period(year))
        lines.append(YearLine(year, year in closed, figures.tenants.at_end, figures.reported))
    return lines


def years_context(request: Request, lines: list[YearLine]) -> dict:
    return {
        "years": lines,
        "closers": roles_that(Action.CLOSE_YEAR),
        "reopeners": roles_that(Action.REOPEN_YEAR),
        "done": request.query_params.get("done"),
        "done_year": request.query_params.get("year", ""),
    }


def revenue_chart(words: Words, stats: ParkStats):
    title = words(f"{stats.period} 各产业营业收入（万元）", f"Revenue by industry, {stats.period} (10k yuan)")
    return bars(
        title,
        [
            (INDUSTRY.label(line.industry, words.lang), line.figures.get("revenue"), wan(line.figures.get("revenue")))
            for line in stats.by_industry
        ],
    )


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class StatisticsController(Controller):
    path = "/statistics"

    @get("/")
    async def overview(self, request: Request, actor: PageActor) -> Template:
        return render(request, "statistics.html", years_context(request, await years(actor)), actor=actor)

    @get("/{year:int}/close")
    async def confirm_close(self, request: Request, actor: PageActor, year: FromPath[int]) -> Template:
        actor.require(Action.CLOSE_YEAR)
        return render(request, "statistics_confirm.html", {"year": year, "action": "close"}, actor=actor)

    @get("/{year:int}/reopen")
    async def confirm_reopen(self, request: Request, actor: PageActor, year: FromPath[int]) -> Template:
        actor.require(Action.REOPEN_YEAR)
        return render(request, "statistics_confirm.html", {"year": year, "action": "reopen"}, actor=actor)

    @post("/{year:int}/close")
    async def close(self, actor: PageActor, year: FromPath[int]) -> Redirect:
        await closed_years.close_year(actor, year)
        return see_other(f"/statistics?done=closed&year={year}")

    @post("/{year:int}/reopen")
    async def reopen(self, actor: PageActor, year: FromPath[int]) -> Redirect:
        await closed_years.reopen_year(actor, year)
        return see_other(f"/statistics?done=reopened&year={year}")

    @get("/{period:str}")
    async def period(self, request: Request, actor: PageActor, period: FromPath[str]) -> Template:
        actor.require(Action.READ_PARK)
        stats = await park_stats(actor, parse_period(period))
        words = Words(lang_of(request))
        return render(
            request,
            "statistics_period.html",
            {
                "stats": stats,
                "chart": revenue_chart(words, stats),
                "writers": roles_that(Action.WRITE_PARK),
                "figures": FIGURE_FIELDS,
            },
            actor=actor,
        )


class DownloadController(Controller):
    """The workbooks the API serves, for a signed-in browser: the same functions, the same roles."""

    path = "/downloads"

    @get("/statistics/{year:int}")
    async def statistics(self, actor: PageActor, year: FromPath[int], lang: FromQuery[str] = "zh") -> Response:
        actor.require(Action.READ_PARK)
        lang = lang if lang in LANGS else LANGS[0]
        return _xlsx(await statistics_workbook(actor, year, lang), f"park-statistics-{year}-{lang}.xlsx")

    @get("/template")
    async def template(self, actor: PageActor, lang: FromQuery[str] = "zh") -> Response:
        lang = lang if lang in LANGS else LANGS[0]
        return _xlsx(template_workbook(lang), f"park-import-template-{lang}.xlsx")

    @get("/registry")
    async def registry(self, actor: PageActor) -> File:
        return await registry_file(actor)
