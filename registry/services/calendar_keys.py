"""Calendar subscription keys: a tenant's deadlines feed opened without a bearer token.

A calendar app subscribes to a URL and fetches it on its own schedule; it cannot sign in. So each
tenant's feed also opens with a key in its URL (`?key=`): an HMAC-SHA256, under the server's
calendar secret (`PARK_CALENDAR_SECRET`, `registry.settings`), of the tenant's USCC and a random
nonce kept in `calendar_feed`. The key itself is stored nowhere: a copy of the database alone opens
no feed. A tenant has no key until someone asks for its subscription URL; renewing draws a new nonce,
so every URL handed out before stops working; a tenant deleted and registered again under the same
USCC starts without one (its row went with it), so its predecessor's URLs never open the newcomer's
feed. A key opens that one tenant's feed and nothing else: the actor it yields is that tenant's,
reading. A wrong key is the same 404 as a tenant that does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

from registry import audit
from registry.actor import Actor
from registry.db import current, write_transaction
from registry.errors import NotFound
from registry.permissions import Action
from registry.services.tenants import _NOT_FOUND, tenant_id
from registry.tables import CalendarFeed

# The feed's actor: the tenant, named so that logs tell a calendar app's request apart.
FEED_USERNAME = "calendar-feed"
_KEY_BYTES = 24  # 192 bits of the HMAC: 32 characters of base64url
_NONCE_BYTES = 16


def _key(uscc: str, nonce: str) -> str:
    secret = current().settings.calendar_secret  # the app's, whose database holds the nonce
    digest = hmac.new(secret.encode(), f"{uscc}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_KEY_BYTES]).decode()


async def _stored(tenant: int) -> dict[str, Any] | None:
    return await CalendarFeed.select().where(CalendarFeed.tenant == tenant).first().run()


def _shown(uscc: str, row: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": uscc, "key": _key(uscc, row["nonce"]), "issued_at": row["issued_at"]}


async def _issue(actor: Actor, uscc: str, renew: bool) -> dict[str, Any]:
    """The tenant's key, issued now if it has none (or `renew`); audited without the key."""
    async with write_transaction():
        tenant = await tenant_id(uscc, lock=True)  # issuing for one tenant waits for the other
        before = await _stored(tenant)
        if before is not None and not renew:
            return _shown(uscc, before)
        values = {"nonce": secrets.token_hex(_NONCE_BYTES), "issued_at": datetime.now(UTC), "issued_by": actor.username}
        if before is None:
            await CalendarFeed.insert(CalendarFeed(tenant=tenant, **values)).run()
        else:
            await CalendarFeed.update(values).where(CalendarFeed.id == before["id"]).run()
        trail = ("issued_at", "issued_by")
        await audit.record(actor, "update" if before else "create", "calendar_key", uscc, uscc,
                           {k: before[k] for k in trail} if before else None, {k: values[k] for k in trail})  # fmt: skip
        after = await _stored(tenant)
    assert after is not None
    return _shown(uscc, after)


async def subscription(actor: Actor, uscc: str) -> dict[str, Any]:
    """The tenant's key (`uscc`, `key`, `issued_at`) for its subscription URL; issued at the first ask."""
    uscc = uscc.upper()
    actor.require(Action.HOLD_CALENDAR_KEY)
    actor.require_read(uscc)
    row = await _stored(await tenant_id(uscc))
    return _shown(uscc, row) if row is not None else await _issue(actor, uscc, renew=False)


async def renew(actor: Actor, uscc: str) -> dict[str, Any]:
    """A new key for the tenant's feed: every URL with an earlier one stops working."""
    uscc = uscc.upper()
    actor.require(Action.HOLD_CALENDAR_KEY)
    actor.require_write(uscc)
    return await _issue(actor, uscc, renew=True)


async def feed_actor(uscc: str, key: str) -> Actor:
    """The actor a key opens the tenant's feed as: that tenant, reading. 404 for a wrong key (or a
    tenant with none issued), as for a tenant that does not exist."""
    uscc = uscc.upper()
    row = await _stored(await tenant_id(uscc))
    if row is None or not hmac.compare_digest(key.encode(), _key(uscc, row["nonce"]).encode()):
        raise NotFound(_NOT_FOUND)
    return Actor(username=FEED_USERNAME, role="tenant", tenant_uscc=uscc, source="calendar")


__all__ = ["FEED_USERNAME", "feed_actor", "renew", "subscription"]
