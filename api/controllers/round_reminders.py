"""`POST /rounds/{id}/remind` (SPEC §9): the office reminds the tenants of a round whose returns are due."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from api.auth import requires
from api.schemas import RemindAnswer, RemindRequest
from registry.actor import Actor
from registry.permissions import Action
from registry.services import reminders


class RoundReminderController(Controller):
    path = "/rounds"
    tags = ["rounds"]
    guards = [requires(Action.REVIEW_RETURNS)]

    @post(
        "/{round_id:int}/remind",
        summary="Remind the tenants whose returns are not submitted (all due, or those named)",
        description="At most one reminder a day per tenant: those reminded today already are `skipped`. The "
        "reminders are recorded first, then delivered (portal notice always; e-mail when PARK_SMTP_URL is set); "
        "a mail server that refuses or is down fails no request: `email` says how the e-mail went.",
        status_code=200,
    )
    async def remind(
        self,
        request: Request[Actor, object, object],
        round_id: FromPath[int],
        data: JSONBody[RemindRequest | None] = None,
    ) -> RemindAnswer:
        asked = data.uscc if data is not None and isinstance(data.uscc, list) else None
        done = await reminders.remind(request.user, round_id, asked)
        return msgspec.convert(done.answer(), RemindAnswer)
