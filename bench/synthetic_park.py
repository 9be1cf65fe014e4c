"""The synthetic registry of the 1,000,000-item benches (bench/export.py, bench/dump.py, bench/backup.py):
10,000 tenants (the Torch form's fields included), their 2015 and 2016 reports and 1,000,000 IP items,
written with bulk SQL into a freshly migrated database (bypassing the services: this is data setup),
then ANALYZE (PostgreSQL: VACUUM ANALYZE).

    DATABASE_URL=... PYTHONPATH=. .venv/bin/python bench/synthetic_park.py TENANTS ITEMS

drops and rebuilds the database DATABASE_URL names (on PostgreSQL its schema `public`).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
    from registry.db import Database, bind, close_database, reset_schema
    from registry.migrate import migrate
    from registry.settings import load_settings

    bind(Database(load_settings()))  # this script's database: the one the environment names
    await reset_schema()
    await migrate()
    await close_database()
    if url.startswith("postgres"):
        await load_postgres(url, tenants, items)
    else:
        load_sqlite(url.removeprefix("sqlite:///"), tenants, items)


def build_in_child(environment: dict[str, str], tenants: int, items: int) -> float:
    """Build the registry in a fresh process (nothing of it stays in the bench's memory) on the database
    environment["DATABASE_URL"] names; the seconds it took."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, str(tenants), str(items)], env=environment, cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode:
        raise SystemExit(f"building the synthetic registry failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - start


if __name__ == "__main__":
    asyncio.run(build(os.environ["DATABASE_URL"], int(sys.argv[1]), int(sys.argv[2])))
    print("built")
