"""One JSON line per request on the logger `park.requests` (SPEC §10), and the request's id.

Every request is named by an id the server makes: this worker's random tag and a counter. A client's
`X-Request-ID` never names it, since the id is the audit trail's source of whatever the request changed
(`request:<id>`) and a client must not write its own provenance; a short plain one (a proxy's) is kept
beside it in the log line as `client_request_id`, so a proxy's log and this one can be joined. The id
is sent back in `X-Request-ID` and is in the request's log line:

    {"time": "2026-12-07T20:31:05.123Z", "request_id": "3f9c01ab-17", "user": "clerk",
     "method": "GET", "route": "/api/v1/tenants/{uscc}", "status": 200, "duration_ms": 4.2}

The line tells the route's template, never the address asked, its query or any header: a calendar
feed's key rides in its query, a USCC in its path, a token or a session id in a header; nor anything of
a body (a password, an uploaded file). `user` is the account that was signed in, or null. An address no
route serves has `"route": null`.

The log wraps Litestar's whole ASGI handler, outside its routing and exception handling, as Litestar's
own OpenTelemetry plugin does (`Litestar.asgi_handler`), so refusals before any route (404, 405) are
logged too.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.actor import Actor
from registry.metrics import take_pool_reading

log = logging.getLogger("park.requests")

# A client's X-Request-ID is logged beside the server's own when it is short and plain.
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
# Otherwise a request is named by this worker's random tag and a counter: unique, and cheaper than uuid4.
_WORKER = uuid.uuid4().hex[:8]
_requests = itertools.count(1)
_HEADER = b"x-request-id"
_JSON = msgspec.json.Encoder()


def _client_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER and _REQUEST_ID.fullmatch(value):
            return value.decode("ascii")
    return None


def request_id_of(connection: ASGIConnection) -> str:
    """The id the request log gave this request (one of this worker's own outside an app's handler)."""
    state = connection.scope.get("state") or {}
    return state.get("request_id") or f"{_WORKER}-{next(_requests)}"


def _user(scope: Scope) -> str | None:
    actor = scope.get("user") or (scope.get("state") or {}).get("actor")  # a token's, or a page's
    return actor.username if isinstance(actor, Actor) else None


class RequestLog:
    """ASGI middleware around the app's handler: names the request, then logs its line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = f"{_WORKER}-{next(_requests)}"
        scope.setdefault("state", {})["request_id"] = request_id  # type: ignore[typeddict-unknown-key]
        status = 500  # what the server answers should the app fail before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (_HEADER, request_id.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            take_pool_reading(unless_within=1.0)  # this worker's share of the pool gauges, kept fresh
            log.info(
                _JSON.encode(
                    {
                        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                        "request_id": request_id,
                        "client_request_id": _client_id(scope),
                        "user": _user(scope),
                        "method": scope["method"],
                        "route": scope.get("path_template") or None,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                ).decode()
            )


def log_each_request(app: Any) -> None:
    """Wrap `app`'s (a Litestar's) ASGI handler in the request log."""
    app.asgi_handler = RequestLog(app.asgi_handler)
