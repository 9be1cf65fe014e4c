"""Authenticated GET /api/v1/tenants/{uscc} against a bare Litestar route, served the same way.

Both are served by uvicorn as `park serve` does (the registry itself through the real `park serve`
command, the bare route by uvicorn with the same options), loaded by the same `wrk` run (same threads,
connections, duration), one after the other: first one worker process each, then two
(`park serve --workers 2` against the bare route under uvicorn with 2 workers). Prints requests/s of
each and the ratios registry/bare. Goal for one worker: >= 0.5 on PostgreSQL, >= 0.3 on SQLite.

    .venv/bin/python bench/api.py                       # SQLite (a fresh file in a temp dir)
    .venv/bin/python bench/api.py --database-url postgresql://root@127.0.0.1:5432/bench
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PARK = str(Path(sys.executable).parent / "park")
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


def wait_up(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


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
    process.wait(timeout=10)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--database-url", help="default: a fresh SQLite file")
    options.add_argument("--seconds", type=int, default=10)
    options.add_argument("--connections", type=int, default=32)
    options.add_argument("--threads", type=int, default=1)
    options.add_argument("--no-read-cache", action="store_true",
                         help="PostgreSQL: serve with PARK_TENANT_READ_CACHE=off (every GET reads the database)")
    args = options.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="park-bench-api-"))
    env = os.environ | {"PARK_DATA_DIR": str(workdir),
                        "DATABASE_URL": args.database_url or f"sqlite:///{workdir}/park.sqlite"}
    if args.no_read_cache:
        env["PARK_TENANT_READ_CACHE"] = "off"
    engine = "postgres" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    if engine == "postgres":
        url = env["DATABASE_URL"]
        subprocess.run(["psql", url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True)
    subprocess.run([PARK, "demo"], env=env, check=True, capture_output=True)
    subprocess.run([PARK, "users", "add", "bench", "--role", "manager", "--password-stdin"], env=env, check=True,
                   input="bench-password\n", text=True, capture_output=True)

    body_path = workdir / "body.json"
    (workdir / "bare_app.py").write_text(BARE_APP)
    results = []
    for workers in (1, 2):
        registry_rps, uscc = _registry(env, workers, body_path, args)
        bare_rps = _bare(env | {"BENCH_BODY": str(body_path)}, workers, workdir, uscc, body_path, args)
        results.append((workers, registry_rps, bare_rps))

    goal = 0.5 if engine == "postgres" else 0.3
    print(json.dumps({"engine": engine, "tenant_read_cache": engine == "postgres" and not args.no_read_cache,
                      "body_bytes": len(body_path.read_bytes()),
                      "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds}s"}))
    for workers, registry_rps, bare_rps in results:
        ratio = registry_rps / bare_rps
        verdict = f"(goal >= {goal}) {'PASS' if ratio >= goal else 'BELOW GOAL'}" if workers == 1 else ""
        print(f"workers {workers}: registry {round(registry_rps)} req/s, bare {round(bare_rps)} req/s, "
              f"ratio registry/bare = {ratio:.2f} {verdict}".rstrip())


def _registry(env: dict, workers: int, body_path: Path, args: argparse.Namespace) -> tuple[float, str]:
    port = free_port()
    registry = subprocess.Popen([PARK, "serve", "--port", str(port), "--workers", str(workers)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_up(base + "/health")
        token = httpx.post(base + "/auth/token", json={"username": "bench", "password": "bench-password"}).json()[
            "access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        uscc = httpx.get(base + "/tenants?limit=1&offset=50", headers=headers).json()["items"][0]["uscc"]
        response = httpx.get(f"{base}/tenants/{uscc}", headers=headers)
        response.raise_for_status()
        body_path.write_bytes(response.content)
        wrk(f"{base}/tenants/{uscc}", token, args.threads, args.connections, 2)  # warm-up
        return wrk(f"{base}/tenants/{uscc}", token, args.threads, args.connections, args.seconds), uscc
    finally:
        stop(registry)


def _bare(env: dict, workers: int, workdir: Path, uscc: str, body_path: Path, args: argparse.Namespace) -> float:
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(workdir),
                             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                             "--log-level", "info", "--no-access-log"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/tenants/{uscc}"
        wait_up(url)
        assert httpx.get(url).content == body_path.read_bytes()
        wrk(url, None, args.threads, args.connections, 2)
        return wrk(url, None, args.threads, args.connections, args.seconds)
    finally:
        stop(bare)


if __name__ == "__main__":
    main()
