"""The tenant list as a page shows it — its search, filters and sort — as a workbook: the registry dump's
tenant sheet (the import format, so the file can be edited and imported back), with only those rows."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook

from exports.registry_dump import RecordSheet
from registry.actor import Actor
from registry.permissions import Action
from registry.services import tenants
from registry.services.listing import MAX_LIMIT, Page


async def tenant_list_workbook(
    actor: Actor,
    q: str | None = None,
    industry: str | None = None,
    status: str | None = None,
    sort: str | None = None,
    lang: str = "zh",
) -> bytes:
    """Every tenant `tenants.list_tenants` finds for these filters, in its order (those who read the park)."""
    actor.require(Action.READ_PARK)
    book = Workbook(write_only=True)
    sheet = RecordSheet(book, "tenants", lang, date.today().isoformat())
    offset = 0
    while True:
        found = await tenants.list_tenants(actor, Page(MAX_LIMIT, offset, sort or "name"), industry, status, q)
        sheet.add(found["items"])
        offset += len(found["items"])
        if not found["items"] or offset >= found["total"]:
            break
    sheet.close()
    book.properties.title = "园区企业名单" if lang == "zh" else "Park tenants"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def tenant_list_filename(lang: str) -> str:
    return f"park-tenants-{date.today()}-{lang}.xlsx"


__all__ = ["tenant_list_filename", "tenant_list_workbook"]
