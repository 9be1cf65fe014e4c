"""What an import changes in the registry, field by field (SPEC §4): the list a dry run shows before
anyone applies it, kept with the batch.

A change names the stored record (its sheet and row in the file, its key, its name) and each field
that changes, with the value before and after. Records whose fields would be cleared come first, and
so do the cleared fields within a record: a wipe is the change a manager must not miss. Values are
kept as the registry stores them (codes, fen, ISO dates) and worded in the reader's language when
shown (`shown`), so one batch reads in Chinese and in English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, Literal, Protocol

from msgspec import Struct

from registry import audit
from registry.services import bulk
from registry.vocabulary import DERIVED_FIELDS, SHEETS, Field

# A dry run's answer carries this many changes; the rest are paged (GET /imports/{id}/changes).
SHOWN_AT_ONCE = 100


class _Rows(Protocol):
    """Where each planned row came from: (sheet, Excel row) by the row's index in the plan."""

    refs: Sequence[tuple[Any, int]]


def _key(kind: str, before: Mapping[str, Any]) -> str:
    if kind == "tenants":
        return before["uscc"]
    if kind == "reports":
        return audit.report_key(before)
    if kind == "fees":
        return f"{audit.ip_key(before)}:{before['patent_year']}"
    return audit.ip_key(before)


def _name(kind: str, before: Mapping[str, Any]) -> str | None:
    return {"tenants": before.get("name"), "ip": before.get("title"), "reports": before.get("tenant_name")}.get(kind)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@cache
def _fields(kind: str) -> dict[str, tuple[int, Field]]:
    """Each field of a sheet kind by key, with its place in the vocabulary's order."""
    fields = (*SHEETS[kind][2], *DERIVED_FIELDS[kind])
    return {f.key: (n, f) for n, f in enumerate(fields)}


class ImportFieldChange(Struct):
    field: str  # the vocabulary's key
    label: str  # the field's name in the language asked for (`lang`)
    before: str | None  # values worded in that language: labels for codes, yuan, ISO dates
    after: str | None
    cleared: bool  # a stored value the import clears


class ImportChange(Struct):
    """A stored record the import changes: where in the file, which record, each field before and after
    (cleared fields first; records with a cleared field first)."""

    sheet: str
    row: int
    kind: Literal[tuple(SHEETS)]  # type: ignore[valid-type]
    key: str
    name: str | None
    fields: list[ImportFieldChange]


# A change is kept compact — a hundred thousand of them are held while the list is sorted and written:
# [sheet, row, kind, key, name, [[field, before, after], ...]]. `shown` makes it the API's object.
_SHEET, _ROW, _KIND, _KEY, _NAME, _FIELDS = range(6)


def _cleared(item: Sequence[Any]) -> bool:
    """Whether a changed field ([field, before, after]) is a stored value cleared."""
    return item[2] is None and item[1] is not None


def change_list(plans: Mapping[str, bulk.Plan], rows: Mapping[str, _Rows]) -> list[tuple[Any, ...]]:
    """Every stored record the plans change, clears first (see the module's note), compact."""
    changes: list[tuple[tuple[bool, int, int], tuple[Any, ...]]] = []
    for order, (kind, plan) in enumerate(plans.items()):
        places = _fields(kind)
        last = len(places)
        for index, before, diff in plan.updates:
            sheet, row = rows[kind].refs[index]
            fields = sorted(
                ((key, _plain(before.get(key)), _plain(value)) for key, value in diff.items()),
                key=lambda f: (not _cleared(f), places[f[0]][0] if f[0] in places else last),
            )
            change = (sheet.name, row, kind, _key(kind, before), _name(kind, before), fields)
            changes.append(((not _cleared(fields[0]), order, row), change))
    changes.sort(key=lambda pair: pair[0])
    return [change for _, change in changes]


def shown(change: Sequence[Any], lang: str = "zh") -> ImportChange:
    """A kept change as the reader sees it: each field's label and values in `lang`."""
    places = _fields(change[_KIND])
    fields = []
    for key, before, after in change[_FIELDS]:
        field = places[key][1] if key in places else None
        fields.append(
            ImportFieldChange(
                field=key,
                label=field.label(lang) if field else key,
                before=field.shown(before, lang) if field else before,
                after=field.shown(after, lang) if field else after,
                cleared=_cleared((key, before, after)),
            )
        )
    return ImportChange(
        sheet=change[_SHEET], row=change[_ROW], kind=change[_KIND], key=change[_KEY], name=change[_NAME], fields=fields
    )


__all__ = ["SHOWN_AT_ONCE", "ImportChange", "ImportFieldChange", "change_list", "shown"]
