"""The API docs pages work on an intranet: everything they load is served by the app itself."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import httpx
import pytest

from api.schema_docs import STATIC_DIR

DOCS_PAGES = ["/schema", "/schema/scalar", "/schema/swagger"]


class _References(HTMLParser):
    """Every URL a page asks the browser to load or follow, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href", "data-url") and value]
        if tag == "script" and "src" not in found and found.get("type") != "application/json":
            self.inline_scripts.append(found)


async def _references(base_url: str, path: str) -> _References:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _References()
    parser.feed(response.text)
    return parser


@pytest.mark.parametrize("path", DOCS_PAGES)
async def test_docs_page_loads_nothing_from_another_origin(base_url, path):
    page = await _references(base_url, path)
    assert page.urls, "the page references its scripts"
    assert [url for url in page.urls if not url.startswith("/") or url.startswith("//")] == []
    assert page.inline_scripts == []


@pytest.mark.parametrize("path", DOCS_PAGES)
async def test_docs_page_serves_every_file_it_references(base_url, path):
    page = await _references(base_url, path)
    async with httpx.AsyncClient(base_url=base_url) as client:
        for url in page.urls:
            response = await client.get(url)
            assert response.status_code == 200, url
            assert response.content, url


@pytest.mark.parametrize("path", DOCS_PAGES)
async def test_docs_page_policy_forbids_other_origins_and_framing(base_url, path):
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(path)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


async def test_vendored_files_are_the_releases_named_in_their_note(base_url):
    """VENDORED.md names each file's release and checksum; the app serves exactly those bytes."""
    note = (STATIC_DIR / "VENDORED.md").read_text()
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", note, flags=re.MULTILINE)
    assert {name for _, name in listed} >= {"scalar/standalone.js", "swagger-ui/swagger-ui-bundle.js"}
    async with httpx.AsyncClient(base_url=base_url) as client:
        for digest, name in listed:
            response = await client.get(f"/schema/static/{name}")
            assert response.status_code == 200, name
            assert hashlib.sha256(response.content).hexdigest() == digest, name
    for name in ("scalar/LICENSE", "swagger-ui/LICENSE", "swagger-ui/NOTICE"):
        assert (STATIC_DIR / name).stat().st_size > 0


async def test_outside_the_static_folder_nothing_is_served(base_url):
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/schema/static/%2e%2e/__init__.py")
    assert response.status_code == 404
