"""Report rounds and their returns (SPEC §9): open and change rounds, fill, submit and review returns.

Adding a tenant to a round is `POST /rounds/{id}/returns` with `{"uscc"}`; accepting many at once is
`POST /rounds/{id}/accept` (docs/rounds.md). Closing, reminders, progress and the signed summary are
controllers of their own under the same path.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from api.etag import etag, expected_version
from api.schemas import Body, Page, ReportPut, USCCIn
from registry.actor import Actor
from registry.records import PLAIN_TEXT
from registry.services import returns, rounds
from registry.services.listing import Page as Paging
from registry.services.reports import FIGURES
from registry.services.returns import AcceptedMany, Return, ReturnForm
from registry.services.rounds import MAX_REMIND_DAYS, Round

FigureKey = Literal[FIGURES]  # type: ignore[valid-type]
Note = Annotated[str, Meta(pattern=PLAIN_TEXT, extra_json_schema={"extra": {"max_length": returns.MAX_NOTE}})]
Title = Annotated[str, Meta(pattern=PLAIN_TEXT, extra_json_schema={"extra": {"max_length": 200}})]
RemindDays = Annotated[int, Meta(extra_json_schema={"extra": {"minimum": 0, "maximum": MAX_REMIND_DAYS}})]
PeriodIn = Annotated[str, Meta(max_length=20, pattern=PLAIN_TEXT, description="2016, 2017H1, 2017Q3")]
_UNIT = "the unit money is given in: 元 (default), 千元 or 万元"


class RoundChange(Body):
    """What may change in an open round."""

    title: Title | UnsetType = UNSET
    opens_on: date | UnsetType = UNSET
    deadline: date | UnsetType = UNSET
    figures: list[FigureKey] | None | UnsetType = msgspec.field(default=UNSET, name="fields")
    remind_days_before: RemindDays | UnsetType = UNSET


class RoundCreate(RoundChange):
    """Required: period and deadline. `opens_on` defaults to today, `fields` to every report field,
    `title` to the period's name."""

    __required__: ClassVar[tuple[str, ...]] = ("period", "deadline")

    period: PeriodIn | UnsetType = UNSET


class TenantAsked(Body):
    uscc: USCCIn


class Submission(Body):
    """`explanations`: for each warning's code, why the figure is right (the office sees it)."""

    explanations: dict[str, Note] | UnsetType = UNSET


class Acceptance(Body):
    note: Note | None | UnsetType = UNSET


class SendBack(Body):
    """Why the return goes back: overall (`reason`) and per field (`fields`: {field: reason})."""

    reason: Note | None | UnsetType = UNSET
    figures: dict[FigureKey, Note] | UnsetType = msgspec.field(default=UNSET, name="fields")


class Excuse(Body):
    reason: Note


class AcceptMany(Body):
    """The tenants whose returns to accept; left out: every submitted return without warnings."""

    uscc: list[USCCIn] | UnsetType = UNSET


def _round(answer: Round, status: int = 200) -> Response[Round]:
    return Response(answer, status_code=status, headers={"ETag": etag(answer.version)})


def _return(answer: ReturnForm, status: int = 200) -> Response[ReturnForm]:
    return Response(answer, status_code=status, headers={"ETag": etag(answer.version)})


def _round_body(data: RoundChange) -> dict:
    """The body as the service takes it: `fields` under its wire name (`figures` here, beside `Body.fields()`)."""
    body = data.fields()
    if "figures" in body:
        body["fields"] = body.pop("figures")
    return body


class RoundController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @get("/", summary="Report rounds, the newest period first (the office)")
    async def list_rounds(
        self,
        request: Request[Actor, object, object],
        round_state: Annotated[str | None, QueryParameter(name="state", description="open or closed")] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Round]:
        found = await rounds.list_rounds(request.user, Paging(limit, offset), round_state)
        return Page[Round](**found)

    @post("/", summary="Open a round for a period: every tenant on record is asked (statistics office, admin)")
    async def open_round(self, request: Request[Actor, object, object], data: JSONBody[RoundCreate]) -> Response[Round]:
        return _round(await rounds.open_round(request.user, _round_body(data)), 201)

    @get("/{round_id:int}", summary="One round with its returns counted by state")
    async def get_round(self, request: Request[Actor, object, object], round_id: FromPath[int]) -> Response[Round]:
        return _round(await rounds.get_round(request.user, round_id))

    @patch("/{round_id:int}", summary="Change an open round's title, days or fields (statistics office, admin)")
    async def change_round(
        self, request: Request[Actor, object, object], round_id: FromPath[int], data: JSONBody[RoundChange]
    ) -> Response[Round]:
        return _round(await rounds.change_round(request.user, round_id, _round_body(data), expected_version(request)))

    @get("/{round_id:int}/returns", summary="A round's returns by tenant name, by state and industry (the office)")
    async def list_returns(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        return_state: Annotated[
            str | None, QueryParameter(name="state", description="a return state, e.g. submitted")
        ] = None,
        industry: FromQuery[str | None] = None,
        q: Annotated[str | None, QueryParameter(description="part of the tenant's name or USCC")] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Return]:
        found = await returns.list_returns(request.user, round_id, Paging(limit, offset), return_state, industry, q)
        return Page[Return](**found)

    @post(
        "/{round_id:int}/returns",
        summary="Ask one more tenant, or an excused one again (managers, admin)",
        responses={200: ResponseSpec(ReturnForm, generate_examples=False, description="An excused tenant asked again")},
    )
    async def add_tenant(
        self, request: Request[Actor, object, object], round_id: FromPath[int], data: JSONBody[TenantAsked]
    ) -> Response[ReturnForm]:
        answer, created = await returns.add_tenant(request.user, round_id, data.uscc.strip().upper())
        return _return(answer, 201 if created else 200)

    @post("/{round_id:int}/accept", summary="Accept the submitted returns without warnings at once", status_code=200)
    async def accept_many(
        self, request: Request[Actor, object, object], round_id: FromPath[int], data: JSONBody[AcceptMany]
    ) -> AcceptedMany:
        usccs = data.fields().get("uscc")
        return await returns.accept_many(
            request.user, round_id, None if usccs is None else [u.strip().upper() for u in usccs]
        )

    @get("/{round_id:int}/returns/{uscc:str}", summary="One return, with last period's and last year's figures")
    async def get_return(
        self, request: Request[Actor, object, object], round_id: FromPath[int], uscc: FromPath[str]
    ) -> Response[ReturnForm]:
        return _return(await returns.get_return(request.user, round_id, uscc.upper()))

    @put("/{round_id:int}/returns/{uscc:str}", summary="Save the return's figures as a draft (the tenant; 代填)")
    async def save_return(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        uscc: FromPath[str],
        data: JSONBody[ReportPut],
        unit: Annotated[str, QueryParameter(description=_UNIT, max_length=10)] = "元",
    ) -> Response[ReturnForm]:
        answer = await returns.save_return(
            request.user, round_id, uscc.upper(), data.fields(), expected_version(request), unit
        )
        return _return(answer)

    @post(
        "/{round_id:int}/returns/{uscc:str}/submit",
        summary="Submit the saved return: errors block, warnings need explanations",
        status_code=200,
    )
    async def submit_return(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        uscc: FromPath[str],
        data: JSONBody[Submission],
    ) -> Response[ReturnForm]:
        explanations = data.fields().get("explanations", {})
        answer = await returns.submit_return(
            request.user, round_id, uscc.upper(), explanations, expected_version(request)
        )
        return _return(answer)

    @post(
        "/{round_id:int}/returns/{uscc:str}/accept", summary="Accept a submitted return (the office)", status_code=200
    )
    async def accept_return(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        uscc: FromPath[str],
        data: JSONBody[Acceptance],
    ) -> Response[ReturnForm]:
        note = data.fields().get("note")
        return _return(
            await returns.accept_return(request.user, round_id, uscc.upper(), expected_version(request), note)
        )

    @post(
        "/{round_id:int}/returns/{uscc:str}/return",
        summary="Send a return back to the tenant with reasons, overall and per field (the office)",
        status_code=200,
    )
    async def send_back(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        uscc: FromPath[str],
        data: JSONBody[SendBack],
    ) -> Response[ReturnForm]:
        body = data.fields()
        answer = await returns.send_back(
            request.user, round_id, uscc.upper(), body.get("reason"), body.get("figures"), expected_version(request)
        )
        return _return(answer)

    @post(
        "/{round_id:int}/returns/{uscc:str}/excuse",
        summary="Excuse a tenant from the round (免报) with the reason (managers, admin)",
        status_code=200,
    )
    async def excuse(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        uscc: FromPath[str],
        data: JSONBody[Excuse],
    ) -> Response[ReturnForm]:
        answer = await returns.excuse(request.user, round_id, uscc.upper(), data.reason, expected_version(request))
        return _return(answer)


class MyReturnsController(Controller):
    path = "/me/returns"
    tags = ["rounds"]

    @get("/", summary="The tenant's own returns, the newest period first")
    async def my_returns(
        self, request: Request[Actor, object, object], limit: FromQuery[int] = 50, offset: FromQuery[int] = 0
    ) -> Page[Return]:
        return Page[Return](**await returns.my_returns(request.user, Paging(limit, offset)))
