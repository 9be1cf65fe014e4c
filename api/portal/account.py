"""`/account`: anyone signed in changes their own password; every other session and token of the
account ends, this one carries on under a new session id."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from api.portal.page import Form, PageActor, begin_session, render, see_other
from registry.actor import Actor
from registry.errors import ValidationFailed
from registry.services import accounts

_MISMATCH = "两次输入的新密码不一致 / the two new passwords differ"


def _page(request: Request, actor: Actor, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    return render(
        request,
        "account.html",
        {"errors": errors or {}, "saved": request.query_params.get("saved")},
        status_code=status_code,
        actor=actor,
    )


class AccountPage(Controller):
    path = "/account"

    @get("/")
    async def show(self, request: Request, actor: PageActor) -> Template:
        return _page(request, actor)

    @post("/")
    async def change_password(self, request: Request, actor: PageActor, data: Form) -> Template | Redirect:
        current, new = data.get("current_password", ""), data.get("new_password", "")
        if new != data.get("repeat_password", ""):
            return _page(request, actor, {"repeat_password": _MISMATCH}, 422)
        try:
            actor, claims = await accounts.change_own_password(actor, current, new)
        except ValidationFailed as failed:
            return _page(request, actor, {e.field: e.message for e in failed.errors}, 422)
        response = see_other("/account?saved=1")
        await begin_session(request, response, actor.username, claims)
        return response
