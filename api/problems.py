"""Every error as RFC 9457 problem details; a 5xx is a bug, logged with its trace."""

from __future__ import annotations

import logging
import re
import sqlite3
from http import HTTPStatus

from asyncpg.exceptions import UniqueViolationError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from registry.errors import RegistryError

log = logging.getLogger("park.api")
PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://park-registry.example/problems/"


def problem(status: int, detail: str, title: str | None = None, errors: list[dict] | None = None,
            headers: dict[str, str] | None = None, extensions: dict | None = None) -> Response:
    title = title or HTTPStatus(status).phrase
    body: dict = {"type": _TYPE_BASE + title.lower().replace(" ", "-"), "title": title, "status": status,
                  "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def registry_error(_: Request, error: RegistryError) -> Response:
    errors = [{"field": e.field, "code": e.code, "message": e.message} for e in error.errors]
    return problem(error.status, error.detail, error.title, errors, extensions=error.extensions)


_FIELD_AT = re.compile(r"at `\$\.([\w.\[\]]+)`")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")
# msgspec's words for a broken bound, as the registry's codes for the same rule.
_CODES = (("of length", "length"), ("matching regex", "format"), ("Invalid enum value", "not_a_choice"),
          ("<=", "out_of_range"), (">=", "out_of_range"), ("Expected `", "type"))


def _code(message: str) -> str:
    return next((code for words, code in _CODES if words in message), "invalid")


def _field_errors(error: ValidationException) -> list[dict]:
    """msgspec's messages name the JSON path; keep the field name and the message."""
    out = []
    for item in error.extra if isinstance(error.extra, list) else []:
        message = str(item.get("message", ""))
        if unknown := _UNKNOWN.search(message):
            out.append({"field": unknown[1], "code": "unknown_field", "message": f"未知字段 / unknown field {unknown[1]!r}"})
            continue
        at = _FIELD_AT.search(message)
        field = at[1] if at else str(item.get("key") or "body")
        code = "required" if "missing required field" in message.lower() else _code(message)
        if code == "required" and (missing := re.search(r"field `([^`]+)`", message)):
            field = missing[1]
        out.append({"field": field, "code": code, "message": message})
    return out or [{"field": "body", "code": "invalid", "message": str(error.detail)}]


def validation_error(_: Request, error: ValidationException) -> Response:
    return problem(422, "请求内容无效 / the request is not valid", "Validation failed", _field_errors(error))


def http_error(_: Request, error: HTTPException) -> Response:
    if error.status_code >= 500:
        log.error("HTTP %s: %s", error.status_code, error.detail)
    headers = dict(error.headers or {})
    return problem(error.status_code, str(error.detail), headers=headers or None)


def duplicate_key(_: Request, error: Exception) -> Response:
    """Two writers raced to create the same key; the database's unique index let one through."""
    return problem(409, "该记录刚被他人登记，请刷新后再试 / someone registered this record a moment ago; "
                        "reload and retry", "Conflict")


def sqlite_integrity_error(request: Request, error: sqlite3.IntegrityError) -> Response:
    """SQLite reports every constraint as IntegrityError; only a unique key lost to a racing writer is a 409."""
    if "UNIQUE" in str(error):
        return duplicate_key(request, error)
    return unexpected_error(request, error)


def unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(500, "服务器内部错误（这是一个缺陷，已记录）/ internal error (a bug; it has been logged)")


EXCEPTION_HANDLERS = {
    RegistryError: registry_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    UniqueViolationError: duplicate_key,
    sqlite3.IntegrityError: sqlite_integrity_error,
    Exception: unexpected_error,
}
