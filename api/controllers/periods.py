from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery

from api.auth import requires
from api.schemas import AuditEntry, ClosedYear, Page, page_of
from registry import audit
from registry.actor import Actor
from registry.permissions import Action
from registry.services import closed_years


def _closed(result: dict) -> ClosedYear:
    at = result["closed_at"]
    return ClosedYear(
        year=result["year"],
        closed=result["closed"],
        closed_by=result["closed_by"],
        closed_at=at.isoformat() if at else None,
    )


class PeriodController(Controller):
    path = "/periods"
    tags = ["periods"]

    @get("/", summary="Closed years", guards=[requires(Action.READ_PARK)])
    async def list_closed(self) -> list[int]:
        return sorted(await closed_years.closed_years())

    @post(
        "/{year:int}/close",
        summary="Close a year (statistics office, admin)",
        status_code=200,
        guards=[requires(Action.CLOSE_YEAR)],
    )
    async def close(self, request: Request[Actor, object, object], year: FromPath[int]) -> ClosedYear:
        return _closed(await closed_years.close_year(request.user, year))

    @post(
        "/{year:int}/reopen",
        summary="Reopen a closed year (admin)",
        status_code=200,
        guards=[requires(Action.REOPEN_YEAR)],
    )
    async def reopen(self, request: Request[Actor, object, object], year: FromPath[int]) -> ClosedYear:
        return _closed(await closed_years.reopen_year(request.user, year))


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]
    guards = [requires(Action.READ_AUDIT)]

    @get("/", summary="The audit trail, newest first")
    async def list_audit(
        self,
        request: Request[Actor, object, object],
        entity: FromQuery[str | None] = None,
        uscc: FromQuery[str | None] = None,
        actor: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[AuditEntry]:
        """`actor` is the account that made the change; `source` where it came from: `request:<id>`, `cli`, `demo`,
        `import:<batch id>`."""
        uscc = uscc.strip().upper() if uscc else None  # as every /tenants/{uscc} path takes it
        entries = await audit.list_entries(request.user, entity, uscc, limit, offset, by=actor, source=source)
        return page_of(AuditEntry, entries)
