from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from api.auth import requires
from api.schemas import ParkStatistics, struct_of
from registry.permissions import Action
from registry.services.reports import parse_period
from registry.stats import park_stats


class StatsController(Controller):
    path = "/stats"
    tags = ["statistics"]
    guards = [requires(Action.READ_PARK)]

    @get(
        "/{period:str}",
        summary="Park statistics for a year, half or quarter (the export's numbers); ?as_of=DATE dates the "
        "figures at the end of a period still running",
    )
    async def stats(self, period: FromPath[str], as_of: FromQuery[date | None] = None) -> ParkStatistics:
        return struct_of(ParkStatistics, (await park_stats(parse_period(period), as_of)).to_json())
