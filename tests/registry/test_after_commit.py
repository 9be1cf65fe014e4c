"""registry.db.after_commit: what must not tell of a write that did not happen waits for its commit."""

from __future__ import annotations

import pytest

from registry.db import after_commit, write_transaction


async def test_an_action_waits_for_the_outermost_commit_and_is_dropped_on_rollback(database):
    done: list[int] = []
    async with write_transaction():
        async with write_transaction():  # a nested write joins the outer one
            after_commit(lambda: done.append(1))
        assert done == []
    assert done == [1]
    with pytest.raises(RuntimeError):
        async with write_transaction():
            after_commit(lambda: done.append(2))
            raise RuntimeError("rolled back")
    assert done == [1]
    after_commit(lambda: done.append(3))  # outside a transaction: at once
    assert done == [1, 3]
