from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery

from api.auth import requires
from api.schemas import ParkStatistics, struct_of
from registry.db import current
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
    async def stats(self, period: FromPath[str], as_of: FromQuery[date | None] = None) -> Response[ParkStatistics]:
        asked = parse_period(period)

        async def answer() -> bytes:
            return msgspec.json.encode(struct_of(ParkStatistics, (await park_stats(asked, as_of)).to_json()))

        # The encoded answer too is kept while the records stay as they were (registry.read_cache): at
        # 10,000 tenants, turning the figures into JSON costs more than reading the version.
        return Response(await current().statistics.get(("answer", str(asked), as_of), answer), media_type="application/json")
