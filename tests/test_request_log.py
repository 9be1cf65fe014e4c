"""`park serve` as an operator watches it (SPEC §10): one JSON line per request that tells who, which
route, the answer and its time — and never a secret that passed through (passwords, tokens, session
ids, a calendar key in a URL, the file uploaded); `GET /metrics` adds up every worker's counts."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import new_uscc
from tests.processes import add_account, serving, token

ADMIN_PASSWORD = "admin-Pa55word-q81"
MANAGER_PASSWORD = "manager-Pa55word-z27"
FILE_MARKER = "FILE-BYTES-7f3a9c-保密内容"


def _lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_every_request_has_its_line_and_no_secret_reaches_the_log(fresh_env, tmp_path):
    add_account(fresh_env, "ops-admin", "admin", ADMIN_PASSWORD)
    add_account(fresh_env, "ops-desk", "manager", MANAGER_PASSWORD)
    log = tmp_path / "serve.log"
    sent: dict[str, tuple[str, str, int]] = {}  # request id -> (method, route, status)
    clients: dict[str, str] = {}  # request id -> the X-Request-ID the client sent
    secrets: list[str] = [ADMIN_PASSWORD, MANAGER_PASSWORD]
    with serving(fresh_env, log=log) as url:

        def call(client: httpx.Client, method: str, path: str, route: str, status: int, **kwargs) -> httpx.Response:
            client_id = f"t{len(sent) + 1}-{time.monotonic_ns()}"
            headers = kwargs.pop("headers", {}) | {"X-Request-ID": client_id}
            response = client.request(method, url + path, headers=headers, timeout=60, **kwargs)
            assert response.status_code == status, response.text
            request_id = response.headers["x-request-id"]  # the server's own name, never the client's
            assert request_id != client_id
            sent[request_id] = (method, route, status)
            clients[request_id] = client_id
            return response

        with httpx.Client() as api:
            signed_in = call(
                api,
                "POST",
                "/api/v1/auth/token",
                "/api/v1/auth/token",
                200,
                json={"username": "ops-admin", "password": ADMIN_PASSWORD},
            )
            bearer = signed_in.json()["access_token"]
            secrets.append(bearer)
            auth = {"Authorization": f"Bearer {bearer}"}
            call(
                api,
                "POST",
                "/api/v1/auth/token",
                "/api/v1/auth/token",
                401,
                json={"username": "ops-admin", "password": "wrong-" + ADMIN_PASSWORD},
            )
            uscc = new_uscc()
            call(
                api,
                "POST",
                "/api/v1/tenants",
                "/api/v1/tenants",
                201,
                headers=auth,
                json={"uscc": uscc, "name": "日志企业", "industry": "other", "status": "incubating"},
            )
            call(api, "GET", f"/api/v1/tenants/{uscc}", "/api/v1/tenants/{uscc}", 200, headers=auth)
            key = call(
                api,
                "GET",
                f"/api/v1/tenants/{uscc}/deadlines/subscription",
                "/api/v1/tenants/{uscc}/deadlines/subscription",
                200,
                headers=auth,
            ).json()["key"]
            secrets.append(key)
            feed = call(
                api,
                "GET",
                f"/api/v1/tenants/{uscc}/deadlines.ics?key={key}",
                "/api/v1/tenants/{uscc}/deadlines.ics",
                200,
            )
            assert feed.text.startswith("BEGIN:VCALENDAR")
            csv = f"统一社会信用代码,企业名称,产业类别,状态\n{new_uscc()},{FILE_MARKER},其他,在孵\n".encode()
            call(
                api,
                "POST",
                "/api/v1/imports?dry_run=true",
                "/api/v1/imports",
                200,
                headers=auth,
                files={"file": ("tenants.csv", csv, "text/csv")},
            )
            call(api, "GET", "/no/such/page", None, 404)
        with httpx.Client() as browser:
            form = call(browser, "GET", "/login", "/login", 200)
            csrf = re.search(r'name="_csrf" value="([^"]+)"', form.text).group(1)
            call(
                browser,
                "POST",
                "/login",
                "/login",
                303,
                data={"username": "ops-desk", "password": MANAGER_PASSWORD, "_csrf": csrf},
            )
            session_id = browser.cookies["park_session"]
            secrets.append(session_id)
            page = call(browser, "GET", "/tenants", "/tenants", 200)
            assert "ops-desk" in page.text
        time.sleep(0.5)  # the last line is written after its answer
    lines = _lines(log)
    text = log.read_text()
    for secret in secrets:
        assert secret not in text, f"a secret reached the log: {secret[:6]}…"
    assert FILE_MARKER not in text and "FILE-BYTES" not in text
    assert "key=" not in text and "Bearer" not in text
    by_id = {}
    for line in lines:
        assert set(line) == {
            "time",
            "request_id",
            "client_request_id",
            "user",
            "method",
            "route",
            "status",
            "duration_ms",
        }, line
        by_id.setdefault(line["request_id"], []).append(line)
    for request_id, (method, route, status) in sent.items():
        assert len(by_id.get(request_id, [])) == 1, (request_id, lines)
        line = by_id[request_id][0]
        assert (line["method"], line["route"], line["status"]) == (method, route, status), line
        assert line["duration_ms"] >= 0 and line["time"].endswith("Z")
        assert line["client_request_id"] == clients[request_id]
    users = {line["route"]: line["user"] for line in lines if line["request_id"] in sent}
    assert users["/api/v1/tenants/{uscc}"] == "ops-admin"
    assert users["/tenants"] == "ops-desk"
    assert users["/api/v1/auth/token"] is None


def _total(text: str, metric: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == metric and labels.items() <= sample.labels.items()
    )


def test_metrics_of_two_workers_add_up_whichever_answers(fresh_env, tmp_path):
    add_account(fresh_env, "ops-admin", "admin", ADMIN_PASSWORD)
    log = tmp_path / "serve.log"
    with serving(fresh_env, "--workers", "2", log=log) as url:
        deadline = time.monotonic() + 60
        while len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        bearer = {"Authorization": f"Bearer {token(url, 'ops-admin', ADMIN_PASSWORD)}"}
        for _ in range(20):  # a connection each: the two workers share the port and take turns
            assert httpx.get(url + "/api/v1/me", headers=bearer, timeout=30).status_code == 200
        for _ in range(6):  # every scrape, whichever worker answers it, counts all twenty
            scrape = httpx.get(url + "/metrics", timeout=30)
            assert scrape.status_code == 200
            assert _total(scrape.text, "park_requests_total", path="/api/v1/me", status_code="200") == 20
    assert list((tmp_path / "metrics").glob("counter_*.db")), "the workers' files are kept in PARK_DATA_DIR/metrics"
    # Each worker names its requests with its own tag: both answered some of them.
    assert len({line["request_id"].split("-")[0] for line in _lines(log)}) == 2, "only one worker answered"
