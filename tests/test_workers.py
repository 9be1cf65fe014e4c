"""Several `park serve` processes on one database act as one registry: the login throttle and account
changes are shared through the database, so the limits hold however many workers (or hosts) answer."""

from __future__ import annotations

import re
import time

import httpx

from tests.processes import add_account, serving, token

PASSWORD = "right-password-1"


def _sign_in(url: str, username: str, password: str, address: str) -> httpx.Response:
    return httpx.post(
        url + "/api/v1/auth/token",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=60,
    )


def test_the_per_username_limit_holds_across_two_server_processes(fresh_env, tmp_path):
    add_account(fresh_env, "target", "manager", PASSWORD)
    env = fresh_env | {"PARK_LOGIN_MAX_FAILURES": "5"}
    with serving(env, log=tmp_path / "a.log") as first, serving(env, log=tmp_path / "b.log") as second:
        # Five wrong guesses, spread over both processes and over many addresses.
        for n in range(5):
            url = (first, second)[n % 2]
            assert _sign_in(url, "target", f"guess-{n}", f"198.51.100.{n + 1}").status_code == 401
        for url in (first, second):  # either process now refuses even the right password
            refused = _sign_in(url, "target", PASSWORD, "198.51.100.99")
            assert refused.status_code == 429, refused.text
            assert int(refused.headers["Retry-After"]) > 0


def test_an_account_deactivated_on_one_process_stops_acting_on_the_other(fresh_env, tmp_path):
    add_account(fresh_env, "boss", "admin", PASSWORD)
    add_account(fresh_env, "clerk", "manager", PASSWORD)
    with serving(fresh_env, log=tmp_path / "a.log") as first, serving(fresh_env, log=tmp_path / "b.log") as second:
        clerk = {"Authorization": f"Bearer {token(first, 'clerk', PASSWORD)}"}
        assert httpx.get(first + "/api/v1/me", headers=clerk, timeout=30).status_code == 200
        boss = {"Authorization": f"Bearer {token(second, 'boss', PASSWORD)}"}
        changed = httpx.patch(second + "/api/v1/users/clerk", json={"active": False}, headers=boss, timeout=30)
        assert changed.status_code == 200, changed.text
        deadline = time.monotonic() + 2  # PostgreSQL announces the change; allow its delivery
        while (status := httpx.get(first + "/api/v1/me", headers=clerk, timeout=30).status_code) == 200:
            assert time.monotonic() < deadline, "the first process still lets the deactivated account act"
            time.sleep(0.05)
        assert status == 401


def test_park_serve_workers_runs_that_many_processes(fresh_env, tmp_path):
    add_account(fresh_env, "wk", "manager", PASSWORD)
    log = tmp_path / "serve.log"
    with serving(fresh_env, "--workers", "2", log=log) as url:
        bearer = {"Authorization": f"Bearer {token(url, 'wk', PASSWORD)}"}
        assert all(httpx.get(url + "/api/v1/me", headers=bearer, timeout=30).status_code == 200 for _ in range(10))
        deadline = time.monotonic() + 60
        while len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


def _portal_sign_in(client: httpx.Client, url: str, username: str, password: str) -> None:
    form = client.get(url + "/login", timeout=30)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form.text).group(1)
    signed_in = client.post(
        url + "/login",
        data={"username": username, "password": password, "_csrf": csrf},
        timeout=30,
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text


def test_a_portal_session_started_on_one_process_is_known_to_the_other_and_ends_on_both(fresh_env, tmp_path):
    add_account(fresh_env, "desk", "manager", PASSWORD)
    with serving(fresh_env, log=tmp_path / "a.log") as first, serving(fresh_env, log=tmp_path / "b.log") as second:
        with httpx.Client() as browser:  # one browser, its cookie sent to both processes
            _portal_sign_in(browser, first, "desk", PASSWORD)
            page = browser.get(second + "/tenants", timeout=30, follow_redirects=False)
            assert page.status_code == 200 and "desk" in page.text
            # A form served by one process posts to the other: the session's CSRF token is the same.
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
            out = browser.post(second + "/logout", data={"_csrf": csrf}, timeout=30, follow_redirects=False)
            assert out.status_code == 303
            stolen = {"park_session": out.request.headers["cookie"].split("park_session=")[1].split(";")[0]}
        for url in (first, second):  # sign-out ended it everywhere, even for a copy of the old cookie
            again = httpx.get(url + "/tenants", cookies=stolen, timeout=30, follow_redirects=False)
            assert again.status_code == 303 and again.headers["location"].startswith("/login")
