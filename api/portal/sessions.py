"""Portal sessions, kept on the server: the browser holds only a random id in an HttpOnly cookie.

A session is bound to its account the way a bearer token is (`api.auth.bound_actor`): it keeps the
account's version and key from sign-in, so any change to the account ends it. It also ends at sign
out and after `idle_seconds` without a request. A visitor who has not signed in gets an anonymous
session too, only to carry the CSRF token of the sign-in form; signing in replaces it with a new id.

Sessions live in the database (`registry.tables.PortalSession`), so `park serve --workers N` and
several hosts share them: a browser signed in on one worker is signed in on all, and sign-out ends
the session everywhere. A session's rows are written on their own (not in a registry write
transaction: nothing of the registry changes, so no cache needs forgetting). The table keeps a digest of each id, never the id itself. A request records
its time only when the stored one is more than `touch_seconds` old, so reading pages does not write
on every request; the idle timeout is exact to within that much.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry.db import fetch
from registry.tables import PortalSession

RECHECK_SECONDS = 2.0
_FIND = "SELECT csrf, username, claims, last_seen FROM portal_session WHERE key = :key"


@dataclass
class Session:
    id: str
    csrf: str
    last_seen: float
    username: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


class Sessions:
    def __init__(
        self,
        idle_seconds: float,
        prune_above: int = 10_000,
        clock: Callable[[], float] = time.time,
        touch_seconds: float = 30,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.prune_above = prune_above
        self.touch_seconds = min(touch_seconds, idle_seconds / 10)
        # Wall-clock seconds: several hosts compare the times they stored.
        self._clock = clock
        # Rows this process read in the last RECHECK_SECONDS (a page and its htmx requests come in a
        # burst): digest -> (row, when read, monotonic). A session ended here is dropped at once; one
        # ended on another worker is seen there at the next read, within RECHECK_SECONDS.
        self._recent: dict[str, tuple[dict[str, Any], float]] = {}

    async def count(self) -> int:
        return await PortalSession.count().run()

    async def start(self, username: str | None = None, claims: dict[str, Any] | None = None) -> Session:
        """A new session under a new random id (never one the browser sent: no session fixation)."""
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            last_seen=self._clock(),
            username=username,
            claims=dict(claims or {}),
        )
        if await PortalSession.count().run() > self.prune_above:
            await self._prune()
        await PortalSession.insert(
            PortalSession(
                key=_key(session.id),
                csrf=session.csrf,
                username=username,
                claims=json.dumps(session.claims),
                last_seen=session.last_seen,
            )
        ).run()
        return session

    async def find(self, session_id: str | None) -> Session | None:
        """The live session of this id, its idle clock restarted; None when unknown or idle too long."""
        if not session_id or len(session_id) > 100:
            return None
        key = _key(session_id)
        row = self._recently_read(key)
        if row is None:
            # Every page asks: the cheapest read the registry has (an indexed lookup; on SQLite, on the spot).
            rows = await fetch(_FIND, {"key": key}, at_once=True)
            if not rows:
                return None
            row = rows[0]
            if len(self._recent) > self.prune_above:
                self._recent.clear()
            self._recent[key] = (row, time.monotonic())
        now = self._clock()
        if now - row["last_seen"] > self.idle_seconds:
            await self.end(session_id)
            return None
        if now - row["last_seen"] > self.touch_seconds:
            await PortalSession.update({PortalSession.last_seen: now}).where(PortalSession.key == key).run()
            row["last_seen"] = now
        claims = row["claims"]
        return Session(
            id=session_id,
            csrf=row["csrf"],
            last_seen=now,
            username=row["username"],
            claims=json.loads(claims) if isinstance(claims, str) else dict(claims or {}),
        )

    def _recently_read(self, key: str) -> dict[str, Any] | None:
        recent = self._recent.get(key)
        if recent is None or time.monotonic() - recent[1] > RECHECK_SECONDS:
            return None
        return recent[0]

    async def end(self, session_id: str | None) -> None:
        if not session_id or len(session_id) > 100:
            return
        self._recent.pop(_key(session_id), None)
        await PortalSession.delete().where(PortalSession.key == _key(session_id)).run()

    async def _prune(self) -> None:
        """Drop idle sessions; if anonymous ones (anyone can make them by opening /login) still crowd the
        store, drop the least recently used of those too, so they cannot grow it without bound."""
        now = self._clock()
        await PortalSession.delete().where(PortalSession.last_seen < now - self.idle_seconds).run()
        excess = await PortalSession.count().run() - self.prune_above // 2
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
