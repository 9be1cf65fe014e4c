"""A report round's progress page against the JSON of the same counts, at 10,000 tenants (issue 22).

The synthetic registry (bench/synthetic_park.py) of 10,000 tenants gets one round with a return per
tenant in every state and a reminder for every third tenant, written straight into the tables; then
`park serve` answers `/rounds/1/progress` (the office's page) and `GET /api/v1/rounds/1/progress`
(the JSON of the same counts), timed alternately as bench/portal.py times its pairs: the median of
`--repeat` sequential requests each side, after a warm-up. Goal: page/JSON <= 1.5.

(Opening a round at 10,000 tenants and sending 10,000 reminders are the rounds and reminders benches
of bench/rounds.py.)

    .venv/bin/python bench/round_progress.py                       # SQLite (a fresh file in a temp dir)
    .venv/bin/python bench/round_progress.py --database-url postgresql://root@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import PARK, ROOT, free_port, stop, wait_up  # noqa: E402
from bench.portal import _api_client, _portal_client, _timed_pair  # noqa: E402
from bench.synthetic_park import build_in_child  # noqa: E402

TENANTS = 10_000
IP_ITEMS = 1_000
STATES = ("not_started", "draft", "submitted", "accepted", "returned", "excused")
_ROUND = [
    "INSERT INTO report_round (id, period, year, title, opens_on, deadline, fields, state, remind_days_before, "
    "opened_by, opened_at, version) VALUES (1, '2017Q3', 2017, '2017年第三季度监测', '2017-10-01', '2017-10-20', "
    "'[]', 'open', 3, 'bench', '2017-10-01 00:00:00+00:00', 1)",
    "INSERT INTO round_return (round, tenant, state, figures, warnings, field_reasons, version, submitted_at, "
    "reviewed_by) SELECT 1, id, CASE id % 6 "
    + " ".join(f"WHEN {n} THEN '{state}'" for n, state in enumerate(STATES))
    + " END, '{}', '[]', '{}', 1, '2017-10-10 08:00:00+00:00', 'bench' FROM tenant",
    "INSERT INTO reminder (round, tenant, day, kind, sent_by, created_at, pending, deliveries) SELECT 1, id, "
    "'2017-10-18', 'before', 'bench', '2017-10-18 01:00:00+00:00', FALSE, '[]' FROM tenant WHERE id % 3 = 0",
]


def add_round(url: str) -> None:
    if url.startswith("postgres"):
        import asyncpg

        async def run() -> None:
            connection = await asyncpg.connect(url)
            try:
                for sql in _ROUND:
                    await connection.execute(sql)
                await connection.execute("SELECT setval('report_round_id_seq', 1)")
                await connection.execute("VACUUM ANALYZE")
            finally:
                await connection.close()

        asyncio.run(run())
        return
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
        for sql in _ROUND:
            connection.execute(sql)
        connection.commit()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--database-url", help="default: a fresh SQLite file")
    options.add_argument("--repeat", type=int, default=30)
    args = options.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="park-bench-round-progress-"))
    url = args.database_url or f"sqlite:///{workdir}/park.sqlite"
    env = os.environ | {"PARK_DATA_DIR": str(workdir), "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    try:
        built = build_in_child(env, TENANTS, IP_ITEMS)
        started = time.perf_counter()
        add_round(url)
        print(f"built {TENANTS:,} tenants in {built:.1f} s; the round's {TENANTS:,} returns and reminders in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        subprocess.run(
            [PARK, "users", "add", "bench", "--role", "statistician", "--password-stdin"],
            env=env,
            check=True,
            input="bench-password\n",
            text=True,
            capture_output=True,
        )
        port = free_port()
        server = subprocess.Popen([PARK, "serve", "--port", str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_up(base + "/api/v1/health")
            portal = _portal_client(base, "bench", "bench-password")
            api = _api_client(base, "bench", "bench-password")
            counts = api.get("/rounds/1/progress").json()
            assert counts["total"] == TENANTS, counts
            page_ms, api_ms = _timed_pair(portal, "/rounds/1/progress", api, "/rounds/1/progress", args.repeat)
        finally:
            stop(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    engine = "postgres" if url.startswith("postgres") else "sqlite"
    ratio = page_ms / api_ms
    print(f"engine: {engine}; medians of {args.repeat} sequential requests each side, milliseconds")
    print(f"{TENANTS:,} returns | progress page {page_ms:7.1f} | JSON {api_ms:7.1f} | page/JSON {ratio:4.2f} "
          "(goal <= 1.5)")  # fmt: skip
    print("PASS" if ratio <= 1.5 else "BELOW GOAL")


if __name__ == "__main__":
    main()
