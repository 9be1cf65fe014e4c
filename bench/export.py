"""The yearly statistics workbook against bare openpyxl, on a registry of 10,000 tenants and 1,000,000 IP items.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose
schema `public` is dropped and rebuilt) one run:

1. builds the synthetic registry of bench/synthetic_park.py (the Torch form's fields included) with
   bulk SQL (bypassing the services: this is data setup), then ANALYZE (PostgreSQL: VACUUM ANALYZE);
2. produces the 2016 workbook once (warm-up) and reads back how many cells each sheet holds;
3. times (a) openpyxl in write-only mode writing those same cells (the values read back, one
   `append` per row, no styles) and (b) `exports.statistics.statistics_workbook(2016)`: the SQL
   aggregation in `registry.stats` plus rendering, styles, charts and all; best of --repeat each;
4. measures the peak memory of (b) in a fresh process (peak RSS, and the tracemalloc peak of a
   second fresh process), so nothing from the data setup is counted.

Prints b/a and the peaks. Goal: b/a <= 1.5 and peak <= 300 MB.

    .venv/bin/python bench/export.py
    .venv/bin/python bench/export.py --postgres postgresql://root@127.0.0.1:5432/park_d
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from synthetic_park import build_in_child

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2016


# --- measurements --------------------------------------------------------------------------------


def read_back(content: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows of values as the workbook holds them (None where a cell is empty)."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content), read_only=True)
    sheets = {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    book.close()
    return sheets


def bare_openpyxl(sheets: dict[str, list[tuple]]) -> bytes:
    """(a): the same cells written by openpyxl write-only, one append per row, nothing else."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def produce(year: int) -> bytes:
    """(b): the statistics workbook, from the database to the finished file."""
    from exports.statistics import statistics_workbook
    from registry.actor import SYSTEM

    return await statistics_workbook(SYSTEM, year)


def best(runs: list[float]) -> float:
    return min(runs)


async def measure(url: str, repeat: int) -> dict:
    from registry.db import Database, bind, close_database, current, open_database
    from registry.settings import load_settings

    bind(Database(load_settings()))  # this script's database: the one the environment names
    await open_database()
    content = await produce(YEAR)  # warm-up: caches, imports, the engine's first plans
    sheets = read_back(content)
    cells = sum(1 for rows in sheets.values() for row in rows for v in row if v is not None)
    rows = sum(len(r) for r in sheets.values())

    a_runs, b_runs = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        bare_openpyxl(sheets)
        a_runs.append(time.perf_counter() - start)
        # Each run adds the park up from the database, as the first request after a change does: the
        # statistics the run before kept (registry.read_cache) are forgotten first.
        current().statistics.forget()
        start = time.perf_counter()
        await produce(YEAR)
        b_runs.append(time.perf_counter() - start)

    from registry.actor import SYSTEM
    from registry.periods import Period
    from registry.stats import park_stats

    sql_runs = []
    for _ in range(repeat):
        current().statistics.forget()
        start = time.perf_counter()
        await park_stats(SYSTEM, Period(YEAR))
        sql_runs.append(time.perf_counter() - start)
    await close_database()
    return {"cells": cells, "rows": rows, "bytes": len(content), "a": a_runs, "b": b_runs, "sql": sql_runs}


def peak_child(mode: str) -> None:
    """Run (b) once in this fresh process and print its memory peak as JSON."""
    import resource
    import tracemalloc

    from registry.db import Database, bind, close_database, open_database
    from registry.settings import load_settings

    async def run() -> dict:
        bind(Database(load_settings()))  # this script's database: the one the environment names
        await open_database()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if mode == "tracemalloc":
            tracemalloc.start()
        content = await produce(YEAR)
        result = {"bytes": len(content), "rss_before_kb": before}
        if mode == "tracemalloc":
            result["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result["rss_peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        await close_database()
        return result

    print(json.dumps(asyncio.run(run())))


def environment(url: str) -> dict[str, str]:
    data_dir = Path(tempfile.gettempdir()) / "park-bench-data"
    return os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PARK_DATA_DIR": str(data_dir)}


def child(args: list[str], url: str) -> str:
    env = environment(url)
    result = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"bench child {args} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def engine_run(name: str, url: str, tenants: int, items: int, repeat: int) -> None:
    print(f"== {name}: {tenants:,} tenants, {items:,} IP items, year {YEAR}", flush=True)
    seconds = build_in_child(environment(url), tenants, items)
    print(f"   data setup (bulk SQL)        {seconds:8.1f} s", flush=True)
    result = json.loads(child(["--measure", str(repeat)], url))
    rss = json.loads(child(["--peak", "rss"], url))
    traced = json.loads(child(["--peak", "tracemalloc"], url))
    a, b, sql = best(result["a"]), best(result["b"]), best(result["sql"])
    print(f"   workbook: {result['cells']:,} cells in {result['rows']:,} rows, {result['bytes'] / 1e6:.1f} MB")
    print(f"   (a) bare openpyxl write-only {a:8.2f} s   runs {', '.join(f'{x:.2f}' for x in result['a'])}")
    print(f"   (b) statistics_workbook      {b:8.2f} s   runs {', '.join(f'{x:.2f}' for x in result['b'])}")
    print(f"       of which park_stats SQL  {sql:8.2f} s   runs {', '.join(f'{x:.2f}' for x in result['sql'])}")
    print(f"   b/a = {b / a:.2f}   (goal <= 1.5)")
    print(
        f"   peak memory of (b): RSS {rss['rss_peak_kb'] / 1024:.0f} MB "
        f"(process before (b): {rss['rss_before_kb'] / 1024:.0f} MB); "
        f"tracemalloc peak {traced['tracemalloc_peak'] / 2**20:.0f} MB   (goal <= 300 MB)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (it is wiped)")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--ip", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--peak", choices=("rss", "tracemalloc"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(asyncio.run(measure(os.environ["DATABASE_URL"], args.measure))))
    elif args.peak:
        peak_child(args.peak)
    else:
        if not args.skip_sqlite:
            with tempfile.TemporaryDirectory(prefix="park-bench-") as directory:
                engine_run("SQLite", f"sqlite:///{directory}/bench.sqlite", args.tenants, args.ip, args.repeat)
        if args.postgres:
            engine_run("PostgreSQL", args.postgres, args.tenants, args.ip, args.repeat)


if __name__ == "__main__":
    main()
