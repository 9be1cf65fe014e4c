from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import requires, sign_in
from api.etag import etag, expected_version
from api.schemas import (
    Account,
    AccountCreate,
    AccountUpdate,
    Me,
    Page,
    TokenRequest,
    TokenResponse,
    page_of,
    struct_of,
)
from registry.actor import Actor
from registry.permissions import Action
from registry.services import accounts
from registry.services.listing import Page as Paging


class AuthController(Controller):
    path = "/"
    tags = ["auth"]

    @post("/auth/token", summary="Exchange username and password for a bearer token", security=[], status_code=200)
    async def token(self, request: Request, data: JSONBody[TokenRequest]) -> TokenResponse:
        actor, binding = await sign_in(request, data.username, data.password)
        app = request.app
        # The token carries the account's version and key: any change to the account retires it.
        token = app.state.jwt_auth.create_token(identifier=actor.username, token_extras=binding)
        return TokenResponse(access_token=token, token_type="bearer", expires_in=app.state.settings.token_ttl_seconds)

    @get("/me", summary="Who the token belongs to")
    async def me(self, request: Request[Actor, object, object]) -> Me:
        actor = request.user
        return Me(username=actor.username, role=actor.role, tenant_uscc=actor.tenant_uscc)  # type: ignore[arg-type]


class UserController(Controller):
    path = "/users"
    tags = ["users"]
    guards = [requires(Action.MANAGE_ACCOUNTS)]

    @get("/", summary="Accounts (managers see tenant accounts)")
    async def list_users(
        self,
        request: Request[Actor, object, object],
        role: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[Account]:
        return page_of(Account, await accounts.list_accounts(request.user, Paging(limit, offset, sort), role))

    @post("/", summary="Create an account (managers: tenant accounts only)")
    async def create_user(
        self, request: Request[Actor, object, object], data: JSONBody[AccountCreate]
    ) -> Response[Account]:
        row = await accounts.create_account(request.user, data.fields())
        return Response(struct_of(Account, row), status_code=201, headers={"ETag": etag(row["version"])})

    @get("/{username:str}", summary="One account")
    async def get_user(self, request: Request[Actor, object, object], username: FromPath[str]) -> Response[Account]:
        row = await accounts.get_account(request.user, username)
        return Response(struct_of(Account, row), headers={"ETag": etag(row["version"])})

    @patch("/{username:str}", summary="Change role, tenant, password or active flag")
    async def update_user(
        self, request: Request[Actor, object, object], username: FromPath[str], data: JSONBody[AccountUpdate]
    ) -> Response[Account]:
        row = await accounts.update_account(request.user, username, data.fields(), expected_version(request))
        return Response(struct_of(Account, row), headers={"ETag": etag(row["version"])})

    @delete("/{username:str}", summary="Delete an account")
    async def delete_user(self, request: Request[Actor, object, object], username: FromPath[str]) -> None:
        await accounts.delete_account(request.user, username, expected_version(request))
