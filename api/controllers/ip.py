from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.etag import etag, expected_version
from api.schemas import IPItem, IPItemCreate, IPItemUpdate, Page, page_of, struct_of
from registry.actor import Actor
from registry.services import ip_items
from registry.services.listing import Page as Paging


def _one(row: dict, status: int = 200) -> Response[IPItem]:
    return Response(struct_of(IPItem, row), status_code=status, headers={"ETag": etag(row["version"])})


class TenantIPController(Controller):
    path = "/tenants/{uscc:str}/ip"
    tags = ["ip"]

    @get("/", summary="A tenant's IP items")
    async def list_ip(
        self,
        request: Request[Actor, object, object],
        uscc: FromPath[str],
        kind: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        expiring_before: FromQuery[date | None] = None,
        sort: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[IPItem]:
        listing = await ip_items.list_ip(
            request.user, uscc.upper(), Paging(limit, offset, sort), kind, status, expiring_before
        )
        return page_of(IPItem, listing)

    @post("/", summary="Register an IP item for the tenant")
    async def create_ip(
        self, request: Request[Actor, object, object], uscc: FromPath[str], data: JSONBody[IPItemCreate]
    ) -> Response[IPItem]:
        return _one(await ip_items.create_ip(request.user, uscc.upper(), data.fields()), 201)


class IPController(Controller):
    path = "/ip/{item_id:int}"
    tags = ["ip"]

    @get("/", summary="One IP item")
    async def get_ip(self, request: Request[Actor, object, object], item_id: FromPath[int]) -> Response[IPItem]:
        return _one(await ip_items.get_ip(request.user, item_id))

    @patch("/", summary="Change an IP item")
    async def update_ip(
        self, request: Request[Actor, object, object], item_id: FromPath[int], data: JSONBody[IPItemUpdate]
    ) -> Response[IPItem]:
        return _one(await ip_items.update_ip(request.user, item_id, data.fields(), expected_version(request)))

    @delete("/", summary="Delete an IP item (recorded in the audit trail)")
    async def delete_ip(self, request: Request[Actor, object, object], item_id: FromPath[int]) -> None:
        await ip_items.delete_ip(request.user, item_id, expected_version(request))
