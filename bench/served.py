"""`park serve` as the benches run it beside their work, and `GET /api/v1/health` asked every 20 ms
meanwhile: how well the server answers while a dump (bench/dump.py) or a backup (bench/backup.py) runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARK = str(Path(sys.executable).parent / "park")
HEALTH_EVERY = 0.020


def environment(url: str) -> dict[str, str]:
    data_dir = Path(tempfile.gettempdir()) / "park-dump-bench-data"
    data_dir.mkdir(exist_ok=True)
    return os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PARK_DATA_DIR": str(data_dir)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_line(seconds: list[float]) -> str:
    ms = [x * 1000 for x in seconds]
    return (f"{len(ms)} answers, p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
            f"max {max(ms):.1f} ms")  # fmt: skip


@contextmanager
def park_serving(url: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """The real `park serve` on the database `url`, on a free port: its API base URL once it answers, and
    its process; stopped afterwards."""
    import httpx

    port = free_port()
    server = subprocess.Popen([PARK, "serve", "--port", str(port)], env=environment(url), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("park serve did not start")
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


class HealthWatch:
    """`GET /health` every HEALTH_EVERY s in a thread; `take()` hands over the latencies since the last take."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.failures: list[str] = []
        self._latencies: list[float] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._ask)

    def _ask(self) -> None:
        import httpx

        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self._done.is_set():
                start = time.perf_counter()
                response = client.get("/health")
                self._latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    self.failures.append(str(response.status_code))
                time.sleep(HEALTH_EVERY)

    def take(self) -> list[float]:
        taken, self._latencies = self._latencies, []
        return taken

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
