"""Every error as RFC 9457 problem details, through Litestar's ProblemDetailsPlugin; a 5xx is a bug, logged
with its trace.

The plugin renders the problem (`application/problem+json`, its members) and turns each kind of error
into one by the table below. Two things it cannot do are done here: a problem's `type` is named after its
title, and a validation problem names every bad field with a code and a zh+en message (`errors`), which
Litestar's own ValidationException does not carry (it holds msgspec's English sentences).
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import msgspec
import msgspec.inspect as mi
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
        shown.append(
            {
                "field": "body",
                "code": "more_errors",
                "message": f"另有 {more:,} 处错误未列出 / {more:,} more errors were not listed",
            }
        )
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


# The rule a value broke, read from the type it was checked against (msgspec.inspect: its bounds, lengths,
# patterns and choices), never from the words of msgspec's message; said in Chinese beside msgspec's English.
_SAYS = {
    "type": "类型不对",
    "length": "长度不符",
    "format": "格式不符",
    "not_a_choice": "不是可选值",
    "out_of_range": "超出范围",
    "invalid": "无效",
}
_PLAIN = {mi.IntType: int, mi.FloatType: float, mi.StrType: str, mi.BoolType: bool, mi.BytesType: bytes}
_SEQUENCES = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


def broken_rule(field: str, value: Any, annotation: Any, message: str, *, strict: bool = True) -> FieldError:
    """The field error of `value`, which msgspec (or Litestar, for a parameter) refused as `annotation` with
    `message`. `strict` is False for text that stands for a value (a query parameter, a portal form)."""
    code = (_rule(mi.type_info(annotation), value, strict) if annotation is not None else None) or "invalid"
    return FieldError(field, code, f"{_SAYS[code]} / {message}")


def _rule(info: mi.Type, value: Any, strict: bool) -> str | None:
    """The code of the first rule of `info` that `value` breaks; None when it breaks none."""
    if isinstance(info, mi.Metadata):  # a description or an example beside the type
        return _rule(info.type, value, strict)
    if isinstance(info, mi.UnionType):
        codes = [_rule(member, value, strict) for member in info.types]
        return None if None in codes else next((c for c in codes if c != "type"), "type")
    if isinstance(info, mi.NoneType):
        return None if value is None else "type"
    if isinstance(info, mi.LiteralType | mi.EnumType):
        choices = info.values if isinstance(info, mi.LiteralType) else [member.value for member in info.cls]
        kinds = [kind for kind in {type(choice) for choice in choices} if _converts(value, kind, strict)]
        if not kinds:
            return "type"
        return None if any(msgspec.convert(value, kind, strict=strict) in choices for kind in kinds) else "not_a_choice"
    if isinstance(info, _SEQUENCES):
        if not isinstance(value, list):
            return "type"
        return next((code for item in value if (code := _rule(info.item_type, item, strict))), None)
    plain = _PLAIN.get(type(info))
    if plain is None:  # a date, a decimal, a struct: JSON carries it as text or an object
        return "invalid" if isinstance(value, str | dict) else "type"
    if not _converts(value, plain, strict):
        return "type"
    value = msgspec.convert(value, plain, strict=strict)
    if isinstance(info, mi.IntType | mi.FloatType):
        broken = (
            (info.ge is not None and value < info.ge)
            or (info.gt is not None and value <= info.gt)
            or (info.le is not None and value > info.le)
            or (info.lt is not None and value >= info.lt)
            or (info.multiple_of is not None and value % info.multiple_of)
        )
        return "out_of_range" if broken else None
    if isinstance(info, mi.StrType | mi.BytesType):
        if (info.min_length is not None and len(value) < info.min_length) or (
            info.max_length is not None and len(value) > info.max_length
        ):
            return "length"
        if isinstance(info, mi.StrType) and info.pattern is not None and not re.search(info.pattern, value):
            return "format"
    return None


def _converts(value: Any, kind: type, strict: bool) -> bool:
    try:
        msgspec.convert(value, kind, strict=strict)
    except msgspec.ValidationError:
        return False
    return True


def registry_problem(error: RegistryError) -> Problem:
    return Problem(error.status, error.detail, error.title, error.errors, extensions=error.extensions)


def validation_problem(request: Request, error: ValidationException) -> Problem:
    """A query, path or multipart parameter Litestar refused; it names the parameter (`key`), whose type is the
    handler's. JSON bodies are checked field by field at the edge (api/edge.py) and never reach here."""
    items = error.extra if isinstance(error.extra, list) else []
    errors = [_parameter_error(request, item) for item in items if isinstance(item, dict)]
    return Problem(422, NOT_VALID, "Validation failed", errors or [FieldError("body", "invalid", str(error.detail))])


def _parameter_error(request: Request, item: dict[str, Any]) -> FieldError:
    key = str(item.get("key") or "body")
    source = item.get("source")
    value = request.query_params.get(key) if source == "query" else request.path_params.get(key)
    annotation = None
    for name, parameter in request.route_handler.parsed_fn_signature.parameters.items():
        if key in (name, getattr(parameter.kwarg_definition, "query", None)):
            annotation = parameter.raw
    return broken_rule(key, value, annotation, str(item.get("message", "")), strict=False)


def validation_error(request: Request, error: ValidationException) -> Response:
    return validation_problem(request, error).to_response(request)


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
            HTTPException: http_problem,
        }
    )
)
# What the plugin's table cannot hold: these need the request (a 5xx is logged with its path).
EXCEPTION_HANDLERS = {Exception: unexpected_error, ValidationException: validation_error}
