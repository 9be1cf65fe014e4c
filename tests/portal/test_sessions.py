"""Portal sessions without a browser: ids, idle timeout, ending, the store's bound. They live in the
database (every worker shares them), which keeps a digest of each id, never the id."""

from __future__ import annotations

import pytest

from api.portal.sessions import Sessions
from registry.tables import PortalSession


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def sessions(empty_registry):
    yield lambda **options: Sessions(**{"idle_seconds": 600, **options})


async def test_a_session_ends_after_the_idle_timeout_and_not_before(sessions):
    clock = Clock()
    store = sessions(clock=clock)
    session = await store.start("someone", {"ver": 1})
    clock.now += 599
    found = await store.find(session.id)  # a request restarts the idle clock
    assert (found.username, found.claims, found.csrf) == ("someone", {"ver": 1}, session.csrf)
    clock.now += 599
    assert (await store.find(session.id)).id == session.id
    clock.now += 601
    assert await store.find(session.id) is None
    assert await store.find(session.id) is None and await store.count() == 0


async def test_a_read_within_the_touch_interval_writes_nothing(sessions):
    clock = Clock()
    store = sessions(clock=clock, touch_seconds=30)
    session = await store.start("someone")
    clock.now += 10
    await store.find(session.id)
    assert (await PortalSession.select(PortalSession.last_seen).first().run())["last_seen"] == 1_000_000.0
    clock.now += 25
    await store.find(session.id)
    assert (await PortalSession.select(PortalSession.last_seen).first().run())["last_seen"] == 1_000_035.0


async def test_every_session_gets_its_own_random_id_and_csrf_token_and_the_table_keeps_no_id(sessions):
    store = sessions()
    first, second = await store.start(), await store.start("a")
    assert len({first.id, second.id, first.csrf, second.csrf}) == 4
    assert min(len(first.id), len(first.csrf)) >= 40
    keys = {row["key"] for row in await PortalSession.select(PortalSession.key).run()}
    assert len(keys) == 2 and not keys & {first.id, second.id}
    await store.end(first.id)
    assert await store.find(first.id) is None and (await store.find(second.id)).username == "a"
    assert await store.find(None) is None and await store.find("made-up") is None
    assert await store.find("x" * 5000) is None


async def test_idle_sessions_are_dropped_when_the_store_grows(sessions):
    clock = Clock()
    store = sessions(idle_seconds=10, prune_above=5, clock=clock)
    for _ in range(6):
        await store.start()
    clock.now += 11
    kept = await store.start()
    assert await store.count() == 1 and (await store.find(kept.id)).id == kept.id


async def test_anonymous_sessions_cannot_crowd_out_signed_in_ones(sessions):
    store = sessions(prune_above=10)
    signed_in = [await store.start(f"user-{n}") for n in range(3)]
    for _ in range(100):  # someone opening /login over and over
        await store.start()
    assert await store.count() <= 11
    for n, session in enumerate(signed_in):
        assert (await store.find(session.id)).username == f"user-{n}"


async def test_a_session_ended_by_another_worker_is_gone_here_within_the_recheck(sessions, monkeypatch):
    import asyncio

    from api.portal import sessions as module

    monkeypatch.setattr(module, "RECHECK_SECONDS", 0.2)
    here, there = sessions(), sessions()  # two workers' stores, one database
    session = await there.start("someone")
    assert (await here.find(session.id)).username == "someone"
    await there.end(session.id)
    assert await there.find(session.id) is None  # at once where it ended
    await asyncio.sleep(0.25)
    assert await here.find(session.id) is None  # and, within the recheck, everywhere
