"""`GET /metrics` (SPEC §10): Litestar's Prometheus support, open to the server's own host and to admins.

Requests are counted and timed by Litestar's `PrometheusMiddleware` per route *template*
(`/api/v1/tenants/{uscc}`, never the address asked: a USCC in a label would leak and every tenant would
be a series of its own); an address no route serves is not counted (its answer is logged, see
api/request_log.py). The registry's own series (import batches, reminders, the database pool) are in
registry/metrics.py. docs/operations-monitoring.md lists them all.

Who may read it: any request from the loopback address (the host's own Prometheus agent or node
exporter), else an admin — by bearer token or by portal session, as everywhere else. Behind a reverse
proxy on the same host the proxy must pass the client's address in `X-Forwarded-For` (uvicorn takes it
from 127.0.0.1 only); a proxy that does not would make every visitor look local.
"""

from __future__ import annotations

import ipaddress
import os
import time
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController, PrometheusMiddleware
from litestar.security.jwt import Token
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import multiprocess

from api.auth import bound_actor, current_actor
from api.portal.page import load_session
from api.request_log import request_id_of
from registry.actor import Actor
from registry.metrics import take_pool_reading
from registry.permissions import Action

METRICS_PATH = "/metrics"
# Seconds: the registry's answers take milliseconds; an import or a workbook takes seconds.
LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]


class RouteMetrics(PrometheusMiddleware):
    """Litestar's Prometheus middleware, counting every answer of a route, refusals of the token check
    included. It must sit outside the authentication middleware to see those; but that middleware refuses
    by raising (Litestar's outermost exception handler makes the answer), and the plain Prometheus
    middleware records a request that raised through it as a 200. Here a request that raised before its
    answer began is counted with the status its exception is answered with (tests/api/test_metrics.py
    counts a 401)."""

    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        super().__init__(app, config)
        # Each route's labelled children, looked up once per (method, template, status) and kept: the
        # same series Litestar's own __call__ updates, without prometheus-client's label validation
        # and locking on every request (a hot read's share of it was about a tenth).
        self._in_progress: dict[tuple, object] = {}
        self._answered: dict[tuple, tuple] = {}

    def _children_answered(self, method: str, path: str, status: int) -> tuple:
        key = (method, path, status)
        found = self._answered.get(key)
        if found is None:
            names = {"method": method, "path": path, "status_code": status, "app_name": "park"}
            values = [method, path, status, "park"]
            error = self.requests_error_count(names).labels(*values) if status >= 500 else None
            found = self._answered[key] = (
                self.request_count(names).labels(*values),
                self.request_time(names).labels(*values),
                error,
            )
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar's own __call__, the same series, labels and timing, with its labels read straight
        # from the scope (its own builds the request's whole URL first, only to replace the path by the
        # template).
        method, path = scope["method"], scope["path_template"]
        in_progress = self._in_progress.get((method, path))
        if in_progress is None:
            names = {"method": method, "path": path, "status_code": 200, "app_name": "park"}
            in_progress = self._in_progress[(method, path)] = self.requests_in_progress(names).labels(
                method, path, 200, "park"
            )
        started = time.perf_counter()
        answer: dict[str, Any] = {"status": 200, "duration": 0.0, "began": False}

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["began"] = message["status"], True
            elif message["type"] == "http.response.body":
                answer["duration"] = time.perf_counter() - started
            await send(message)

        in_progress.inc()
        try:
            await self.app(scope, receive, timed_send)
        except Exception as error:
            if not answer["began"]:
                answer["status"] = error.status_code if isinstance(error, HTTPException) else 500
                answer["duration"] = time.perf_counter() - started
            raise
        finally:
            in_progress.dec()
            count, timing, error = self._children_answered(method, path, answer["status"])
            if error is not None:
                error.inc()
            count.inc()
            timing.observe(answer["duration"])


PROMETHEUS = PrometheusConfig(
    app_name="park",
    prefix="park",
    group_path=True,  # label `path` is the route's template
    buckets=LATENCY_BUCKETS,  # type: ignore[arg-type]
    middleware_class=RouteMetrics,
)


def count_requests_outermost(app_config: AppConfig) -> AppConfig:
    """An `on_app_init` hook, after the authentication's: the metrics middleware goes outside it."""
    app_config.middleware.insert(0, PROMETHEUS.middleware)
    return app_config


def _loopback(connection: ASGIConnection) -> bool:
    host = connection.client.host if connection.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _signed_in(connection: ASGIConnection) -> Actor | None:
    """The bearer token's or the portal session's actor (401 for a token that is bad or stale)."""
    header = connection.headers.get("authorization", "")
    if header:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "bearer" or not encoded:
            raise NotAuthorizedException("请先登录 / sign in first")
        auth = connection.app.state.jwt_auth
        token = Token.decode(encoded.strip(), secret=auth.token_secret, algorithm=auth.algorithm)
        actor = await current_actor(token, connection)
        if actor is None:
            raise NotAuthorizedException("请重新登录 / sign in again")
        return actor
    session = await load_session(connection)
    if session is None or session.username is None:
        return None
    return await bound_actor(session.username, session.claims, request_id_of(connection))


async def admins_or_loopback(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A guard: the server's own host, or an admin (401 signed out, 403 another role)."""
    if _loopback(connection):
        return
    actor = await _signed_in(connection)
    if actor is None:
        raise NotAuthorizedException("请先登录 / sign in first")
    connection.scope["user"] = actor  # the request's log line names who read the metrics
    if not actor.may(Action.READ_METRICS):
        raise PermissionDeniedException(f"角色 {actor.role} 无权访问 / role {actor.role} may not do this")


async def _read_the_pool(_: Request) -> None:
    take_pool_reading()  # this worker's, now; the others' as of their last request (api/request_log.py)


class MetricsController(PrometheusController):
    """Prometheus' text format; under `park serve --workers N` the sum of every worker's files."""

    path = METRICS_PATH
    guards = [admins_or_loopback]
    before_request = _read_the_pool
    opt = {"exclude_from_auth": True}  # the guard reads a token or a session itself: loopback needs neither
    include_in_schema = False  # not JSON, not under /api/v1; documented in docs/operations-monitoring.md


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


@asynccontextmanager
async def metrics_lifespan(_: Litestar):
    """A worker that stops takes its live gauges (the pool's) out of the multiprocess sum."""
    try:
        yield
    finally:
        if multiprocess_dir():
            multiprocess.mark_process_dead(os.getpid())
