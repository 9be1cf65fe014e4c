"""ETags carry a record's version; If-Match names the version a write expects."""

from __future__ import annotations

import re

from litestar import Request

from registry.errors import PreconditionFailed

# A version is a positive 32-bit number; ASCII digits only (str.isdigit() would take "²").
_TAG = re.compile(r'(?:W/)?"?v([0-9]{1,10})"?')
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"v[0-9]{1,10}")\s*$'


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(request: Request) -> int | None:
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    tag = _TAG.fullmatch(header.strip())
    if tag is None or int(tag[1]) >= 2**31:
        shown = header if len(header) <= 40 else header[:40] + "…"
        raise PreconditionFailed(f"If-Match 无法识别：{shown} / If-Match must be an ETag from a GET, e.g. \"v3\"")
    return int(tag[1])
