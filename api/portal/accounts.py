"""`/accounts`: admins create accounts, change a role or tenant, reset a password, deactivate; managers
do the same for tenant accounts (the service decides who may touch what). Any change ends the
account's sessions and tokens, as the account's version moves on."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.portal.forms import AccountForm, edited_version, messages, read_form
from api.portal.page import Form, PageActor, render, see_other
from registry.actor import Actor
from registry.errors import Conflict, PreconditionFailed, ValidationFailed
from registry.permissions import ROLES, Action
from registry.services import accounts
from registry.services.listing import Page

PAGE_SIZE = 50
_STALE = "该账号刚被其他人修改，请查看后重试 / someone else changed this account meanwhile; check it and try again"


_SHOWN = ("username", "role", "tenant_uscc", "password", "email")


def _errors(failed: ValidationFailed) -> dict[str, str]:
    return messages(failed, _SHOWN)


def _roles(actor: Actor) -> tuple[str, ...]:
    return ROLES if actor.may(Action.MANAGE_STAFF_ACCOUNTS) else ("tenant",)


class AccountPages(Controller):
    path = "/accounts"

    @get("/")
    async def list_page(
        self, request: Request, actor: PageActor, role: FromQuery[str] = "", page: FromQuery[int] = 1
    ) -> Template:
        actor.require(Action.MANAGE_ACCOUNTS)
        return await _list(request, actor, role, max(page, 1))

    @post("/")
    async def create(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        actor.require(Action.MANAGE_ACCOUNTS)
        typed = {k: data.get(k, "").strip() for k in ("username", "role", "tenant_uscc", "email")}
        fields = {
            **typed,
            "password": data.get("password", ""),
            "tenant_uscc": typed["tenant_uscc"] or None,
            "email": typed["email"] or None,
        }
        try:
            read_form(AccountForm, typed)
            row = await accounts.create_account(actor, fields)
        except ValidationFailed as failed:
            return await _list(request, actor, "", 1, typed, _errors(failed), 422)
        except Conflict as taken:
            return await _list(request, actor, "", 1, typed, {"username": taken.detail}, 409)
        return see_other(f"/accounts/{row['username']}?saved=created")

    @get("/{username:str}")
    async def account_page(self, request: Request, actor: PageActor, username: FromPath[str]) -> Template:
        row = await accounts.get_account(actor, username)
        return _account(request, actor, row)

    @post("/{username:str}")
    async def change(
        self, request: Request, actor: PageActor, username: FromPath[str], data: Form
    ) -> Template | Redirect:
        """One form per change: `what` is role (role + tenant), email, password, or active."""
        row = await accounts.get_account(actor, username)
        what = data.get("what", "")
        if what == "role":
            role = data.get("role", "")
            fields = {
                "role": role,
                "tenant_uscc": data.get("tenant_uscc", "").strip() or None if role == "tenant" else None,
            }
        elif what == "email":
            fields = {"email": data.get("email", "").strip() or None}
        elif what == "password":
            fields = {"password": data.get("password", "")}
        elif what == "active":
            fields = {"active": data.get("active") == "true"}
        else:
            return _account(request, actor, row, status_code=400)
        try:
            read_form(AccountForm, {"tenant_uscc": fields.get("tenant_uscc") or ""})
            await accounts.update_account(actor, username, fields, edited_version(data))
        except ValidationFailed as failed:
            return _account(request, actor, row, data, _errors(failed), status_code=422)
        except (PreconditionFailed, Conflict) as refused:
            message = _STALE if isinstance(refused, PreconditionFailed) else refused.detail
            return _account(request, actor, row, data, {"form": message}, status_code=409)
        return see_other(f"/accounts/{username}?saved={what}")


async def _list(
    request: Request,
    actor: Actor,
    role: str,
    page: int,
    typed: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    found = await accounts.list_accounts(actor, Page(PAGE_SIZE, (page - 1) * PAGE_SIZE), role or None)
    return render(
        request,
        "accounts.html",
        {
            "found": found,
            "role": role,
            "page": page,
            "pages": max(1, -(-found["total"] // PAGE_SIZE)),
            "roles": _roles(actor),
            "typed": typed or {"role": "tenant"},
            "errors": errors or {},
        },
        status_code=status_code,
        actor=actor,
    )


def _account(
    request: Request,
    actor: Actor,
    row: dict,
    typed: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "account_edit.html",
        {
            "account": row,
            "roles": _roles(actor),
            "typed": typed or {},
            "errors": errors or {},
            "saved": request.query_params.get("saved"),
            "is_self": row["username"] == actor.username,
        },
        status_code=status_code,
        actor=actor,
    )
