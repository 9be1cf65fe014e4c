"""Migrations survive a process killed mid-way: each one commits together with the record that it ran."""

from __future__ import annotations

from dataclasses import replace

import pytest
from piccolo.apps.migrations.tables import Migration

from registry.db import Database, bound, current
from registry.migrate import migrate
from tests.conftest import SETTINGS
from tests.records import tables


@pytest.fixture
async def other_database(fresh_env, database):
    """A fresh database of the suite's engine, bound for the test; the suite's is untouched meanwhile."""
    with bound(Database(replace(SETTINGS, database_url=fresh_env["DATABASE_URL"]))) as other:
        yield fresh_env["DATABASE_URL"]
        await other.close()
    assert current() is database


async def test_a_migration_whose_record_was_not_written_left_nothing_and_runs_again(other_database, monkeypatch):
    def lost(cls, *rows):  # the process dies between a migration's work and its record
        raise RuntimeError("killed")

    monkeypatch.setattr(Migration, "insert", classmethod(lost))
    with pytest.raises(RuntimeError, match="killed"):
        await migrate()
    assert await tables(other_database) == ["migration"]  # the first migration's tables went with its record
    monkeypatch.undo()
    ran = await migrate()
    assert ran and ran[0].startswith("2026-11-25T19")
    assert {"tenant", "ip_item", "audit_entry"} <= set(await tables(other_database))
    assert await migrate() == []
