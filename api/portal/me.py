"""`/me`: a tenant's own company. The self-service fields are editable, the rest read-only; its IP
items added, edited and deleted; its period reports entered in 元 or 万元 (stored exactly in fen),
closed years read-only. Every write is the registry service the API calls, with this actor."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.portal import company_records
from api.portal.company_records import Desk
from api.portal.page import Form, PageActor, Words, lang_of, render
from api.portal.tenants import profile_form, save_profile
from api.portal.trends import tenant_trends
from registry.actor import Actor
from registry.permissions import Action
from registry.services import closed_years, deadlines, ip_items, reminders, reports, returns, tenants
from registry.services.listing import Page
from registry.services.reports import FIGURE_FIELDS
from registry.trends import tenant_trend
from registry.vocabulary import TENANT_FIELDS

SELF_SERVICE = tuple(f for f in TENANT_FIELDS if f.tenant_editable)


def _own(actor: Actor) -> str:
    actor.require(Action.KEEP_OWN_TENANT)
    assert actor.tenant_uscc is not None
    return actor.tenant_uscc


# The deadlines the home lists before anything else; the rest are on /deadlines.
DUE_SHOWN = 5


class MePages(Controller):
    path = "/me"

    @get("/edit")
    async def edit_form(self, request: Request, actor: PageActor) -> Template:
        return await profile_form(request, actor, _own(actor), SELF_SERVICE, "/me")

    @post("/edit")
    async def edit(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        return await save_profile(request, actor, _own(actor), data, SELF_SERVICE, "/me")

    @get("/")
    async def company(self, request: Request, actor: PageActor, ip_q: FromQuery[str] = "") -> Template:
        uscc = _own(actor)
        tenant = await tenants.get_tenant(actor, uscc)
        items = await ip_items.list_ip(actor, uscc, Page(500, 0, "-filed_on"), q=ip_q or None)
        # What is due comes first on the home (SPEC §7): the returns asked of it (SPEC §9), the next
        # deadlines and fees past their grace.
        asked = await returns.asked_of(actor)
        due = await deadlines.list_deadlines(actor, Page(DUE_SHOWN, 0), uscc=uscc)
        past = await deadlines.past_grace(actor, Page(DUE_SHOWN, 0), uscc=uscc)
        reported = await reports.list_reports(actor, uscc, Page(500, 0))
        closed = await closed_years.closed_years()
        return render(
            request,
            "me.html",
            {
                "tenant": tenant,
                "items": items,
                "ip_q": ip_q,
                "asked": asked,
                "due": due,
                "past": past,
                "reports": reported["items"],
                "closed": closed,
                "fields": TENANT_FIELDS,
                "figures": FIGURE_FIELDS,
                "trends": tenant_trends(Words(lang_of(request)), await tenant_trend(actor, uscc)),
                "saved": request.query_params.get("saved"),
                "reminders": await reminders.my_reminders(actor),
            },
            actor=actor,
        )

    # -- IP items and period reports: the forms staff use at /tenants/{uscc} (api/portal/company_records.py)

    @get("/ip/new")
    async def new_ip(self, request: Request, actor: PageActor) -> Template:
        desk = _desk(actor)
        return await company_records.ip_page(request, actor, desk, None, {"kind": "invention", "status": "pending"})

    @post("/ip/new")
    async def add_ip(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        return await company_records.add_ip(request, actor, _desk(actor), data)

    @get("/ip/{item_id:int}")
    async def edit_ip_form(
        self, request: Request, actor: PageActor, item_id: FromPath[int], fee_year: FromQuery[int | None] = None
    ) -> Template:
        return await company_records.show_ip(request, actor, _desk(actor), item_id, fee_year)

    @post("/ip/{item_id:int}")
    async def edit_ip(
        self, request: Request, actor: PageActor, item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.edit_ip(request, actor, _desk(actor), item_id, data)

    @post("/ip/{item_id:int}/delete")
    async def delete_ip(
        self, request: Request, actor: PageActor, item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.delete_ip(request, actor, _desk(actor), item_id, data)

    @post("/ip/{item_id:int}/fees")
    async def record_fee(
        self, request: Request, actor: PageActor, item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.record_fee(request, actor, _desk(actor), item_id, data)

    @get("/reports/new")
    async def new_report(self, request: Request, actor: PageActor, unit: FromQuery[str] = "元") -> Template:
        return await company_records.new_report(request, actor, _desk(actor), unit)

    @get("/reports/{period:str}")
    async def report_form(
        self, request: Request, actor: PageActor, period: FromPath[str], unit: FromQuery[str] = "元"
    ) -> Template:
        return await company_records.show_report(request, actor, _desk(actor), period, unit)

    @post("/reports")
    async def save_report(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        return await company_records.save_report(request, actor, _desk(actor), data)


def _desk(actor: Actor) -> Desk:
    return Desk(_own(actor), "/me")
