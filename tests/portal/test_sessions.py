"""Portal sessions without a browser: ids, idle timeout, ending."""

from __future__ import annotations

from api.portal.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_ends_after_the_idle_timeout_and_not_before():
    clock = Clock()
    store = Sessions(idle_seconds=600, clock=clock)
    session = store.start("someone", {"ver": 1})
    clock.now += 599
    assert store.find(session.id) is session  # a request restarts the idle clock
    clock.now += 599
    assert store.find(session.id) is session
    clock.now += 601
    assert store.find(session.id) is None
    assert store.find(session.id) is None and len(store) == 0


def test_every_session_gets_its_own_random_id_and_csrf_token():
    store = Sessions(idle_seconds=60)
    first, second = store.start(), store.start("a")
    assert len({first.id, second.id, first.csrf, second.csrf}) == 4
    assert min(len(first.id), len(first.csrf)) >= 40
    store.end(first.id)
    assert store.find(first.id) is None and store.find(second.id) is second
    assert store.find(None) is None and store.find("made-up") is None


def test_idle_sessions_are_dropped_when_the_store_grows():
    clock = Clock()
    store = Sessions(idle_seconds=10, prune_above=5, clock=clock)
    for _ in range(6):
        store.start()
    clock.now += 11
    kept = store.start()
    assert len(store) == 1 and store.find(kept.id) is kept


def test_anonymous_sessions_cannot_crowd_out_signed_in_ones():
    store = Sessions(idle_seconds=600, prune_above=10)
    signed_in = [store.start(f"user-{n}") for n in range(3)]
    for _ in range(100):  # someone opening /login over and over
        store.start()
    assert len(store) <= 11
    assert all(store.find(session.id) is session for session in signed_in)
