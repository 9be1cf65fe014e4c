"""IP deadlines: what falls due (park-wide or one tenant's), a tenant's calendar feed, paid fees."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.etag import etag, expected_version
from api.schemas import Deadline, DeadlinePage, Fee, FeePayment, in_yuan, struct_of
from exports.calendar import deadline_calendar
from registry.actor import Actor
from registry.services import deadlines
from registry.services.listing import Page

_MONEY = ("fee", "late_fee", "amount")


def deadline_page(listing: dict) -> DeadlinePage:
    return DeadlinePage(
        items=[struct_of(Deadline, in_yuan(row, *_MONEY)) for row in listing["items"]],
        total=listing["total"], limit=listing["limit"], offset=listing["offset"],
    )


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
    ) -> DeadlinePage:
        return deadline_page(await deadlines.list_deadlines(request.user, Page(limit, offset), within, kind, uscc))


class TenantDeadlineController(Controller):
    path = "/tenants/{uscc:str}/deadlines.ics"
    tags = ["deadlines"]

    @get("/", summary="A tenant's IP deadlines as an iCalendar feed (RFC 5545)", media_type="text/calendar")
    async def calendar(self, request: Request[Actor, object, object], uscc: FromPath[str]) -> Response[bytes]:
        rows = await deadlines.tenant_deadlines(request.user, uscc)
        return Response(
            deadline_calendar(uscc.upper(), rows),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'inline; filename="{uscc.upper()}-deadlines.ics"',
                     "Cache-Control": "private, no-store"},
        )


class FeeController(Controller):
    path = "/ip/{item_id:int}/fees"
    tags = ["ip"]

    @get("/", summary="An IP item's paid annual fee years")
    async def list_fees(self, request: Request[Actor, object, object], item_id: FromPath[int]) -> list[Fee]:
        return [_fee(row) for row in await deadlines.list_fees(request.user, item_id)]

    @put("/{patent_year:int}", summary="Record a patent year's annual fee as paid (paid_on, amount in yuan)")
    async def record_fee(
        self, request: Request[Actor, object, object], item_id: FromPath[int], patent_year: FromPath[int],
        data: JSONBody[FeePayment],
    ) -> Response[Fee]:
        row, created = await deadlines.record_fee(
            request.user, item_id, patent_year, data.fields(), expected_version(request)
        )
        return Response(_fee(row), status_code=201 if created else 200, headers={"ETag": etag(row["version"])})
