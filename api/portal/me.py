"""`/me`: a tenant's own company. The self-service fields are editable, the rest read-only; its IP
items added, edited and deleted; its period reports entered in 元 or 万元 (stored exactly in fen),
closed years read-only. Every write is the registry service the API calls, with this actor."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.portal.forms import edited_version, messages
from api.portal.page import Form, PageActor, render, see_other
from api.portal.tenants import profile_form, save_profile
from registry.actor import Actor
from registry.errors import Conflict, PreconditionFailed, ValidationFailed
from registry.money import in_unit
from registry.permissions import Action
from registry.services import closed_years, deadlines, ip_items, reports, tenants
from registry.services.listing import Page
from registry.services.reports import FIGURE_FIELDS
from registry.vocabulary import IP_FIELDS, TENANT_FIELDS

SELF_SERVICE = tuple(f for f in TENANT_FIELDS if f.tenant_editable)
IP_FORM_FIELDS = tuple(f for f in IP_FIELDS if f.key != "uscc")
UNITS = ("元", "万元")
_STALE = "在您编辑期间，此记录已被其他人修改，请核对后再保存 / someone else changed this record while you were editing; check it and save again"


def _own(actor: Actor) -> str:
    actor.require(Action.KEEP_OWN_TENANT)
    assert actor.tenant_uscc is not None
    return actor.tenant_uscc


def _errors(failed: ValidationFailed | Conflict, shown: tuple[str, ...]) -> dict[str, str]:
    if isinstance(failed, Conflict):
        return {e.field: e.message for e in failed.errors} or {"form": failed.detail}
    return messages(failed, shown)


_IP_SHOWN = tuple(f.key for f in IP_FORM_FIELDS)
_REPORT_SHOWN = ("period", "unit", *(f.key for f in FIGURE_FIELDS))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def in_words(fen: int | None, unit: str) -> str:
    """A stored amount written in `unit` exactly, as a form field holds it: no float, no lost fen."""
    if fen is None:
        return ""
    text = format(in_unit(fen, unit), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
        # What is due comes first on the home (SPEC §7): the next deadlines and fees past their grace.
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
                "due": due,
                "past": past,
                "reports": reported["items"],
                "closed": closed,
                "fields": TENANT_FIELDS,
                "figures": FIGURE_FIELDS,
                "saved": request.query_params.get("saved"),
            },
            actor=actor,
        )

    # -- IP items ---------------------------------------------------------------------------------

    @get("/ip/new")
    async def new_ip(self, request: Request, actor: PageActor) -> Template:
        _own(actor)
        return _ip_page(request, actor, None, {"kind": "invention", "status": "pending"})

    @post("/ip/new")
    async def add_ip(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        uscc = _own(actor)
        typed = {f.key: data.get(f.key, "").strip() for f in IP_FORM_FIELDS}
        try:
            await ip_items.create_ip(actor, uscc, {k: v or None for k, v in typed.items()})
        except (ValidationFailed, Conflict) as failed:
            return _ip_page(
                request,
                actor,
                None,
                typed,
                _errors(failed, _IP_SHOWN),
                422 if isinstance(failed, ValidationFailed) else 409,
            )
        return see_other("/me?saved=ip#ip")

    @get("/ip/{item_id:int}")
    async def edit_ip_form(self, request: Request, actor: PageActor, item_id: FromPath[int]) -> Template:
        _own(actor)
        item = await ip_items.get_ip(actor, item_id)
        return _ip_page(request, actor, item, {f.key: _text(item[f.key]) for f in IP_FORM_FIELDS})

    @post("/ip/{item_id:int}")
    async def edit_ip(
        self, request: Request, actor: PageActor, item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        _own(actor)
        item = await ip_items.get_ip(actor, item_id)
        typed = {f.key: data.get(f.key, "").strip() for f in IP_FORM_FIELDS}
        try:
            await ip_items.update_ip(actor, item_id, {k: v or None for k, v in typed.items()}, edited_version(data))
        except (ValidationFailed, Conflict) as failed:
            return _ip_page(
                request,
                actor,
                item,
                typed,
                _errors(failed, _IP_SHOWN),
                422 if isinstance(failed, ValidationFailed) else 409,
            )
        except PreconditionFailed:
            item = await ip_items.get_ip(actor, item_id)
            return _ip_page(request, actor, item, typed, {"form": _STALE}, 409)
        return see_other("/me?saved=ip#ip")

    @post("/ip/{item_id:int}/delete")
    async def delete_ip(
        self, request: Request, actor: PageActor, item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        _own(actor)
        try:
            await ip_items.delete_ip(actor, item_id, edited_version(data))
        except ValidationFailed as failed:
            item = await ip_items.get_ip(actor, item_id)
            return _ip_page(
                request, actor, item, {f.key: _text(item[f.key]) for f in IP_FORM_FIELDS}, _errors(failed, ()), 422
            )
        except PreconditionFailed:
            item = await ip_items.get_ip(actor, item_id)
            return _ip_page(
                request, actor, item, {f.key: _text(item[f.key]) for f in IP_FORM_FIELDS}, {"form": _STALE}, 409
            )
        return see_other("/me?saved=ip_deleted#ip")

    # -- period reports ---------------------------------------------------------------------------

    @get("/reports/new")
    async def new_report(self, request: Request, actor: PageActor, unit: FromQuery[str] = "元") -> Template:
        _own(actor)
        return await _report_page(request, actor, None, {"period": "", "unit": unit if unit in UNITS else "元"})

    @get("/reports/{period:str}")
    async def report_form(
        self, request: Request, actor: PageActor, period: FromPath[str], unit: FromQuery[str] = "元"
    ) -> Template:
        uscc = _own(actor)
        report = await reports.get_report(actor, uscc, period)
        unit = unit if unit in UNITS else "元"
        typed = {
            "period": report["period"],
            "unit": unit,
            **{
                f.key: in_words(report[f.key], unit) if f.type == "money" else _text(report[f.key])
                for f in FIGURE_FIELDS
            },
        }
        return await _report_page(request, actor, report, typed)

    @post("/reports")
    async def save_report(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        uscc = _own(actor)
        typed = {k: data.get(k, "").strip() for k in ("period", "unit", *(f.key for f in FIGURE_FIELDS))}
        existing = None
        figures = {f.key: typed[f.key] or None for f in FIGURE_FIELDS}
        try:
            version = edited_version(data)
            if version:
                existing = await reports.get_report(actor, uscc, typed["period"])
            row, _ = await reports.put_report(
                actor, uscc, typed["period"], figures, version or None, unit=typed["unit"] or "元"
            )
        except (ValidationFailed, Conflict) as failed:
            return await _report_page(
                request,
                actor,
                existing,
                typed,
                _errors(failed, _REPORT_SHOWN),
                422 if isinstance(failed, ValidationFailed) else 409,
            )
        except PreconditionFailed:
            return await _report_page(request, actor, existing, typed, {"form": _STALE}, 409)
        return see_other("/me?saved=report#reports")


def _ip_page(
    request: Request,
    actor: Actor,
    item: dict | None,
    typed: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "me_ip.html",
        {"item": item, "typed": typed, "fields": IP_FORM_FIELDS, "errors": errors or {}},
        status_code=status_code,
        actor=actor,
    )


async def _report_page(
    request: Request,
    actor: Actor,
    report: dict | None,
    typed: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    closed = await closed_years.closed_years()
    year = (report or {}).get("period", "")[:4]
    return render(
        request,
        "me_report.html",
        {
            "report": report,
            "typed": typed,
            "figures": FIGURE_FIELDS,
            "units": UNITS,
            "errors": errors or {},
            "read_only": year.isdigit() and int(year) in closed,
        },
        status_code=status_code,
        actor=actor,
    )
