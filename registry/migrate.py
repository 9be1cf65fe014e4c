"""Bring the database schema up to date (idempotent).

Each migration runs in one write transaction together with the record that it ran: a process killed
in the middle of one (or between its work and its record, where Piccolo's own `run_forwards` commits
them apart) leaves the database as it was before that migration, so the next start runs it again
rather than finding its tables made and its record missing. A migration another process ran while
this one waited for the write lock is not run twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration

from registry.db import BOUND, Database, bound, close_database, open_database, write_transaction
from registry.settings import Settings

T = TypeVar("T")


async def _forwards() -> list[str]:
    """Run every migration not run yet, oldest first; the ids run."""
    # Piccolo's migration machinery finds the engine through PICCOLO_CONF (registry/piccolo_conf.py: the
    # bound database's), and keeps its own table of migrations run on the database bound to the context.
    os.environ.setdefault("PICCOLO_CONF", "registry.piccolo_conf")
    Migration._meta.db = BOUND
    finder = BaseMigrationManager()
    await finder.create_migration_table()
    ran: list[str] = []
    for app_name in finder.get_sorted_app_names():
        modules = finder.get_migration_modules(finder.get_app_config(app_name).resolved_migrations_folder_path)
        done = set(await Migration.get_migrations_which_ran(app_name=app_name))
        for migration_id in sorted(set(finder.get_migration_ids(modules)) - done):
            async with write_transaction():
                if (
                    await Migration.exists()
                    .where((Migration.name == migration_id) & (Migration.app_name == app_name))
                    .run()
                ):
                    continue
                manager = await modules[migration_id].forwards()
                if isinstance(manager, MigrationManager):
                    await manager.run()  # its own transaction joins this one
                await Migration.insert(Migration(name=migration_id, app_name=app_name)).run()
            ran.append(migration_id)
    return ran


async def migrate() -> list[str]:
    """The ids of the migrations run now (none when the schema was up to date)."""
    await open_database()
    chatter = io.StringIO()  # Piccolo narrates each run; only a failure is worth showing
    with contextlib.redirect_stdout(chatter):
        try:
            return await _forwards()
        except Exception as error:
            raise RuntimeError(f"migration failed: {error}\n{chatter.getvalue()}") from error


def run_on_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """For the command line: run `work()` on the database of `settings`, migrated, then let go of the
    connections."""

    async def run() -> T:
        with bound(Database(settings)):
            await migrate()
            try:
                return await work()
            finally:
                await close_database()

    return asyncio.run(run())
