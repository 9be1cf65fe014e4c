"""Accounts as the registry keeps them: a person changing their own password."""

from __future__ import annotations

import pytest

from registry.actor import SYSTEM, Actor
from registry.errors import NotFound, ValidationFailed
from registry.services import accounts
from registry.tables import AuditEntry

PASSWORD = "first-password-1"
_names = iter(range(1, 10**6))


async def _account(role: str = "statistician") -> Actor:
    username = f"own-password-{next(_names)}"
    await accounts.create_account(SYSTEM, {"username": username, "password": PASSWORD, "role": role})
    return Actor(username=username, role=role)


async def test_own_password_change_needs_the_current_one_and_retires_older_sign_ins():
    actor = await _account()
    _, old_binding = await accounts.authenticate(actor.username, PASSWORD)
    _, new_binding = await accounts.change_own_password(actor, PASSWORD, "second-password-2")
    assert new_binding != old_binding
    assert (await accounts.find_bound_actor(actor.username))[1] == new_binding
    assert await accounts.authenticate(actor.username, PASSWORD) is None
    assert await accounts.authenticate(actor.username, "second-password-2") is not None
    entry = (
        await AuditEntry.select()
        .where(AuditEntry.entity_key == actor.username)
        .order_by(AuditEntry.id, ascending=False)
        .first()
        .run()
    )
    assert entry["actor"] == actor.username and "(changed)" in str(entry["after"])
    assert "second-password-2" not in str(entry["after"])


async def test_wrong_current_password_and_short_new_one_are_told_field_by_field():
    actor = await _account()
    with pytest.raises(ValidationFailed) as failure:
        await accounts.change_own_password(actor, "not-my-password", "short")
    assert {(e.field, e.code) for e in failure.value.errors} == {
        ("current_password", "wrong_password"),
        ("new_password", "length"),
    }
    assert await accounts.authenticate(actor.username, PASSWORD) is not None


async def test_new_password_must_differ_from_the_current_one():
    actor = await _account()
    with pytest.raises(ValidationFailed) as failure:
        await accounts.change_own_password(actor, PASSWORD, PASSWORD)
    assert [(e.field, e.code) for e in failure.value.errors] == [("new_password", "unchanged")]


async def test_a_deactivated_account_cannot_change_its_password():
    actor = await _account()
    await accounts.update_account(SYSTEM, actor.username, {"active": False})
    with pytest.raises(NotFound):
        await accounts.change_own_password(actor, PASSWORD, "second-password-2")
