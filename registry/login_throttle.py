"""Failed sign-ins, counted in the database so every worker and host sees the same counts.

One sliding window (`window` seconds), two limits: per username and, higher, per client address. Many
people share an address behind NAT, and a few typos among them must not lock out everyone there; the
username limit stops guessing at one account from many addresses, the address limit spraying many
accounts from one. A success forgives only the username's count, never the address's.

Usernames are kept as a fixed-size digest (a client picks them, of any length). Each failure also drops
the rows whose window has passed, so the table holds the last window's failures, not every name tried.

The API's sign-in and the web portal's both call one `LoginThrottle` (the app keeps it in
`app.state.login_throttle`): `retry_after()` before checking a password, then `failed()` or `succeeded()`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from registry.db import write_transaction
from registry.tables import LoginFailure


class LoginThrottle:
    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        max_failures_per_address: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address or max_failures
        self.window = window_seconds
        # Wall-clock seconds: several hosts compare their failures, so a per-process clock would not do.
        self._clock = clock

    @staticmethod
    def user_key(username: str) -> str:
        digest = hashlib.blake2b(username.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"user:{digest}"

    @staticmethod
    def address_key(address: str) -> str:
        return f"addr:{address[:64]}"

    def _limits(self, username: str, address: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (self.user_key(username), self.max_failures), (self.address_key(address), self.max_failures_per_address)

    async def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until a try is free again, if either limit is reached; else None."""
        now = self._clock()
        for key, limit in self._limits(username, address):
            # The limit-th most recent failure in the window: when it leaves the window, a try is free.
            oldest = await (
                LoginFailure.select(LoginFailure.at)
                .where((LoginFailure.key == key) & (LoginFailure.at > now - self.window))
                .order_by(LoginFailure.at, ascending=False)
                .offset(limit - 1)
                .first()
                .run()
            )
            if oldest is not None:
                return max(1, int(self.window - (now - oldest["at"])) + 1)
        return None

    async def failed(self, username: str, address: str) -> None:
        now = self._clock()
        async with write_transaction():
            await LoginFailure.delete().where(LoginFailure.at <= now - self.window).run()
            await LoginFailure.insert(
                *(LoginFailure(key=key, at=now) for key, _ in self._limits(username, address))
            ).run()

    async def succeeded(self, username: str) -> None:
        async with write_transaction():
            await LoginFailure.delete().where(LoginFailure.key == self.user_key(username)).run()


__all__ = ["LoginThrottle"]
