"""`/statistics`: the years, open or closed, with how many tenants have reported, each with links to its
halves and quarters; closing and reopening with a confirmation; `/statistics/{period}` (a year, a half or a
quarter, `?as_of=` a census day): its figures as tables and a chart, who has not reported, and the
downloads. Periods are shown in words (`Period.label`) and picked from lists, never typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar, TypeVar

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Response, Template
from msgspec import Meta, Struct

from api.controllers.exports import XLSX, registry_file
from api.portal.charts import bars
from api.portal.figures import wan
from api.portal.forms import read_form
from api.portal.kept import kept_parts
from api.portal.page import PageActor, Words, lang_of, render, see_other
from exports.statistics import statistics_workbook
from exports.template import template_workbook
from registry.actor import Actor
from registry.errors import ValidationFailed
from registry.periods import Period
from registry.permissions import Action, roles_that
from registry.services import closed_years
from registry.services.reports import FIGURE_FIELDS, parse_period
from registry.stats import ParkStats, park_stats, reported_periods
from registry.vocabulary import INDUSTRY, LANGS

S = TypeVar("S", bound=Struct)
NOT_REPORTED_PAGE = 100  # tenants not reported, listed a page at a time as /stats pages them


@dataclass(frozen=True)
class PeriodLink:
    period: str  # the code, for the address
    label: str  # in words, for the reader

    @property
    def within_year(self) -> str:
        """The label without its year, in a row that names the year: 上半年, 第三季度 / H1, Q3."""
        year = self.period[:4]
        return self.label.removeprefix(f"{year}年").removeprefix(f"{year} ") or self.label


@dataclass(frozen=True)
class YearLine:
    year: int
    closed: bool
    due: int  # tenants on record at the year's end
    reported: int
    parts: list[PeriodLink]  # its halves and quarters


def of_the_year(year: int) -> list[Period]:
    """A year, then its halves and quarters, in the order the office reads them."""
    return [Period(year), *(Period(year, half=h) for h in (1, 2)), *(Period(year, quarter=q) for q in (1, 2, 3, 4))]


def period_choices(words: Words, periods: Iterable[Period]) -> list[PeriodLink]:
    return [PeriodLink(str(p), p.label(words.lang)) for p in periods]


class Census(Struct):
    """The day a period's head counts are taken, when not its last (a census of a period still running)."""

    as_of: date | None = None
    SAYS: ClassVar[dict[str, str]] = {"as_of": "截至日期应为日期，如 2017-10-31 / as_of is a date, e.g. 2017-10-31"}


class NotReportedPage(Struct):
    page: Annotated[int, Meta(ge=1, le=10_000)] = 1
    SAYS: ClassVar[dict[str, str]] = {"page": "页码应为 1–10000 的整数 / the page is a whole number, 1–10000"}


async def years(actor: Actor) -> list[YearLine]:
    """Every year with reports or closed, newest first, with its reporting completeness."""
    actor.require(Action.READ_PARK)
    closed = await closed_years.closed_years()
    lines = []
    for year in sorted({p.year for p in await reported_periods(actor)} | closed, reverse=True):
        figures = await park_stats(actor, Period(year))
        lines.append(YearLine(year, year in closed, figures.tenants.at_end, figures.reported, []))
    return lines


def years_context(request: Request, lines: list[YearLine], words: Words) -> dict:
    lines = [
        YearLine(line.year, line.closed, line.due, line.reported, period_choices(words, of_the_year(line.year)[1:]))
        for line in lines
    ]
    return {
        "years": lines,
        "choices": period_choices(words, (p for line in lines for p in of_the_year(line.year))),
        "closers": roles_that(Action.CLOSE_YEAR),
        "reopeners": roles_that(Action.REOPEN_YEAR),
        "done": request.query_params.get("done"),
        "done_year": request.query_params.get("year", ""),
    }


def revenue_chart(words: Words, stats: ParkStats):
    period = Period.parse(stats.period).label(words.lang)
    title = words(f"{period}各产业营业收入（万元）", f"Revenue by industry, {period} (10k yuan)")
    return bars(
        title,
        [
            (INDUSTRY.label(line.industry, words.lang), line.figures.get("revenue"), wan(line.figures.get("revenue")))
            for line in stats.by_industry
        ],
    )


def _read_address(struct: type[S], request: Request, name: str) -> S:
    """A query parameter of these pages, typed; a bad one is the error page saying what is wrong with it."""
    try:
        return read_form(struct, {name: request.query_params.get(name, "")})
    except ValidationFailed as failed:  # the error page shows the detail: make it the field's message
        raise ValidationFailed(failed.errors[0].message, failed.errors) from None


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class StatisticsController(Controller):
    path = "/statistics"

    @get("/")
    async def overview(
        self, request: Request, actor: PageActor, period: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if period:  # the period picked from the list
            actor.require(Action.READ_PARK)
            return see_other(f"/statistics/{parse_period(period)}")
        context = years_context(request, await years(actor), Words(lang_of(request)))
        return render(request, "statistics.html", context, actor=actor)

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
        asked = parse_period(period)
        words = Words(lang_of(request))
        page = _read_address(NotReportedPage, request, "page").page
        typed = request.query_params.get("as_of", "").strip()
        error = None
        try:
            as_of = read_form(Census, {"as_of": typed}).as_of
            if as_of is not None:
                await park_stats(actor, asked, as_of)  # an as_of out of range is said beside the field
        except ValidationFailed as failed:
            error, as_of = words.say(failed.errors[0].message if failed.errors else failed.detail), None

        async def figures() -> dict:
            stats = await park_stats(actor, asked, as_of)
            listed = sorted({line.year for line in await years(actor)} | {asked.year}, reverse=True)
            census = f"as_of={as_of}&" if as_of else ""
            return {
                "stats": stats,
                "period_label": asked.label(words.lang),
                "previous_label": Period.parse(stats.previous).label(words.lang),
                "family": period_choices(words, of_the_year(asked.year)),
                "choices": period_choices(words, (p for year in listed for p in of_the_year(year))),
                "census": as_of is not None,
                "not_reported": stats.not_reported[(page - 1) * NOT_REPORTED_PAGE : page * NOT_REPORTED_PAGE],
                "page": page,
                "pages": max(1, -(-len(stats.not_reported) // NOT_REPORTED_PAGE)),
                "url_with": lambda page: f"/statistics/{asked}?{census}page={page}#not-reported",
                "chart": revenue_chart(words, stats),
                "figures": FIGURE_FIELDS,
            }

        heading, figures_part = await kept_parts(
            request, ("period", str(asked), as_of, page), figures, "_period_heading.html", "_period_figures.html"
        )
        return render(
            request,
            "statistics_period.html",
            {
                "heading": heading,
                "figures": figures_part,
                "period": str(asked),
                "period_label": asked.label(words.lang),
                "as_of": typed if error else (as_of.isoformat() if as_of else ""),
                "as_of_error": error,
                "writers": roles_that(Action.WRITE_PARK),
            },
            actor=actor,
        )


class DownloadController(Controller):
    """The workbooks the API serves, for a signed-in browser: the same functions, the same roles."""

    path = "/downloads"

    @get("/statistics/{period:str}")
    async def statistics(self, request: Request, actor: PageActor, period: FromPath[str]) -> Response:
        """A year's, a half's or a quarter's workbook (`?lang=zh|en`, `?as_of=` a census day), as
        `GET /api/v1/exports/statistics/{period}.xlsx` makes it."""
        actor.require(Action.READ_PARK)
        asked = parse_period(period)
        lang = request.query_params.get("lang", LANGS[0])
        lang = lang if lang in LANGS else LANGS[0]
        as_of = _read_address(Census, request, "as_of").as_of
        content = await statistics_workbook(actor, asked, lang, as_of, zone=request.app.state.settings.zone)
        census = f"-as-of-{as_of}" if as_of else ""
        return _xlsx(content, f"park-statistics-{asked}{census}-{lang}.xlsx")

    @get("/template")
    async def template(self, actor: PageActor, lang: FromQuery[str] = "zh") -> Response:
        lang = lang if lang in LANGS else LANGS[0]
        return _xlsx(template_workbook(lang), f"park-import-template-{lang}.xlsx")

    @get("/registry")
    async def registry(self, actor: PageActor) -> File:
        return await registry_file(actor)
