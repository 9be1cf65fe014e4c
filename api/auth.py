"""Bearer tokens (Litestar's JWT auth), the acting user per request, throttled logins, role guards."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from api.request_log import request_id_of
from registry.actor import Actor
from registry.login_throttle import LoginThrottle
from registry.permissions import Action
from registry.services.accounts import authenticate, find_bound_actor
from registry.settings import Settings


def _bound(claims: dict[str, Any], found: tuple[Actor, dict[str, Any]] | None) -> bool:
    return found is not None and all(claims.get(k) == v for k, v in found[1].items())


async def bound_actor(username: str, claims: dict[str, Any], request_id: str) -> Actor | None:
    """The account's actor, acting as request `request_id` (api.request_log), if `claims` (taken at
    sign-in, `accounts.find_bound_actor`) still match it: they carry the account's version and key, so any later change to the account, or its deletion and
    re-creation under the same name, retires every token and portal session issued before — on every
    worker at once (the account is read from the database, or from a cache the database keeps honest)."""
    found = await find_bound_actor(username)
    if not _bound(claims, found):
        return None
    actor = found[0]  # type: ignore[index]
    return replace(actor, source=f"request:{request_id}")


async def current_actor(token: Token, connection: ASGIConnection) -> Actor | None:
    """The bearer token's account, while the token still matches it (`bound_actor`)."""
    return await bound_actor(token.sub, token.extras, request_id_of(connection))


async def sign_in(connection: ASGIConnection, username: str, password: str) -> tuple[Actor, dict[str, Any]]:
    """Good credentials of an active account, through the login throttle (shared through the database):
    the account's actor and the claims binding a token or session to it. 429 when throttled, 401 for
    wrong credentials."""
    throttle: LoginThrottle = connection.app.state.login_throttle
    address = connection.client.host if connection.client else "-"
    if (wait := await throttle.retry_after(username, address)) is not None:
        raise HTTPException(
            status_code=429,
            detail=f"登录失败次数过多，请 {wait} 秒后再试 / too many failed logins; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    found = await authenticate(username, password)
    if found is None:
        await throttle.failed(username, address)
        raise HTTPException(status_code=401, detail="用户名或密码错误 / wrong username or password")
    # Only the account's own count is forgiven: were the address's cleared too, anyone holding one
    # account could sign in between guesses and spray passwords at every other account unthrottled.
    await throttle.succeeded(username)
    return found


# The OpenAPI document's names of the two ways in: the bearer token, and a calendar feed's key.
BEARER = "BearerToken"
CALENDAR_KEY = "CalendarKey"
# A route handler's `opt` under this name opens it to a request without a bearer token that carries
# `?key=`: an async callable (connection, key) -> Actor, raising the registry's errors for a bad key.
KEY_OPENS = "key_opens"


class RememberingJWTMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware, remembering tokens it has already verified.

    A client sends the same token with every request; its signature cannot change, so checking it
    once is enough. The tokens verified are kept per app (`state.verified_tokens`, made by
    api.app.create_app): another app in the process may sign with another secret. Expiry is still
    checked on every request, and the account behind the token
    (`current_actor`) too. A route that names a `KEY_OPENS` opener (a tenant's calendar feed) also
    opens, without a token, to a `?key=` its opener accepts; a bearer token, when sent, still rules.
    """

    _LIMIT = 10_000

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        opener = connection.route_handler.opt.get(KEY_OPENS)
        if opener is not None and not connection.headers.get(self.auth_header):
            key = connection.query_params.get("key")
            if key is not None:
                return AuthenticationResult(user=await opener(connection, key), auth=None)
        return await super().authenticate_request(connection)

    async def authenticate_token(self, encoded_token: str, connection: ASGIConnection) -> AuthenticationResult:
        verified: dict[str, Token] = connection.app.state.verified_tokens
        token = verified.get(encoded_token)
        if token is None or token.exp <= datetime.now(UTC):
            verified.pop(encoded_token, None)
            result = await super().authenticate_token(encoded_token, connection)
            if len(verified) >= self._LIMIT:
                verified.clear()
            verified[encoded_token] = result.auth
            return result
        user = await self.retrieve_user_handler(token, connection)
        if not user:
            raise NotAuthorizedException()
        return AuthenticationResult(user=user, auth=token)


def jwt_auth(settings: Settings) -> JWTAuth[Actor]:
    return JWTAuth[Actor](
        authentication_middleware_class=RememberingJWTMiddleware,
        retrieve_user_handler=current_actor,
        token_secret=settings.jwt_secret,
        default_token_expiration=timedelta(seconds=settings.token_ttl_seconds),
        exclude=["/api/v1/auth/token", "/api/v1/health", "/schema"],
        description="POST /api/v1/auth/token with username and password for a bearer token.",
        openapi_security_scheme_name=BEARER,
    )


def requires(action: Action):
    """A guard letting through the roles the permission table allows `action` (403 otherwise). The
    services check the same table: the guard answers before a body is read or a file uploaded."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if connection.scope["method"] == "OPTIONS":
            return  # asks only which methods the path has; the token check does not run for it
        actor = connection.scope.get("user")
        if not isinstance(actor, Actor):
            raise NotAuthorizedException("请先登录 / sign in first")
        if not actor.may(action):
            raise PermissionDeniedException(f"角色 {actor.role} 无权访问 / role {actor.role} may not do this")

    guard.__name__ = f"requires_{action}"
    guard.action = action  # type: ignore[attr-defined]
    return guard
