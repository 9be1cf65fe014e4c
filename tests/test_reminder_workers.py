"""The automatic reminders (SPEC §9) inside `park serve --workers 2`: exactly one worker sends them, at
once when the server starts (a day missed while it was down is caught up), and a restart the same day
sends nothing again."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from registry.migrate import run_on_database
from registry.park_time import park_today
from tests.api.factories import open_round, return_in_state
from tests.conftest import SETTINGS, make_tenant
from tests.mail_server import smtp_server
from tests.processes import query, serving


def _on(env: dict[str, str], work):
    return run_on_database(replace(SETTINGS, database_url=env["DATABASE_URL"], data_dir=env["PARK_DATA_DIR"]), work)


def _a_round_due_yesterday(env: dict[str, str]) -> tuple[dict, list[str]]:
    """On `env`'s database: a round whose before-deadline reminders were due yesterday (the server was
    down), three tenants not started with contact e-mails; the round and their addresses."""

    async def work() -> tuple[dict, list[str]]:
        today = park_today(SETTINGS.zone)
        row = await open_round(deadline=str(today + timedelta(days=2)), remind_days_before=3)
        return row, [await _asked(row, f"worker{n}@tenant.example") for n in range(3)]

    return _on(env, work)


async def _asked(row: dict, email: str) -> str:
    tenant = await make_tenant(contact_email=email)
    await return_in_state(row["id"], tenant["uscc"])
    return email


def _wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


def test_one_of_two_workers_sends_the_automatic_reminders_once(fresh_env, tmp_path):
    row, addresses = _a_round_due_yesterday(fresh_env)
    with smtp_server() as (mailbox, url):
        env = fresh_env | {"PARK_SMTP_URL": url}
        log = tmp_path / "serve.log"
        with serving(env, "--workers", "2", log=log):
            _wait_for(lambda: len(mailbox.received) >= 3)
            time.sleep(3)  # time enough for a second sender to show itself
        assert sorted(r for one in mailbox.received for r in one.recipients) == sorted(addresses)
        assert log.read_text().count("sent 3 automatic reminders") == 1
        # Restarted the same day, with one more tenant asked meanwhile: only that one is reminded.
        late = _on(fresh_env, lambda: _asked(row, "late@tenant.example"))
        with serving(env, log=tmp_path / "again.log"):
            _wait_for(lambda: len(mailbox.received) >= 4)
            time.sleep(2)
        assert sorted(r for one in mailbox.received for r in one.recipients) == sorted([*addresses, late])
    assert sorted(_rows_of(fresh_env)) == [("before", False)] * 4


def _rows_of(env: dict[str, str]) -> list[tuple]:
    import asyncio

    return asyncio.run(query(env, "SELECT kind, pending FROM reminder"))
