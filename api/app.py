"""The app factory: routes, auth, OpenAPI and problem details wired in small steps."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress
from typing import Any

from litestar import Litestar, Router, get
from litestar.exceptions import NotFoundException

from api.auth import jwt_auth
from api.controllers.accounts import AuthController, UserController
from api.controllers.deadlines import DeadlineController, FeeController, TenantDeadlineController
from api.controllers.exports import ExportController
from api.controllers.imports import ImportController, upload_router
from api.controllers.ip import IPController, TenantIPController
from api.controllers.periods import AuditController, PeriodController
from api.controllers.reports import ReportController
from api.controllers.round_close import RoundCloseController, signed_router
from api.controllers.round_reminders import RoundReminderController
from api.controllers.rounds import MyReturnsController, RoundController
from api.controllers.stats import StatsController
from api.controllers.tenants import TenantController
from api.edge import JSON_BODY_MAX, EdgeRequest, check_the_edge, complete_allow
from api.monitoring import MetricsController, count_requests_outermost, metrics_lifespan
from api.openapi import RegistryAnswerTypes, openapi_config
from api.portal import TEMPLATES, not_found_anywhere, portal_routes
from api.portal.sessions import Sessions
from api.problems import EXCEPTION_HANDLERS, PROBLEM_DETAILS
from api.request_log import log_each_request
from api.schemas import Health
from registry.db import Database, bound, engine_type
from registry.housekeeping import Housekeeper
from registry.login_throttle import LoginThrottle
from registry.settings import Settings, load_settings
from registry.tables import Account

CONTROLLERS = [
    AuthController,
    UserController,
    TenantController,
    TenantIPController,
    IPController,
    ReportController,
    PeriodController,
    AuditController,
    StatsController,
    ExportController,
    DeadlineController,
    TenantDeadlineController,
    FeeController,
    RoundReminderController,
    RoundController,
    MyReturnsController,
    RoundCloseController,
]


@get("/health", summary="Liveness and database reachability", tags=["health"], security=[])
async def health() -> Health:
    await Account.raw("SELECT 1").run()
    return Health(status="ok", engine=engine_type())


class RegistryApp(Litestar):
    """A Litestar app bound to its own database (`state.database`): each call into it (a request, the
    lifespan, the tasks they start) runs with that database bound (registry.db.bound), so two apps on
    two databases serve side by side in one process, each with its own settings."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with bound(self.state.database):
            await super().__call__(scope, receive, send)


def _database(database: Database, owned: bool):
    """Connect the app's database when the app starts and let go of it when the app stops; a database
    handed to `create_app` is its owner's to open and close."""

    @asynccontextmanager
    async def lifespan(_: Litestar):
        if not owned:
            yield
            return
        await database.open()
        try:
            yield
        finally:
            await database.close()

    return lifespan


def _housekeeping(config: Settings):
    """The scheduled chores (registry.housekeeping), done by one serving process of the database."""

    @asynccontextmanager
    async def lifespan(app: Litestar):
        app.state.housekeeper = Housekeeper(config.upload_retention_days)
        task = asyncio.create_task(app.state.housekeeper.run())
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    return lifespan


def create_app(
    config: Settings | None = None, extra_routers: list | None = None, *, database: Database | None = None
) -> Litestar:
    """The app for `config` (read from the environment when not given: `park serve`'s workers): its
    database, secrets, token lifetime, upload cap, login limits, session idle time and PBKDF2 count are
    bound here, to this app alone (docs/configuration.md). `database`: an open database made from the
    same settings, shared with the caller (the tests'), which opens and closes it; else the app makes its
    own, connected while the app runs."""
    config = config or load_settings()
    owned = database is None
    database = database or Database(config)
    auth = jwt_auth(config)
    api = Router(
        path="/api/v1",
        route_handlers=[
            *CONTROLLERS,
            upload_router([ImportController], config.import_max_bytes),
            signed_router(),
            health,
            *(extra_routers or []),
        ],
    )
    app = RegistryApp(
        route_handlers=[api, MetricsController, *portal_routes(config.import_max_bytes)],
        on_app_init=[auth.on_app_init, count_requests_outermost],
        plugins=[PROBLEM_DETAILS, RegistryAnswerTypes()],
        request_class=EdgeRequest,
        request_max_body_size=JSON_BODY_MAX,
        before_request=check_the_edge,
        middleware=[complete_allow],
        openapi_config=openapi_config(),
        template_config=TEMPLATES,
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: not_found_anywhere},  # type: ignore[arg-type]
        lifespan=[_database(database, owned), _housekeeping(config), metrics_lifespan],
        debug=False,
    )
    app.state.settings = config
    app.state.database = database
    app.state.jwt_auth = auth
    app.state.verified_tokens = {}  # api.auth.RememberingJWTMiddleware's, of this app's secret
    log_each_request(app)
    app.state.login_throttle = LoginThrottle(
        config.login_max_failures, config.login_window_seconds, config.login_max_failures_per_address
    )
    app.state.portal_sessions = Sessions(config.session_idle_seconds)
    return app
