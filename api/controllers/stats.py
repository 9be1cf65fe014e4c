from __future__ import annotations

import gzip
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter

from api.auth import requires
from api.schemas import ParkStatsAnswer
from registry.actor import Actor
from registry.answers import encode_hook
from registry.db import current
from registry.permissions import Action
from registry.services.listing import Page
from registry.services.reports import parse_period
from registry.stats import ParkStats, park_stats

_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook)
# A page of the statistics' tenant lists holds up to the API's largest page: the demo park's whole lists.
LINES_PER_PAGE = 500


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an `Accept-Encoding` header (RFC 9110 §12.5.3) takes gzip: named, or `*`, with a q above 0."""
    taken: dict[str, bool] = {}
    for part in accept_encoding.lower().split(","):
        coding, _, parameters = part.strip().partition(";")
        weight = parameters.strip().removeprefix("q=").strip() if parameters.strip().startswith("q=") else "1"
        try:
            taken[coding.strip()] = float(weight) > 0
        except ValueError:
            taken[coding.strip()] = False
    return taken.get("gzip", taken.get("x-gzip", taken.get("*", False)))


def paged(stats: ParkStats, page: Page) -> ParkStatsAnswer:
    whole = {name: getattr(stats, name) for name in ParkStats.__struct_fields__}
    window = slice(page.offset, page.offset + page.limit)
    return ParkStatsAnswer(
        **whole | {"not_reported": stats.not_reported[window], "tenant_lines": stats.tenant_lines[window]},
        not_reported_total=len(stats.not_reported),
        tenant_lines_total=len(stats.tenant_lines),
        limit=page.limit,
        offset=page.offset,
    )


class StatsController(Controller):
    path = "/stats"
    tags = ["statistics"]
    guards = [requires(Action.READ_PARK)]

    @get(
        "/{period:str}",
        summary="Park statistics for a year, half or quarter (the export's numbers); ?as_of=DATE dates the "
        "figures at the end of a period still running; the tenants not reported and the tenant lines come "
        f"{LINES_PER_PAGE} at a time (limit, offset)",
    )
    async def stats(
        self,
        request: Request[Actor, object, object],
        period: FromPath[str],
        as_of: FromQuery[date | None] = None,
        limit: FromQuery[int] = LINES_PER_PAGE,
        offset: FromQuery[int] = 0,
        as_submitted: Annotated[
            bool,
            QueryParameter(
                description="the period's figures as handed in: its closed report round's submitted dataset "
                "(422 when the period has no closed round); false (the default) shows the registry as it is now"
            ),
        ] = False,
    ) -> Response[ParkStatsAnswer]:
        asked, page = parse_period(period), Page(limit, offset)
        page.check()
        compressed = accepts_gzip(request.headers.get("accept-encoding", ""))

        async def answer() -> bytes:
            stats = await park_stats(request.user, asked, as_of, as_submitted)
            encoded = _ENCODER.encode(paged(stats, page))
            # mtime 0: the same figures make the same bytes.
            return gzip.compress(encoded, compresslevel=6, mtime=0) if compressed else encoded

        # The encoded answer too is kept while the records stay as they were (registry.read_cache): at
        # 10,000 tenants, turning the figures into JSON (and compressing it) costs more than reading the
        # version. Compressed once, it is sent as it is to every client that takes gzip.
        if as_submitted:  # 422 before the cache when the period has no closed round; the round's id in the key
            await park_stats(request.user, asked, as_of, as_submitted)
        key = ("answer", str(asked), as_of, limit, offset, compressed, as_submitted)
        body = await current().statistics.get(key, answer)
        headers = {"Vary": "Accept-Encoding"} | ({"Content-Encoding": "gzip"} if compressed else {})
        return Response(body, media_type="application/json", headers=headers)
