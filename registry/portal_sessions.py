"""The web portal's sessions as the registry's database keeps them (table `portal_session`), so every
worker and host knows them. A row is found by `key`, a digest of the id the browser holds: the table
alone opens no session. What a session means (ids, CSRF tokens, the idle timeout) is the portal's
(api/portal/sessions.py); this module only stores, finds, touches and drops rows. Rows are written on
their own, not in a registry write transaction: nothing of the registry changes, so no cache needs
forgetting.
"""

from __future__ import annotations

import json
from typing import Any

from registry.db import fetch
from registry.tables import PortalSession

_FIND = "SELECT csrf, username, claims, last_seen FROM portal_session WHERE key = :key"


async def count() -> int:
    return await PortalSession.count().run()


async def add(key: str, csrf: str, username: str | None, claims: dict[str, Any], last_seen: float) -> None:
    await PortalSession.insert(
        PortalSession(key=key, csrf=csrf, username=username, claims=json.dumps(claims), last_seen=last_seen)
    ).run()


async def find(key: str) -> dict[str, Any] | None:
    """The row of `key` (csrf, username, claims as a dict, last_seen), or None. Every page asks: the
    cheapest read the registry has (an indexed lookup; on SQLite, on the spot)."""
    rows = await fetch(_FIND, {"key": key}, at_once=True)
    if not rows:
        return None
    row = rows[0]
    claims = row["claims"]
    return {**row, "claims": json.loads(claims) if isinstance(claims, str) else dict(claims or {})}


async def touch(key: str, when: float) -> None:
    await PortalSession.update({PortalSession.last_seen: when}).where(PortalSession.key == key).run()


async def remove(key: str) -> None:
    await PortalSession.delete().where(PortalSession.key == key).run()


async def prune(seen_before: float, keep: int) -> None:
    """Drop the rows not seen since `seen_before`; if more than `keep` remain, drop the least recently
    seen of those with no account (anyone can make them by opening /login), so they cannot grow the
    table without bound."""
    await PortalSession.delete().where(PortalSession.last_seen < seen_before).run()
    excess = await count() - keep
    if excess > 0:
        oldest = await (
            PortalSession.select(PortalSession.id)
            .where(PortalSession.username.is_null())
            .order_by(PortalSession.last_seen)
            .limit(excess)
            .run()
        )
        if oldest:
            await PortalSession.delete().where(PortalSession.id.is_in([row["id"] for row in oldest])).run()
