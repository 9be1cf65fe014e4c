"""Closing a report round, its progress and its signed summary (SPEC §9):

- `POST /rounds/{id}/close` (RUN_ROUNDS): freezes the submitted dataset; 409 when closed already.
- `GET /rounds/{id}/progress` (REVIEW_RETURNS): counts by state and industry, overdue, reminders (JSON);
  `GET /rounds/{id}/progress.xlsx`: the same with every return.
- `PUT /rounds/{id}/signed` (RUN_ROUNDS, multipart `file`): the signed summary's scan, PDF, PNG or JPEG
  told by its bytes, at most registry.services.round_close.SIGNED_MAX_BYTES; `GET` gives it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from litestar import Controller, Request, Response, Router, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody
from msgspec import Struct

from api.auth import requires
from api.controllers.exports import XLSX, check_lang
from exports.progress import progress_workbook
from registry.actor import Actor
from registry.permissions import Action
from registry.services import round_close, round_progress

_ENVELOPE = 64 * 1024


class SignedScan(Struct):
    filename: str
    media_type: str
    by: str
    at: str


class ClosedRound(Struct):
    """A round as closing and handing in leave it (the rounds' own answer carries the rest)."""

    id: int
    period: str
    title: str
    state: str
    closed_by: str | None
    closed_at: str | None
    signed: SignedScan | None


class StateCounts(Struct):
    not_started: int
    draft: int
    submitted: int
    accepted: int
    returned: int
    excused: int


class IndustryProgress(Struct):
    industry: str
    total: int
    by_state: StateCounts


class RoundProgress(Struct):
    round: int
    period: str
    title: str
    deadline: date
    state: str
    total: int
    by_state: StateCounts
    by_industry: list[IndustryProgress]
    overdue: int
    reminders: int
    reminded_tenants: int


def closed_round(row: dict) -> ClosedRound:
    signed = None
    if row["signed_at"] is not None:
        signed = SignedScan(
            row["signed_filename"], row["signed_media_type"], row["signed_by"], row["signed_at"].isoformat()
        )
    return ClosedRound(
        id=row["id"],
        period=row["period"],
        title=row["title"],
        state=row["state"],
        closed_by=row["closed_by"],
        closed_at=row["closed_at"].isoformat() if row["closed_at"] else None,
        signed=signed,
    )


def progress_answer(found: dict) -> RoundProgress:
    return RoundProgress(
        **found
        | {
            "by_state": StateCounts(**found["by_state"]),
            "by_industry": [
                IndustryProgress(line["industry"], line["total"], StateCounts(**line["by_state"]))
                for line in found["by_industry"]
            ],
        }
    )


class RoundCloseController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @post(
        "/{round_id:int}/close",
        summary="Close a round: its accepted returns become the period's submitted dataset (statistics office, admin)",
        status_code=200,
        guards=[requires(Action.RUN_ROUNDS)],
    )
    async def close(self, request: Request[Actor, object, object], round_id: FromPath[int]) -> ClosedRound:
        return closed_round(await round_close.close_round(request.user, round_id))

    @get(
        "/{round_id:int}/progress",
        summary="A round's progress: returns by state and industry, overdue, reminders sent",
        guards=[requires(Action.REVIEW_RETURNS)],
    )
    async def progress(self, request: Request[Actor, object, object], round_id: FromPath[int]) -> RoundProgress:
        return progress_answer(await round_progress.round_progress(request.user, round_id))

    @get(
        "/{round_id:int}/progress.xlsx",
        summary="A round's progress workbook: the counts and every return with its state, times, reviewer, "
        "reminders (?lang=zh|en)",
        guards=[requires(Action.REVIEW_RETURNS)],
        media_type=XLSX,
    )
    async def progress_workbook(
        self, request: Request[Actor, object, object], round_id: FromPath[int], lang: FromQuery[str] = "zh"
    ) -> Response[bytes]:
        check_lang(lang)
        content = await progress_workbook(request.user, round_id, lang, zone=request.app.state.settings.zone)
        return Response(content, media_type=XLSX, headers=_attachment(f"round-{round_id}-progress-{lang}.xlsx"))

    @get(
        "/{round_id:int}/signed",
        summary="The signed summary's scan as handed in",
        guards=[requires(Action.REVIEW_RETURNS)],
        media_type="application/octet-stream",
    )
    async def signed(self, request: Request[Actor, object, object], round_id: FromPath[int]) -> Response[bytes]:
        filename, media_type, content = await round_close.signed_scan(request.user, round_id)
        return Response(content, media_type=media_type, headers=_attachment(filename))


@dataclass
class SignedUpload:
    file: UploadFile


class SignedSummaryController(Controller):
    path = "/rounds"
    tags = ["rounds"]

    @put(
        "/{round_id:int}/signed",
        summary="Hand in the signed summary's scan of a closed round (multipart `file`: PDF, PNG or JPEG, "
        f"at most {round_close.SIGNED_MAX_BYTES // (1024 * 1024)} MB)",
        description="415 when the bytes are not PDF, PNG or JPEG; 422 when empty or over the cap; 409 when "
        "the round is still open; 413 when the body is far over the cap (before it is read).",
        status_code=200,
        guards=[requires(Action.RUN_ROUNDS)],
    )
    async def hand_in(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        data: MultipartBody[SignedUpload],
    ) -> ClosedRound:
        content = await data.file.read()
        return closed_round(await round_close.hand_in_signed(request.user, round_id, data.file.filename, content))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"}


def signed_router() -> Router:
    """The signed summary's upload, taking bodies up to its cap (other routes keep the JSON cap)."""
    return Router(
        path="/",
        route_handlers=[SignedSummaryController],
        request_max_body_size=round_close.SIGNED_MAX_BYTES + _ENVELOPE,
    )


__all__ = ["RoundCloseController", "SignedSummaryController", "signed_router"]
