"""Every error as RFC 9457 problem details, through Litestar's ProblemDetailsPlugin; a 5xx is a bug, logged
with its trace.

The plugin renders the problem (`application/problem+json`, its members) and turns each kind of error
into one by the table below. Two things it cannot do are done here: a problem's `type` is named after its
title, and a validation problem names every bad field with a code and a zh+en message (`errors`), which
Litestar's own ValidationException does not carry (it holds msgspec's English sentences).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin

from registry.db import is_unique_violation
from registry.errors import FieldError, RegistryError

log = logging.getLogger("park.api")
PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://park-registry.example/problems/"
NOT_VALID = "请求内容无效 / the request is not valid"


# An answer is bounded whatever was sent: at most this many field errors (then one that counts the rest),
# and no member longer than this many characters (a refused value, or an unknown key, echoed back).
MAX_FIELD_ERRORS = 100
MAX_ECHO = 200


def _cut(text: str) -> str:
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + f"…（共 {len(text):,} 字 / {len(text):,} characters）"


def bounded(errors: list[FieldError]) -> list[dict[str, str]]:
    """Field errors as an answer lists them: the first MAX_FIELD_ERRORS, each member cut to MAX_ECHO."""
    shown = [{key: _cut(str(value)) for key, value in vars(e).items()} for e in errors[:MAX_FIELD_ERRORS]]
    if len(errors) > MAX_FIELD_ERRORS:
        more = len(errors) - MAX_FIELD_ERRORS
        shown.append({"field": "body", "code": "more_errors",
                      "message": f"另有 {more:,} 处错误未列出 / {more:,} more errors were not listed"})
    return shown


class Problem(ProblemDetailsException):
    """A problem as the registry answers it: `type` named after the title, the bad fields in `errors`,
    more members (RFC 9457 extensions, e.g. both plans of a changed import) in `extensions`."""

    def __init__(
        self,
        status: int,
        detail: str,
        title: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        title = title or HTTPStatus(status).phrase
        members = {"errors": bounded(errors)} if errors else {}
        super().__init__(
            detail=detail,
            status_code=status,
            headers=headers,
            extra={**members, **(extensions or {})},
            type_=_TYPE_BASE + title.lower().replace(" ", "-"),
            title=title,
        )


# msgspec's ValidationError carries only its sentence: the rule a value broke is read from msgspec's words
# (tests/api/test_hostile_input.py pins each), and said again in Chinese beside msgspec's English.
_RULES = (
    ("of length", "length", "长度不符"),
    ("matching regex", "format", "格式不符"),
    ("Invalid enum value", "not_a_choice", "不是可选值"),
    ("<=", "out_of_range", "超出范围"),
    (">=", "out_of_range", "超出范围"),
    ("Expected `", "type", "类型不对"),
)


def broken_rule(field: str, message: str) -> FieldError:
    """The field error of a value msgspec (or Litestar, for a parameter) refused with `message`."""
    code, zh = next(((code, zh) for words, code, zh in _RULES if words in message), ("invalid", "无效"))
    return FieldError(field, code, f"{zh} / {message}")


def registry_problem(error: RegistryError) -> Problem:
    return Problem(error.status, error.detail, error.title, error.errors, extensions=error.extensions)


def validation_problem(error: ValidationException) -> Problem:
    """A query, path or multipart parameter Litestar refused; it names the parameter (`key`). JSON bodies
    are checked field by field at the edge (api/edge.py) and never reach here."""
    items = error.extra if isinstance(error.extra, list) else []
    errors = [broken_rule(str(item.get("key") or "body"), str(item.get("message", ""))) for item in items]
    return Problem(422, NOT_VALID, "Validation failed", errors or [FieldError("body", "invalid", str(error.detail))])


def http_problem(error: HTTPException) -> Problem:
    if error.status_code >= 500:
        log.error("HTTP %s: %s", error.status_code, error.detail)
    return Problem(error.status_code, str(error.detail), headers=dict(error.headers or {}) or None)


def duplicate_key(_: Exception) -> Problem:
    """Two writers raced to create the same key; the database's unique index let one through."""
    return Problem(
        409,
        "该记录刚被他人登记，请刷新后再试 / someone registered this record a moment ago; reload and retry",
        "Conflict",
    )


def http_error(request: Request, error: HTTPException) -> Response:
    return http_problem(error).to_response(request)


def unexpected_error(request: Request, error: Exception) -> Response:
    """A unique key lost to a racing writer is a 409 (the engine tells: `registry.db.is_unique_violation`);
    anything else unhandled is a bug: logged, and a 500."""
    if is_unique_violation(error):
        return duplicate_key(error).to_response(request)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return Problem(
        500, "服务器内部错误（这是一个缺陷，已记录）/ internal error (a bug; it has been logged)"
    ).to_response(request)


PROBLEM_DETAILS = ProblemDetailsPlugin(
    ProblemDetailsConfig(
        exception_to_problem_detail_map={
            RegistryError: registry_problem,
            ValidationException: validation_problem,
            HTTPException: http_problem,
        }
    )
)
# What the plugin's table cannot hold: these need the request (a 5xx is logged with its path).
EXCEPTION_HANDLERS = {Exception: unexpected_error}
