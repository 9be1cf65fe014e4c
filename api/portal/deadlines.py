"""`/deadlines` (SPEC §8): the IP deadlines falling due within a window, soonest first, with what they
cost today, and the fee years already past their grace (the items at risk of lapse). Managers, admins
and the statistics office see the park, a tenant its own — the same service and reader rules as
`GET /api/v1/deadlines`. Downloads: a tenant's calendar (.ics) and the park's deadlines workbook."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.controllers.deadlines import subscription_answer
from api.controllers.exports import XLSX
from api.portal.forms import DeadlineWindow, read_form
from api.portal.page import Form, PageActor, lang_of, render
from exports.calendar import deadline_calendar
from exports.deadlines import deadlines_workbook
from registry.errors import NotFound, ValidationFailed
from registry.permissions import Action
from registry.services import calendar_keys, deadlines
from registry.services.deadline_table import at_risk
from registry.services.listing import Page
from registry.vocabulary import DEADLINE_FIELDS, IP_KIND

PAGE_SIZE = 50
PAST_GRACE_SHOWN = 50  # the rest are in the workbook
_EMPTY = {"items": [], "total": 0}


def _days(typed: str) -> int:
    return read_form(DeadlineWindow, {"within": typed}).within


class DeadlinePages(Controller):
    path = "/deadlines"

    @get("/")
    async def list_page(
        self,
        request: Request,
        actor: PageActor,
        within: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        uscc: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        page = max(page, 1)
        within, kind, uscc = within.strip(), kind.strip(), uscc.strip().upper()
        errors: dict[str, str] = {}
        found, past, risky, status = _EMPTY, _EMPTY, set(), 200
        days = deadlines.DEFAULT_WITHIN_DAYS
        try:
            days = _days(within)
            found = await deadlines.list_deadlines(
                actor, Page(PAGE_SIZE, (page - 1) * PAGE_SIZE), days, kind or None, uscc or None
            )
            past = await deadlines.past_grace(actor, Page(PAST_GRACE_SHOWN, 0), kind or None, uscc or None)
            risky = await at_risk([d["ip_id"] for d in found["items"]])
        except ValidationFailed as failed:
            errors, status = {e.field: e.message for e in failed.errors} or {"form": failed.detail}, 422
        except NotFound as missing:
            if not actor.reads_everything:
                raise  # a tenant asking for another's deadlines: the same 404 page as for an unknown tenant
            errors, status = {"uscc": missing.detail}, 404
        return render(
            request,
            "deadlines.html",
            {
                "found": found,
                "past": past,
                "risky": risky,
                "within": within or days,  # as typed
                "days": days if "within" not in errors else deadlines.DEFAULT_WITHIN_DAYS,  # the window shown
                "kind": kind,
                "uscc": uscc,
                "page": page,
                "pages": max(1, -(-found["total"] // PAGE_SIZE)),
                "errors": errors,
                "park_wide": actor.reads_everything,
                "calendar_of": uscc or (None if actor.reads_everything else actor.tenant_uscc),
                "may_subscribe": actor.may(Action.HOLD_CALENDAR_KEY),
                "fields": {f.key: f for f in DEADLINE_FIELDS},
                "kinds": IP_KIND,
            },
            status_code=status,
            actor=actor,
        )

    @get("/{uscc:str}/calendar.ics")
    async def calendar(self, actor: PageActor, uscc: FromPath[str]) -> Response:
        """A tenant's deadlines as the API's iCalendar feed gives them, for a signed-in browser."""
        uscc = uscc.upper()
        rows = await deadlines.tenant_deadlines(actor, uscc)
        return Response(
            deadline_calendar(uscc, rows),
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{uscc}-deadlines.ics"',
                "Cache-Control": "no-store",
            },
        )

    @post("/{uscc:str}/subscription")
    async def subscription(self, request: Request, actor: PageActor, uscc: FromPath[str], data: Form) -> Template:
        """The URL a calendar app subscribes to for the tenant's deadlines (the key is issued at the first
        ask, audited); `renew=1` draws a new key, and every URL handed out before stops working."""
        uscc = uscc.upper()
        renewed = data.get("renew") == "1"
        row = await (calendar_keys.renew if renewed else calendar_keys.subscription)(actor, uscc)
        return render(
            request,
            "deadlines_subscription.html",
            {"subscription": subscription_answer(request, row), "renewed": renewed},
            actor=actor,
        )

    @get("/workbook.xlsx")
    async def workbook(self, request: Request, actor: PageActor, within: FromQuery[str] = "") -> Response:
        """The park's deadlines workbook (`park export deadlines`) for the page's window and language."""
        lang = lang_of(request)
        days = _days(within.strip())
        content = await deadlines_workbook(actor, days, lang)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="park-deadlines-{days}d-{lang}.xlsx"',
                "Cache-Control": "no-store",
            },
        )


__all__ = ["DeadlinePages"]
