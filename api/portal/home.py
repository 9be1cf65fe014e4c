"""`/`: the home page for the role — a manager's park dashboard, the statistics office's years, a
tenant's own company (/me)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.portal.page import PageActor, Words, lang_of, render, see_other
from api.portal.statistics import period_choices, revenue_chart, years, years_context
from api.portal.trends import park_trends
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
        trends = park_trends(words, await park_trend(actor))
        if not actor.may(Action.WRITE_PARK):
            context = years_context(request, await years(actor), words)
            return render(request, "home_statistician.html", context | {"trends": trends}, actor=actor)
        periods = await reported_periods(actor)
        # The latest period anyone has reported for, unless another is asked for.
        chosen = parse_period(period) if period else (periods[-1] if periods else None)
        stats = await park_stats(actor, chosen) if chosen else None
        chart = revenue_chart(words, stats) if stats else None
        return render(
            request,
            "home.html",
            {
                "stats": stats,
                "chart": chart,
                "periods": period_choices(words, reversed(periods)),
                "trends": trends,
                "period_label": chosen.label(words.lang) if chosen else "",
            },
            actor=actor,
        )
