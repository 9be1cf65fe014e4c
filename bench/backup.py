"""`park backup` of a registry of 1,000,000 IP items against the engine's own tool, while the server serves.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose
schema `public` is dropped and rebuilt) one run:

1. builds the synthetic registry of bench/synthetic_park.py (10,000 tenants, their reports,
   1,000,000 IP items) with bulk SQL;
2. serves it with the real `park serve` and asks `GET /api/v1/health` every 20 ms throughout;
3. backs it up --rounds times (default 5) on each side, the sides alternating (a b, b a, a b, …) so a burst of
   someone else's load falls on both: (a) the engine's own tool on the same database,
   `sqlite3 FILE ".backup OUT"` (the SQLite command-line shell) or `pg_dump -Fc -f OUT` (the pg_dump
   `park backup` picks: the server's major version); (b) `park backup -o OUT` as an operator runs it,
   process start and all. Wall time of each; every file is deleted before the next run.

Prints the best of each side and b/a (the medians' ratio beside it), and the /health latencies with nothing else going on and
during the (b) runs. Goals: b/a <= 1.2, /health p99 < 100 ms during the backups.

    .venv/bin/python bench/backup.py
    .venv/bin/python bench/backup.py --postgres postgresql://root@127.0.0.1:5432/park_backup_bench
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from served import PARK, ROOT, HealthWatch, environment, latency_line, park_serving
from synthetic_park import build_in_child

IDLE_SECONDS = 10


def engine_tool(url: str, out: Path) -> list[str]:
    """(a): the engine's own backup of the database `url` into `out`."""
    if url.startswith("sqlite"):
        from registry.settings import sqlite_file

        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            raise SystemExit("the SQLite command-line shell is missing: apt-get install sqlite3")
        return [sqlite3, str(sqlite_file(url)), f".backup '{out}'"]
    # Asked of registry.backup in a child, with the environment `park backup` has.
    ask = (
        "from registry.backup import postgres_tool; from registry.settings import load_settings; "
        "print(postgres_tool('pg_dump', load_settings()))"
    )
    pg_dump = subprocess.run([sys.executable, "-c", ask], env=environment(url), cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
    return [pg_dump, "--format=custom", f"--file={out}", f"--dbname={url}"]


def timed(command: list[str], url: str) -> tuple[float, str]:
    """Wall time of `command` and what it wrote to stderr."""
    start = time.perf_counter()
    result = subprocess.run(command, env=environment(url), cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stderr


def copy_seconds(said: str) -> float:
    """The time `park backup` reports for the copy itself ("… (N bytes, 0.6 s)"), from opening the
    database to the synced file: its wall time less the interpreter's start and imports."""
    return float(re.search(r", ([\d.]+) s\)", said)[1])


def engine_run(name: str, url: str, tenants: int, items: int, rounds: int, build: bool) -> None:
    print(f"== {name}: {tenants:,} tenants, {items:,} IP items", flush=True)
    if build:
        seconds = build_in_child(environment(url), tenants, items)
        print(f"   data setup (bulk SQL)        {seconds:8.1f} s", flush=True)
    runs: dict[str, list[float]] = {"a": [], "b": []}
    sizes: dict[str, int] = {}
    copies: list[float] = []
    during: dict[str, list[float]] = {"a": [], "b": []}
    with tempfile.TemporaryDirectory(prefix="park-backup-bench-") as directory:
        out = Path(directory) / "park.backup"
        commands = {"a": engine_tool(url, out), "b": [PARK, "backup", "-o", str(out)]}
        with park_serving(url) as (base, _), HealthWatch(base) as health:
            time.sleep(IDLE_SECONDS)
            idle = health.take()
            for turn in range(rounds):
                for side in ("a", "b") if turn % 2 == 0 else ("b", "a"):
                    health.take()
                    seconds, said = timed(commands[side], url)
                    runs[side].append(seconds)
                    if side == "b":
                        copies.append(copy_seconds(said))
                    during[side] += health.take()
                    sizes[side] = out.stat().st_size
                    out.unlink()
            failures = health.failures
    a, b = min(runs["a"]), min(runs["b"])
    tool = "sqlite3 .backup" if url.startswith("sqlite") else "pg_dump -Fc"
    print(f"   (a) {tool:<24} {a:7.2f} s   runs {', '.join(f'{x:.2f}' for x in runs['a'])}   {sizes['a'] / 1e6:.0f} MB")
    print(f"   (b) park backup              {b:7.2f} s   runs {', '.join(f'{x:.2f}' for x in runs['b'])}   "
          f"{sizes['b'] / 1e6:.0f} MB")  # fmt: skip
    print(f"       of which the copy        {min(copies):7.2f} s   runs {', '.join(f'{x:.2f}' for x in copies)}   "
          "(as park backup reports it; the rest is Python's start and imports)")  # fmt: skip
    print(f"   b/a = {b / a:.2f} (best of {rounds} each; medians {median(runs['b']) / median(runs['a']):.2f})   "
          "(goal <= 1.2)")  # fmt: skip
    print(f"   GET /health, {IDLE_SECONDS} s before the backups: {latency_line(idle)}")
    print(f"   GET /health during (a): {latency_line(during['a'])}")
    print(f"   GET /health during (b): {latency_line(during['b'])}, non-200: {len(failures)}   (goal p99 < 100 ms)",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (it is wiped)")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--ip", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="backups on each side, alternating")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--sqlite-file", help="use (and keep) this SQLite file; built only if it does not exist")
    args = parser.parse_args()

    if args.sqlite_file:
        path = Path(args.sqlite_file).resolve()
        engine_run("SQLite", f"sqlite:///{path}", args.tenants, args.ip, args.rounds, not path.exists())
    elif not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="park-backup-bench-") as directory:
            engine_run("SQLite", f"sqlite:///{directory}/bench.sqlite", args.tenants, args.ip, args.rounds, True)
    if args.postgres:
        engine_run("PostgreSQL", args.postgres, args.tenants, args.ip, args.rounds, True)


if __name__ == "__main__":
    main()
