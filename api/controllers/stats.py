from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath

from api.auth import READERS
from registry.services.reports import parse_period
from registry.stats import park_stats


class StatsController(Controller):
    path = "/stats"
    tags = ["statistics"]
    guards = [READERS]

    @get("/{period:str}", summary="Park statistics for a year, half or quarter (the export's numbers)")
    async def stats(self, period: FromPath[str]) -> dict:
        return (await park_stats(parse_period(period))).to_json()
