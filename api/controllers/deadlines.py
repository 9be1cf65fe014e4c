"""IP deadlines: what falls due (park-wide or one tenant's), a tenant's calendar feed, paid fees."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.connection import ASGIConnection
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import BEARER, CALENDAR_KEY, KEY_OPENS
from api.etag import etag, expected_version
from api.schemas import CalendarSubscription, Deadline, Fee, FeePayment, Page, in_yuan, page_of, struct_of
from exports.calendar import deadline_calendar
from registry.actor import Actor
from registry.services import calendar_keys, deadlines
from registry.services.listing import Page as Paging

_MONEY = ("fee", "late_fee", "amount")


def _fee(row: dict) -> Fee:
    return struct_of(Fee, in_yuan(row, "amount", "scheduled_fee", "late_fee"))


class DeadlineController(Controller):
    path = "/deadlines"
    tags = ["deadlines"]

    @get("/", summary="IP deadlines falling due within a window, soonest first (a tenant sees its own)")
    async def list_deadlines(
        self,
        request: Request[Actor, object, object],
        within: Annotated[int, QueryParameter(description="days from today")] = deadlines.DEFAULT_WITHIN_DAYS,
        kind: FromQuery[str | None] = None,
        uscc: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Deadline]:
        listing = await deadlines.list_deadlines(request.user, Paging(limit, offset), within, kind, uscc)
        return page_of(Deadline, listing, lambda row: in_yuan(row, *_MONEY))


async def _feed_actor(connection: ASGIConnection, key: str) -> Actor:
    """A calendar app's request: the tenant's key (`?key=`) in place of a bearer token."""
    return await calendar_keys.feed_actor(connection.path_params["uscc"], key)


def subscription_answer(request: Request, row: dict) -> CalendarSubscription:
    """A tenant's key with the URLs a calendar app subscribes to (the API's answer, the portal's page)."""
    url = f"{request.url_for('tenant_calendar', uscc=row['uscc'])}?key={row['key']}"
    return struct_of(CalendarSubscription, {**row, "url": url, "webcal_url": "webcal" + url[url.index(":") :]})


_KEY = (
    "The tenant's calendar subscription key (`GET /tenants/{uscc}/deadlines/subscription`), for a calendar app, "
    "which cannot send a bearer token; a bearer token, when sent, is used instead. A wrong key is a 404, "
    "the same as an unknown tenant."
)


class TenantDeadlineController(Controller):
    path = "/tenants/{uscc:str}"
    tags = ["deadlines"]

    @get(
        "/deadlines.ics",
        name="tenant_calendar",
        summary="A tenant's IP deadlines as an iCalendar feed (RFC 5545); a bearer token or the tenant's ?key=",
        media_type="text/calendar",
        opt={KEY_OPENS: _feed_actor},
        security=[{BEARER: []}, {CALENDAR_KEY: []}],
    )
    async def calendar(
        self,
        request: Request[Actor, object, object],
        uscc: FromPath[str],
        key: Annotated[str | None, QueryParameter(description=_KEY, max_length=100)] = None,  # read by the auth
    ) -> Response[bytes]:
        rows = await deadlines.tenant_deadlines(request.user, uscc)
        return Response(
            deadline_calendar(uscc.upper(), rows),
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'inline; filename="{uscc.upper()}-deadlines.ics"',
                "Cache-Control": "private, no-store",
            },
        )

    @get(
        "/deadlines/subscription",
        summary="The URL a calendar app subscribes to for the tenant's deadlines (tenant's own, manager, admin)",
    )
    async def subscription(self, request: Request[Actor, object, object], uscc: FromPath[str]) -> CalendarSubscription:
        return subscription_answer(request, await calendar_keys.subscription(request.user, uscc))

    @post(
        "/deadlines/subscription",
        summary="Renew the tenant's calendar key: every subscription URL handed out before stops working",
        status_code=200,
    )
    async def renew_subscription(
        self, request: Request[Actor, object, object], uscc: FromPath[str]
    ) -> CalendarSubscription:
        return subscription_answer(request, await calendar_keys.renew(request.user, uscc))


class FeeController(Controller):
    path = "/ip/{item_id:int}/fees"
    tags = ["ip"]

    @get("/", summary="An IP item's paid annual fee years")
    async def list_fees(self, request: Request[Actor, object, object], item_id: FromPath[int]) -> list[Fee]:
        return [_fee(row) for row in await deadlines.list_fees(request.user, item_id)]

    @put(
        "/{patent_year:int}",
        summary="Record a patent year's annual fee as paid (paid_on, amount in yuan)",
        responses={201: ResponseSpec(Fee, generate_examples=False, description="Created: the year had no payment")},
    )
    async def record_fee(
        self,
        request: Request[Actor, object, object],
        item_id: FromPath[int],
        patent_year: FromPath[int],
        data: JSONBody[FeePayment],
    ) -> Response[Fee]:
        row, created = await deadlines.record_fee(
            request.user, item_id, patent_year, data.fields(), expected_version(request)
        )
        return Response(_fee(row), status_code=201 if created else 200, headers={"ETag": etag(row["version"])})
