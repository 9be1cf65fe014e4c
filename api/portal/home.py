"""`/`: the home page for the role — a manager's park dashboard, the statistics office's years, a
tenant's own company (/me)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.portal.kept import kept_parts
from api.portal.page import PageActor, Words, lang_of, render, see_other
from api.portal.statistics import NOT_REPORTED_PAGE, period_choices, revenue_chart, years, years_context
from api.portal.trends import park_trends
from registry.actor import Actor
from registry.permissions import Action
from registry.services.reports import parse_period
from registry.stats import park_stats, reported_periods
from registry.trends import park_trend


class HomeController(Controller):
    path = "/"

    @get("/")
    async def home(
        self, request: Request, actor: PageActor, period: FromQuery[str | None] = None
    ) -> Template | Redirect:
        if actor.may(Action.KEEP_OWN_TENANT):
            return see_other("/me")
        words = Words(lang_of(request))
        if not actor.may(Action.WRITE_PARK):
            context = years_context(request, await years(actor), words)
            (trends,) = await kept_parts(request, ("trends",), lambda: _trends(words, actor), "_park_trends.html")
            return render(request, "home_statistician.html", context | {"trends": trends}, actor=actor)
        asked = parse_period(period) if period else None

        async def dashboard() -> dict:
            periods = await reported_periods(actor)
            # The latest period anyone has reported for, unless another is asked for.
            chosen = asked or (periods[-1] if periods else None)
            stats = await park_stats(actor, chosen) if chosen else None
            return {
                "stats": stats,
                "chart": revenue_chart(words, stats) if stats else None,
                "periods": period_choices(words, reversed(periods)),
                "period_label": chosen.label(words.lang) if chosen else "",
                "listed": NOT_REPORTED_PAGE,
            } | await _trends(words, actor)

        (part,) = await kept_parts(request, ("dashboard", str(asked)), dashboard, "_dashboard.html")
        return render(request, "home.html", {"dashboard": part}, actor=actor)


async def _trends(words: Words, actor: Actor) -> dict:
    return {"trends": park_trends(words, await park_trend(actor))}
