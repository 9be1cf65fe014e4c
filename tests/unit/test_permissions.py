"""The permission table: every role of the vocabulary has its column, and SPEC §3's roles read in it."""

from __future__ import annotations

from registry.permissions import PERMISSIONS, ROLES, Action, actions_of, may, roles_that
from registry.vocabulary import ROLE


def test_the_table_has_a_row_per_action_and_a_column_per_role():
    assert set(PERMISSIONS) == set(Action)
    assert ROLE.codes == ROLES
    for action, row in PERMISSIONS.items():
        assert len(row) == len(ROLES), action
        assert set(roles_that(action)) <= set(ROLES)


def test_spec_roles():
    """Admin all but a tenant's own; manager reads and writes the park, reviews, adds, excuses and fills
    returns; statistician reads, closes years, runs and reviews report rounds, writes nothing else; tenant
    keeps its own records, files its own returns (and holds its own calendar key) only (SPEC §3, §9)."""
    assert actions_of("admin") == set(Action) - {Action.KEEP_OWN_TENANT, Action.FILE_RETURN}
    assert Action.REOPEN_YEAR not in actions_of("manager") and Action.WRITE_PARK in actions_of("manager")
    assert Action.RUN_ROUNDS not in actions_of("manager")
    assert {Action.REVIEW_RETURNS, Action.MANAGE_RETURNS} <= actions_of("manager")
    assert actions_of("statistician") == {
        Action.SIGN_IN,
        Action.READ_PARK,
        Action.CLOSE_YEAR,
        Action.RUN_ROUNDS,
        Action.REVIEW_RETURNS,
    }
    assert actions_of("tenant") == {
        Action.SIGN_IN,
        Action.WRITE_RECORDS,
        Action.KEEP_OWN_TENANT,
        Action.HOLD_CALENDAR_KEY,
        Action.FILE_RETURN,
    }


def test_an_unknown_role_may_do_nothing():
    assert not any(may("visitor", action) for action in Action)
    assert not may("", Action.SIGN_IN)
