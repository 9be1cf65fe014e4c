"""Excel downloads: the yearly park statistics, the import template and the registry dump.

Who may download what:
- statistics/{year}.xlsx: statistician, manager, admin (park-wide figures);
- registry.xlsx: manager, admin (every record, contacts included);
- template.xlsx: every signed-in user, tenants included: it holds no registry data, only the
  vocabulary and a made-up sample row, and a tenant may fill it in for the park managers.
A tenant asking for a park-wide export gets 403.
"""

from __future__ import annotations

import os
import re
import tempfile

from litestar import Controller, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery
from litestar.response import File

from api.auth import READERS, WRITERS, requires
from exports.registry_dump import write_registry_workbook
from exports.statistics import statistics_workbook
from exports.template import template_workbook
from registry.actor import ROLES
from registry.errors import FieldError, NotFound, ValidationFailed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNED_IN = requires(*ROLES)
_STATISTICS_FILE = re.compile(r"(\d{4})\.xlsx")
_FIRST_YEAR, _LAST_YEAR = 1900, 2999
_LANGS = ("zh", "en")


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
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
        summary="Yearly park statistics workbook, e.g. /exports/statistics/2016.xlsx?lang=en",
        guards=[READERS],
        media_type=XLSX,
    )
    async def statistics(self, filename: FromPath[str], lang: FromQuery[str] = "zh") -> Response[bytes]:
        match = _STATISTICS_FILE.fullmatch(filename)
        if match is None:
            raise NotFound("请求 /exports/statistics/{年份}.xlsx / ask for /exports/statistics/{year}.xlsx")
        year = int(match[1])
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise ValidationFailed(
                "年份超出范围 / year out of range",
                [FieldError("year", "out_of_range", f"{_FIRST_YEAR}–{_LAST_YEAR}")],
            )
        _check_lang(lang)
        content = await statistics_workbook(year, lang)
        return Response(content, media_type=XLSX, headers=_headers(f"park-statistics-{year}-{lang}.xlsx"))

    @get("/template.xlsx", summary="Blank import template with dropdowns (?lang=zh|en)", guards=[SIGNED_IN],
         media_type=XLSX)  # fmt: skip
    async def template(self, lang: FromQuery[str] = "zh") -> Response[bytes]:
        _check_lang(lang)
        return Response(template_workbook(lang), media_type=XLSX, headers=_headers(f"park-import-template-{lang}.xlsx"))

    @get("/registry.xlsx", summary="Every tenant, IP item and report in the import format", guards=[WRITERS],
         media_type=XLSX)  # fmt: skip
    async def registry(self) -> File:
        # Streamed through a temporary file: a large registry never sits in memory whole.
        handle, path = tempfile.mkstemp(prefix="park-registry-", suffix=".xlsx")
        try:
            with os.fdopen(handle, "wb") as file:
                await write_registry_workbook(file)
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
