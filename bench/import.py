"""`park import` of 100,000 IP rows against openpyxl merely reading the same file.

One run:

1. prepares a fresh SQLite database (in a temporary directory) holding the demo park — through
   `registry.demo.load_demo()` when that module is there, else its 109 tenants made through the
   tenant service;
2. writes a workbook of --rows IP rows (default 100,000) for the park's tenants, as a manager's
   file would hold them: Chinese headers, a title row, dates as Excel dates, numbers as text;
   numbers are PCT application numbers (type digits 8 and 9), software copyrights and trademarks,
   so they never collide with the demo's own;
3. times (a) iterating every row with openpyxl in read-only mode, and (b) `park import FILE` in a
   subprocess (on the database prepared afresh), from process start to exit, and reads (b)'s peak
   resident memory; --repeat rounds (default 3), the two sides interleaved so a burst of load
   falls on both;
4. prints b/a of the best run of each side (and of the medians) and the peak. Goal: b/a <= 1.0
   and peak <= 300 MB;
5. does the same for the same items revised (every title changed, the dates left blank) imported
   over the first file: every row an update whose change is listed and kept with the batch;
6. does the same for a CNIPA-style export of --rows patents (SPEC §4, files as parks really have
   them): CNIPA's own headers, type and legal-status phrases, dates as text, and owners named, not
   coded (`申请人/专利权人`, some with a co-applicant), so every row goes through the owner-by-name,
   phrase and grant-date rules. Goal: b/a <= 1.0.

With DATABASE_URL (or --postgres URL) naming a PostgreSQL database, (b) is also run there. That
database's schema `public` is DROPPED and rebuilt first: point it at a scratch database.

    .venv/bin/python bench/import.py
    DATABASE_URL=postgresql://root@127.0.0.1:5432/park_c .venv/bin/python bench/import.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = ["统一社会信用代码", "知识产权类型", "申请号/登记号", "名称", "申请日", "授权日", "法律状态"]
CNIPA_HEADERS = [
    "专利类型",
    "专利名称",
    "法律状态",
    "法律状态最后修改日期",
    "申请公布日/授权公告日",
    "申请号",
    "申请日",
    "申请人/专利权人",
    "发明人",
]


# --- preparing a database (run in a subprocess: the engine is chosen at import) --------------------


async def _prepare() -> list[list[str]]:
    from registry.db import Database, bind, close_database, reset_schema
    from registry.migrate import migrate
    from registry.settings import load_settings

    bind(Database(load_settings()))  # this script's database: the one the environment names
    await reset_schema()
    await migrate()
    try:
        try:
            from registry.demo import load_demo
        except ImportError:
            return await _demo_tenants()
        await load_demo()
        from registry.tables import Tenant

        rows = await Tenant.select(Tenant.uscc, Tenant.name).order_by(Tenant.uscc).run()
        return [[row["uscc"], row["name"]] for row in rows]
    finally:
        await close_database()


async def _demo_tenants() -> list[list[str]]:
    from registry.actor import Actor
    from registry.services import tenants
    from registry.uscc import make_demo_uscc

    actor = Actor("bench", "admin", source="bench")
    industries = (
        "automotive_nev",
        "rail_aviation",
        "electronic_info",
        "new_materials",
        "new_energy",
        "modern_services",
    )
    usccs = [make_demo_uscc(n) for n in range(109)]
    for n, uscc in enumerate(usccs):
        if await tenants.fetch(uscc) is None:
            await tenants.create_tenant(
                actor,
                {
                    "uscc": uscc,
                    "name": f"示例企业{n + 1:03d} (synthetic)",
                    "industry": industries[n % 6],
                    "status": "incubating",
                    "moved_in_on": "2015-10-08",
                },
            )
    return [[uscc, f"示例企业{n + 1:03d} (synthetic)"] for n, uscc in enumerate(usccs)]


def prepare(url: str, data_dir: Path) -> list[list[str]]:
    result = subprocess.run(
        [sys.executable, __file__, "--prepare"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"DATABASE_URL": url, "PARK_DATA_DIR": str(data_dir)},
    )
    if result.returncode:
        sys.exit(f"preparing {url} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the workbook ---------------------------------------------------------------------------------


def write_workbook(path: Path, usccs: list[str], rows: int, revised: bool = False) -> None:
    """`revised`: the same items with every title changed and the dates left blank (a blank cell changes
    nothing), as a manager sends corrections: re-imported over the first file, every row is an update
    with its change listed."""
    from openpyxl import Workbook

    from registry.ip_numbers import make_patent_number

    book = Workbook(write_only=True)
    sheet = book.create_sheet("知识产权")
    sheet.append(["动力谷自主创新园 知识产权清单（基准测试，合成数据）"])
    sheet.append(HEADERS)
    for n in range(rows):
        filed = date(2008, 1, 1) + timedelta(days=n % 3000)
        granted = filed + timedelta(days=400) if n % 3 else None
        status = "有效" if granted else "申请中"
        match n % 10:
            case 0:
                kind, number = "软件著作权", f"{filed.year}SR{n:07d}"
            case 1:
                kind, number = "商标", f"{30_000_000 + n}"
            case 2 | 3 | 4:
                kind, number = "实用新型", make_patent_number(filed.year, 9, n)
            case _:
                kind, number = "发明专利", make_patent_number(filed.year, 8, n)
        if kind == "商标" and granted is None:
            granted, status = filed + timedelta(days=300), "有效"
        if revised:
            sheet.append(
                [usccs[n % len(usccs)], kind, number, f"一种合成的测试装置及其方法（修订）{n}", None, None, None]
            )
            continue
        sheet.append([usccs[n % len(usccs)], kind, number, f"一种合成的测试装置及其方法{n}", filed, granted, status])
    book.save(path)


def write_cnipa_workbook(path: Path, names: list[str], rows: int) -> None:
    """A CNIPA search export as the office writes it, owners by name (one in five with a co-applicant)."""
    from openpyxl import Workbook

    from registry.ip_numbers import make_patent_number

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(CNIPA_HEADERS)
    for n in range(rows):
        filed = date(2008, 1, 1) + timedelta(days=n % 3000)
        published = filed + timedelta(days=400)
        if n % 2:
            kind, number = "实用新型", make_patent_number(filed.year, 9, n)
            status, dated = ("授权", published) if n % 7 else ("专利权的终止", published + timedelta(days=900))
        else:
            kind, number = "发明申请", make_patent_number(filed.year, 8, n)
            status, dated = (
                ("实质审查的生效", published),
                ("授权", published + timedelta(days=500)),
                ("著录事项变更", published + timedelta(days=30)),
            )[n % 3]
        owner = names[n % len(names)]
        if n % 5 == 0:
            owner = f"{owner} ; 张某某"
        sheet.append(
            [
                kind,
                f"一种合成的测试装置及其方法{n}",
                status,
                dated.strftime("%Y%m%d"),
                published.strftime("%Y.%m.%d"),
                "CN" + number,
                filed.strftime("%Y.%m.%d"),
                owner,
                "李某 ; 王某",
            ]
        )
    book.save(path)


# --- measuring ------------------------------------------------------------------------------------


def time_openpyxl(path: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(path, read_only=True)
    rows = 0
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            rows += 1
    book.close()
    return time.perf_counter() - started, rows


def park_command() -> list[str]:
    park = Path(sys.executable).with_name("park")
    return [str(park), "import"] if park.exists() else [sys.executable, "-m", "importers.command"]


def time_park_import(path: Path, url: str, data_dir: Path) -> tuple[float, float, str]:
    """Wall seconds from start to exit, peak RSS in MB (that process's own, from wait4), and the
    summary lines of `park import`."""
    env = os.environ | {"DATABASE_URL": url, "PARK_DATA_DIR": str(data_dir)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([*park_command(), str(path)], cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        sys.exit(f"park import failed ({process.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    summary = [line.strip() for line in stdout.splitlines() if line.strip().startswith(("ip ", "结果"))]
    return elapsed, usage.ru_maxrss / 1024, " | ".join(summary)


def measure(
    book: Path, sqlite_url: str, postgres: str | None, work: Path, repeat: int, over: Path | None = None
) -> None:
    """(a) openpyxl reading `book`, (b) `park import` of it on SQLite and, if named, PostgreSQL (each
    on a database prepared afresh, holding `over` imported first when given, untimed), in `repeat`
    interleaved rounds; b/a of the best of each side."""
    engines = [("SQLite", sqlite_url)] + ([("PostgreSQL", postgres)] if postgres else [])
    a_runs: list[float] = []
    b_runs: dict[str, list[tuple[float, float, str]]] = {engine: [] for engine, _ in engines}
    for _ in range(repeat):
        a, rows = time_openpyxl(book)
        a_runs.append(a)
        for engine, url in engines:
            prepare(url, work)
            if over is not None:
                time_park_import(over, url, work)
            b_runs[engine].append(time_park_import(book, url, work))
    a = min(a_runs)
    print(
        f"(a) openpyxl read-only, iterating {rows:,} rows: best {a:.2f} s, median {statistics.median(a_runs):.2f} s"
        f"  runs {', '.join(f'{run:.2f}' for run in a_runs)}"
    )
    for engine, runs in b_runs.items():
        b, peak, summary = min(runs)
        median = statistics.median(run[0] for run in runs)
        print(
            f"(b) park import on {engine}: best {b:.2f} s, median {median:.2f} s  runs "
            f"{', '.join(f'{run[0]:.2f}' for run in runs)}; peak RSS {max(run[1] for run in runs):.0f} MB  [{summary}]"
        )
        print(
            f"    b/a = {b / a:.2f} best of {repeat} (median {median / statistics.median(a_runs):.2f}) (goal <= 1.0), "
            f"peak {max(run[1] for run in runs):.0f} MB (goal <= 300 MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="also run on this PostgreSQL database (schema reset!)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; the best of each side counts")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(asyncio.run(_prepare())))
        return
    postgres = args.postgres or (
        os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    )

    work = Path(tempfile.mkdtemp(prefix="park-bench-import-"))
    try:
        sqlite_url = f"sqlite:///{work / 'bench.sqlite'}"
        tenants = prepare(sqlite_url, work)  # the tenants' keys and names for the workbooks
        usccs = [uscc for uscc, _ in tenants]
        book = work / "ip-100k.xlsx"
        started = time.perf_counter()
        write_workbook(book, usccs, args.rows)
        print(
            f"workbook: {args.rows:,} IP rows for {len(usccs)} demo tenants, {book.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )

        measure(book, sqlite_url, postgres, work, args.repeat)

        revised = work / "ip-100k-revised.xlsx"
        write_workbook(revised, usccs, args.rows, revised=True)
        print(
            f"The same {args.rows:,} items again, every title revised and the dates left blank, imported over "
            "the first file: every row an update, each change listed field by field"
        )
        measure(revised, sqlite_url, postgres, work, args.repeat, over=book)

        cnipa = work / "cnipa-100k.xlsx"
        write_cnipa_workbook(cnipa, [name for _, name in tenants], args.rows)
        print(f"CNIPA-style export: {args.rows:,} patents, owners by name, {cnipa.stat().st_size / 1e6:.1f} MB")
        measure(cnipa, sqlite_url, postgres, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
