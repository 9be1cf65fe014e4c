"""The API docs pages at `/schema` (Scalar) and `/schema/swagger`, served offline.

Litestar's render plugins load their scripts from a CDN, which on a park intranet is a blank page.
Here the released files are vendored under `static/` (versions and licences in `static/VENDORED.md`),
served from `/schema/static/`, and the pages carry no inline script, so the Content-Security-Policy
below can forbid every other origin: a docs page cannot reach the internet even by accident.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/schema/static"
SCALAR_VERSION = "1.76.0"
SWAGGER_UI_VERSION = "5.35.0"

# Scalar and Swagger UI inject <style> elements and style attributes, hence 'unsafe-inline' for styles
# only; scripts, fetches, fonts and images stay on this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

# Scalar's defaults would fetch fonts from its own site and send telemetry; its AI agent and MCP
# buttons call out too.
SCALAR_CONFIGURATION = {
    "withDefaultFonts": False,
    "telemetry": False,
    "agent": {"disabled": True},
    "mcp": {"disabled": True},
    "showDeveloperTools": "never",
}


def _page(title: str, head: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>{head}</head><body>{body}</body></html>"
    ).encode()


class OfflineScalar(ScalarRenderPlugin):
    """Scalar from the vendored standalone bundle, configured by data attributes instead of a script."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            js_url=f"{STATIC_PATH}/scalar/standalone.js",
            css_url=f"{STATIC_PATH}/docs.css",
            favicon="",
            style="",
            **kwargs,
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        url = html.escape(self.get_openapi_json_route(request))
        configuration = html.escape(json.dumps(SCALAR_CONFIGURATION))
        return _page(
            openapi_schema["info"]["title"],
            f'<link rel="stylesheet" href="{self.css_url}">',
            "<noscript>The API reference needs JavaScript; the OpenAPI document itself is at "
            f'<a href="{url}">{url}</a>.</noscript>'
            f'<script id="api-reference" type="application/json" data-url="{url}" '
            f'data-configuration="{configuration}"></script>'
            f'<script src="{self.js_url}"></script>',
        )


class OfflineSwagger(SwaggerRenderPlugin):
    """Swagger UI from the vendored bundle, started by a vendored script that reads the document URL."""

    def __init__(self, **kwargs: Any) -> None:
        base = f"{STATIC_PATH}/swagger-ui"
        super().__init__(
            js_url=f"{base}/swagger-ui-bundle.js",
            css_url=f"{base}/swagger-ui.css",
            standalone_preset_js_url=f"{base}/swagger-ui-standalone-preset.js",
            favicon="",
            style="",
            **kwargs,
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        url = html.escape(self.get_openapi_json_route(request))
        return _page(
            openapi_schema["info"]["title"],
            f'<link rel="stylesheet" href="{self.css_url}"><link rel="stylesheet" href="{STATIC_PATH}/docs.css">',
            f'<div id="swagger-container" data-url="{url}"></div>'
            f'<script src="{self.js_url}"></script><script src="{self.standalone_preset_js_url}"></script>'
            f'<script src="{STATIC_PATH}/swagger-start.js"></script>',
        )

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page (an inline script): the API signs in with a bearer token."""


def schema_router() -> Router:
    """The `/schema` router: the docs pages with their policy, and the vendored files beside them."""
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR], name="schema-static", cache_control=CacheControlHeader(max_age=86400)
    )
    return Router(
        path="/schema",
        route_handlers=[static],
        include_in_schema=False,
        response_headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
        },
    )
