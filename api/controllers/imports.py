"""Spreadsheet imports (SPEC §4): upload, dry run, apply a dry run, the batches and their errors.xlsx.
Managers and admins.

A refused file (too large, hostile, not a spreadsheet) is an ImportRefused, a RegistryError: the
problem-details handler answers it with its own 4xx status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, MultipartBody, QueryParameter

from api.auth import requires
from api.controllers.exports import check_lang
from api.schemas import Page, page_of
from importers import apply_dry_run, batch_changes, errors_workbook, get_batch, list_batches, run_import
from importers.changes import ImportChange, shown
from importers.report import ImportBatch, ImportReport
from registry.actor import Actor
from registry.permissions import Action
from registry.services.listing import Page as Paging

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Room for the multipart envelope around a file of exactly the permitted size.
_ENVELOPE = 64 * 1024
_STATUS = {"applied": 201, "dry_run": 200, "invalid": 422}
_LANG = QueryParameter(description="the language of the change list's labels and values: zh or en")


@dataclass
class ImportUpload:
    file: UploadFile


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]
    guards = [requires(Action.IMPORT)]

    @post(
        "/",
        summary="Import a spreadsheet (.xlsx, .xls, .csv) of tenants, IP items and reports",
        description=(
            "multipart/form-data with the file in field `file`; `?dry_run=true` plans without writing. "
            "201 applied, 200 dry run, 422 with the same body when the file has errors (nothing written); "
            "413 over the size cap, before the body is read."
        ),
        status_code=201,
        responses={
            200: ResponseSpec(
                ImportBatch, generate_examples=False, description="Dry run: what the import would do; nothing written"
            ),
            422: ResponseSpec(
                ImportBatch,
                generate_examples=False,
                description="The file has errors: the same report; nothing written",
            ),
        },
    )
    async def create_import(
        self,
        request: Request[Actor, object, object],
        data: MultipartBody[ImportUpload],
        dry_run: Annotated[bool, QueryParameter(description="plan and report only; write nothing")] = False,
        lang: Annotated[str, _LANG] = "zh",
    ) -> Response[ImportBatch]:
        check_lang(lang)
        content = await data.file.read()
        max_bytes = request.app.state.settings.import_max_bytes
        report = await run_import(request.user, data.file.filename or "upload", content, dry_run, max_bytes=max_bytes)
        headers = {"Location": f"/api/v1/imports/{report.id}"}
        return Response(report.answer(lang), status_code=_STATUS[report.status], headers=headers)

    @get("/", summary="Import batches, newest first")
    async def list_imports(
        self,
        request: Request[Actor, object, object],
        status: Annotated[str | None, QueryParameter(description="dry_run, applied or invalid")] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Page[ImportBatch]:
        listing = await list_batches(request.user, Paging(limit, offset), status)
        return page_of(ImportBatch, listing, ImportReport.answer)

    @post(
        "/{batch_id:int}/apply",
        summary="Apply a clean dry run's stored file, without uploading it again",
        description=(
            "Plans the stored file again on the registry as it is now and applies it only if the plan is the "
            "one the dry run showed: 201 with the new batch. Otherwise 409, nothing written, with both plans "
            "(`plans.dry_run`, `plans.now`) and the errors the file would have now (`errors_now`). 409 too for a "
            "batch that is not a clean dry run or was applied already."
        ),
        status_code=201,
    )
    async def apply_import(
        self, request: Request[Actor, object, object], batch_id: FromPath[int], lang: Annotated[str, _LANG] = "zh"
    ) -> Response[ImportBatch]:
        check_lang(lang)
        report = await apply_dry_run(request.user, batch_id)
        return Response(
            report.answer(lang),
            status_code=_STATUS[report.status],
            headers={"Location": f"/api/v1/imports/{report.id}"},
        )

    @get("/{batch_id:int}", summary="An import batch: who, when, which file, its counts, changes, errors and warnings")
    async def get_import(
        self, request: Request[Actor, object, object], batch_id: FromPath[int], lang: Annotated[str, _LANG] = "zh"
    ) -> ImportBatch:
        check_lang(lang)
        return (await get_batch(request.user, batch_id)).answer(lang)

    @get(
        "/{batch_id:int}/changes",
        summary="The stored records an import batch changes, field by field, a page at a time",
        description=(
            "Every stored record the batch changes (a dry run: would change), with each field's value before "
            "and after, worded in `lang`. Records with a cleared field come first, and cleared fields first "
            "within a record. Created records are counted in `sheets`, not listed here."
        ),
    )
    async def list_changes(
        self,
        request: Request[Actor, object, object],
        batch_id: FromPath[int],
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
        lang: Annotated[str, _LANG] = "zh",
    ) -> Page[ImportChange]:
        check_lang(lang)
        found = await batch_changes(request.user, batch_id, Paging(limit, offset))
        return page_of(ImportChange, found, lambda change: shown(change, lang))

    @get("/{batch_id:int}/errors.xlsx", summary="The uploaded workbook with each bad cell marked", media_type=XLSX)
    async def get_errors_workbook(
        self, request: Request[Actor, object, object], batch_id: FromPath[int]
    ) -> Response[bytes]:
        content = await errors_workbook(request.user, batch_id)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="import-{batch_id}-errors.xlsx"',
                "Cache-Control": "no-store",
            },
        )


def upload_router(handlers: list, import_max_bytes: int) -> Router:
    """`handlers` taking bodies up to the upload cap (other routes keep Litestar's default), so a larger
    upload is refused (413) before it is read."""
    return Router(path="/", route_handlers=handlers, request_max_body_size=import_max_bytes + _ENVELOPE)
