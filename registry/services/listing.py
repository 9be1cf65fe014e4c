"""Pages and sort orders, the same for every list."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.table import Table

from registry.errors import FieldError, ValidationFailed
from registry.records import enum_code
from registry.vocabulary import Enumeration

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Page:
    limit: int = 50
    offset: int = 0
    sort: str | None = None

    def check(self) -> None:
        errors = []
        if not 1 <= self.limit <= MAX_LIMIT:
            errors.append(
                FieldError("limit", "out_of_range", f"limit 应在 1–{MAX_LIMIT} / limit must be 1–{MAX_LIMIT}")
            )
        if not 0 <= self.offset <= MAX_OFFSET:
            errors.append(
                FieldError("offset", "out_of_range", f"offset 应在 0–{MAX_OFFSET} / offset must be 0–{MAX_OFFSET}")
            )
        if errors:
            raise ValidationFailed("分页参数无效 / invalid paging", errors)


def filter_code(name: str, value: str | None, enum: Enumeration) -> str | None:
    """A filter value as a code (labels accepted); an unknown one is a 422, not an empty list."""
    if not value:
        return None
    try:
        return enum_code(enum, value)
    except ValueError as error:
        raise ValidationFailed(
            "筛选条件无效 / invalid filter", [FieldError(name, "not_a_choice", str(error))]
        ) from None


def apply_sort(query, table: type[Table], sort: str | None, allowed: tuple[str, ...], default: str):
    """`sort=name` or `sort=-moved_in_on`; ties broken by id so pages never overlap."""
    key = sort or default
    column_name = key.removeprefix("-")
    if column_name not in allowed:
        raise ValidationFailed(
            "排序字段无效 / invalid sort",
            [FieldError("sort", "not_a_choice", f"可选 / one of: {', '.join(allowed)} (prefix - for descending)")],
        )
    column = table._meta.get_column_by_name(column_name)
    return query.order_by(column, ascending=not key.startswith("-")).order_by(table.id)


def listing(items: list, total: int, page: Page) -> dict:
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
