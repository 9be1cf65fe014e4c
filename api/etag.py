"""ETags carry a record's version; If-Match names the version a write expects."""

from __future__ import annotations

from litestar import Request

from registry.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(request: Request) -> int | None:
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.startswith("v") or not tag[1:].isdigit():
        raise PreconditionFailed(f"If-Match 无法识别：{header} / If-Match must be an ETag from a GET, e.g. \"v3\"")
    return int(tag[1:])
