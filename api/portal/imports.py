"""`/imports`: upload a file (picker or drag and drop) → the dry run's plan on screen → apply it without
uploading again → the batch's page; and the history of batches. The same import service as the API."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, MultipartBody
from litestar.response import Redirect, Template

from api.controllers.imports import XLSX, ImportUpload
from api.portal.page import PageActor, lang_of, render, see_other
from importers import (
    BATCH_STATUSES,
    PlanChanged,
    apply_dry_run,
    batch_changes,
    errors_workbook,
    get_batch,
    list_batches,
    run_import,
)
from importers.changes import SHOWN_AT_ONCE, shown
from importers.report import grouped
from importers.safety import ImportRefused
from registry.actor import Actor
from registry.errors import ValidationFailed
from registry.permissions import Action
from registry.services.listing import Page

PAGE_SIZE = 20


async def _history_page(
    request: Request,
    actor: Actor,
    status: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    refused: ImportRefused | None = None,
    status_code: int = 200,
) -> Template:
    page = max(page, 1)
    try:
        history = await list_batches(actor, Page(PAGE_SIZE, (page - 1) * PAGE_SIZE), status or None)
    except ValidationFailed:
        history, status = await list_batches(actor, Page(PAGE_SIZE, 0)), ""
    pages = max(1, -(-history["total"] // PAGE_SIZE))
    return render(
        request,
        "imports.html",
        {
            "history": history,
            "status": status,
            "statuses": BATCH_STATUSES,
            "page": page,
            "pages": pages,
            "refused": refused,
        },
        status_code=status_code,
        actor=actor,
    )


async def _batch_page(
    request: Request, actor: Actor, batch_id: int, page: int, changed: PlanChanged | None = None
) -> Template:
    """A batch with its counts, the changes it makes (a page of them, worded in the page's language),
    its errors and warnings; a dry run with the button that applies it below its changes."""
    report = await get_batch(actor, batch_id)
    pages = max(1, -(-report.changes_total // SHOWN_AT_ONCE))
    page = min(max(page, 1), pages)
    found = await batch_changes(actor, batch_id, Page(SHOWN_AT_ONCE, (page - 1) * SHOWN_AT_ONCE))
    lang = lang_of(request)
    context = {
        "report": report,
        "changes": [shown(change, lang) for change in found["items"]],
        "error_groups": grouped(report.errors),
        "page": page,
        "pages": pages,
        "changed": changed,
    }
    return render(request, "import_batch.html", context, status_code=409 if changed else 200, actor=actor)


class ImportPages(Controller):
    path = "/imports"

    @get("/")
    async def upload_form(
        self, request: Request, actor: PageActor, status: FromQuery[str] = "", page: FromQuery[int] = 1
    ) -> Template:
        actor.require(Action.IMPORT)
        return await _history_page(request, actor, status, page)

    @post("/")  # its body cap: portal_routes()
    async def upload(
        self,
        request: Request,
        actor: PageActor,
        data: MultipartBody[ImportUpload],
    ) -> Template | Redirect:
        actor.require(Action.IMPORT)
        try:
            content, max_bytes = await data.file.read(), request.app.state.settings.import_max_bytes
            report = await run_import(actor, data.file.filename or "upload", content, dry_run=True, max_bytes=max_bytes)
        except ImportRefused as refused:
            return await _history_page(request, actor, refused=refused, status_code=refused.status)
        return see_other(f"/imports/{report.id}")

    @get("/{batch_id:int}")
    async def batch(
        self, request: Request, actor: PageActor, batch_id: FromPath[int], page: FromQuery[int] = 1
    ) -> Template:
        return await _batch_page(request, actor, batch_id, page)

    @post("/{batch_id:int}/apply")
    async def apply(self, request: Request, actor: PageActor, batch_id: FromPath[int]) -> Template | Redirect:
        try:
            report = await apply_dry_run(actor, batch_id)
        except PlanChanged as changed:
            return await _batch_page(request, actor, batch_id, 1, changed)
        return see_other(f"/imports/{report.id}")

    @get("/{batch_id:int}/errors.xlsx")
    async def errors(self, actor: PageActor, batch_id: FromPath[int]) -> Response:
        content = await errors_workbook(actor, batch_id)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="import-{batch_id}-errors.xlsx"',
                "Cache-Control": "no-store",
            },
        )
