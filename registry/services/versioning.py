"""Optimistic concurrency shared by every record: a `version` column and If-Match.

Every writer changes stored records the same way (`write_changes`): the row is updated only if it is
still at the version read — the version checked in the UPDATE's own WHERE — and its version goes up
by one. A single service turns a row that moved into 412, a batch into a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry.db import update_versioned
from registry.errors import PreconditionFailed

CHANGED = "记录已被他人修改，请重新读取后再试 / the record changed since you read it; fetch it again and retry"


@dataclass(frozen=True)
class IfMatch:
    """What an If-Match header asks of a write (RFC 9110 §13.1.1): `any_current` (`*`) matches any record
    that exists; otherwise the record's version must be one of `versions` (the strong tags the header
    names that are this registry's; a weak or foreign tag matches nothing)."""

    versions: frozenset[int] = frozenset()
    any_current: bool = False

    def matches(self, current: int) -> bool:
        return current > 0 and (self.any_current or current in self.versions)


def check_version(current: int, expected: int | IfMatch | None) -> None:
    """`current` is the stored record's version, 0 when there is none (a write that would create it)."""
    if expected is None:
        return
    if isinstance(expected, int):
        expected = IfMatch(frozenset((expected,)))
    if not expected.matches(current):
        raise PreconditionFailed(CHANGED)


async def write_changes(
    table: str, changes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]], key: str = "id"
) -> int:
    """Each (stored row as read, with its `key` and `version`; changed values) written if the row is
    still at that version, its version bumped; grouped by the columns changed. The number written."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for before, diff in changes:
        groups.setdefault(tuple(sorted(diff)), []).append({**diff, key: before[key], "version": before["version"]})
    written = 0
    for columns, rows in groups.items():
        written += await update_versioned(table, key, columns, rows)
    return written


async def write_change(table: str, before: Mapping[str, Any], diff: Mapping[str, Any], key: str = "id") -> None:
    """One record's change (`write_changes`); 412 if the record moved since `before` was read."""
    if diff and await write_changes(table, [(before, diff)], key) != 1:
        raise PreconditionFailed(CHANGED)
