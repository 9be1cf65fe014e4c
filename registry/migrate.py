"""Bring the database schema up to date (idempotent)."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from registry.db import open_database


async def migrate() -> None:
    await open_database()
    chatter = io.StringIO()  # Piccolo narrates each run; only a failure is worth showing
    with contextlib.redirect_stdout(chatter):
        response = await run_forwards(app_name="all", fake=False)
    if not response.success:
        raise RuntimeError(f"migration failed: {response.message}\n{chatter.getvalue()}")
