"""The moves of a return (registry/return_states.py): each row of the table, and what is refused."""

from __future__ import annotations

import pytest

from registry.actor import Actor
from registry.errors import Conflict, Forbidden
from registry.permissions import ROLES
from registry.return_states import TRANSITIONS, Move, next_state
from registry.vocabulary import RETURN_STATE

ACTORS = {role: Actor(username=role, role=role, tenant_uscc="X" if role == "tenant" else None) for role in ROLES}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.before}-{t.move}-{t.right}")
def test_each_row_takes_its_state_to_the_next_for_the_roles_with_its_right(transition):
    from registry.permissions import roles_that

    for role in roles_that(transition.right):
        assert next_state(ACTORS[role], transition.before, transition.move) == transition.after


@pytest.mark.parametrize(
    "role, move",
    [
        ("tenant", Move.ACCEPT),
        ("tenant", Move.SEND_BACK),
        ("tenant", Move.EXCUSE),
        ("tenant", Move.ADD),
        ("statistician", Move.SUBMIT),
        ("statistician", Move.SAVE),
        ("statistician", Move.EXCUSE),
    ],
)
def test_a_role_without_the_right_is_refused_whatever_the_state(role, move):
    for state in (None, *RETURN_STATE.codes):
        with pytest.raises(Forbidden):
            next_state(ACTORS[role], state, move)


@pytest.mark.parametrize(
    "state, move",
    [
        ("submitted", Move.SAVE),
        ("accepted", Move.SUBMIT),
        ("excused", Move.SUBMIT),
        ("not_started", Move.ACCEPT),
        ("draft", Move.SEND_BACK),
        ("submitted", Move.EXCUSE),
        ("draft", Move.ADD),
    ],
)
def test_a_move_not_from_the_state_is_a_conflict(state, move):
    with pytest.raises(Conflict):
        next_state(ACTORS["admin"], state, move)


def test_a_returned_return_stays_returned_while_saved_and_goes_back_submitted():
    tenant = ACTORS["tenant"]
    assert next_state(tenant, "returned", Move.SAVE) == "returned"
    assert next_state(tenant, "returned", Move.SUBMIT) == "submitted"


def test_managers_fill_on_behalf_and_review_but_statisticians_only_review():
    assert next_state(ACTORS["manager"], "draft", Move.SUBMIT) == "submitted"
    assert next_state(ACTORS["statistician"], "submitted", Move.ACCEPT) == "accepted"
    assert next_state(ACTORS["manager"], "accepted", Move.SEND_BACK) == "returned"
