"""Report rounds at 10,000 tenants (SPEC §9, issue 22).

Opening: `registry.services.rounds.open_round` (what `POST /rounds` and `park rounds open` call) opens the
2017Q3 round on the synthetic registry, timed; the baseline, in the same run, is the same number of
`round_return` rows inserted with one executemany (for a scratch round of 2017Q2, removed afterwards; the best of three).
Printed as a ratio.

The reminders' part: `POST /rounds/{id}/remind`
sends 10,000 reminders through a real SMTP server on localhost (aiosmtpd, in this process) while
`GET /api/v1/health` is asked every 20 ms.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose schema
`public` is dropped and rebuilt) one run:

1. builds the synthetic registry of bench/synthetic_park.py (10,000 tenants, their reports, no IP items)
   with bulk SQL, gives each tenant a contact e-mail, and opens the round through the service (timed, see
   above; the deadline far enough ahead that the automatic reminders leave it alone): a return
   `not_started` for every tenant on record on the period's last day;
2. serves it with the real `park serve`, PARK_SMTP_URL naming the local mail server;
3. asks the server to remind every tenant due, once, and times it to the answer (every reminder recorded
   and audited, every letter handed to the mail server and its outcome written back).

Prints the reminders, the letters the mail server received, the wall time and the rate, and the /health
latencies idle and during the reminding. Goal: /health p99 < 100 ms while the reminders go out.

    .venv/bin/python bench/rounds.py [--tenants 10000]
    .venv/bin/python bench/rounds.py --postgres postgresql://root@127.0.0.1:5432/park_rounds_bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from served import PARK, ROOT, HealthWatch, environment, free_port, latency_line, park_serving
from synthetic_park import build_in_child

IDLE_SECONDS = 5
PASSWORD = "bench-password-1"


class CountingMailbox:
    """An aiosmtpd handler that takes every letter and counts it (and its recipients)."""

    def __init__(self) -> None:
        self.letters = 0
        self.recipients = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.letters += 1
        self.recipients += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def give_emails(url: str) -> None:
    """Data setup: every tenant a contact e-mail, and every tenant on record on 2017-09-30 (moved in by
    then, not moved out), so that the round asks all of them."""
    sql = (
        "UPDATE tenant SET contact_email = 'bench' || id || '@tenant.example', moved_out_on = NULL, "
        "moved_in_on = CASE WHEN moved_in_on > '2017-09-30' THEN '2017-09-30' ELSE moved_in_on END"
    )
    if url.startswith("sqlite"):
        from registry.settings import sqlite_file

        db = sqlite3.connect(sqlite_file(url))
        with db:
            db.execute(sql)
        db.close()
        return

    async def postgres() -> None:
        import asyncpg

        db = await asyncpg.connect(url)
        try:
            await db.execute(sql)
            await db.execute("VACUUM ANALYZE")
        finally:
            await db.close()

    asyncio.run(postgres())


def open_round(url: str) -> tuple[int, int, float]:
    """The 2017Q3 round due in 60 days, opened by the rounds service as the statistics office does:
    (its id, the tenants asked, seconds)."""
    from registry.actor import Actor
    from registry.migrate import run_on_database
    from registry.services import rounds
    from registry.settings import load_settings

    saved = dict(os.environ)
    os.environ.update(environment(url))
    try:
        settings = load_settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    office = Actor("bench-office", "statistician", source="cli")
    data = {"period": "2017Q3", "deadline": str(date.today() + timedelta(days=60))}

    async def work() -> tuple[int, int, float]:
        start = time.perf_counter()
        opened = await rounds.open_round(office, data)
        return opened.id, opened.asked, time.perf_counter() - start

    return run_on_database(settings, work)


def baseline(url: str, tenants: int) -> float:
    """Seconds to insert `tenants` round_return rows with one executemany (a scratch round of 2017Q2,
    removed afterwards): the floor any opening stands on."""
    now = datetime.now(UTC)
    scratch = ("2017Q2", 2017, "baseline", date.today(), date.today(), "[]", "open", 3, "bench", now, 1)
    columns = (
        "period, year, title, opens_on, deadline, fields, state, remind_days_before, opened_by, opened_at, version"
    )
    returns = "INSERT INTO round_return (round, tenant, state, figures, warnings, field_reasons, version) VALUES "
    if url.startswith("sqlite"):
        from registry.settings import sqlite_file

        db = sqlite3.connect(sqlite_file(url))
        with db:
            db.execute(
                f"INSERT INTO report_round ({columns}) VALUES ({', '.join('?' * len(scratch))})",
                tuple(v.isoformat() if isinstance(v, date) else v for v in scratch),
            )
            round_id = db.execute("SELECT id FROM report_round WHERE period = '2017Q2'").fetchone()[0]
            ids = [r[0] for r in db.execute("SELECT id FROM tenant ORDER BY id LIMIT ?", (tenants,))]
        start = time.perf_counter()
        with db:
            db.executemany(returns + "(?, ?, 'not_started', '{}', '[]', '{}', 1)", [(round_id, t) for t in ids])
        took = time.perf_counter() - start
        with db:
            db.execute("DELETE FROM round_return WHERE round = ?", (round_id,))
            db.execute("DELETE FROM report_round WHERE id = ?", (round_id,))
        db.close()
        return took

    async def postgres() -> float:
        import asyncpg

        db = await asyncpg.connect(url)
        try:
            round_id = await db.fetchval(
                f"INSERT INTO report_round ({columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                "RETURNING id",
                *scratch,
            )
            ids = [r["id"] for r in await db.fetch("SELECT id FROM tenant ORDER BY id LIMIT $1", tenants)]
            start = time.perf_counter()
            async with db.transaction():
                await db.executemany(
                    returns + "($1, $2, 'not_started', '{}', '[]', '{}', 1)", [(round_id, t) for t in ids]
                )
            took = time.perf_counter() - start
            await db.execute("DELETE FROM round_return WHERE round = $1", round_id)
            await db.execute("DELETE FROM report_round WHERE id = $1", round_id)
            return took
        finally:
            await db.close()

    return asyncio.run(postgres())


def run(url: str, tenants: int, opening_only: bool = False) -> None:
    engine = "postgres" if url.startswith("postgres") else "sqlite"
    env = environment(url)
    built = build_in_child(env, tenants, 0)
    give_emails(url)
    print(f"{engine}: {tenants:,} tenants built in {built:.1f} s")
    round_id, asked, took = open_round(url)
    floor = min(baseline(url, asked) for _ in range(3))  # the best of three: the machine is shared
    print(f"  opening a round: {asked:,} tenants asked in {took * 1000:,.0f} ms (service: rows, audit, one "
          f"transaction); baseline, {asked:,} rows by one executemany: {floor * 1000:,.0f} ms; "
          f"ratio {took / floor:.2f}×")  # fmt: skip
    if opening_only:
        return
    added = subprocess.run([PARK, "users", "add", "bench-office", "--role", "statistician", "--password-stdin"],
                           input=PASSWORD + "\n", env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    if added.returncode:
        raise SystemExit(f"park users add failed: {added.stderr}")

    mailbox = CountingMailbox()
    port = free_port()
    mail_server = Controller(mailbox, hostname="127.0.0.1", port=port)
    mail_server.start()
    os.environ["PARK_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=stats@park.example"  # park_serving's environment
    try:
        with park_serving(url) as (base, _), HealthWatch(base) as health:
            token = httpx.post(f"{base}/auth/token", json={"username": "bench-office", "password": PASSWORD}).json()
            office = {"Authorization": f"Bearer {token['access_token']}"}
            time.sleep(IDLE_SECONDS)
            idle = health.take()
            start = time.perf_counter()
            answer = httpx.post(f"{base}/rounds/{round_id}/remind", headers=office, timeout=3600)
            took = time.perf_counter() - start
            during = health.take()
        if answer.status_code != 200:
            raise SystemExit(f"remind answered {answer.status_code}: {answer.text[:500]}")
        body = answer.json()
        print(f"  reminded {body['reminded']:,} tenants in {took:.1f} s ({body['reminded'] / took:,.0f} a second); "
              f"e-mail {body['email']['delivered']:,} delivered, {body['email']['failed']:,} failed; "
              f"the mail server received {mailbox.letters:,} letters to {mailbox.recipients:,} recipients")  # fmt: skip
        print(f"  /health idle:            {latency_line(idle)}")
        print(f"  /health while reminding: {latency_line(during)}")
        if health.failures:
            print(f"  /health failures: {health.failures[:5]}")
    finally:
        os.environ.pop("PARK_SMTP_URL", None)
        mail_server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--postgres", help="also on this PostgreSQL database (its schema public is rebuilt)")
    parser.add_argument("--opening-only", action="store_true", help="time the opening, skip the reminders")
    args = parser.parse_args()
    sqlite_path = Path(environment("sqlite:///unused")["PARK_DATA_DIR"]) / "rounds-bench.sqlite"
    for stale in sqlite_path.parent.glob(sqlite_path.name + "*"):
        stale.unlink()
    urls = [f"sqlite:///{sqlite_path}"] + ([args.postgres] if args.postgres else [])
    for url in urls:
        run(url, args.tenants, args.opening_only)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
