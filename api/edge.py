"""What the API refuses at its edge, before a handler or the registry sees it.

- A path or query carrying a control character (NUL and the like): no key, filter or search holds one,
  and PostgreSQL cannot even compare text with a NUL in it. 400.
- An integer id in the path not written as plain ASCII digits without a leading zero (`02`, `+2`, `2_0`,
  full-width or Arabic-Indic digits): 404, as any id naming no record.
- A JSON body that is not JSON, or is nested deeper than the decoder goes: 400, without a trace.
- A JSON body whose fields do not have their documented types and bounds: 422, naming every such
  field at once (the first hundred; the rest counted). Types are strict: `"5"` or `1.0` is not an
  integer, `"true"` not a boolean.
- A JSON body over `JSON_BODY_MAX` (1 MiB; uploads have their own cap): 413, before it is read.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, TypeVar
from urllib.parse import unquote_plus

import msgspec
from litestar import Litestar, Request
from litestar.exceptions import ClientException, NotFoundException
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import MAX_FIELD_ERRORS, NOT_VALID, broken_rule
from registry.errors import FieldError, ValidationFailed
from registry.records import CONTROL_CHARACTERS

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# The largest body a JSON route reads: a tenant's record with a 4,000-character description is a few KB.
# Every route but the uploads (their own cap) answers a larger one 413 before reading it.
JSON_BODY_MAX = 1 << 20
_NOT_JSON = "请求内容不是有效的 JSON / the request body is not valid JSON"
S = TypeVar("S", bound=msgspec.Struct)


async def check_the_edge(request: Request) -> None:
    """A before-request hook: no control character in the path or query (`refuse_control_characters`),
    and integer ids in the path written plainly (`refuse_unplain_ids`). A coroutine, so Litestar calls it on
    the event loop: a plain function hook is sent to a worker thread on every request, a hop that costs
    more than the check (and much more on a busy machine)."""
    refuse_control_characters(request)
    refuse_unplain_ids(request)
    refuse_null_words(request)


def refuse_control_characters(request: Request) -> None:
    """The path (decoded by the server) and every query value."""
    query = unquote_plus(request.scope["query_string"].decode("latin-1"))
    if _CONTROL.search(request.scope["path"]) or _CONTROL.search(query):
        raise ClientException("路径或查询参数含有控制字符 / the path or query contains a control character")


def refuse_unplain_ids(request: Request) -> None:
    """An integer in the path (an IP item's id, a year) is plain ASCII digits without a leading zero:
    Python's int() also reads `02`, `+2`, `2_0`, ` 2`, `２` and `٢`, which name no record, so they are a 404
    like any id naming none. Each segment holding an integer must be the number as Python writes it."""
    params = request.scope.get("path_params") or {}
    if not any(type(value) is int for value in params.values()):
        return
    template = request.scope.get("path_template", "").strip("/").split("/")
    segments = request.scope["path"].strip("/").split("/")
    for pattern, segment in zip(template, segments, strict=False):
        if pattern.startswith("{") and pattern.endswith("}"):
            value = params.get(pattern[1:-1].split(":", 1)[0])
            if type(value) is int and (value < 0 or segment != str(value)):
                raise NotFoundException("无此记录 / no such record")


def read_body(body: bytes, struct: type[msgspec.Struct] | None) -> Any:
    """The JSON body, as `struct` when the handler takes one: each field checked strictly on its own,
    so every bad field is named in one answer."""
    try:
        raw = msgspec.json.decode(body or b"null")
    except RecursionError:
        raise ClientException("JSON 嵌套过深 / the JSON is nested too deeply") from None
    except msgspec.DecodeError as error:
        raise ClientException(f"{_NOT_JSON}: {error}") from None
    if struct is None:
        return raw
    if not isinstance(raw, dict):
        raise ValidationFailed(
            NOT_VALID, [FieldError("body", "invalid", "请求内容应为 JSON 对象 / the body must be a JSON object")]
        )
    return typed_fields(raw, struct)


def typed_fields(raw: dict[str, Any], struct: type[S], *, from_text: bool = False) -> S:
    """`raw` as `struct`, each field checked on its own against its type and bounds, every bad one named in
    one ValidationFailed. JSON bodies are strict (`"5"` is no integer) and may carry no other member; a
    portal form (`from_text`) sends every value as text, so `"5"` is read as 5, a blank is a field not
    sent, and the form's other fields (the record's own, read by the registry's vocabulary) are left alone."""
    fields = {f.encode_name: f for f in msgspec.structs.fields(struct)}
    if from_text:
        raw = {name: value for name, value in raw.items() if name in fields and value != ""}
    errors = [
        FieldError(name, "required", "必填 / required") for name, f in fields.items() if f.required and name not in raw
    ]
    unknown = [name for name in raw if name not in fields]
    # Unknown keys are named as far as an answer lists errors (api.problems.bounded), then counted.
    errors += [
        FieldError(name, "unknown_field", "未知字段 / unknown field") for name in unknown[: MAX_FIELD_ERRORS + 1]
    ]
    errors += [FieldError("body", "unknown_field", "")] * max(0, len(unknown) - MAX_FIELD_ERRORS - 1)
    for name, value in raw.items():
        field = fields.get(name)
        if field is None:
            continue
        try:
            msgspec.convert(value, field.type, strict=not from_text)
        except msgspec.ValidationError as error:
            errors.append(broken_rule(name, value, field.type, str(error), strict=not from_text))
    if errors:
        raise ValidationFailed(NOT_VALID, errors)
    return msgspec.convert(raw, struct, strict=not from_text)


def refuse_null_words(request: Request) -> None:
    """`?year=null` is no year: Litestar reads the word `null` as no value for an optional parameter, which
    would turn a wrong query into an unfiltered list. A query parameter that is a number or a date and is
    spelled `null` is a 422 like any value that is not a number or a date."""
    if b"null" not in request.scope["query_string"]:
        return
    parameters = request.route_handler.parsed_fn_signature.parameters
    errors = []
    for name, value in request.query_params.multi_items():
        parameter = parameters.get(name)
        if value != "null" or parameter is None or not parameter.is_optional:
            continue
        kinds = {inner.annotation for inner in parameter.inner_types if not inner.is_none_type}
        if kinds and str not in kinds:
            errors.append(
                FieldError(
                    name,
                    "type",
                    f"应为{_KIND_ZH.get(next(iter(kinds)), '值')} / must be a "
                    f"{_KIND_EN.get(next(iter(kinds)), 'value')}, not null",
                )
            )
    if errors:
        raise ValidationFailed(NOT_VALID, errors)


_KIND_ZH = {int: "整数", date: "日期"}
_KIND_EN = {int: "whole number", date: "date (YYYY-MM-DD)"}


class EdgeRequest(Request):
    """Litestar's request, reading JSON bodies with `read_body` (once per request: kept in its state)."""

    async def json(self) -> Any:
        if _BODY not in self.state:
            field = self.route_handler.parsed_data_field
            struct = field.annotation if field is not None else None
            if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct)):
                struct = None
            self.state[_BODY] = read_body(await self.body(), struct)
        return self.state[_BODY]


_BODY = "park_json_body"


def complete_allow(app: ASGIApp) -> ASGIApp:
    """A middleware: the `Allow` of an OPTIONS answer names every method the path serves. Litestar's own
    names only those of the first handler registered for the path (its OPTIONS handler keeps the route it
    was made with before the path's handlers were merged into one)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await app(scope, receive, send)
            return
        allow = allowed_methods(scope["litestar_app"]).get(scope.get("path_template", ""))

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and allow:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow.encode())]}  # type: ignore[typeddict-item]
            await send(message)

        await app(scope, receive, sending)

    return middleware


def allowed_methods(app: Litestar) -> dict[str, str]:
    """Each path's methods, as `Allow` lists them (computed once per app)."""
    if not hasattr(app.state, "allowed_methods"):
        app.state.allowed_methods = {
            route.path_format: ", ".join(sorted(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)
        }
    return app.state.allowed_methods
