"""`GET /api/v1/stats/2016` under load against `GET /api/v1/tenants/{uscc}` on the same server.

The statistics office, the portal's dashboard and every tenant's home read the park's statistics; a
busy morning must not queue them behind one another. One run, per registry size (the demo park, then
a synthetic park of --tenants tenants):

1. builds the registry (`park demo`; bench/synthetic_park.py for the large one) on a fresh database
   (SQLite file in a temp dir, or the PostgreSQL database --database-url names: its schema is reset);
2. serves it with the real `park serve` (one worker) and signs in a statistician;
3. loads `/stats/2016` and `/tenants/{uscc}` with the same `wrk` command (-c32, --seconds each),
   alternating them --rounds times so a burst of other load falls on both;
4. prints the statistics' requests/s and p99 latency (median round), the tenant read's requests/s,
   and the ratio. Goal: p99 < 200 ms and statistics >= 0.5 x the tenant read, both engines.

Both sides send `Accept-Encoding: gzip, deflate`, as browsers and HTTP libraries do: the statistics
answer is compressed once per change of the figures and sent as it is. Its tenant lists come 500 at a
time (`limit`, `offset`): at 10,000 tenants the whole lines are megabytes a request.

A write between rounds (a report changed) makes the next round start by computing the figures again,
as a real morning would: the cache is keyed on the database's data version (registry.read_cache).

    .venv/bin/python bench/stats.py
    .venv/bin/python bench/stats.py --database-url postgresql://root@127.0.0.1:5432/bench_stats
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from served import PARK, park_serving
from synthetic_park import build_in_child

PASSWORD = "bench-password"


def wrk(url: str, token: str, connections: int, seconds: int) -> tuple[float, float]:
    """Requests/s and p99 latency (ms) of one wrk run."""
    # As a browser or any HTTP library asks: a client that takes gzip gets the statistics compressed.
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
        "-H",
        "Accept-Encoding: gzip, deflate",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"errors under load:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(url: str, label: str, args: argparse.Namespace) -> dict:
    env = os.environ | {"DATABASE_URL": url}
    subprocess.run(
        [PARK, "users", "add", "bench-stat", "--role", "statistician", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [PARK, "users", "add", "bench-admin", "--role", "admin", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with park_serving(url) as (base, _):
        token = httpx.post(
            base + "/auth/token", json={"username": "bench-stat", "password": PASSWORD}, timeout=120
        ).json()["access_token"]
        admin = httpx.post(
            base + "/auth/token", json={"username": "bench-admin", "password": PASSWORD}, timeout=120
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        tenant = httpx.get(base + "/tenants?limit=1&offset=5", headers=headers, timeout=120).json()["items"][0]
        stats_url, tenant_url = f"{base}/stats/2016", f"{base}/tenants/{tenant['uscc']}"
        for url_ in (stats_url, tenant_url):  # warm-up
            wrk(url_, token, args.connections, 2)
        runs: dict[str, list[tuple[float, float]]] = {"stats": [], "tenant": []}
        for n in range(args.rounds):
            # A write between rounds: the next stats round starts with the figures computed afresh.
            revenue = f"{1000 + n}.00"
            changed = httpx.put(
                f"{base}/tenants/{tenant['uscc']}/reports/2016Q1",
                json={"revenue": revenue},
                headers={"Authorization": f"Bearer {admin}"},
                timeout=120,
            )
            changed.raise_for_status()
            for side in ("stats", "tenant") if n % 2 == 0 else ("tenant", "stats"):
                runs[side].append(
                    wrk(stats_url if side == "stats" else tenant_url, token, args.connections, args.seconds)
                )
    stats_rate = statistics.median(rate for rate, _ in runs["stats"])
    stats_p99 = statistics.median(p99 for _, p99 in runs["stats"])
    tenant_rate = statistics.median(rate for rate, _ in runs["tenant"])
    return {
        "registry": label,
        "stats_rps": round(stats_rate),
        "stats_p99_ms": round(stats_p99, 1),
        "tenant_rps": round(tenant_rate),
        "ratio": round(stats_rate / tenant_rate, 2),
        "rounds_stats": [(round(r), round(p, 1)) for r, p in runs["stats"]],
        "rounds_tenant": [round(r) for r, _ in runs["tenant"]],
    }


def fresh(url: str, workdir: Path, size: int | None) -> None:
    env = os.environ | {"DATABASE_URL": url, "PARK_DATA_DIR": str(workdir)}
    if size is None:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import asyncio; from registry.db import Database, bind, reset_schema; "
                "from registry.settings import load_settings; bind(Database(load_settings())); "
                "asyncio.run(reset_schema())",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run([PARK, "demo"], env=env, check=True, capture_output=True)
    else:
        build_in_child(env, size, size * 10)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--database-url", help="default: a fresh SQLite file")
    options.add_argument("--tenants", type=int, default=10_000)
    options.add_argument("--seconds", type=int, default=10)
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--connections", type=int, default=32)
    args = options.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/stats.py needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="park-bench-stats-"))
    try:
        url = args.database_url or f"sqlite:///{workdir}/park.sqlite"
        os.environ["PARK_DATA_DIR"] = str(workdir)
        results = []
        for label, size in (("demo park", None), (f"{args.tenants:,} tenants", args.tenants)):
            fresh(url, workdir, size)
            results.append(measure(url, label, args))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    engine = "postgres" if url.startswith("postgres") else "sqlite"
    print(
        json.dumps(
            {
                "engine": engine,
                "wrk": f"-t1 -c{args.connections} -d{args.seconds}s",
                "rounds": args.rounds,
                "load_average": os.getloadavg()[0],
            }
        )
    )
    for result in results:
        verdict = "PASS" if result["stats_p99_ms"] < 200 and result["ratio"] >= 0.5 else "BELOW GOAL"
        print(
            f"{result['registry']}: /stats/2016 {result['stats_rps']} req/s, p99 {result['stats_p99_ms']} ms; "
            f"/tenants/{{uscc}} {result['tenant_rps']} req/s; ratio {result['ratio']} "
            f"(goal p99 < 200 ms, ratio >= 0.5) {verdict}"
        )
        print(f"    rounds stats {result['rounds_stats']}, tenant {result['rounds_tenant']}")


if __name__ == "__main__":
    main()
