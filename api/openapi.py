"""The OpenAPI document, made to say what the server does.

Litestar documents each handler's success answer and a 400 of its own shape. The server also answers,
as `application/problem+json`, 401 without a token, 403, 404, 409, 412, 413, 415, 422 and 429; sends
`ETag` and takes `If-Match`; refuses unknown and missing body fields; bounds pages, periods, years and
languages. `document()` adds all of that to the generated document, each from the fact that makes it
true (an operation's path, method, parameters, body and security), so a route added later is described
by the same rules. `/schema/openapi.json` is served by `DocumentedJson`, a render plugin (Litestar's public
way to serve the generated document): it passes what Litestar generated through `document()`.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, OpenAPIType, Schema, SecurityScheme
from litestar.plugins import InitPlugin, OpenAPISchemaPlugin

from api.auth import CALENDAR_KEY
from api.etag import IF_MATCH_MAX, IF_MATCH_PATTERN
from api.problems import PROBLEM_JSON
from api.schema_docs import OfflineScalar, OfflineSwagger, schema_router
from api.schemas import Body
from importers import BATCH_STATUSES
from registry.answers import Fen
from registry.ip_deadlines import DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS
from registry.periods import FIRST_YEAR, LAST_YEAR
from registry.records import MAX_ORDINAL, PLAIN_TEXT
from registry.services import accounts, ip_items, reports, tenants
from registry.services.listing import MAX_LIMIT, MAX_OFFSET
from registry.vocabulary import INDUSTRY, IP_KIND, IP_STATUS, LANGS, ROLE, TENANT_STATUS

if TYPE_CHECKING:
    from litestar.config.app import AppConfig
    from litestar.typing import FieldDefinition

_WRITES = {"post", "put", "patch", "delete"}
_PHRASES = {
    400: "The request is malformed: not JSON, nested too deeply, a control character in the path or query, or "
    "an If-Match that is not a list of entity tags",
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
        "sheets": {
            "type": "array",
            "description": "A refused import (`no_sheets`): each sheet's headers and, for each kind of sheet, "
            "the headers it lacks and the known headers nearest to those seen",
            "items": {
                "type": "object",
                "required": ["sheet", "headers", "kinds"],
                "properties": {
                    "sheet": {"type": "string"},
                    "headers": {"type": "array", "items": {"type": "string"}},
                    "kinds": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "lacking", "nearest"],
                            "properties": {
                                "kind": {"type": "string"},
                                "lacking": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["zh", "en"],
                                        "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                                    },
                                },
                                "nearest": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["header", "known"],
                                        "properties": {"header": {"type": "string"}, "known": {"type": "string"}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "additionalProperties": False,
}
_ETAG = {
    "description": 'The record\'s version, e.g. "v3"; send it back in If-Match',
    "required": True,
    "schema": {"type": "string", "pattern": '^"v[0-9]+"$'},
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'The ETag the write expects ("v3"), or a list of them, or `*` (any current record), compared '
    "strongly (RFC 9110 §13.1.1: a weak tag never matches); none matching is a 412, a header not of "
    "this syntax a 400. Leave it out to write regardless.",
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN, "maxLength": IF_MATCH_MAX},
}
# A period as the API's paths take it: a year of FIRST_YEAR–LAST_YEAR (1900–2999), a half or a quarter;
# statistics from 1901 (each compares with the same period a year earlier).
_HALF_OR_QUARTER = "([Hh][12]|[Qq][1-4])?"
_PERIOD = f"(19[0-9]{{2}}|2[0-9]{{3}}){_HALF_OR_QUARTER}"
_STATISTICS_PERIOD = f"(190[1-9]|19[1-9][0-9]|2[0-9]{{3}}){_HALF_OR_QUARTER}"
assert (FIRST_YEAR, LAST_YEAR) == (1900, 2999), "_PERIOD spells the years out"
_ID = {
    "type": "integer",
    "minimum": 1,
    "maximum": 2**31 - 1,
    "description": "ASCII digits without a leading zero; any other spelling names no record (404)",
}
# Query and path parameters whose bounds the server enforces, by name.
_PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    "lang": {"type": "string", "enum": list(LANGS), "default": LANGS[0]},
    "period": {
        "type": "string",
        "pattern": f"^{_PERIOD}$",
        "description": "a year (2016), a half (2017H1, 2017H2) or a quarter (2017Q1…Q4); 1900–2999",
    },
    "year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    "filename": {
        "type": "string",
        "pattern": f"^{_STATISTICS_PERIOD}\\.xlsx$",
        "description": "the period's file, e.g. 2016.xlsx or 2017H1.xlsx; 1901–2999",
    },
    "item_id": _ID,
    "batch_id": _ID,
    "round_id": _ID,
    "patent_year": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ORDINAL,
        "description": "ASCII digits without a leading zero",
    },
    "within": {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_WITHIN_DAYS,
        "default": DEFAULT_WITHIN_DAYS,
        "description": "days from today",
    },
}


def _choices(codes: tuple[str, ...], description: str = "") -> dict[str, Any]:
    """A filter's codes; empty is no filter. (The server also takes a choice's labels, 在孵 for incubating.)"""
    return {"type": "string", "enum": ["", *codes], **({"description": description} if description else {})}


def _sorts(keys: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "string",
        "enum": ["", *keys, *(f"-{k}" for k in keys)],
        "description": "a column, - before it to reverse; empty for the default order",
    }


# Parameters whose choices depend on the operation: the services' own lists.
_CHOICES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/tenants", "sort"): _sorts(tenants.SORTS),
    ("/api/v1/tenants", "status"): _choices(TENANT_STATUS.codes),
    ("/api/v1/tenants", "industry"): _choices(INDUSTRY.codes),
    ("/api/v1/tenants/{uscc}/ip", "sort"): _sorts(ip_items.SORTS),
    ("/api/v1/tenants/{uscc}/ip", "kind"): _choices(IP_KIND.codes),
    ("/api/v1/tenants/{uscc}/ip", "status"): _choices(IP_STATUS.codes),
    ("/api/v1/tenants/{uscc}/reports", "sort"): {
        "type": "string",
        "enum": ["", *reports.SORTS],
        "description": "-period (the default) is newest first",
    },
    ("/api/v1/users", "sort"): _sorts(accounts.SORTS),
    ("/api/v1/users", "role"): _choices(ROLE.codes),
    ("/api/v1/deadlines", "kind"): _choices(IP_KIND.codes),
    ("/api/v1/imports", "status"): _choices(BATCH_STATUSES),
    ("/api/v1/stats/{period}", "limit"): {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_LIMIT,
        "default": 500,
        "description": "tenants not reported and tenant lines per page",
    },
    ("/api/v1/stats/{period}", "period"): {
        "type": "string",
        "pattern": f"^{_STATISTICS_PERIOD}$",
        "description": "a year (2016), a half (2017H1) or a quarter (2017Q3); 1901–2999",
    },
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
        render_plugins=[OfflineScalar(), OfflineSwagger(path="/swagger"), DocumentedJson()],
        openapi_router=schema_router(),
        components=Components(security_schemes={CALENDAR_KEY: calendar_key}),
    )


class DocumentedJson(JsonRenderPlugin):
    """`/schema/openapi.json`: the generated document as `document()` completes it, rendered once per app
    (Litestar hands every render plugin the same generated dictionary; `document()` works on a copy)."""

    def __init__(self) -> None:
        super().__init__()
        self._rendered: tuple[dict[str, Any], bytes] | None = None

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None or self._rendered[0] is not openapi_schema:
            documented = document(copy.deepcopy(openapi_schema), _open_paths(request.app))
            self._rendered = (openapi_schema, self.render_json(request, documented))
        return self._rendered[1]


def _open_paths(app: Litestar) -> re.Pattern[str]:
    """The paths the token check leaves open (the JWT middleware's own exclude list)."""
    return re.compile("|".join(app.state.jwt_auth.exclude))


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": _PHRASES[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


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
        versioned_path = any(
            _versioned(schemas, r)
            for op in operations.values()
            if isinstance(op, dict)
            for r in op.get("responses", {}).values()
        )
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            secured = not open_paths.match(path)
            if not secured:
                operation["security"] = []
            for parameter in operation.get("parameters", []):
                if parameter["in"] not in ("query", "path"):
                    continue
                known = _CHOICES.get((path, parameter["name"])) or _PARAMETERS.get(parameter["name"])
                if known is not None:
                    parameter["schema"] = dict(known)
                elif _is_text(parameter["schema"]):
                    # No control character in a path or query (api.edge: 400).
                    parameter["schema"] = {**parameter["schema"], "pattern": PLAIN_TEXT}
            if method in _WRITES and method != "post" and versioned_path:
                operation.setdefault("parameters", []).append(dict(_IF_MATCH))
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("2") and _versioned(schemas, response):
                    response.setdefault("headers", {})["ETag"] = dict(_ETAG)
                for header in response.get("headers", {}).values():
                    if header.get("schema", {}).get("format") == "date-time":  # Last-Modified is an HTTP-date
                        header["schema"] = {
                            "type": "string",
                            "description": "HTTP-date, e.g. Tue, 01 Dec 2026 08:00:00 GMT",
                        }
            for status in sorted(_statuses(path, method, operation, secured, versioned_path)):
                existing = responses.get(str(status))
                if existing is None or "status_code" in str(existing.get("content", "")):
                    responses[str(status)] = _problem(status)
                else:
                    existing.setdefault("content", {})[PROBLEM_JSON] = _problem(status)["content"][PROBLEM_JSON]
    return schema


def _is_text(schema: dict[str, Any]) -> bool:
    kinds = [schema.get("type"), *(s.get("type") for s in schema.get("oneOf", []))]
    return "string" in kinds and "pattern" not in schema and "enum" not in schema


def _bodies(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_bodies(sub)]
    return found


class RegistryAnswerTypes(InitPlugin, OpenAPISchemaPlugin):
    """The registry's answers (registry.answers) as the API sends and documents them: money (`Fen`) as yuan
    in a decimal string, ratios (Decimal, which msgspec writes as a string) as decimal strings."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.type_encoders = {**(app_config.type_encoders or {}), Fen: Fen.yuan}
        return app_config

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Fen or value is Decimal

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        if field_definition.annotation is Fen:
            return Schema(
                type=OpenAPIType.STRING,
                pattern=r"^-?[0-9]+\.[0-9]{2}$",
                description='yuan as a decimal string, e.g. "12.50"',
            )
        return Schema(type=OpenAPIType.STRING, pattern=r"^-?[0-9]+(\.[0-9]+)?$")
