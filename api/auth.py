"""Bearer tokens (Litestar's JWT auth), the acting user per request, throttled logins, role guards."""

from __future__ import annotations

import re
import time
import uuid
from collections import deque
from dataclasses import replace
from datetime import timedelta

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token

from registry.actor import Actor
from registry.services.accounts import find_actor
from registry.settings import Settings

# A disabled or changed account stops acting within this many seconds on every worker.
ACCOUNT_CACHE_SECONDS = 5.0
_accounts: dict[str, tuple[float, Actor | None]] = {}
# A client's X-Request-ID becomes the audit entry's source (a 100-character column): keep it short and plain.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


async def current_actor(token: Token, connection: ASGIConnection) -> Actor | None:
    now = time.monotonic()
    cached = _accounts.get(token.sub)
    if cached is None or now - cached[0] > ACCOUNT_CACHE_SECONDS:
        cached = (now, await find_actor(token.sub))
        _accounts[token.sub] = cached
    actor = cached[1]
    if actor is None:
        return None
    request_id = connection.headers.get("x-request-id", "")
    if not _REQUEST_ID.fullmatch(request_id):
        request_id = uuid.uuid4().hex[:16]
    return replace(actor, source=f"request:{request_id}")


def forget_account(username: str) -> None:
    _accounts.pop(username, None)


def jwt_auth(settings: Settings) -> JWTAuth[Actor]:
    return JWTAuth[Actor](
        retrieve_user_handler=current_actor,
        token_secret=settings.jwt_secret,
        default_token_expiration=timedelta(seconds=settings.token_ttl_seconds),
        exclude=["/api/v1/auth/token", "/api/v1/health", "/schema"],
        description="POST /api/v1/auth/token with username and password for a bearer token.",
    )


class LoginThrottle:
    """Failed logins per username and per client address in a sliding window; beyond the limit, 429.

    Kept in process memory: one `park serve` process sees all its attempts. Several workers behind a
    proxy need a shared store (README, "Running beyond one machine").
    """

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def retry_after(self, *keys: str) -> int | None:
        now = time.monotonic()
        for key in keys:
            times = self._recent(key, now)
            if len(times) >= self.max_failures:
                return max(1, int(self.window - (now - times[0])) + 1)
        return None

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


def requires(*roles: str):
    """A guard letting only the named roles through (403 otherwise)."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor = connection.user
        if not isinstance(actor, Actor):
            raise NotAuthorizedException("请先登录 / sign in first")
        if actor.role not in roles:
            raise PermissionDeniedException(f"角色 {actor.role} 无权访问 / role {actor.role} may not do this")

    guard.__name__ = f"requires_{'_'.join(roles)}"
    return guard


READERS = requires("admin", "manager", "statistician")
WRITERS = requires("admin", "manager")
