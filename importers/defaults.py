"""What a new record's row leaves out and the registry can assume, each said in one warning naming
its rows (SPEC §4): a new tenant with no status is incubating (left when it has a move-out date),
with no industry group `other`, to be classified; a new IP item with no status takes it from its
dates (granted: valid, else pending), but a utility model or design, which CNIPA publishes only when
it grants it, is granted: valid within its term, expired after it, never pending. Stored records keep
what they have.
"""

from __future__ import annotations

from datetime import date

from importers.report import Issues
from importers.rows import SheetRows
from registry.errors import InvalidValue
from registry.ip_clock import expires_on
from registry.ip_numbers import normalise_ip_number
from registry.services import bulk
from registry.vocabulary import IP_STATUS

# CNIPA publishes a utility model or a design only when it grants it: one in a file was granted.
_PUBLISHED_WHEN_GRANTED = ("utility_model", "design")


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
                issues.warn_rows(
                    sheet.name,
                    row,
                    sheet.letter("status"),
                    None,
                    f"status_default_{record['status']}",
                    f"新企业未填状态，按“{'迁出' if left else '在孵'}”登记" + ("（有迁出日期）" if left else ""),
                    f"new tenant without a status registered as {record['status']}"
                    + (" (it has a move-out date)" if left else ""),
                )
            if record.get("industry") is None:
                record["industry"] = "other"
                issues.warn_rows(
                    sheet.name,
                    row,
                    sheet.letter("industry"),
                    None,
                    "industry_needs_classification",
                    "新企业未填产业类别，暂归“其他”，待分类",
                    "new tenant without an industry group registered as other; it needs classifying",
                )
    await _ip_statuses([sheet for sheet in sheets if sheet.kind == "ip"], issues)


def ip_key(record: dict) -> tuple[str, str] | None:
    """An IP row's key (kind, normalised number), None when it has none (the plan says why)."""
    if record.get("kind") is None or record.get("number") is None:
        return None
    try:
        return record["kind"], normalise_ip_number(record["kind"], record["number"])
    except InvalidValue:
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
    today = date.today()
    for sheet, row, record, key in unsaid:
        if key in stored:
            continue
        if record["kind"] in _PUBLISHED_WHEN_GRANTED:
            _granted_status(sheet, row, record, today, issues)
            continue
        record["status"] = "valid" if record.get("granted_on") else "pending"
        issues.warn_rows(
            sheet.name,
            row,
            sheet.letter("status"),
            None,
            f"ip_status_from_dates_{record['status']}",
            f"未填法律状态，按日期定为“{IP_STATUS.label(record['status'])}”"
            + ("（有授权日）" if record["status"] == "valid" else "（无授权日）"),
            f"no legal status given; {record['status']} by its dates"
            + (" (it has a grant date)" if record["status"] == "valid" else " (no grant date)"),
        )


def _granted_status(sheet: SheetRows, row: int, record: dict, today: date, issues: Issues) -> None:
    """Valid within its term, expired after it (its last day counted by registry.ip_clock). One with no
    grant date still within its term is valid too, and the item then asks for its grant date."""
    last_day = expires_on(record["kind"], record.get("filed_on"), record.get("granted_on"))
    expired = last_day is not None and last_day < today
    record["status"] = "expired" if expired else "valid"
    zh, en = (
        ("保护期已过，定为“期满”", "past its term: expired")
        if expired
        else ("在保护期内，定为“有效”", "within its term: valid")
    )
    issues.warn_rows(
        sheet.name,
        row,
        sheet.letter("status"),
        None,
        f"ip_status_granted_{record['status']}",
        f"未填法律状态的实用新型、外观设计（国家知识产权局只在授权时公布）按已授权处理，{zh}",
        f"utility models and designs with no legal status (CNIPA publishes them only when granted) "
        f"taken as granted; {en}",
    )
