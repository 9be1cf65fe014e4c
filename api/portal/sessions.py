"""Portal sessions, kept on the server: the browser holds only a random id in an HttpOnly cookie.

A session is bound to its account the way a bearer token is (`api.auth.bound_actor`): it keeps the
account's version and key from sign-in, so any change to the account ends it. It also ends at sign
out and after `idle_seconds` without a request. A visitor who has not signed in gets an anonymous
session too, only to carry the CSRF token of the sign-in form; signing in replaces it with a new id.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Session:
    id: str
    csrf: str
    last_seen: float
    username: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)


class Sessions:
    """Sessions in this process's memory (one `park serve` process; several workers need a shared
    store behind the same methods — README, "Running beyond one machine")."""

    def __init__(
        self, idle_seconds: float, prune_above: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_seconds = idle_seconds
        self.prune_above = prune_above
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def start(self, username: str | None = None, claims: dict[str, Any] | None = None) -> Session:
        """A new session under a new random id (never one the browser sent: no session fixation)."""
        if len(self._sessions) > self.prune_above:
            self._prune()
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            last_seen=self._clock(),
            username=username,
            claims=dict(claims or {}),
        )
        self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The live session of this id, its idle clock restarted; None when unknown or idle too long."""
        session = self._sessions.get(session_id or "")
        if session is None:
            return None
        now = self._clock()
        if now - session.last_seen > self.idle_seconds:
            del self._sessions[session.id]
            return None
        session.last_seen = now
        return session

    def end(self, session_id: str | None) -> None:
        self._sessions.pop(session_id or "", None)

    def _prune(self) -> None:
        """Drop idle sessions; if anonymous ones (anyone can make them by opening /login) still crowd the
        store, drop the least recently used of those too, so they cannot grow it without bound."""
        now = self._clock()
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]:
            del self._sessions[key]
        anonymous = sorted((s for s in self._sessions.values() if s.username is None), key=lambda s: s.last_seen)
        for session in anonymous[: max(0, len(self._sessions) - self.prune_above // 2)]:
            del self._sessions[session.id]
