"""The OpenAPI document, made to say what the server does.

Litestar documents each handler's success answer and a 400 of its own shape. The server also answers,
as `application/problem+json`, 401 without a token, 403, 404, 409, 412, 413, 415, 422 and 429; sends
`ETag` and takes `If-Match`; refuses unknown and missing body fields; bounds pages, periods, years and
languages. `document()` adds all of that to the generated document, each from the fact that makes it
true (an operation's path, method, parameters, body and security), so a route added later is described
by the same rules.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from api.auth import CALENDAR_KEY
from api.etag import IF_MATCH_PATTERN
from api.problems import PROBLEM_JSON
from api.schema_docs import OfflineScalar, OfflineSwagger, schema_router
from api.schemas import Body
from registry.services.listing import MAX_LIMIT, MAX_OFFSET

_WRITES = {"post", "put", "patch", "delete"}
_PHRASES = {
    400: "The request is malformed: not JSON, nested too deeply, or a control character in the path or query",
    401: "No valid bearer token",
    403: "The role may not do this",
    404: "No such record (or not the tenant's own)",
    409: "Conflicts with the registry as it is (a duplicate key, a closed year, a record still in use)",
    412: "If-Match names a version that is not the current one",
    413: "The body is larger than allowed",
    415: "The file is not an importable spreadsheet",
    422: "A field or parameter is not valid; `errors` names each",
    429: "Too many failed sign-ins; retry after `Retry-After` seconds",
}
_PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
_ETAG = {"description": 'The record\'s version, e.g. "v3"; send it back in If-Match', "required": True,
         "schema": {"type": "string", "pattern": '^"v[0-9]+"$'}}
_IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False,
    "description": 'The ETag the write expects ("v3"); a stale one is a 412. Leave it out to write regardless.',
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN, "maxLength": 40},
}
# Query and path parameters whose bounds the server enforces, by name.
_PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    "lang": {"type": "string", "enum": ["zh", "en"], "default": "zh"},
    "period": {"type": "string", "pattern": "^[0-9]{4}([HhQq][1-4])?$",
               "description": "a year (2016), a half (2017H1, 2017H2) or a quarter (2017Q1…Q4); 1900–2999"},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2999},
    "filename": {"type": "string", "pattern": "^[0-9]{4}\\.xlsx$", "description": "the year's file, e.g. 2016.xlsx"},
    "item_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "batch_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def openapi_config() -> OpenAPIConfig:
    calendar_key = SecurityScheme(
        type="apiKey",
        name="key",
        security_scheme_in="query",
        description="A tenant's calendar subscription key (GET /api/v1/tenants/{uscc}/deadlines/subscription): "
        "opens that tenant's deadlines feed, and nothing else, without a bearer token.",
    )
    return OpenAPIConfig(
        title="Park Registry",
        version="1.0.0",
        description="Tenants, IP items and period reports of an innovation park. Money is yuan as decimal strings. "
                    "Every error is an RFC 9457 problem (application/problem+json).",
        render_plugins=[OfflineScalar(), OfflineSwagger(path="/swagger")],
        openapi_router=schema_router(),
        components=Components(security_schemes={CALENDAR_KEY: calendar_key}),
    )


class _TruthfulOpenAPIPlugin(OpenAPIPlugin):
    __slots__ = ()

    def provide_openapi_schema(self) -> dict[str, Any]:
        if not self._openapi_schema:
            self._openapi_schema = document(self.provide_openapi().to_schema(), _open_paths(self.app))
        return self._openapi_schema


def make_truthful(app: Litestar) -> None:
    """Serve `document()`'s version of the generated document at /schema/openapi.json (and its pages)."""
    app.plugins.get(OpenAPIPlugin).__class__ = _TruthfulOpenAPIPlugin


def _open_paths(app: Litestar) -> re.Pattern[str]:
    """The paths the token check leaves open (the JWT middleware's own exclude list)."""
    return re.compile("|".join(app.state.jwt_auth.exclude))


def _problem(status: int) -> dict[str, Any]:
    return {"description": _PHRASES[status], "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _versioned(schemas: dict[str, Any], response: dict[str, Any]) -> bool:
    ref = next(iter(response.get("content", {}).values()), {}).get("schema", {}).get("$ref", "")
    component = schemas.get(ref.rsplit("/", 1)[-1], {})
    return "version" in component.get("properties", {})


# The operations that add up the park's figures.
_STATISTICS = re.compile(r"^/api/v1/(stats|exports/statistics)/")


def _statuses(path: str, method: str, operation: dict[str, Any], secured: bool, versioned_path: bool) -> set[int]:
    parameters = {p["in"] for p in operation.get("parameters", [])}
    body = "requestBody" in operation
    statuses = {400}
    if secured:
        statuses |= {401, 403}
    # A record named in the path, or by its key in the query (`?uscc=`), may not exist (or not be the tenant's).
    if "path" in parameters or any(p["in"] == "query" and p["name"] == "uscc" for p in operation.get("parameters", [])):
        statuses.add(404)
    if parameters - {"header"} or body:
        statuses.add(422)
    if body:
        statuses.add(413)
    if method in _WRITES and secured:
        statuses.add(409)
    if method in _WRITES and versioned_path and method != "post":
        statuses.add(412)
    if body and "multipart/form-data" in operation["requestBody"].get("content", {}):
        statuses.add(415)
    if not secured and method == "post":  # signing in
        statuses |= {401, 422, 429}
    if _STATISTICS.search(path):  # totals past 64-bit fen (registry.stats.TotalsOutOfRange)
        statuses.add(409)
    return statuses


def document(schema: dict[str, Any], open_paths: re.Pattern[str]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = _PROBLEM
    for struct in _bodies(Body):
        component = schemas.get(struct.__name__)
        if component is None:
            continue
        component["additionalProperties"] = False
        if required := getattr(struct, "__required__", None):
            component["required"] = list(required)
    for path, operations in schema.get("paths", {}).items():
        versioned_path = any(_versioned(schemas, r) for op in operations.values() if isinstance(op, dict)
                             for r in op.get("responses", {}).values())
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            secured = not open_paths.match(path)
            if not secured:
                operation["security"] = []
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path") and parameter["name"] in _PARAMETERS:
                    parameter["schema"] = dict(_PARAMETERS[parameter["name"]])
            if method in _WRITES and method != "post" and versioned_path:
                operation.setdefault("parameters", []).append(dict(_IF_MATCH))
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("2") and _versioned(schemas, response):
                    response.setdefault("headers", {})["ETag"] = dict(_ETAG)
                for header in response.get("headers", {}).values():
                    if header.get("schema", {}).get("format") == "date-time":  # Last-Modified is an HTTP-date
                        header["schema"] = {"type": "string", "description": "HTTP-date, e.g. Tue, 01 Dec 2026 08:00:00 GMT"}
            for status in sorted(_statuses(path, method, operation, secured, versioned_path)):
                existing = responses.get(str(status))
                if existing is None or "status_code" in str(existing.get("content", "")):
                    responses[str(status)] = _problem(status)
                else:
                    existing.setdefault("content", {})[PROBLEM_JSON] = _problem(status)["content"][PROBLEM_JSON]
    return schema


def _bodies(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_bodies(sub)]
    return found
