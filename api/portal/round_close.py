"""A round's progress page and its signed summary (SPEC §9), for the statistics office:

- `/rounds/{id}/progress`: returns by state and industry, overdue, reminders; the progress workbook's
  download (`/rounds/{id}/progress.xlsx`). Those who review returns (REVIEW_RETURNS).
- `/rounds/{id}/summary`: a closed round's one-page summary to print on A4 (park, period in words,
  totals of the submitted dataset, counts by state, the office, boxes for 负责人签字 and 单位盖章), and
  the form handing in its signed scan (RUN_ROUNDS), which `/rounds/{id}/signed` gives back.
The same services as the API (registry.services.round_close, round_progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody
from litestar.response import Redirect, Template

from api.controllers.exports import XLSX
from api.portal.page import PageActor, lang_of, render, see_other
from exports.progress import progress_workbook
from registry.actor import Actor
from registry.errors import Conflict, RegistryError
from registry.page_setup import PARK_NAME
from registry.periods import Period
from registry.permissions import Action
from registry.services import round_close, round_progress
from registry.stats import park_stats
from registry.vocabulary import LANGS, RETURN_STATE

# Who prints and signs the summary: the park's statistics office.
OFFICE = {"zh": "园区统计办公室", "en": "the park's statistics office"}
# The totals the summary prints, in this order (report fields; money in 万元).
SUMMARY_FIGURES = (
    "total_income",
    "revenue",
    "net_profit",
    "tax_paid",
    "exports",
    "rd_expense",
    "employees",
    "rd_staff",
)


@dataclass
class SignedUpload:
    file: UploadFile


async def _summary_context(actor: Actor, round_id: int, lang: str) -> dict:
    actor.require(Action.REVIEW_RETURNS)
    found = await round_close.round_row(round_id)
    progress = await round_progress.round_progress(actor, round_id)
    period = Period.parse(found["period"])
    stats = await park_stats(actor, period, as_submitted=True) if found["state"] == "closed" else None
    return {
        "round": found,
        "progress": progress,
        "period_words": period.label(lang),
        "park": PARK_NAME[lang],
        "office": OFFICE[lang],
        "stats": stats,
        "summary_figures": SUMMARY_FIGURES,
        "states": RETURN_STATE.codes,
        "closed_on": round_close.park_day(found["closed_at"]) if found["closed_at"] else None,
        "signed_on": round_close.park_day(found["signed_at"]) if found["signed_at"] else None,
        "runs_rounds": actor.may(Action.RUN_ROUNDS),
        "cap_mb": round_close.SIGNED_MAX_BYTES // (1024 * 1024),
        "printed_on": round_close.park_day(datetime.now(UTC)),
    }


async def _close_page(
    request: Request, actor: Actor, round_id: int, error: str | None = None, status_code: int = 200
) -> Template:
    found = await round_close.round_row(round_id)
    context = {
        "round": found,
        "progress": await round_progress.round_progress(actor, round_id),
        "period_words": Period.parse(found["period"]).label(lang_of(request)),
        "error": error,
    }
    return render(request, "round_close.html", context, status_code=status_code, actor=actor)


class RoundClosePages(Controller):
    path = "/rounds"

    @get("/{round_id:int}/progress")
    async def progress(self, request: Request, actor: PageActor, round_id: FromPath[int]) -> Template:
        actor.require(Action.REVIEW_RETURNS)
        found = await round_close.round_row(round_id)
        progress = await round_progress.round_progress(actor, round_id)
        context = {
            "round": found,
            "progress": progress,
            "period_words": Period.parse(found["period"]).label(lang_of(request)),
            "states": RETURN_STATE.codes,
        }
        return render(request, "round_progress.html", context, actor=actor)

    @get("/{round_id:int}/progress.xlsx")
    async def progress_download(
        self, request: Request, actor: PageActor, round_id: FromPath[int], lang: FromQuery[str] = "zh"
    ) -> Response:
        lang = lang if lang in LANGS else LANGS[0]
        content = await progress_workbook(actor, round_id, lang, zone=request.app.state.settings.zone)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="round-{round_id}-progress-{lang}.xlsx"',
                "Cache-Control": "no-store",
            },
        )

    @get("/{round_id:int}/close")
    async def close_confirm(self, request: Request, actor: PageActor, round_id: FromPath[int]) -> Template:
        """What closing will do, and the button that does it (the statistics office, admins)."""
        actor.require(Action.RUN_ROUNDS)
        return await _close_page(request, actor, round_id)

    @post("/{round_id:int}/close")
    async def close(self, request: Request, actor: PageActor, round_id: FromPath[int]) -> Redirect | Template:
        try:
            await round_close.close_round(actor, round_id)
        except Conflict as error:
            return await _close_page(request, actor, round_id, error.detail, 409)
        return see_other(f"/rounds/{round_id}?closed=1")

    @get("/{round_id:int}/summary")
    async def summary(self, request: Request, actor: PageActor, round_id: FromPath[int]) -> Template:
        context = await _summary_context(actor, round_id, lang_of(request))
        context["done"] = request.query_params.get("done")
        return render(request, "round_summary.html", context, actor=actor)

    @post("/{round_id:int}/signed")  # its body cap: round_close_router()
    async def hand_in(
        self, request: Request, actor: PageActor, round_id: FromPath[int], data: MultipartBody[SignedUpload]
    ) -> Redirect | Template:
        try:
            content = await data.file.read()
            await round_close.hand_in_signed(actor, round_id, data.file.filename or "", content)
        except RegistryError as error:
            if error.status not in (409, 415, 422):
                raise
            context = await _summary_context(actor, round_id, lang_of(request))
            message = error.errors[0].message if error.errors else error.detail
            context["errors"] = {"file": message}
            return render(request, "round_summary.html", context, status_code=error.status, actor=actor)
        return see_other(f"/rounds/{round_id}/summary?done=signed")

    @get("/{round_id:int}/signed")
    async def signed(self, actor: PageActor, round_id: FromPath[int]) -> Response:
        filename, media_type, content = await round_close.signed_scan(actor, round_id)
        return Response(
            content,
            media_type=media_type,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
                "Cache-Control": "no-store",
            },
        )


def round_close_router() -> Router:
    """The pages above, taking bodies up to the signed scan's cap (the other pages keep the default)."""
    return Router(
        path="/",
        route_handlers=[RoundClosePages],
        request_max_body_size=round_close.SIGNED_MAX_BYTES + 64 * 1024,
    )


__all__ = ["OFFICE", "RoundClosePages", "round_close_router"]
