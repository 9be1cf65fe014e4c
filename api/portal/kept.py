"""Parts of a page that are the same for everyone allowed to see them — a period's park figures, the park's
trends — rendered once per change of the records and kept beside the statistics they show
(registry.read_cache: the database's data version tells when they are stale), as the API keeps its
encoded `/stats` answer. Such a part holds nothing of the person or the request (no CSRF token, no
role-dependent link, no query echoed back): the page around it adds those."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from markupsafe import Markup

from api.portal.page import Words, lang_of
from registry.db import current


async def kept_parts(
    request: Request, key: tuple, compute: Callable[[], Awaitable[dict[str, Any]]], *templates: str
) -> list[Markup]:
    """`templates` rendered with what `compute` gives, in the request's language; kept under `key`."""
    lang = lang_of(request)

    async def rendered() -> list[Markup]:
        words = Words(lang)
        context = {"lang": lang, "T": words, "label": words.label, "labels": words.labels, "say": words.say}
        context |= await compute()
        engine = request.app.template_engine
        return [Markup(engine.get_template(name).render(**context)) for name in templates]  # noqa: S704

    return await current().statistics.get(("page", lang, *key), rendered)
