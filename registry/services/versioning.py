"""Optimistic concurrency shared by every record: a `version` column and If-Match."""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import PreconditionFailed


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
        raise PreconditionFailed(
            "记录已被他人修改，请重新读取后再试 / the record changed since you read it; "
            "fetch it again and retry"
        )
