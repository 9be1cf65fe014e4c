from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, delete, get, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.etag import etag, expected_version
from api.schemas import Page, Report, ReportPut, page_of, report_out, struct_of
from registry.actor import Actor
from registry.services import reports
from registry.services.listing import Page as Paging


def _one(row: dict, status: int = 200) -> Response[Report]:
    return Response(struct_of(Report, report_out(row)), status_code=status, headers={"ETag": etag(row["version"])})


class ReportController(Controller):
    path = "/tenants/{uscc:str}/reports"
    tags = ["reports"]

    @get("/", summary="A tenant's period reports, newest first")
    async def list_reports(
        self,
        request: Request[Actor, object, object],
        uscc: FromPath[str],
        year: FromQuery[int | None] = None,
        sort: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Report]:
        listing = await reports.list_reports(request.user, uscc.upper(), Paging(limit, offset, sort), year)
        return page_of(Report, listing, report_out)

    @get("/{period:str}", summary="One period's report (2016, 2017H1, 2017Q3)")
    async def get_report(
        self, request: Request[Actor, object, object], uscc: FromPath[str], period: FromPath[str]
    ) -> Response[Report]:
        return _one(await reports.get_report(request.user, uscc.upper(), period))

    @put(
        "/{period:str}",
        summary="Create or replace a period's report (open years only)",
        responses={201: ResponseSpec(Report, generate_examples=False, description="Created: the period had no report")},
    )
    async def put_report(
        self,
        request: Request[Actor, object, object],
        uscc: FromPath[str],
        period: FromPath[str],
        data: JSONBody[ReportPut],
    ) -> Response[Report]:
        row, created = await reports.put_report(
            request.user, uscc.upper(), period, data.fields(), expected_version(request), reason=data.reason
        )
        return _one(row, 201 if created else 200)

    @delete("/{period:str}", summary="Delete a period's report (open years only)")
    async def delete_report(
        self,
        request: Request[Actor, object, object],
        uscc: FromPath[str],
        period: FromPath[str],
        correction_reason: Annotated[
            str | None,
            QueryParameter(description="why: required once the period's report round is closed (a correction)"),
        ] = None,
    ) -> None:
        await reports.delete_report(
            request.user, uscc.upper(), period, expected_version(request), reason=correction_reason
        )
