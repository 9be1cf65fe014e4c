"""What a new record's row leaves out and the registry can assume, each said in one warning naming
its rows (SPEC §4): a new tenant with no status is incubating (left when it has a move-out date),
with no industry group `other`, to be classified; a new IP item with no status takes it from its
dates (granted: valid, else pending). Stored records keep what they have.
"""

from __future__ import annotations

from importers.report import Issues
from importers.rows import SheetRows
from registry.identifiers import InvalidIdentifier
from registry.ip_numbers import normalise_ip_number
from registry.services import bulk
from registry.vocabulary import IP_STATUS


async def fill_defaults(sheets: list[SheetRows], issues: Issues) -> None:
    tenant_sheets = [sheet for sheet in sheets if sheet.kind == "tenants"]
    usccs = {record["uscc"] for sheet in tenant_sheets for record in sheet.records if record.get("uscc")}
    stored = await bulk.tenants_by_uscc(usccs) if usccs else {}
    for sheet in tenant_sheets:
        for record, row in zip(sheet.records, sheet.rows, strict=True):
            if record.get("uscc") is None or record["uscc"] in stored:
                continue
            if record.get("status") is None:
                left = record.get("moved_out_on") is not None
                record["status"] = "left" if left else "incubating"
                issues.warn_rows(sheet.name, row, sheet.letter("status"), None, f"status_default_{record['status']}",
                                 f"新企业未填状态，按“{'迁出' if left else '在孵'}”登记" + ("（有迁出日期）" if left else ""),
                                 f"new tenant without a status registered as {record['status']}"
                                 + (" (it has a move-out date)" if left else ""))
            if record.get("industry") is None:
                record["industry"] = "other"
                issues.warn_rows(sheet.name, row, sheet.letter("industry"), None, "industry_needs_classification",
                                 "新企业未填产业类别，暂归“其他”，待分类",
                                 "new tenant without an industry group registered as other; it needs classifying")
    await _ip_statuses([sheet for sheet in sheets if sheet.kind == "ip"], issues)


def ip_key(record: dict) -> tuple[str, str] | None:
    """An IP row's key (kind, normalised number), None when it has none (the plan says why)."""
    if record.get("kind") is None or record.get("number") is None:
        return None
    try:
        return record["kind"], normalise_ip_number(record["kind"], record["number"])
    except InvalidIdentifier:
        return None


async def _ip_statuses(sheets: list[SheetRows], issues: Issues) -> None:
    unsaid: list[tuple[SheetRows, int, dict, tuple[str, str]]] = []
    for sheet in sheets:
        for record, row in zip(sheet.records, sheet.rows, strict=True):
            if record.get("status") is None and (key := ip_key(record)) is not None:
                unsaid.append((sheet, row, record, key))
    if not unsaid:
        return
    stored = await bulk.ip_items_by_key({key for *_, key in unsaid})
    for sheet, row, record, key in unsaid:
        if key in stored:
            continue
        record["status"] = "valid" if record.get("granted_on") else "pending"
        issues.warn_rows(sheet.name, row, sheet.letter("status"), None, f"ip_status_from_dates_{record['status']}",
                         f"未填法律状态，按日期定为“{IP_STATUS.label(record['status'])}”"
                         + ("（有授权日）" if record["status"] == "valid" else "（无授权日）"),
                         f"no legal status given; {record['status']} by its dates"
                         + (" (it has a grant date)" if record["status"] == "valid" else " (no grant date)"))
