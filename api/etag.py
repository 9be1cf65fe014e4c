"""ETags carry a record's version; If-Match names the versions a write expects (RFC 9110 §13.1.1).

`If-Match: *` matches any current record; otherwise the header is a list of entity tags, and the write
goes ahead when one of them equals the record's ETag by the strong comparison: a weak tag (`W/"v3"`)
never matches, nor does a tag that is not one of ours. A header that is not this syntax (an unquoted
`v3`, a stray character, more than `IF_MATCH_MAX` characters) is a malformed request: 400.
"""

from __future__ import annotations

import re

from litestar import Request
from litestar.exceptions import ClientException

from registry.services.versioning import IfMatch

# An entity-tag: optionally weak, then a quoted opaque tag of visible ASCII but `"` (RFC 9110 §8.8.3;
# obs-text, bytes 0x80–0xFF, are no part of any tag this server makes and are refused).
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e]*"'
# `*`, or a list of entity tags (empty list elements are ignored, RFC 9110 §5.6.1).
IF_MATCH_PATTERN = rf"^[ \t]*(\*|(,[ \t]*)*{_ENTITY_TAG}([ \t]*,([ \t]*{_ENTITY_TAG})?)*)[ \t]*$"
IF_MATCH_MAX = 1000
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_TAG = re.compile(_ENTITY_TAG)
# Our tags: a version is a positive 32-bit number, in ASCII digits without a leading zero.
_OURS = re.compile(r'"v([1-9][0-9]{0,9})"')


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(request: Request) -> IfMatch | None:
    header = request.headers.get("if-match")
    if header is None:
        return None
    if len(header) > IF_MATCH_MAX or not _IF_MATCH.fullmatch(header):
        shown = header if len(header) <= 40 else header[:40] + "…"
        raise ClientException(
            f'If-Match 格式无效：{shown} / If-Match must be * or a list of ETags from a GET, e.g. "v3"'
        )
    if header.strip() == "*":
        return IfMatch(any_current=True)
    versions = (int(ours[1]) for tag in _TAG.findall(header) if (ours := _OURS.fullmatch(tag)))
    return IfMatch(frozenset(v for v in versions if v < 2**31))
