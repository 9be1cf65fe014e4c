"""Optimistic concurrency shared by every record: a `version` column and If-Match."""

from __future__ import annotations

from registry.errors import PreconditionFailed


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise PreconditionFailed(
            "记录已被他人修改，请重新读取后再试 / the record changed since you read it; "
            "fetch it again and retry"
        )
