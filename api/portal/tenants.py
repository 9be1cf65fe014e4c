"""`/tenants`: the list (search, filters, sort, paging) and `/tenants/{uscc}`: a tenant's profile, IP
items, reports by period and recent changes; managers edit the profile, told when someone else
changed it first (the record's version, as the API's ETag and If-Match carry it)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.controllers.exports import XLSX
from api.portal import company_records
from api.portal.company_records import Desk
from api.portal.forms import AccountForm, edited_version, messages, read_form, reconcile
from api.portal.page import Form, PageActor, Words, lang_of, park_zone_of, render, see_other
from api.portal.trends import tenant_trends
from exports.tenant_list import tenant_list_filename, tenant_list_workbook
from registry import audit
from registry.actor import Actor
from registry.audit_words import entries_in_words
from registry.errors import Conflict, PreconditionFailed, ValidationFailed
from registry.permissions import Action
from registry.services import accounts, closed_years, ip_items, reports, tenants
from registry.services.listing import Page
from registry.trends import tenant_trend
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
                "can_register": actor.may(Action.WRITE_PARK),
                "partial": bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted"),
            },
            actor=actor,
        )

    @get("/workbook.xlsx")
    async def workbook(
        self,
        request: Request,
        actor: PageActor,
        q: FromQuery[str] = "",
        industry: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "name",
    ) -> Response:
        """The list as filtered on the page (its query carried by the download link), as a workbook."""
        lang = lang_of(request)
        content = await tenant_list_workbook(actor, q or None, industry or None, status or None, sort or None, lang)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="{tenant_list_filename(lang)}"',
                "Cache-Control": "no-store",
            },
        )

    @get("/new")
    async def register_form(self, request: Request, actor: PageActor) -> Template:
        actor.require(Action.WRITE_PARK)
        values = {f.key: "" for f in TENANT_FIELDS} | {"status": "incubating"}
        return _register_page(request, actor, values)

    @post("/new")
    async def register(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        actor.require(Action.WRITE_PARK)
        typed = {f.key: data.get(f.key, "").strip() for f in TENANT_FIELDS}
        try:
            row, _ = await tenants.create_tenant(actor, {k: v for k, v in typed.items() if v})
        except ValidationFailed as failed:
            return _register_page(request, actor, typed, messages(failed, typed), 422)
        except Conflict as taken:
            return _register_page(request, actor, typed, {"uscc": taken.detail}, 409)
        return see_other(f"/tenants/{row['uscc']}?saved=registered")

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
                "trends": tenant_trends(Words(lang_of(request)), await tenant_trend(actor, uscc)),
                "can_edit": actor.may(Action.WRITE_PARK),
                "can_add_account": actor.may(Action.MANAGE_ACCOUNTS),
                "closed": await closed_years.closed_years(),
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

    # -- the company's records, in the forms the tenant uses at /me (api/portal/company_records.py)

    @get("/{uscc:str}/ip/new")
    async def new_ip(self, request: Request, actor: PageActor, uscc: FromPath[str]) -> Template:
        desk = _staff_desk(actor, uscc)
        return await company_records.ip_page(request, actor, desk, None, {"kind": "invention", "status": "pending"})

    @post("/{uscc:str}/ip/new")
    async def add_ip(self, request: Request, actor: PageActor, uscc: FromPath[str], data: Form) -> Template | Redirect:
        return await company_records.add_ip(request, actor, _staff_desk(actor, uscc), data)

    @get("/{uscc:str}/ip/{item_id:int}")
    async def ip_page(
        self,
        request: Request,
        actor: PageActor,
        uscc: FromPath[str],
        item_id: FromPath[int],
        fee_year: FromQuery[int | None] = None,
    ) -> Template:
        return await company_records.show_ip(request, actor, _staff_desk(actor, uscc), item_id, fee_year)

    @post("/{uscc:str}/ip/{item_id:int}")
    async def edit_ip(
        self, request: Request, actor: PageActor, uscc: FromPath[str], item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.edit_ip(request, actor, _staff_desk(actor, uscc), item_id, data)

    @post("/{uscc:str}/ip/{item_id:int}/delete")
    async def delete_ip(
        self, request: Request, actor: PageActor, uscc: FromPath[str], item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.delete_ip(request, actor, _staff_desk(actor, uscc), item_id, data)

    @post("/{uscc:str}/ip/{item_id:int}/fees")
    async def record_fee(
        self, request: Request, actor: PageActor, uscc: FromPath[str], item_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        return await company_records.record_fee(request, actor, _staff_desk(actor, uscc), item_id, data)

    @get("/{uscc:str}/reports/new")
    async def new_report(
        self, request: Request, actor: PageActor, uscc: FromPath[str], unit: FromQuery[str] = "元"
    ) -> Template:
        return await company_records.new_report(request, actor, _staff_desk(actor, uscc), unit)

    @get("/{uscc:str}/reports/{period:str}")
    async def report_form(
        self,
        request: Request,
        actor: PageActor,
        uscc: FromPath[str],
        period: FromPath[str],
        unit: FromQuery[str] = "元",
    ) -> Template:
        return await company_records.show_report(request, actor, _staff_desk(actor, uscc), period, unit)

    @post("/{uscc:str}/reports")
    async def save_report(
        self, request: Request, actor: PageActor, uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        return await company_records.save_report(request, actor, _staff_desk(actor, uscc), data)

    # -- the company's account, made from its page (no USCC to type)

    @get("/{uscc:str}/account")
    async def account_form(self, request: Request, actor: PageActor, uscc: FromPath[str]) -> Template:
        tenant = await _for_accounts(actor, uscc)
        return _account_page(request, actor, tenant, {"username": ""})

    @post("/{uscc:str}/account")
    async def add_account(
        self, request: Request, actor: PageActor, uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        tenant = await _for_accounts(actor, uscc)
        typed = {"username": data.get("username", "").strip()}
        fields = {**typed, "password": data.get("password", ""), "role": "tenant", "tenant_uscc": tenant["uscc"]}
        try:
            read_form(AccountForm, typed)
            row = await accounts.create_account(actor, fields)
        except ValidationFailed as failed:
            return _account_page(request, actor, tenant, typed, messages(failed, ("username", "password")), 422)
        except Conflict as taken:
            return _account_page(request, actor, tenant, typed, {"username": taken.detail}, 409)
        return see_other(f"/accounts/{row['username']}?saved=created")


def _staff_desk(actor: Actor, uscc: str) -> Desk:
    """A company's records at a staff page: another tenant's are the same 404 as a company that does not
    exist; the tenant's own, and the statistics office, are refused (403): these are the managers' forms."""
    uscc = uscc.upper()
    actor.require_read(uscc)
    actor.require(Action.WRITE_PARK)
    return Desk(uscc, f"/tenants/{uscc}")


async def _for_accounts(actor: Actor, uscc: str) -> dict:
    uscc = uscc.upper()
    actor.require_read(uscc)
    actor.require(Action.MANAGE_ACCOUNTS)
    return await tenants.get_tenant(actor, uscc)


def _account_page(
    request: Request,
    actor: Actor,
    tenant: dict,
    typed: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenant_account.html",
        {"tenant": tenant, "typed": typed, "errors": errors or {}},
        status_code=status_code,
        actor=actor,
    )


def _register_page(
    request: Request,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenant_edit.html",
        {
            "tenant": None,
            "fields": TENANT_FIELDS,
            "back": "/tenants",
            "action": "/tenants/new",
            "values": values,
            "was": values,
            "version": 0,
            "errors": errors or {},
            "clashes": None,
            "enums": {"industry": INDUSTRY, "status": TENANT_STATUS},
        },
        status_code=status_code,
        actor=actor,
    )


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
        clashes, merged = reconcile(fields, typed, was, now)
        return _edit_page(
            request, actor, tenant, fields, back, merged, now, tenant["version"], clashes=clashes, status_code=409
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
    clashes: list | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenant_edit.html",
        {
            "tenant": tenant,
            "fields": fields,
            "back": back,
            "action": f"{back}/edit",
            "values": values,
            "was": was,
            "version": version,
            "errors": errors or {},
            "clashes": clashes,
            "enums": {"industry": INDUSTRY, "status": TENANT_STATUS},
        },
        status_code=status_code,
        actor=actor,
    )
