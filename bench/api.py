"""Authenticated GET /api/v1/tenants/{uscc} against a bare Litestar route, served the same way.

Both are served by uvicorn as `park serve` does (the registry itself through the real `park serve`
command, the bare route by uvicorn with the same options and the same worker count), loaded by the
same `wrk` command (same threads, connections, duration): first one worker process each, then two
(`park serve --workers 2` against the bare route under uvicorn with 2 workers). Prints requests/s of
each and the ratios registry/bare. Goal for one worker: >= 0.75 on PostgreSQL, >= 0.6 on SQLite.

Fair on a shared machine:
- a server counts as up only when every one of its workers has logged "Application startup
  complete" and /health answers 200 (a second worker still importing would leave the first to serve
  alone); setup requests wait up to two minutes;
- both servers of a pair run side by side and their `wrk` runs alternate, registry, bare, bare,
  registry… (`--rounds` pairs): a burst of someone else's load falls on both alike. The figure is
  each side's median round.

What the `--workers 2` line measures: requests/s of two processes against two, on this machine's
cores, which `wrk` and every other process share. With 2 cores, two workers can never double one
worker's rate; how much they gain depends on how much CPU each request needs and what else runs,
so the two-worker ratio differs from the one-worker one and is not held to its goal. It also
depends on luck: uvicorn's workers share one listening socket and the kernel gives each new
connection to whichever worker accepts first, so `wrk`'s 32 kept-alive connections may sit mostly
on one worker for a whole run (measured on SQLite: 4.2 s of CPU in one worker, 0.9 s in the other
during a 6 s run). That is why each side runs several rounds (each reconnects) and the spread of
the rounds is printed. It shows that N workers serve, and what they cost per request here.

    .venv/bin/python bench/api.py                       # SQLite (a fresh file in a temp dir)
    .venv/bin/python bench/api.py --database-url postgresql://root@127.0.0.1:5432/bench
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PARK = str(Path(sys.executable).parent / "park")


def reset_schema(env: dict[str, str]) -> None:
    """An empty database at env's DATABASE_URL (registry.db.reset_schema, in a process of its own)."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import asyncio; from registry.db import Database, bind, reset_schema; "
            "from registry.settings import load_settings; bind(Database(load_settings())); asyncio.run(reset_schema())",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


SETUP_TIMEOUT = 120  # seconds for a setup request (sign-in hashes a password) on a loaded machine
START_TIMEOUT = 300  # seconds for a server's workers to start on a loaded machine
BARE_APP = """
import json, os
from litestar import Litestar, get
BODY = json.loads(open(os.environ["BENCH_BODY"]).read())
@get("/api/v1/tenants/{uscc:str}")
async def tenant(uscc: str) -> dict:
    return BODY
app = Litestar([tenant])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, process: subprocess.Popen | None = None, log: Path | None = None, workers: int = 1) -> None:
    """Until `url` answers 200 and, with a log, `workers` workers have logged their start-up."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"server for {url} exited:\n{log.read_text()[-3000:] if log else ''}")
        started = log is None or log.read_text(errors="replace").count("Application startup complete") >= workers
        if started:
            try:
                if httpx.get(url, timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start within {START_TIMEOUT} s")


@contextlib.contextmanager
def serving(command: list[str], env: dict, health: str, workers: int, log: Path) -> Iterator[str]:
    """Run `command` (which serves on the port in `health`) until the block ends; yields its base URL."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_up(health, process, log, workers)
        yield health
    finally:
        stop(process)


def wrk(url: str, token: str | None, threads: int, connections: int, seconds: int) -> float:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"errors under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--database-url", help="default: a fresh SQLite file")
    options.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    options.add_argument("--rounds", type=int, default=5, help="alternating wrk runs per side")
    options.add_argument("--connections", type=int, default=32)
    options.add_argument("--threads", type=int, default=1)
    options.add_argument(
        "--no-read-cache",
        action="store_true",
        help="serve with PARK_TENANT_READ_CACHE=off (every GET reads the database)",
    )
    args = options.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="park-bench-api-"))
    try:
        env = os.environ | {
            "PARK_DATA_DIR": str(workdir),
            "DATABASE_URL": args.database_url or f"sqlite:///{workdir}/park.sqlite",
        }
        if args.no_read_cache:
            env["PARK_TENANT_READ_CACHE"] = "off"
        engine = "postgres" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
        reset_schema(env)
        subprocess.run([PARK, "demo"], env=env, check=True, capture_output=True)
        subprocess.run(
            [PARK, "users", "add", "bench", "--role", "manager", "--password-stdin"],
            env=env,
            check=True,
            input="bench-password\n",
            text=True,
            capture_output=True,
        )
        (workdir / "bare_app.py").write_text(BARE_APP)
        results = [(workers, *_pair(env, workers, workdir, args)) for workers in (1, 2)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    goal = 0.75 if engine == "postgres" else 0.6
    print(
        json.dumps(
            {
                "engine": engine,
                "tenant_read_cache": not args.no_read_cache,
                "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds}s",
                "rounds": args.rounds,
                "cores": os.cpu_count(),
                "load_average": os.getloadavg()[0],
            }
        )
    )
    for workers, registry, bare in results:
        ratio = statistics.median(registry) / statistics.median(bare)
        verdict = (
            f"(goal >= {goal}) {'PASS' if ratio >= goal else 'BELOW GOAL'}"
            if workers == 1
            else "(not held to the goal: see the docstring)"
        )
        print(
            f"workers {workers}: registry {round(statistics.median(registry))} req/s, "
            f"bare {round(statistics.median(bare))} req/s, ratio registry/bare = {ratio:.2f} {verdict}"
        )
        print(f"           rounds registry {[round(r) for r in registry]}, bare {[round(b) for b in bare]}")


def _pair(env: dict, workers: int, workdir: Path, args: argparse.Namespace) -> tuple[list[float], list[float]]:
    """Both servers with `workers` workers each, side by side; their wrk runs alternate."""
    registry_port, bare_port = free_port(), free_port()
    registry_command = [PARK, "serve", "--port", str(registry_port), "--workers", str(workers)]
    bare_command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bare_app:app",
        "--app-dir",
        str(workdir),
        "--host",
        "127.0.0.1",
        "--port",
        str(bare_port),
        "--workers",
        str(workers),
        "--log-level",
        "info",
        "--no-access-log",
    ]
    body_path = workdir / "body.json"
    with serving(
        registry_command,
        env,
        f"http://127.0.0.1:{registry_port}/api/v1/health",
        workers,
        workdir / f"registry-{workers}.log",
    ):
        base = f"http://127.0.0.1:{registry_port}/api/v1"
        token = httpx.post(
            base + "/auth/token", json={"username": "bench", "password": "bench-password"}, timeout=SETUP_TIMEOUT
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        uscc = httpx.get(base + "/tenants?limit=1&offset=50", headers=headers, timeout=SETUP_TIMEOUT).json()["items"][
            0
        ]["uscc"]
        response = httpx.get(f"{base}/tenants/{uscc}", headers=headers, timeout=SETUP_TIMEOUT)
        response.raise_for_status()
        body_path.write_bytes(response.content)
        registry_url = f"{base}/tenants/{uscc}"
        bare_url = f"http://127.0.0.1:{bare_port}/api/v1/tenants/{uscc}"
        with serving(
            bare_command, env | {"BENCH_BODY": str(body_path)}, bare_url, workers, workdir / f"bare-{workers}.log"
        ):
            if httpx.get(bare_url, timeout=SETUP_TIMEOUT).content != response.content:
                raise SystemExit("the bare route does not answer the registry's body")
            sides = {"registry": (registry_url, token), "bare": (bare_url, None)}
            for url, bearer in sides.values():  # warm-up: every worker's caches, the first plans
                wrk(url, bearer, args.threads, args.connections, 2)
            rates: dict[str, list[float]] = {"registry": [], "bare": []}
            for n in range(args.rounds):
                for side in ("registry", "bare") if n % 2 == 0 else ("bare", "registry"):
                    url, bearer = sides[side]
                    rates[side].append(wrk(url, bearer, args.threads, args.connections, args.seconds))
    return rates["registry"], rates["bare"]


if __name__ == "__main__":
    main()
