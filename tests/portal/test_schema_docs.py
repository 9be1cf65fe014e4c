"""The API docs pages render in a browser with every outside address blocked: Scalar and Swagger UI
come from the app, and nothing on them breaks the page's Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.conftest import screenshot


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/schema", "Who the token belongs to"),
        ("/schema/swagger", "Who the token belongs to"),
    ],
)
async def test_docs_page_renders_offline_without_errors(portal, path, operation):
    page = await portal()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(path)
    await expect(page.get_by_text(operation).first).to_be_visible(timeout=30_000)
    await screenshot(page, f"docs-{path.strip('/').replace('/', '-')}")
    assert problems == []
