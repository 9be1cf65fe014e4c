"""`/audit`: the audit trail for admins and managers, newest first, filtered by what kind of record,
which tenant, who made the change and which import batch; paged."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from api.portal.forms import AuditFilter, messages, read_form
from api.portal.page import PageActor, lang_of, park_zone_of, render
from registry import audit
from registry.audit_words import entries_in_words
from registry.errors import ValidationFailed
from registry.permissions import Action

PAGE_SIZE = 50


class AuditPage(Controller):
    path = "/audit"

    @get("/")
    async def trail(
        self,
        request: Request,
        actor: PageActor,
        entity: FromQuery[str] = "",
        uscc: FromQuery[str] = "",
        who: FromQuery[str] = "",
        batch: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        actor.require(Action.READ_AUDIT)
        page = max(page, 1)
        errors: dict[str, str] = {}
        source = None
        try:
            number = read_form(AuditFilter, {"batch": batch}).batch
            source = audit.import_source(number) if number is not None else None
        except ValidationFailed as failed:
            errors = messages(failed, ("batch",))
        found = {"items": [], "total": 0}
        if not errors:
            try:
                found = await audit.list_entries(
                    actor,
                    entity.strip() or None,
                    uscc.strip().upper() or None,
                    PAGE_SIZE,
                    (page - 1) * PAGE_SIZE,
                    by=who.strip() or None,
                    source=source,
                )
            except ValidationFailed as failed:
                errors = {e.field: e.message for e in failed.errors} or {"page": failed.detail}
        return render(
            request,
            "audit.html",
            {
                "found": found,
                "entries": await entries_in_words(found["items"], lang_of(request), park_zone_of(request)),
                "entity": entity,
                "uscc": uscc,
                "who": who,
                "batch": batch,
                "page": page,
                "pages": max(1, -(-found["total"] // PAGE_SIZE)),
                "errors": errors,
            },
            status_code=422 if errors else 200,
            actor=actor,
        )
