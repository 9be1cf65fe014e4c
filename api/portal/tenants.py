"""`/tenants`: the list (search, filters, sort, paging) and `/tenants/{uscc}`: a tenant's profile, IP
items, reports by period and recent changes; managers edit the profile, told when someone else
changed it first (the record's version, as the API's ETag and If-Match carry it)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.portal.forms import edited_version, messages
from api.portal.page import Form, PageActor, lang_of, park_zone_of, render, see_other
from registry import audit
from registry.actor import Actor
from registry.audit_words import entries_in_words
from registry.errors import PreconditionFailed, ValidationFailed
from registry.permissions import Action
from registry.services import ip_items, reports, tenants
from registry.services.listing import Page
from registry.vocabulary import INDUSTRY, TENANT_FIELDS, TENANT_STATUS, field_named

PAGE_SIZE = 50
EDITABLE = tuple(f for f in TENANT_FIELDS if f.key != "uscc")
SORTS = tuple(field_named(TENANT_FIELDS, key) for key in ("name", "uscc", "industry", "status", "moved_in_on"))


def _shown(value: Any) -> str:
    """A stored value as a form holds it."""
    return "" if value is None else str(value)


class TenantPages(Controller):
    path = "/tenants"

    @get("/")
    async def list_page(
        self,
        request: Request,
        actor: PageActor,
        q: FromQuery[str] = "",
        industry: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "name",
        page: FromQuery[int] = 1,
    ) -> Template:
        actor.require(Action.READ_PARK)  # a tenant's own company is /me
        page = max(page, 1)
        error = None
        try:
            found = await tenants.list_tenants(
                actor,
                Page(PAGE_SIZE, (page - 1) * PAGE_SIZE, sort or "name"),
                industry or None,
                status or None,
                q or None,
            )
        except ValidationFailed as failed:
            error, found = failed, {"items": [], "total": 0}
        pages = max(1, -(-found["total"] // PAGE_SIZE))
        return render(
            request,
            "tenants.html",
            {
                "found": found,
                "q": q,
                "industry": industry,
                "status": status,
                "sort": sort,
                "page": page,
                "pages": pages,
                "error": error,
                "sorts": SORTS,
                "partial": bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted"),
            },
            actor=actor,
        )

    @get("/{uscc:str}")
    async def profile(
        self, request: Request, actor: PageActor, uscc: FromPath[str], ip_q: FromQuery[str] = ""
    ) -> Template | Redirect:
        uscc = uscc.upper()
        if (own := _own_company(actor, uscc, "/me")) is not None:
            return own
        actor.require(Action.READ_PARK)
        tenant = await tenants.get_tenant(actor, uscc)
        items = await ip_items.list_ip(actor, uscc, Page(500, 0, "-filed_on"), q=ip_q or None)
        reported = await reports.list_reports(actor, uscc, Page(500, 0))
        changes = (
            await entries_in_words(
                (await audit.list_entries(actor, None, uscc, 10, 0))["items"], lang_of(request), park_zone_of(request)
            )
            if actor.may(Action.READ_AUDIT)
            else []
        )
        return render(
            request,
            "tenant.html",
            {
                "tenant": tenant,
                "items": items,
                "ip_q": ip_q,
                "reports": reported["items"],
                "changes": changes,
                "can_edit": actor.may(Action.WRITE_PARK),
                "saved": request.query_params.get("saved"),
            },
            actor=actor,
        )

    @get("/{uscc:str}/edit")
    async def edit_form(self, request: Request, actor: PageActor, uscc: FromPath[str]) -> Template | Redirect:
        uscc = uscc.upper()
        if (own := _own_company(actor, uscc, "/me/edit")) is not None:
            return own
        actor.require(Action.WRITE_PARK)
        return await profile_form(request, actor, uscc, EDITABLE, f"/tenants/{uscc}")

    @post("/{uscc:str}/edit")
    async def edit(self, request: Request, actor: PageActor, uscc: FromPath[str], data: Form) -> Template | Redirect:
        uscc = uscc.upper()
        actor.require_read(uscc)  # another tenant's: the same 404 as an unknown one, before any role check
        actor.require(Action.WRITE_PARK)
        return await save_profile(request, actor, uscc, data, EDITABLE, f"/tenants/{uscc}")


def _own_company(actor: Actor, uscc: str, own_page: str) -> Redirect | None:
    """A tenant at a staff page of a company: its own is shown on its own page (/me); another
    tenant's is the 404 the API answers — the same as for a company that does not exist — never a
    403 that would tell it the address names someone."""
    actor.require_read(uscc)
    return None if actor.reads_everything else see_other(own_page)


async def profile_form(request: Request, actor: Actor, uscc: str, fields: tuple, back: str) -> Template:
    """The form for `fields` of a tenant's profile (a manager's: all; the tenant's own, /me: self-service)."""
    tenant = await tenants.get_tenant(actor, uscc)
    values = {f.key: _shown(tenant[f.key]) for f in fields}
    return _edit_page(request, actor, tenant, fields, back, values, values, tenant["version"])


async def save_profile(
    request: Request, actor: Actor, uscc: str, data: dict[str, str], fields: tuple, back: str
) -> Template | Redirect:
    typed = {f.key: data.get(f.key, "").strip() for f in fields}
    was = {f.key: data.get(f"was_{f.key}", "") for f in fields}
    version = 0
    try:
        version = edited_version(data)
        await tenants.update_tenant(actor, uscc, {k: v or None for k, v in typed.items()}, version)
    except ValidationFailed as failed:
        tenant = await tenants.get_tenant(actor, uscc)
        errors = messages(failed, typed)
        return _edit_page(
            request,
            actor,
            tenant,
            fields,
            back,
            typed,
            was,
            version or tenant["version"],
            errors=errors,
            status_code=422,
        )
    except PreconditionFailed:
        # Someone saved first: show what they changed; keep what this user changed and take theirs for
        # the rest, so saving again overwrites only what this user meant to change.
        tenant = await tenants.get_tenant(actor, uscc)
        now = {f.key: _shown(tenant[f.key]) for f in fields}
        changed = [(f, was[f.key], now[f.key]) for f in fields if was[f.key] != now[f.key]]
        merged = {k: typed[k] if typed[k] != was[k] else now[k] for k in typed}
        return _edit_page(
            request, actor, tenant, fields, back, merged, now, tenant["version"], changed=changed, status_code=409
        )
    return see_other(f"{back}?saved=1")


def _edit_page(
    request: Request,
    actor: Actor,
    tenant: dict,
    fields: tuple,
    back: str,
    values: dict[str, str],
    was: dict[str, str],
    version: int,
    errors: dict[str, str] | None = None,
    changed: list | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenant_edit.html",
        {
            "tenant": tenant,
            "fields": fields,
            "back": back,
            "values": values,
            "was": was,
            "version": version,
            "errors": errors or {},
            "changed": changed,
            "enums": {"industry": INDUSTRY, "status": TENANT_STATUS},
        },
        status_code=status_code,
        actor=actor,
    )
