"""The registry dump (`park export registry`, `GET /exports/registry.xlsx`) of 1,000,000 IP items
against bare openpyxl, and the server's other answers meanwhile.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose
schema `public` is dropped and rebuilt) one run:

1. builds the synthetic registry of bench/synthetic_park.py (10,000 tenants, their reports,
   1,000,000 IP items) with bulk SQL;
2. (b) runs `park export registry -o FILE` as a user does (process start, migration check, SQL
   reads, labels, styles, page setup, zip): wall time, CPU time and peak memory (RSS) of the process;
3. (a) reads that file's cells back (python-calamine, not timed) and times openpyxl in write-only
   mode writing the same cells to a file (one `append` per row, no styles), in a fresh process;
4. serves the registry with the real `park serve`, asks `GET /api/v1/health` every 20 ms for 10 s
   with nothing else going on, then downloads the dump over HTTP as a manager while still asking:
   prints both latency sets and the server process's peak memory (VmHWM; the dump itself runs in a
   worker process, whose peak is step 2's).

Prints b/a for wall time and for CPU time (the machine may be shared: CPU time is what the work
costs, wall time what a user waits). Goals: b/a <= 1.2, peak memory <= 300 MB, health p99 < 100 ms
during the dump.

    .venv/bin/python bench/dump.py
    .venv/bin/python bench/dump.py --postgres postgresql://root@127.0.0.1:5432/park_dump_bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from served import PARK, ROOT, HealthWatch, environment, latency_line, park_serving
from synthetic_park import build_in_child

PYTHON = sys.executable
MANAGER, PASSWORD = "bench-manager", "bench-manager-password"
IDLE_SECONDS = 10


# --- measured in child processes ----------------------------------------------------------------


def read_back(path: str) -> dict[str, list[list]]:
    """Each sheet's rows of values as the dump holds them (None where a cell is empty)."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    return {
        name: [[None if v == "" else v for v in row] for row in book.get_sheet_by_name(name).to_python()]
        for name in book.sheet_names
    }


def floor(dump_path: str) -> dict:
    """(a): the dump's cells written by openpyxl write-only, one append per row, nothing else."""
    from openpyxl import Workbook

    sheets = read_back(dump_path)
    wall, cpu = time.perf_counter(), time.process_time()
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    with tempfile.TemporaryDirectory(prefix="park-dump-bench-") as directory:
        book.save(f"{directory}/bare.xlsx")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows = {title: len(r) for title, r in sheets.items()}
    cells = sum(1 for r in sheets.values() for row in r for v in row if v is not None)
    return {"wall": wall, "cpu": cpu, "rows": rows, "cells": cells}


# --- the orchestra -------------------------------------------------------------------------------


def child(args: list[str], url: str) -> str:
    result = subprocess.run([PYTHON, *args], env=environment(url), capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"bench child {args} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def park_export(url: str, path: str) -> dict:
    """(b): `park export registry -o path`, timed, with the process's CPU time and peak RSS."""
    wall = time.perf_counter()
    process = subprocess.Popen([PARK, "export", "registry", "-o", path], env=environment(url), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - wall
    if status:
        raise SystemExit(f"park export registry failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}


def served(url: str) -> dict:
    """Download the dump from a real `park serve` while asking for /health every 20 ms."""
    import httpx

    subprocess.run([PARK, "users", "add", MANAGER, "--role", "manager", "--password-stdin"], input=PASSWORD + "\n",
                   env=environment(url), capture_output=True, text=True, check=False)  # fmt: skip  # exists from an earlier run: fine
    with park_serving(url) as (base, server), HealthWatch(base) as health:
        token = httpx.post(f"{base}/auth/token", json={"username": MANAGER, "password": PASSWORD}, timeout=30)
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        time.sleep(IDLE_SECONDS)
        idle = health.take()
        start = time.perf_counter()
        size = 0
        with httpx.stream("GET", f"{base}/exports/registry.xlsx", headers=headers, timeout=3600) as response:
            response.raise_for_status()
            for piece in response.iter_bytes(1 << 20):
                size += len(piece)
        elapsed = time.perf_counter() - start
        latencies = health.take()
        status = Path(f"/proc/{server.pid}/status").read_text()
        hwm_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return {"seconds": elapsed, "bytes": size, "idle": idle, "latencies": latencies, "failures": health.failures,
            "hwm_kb": hwm_kb}  # fmt: skip


def engine_run(name: str, url: str, tenants: int, items: int, build: bool) -> None:
    print(f"== {name}: {tenants:,} tenants, {items:,} IP items", flush=True)
    if build:
        seconds = build_in_child(environment(url), tenants, items)
        print(f"   data setup (bulk SQL)        {seconds:8.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="park-dump-bench-") as directory:
        path = f"{directory}/dump.xlsx"
        b = park_export(url, path)
        size = os.path.getsize(path)
        a = json.loads(child([__file__, "--floor", path], url))
    rows = ", ".join(f"{title} {count:,}" for title, count in a["rows"].items())
    print(f"   dump: {a['cells']:,} cells in rows {rows}; {size / 1e6:.1f} MB")
    print(f"   (a) bare openpyxl write-only  wall {a['wall']:7.2f} s   CPU {a['cpu']:7.2f} s")
    print(f"   (b) park export registry      wall {b['wall']:7.2f} s   CPU {b['cpu']:7.2f} s")
    print(f"   b/a = {b['wall'] / a['wall']:.2f} wall, {b['cpu'] / a['cpu']:.2f} CPU   (goal <= 1.2)")
    print(f"   peak memory of (b): RSS {b['rss_kb'] / 1024:.0f} MB   (goal <= 300 MB)", flush=True)
    http = served(url)
    print(f"   over HTTP (park serve): dump {http['seconds']:.1f} s, {http['bytes'] / 1e6:.1f} MB; "
          f"server peak memory (VmHWM) {http['hwm_kb'] / 1024:.0f} MB")  # fmt: skip
    print(f"   GET /health, {IDLE_SECONDS} s before the dump: {latency_line(http['idle'])}")
    print(f"   GET /health during the dump: {latency_line(http['latencies'])}, non-200: {len(http['failures'])}"
          "   (goal p99 < 100 ms)", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database (it is wiped)")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--ip", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--sqlite-file", help="use (and keep) this SQLite file; built only if it does not exist")
    parser.add_argument("--floor", metavar="DUMP", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.floor:
        print(json.dumps(floor(args.floor)))
        return
    if args.sqlite_file:
        path = Path(args.sqlite_file).resolve()
        engine_run("SQLite", f"sqlite:///{path}", args.tenants, args.ip, not path.exists())
    elif not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="park-dump-bench-") as directory:
            engine_run("SQLite", f"sqlite:///{directory}/bench.sqlite", args.tenants, args.ip, True)
    if args.postgres:
        engine_run("PostgreSQL", args.postgres, args.tenants, args.ip, True)


if __name__ == "__main__":
    main()
