from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.etag import etag, expected_version
from api.schemas import Page, Tenant, TenantCreate, TenantUpdate, page_of, struct_of
from registry.actor import Actor
from registry.services import tenants
from registry.services.listing import Page as Paging


def _one(row: dict, status: int = 200, warnings: list[str] | None = None) -> Response[Tenant]:
    headers = {"ETag": etag(row["version"])}
    if warnings:
        # Header values are Latin-1: carry the English half of each bilingual message.
        english = (w.split(" / ", 1)[-1].encode("ascii", "replace").decode() for w in warnings)
        headers["Warning"] = '299 - "' + "; ".join(english).replace('"', "'") + '"'
    return Response(struct_of(Tenant, row), status_code=status, headers=headers)


class TenantController(Controller):
    path = "/tenants"
    tags = ["tenants"]

    @get("/", summary="List tenants (a tenant sees only itself)")
    async def list_tenants(
        self,
        request: Request[Actor, object, object],
        industry: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        sort: Annotated[str | None, QueryParameter(description="uscc, name, moved_in_on…; prefix - to reverse")] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Tenant]:
        listing = await tenants.list_tenants(request.user, Paging(limit, offset, sort), industry, status, q)
        return page_of(Tenant, listing)

    @post("/", summary="Register a tenant (managers)")
    async def create_tenant(
        self, request: Request[Actor, object, object], data: JSONBody[TenantCreate]
    ) -> Response[Tenant]:
        row, warnings = await tenants.create_tenant(request.user, data.fields())
        return _one(row, 201, warnings)

    @get("/{uscc:str}", summary="One tenant")
    async def get_tenant(self, request: Request[Actor, object, object], uscc: FromPath[str]) -> Response[Tenant]:
        return _one(await tenants.get_tenant(request.user, uscc.upper()))

    @patch("/{uscc:str}", summary="Change a tenant (tenants: self-service fields only)")
    async def update_tenant(
        self, request: Request[Actor, object, object], uscc: FromPath[str], data: JSONBody[TenantUpdate]
    ) -> Response[Tenant]:
        row, warnings = await tenants.update_tenant(
            request.user, uscc.upper(), data.fields(), expected_version(request)
        )
        return _one(row, 200, warnings)

    @delete("/{uscc:str}", summary="Delete a tenant that holds no IP items or reports (managers)")
    async def delete_tenant(self, request: Request[Actor, object, object], uscc: FromPath[str]) -> None:
        await tenants.delete_tenant(request.user, uscc.upper(), expected_version(request))
