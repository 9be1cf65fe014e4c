"""The engine's own word for "a second row with the same unique key" (`registry.db.is_unique_violation`),
which the API answers with a 409 rather than a 500: a real violation on each engine, and another
constraint's error that is not one."""

from __future__ import annotations

import pytest

from registry.db import is_unique_violation
from registry.tables import PortalSession, Tenant
from tests.conftest import make_tenant


async def _error_of(query) -> Exception:
    with pytest.raises(Exception) as raised:  # noqa: PT011 - each engine raises its own class
        await query.run()
    return raised.value


async def test_a_second_row_with_the_same_unique_key_is_a_unique_violation(database):
    tenant = await make_tenant()
    row = await Tenant.select().where(Tenant.uscc == tenant["uscc"]).first().run()
    again = {k: v for k, v in row.items() if k != "id"}
    error = await _error_of(Tenant.insert(Tenant(**again)))
    assert is_unique_violation(error), repr(error)


async def test_another_constraint_is_not_a_unique_violation(database):
    error = await _error_of(PortalSession.raw("INSERT INTO portal_session (key) VALUES (NULL)"))
    assert not is_unique_violation(error), repr(error)
