"""GET /api/v1/deadlines?within=365 against a plain indexed SELECT of the same rows, on 1,000,000 IP items.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose
schema `public` is dropped and rebuilt) one run:

1. builds a synthetic registry of 10,000 tenants and 1,000,000 IP items (filed 2012–2025, most
   granted and valid, fee years paid up to the last one due, a few not) with bulk SQL, its
   deadline rows computed by the registry's own `deadline_table.deadline_rows`; then ANALYZE
   (PostgreSQL: VACUUM ANALYZE, as autovacuum would soon after a bulk load);
2. serves the app (uvicorn on a loopback port, as `park serve` does, in a fresh process) and times
   (b) `GET /api/v1/deadlines?within=365` as a manager, through HTTP: token check, the window's page
   and total read from ip_deadline (on PostgreSQL both at once, on two pooled connections), amounts
   as of today, JSON;
   (a) the same page of rows (same columns, same order) and the same total read by a plain SELECT on
   the same indexes through the bare driver (sqlite3 / asyncpg), one after the other, nothing else;
   best (and median) of --repeat each, interleaved, in the same run; then the same for the window
   narrowed to one kind (`&kind=invention`, read from the (kind, due_on, last_day, id) index);
3. reports the peak RSS of the serving process.

Prints b/a and the peak. Goal: b/a <= 2.0 and peak <= 300 MB.

    .venv/bin/python bench/deadlines.py
    .venv/bin/python bench/deadlines.py --postgres postgresql://root@127.0.0.1:5432/park_d
    .venv/bin/python bench/deadlines.py --skip-sqlite --reuse --postgres …   # measure again, no rebuild
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder heads sys.path, and its api.py would shadow the `api` package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
KINDS = (
    ("invention", 30), ("utility_model", 30), ("design", 8), ("software_copyright", 20),
    ("trademark", 8), ("ic_layout", 2), ("plant_variety", 2),
)  # fmt: skip
TENANT_COLUMNS = ("id", "uscc", "name", "industry", "status", "platform_level", "moved_in_on", "version")
IP_COLUMNS = ("id", "tenant", "kind", "number", "title", "filed_on", "granted_on", "status", "expires_on", "version")
CHUNK = 20_000
WITHIN = 365
PASSWORD = "bench-password-123"


# --- data setup ----------------------------------------------------------------------------------


def tenant_rows(count: int) -> list[tuple]:
    from registry.uscc import make_demo_uscc

    return [
        (n + 1, make_demo_uscc(n), f"基准企业{n:05d}", "other", "incubating", "none", date(2016, 1, 1), 1)
        for n in range(count)
    ]


def _number(kind: str, serial: int, year: int) -> str:
    from registry.ip_numbers import make_patent_number

    if kind in ("invention", "utility_model", "design"):
        return make_patent_number(year, {"invention": 1, "utility_model": 2, "design": 3}[kind], serial)
    return {
        "software_copyright": f"{year}SR{serial:07d}",
        "trademark": f"{serial:09d}",
        "ic_layout": f"BS.{serial:09d}",
    }.get(kind, f"CNA{serial:09d}")


def chunks(tenants: int, items: int, today: date):
    """(IP item rows, deadline rows) CHUNK items at a time."""
    from registry.ip_clock import expires_on
    from registry.ip_deadlines import fee_due_on, payable_years
    from registry.services.deadline_table import deadline_rows

    rng = random.Random(12)
    kinds, weights = [k for k, _ in KINDS], [w for _, w in KINDS]
    ip, due = [], []
    for serial in range(1, items + 1):
        kind = rng.choices(kinds, weights)[0]
        filed = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 365 * 14))
        granted = min(filed + timedelta(days=rng.randrange(60, 900)), today - timedelta(days=1))
        granted = granted if granted >= filed and rng.random() < 0.85 else None
        status = "valid" if granted and rng.random() < 0.92 else ("lapsed" if granted else "pending")
        item = {
            "id": serial,
            "tenant": rng.randrange(1, tenants + 1),
            "kind": kind,
            "status": status,
            "filed_on": filed,
            "granted_on": granted,
        }
        ip.append(
            (
                serial,
                item["tenant"],
                kind,
                _number(kind, serial, filed.year),
                f"基准知识产权{serial}",
                filed,
                granted,
                status,
                expires_on(kind, filed, granted),
                1,
            )
        )
        years = payable_years(kind, filed, granted)
        paid = {y for y in years if fee_due_on(filed, y) < today}
        if paid and rng.random() < 0.05:
            paid.discard(max(paid))  # a late payer: in its grace, or past it
        due += deadline_rows(item, paid)
        if len(ip) == CHUNK:
            yield ip, due
            ip, due = [], []
    if ip:
        yield ip, due


def _sqlite(row: tuple) -> tuple:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in row)


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def load_sqlite(path: str, tenants: int, items: int, today: date) -> int:
    import sqlite3

    from registry.services.deadline_table import COLUMNS

    db = sqlite3.connect(path)
    rows = 0
    with db:
        db.executemany(_insert("tenant", TENANT_COLUMNS), [_sqlite(r) for r in tenant_rows(tenants)])
        for ip, due in chunks(tenants, items, today):
            db.executemany(_insert("ip_item", IP_COLUMNS), [_sqlite(r) for r in ip])
            db.executemany(_insert("ip_deadline", COLUMNS), [_sqlite(r) for r in due])
            rows += len(due)
    db.execute("ANALYZE")
    db.close()
    return rows


async def load_postgres(url: str, tenants: int, items: int, today: date) -> int:
    import asyncpg

    from registry.services.deadline_table import COLUMNS

    db = await asyncpg.connect(url)
    rows = 0
    try:
        async with db.transaction():
            await db.copy_records_to_table("tenant", records=tenant_rows(tenants), columns=TENANT_COLUMNS)
            for ip, due in chunks(tenants, items, today):
                await db.copy_records_to_table("ip_item", records=ip, columns=IP_COLUMNS)
                await db.copy_records_to_table("ip_deadline", records=due, columns=COLUMNS)
                rows += len(due)
            for table in ("tenant", "ip_item"):
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        await db.execute("VACUUM ANALYZE")
    finally:
        await db.close()
    return rows


async def build(url: str, tenants: int, items: int) -> int:
    from registry.actor import SYSTEM
    from registry.db import Database, bind, close_database, reset_schema
    from registry.migrate import migrate
    from registry.services import accounts
    from registry.settings import load_settings

    bind(Database(load_settings()))  # this script's database: the one the environment names
    await reset_schema()
    await migrate()
    await accounts.create_account(SYSTEM, {"username": "bench-manager", "password": PASSWORD, "role": "manager"})
    await close_database()
    today = date.today()
    if url.startswith("postgres"):
        return await load_postgres(url, tenants, items, today)
    return load_sqlite(url.removeprefix("sqlite:///"), tenants, items, today)


# --- measurements --------------------------------------------------------------------------------

# The plain SELECT: the page's rows, the same columns in the same order, and the total, on the
# same indexes — what any code answering this question must at least ask the database.
_PAGE = """
    SELECT d.id, d.item, t.uscc, t.name, t.name_en, d.kind, i.number, i.title, d.deadline, d.patent_year, d.opens_on,
           d.due_on, d.last_day, d.fee
    FROM ip_deadline AS d JOIN ip_item AS i ON i.id = d.item JOIN tenant AS t ON t.id = d.tenant
    WHERE d.due_on BETWEEN {0} AND {1} AND d.last_day >= {2}{3}
    ORDER BY d.due_on, d.last_day, d.id LIMIT 50
"""
_TOTAL = "SELECT COUNT(*) FROM ip_deadline AS d WHERE d.due_on BETWEEN {0} AND {1} AND d.last_day >= {2}{3}"
# What is asked: the park's window, then the same window narrowed to one kind (`&kind=`).
CASES = (None, "invention")


def _bounds(today: date) -> list:
    from registry.ip_deadlines import LONGEST_GRACE_DAYS

    return [today - timedelta(days=LONGEST_GRACE_DAYS), today + timedelta(days=WITHIN), today]


class PlainSelect:
    """(a): one page and the total by the bare driver, on a connection opened beforehand."""

    def __init__(self, url: str, kind: str | None = None) -> None:
        self.url, self.kind = url, kind
        self.postgres = url.startswith("postgres")
        if self.postgres:
            import asyncpg

            self.loop = asyncio.new_event_loop()
            self.db = self.loop.run_until_complete(asyncpg.connect(url))
        else:
            import sqlite3

            self.db = sqlite3.connect(url.removeprefix("sqlite:///"))

    def __call__(self) -> tuple[int, int]:
        args = _bounds(date.today()) + ([self.kind] if self.kind else [])
        if self.postgres:
            marks = ["$1", "$2", "$3", " AND d.kind = $4" if self.kind else ""]
            page = self.loop.run_until_complete(self.db.fetch(_PAGE.format(*marks), *args))
            total = self.loop.run_until_complete(self.db.fetchval(_TOTAL.format(*marks), *args))
            return len(page), total
        values = [a.isoformat() if isinstance(a, date) else a for a in args]
        marks = ["?", "?", "?", " AND d.kind = ?" if self.kind else ""]
        page = self.db.execute(_PAGE.format(*marks), values).fetchall()
        (total,) = self.db.execute(_TOTAL.format(*marks), values).fetchone()
        return len(page), total

    def close(self) -> None:
        if self.postgres:
            self.loop.run_until_complete(self.db.close())
            self.loop.close()
        else:
            self.db.close()


def serve_and_measure(url: str, repeat: int) -> dict:
    """In this fresh process: serve the app, time (b) over HTTP and (a) by the bare driver."""
    import resource
    import socket
    import threading

    import httpx
    import uvicorn

    from api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/api/v1"
    results = []
    with httpx.Client(base_url=base, timeout=600) as client:
        token = client.post("/auth/token", json={"username": "bench-manager", "password": PASSWORD}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        for kind in CASES:
            path = f"/deadlines?within={WITHIN}" + (f"&kind={kind}" if kind else "")
            first = client.get(path)  # warm-up
            first.raise_for_status()
            body = first.json()
            plain = PlainSelect(url, kind)
            plain()  # warm-up
            a_runs, b_runs = [], []
            for _ in range(repeat):
                start = time.perf_counter()
                rows, total = plain()
                a_runs.append(time.perf_counter() - start)
                start = time.perf_counter()
                response = client.get(path)
                b_runs.append(time.perf_counter() - start)
                response.raise_for_status()
            plain.close()
            if (rows, total) != (len(body["items"]), body["total"]):
                raise SystemExit(f"{path}: the plain SELECT found {rows} rows of {total}, the API "
                                 f"{len(body['items'])} of {body['total']}")  # fmt: skip
            results.append({"path": path, "a": a_runs, "b": b_runs, "total": total, "items": len(body["items"]),
                            "first": body["items"][0] if body["items"] else None})  # fmt: skip
    server.should_exit = True
    thread.join(timeout=30)
    return {"cases": results, "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def child(args: list[str], url: str) -> str:
    data_dir = Path(tempfile.gettempdir()) / "park-bench-data"
    env = os.environ | {
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "PARK_DATA_DIR": str(data_dir),
        "PARK_PBKDF2_ITERATIONS": "2000",
    }
    result = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"bench child {args} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def engine_run(name: str, url: str, tenants: int, items: int, repeat: int, reuse: bool = False) -> None:
    print(f"== {name}: {tenants:,} tenants, {items:,} IP items, GET /deadlines?within={WITHIN}", flush=True)
    if reuse:
        print("   data setup: reused as the previous run left it", flush=True)
    else:
        start = time.perf_counter()
        deadline_rows = int(child(["--build", str(tenants), str(items)], url))
        print(
            f"   data setup (bulk SQL)          {time.perf_counter() - start:8.1f} s   {deadline_rows:,} deadline rows",
            flush=True,
        )
    result = json.loads(child(["--measure", str(repeat)], url))
    for case in result["cases"]:
        a, b = min(case["a"]), min(case["b"])
        a_median, b_median = statistics.median(case["a"]), statistics.median(case["b"])
        print(f"   GET {case['path']}: {case['total']:,} deadlines, page of {case['items']}; first: {case['first']}")
        for label, runs in (("(a) plain indexed SELECT", case["a"]), (f"(b) GET /api/v1{case['path']}", case["b"])):
            print(f"   {label}  best {min(runs) * 1000:.1f} ms, median {statistics.median(runs) * 1000:.1f} ms  "
                  f"runs {', '.join(f'{x * 1000:.1f}' for x in runs)}")  # fmt: skip
        print(f"   b/a = {b / a:.2f} (best of {len(case['a'])}), {b_median / a_median:.2f} (median)   (goal <= 2.0)")
    print(f"   peak RSS of the serving process {result['rss_peak_kb'] / 1024:.0f} MB   (goal <= 300 MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (it is wiped)")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--ip", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--reuse", action="store_true", help="measure the PostgreSQL data a previous run left")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--build", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build:
        print(asyncio.run(build(os.environ["DATABASE_URL"], *args.build)))
    elif args.measure:
        print(json.dumps(serve_and_measure(os.environ["DATABASE_URL"], args.measure), default=str))
    else:
        if not args.skip_sqlite:
            with tempfile.TemporaryDirectory(prefix="park-bench-") as folder:
                engine_run("SQLite", f"sqlite:///{folder}/bench.sqlite", args.tenants, args.ip, args.repeat)
        if args.postgres:
            engine_run("PostgreSQL", args.postgres, args.tenants, args.ip, args.repeat, args.reuse)


if __name__ == "__main__":
    main()
