"""The app factory: routes, auth, OpenAPI and problem details wired in small steps."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress

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
from registry.db import close_database, engine, engine_type, open_database, serving_from, use_database
from registry.housekeeping import Housekeeper
from registry.login_throttle import LoginThrottle
from registry.settings import Settings, settings
from registry.tables import Account

CONTROLLERS = [
    AuthController, UserController, TenantController, TenantIPController, IPController, ReportController,
    PeriodController, AuditController, StatsController, ExportController,
    DeadlineController, TenantDeadlineController, FeeController,
]


@get("/health", summary="Liveness and database reachability", tags=["health"], security=[])
async def health() -> Health:
    await Account.raw("SELECT 1").run()
    return Health(status="ok", engine=engine_type())


def _database(config: Settings):
    @asynccontextmanager
    async def lifespan(_: Litestar):
        previous = use_database(config.database_url)  # this app's, should another app have been made since
        await open_database()
        try:
            with serving_from(engine()):  # no other database bound while this app serves
                yield
        finally:
            await close_database()
            use_database(previous)

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


def create_app(config: Settings | None = None, extra_routers: list | None = None) -> Litestar:
    """The app for `config` (the process's settings, from the environment, when not given): its secret,
    token lifetime, upload cap, login limits, session idle time and database are read here, not at import.

    The registry's tables are bound to one database per process: making the app binds them to
    `config.database_url` (registry.db.use_database; nothing changes when it is the bound one already),
    and so does starting it. While a started app serves, another database is refused
    (registry.db.DatabaseInUse)."""
    config = config or settings()
    use_database(config.database_url)
    auth = jwt_auth(config)
    api = Router(path="/api/v1", route_handlers=[*CONTROLLERS, upload_router([ImportController], config.import_max_bytes), health,
                                                 *(extra_routers or [])])
    app = Litestar(
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
        lifespan=[_database(config), _housekeeping(config), metrics_lifespan],
        debug=False,
    )
    app.state.settings = config
    app.state.jwt_auth = auth
    log_each_request(app)
    app.state.login_throttle = LoginThrottle(
        config.login_max_failures, config.login_window_seconds, config.login_max_failures_per_address
    )
    app.state.portal_sessions = Sessions(config.session_idle_seconds)
    return app
