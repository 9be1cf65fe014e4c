"""`park rounds close ID` (SPEC §9): closes a round as the API does; a second close and an unknown round
are refused with exit status 1 and say why."""

from __future__ import annotations

from tests.processes import park
from tests.records import execute, rows


async def test_park_rounds_close_closes_once_and_then_refuses(fresh_env):
    url = fresh_env["DATABASE_URL"]
    made = park(fresh_env, "users", "add", "li", "--role", "statistician", "--password-stdin", stdin="s3cret-pass\n")
    assert made.returncode == 0, made.stderr  # the database is migrated
    await execute(
        url,
        "INSERT INTO report_round (period, year, title, opens_on, deadline, fields, state, remind_days_before, "
        "opened_by, opened_at, version) VALUES ('2019Q1', 2019, '命令行轮次', '2019-04-01', '2019-04-20', '[]', "
        "'open', 3, 'li', '2019-04-01 00:00:00+00:00', 1)",
    )
    closed = park(fresh_env, "rounds", "close", "1")
    assert closed.returncode == 0, closed.stderr
    assert "closed round 1 (2019Q1, 命令行轮次)" in closed.stdout
    assert [(r["state"], r["closed_by"]) for r in await rows(url, "SELECT state, closed_by FROM report_round")] == [
        ("closed", "cli")
    ]
    again = park(fresh_env, "rounds", "close", "1")
    assert again.returncode == 1 and "already closed" in again.stderr
    unknown = park(fresh_env, "rounds", "close", "99")
    assert unknown.returncode == 1 and "not found" in unknown.stderr
