from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery

from api.auth import requires
from registry.answers import encode_hook
from registry.permissions import Action
from registry.read_cache import STATISTICS
from registry.services.reports import parse_period
from registry.stats import ParkStats, park_stats

_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook)


class StatsController(Controller):
    path = "/stats"
    tags = ["statistics"]
    guards = [requires(Action.READ_PARK)]

    @get(
        "/{period:str}",
        summary="Park statistics for a year, half or quarter (the export's numbers); ?as_of=DATE dates the "
        "figures at the end of a period still running",
    )
    async def stats(self, period: FromPath[str], as_of: FromQuery[date | None] = None) -> Response[ParkStats]:
        asked = parse_period(period)

        async def answer() -> bytes:
            return _ENCODER.encode(await park_stats(asked, as_of))

        # The encoded answer too is kept while the records stay as they were (registry.read_cache): at
        # 10,000 tenants, turning the figures into JSON costs more than reading the version.
        return Response(await STATISTICS.get(("answer", str(asked), as_of), answer), media_type="application/json")
