"""The yearly statistics workbook against bare openpyxl, on a registry of 10,000 tenants and 1,000,000 IP items.

For each engine (a fresh SQLite file; with --postgres URL also that PostgreSQL database, whose
schema `public` is dropped and rebuilt) one run:

1. builds the synthetic registry (the Torch form's fields included) with bulk SQL (bypassing the services: this is data setup),
   then ANALYZE (PostgreSQL: VACUUM ANALYZE);
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
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2016
KINDS = (
    ("invention", 30), ("utility_model", 30), ("design", 8), ("software_copyright", 20),
    ("trademark", 8), ("ic_layout", 2), ("plant_variety", 2),
)  # fmt: skip
INDUSTRIES = ("automotive_nev", "rail_aviation", "electronic_info", "new_materials", "new_energy", "modern_services",
              "other")  # fmt: skip


# --- data setup ----------------------------------------------------------------------------------


def tenant_rows(count: int) -> list[tuple]:
    from registry.uscc import make_demo_uscc

    rng = random.Random(1)
    rows = []
    for n in range(count):
        moved_in = date(2014, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
        founded = moved_in - timedelta(days=rng.randrange(0, 3650))
        left = rng.random() < 0.05
        moved_out = moved_in + timedelta(days=rng.randrange(30, 900)) if left else None
        status = ("graduated" if rng.random() < 0.5 else "left") if left else "incubating"
        certified = rng.random() < 0.3
        rows.append((
            n + 1, make_demo_uscc(n), f"基准测试企业{n:05d}有限公司", INDUSTRIES[n % len(INDUSTRIES)],
            founded, moved_in, moved_out, status, f"GR2016430{n:05d}" if certified else None,
            date(2016, 10, 1) if certified else None,
            rng.choice(("none", "none", "municipal", "provincial", "national")),
            date(2015, 1, 1) + timedelta(days=rng.randrange(0, 1000)),
            rng.choice(("returnee", "graduate", "scientist", "serial", "other")),
            f"2017430211{n:08d}" if rng.random() < 0.6 else None,
            rng.choice(("none",) * 20 + ("listed", "neeq")),
        ))  # fmt: skip
    return rows


TENANT_COLUMNS = ("id", "uscc", "name", "industry", "founded_on", "moved_in_on", "moved_out_on", "status",
                  "hte_certificate_no", "hte_certified_on", "platform_level", "platform_level_since", "founder_type",
                  "tech_sme_no", "listing")  # fmt: skip
REPORT_COLUMNS = ("tenant", "period", "year", "revenue", "net_profit", "exports", "rd_expense", "tax_paid",
                  "employees", "rd_staff", "new_graduates", "total_income", "financing", "grants", "college_staff",
                  "returnee_staff")  # fmt: skip
IP_COLUMNS = ("tenant", "kind", "number", "title", "filed_on", "granted_on", "status", "expires_on")


def report_rows(tenants: int) -> list[tuple]:
    """2015 and 2016 for most tenants: annual reports, halves, quarters or a mix; some stay silent."""
    rng = random.Random(2)
    rows = []

    def figures(scale: int) -> tuple:
        revenue = rng.randrange(1, 50_000_000_00) // scale
        employees = rng.randrange(5, 400)
        return (revenue, revenue // rng.randrange(5, 30) - revenue // 50, revenue // 10, revenue // 20,
                revenue // 15, employees, rng.randrange(1, 80), rng.randrange(0, 6),
                revenue + revenue // 25, revenue // 7 if rng.random() < 0.2 else 0, revenue // 200,
                employees * 3 // 4, rng.randrange(0, 4))  # fmt: skip

    for tenant in range(1, tenants + 1):
        rows.append((tenant, "2015", 2015, *figures(1)))
        shape = rng.random()
        if shape < 0.70:
            rows.append((tenant, "2016", 2016, *figures(1)))
            rows.append((tenant, "2016H1", 2016, *figures(2)))
        elif shape < 0.82:
            rows += [(tenant, f"2016H{h}", 2016, *figures(2)) for h in (1, 2)]
        elif shape < 0.92:
            rows += [(tenant, f"2016Q{q}", 2016, *figures(4)) for q in (1, 2, 3, 4)]
        elif shape < 0.96:
            rows += [(tenant, "2016H1", 2016, *figures(2)), (tenant, "2016Q3", 2016, *figures(4))]
    return rows


def ip_rows(tenants: int, items: int):
    """`items` IP items spread over the tenants, in chunks; numbers unique per kind."""
    from registry.ip_numbers import make_patent_number

    rng = random.Random(3)
    weights = [w for _, w in KINDS]
    kinds = [k for k, _ in KINDS]
    chunk = []
    for serial in range(1, items + 1):
        kind = rng.choices(kinds, weights)[0]
        filed = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        granted = filed + timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.8 else None
        status = "valid" if granted and rng.random() < 0.9 else ("lapsed" if granted else "pending")
        if kind in ("invention", "utility_model", "design"):
            type_digit = {"invention": 1, "utility_model": 2, "design": 3}[kind]
            number = make_patent_number(filed.year, type_digit, serial % 10_000_000)
        elif kind == "software_copyright":
            number = f"{filed.year}SR{serial:07d}"
        elif kind == "trademark":
            number = f"{serial:09d}"
        elif kind == "ic_layout":
            number = f"BS.{serial:09d}"
        else:
            number = f"CNA{serial:09d}"
        term = {"invention": 20, "software_copyright": 50}.get(kind, 10)
        expires = filed.replace(year=filed.year + term) - timedelta(days=1) if filed.day < 29 else None
        chunk.append((rng.randrange(1, tenants + 1), kind, number, f"基准测试知识产权{serial}", filed, granted,
                      status, expires))  # fmt: skip
        if len(chunk) == 50_000:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _sqlite_values(row: tuple) -> tuple:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in row)


def load_sqlite(path: str, tenants: int, items: int) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    with db:
        db.executemany(
            f"INSERT INTO tenant ({', '.join(TENANT_COLUMNS)}, version) VALUES ({', '.join('?' * len(TENANT_COLUMNS))}, 1)",
            [_sqlite_values(r) for r in tenant_rows(tenants)],
        )
        db.executemany(
            f"INSERT INTO period_report ({', '.join(REPORT_COLUMNS)}, version) VALUES ({', '.join('?' * len(REPORT_COLUMNS))}, 1)",
            report_rows(tenants),
        )
        for chunk in ip_rows(tenants, items):
            db.executemany(
                f"INSERT INTO ip_item ({', '.join(IP_COLUMNS)}, version) VALUES ({', '.join('?' * len(IP_COLUMNS))}, 1)",
                [_sqlite_values(r) for r in chunk],
            )
    db.execute("ANALYZE")
    db.close()


async def load_postgres(url: str, tenants: int, items: int) -> None:
    import asyncpg

    db = await asyncpg.connect(url)
    try:
        async with db.transaction():
            await db.copy_records_to_table("tenant", records=tenant_rows(tenants), columns=TENANT_COLUMNS)
            await db.execute("SELECT setval(pg_get_serial_sequence('tenant', 'id'), $1)", tenants)
            await db.copy_records_to_table("period_report", records=report_rows(tenants), columns=REPORT_COLUMNS)
            for chunk in ip_rows(tenants, items):
                await db.copy_records_to_table("ip_item", records=chunk, columns=IP_COLUMNS)
        # What autovacuum does to a live registry soon after a bulk load: planner statistics, and
        # the visibility map that lets the statistics read the covering index alone (index-only
        # scan). Done here so the timings do not depend on whether, or when, autovacuum runs.
        await db.execute("VACUUM ANALYZE")
    finally:
        await db.close()


async def build(url: str, tenants: int, items: int) -> None:
    from registry.db import close_database, reset_schema
    from registry.migrate import migrate

    await reset_schema()
    await migrate()
    await close_database()
    if url.startswith("postgres"):
        await load_postgres(url, tenants, items)
    else:
        load_sqlite(url.removeprefix("sqlite:///"), tenants, items)


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

    return await statistics_workbook(year)


def best(runs: list[float]) -> float:
    return min(runs)


async def measure(url: str, repeat: int) -> dict:
    from registry.db import close_database, open_database

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
        start = time.perf_counter()
        await produce(YEAR)
        b_runs.append(time.perf_counter() - start)

    from registry.periods import Period
    from registry.stats import park_stats

    sql_runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        await park_stats(Period(YEAR))
        sql_runs.append(time.perf_counter() - start)
    await close_database()
    return {"cells": cells, "rows": rows, "bytes": len(content), "a": a_runs, "b": b_runs, "sql": sql_runs}


def peak_child(mode: str) -> None:
    """Run (b) once in this fresh process and print its memory peak as JSON."""
    import resource
    import tracemalloc

    from registry.db import close_database, open_database

    async def run() -> dict:
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


def child(args: list[str], url: str) -> str:
    data_dir = Path(tempfile.gettempdir()) / "park-bench-data"
    env = os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PARK_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"bench child {args} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def engine_run(name: str, url: str, tenants: int, items: int, repeat: int) -> None:
    print(f"== {name}: {tenants:,} tenants, {items:,} IP items, year {YEAR}", flush=True)
    start = time.perf_counter()
    child(["--build", str(tenants), str(items)], url)
    print(f"   data setup (bulk SQL)        {time.perf_counter() - start:8.1f} s", flush=True)
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
    parser.add_argument("--build", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--peak", choices=("rss", "tracemalloc"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build:
        asyncio.run(build(os.environ["DATABASE_URL"], *args.build))
        print("built")
    elif args.measure:
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
