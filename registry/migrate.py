"""Bring the database schema up to date (idempotent)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Awaitable, Callable
from typing import TypeVar

from piccolo.apps.migrations.commands.forwards import run_forwards

from registry.db import close_database, open_database

T = TypeVar("T")


async def migrate() -> None:
    await open_database()
    chatter = io.StringIO()  # Piccolo narrates each run; only a failure is worth showing
    with contextlib.redirect_stdout(chatter):
        response = await run_forwards(app_name="all", fake=False)
    if not response.success:
        raise RuntimeError(f"migration failed: {response.message}\n{chatter.getvalue()}")


def run_on_database(work: Callable[[], Awaitable[T]]) -> T:
    """For the command line: run `work()` on a migrated database, then let go of the connections."""

    async def run() -> T:
        await migrate()
        try:
            return await work()
        finally:
            await close_database()

    return asyncio.run(run())
