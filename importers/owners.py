"""An IP row's owner named, not coded: `申请人`, `专利权人`, `申请人/专利权人` as CNIPA writes them.

A name matching exactly one tenant (the registry's, or one this file's tenants sheet adds) is that
tenant. Co-applicants are separated by `;` or `；`: the one co-applicant that is a tenant owns the
item. Otherwise the row is an error saying whether no tenant or several matched.
"""

from __future__ import annotations

import re

from importers.report import Issues
from importers.rows import SheetRows
from registry.services.tenants import name_key, usccs_by_name

_CO_APPLICANTS = re.compile(r"[;；]")


def _owner(text: str, named: dict[str, set[str]]) -> tuple[str | None, str, str]:
    """(USCC, error code, message) for the owner text of one row."""
    names = [name.strip() for name in _CO_APPLICANTS.split(text) if name.strip()]
    found = {uscc: name for name in names for uscc in named.get(name_key(name), ())}
    if len(found) == 1:
        return next(iter(found)), "", ""
    if not found:
        who = "、".join(f"“{name}”" for name in names)
        return (
            None,
            "owner_not_found",
            (
                f"没有名为{who}的企业（请先登记该企业，或填写统一社会信用代码）/ no tenant is named {', '.join(names)}; "
                "register the tenant first or give its USCC"
            ),
        )
    listed = ", ".join(f"{name} ({uscc})" for uscc, name in sorted(found.items()))
    return (
        None,
        "owner_ambiguous",
        (f"多个企业与申请人相符：{listed}；请填写统一社会信用代码 / several tenants match: {listed}; give the USCC"),
    )


async def find_owners(sheets: list[SheetRows], issues: Issues) -> None:
    """Give every IP row that names its owner only by name that owner's USCC, or an error."""
    named_sheets = [sheet for sheet in sheets if sheet.kind == "ip" and sheet.layout.column_of("owner_name")]
    if not named_sheets:
        return
    named = await usccs_by_name()
    for sheet in sheets:
        if sheet.kind == "tenants":
            for record in sheet.records:
                if record.get("name"):
                    named.setdefault(name_key(record["name"]), set()).add(record["uscc"])
    outcomes: dict[str, tuple[str | None, str, str]] = {}
    for sheet in named_sheets:
        letter = sheet.letter("owner_name")
        wanted = []
        for record, row in zip(sheet.records, sheet.rows, strict=True):
            text = record.pop("owner_name", None)
            if record.get("uscc") is not None or text is None:
                wanted.append(True)
                continue
            if text not in outcomes:
                outcomes[text] = _owner(text, named)
            uscc, code, message = outcomes[text]
            if uscc is not None:
                record["uscc"] = uscc
                sheet.usccs.add(uscc)
            else:
                issues.error(sheet.name, row, letter, text, code, message)
            wanted.append(uscc is not None)
        sheet.keep(wanted)
