"""Excel downloads: the yearly park statistics, the import template and the registry dump.

Who may download what:
- statistics/{period}.xlsx (a year, half or quarter): statistician, manager, admin (park-wide figures);
- registry.xlsx: manager, admin (every record, contacts included);
- template.xlsx: every signed-in user, tenants included: it holds no registry data, only the
  vocabulary and a made-up sample row, and a tenant may fill it in for the park managers;
- deadlines.xlsx: statistician, manager, admin (the park's IP deadlines, as `park export deadlines`);
- tenants.xlsx: statistician, manager, admin (the tenant list as filtered, as they read it at /tenants).
A tenant asking for a park-wide export gets 403.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import File

from api.auth import requires
from exports.deadlines import deadlines_workbook
from exports.registry_dump import dump_in_worker
from exports.statistics import statistics_workbook
from exports.template import template_workbook
from exports.tenant_list import tenant_list_filename, tenant_list_workbook
from registry.actor import Actor
from registry.errors import FieldError, NotFound, ValidationFailed
from registry.ip_deadlines import DEFAULT_WITHIN_DAYS
from registry.permissions import Action
from registry.services.reports import parse_period
from registry.vocabulary import LANGS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATISTICS_FILE = re.compile(r"(.+)\.xlsx")


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValidationFailed(
            "语言参数无效 / invalid language",
            [FieldError("lang", "not_a_choice", "可选 zh 或 en / one of: zh, en")],
        )


def _headers(filename: str) -> dict[str, str]:
    # Park-wide data: no shared cache may keep a copy.
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


class ExportController(Controller):
    path = "/exports"
    tags = ["exports"]

    @get(
        "/statistics/{filename:str}",
        summary="Park statistics workbook for a year, half or quarter, e.g. /exports/statistics/2017H1.xlsx?lang=en"
        "&as_of=2017-10-31",
        guards=[requires(Action.READ_PARK)],
        media_type=XLSX,
    )
    async def statistics(
        self,
        request: Request[Actor, object, object],
        filename: FromPath[str],
        lang: FromQuery[str] = "zh",
        as_of: FromQuery[date | None] = None,
        as_submitted: Annotated[
            bool | None,
            QueryParameter(
                description="a period whose report round is closed is drawn from its submitted dataset (with a "
                "更正 sheet of the corrections since); false: the registry as it is now; true without a closed "
                "round: 422"
            ),
        ] = None,
    ) -> Response[bytes]:
        match = _STATISTICS_FILE.fullmatch(filename)
        if match is None:
            raise NotFound("请求 /exports/statistics/{期间}.xlsx / ask for /exports/statistics/{period}.xlsx")
        period = parse_period(match[1])
        check_lang(lang)
        content = await statistics_workbook(
            request.user, period, lang, as_of, as_submitted, zone=request.app.state.settings.zone
        )
        return Response(content, media_type=XLSX, headers=_headers(f"park-statistics-{period}-{lang}.xlsx"))

    @get("/template.xlsx", summary="Blank import template with dropdowns (?lang=zh|en)", guards=[requires(Action.SIGN_IN)],
         media_type=XLSX)  # fmt: skip
    async def template(self, lang: FromQuery[str] = "zh") -> Response[bytes]:
        check_lang(lang)
        return Response(template_workbook(lang), media_type=XLSX, headers=_headers(f"park-import-template-{lang}.xlsx"))

    @get(
        "/deadlines.xlsx",
        summary="The park's IP deadlines within a window, grouped by tenant, and its fee years past their grace "
        "(?within=90&lang=zh|en)",
        guards=[requires(Action.READ_PARK)],
        media_type=XLSX,
    )
    async def deadlines(
        self,
        request: Request[Actor, object, object],
        within: Annotated[int, QueryParameter(description="days from today")] = DEFAULT_WITHIN_DAYS,
        lang: FromQuery[str] = "zh",
    ) -> Response[bytes]:
        check_lang(lang)
        content = await deadlines_workbook(request.user, within, lang)
        return Response(content, media_type=XLSX, headers=_headers(f"park-ip-deadlines-{date.today()}-{lang}.xlsx"))

    @get(
        "/tenants.xlsx",
        summary="The tenant list as a search, filters and sort find it (?q=&industry=&status=&sort=&lang=zh|en), "
        "in the import format",
        guards=[requires(Action.READ_PARK)],
        media_type=XLSX,
    )
    async def tenant_list(
        self,
        request: Request[Actor, object, object],
        q: FromQuery[str] = "",
        industry: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "name",
        lang: FromQuery[str] = "zh",
    ) -> Response[bytes]:
        check_lang(lang)
        content = await tenant_list_workbook(request.user, q or None, industry or None, status or None, sort, lang)
        return Response(content, media_type=XLSX, headers=_headers(tenant_list_filename(lang)))

    @get("/registry.xlsx", summary="Every tenant, IP item and report in the import format", guards=[requires(Action.WRITE_PARK)],
         media_type=XLSX)  # fmt: skip
    async def registry(self, request: Request[Actor, object, object]) -> File:
        return await registry_file(request.user)


async def registry_file(actor: Actor) -> File:
    """The registry dump, written by a worker process into a temporary file: a large registry never sits
    in memory whole, and this process goes on answering other requests meanwhile."""
    handle, path = tempfile.mkstemp(prefix="park-registry-", suffix=".xlsx")
    os.close(handle)
    try:
        await dump_in_worker(actor, path)
    except BaseException:
        os.unlink(path)
        raise
    return File(
        path,
        filename="park-registry.xlsx",
        media_type=XLSX,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(os.unlink, path),
    )
