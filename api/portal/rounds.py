"""Report rounds in the browser (SPEC §9): a tenant fills its return (`/returns`, the form beside last
period's and last year's figures), the office reviews (`/rounds`, a round's returns by state and
industry, accept, send back with reasons per field, accept many, fill on a tenant's behalf, excuse).
Every action is the registry service the API calls, with this actor."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from api.portal.company_records import in_words
from api.portal.forms import edited_version, messages
from api.portal.page import Form, PageActor, render, see_other
from registry.actor import Actor
from registry.errors import Conflict, FieldError, PreconditionFailed, ValidationFailed
from registry.permissions import Action
from registry.return_checks import BY_CODE
from registry.return_states import FILLABLE
from registry.services import returns, rounds
from registry.services.listing import Page
from registry.services.reports import FIGURE_FIELDS

UNITS = ("元", "千元", "万元")
_FIELDS = {f.key: f for f in FIGURE_FIELDS}
_STALE = "在您编辑期间，此报表已被其他人修改，请核对后再提交 / someone else changed this return meanwhile; check it and try again"


def _words(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """A page's values with what every rounds page shows: figures by key (periods in words are every
    page's `period_label`)."""
    return {"FIGURE_FIELDS_BY_KEY": _FIELDS, **values}


def _unit(asked: str | None) -> str:
    return asked if asked in UNITS else "元"


def _typed(form: returns.ReturnForm, unit: str) -> dict[str, str]:
    figures = form.figures
    return {
        key: in_words(figures[key], unit)
        if _FIELDS[key].type == "money"
        else ("" if figures[key] is None else str(figures[key]))
        for key in form.fields
    }


async def _form_page(
    request: Request,
    actor: Actor,
    round_id: int,
    uscc: str,
    unit: str,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    warnings: list[dict[str, str]] | None = None,
    explanations: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    form = await returns.get_return(actor, round_id, uscc)
    fills = form.state in FILLABLE and (actor.may(Action.FILE_RETURN) or actor.may(Action.MANAGE_RETURNS))
    return render(
        request,
        "return_form.html",
        _words(
            request,
            {
                "form": form,
                "fields": [_FIELDS[key] for key in form.fields],
                "typed": typed if typed is not None else _typed(form, unit),
                "unit": unit,
                "units": UNITS,
                "errors": errors or {},
                "warnings": warnings or [],
                "explanations": explanations or {},
                "checks": BY_CODE,
                "fills": fills,
                "reviews": actor.may(Action.REVIEW_RETURNS),
                "excuses": actor.may(Action.MANAGE_RETURNS) and form.state in FILLABLE,
                "on_behalf": fills and not actor.may(Action.FILE_RETURN),
                "back": "/returns" if actor.may(Action.FILE_RETURN) else f"/rounds/{round_id}",
                "saved": request.query_params.get("saved"),
                "in_words": in_words,
            },
        ),
        status_code=status_code,
        actor=actor,
    )


_PICK = "请选择要加入本轮的企业 / pick the tenant to add to the round"


async def _round_page(
    request: Request,
    actor: Actor,
    round_id: int,
    state: str = "",
    industry: str = "",
    offset: int = 0,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """A round: its counts, its returns filtered, and what this actor may do from it (accept many; add
    a tenant, for managers; close it, for the statistics office)."""
    chosen = await rounds.get_round(actor, round_id)
    listed = await returns.list_returns(actor, round_id, Page(100, offset), state or None, industry or None)
    manages = actor.may(Action.MANAGE_RETURNS) and chosen.state == "open"
    added = request.query_params.get("added")
    context = {
        "round": chosen,
        "returns": listed,
        "state": state,
        "industry": industry,
        "accepted": request.query_params.get("accepted"),
        "skipped": request.query_params.get("skipped"),
        "closed": request.query_params.get("closed"),
        "added": (await returns.get_return(actor, round_id, added)).name if added else None,
        "accepts": actor.may(Action.REVIEW_RETURNS),
        "addable": await returns.addable_tenants(actor, round_id) if manages else None,
        "closes": actor.may(Action.RUN_ROUNDS) and chosen.state == "open",
        "errors": errors or {},
    }
    return render(request, "round.html", _words(request, context), status_code=status_code, actor=actor)


def _problem(failed: ValidationFailed | Conflict, shown: tuple[str, ...]) -> dict[str, str]:
    if isinstance(failed, Conflict):
        return {"form": failed.detail}
    return messages(failed, shown)


class ReturnPages(Controller):
    path = "/"

    @get("/returns")
    async def my_returns(self, request: Request, actor: PageActor) -> Template:
        mine = await returns.my_returns(actor, Page(500, 0))
        return render(request, "my_returns.html", _words(request, {"returns": mine["items"]}), actor=actor)

    @get("/rounds")
    async def list_rounds(self, request: Request, actor: PageActor) -> Template:
        listed = await rounds.list_rounds(actor, Page(500, 0))
        return render(request, "rounds.html", _words(request, {"rounds": listed["items"]}), actor=actor)

    @get("/rounds/{round_id:int}")
    async def round_returns(
        self,
        request: Request,
        actor: PageActor,
        round_id: FromPath[int],
        return_state: Annotated[str | None, QueryParameter(name="state")] = None,
        industry: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
    ) -> Template:
        return await _round_page(request, actor, round_id, return_state or "", industry or "", offset)

    @post("/rounds/{round_id:int}/returns")
    async def add_tenant(
        self, request: Request, actor: PageActor, round_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        uscc = data.get("uscc", "").strip()
        try:
            if not uscc:
                raise ValidationFailed(_PICK, [FieldError("uscc", "required", _PICK)])
            await returns.add_tenant(actor, round_id, uscc)
        except (ValidationFailed, Conflict) as failed:
            errors = _problem(failed, ("uscc",))
            status_code = 409 if isinstance(failed, Conflict) else 422
            return await _round_page(request, actor, round_id, errors=errors, status_code=status_code)
        return see_other(f"/rounds/{round_id}?added={uscc}")

    @post("/rounds/{round_id:int}/accept")
    async def accept_many(self, actor: PageActor, round_id: FromPath[int]) -> Redirect:
        done = await returns.accept_many(actor, round_id)
        return see_other(f"/rounds/{round_id}?accepted={len(done.accepted)}")

    @get("/rounds/{round_id:int}/returns/{uscc:str}")
    async def return_form(
        self,
        request: Request,
        actor: PageActor,
        round_id: FromPath[int],
        uscc: FromPath[str],
        unit: FromQuery[str] = "元",
    ) -> Template:
        return await _form_page(request, actor, round_id, uscc.upper(), _unit(unit))

    @post("/rounds/{round_id:int}/returns/{uscc:str}")
    async def save_or_submit(
        self, request: Request, actor: PageActor, round_id: FromPath[int], uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        uscc = uscc.upper()
        unit = _unit(data.get("unit"))
        form = await returns.get_return(actor, round_id, uscc)
        typed = {key: data.get(key, "").strip() for key in form.fields}
        explanations = {
            name.removeprefix("explain-"): value.strip()
            for name, value in data.items()
            if name.startswith("explain-") and value.strip()
        }
        shown = ("unit", *form.fields)
        try:
            saved = await returns.save_return(
                actor, round_id, uscc, {k: v or None for k, v in typed.items()}, edited_version(data) or None, unit
            )
            if data.get("action") != "submit":
                return see_other(f"/rounds/{round_id}/returns/{uscc}?unit={unit}&saved=draft")
            await returns.submit_return(actor, round_id, uscc, explanations, saved.version)
        except ValidationFailed as failed:
            warned = failed.extensions.get("warnings", [])
            errors = {} if warned else _problem(failed, shown)
            return await _form_page(request, actor, round_id, uscc, unit, typed, errors, warned, explanations, 422)
        except Conflict as failed:
            return await _form_page(
                request, actor, round_id, uscc, unit, typed, _problem(failed, shown), status_code=409
            )
        except PreconditionFailed:
            return await _form_page(request, actor, round_id, uscc, unit, typed, {"form": _STALE}, status_code=409)
        return see_other(f"/rounds/{round_id}/returns/{uscc}?unit={unit}&saved=submitted")

    @post("/rounds/{round_id:int}/returns/{uscc:str}/accept")
    async def accept(
        self, request: Request, actor: PageActor, round_id: FromPath[int], uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        return await self._review(request, actor, round_id, uscc.upper(), data, "accept")

    @post("/rounds/{round_id:int}/returns/{uscc:str}/return")
    async def send_back(
        self, request: Request, actor: PageActor, round_id: FromPath[int], uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        return await self._review(request, actor, round_id, uscc.upper(), data, "return")

    @post("/rounds/{round_id:int}/returns/{uscc:str}/excuse")
    async def excuse(
        self, request: Request, actor: PageActor, round_id: FromPath[int], uscc: FromPath[str], data: Form
    ) -> Template | Redirect:
        return await self._review(request, actor, round_id, uscc.upper(), data, "excuse")

    async def _review(
        self, request: Request, actor: Actor, round_id: int, uscc: str, data: dict[str, Any], move: str
    ) -> Template | Redirect:
        try:
            version = edited_version(data) or None
            if move == "accept":
                await returns.accept_return(actor, round_id, uscc, version)
            elif move == "excuse":
                await returns.excuse(actor, round_id, uscc, data.get("reason", ""), version)
            else:
                reasons = {
                    name.removeprefix("reason-"): value.strip()
                    for name, value in data.items()
                    if name.startswith("reason-") and value.strip()
                }
                await returns.send_back(actor, round_id, uscc, data.get("reason", ""), reasons, version)
        except (ValidationFailed, Conflict) as failed:
            errors = {f"{move}-{k}": v for k, v in _problem(failed, ("reason",)).items()}
            status = 409 if isinstance(failed, Conflict) else 422
            return await _form_page(request, actor, round_id, uscc, "元", errors=errors, status_code=status)
        except PreconditionFailed:
            return await _form_page(request, actor, round_id, uscc, "元", errors={"form": _STALE}, status_code=409)
        return see_other(f"/rounds/{round_id}/returns/{uscc}?saved={move}")
