"""What a page reads from a form or its address besides a record's own fields: a record's version, a window of
days, an import batch's number. Read by the API's typed layer (`api.edge.typed_fields`: msgspec, with the
bounds the API documents), so a value the browser sends never meets a bare `int()`: `version=abc`, a
number of thirty digits or one with a control character is a ValidationFailed naming the field, and the
page shows the message beside it (or above the form, for a hidden field) with a 422.

A record's own fields (a tenant's, an IP item's, a report's figures) are not read here: the registry's
services clean them by the vocabulary (`registry.records.clean`), as they do an API body or an import row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar, TypeVar

from msgspec import Meta, Struct

from api.edge import typed_fields
from api.schemas import USCCIn, Username
from registry.errors import FieldError, ValidationFailed
from registry.services.deadlines import DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS
from registry.vocabulary import Field

S = TypeVar("S", bound=Struct)

# A record's version, as an ETag carries it to the API (api/etag.py): a positive 32-bit number.
Version = Annotated[int, Meta(ge=0, le=2**31 - 1)]
# A row's number (an import batch): the database's 32-bit serial.
RowNumber = Annotated[int, Meta(ge=1, le=2**31 - 1)]
Days = Annotated[int, Meta(ge=0, le=MAX_WITHIN_DAYS)]


class Edit(Struct):
    """Every edit form: the version of the record as the form showed it (0: none yet)."""

    version: Version = 0


class DeadlineWindow(Struct):
    within: Days = DEFAULT_WITHIN_DAYS
    SAYS: ClassVar[dict[str, str]] = {
        "within": f"时间窗应为 0–{MAX_WITHIN_DAYS} 的整数天 / the window is a whole number of days, 0–{MAX_WITHIN_DAYS}"
    }


class AuditFilter(Struct):
    batch: RowNumber | None = None
    SAYS: ClassVar[dict[str, str]] = {"batch": "导入批次编号应为数字 / an import batch is a number"}


class AccountForm(Struct):
    """What the accounts pages look up in the database, typed as the API's account bodies type them (a NUL
    would reach PostgreSQL otherwise); the password and the role are the registry's to judge, in its words."""

    username: Username | None = None
    tenant_uscc: USCCIn | None = None


def read_form(struct: type[S], data: Mapping[str, str]) -> S:
    """`struct`'s fields of a posted form or a page's query, typed (blank values are fields not sent);
    ValidationFailed names every bad one, in the words of the struct's `SAYS` where it has them."""
    try:
        return typed_fields(
            {key: value.strip() if isinstance(value, str) else value for key, value in data.items()},
            struct,
            from_text=True,
        )
    except ValidationFailed as failed:
        says: dict[str, str] = getattr(struct, "SAYS", {})
        raise ValidationFailed(
            failed.detail, [FieldError(e.field, e.code, says.get(e.field, e.message)) for e in failed.errors]
        ) from None


def edited_version(data: Mapping[str, str]) -> int:
    """The version an edit form carries (its hidden `version` field)."""
    return read_form(Edit, data).version


_ALTERED = "表单内容不完整或被改动，请刷新页面后重试 / the form came back altered; reload the page and try again"


def messages(failed: ValidationFailed, shown: Iterable[str]) -> dict[str, str]:
    """{field: message} for a page to show each beside its field; a field the form does not show (its hidden
    version) is told above the form, under "form"."""
    shown = set(shown)
    errors = {e.field: e.message for e in failed.errors if e.field in shown}
    hidden = [f"{e.field}: {e.message}" for e in failed.errors if e.field not in shown]
    if hidden or not failed.errors:
        errors["form"] = f"{_ALTERED} ({'; '.join(hidden)})" if hidden else failed.detail
    return errors


@dataclass(frozen=True)
class Clash:
    """A field of a stale save (someone saved the record since the form was opened): what this user's form
    holds and what is stored now; `theirs` when the other person changed it."""

    field: Field
    typed: str
    stored: str
    theirs: bool


def reconcile(
    fields: Iterable[Field], typed: Mapping[str, str], was: Mapping[str, str], now: Mapping[str, str]
) -> tuple[list[Clash], dict[str, str]]:
    """A stale save, field by field: where the form differs from what is stored now (`was`: the values the
    form was opened with), and the values to show again — this user's where they changed a field, what
    is stored for the rest — so saving again overwrites only what this user meant to change."""
    fields = tuple(fields)
    clashes = [
        Clash(f, typed[f.key], now[f.key], was.get(f.key, "") != now[f.key])
        for f in fields
        if typed[f.key] != now[f.key]
    ]
    merged = {f.key: typed[f.key] if typed[f.key] != was.get(f.key, "") else now[f.key] for f in fields}
    return clashes, merged


__all__ = [
    "AccountForm",
    "AuditFilter",
    "Clash",
    "DeadlineWindow",
    "Edit",
    "edited_version",
    "messages",
    "read_form",
    "reconcile",
]
