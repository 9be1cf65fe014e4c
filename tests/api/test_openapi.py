"""The OpenAPI document says what the server does; schemathesis holds the server to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.processes import add_account, serving, token

STATUSES_OF_A_VERSIONED_WRITE = {"200", "400", "401", "403", "404", "409", "412", "413", "422"}


async def _document(anonymous: httpx.AsyncClient) -> dict:
    response = await anonymous.get(str(anonymous.base_url).removesuffix("/api/v1/") + "/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


async def test_every_error_status_is_documented_as_a_problem(anonymous):
    document = await _document(anonymous)
    patch = document["paths"]["/api/v1/tenants/{uscc}"]["patch"]
    assert set(patch["responses"]) == STATUSES_OF_A_VERSIONED_WRITE
    for status in STATUSES_OF_A_VERSIONED_WRITE - {"200"}:
        assert patch["responses"][status]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    assert "429" in document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"413", "415"} <= set(document["paths"]["/api/v1/imports"]["post"]["responses"])


async def test_etag_and_if_match_are_documented(anonymous):
    paths = (await _document(anonymous))["paths"]
    assert "ETag" in paths["/api/v1/tenants/{uscc}"]["get"]["responses"]["200"]["headers"]
    assert {"200", "201"} <= set(paths["/api/v1/tenants/{uscc}/reports/{period}"]["put"]["responses"])
    headers = [p["name"] for p in paths["/api/v1/ip/{item_id}"]["delete"]["parameters"] if p["in"] == "header"]
    assert headers == ["If-Match"]


async def test_bodies_state_required_fields_and_refuse_unknown_ones(anonymous):
    schemas = (await _document(anonymous))["components"]["schemas"]
    assert set(schemas["TenantCreate"]["required"]) == {"uscc", "name", "industry", "status"}
    assert set(schemas["IPItemCreate"]["required"]) == {"kind", "number", "title", "status"}
    assert all(
        schemas[name]["additionalProperties"] is False
        for name in ("TenantCreate", "TenantUpdate", "IPItemCreate", "ReportPut", "AccountCreate", "TokenRequest")
    )
    name = schemas["TenantUpdate"]["properties"]["name"]
    assert name["maxLength"] == 200 and "\\x00" in name["pattern"]
    assert schemas["ReportPut"]["properties"]["employees"]["minimum"] == 0


async def test_every_list_answers_one_generic_page_named_by_its_items(anonymous):
    document = await _document(anonymous)
    schemas = document["components"]["schemas"]
    lists = {
        "/api/v1/tenants": "Tenant", "/api/v1/tenants/{uscc}/ip": "IPItem", "/api/v1/tenants/{uscc}/reports": "Report",
        "/api/v1/users": "Account", "/api/v1/audit": "AuditEntry", "/api/v1/deadlines": "Deadline",
        "/api/v1/imports": "ImportBatch", "/api/v1/imports/{batch_id}/changes": "ImportChange",
    }  # fmt: skip
    pages = set()
    for path, item in lists.items():
        ref = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schemas[ref.rsplit("/", 1)[1]]
        assert page["title"] == f"Page[{item}]"
        assert list(page["properties"]) == ["items", "total", "limit", "offset"]
        assert page["properties"]["items"]["items"] == {"$ref": f"#/components/schemas/{item}"}
        pages.add(ref)
    assert len(pages) == len(lists)


async def test_an_imports_counts_add_up_to_its_data_rows_with_skipped(anonymous):
    counts = (await _document(anonymous))["components"]["schemas"]["ImportCounts"]
    assert set(counts["required"]) == {"created", "updated", "unchanged", "skipped", "cleared"}
    assert counts["properties"]["skipped"]["type"] == "integer"


async def test_parameters_carry_their_bounds(anonymous):
    paths = (await _document(anonymous))["paths"]
    parameters = {p["name"]: p["schema"] for p in paths["/api/v1/tenants"]["get"]["parameters"]}
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 500)
    assert parameters["offset"]["minimum"] == 0
    lang = {p["name"]: p["schema"] for p in paths["/api/v1/exports/template.xlsx"]["get"]["parameters"]}["lang"]
    assert lang["enum"] == ["zh", "en"]


async def test_health_needs_no_token_and_last_modified_is_an_http_date(anonymous):
    paths = (await _document(anonymous))["paths"]
    assert paths["/api/v1/health"]["get"]["security"] == []
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    headers = paths["/api/v1/exports/registry.xlsx"]["get"]["responses"]["200"]["headers"]
    assert "format" not in headers["last-modified"]["schema"]


SCHEMATHESIS = Path(sys.executable).parent / "st"
# The exceptions to the stricter checks, each a rule the document cannot state (docs/api-contract.md).
STRICTER_CHECKS = Path(__file__).with_name("schemathesis.toml")
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
    "response_headers_conformance,negative_data_rejection,positive_data_acceptance,allow_header_conformance"
)


# Bounded to about a minute per engine on a quiet machine (issue 8: "a minute or two"), every operation
# exercised by each run. The admin, who may reach every operation's checks, gets schemathesis's coverage
# phase (every boundary and pattern of every parameter and body field, ~1,900 cases) and the fuzzing
# phase (8 generated cases per operation, positive and negative). The tenant gets the fuzzing phase
# only: past the role and isolation refusals (403/404 before any field is read) the coverage phase
# would repeat the admin's validation cases. A fixed seed and no example database (nothing replayed
# from earlier runs in .hypothesis/), so a run is the same cases every time; a request that hangs fails
# after 30 s instead of holding the suite. The stricter checks (ST201 negative data rejected, ST202 positive
# data accepted, ST205 a complete Allow) cost no more time: they judge the same answers (docs/api-contract.md).
RUNS = (
    ("st-tenant", "st-tenant-password", "examples,fuzzing"),
    ("st-admin", "st-admin-password", "examples,coverage,fuzzing"),
)


def test_schemathesis_finds_no_5xx_no_undocumented_status_and_no_answer_off_its_schema(fresh_env, tmp_path):
    """Bounded (see RUNS), as admin and as a tenant, on a database of its own: it closes years and deletes
    what it finds, which the rest of the suite must not see."""
    add_account(fresh_env, "st-admin", "admin", "st-admin-password")
    with serving(fresh_env, log=tmp_path / "serve.log") as url:
        admin = token(url, "st-admin", "st-admin-password")
        bearer = {"Authorization": f"Bearer {admin}"}
        tenant = httpx.post(
            url + "/api/v1/tenants",
            headers=bearer,
            timeout=30,
            json={"uscc": "91430211PARK999078", "name": "模糊测试企业", "industry": "other", "status": "incubating"},
        )
        assert tenant.status_code == 201, tenant.text
        account = httpx.post(
            url + "/api/v1/users",
            headers=bearer,
            timeout=30,
            json={
                "username": "st-tenant",
                "password": "st-tenant-password",
                "role": "tenant",
                "tenant_uscc": "91430211PARK999078",
            },
        )
        assert account.status_code == 201, account.text
        # The tenant first: the admin's run deletes the accounts it finds listed, the tenant's among them.
        for who, password, phases in RUNS:
            run = subprocess.run(
                [
                    str(SCHEMATHESIS),
                    "--config-file",
                    str(STRICTER_CHECKS),
                    "run",
                    url + "/schema/openapi.json",
                    "--checks",
                    CHECKS,
                    "--seed",
                    "2026",
                    "--max-examples",
                    "8",
                    "--phases",
                    phases,
                    "--workers",
                    "1",
                    "--generation-database",
                    "none",
                    "--request-timeout",
                    "30",
                    "-H",
                    f"Authorization: Bearer {token(url, who, password)}",
                ],
                capture_output=True,
                text=True,
                timeout=600,
                env=fresh_env | {"NO_COLOR": "1"},
                cwd=tmp_path,
            )
            assert run.returncode == 0, f"as {who}:\n{run.stdout[-20000:]}\n{run.stderr[-2000:]}"


# Files are typed by their media type; every other answer must name its fields.
FILE_MEDIA_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/calendar", "text/csv"}


def _untyped(schema: dict, schemas: dict) -> bool:
    if "$ref" in schema:
        return _untyped(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas)
    if alternatives := schema.get("oneOf") or schema.get("anyOf"):
        return any(_untyped(s, schemas) for s in alternatives if s.get("type") != "null")
    if schema.get("type") == "array":
        return _untyped(schema.get("items", {}), schemas)
    return schema.get("type") in (None, "object") and not schema.get("properties")


async def test_every_answer_has_a_typed_schema(anonymous):
    """SPEC §3: clients are generated from the document, so no 2xx body may be a bare object."""
    document = await _document(anonymous)
    schemas = document["components"]["schemas"]
    bodies = [
        (f"{method.upper()} {path} {status} {media_type}", content.get("schema", {}))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
        for status, response in operation.get("responses", {}).items()
        if status.startswith("2")
        for media_type, content in response.get("content", {}).items()
        if media_type.split(";")[0] not in FILE_MEDIA_TYPES
    ]
    assert len(bodies) > 30
    untyped = [answer for answer, schema in bodies if _untyped(schema, schemas)]
    assert not untyped, untyped


async def test_money_reaches_clients_and_the_docs_pages_as_decimal_strings(anonymous):
    """Exact money on the wire: every money field of the vocabulary is a string (or null) wherever the
    document names it, a figure with trends included, and nothing in the document is a JSON number, so
    no client (nor the docs pages' own scripts) is told to read an amount into a float."""
    from registry.vocabulary import DEADLINE_FIELDS, FEE_FIELDS, IP_FIELDS, REPORT_FIELDS, TENANT_FIELDS

    document = await _document(anonymous)
    money = {
        f.key
        for fields in (TENANT_FIELDS, IP_FIELDS, FEE_FIELDS, DEADLINE_FIELDS, REPORT_FIELDS)
        for f in fields
        if f.type == "money"
    }
    schemas = document["components"]["schemas"]

    def types(schema: dict) -> set[str]:
        if "$ref" in schema:
            target = schemas[schema["$ref"].rsplit("/", 1)[1]]
            return types(target["properties"]["value"]) if "value" in target.get("properties", {}) else {"object"}
        if "oneOf" in schema or "anyOf" in schema:
            return set().union(*(types(s) for s in schema.get("oneOf", schema.get("anyOf"))))
        kind = schema.get("type")
        return set(kind) if isinstance(kind, list) else {kind}

    seen: dict[str, set[str]] = {}
    numbers: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "number" or (isinstance(node.get("type"), list) and "number" in node["type"]):
                numbers.append(path)
            for key, schema in node.get("properties", {}).items():
                if key in money:
                    seen.setdefault(key, set()).update(types(schema))
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, f"{path}/{n}")

    walk(document, "")
    assert numbers == []
    assert set(seen) == money  # every money field appears in some body
    assert {key: kinds - {"string", "null"} for key, kinds in seen.items()} == {key: set() for key in money}
