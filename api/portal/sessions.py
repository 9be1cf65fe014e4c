"""Portal sessions, kept on the server: the browser holds only a random id in an HttpOnly cookie.

A session is bound to its account the way a bearer token is (`api.auth.bound_actor`): it keeps the
account's version and key from sign-in, so any change to the account ends it. It also ends at sign
out and after `idle_seconds` without a request. A visitor who has not signed in gets an anonymous
session too, only to carry the CSRF token of the sign-in form; signing in replaces it with a new id.

Sessions live in the database (`registry.portal_sessions`, the store), so `park serve --workers N` and
several hosts share them: a browser signed in on one worker is signed in on all, and sign-out ends
the session everywhere. The store keeps a digest of each id, never the id itself. A request records
its time only when the stored one is more than `touch_seconds` old, so reading pages does not write
on every request; the idle timeout is exact to within that much.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry import portal_sessions as store

RECHECK_SECONDS = 2.0


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
        return await store.count()

    async def start(self, username: str | None = None, claims: dict[str, Any] | None = None) -> Session:
        """A new session under a new random id (never one the browser sent: no session fixation)."""
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            last_seen=self._clock(),
            username=username,
            claims=dict(claims or {}),
        )
        if await store.count() > self.prune_above:
            # Idle sessions go; anonymous ones that still crowd the store go least recently used first.
            await store.prune(self._clock() - self.idle_seconds, self.prune_above // 2)
        await store.add(_key(session.id), session.csrf, username, session.claims, session.last_seen)
        return session

    async def find(self, session_id: str | None) -> Session | None:
        """The live session of this id, its idle clock restarted; None when unknown or idle too long."""
        if not session_id or len(session_id) > 100:
            return None
        key = _key(session_id)
        row = self._recently_read(key)
        if row is None:
            row = await store.find(key)
            if row is None:
                return None
            if len(self._recent) > self.prune_above:
                self._recent.clear()
            self._recent[key] = (row, time.monotonic())
        now = self._clock()
        if now - row["last_seen"] > self.idle_seconds:
            await self.end(session_id)
            return None
        if now - row["last_seen"] > self.touch_seconds:
            await store.touch(key, now)
            row["last_seen"] = now
        return Session(
            id=session_id, csrf=row["csrf"], last_seen=now, username=row["username"], claims=dict(row["claims"])
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
        await store.remove(_key(session_id))
