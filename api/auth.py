"""Bearer tokens (Litestar's JWT auth), the acting user per request, throttled logins, role guards."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from registry.actor import Actor
from registry.services.accounts import find_bound_actor
from registry.settings import Settings

# A disabled or changed account stops acting within this many seconds on every worker (at once on the
# worker that changed it: the users controller forgets it there).
ACCOUNT_CACHE_SECONDS = 5.0
# username -> (monotonic and wall-clock time of the read, the account's actor and token claims or None)
_accounts: dict[str, tuple[float, float, tuple[Actor, dict[str, Any]] | None]] = {}
# A client's X-Request-ID becomes the audit entry's source (a 100-character column): keep it short and plain.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Otherwise a request is named by this worker's random tag and a counter: unique, and cheaper than uuid4.
_WORKER = uuid.uuid4().hex[:8]
_requests = itertools.count(1)


def _bound(token: Token, found: tuple[Actor, dict[str, Any]] | None) -> bool:
    return found is not None and all(token.extras.get(k) == v for k, v in found[1].items())


async def current_actor(token: Token, connection: ASGIConnection) -> Actor | None:
    """The token's account, if the token still matches it: a token carries the account's version and
    key from sign-in (`accounts.find_bound_actor`), so any later change to the account, or its deletion
    and re-creation under the same name, retires every token issued before."""
    now = time.monotonic()
    cached = _accounts.get(token.sub)
    if (
        cached is None
        or now - cached[0] > ACCOUNT_CACHE_SECONDS
        # Issued after (or within the second of) our read: the token may know a newer account than our
        # copy (changed on another worker, then signed in again). Read again rather than refuse it.
        or (not _bound(token, cached[2]) and token.iat.timestamp() >= cached[1] - 1)
    ):
        cached = (now, time.time(), await find_bound_actor(token.sub))
        _accounts[token.sub] = cached
    if not _bound(token, cached[2]):
        return None
    actor = cached[2][0]  # type: ignore[index]
    request_id = connection.headers.get("x-request-id", "")
    if not _REQUEST_ID.fullmatch(request_id):
        request_id = f"{_WORKER}-{next(_requests)}"
    return replace(actor, source=f"request:{request_id}")


def forget_account(username: str) -> None:
    _accounts.pop(username, None)


class RememberingJWTMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware, remembering tokens it has already verified.

    A client sends the same token with every request; its signature cannot change, so checking it
    once is enough. Expiry is still checked on every request, and the account behind the token
    (`current_actor`) too.
    """

    _verified: dict[str, Token] = {}
    _LIMIT = 10_000

    async def authenticate_token(self, encoded_token: str, connection: ASGIConnection) -> AuthenticationResult:
        token = self._verified.get(encoded_token)
        if token is None or token.exp <= datetime.now(UTC):
            self._verified.pop(encoded_token, None)
            result = await super().authenticate_token(encoded_token, connection)
            if len(self._verified) >= self._LIMIT:
                self._verified.clear()
            self._verified[encoded_token] = result.auth
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
    )


class LoginThrottle:
    """Failed logins in a sliding window, counted per username and per client address; at a limit, 429.

    The address limit is the higher one: many people share an address behind NAT, and a few typos
    among them must not lock out everyone there. The username limit stops guessing at one account
    from many addresses; the address limit stops spraying many accounts from one.

    Usernames are keyed by a fixed-size digest (a client picks them, of any length), and whenever the
    table has grown past `prune_above` keys, those whose window has passed are dropped: memory follows
    the failures of the last window, not every name ever tried.

    Kept in process memory: one `park serve` process sees all its attempts. Several workers behind a
    proxy need a shared store (README, "Running beyond one machine").
    """

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        max_failures_per_address: int | None = None,
        prune_above: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address or max_failures
        self.window = window_seconds
        self.prune_above = prune_above
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._prune_at = prune_above

    def __len__(self) -> int:
        return len(self._failures)

    @staticmethod
    def _user(username: str) -> str:
        digest = hashlib.blake2b(username.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"user:{digest}"

    @staticmethod
    def _address(address: str) -> str:
        return f"addr:{address[:64]}"

    def _keys(self, username: str, address: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (self._user(username), self.max_failures), (self._address(address), self.max_failures_per_address)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, username: str, address: str) -> int | None:
        now = self._clock()
        for key, limit in self._keys(username, address):
            times = self._recent(key, now)
            if times is not None and len(times) >= limit:
                # Only the last `limit` failures are kept: the oldest of them leaving the window frees a try.
                return max(1, int(self.window - (now - times[0])) + 1)
        return None

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        if len(self._failures) > self._prune_at:
            self._prune(now)
        for key, limit in self._keys(username, address):
            times = self._recent(key, now)
            if times is None:
                times = self._failures[key] = deque(maxlen=limit)
            times.append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(self._user(username), None)

    def _prune(self, now: float) -> None:
        for key in [k for k, times in self._failures.items() if not times or now - times[-1] > self.window]:
            del self._failures[key]
        # If most keys are still recent, wait for the table to double before scanning it again.
        self._prune_at = max(self.prune_above, 2 * len(self._failures))


def requires(*roles: str):
    """A guard letting only the named roles through (403 otherwise)."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if connection.scope["method"] == "OPTIONS":
            return  # asks only which methods the path has; the token check does not run for it
        actor = connection.scope.get("user")
        if not isinstance(actor, Actor):
            raise NotAuthorizedException("请先登录 / sign in first")
        if actor.role not in roles:
            raise PermissionDeniedException(f"角色 {actor.role} 无权访问 / role {actor.role} may not do this")

    guard.__name__ = f"requires_{'_'.join(roles)}"
    return guard


READERS = requires("admin", "manager", "statistician")
WRITERS = requires("admin", "manager")
