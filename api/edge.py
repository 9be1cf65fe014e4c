"""What the API refuses at its edge, before a handler or the registry sees it.

- A path or query carrying a control character (NUL and the like): no key, filter or search holds one,
  and PostgreSQL cannot even compare text with a NUL in it. 400.
- A JSON body that is not JSON, or is nested deeper than the decoder goes: 400, without a trace.
- A JSON body whose fields do not have their documented types and bounds: 422, naming every such
  field at once. Types are strict: `"5"` or `1.0` is not an integer, `"true"` not a boolean.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar
from urllib.parse import unquote_plus

import msgspec
from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

from api.problems import NOT_VALID, broken_rule
from registry.errors import FieldError, ValidationFailed
from registry.records import CONTROL_CHARACTERS

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_NOT_JSON = "请求内容不是有效的 JSON / the request body is not valid JSON"
S = TypeVar("S", bound=msgspec.Struct)


async def refuse_control_characters(request: Request) -> None:
    """A before-request hook: the path (decoded by the server) and every query value. A coroutine, so
    Litestar calls it on the event loop: a plain function hook is sent to a worker thread on every
    request, a hop that costs more than the check (and much more on a busy machine)."""
    query = unquote_plus(request.scope["query_string"].decode("latin-1"))
    if _CONTROL.search(request.scope["path"]) or _CONTROL.search(query):
        raise ClientException("路径或查询参数含有控制字符 / the path or query contains a control character")


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
        raise ValidationFailed(NOT_VALID, [FieldError("body", "invalid", "请求内容应为 JSON 对象 / the body must be a JSON object")])
    return typed_fields(raw, struct)


def typed_fields(raw: dict[str, Any], struct: type[S], *, from_text: bool = False) -> S:
    """`raw` as `struct`, each field checked on its own against its type and bounds, every bad one named in
    one ValidationFailed. JSON bodies are strict (`"5"` is no integer) and may carry no other member; a
    portal form (`from_text`) sends every value as text, so `"5"` is read as 5, a blank is a field not
    sent, and the form's other fields (the record's own, read by the registry's vocabulary) are left alone."""
    fields = {f.encode_name: f for f in msgspec.structs.fields(struct)}
    if from_text:
        raw = {name: value for name, value in raw.items() if name in fields and value != ""}
    errors = [FieldError(name, "required", "必填 / required") for name, f in fields.items() if f.required and name not in raw]
    for name, value in raw.items():
        field = fields.get(name)
        if field is None:
            errors.append(FieldError(name, "unknown_field", f"未知字段 / unknown field {name!r}"))
            continue
        try:
            msgspec.convert(value, field.type, strict=not from_text)
        except msgspec.ValidationError as error:
            errors.append(broken_rule(name, str(error)))
    if errors:
        raise ValidationFailed(NOT_VALID, errors)
    return msgspec.convert(raw, struct, strict=not from_text)


class EdgeRequest(Request):
    """Litestar's request, reading JSON bodies with `read_body`."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            field = self.route_handler.parsed_data_field
            struct = field.annotation if field is not None else None
            if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct)):
                struct = None
            self._json = self._connection_state.json = read_body(await self.body(), struct)
        return await super().json()
