"""Tokens bound to the account as it was at sign-in; a login throttle that NAT can live with and that
forgets what has expired."""

from __future__ import annotations

from itertools import count

import httpx
import jwt
import pytest

from registry.actor import SYSTEM
from registry.login_throttle import LoginThrottle
from registry.services import accounts
from registry.tables import LoginFailure
from tests.api.factories import assert_problem, field_errors, make_tenant, spoofed_address
from tests.conftest import SETTINGS
from tests.server import PASSWORD

_serial = count(1)


def _name(role: str) -> str:
    return f"hard-{role}-{next(_serial)}"


async def _sign_in(anonymous: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return await anonymous.post(
        "/auth/token", json={"username": username, "password": password}, headers=spoofed_address()
    )


async def _bearer(anonymous: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = await _sign_in(anonymous, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- tokens follow the account ------------------------------------------------------------------


async def test_token_carries_the_accounts_version_and_key(anonymous, admin):
    username = _name("manager")
    await admin.post("/users", json={"username": username, "password": PASSWORD, "role": "manager"})
    headers = await _bearer(anonymous, username)
    claims = jwt.decode(headers["Authorization"].removeprefix("Bearer "), options={"verify_signature": False})
    assert claims["sub"] == username
    assert claims["extras"]["ver"] == 1 and len(claims["extras"]["key"]) == 24
    assert "pbkdf2" not in str(claims).lower()


async def test_password_change_retires_tokens_issued_before_it(admin, as_role, anonymous):
    client = await as_role("manager")
    assert (await client.get("/me")).status_code == 200
    response = await admin.patch(f"/users/{client.username}", json={"password": "a-brand-new-password"})
    assert response.status_code == 200
    assert_problem(await client.get("/me"), 401)
    assert_problem(await client.get("/tenants"), 401)
    fresh = await _bearer(anonymous, client.username, "a-brand-new-password")
    assert (await anonymous.get("/me", headers=fresh)).status_code == 200


async def test_tenant_change_retires_the_tenant_accounts_token(manager, as_role):
    a, b = await make_tenant(), await make_tenant()
    client = await as_role("tenant", a["uscc"])
    assert (await client.get(f"/tenants/{a['uscc']}")).status_code == 200
    assert (await manager.patch(f"/users/{client.username}", json={"tenant_uscc": b["uscc"]})).status_code == 200
    assert_problem(await client.get(f"/tenants/{b['uscc']}"), 401)
    assert_problem(await client.get(f"/tenants/{a['uscc']}"), 401)


async def test_a_token_from_before_a_deactivation_stays_dead_after_reactivation(admin, as_role, anonymous):
    client = await as_role("statistician")
    await admin.patch(f"/users/{client.username}", json={"active": False})
    await admin.patch(f"/users/{client.username}", json={"active": True})
    assert_problem(await client.get("/me"), 401)
    assert (await anonymous.get("/me", headers=await _bearer(anonymous, client.username))).status_code == 200


async def test_a_change_that_changes_nothing_keeps_the_token(admin, as_role):
    client = await as_role("statistician")
    response = await admin.patch(f"/users/{client.username}", json={"role": "statistician", "active": True})
    assert response.status_code == 200 and response.json()["version"] == 1
    assert (await client.get("/me")).status_code == 200


async def test_recreated_account_does_not_inherit_the_old_accounts_tokens(admin, anonymous):
    username = _name("manager")
    body = {"username": username, "password": PASSWORD, "role": "manager"}
    assert (await admin.post("/users", json=body)).status_code == 201
    old = await _bearer(anonymous, username)
    assert (await anonymous.get("/me", headers=old)).status_code == 200
    assert (await admin.delete(f"/users/{username}")).status_code == 204
    assert_problem(await anonymous.get("/me", headers=old), 401)
    # Same name, same role, same password, version 1 again (on SQLite, perhaps even the same row id).
    recreated = await admin.post("/users", json=body)
    assert recreated.status_code == 201 and recreated.json()["version"] == 1
    assert_problem(await anonymous.get("/me", headers=old), 401)
    new = await _bearer(anonymous, username)
    assert (await anonymous.get("/me", headers=new)).json()["username"] == username
    assert_problem(await anonymous.get("/me", headers=old), 401)


async def test_account_recreated_outside_the_api_is_seen_by_its_new_token_at_once(as_role, anonymous):
    client = await as_role("statistician")
    old = {"Authorization": client.headers["Authorization"]}
    assert (await anonymous.get("/me", headers=old)).status_code == 200  # cached for a few seconds
    await accounts.delete_account(SYSTEM, client.username)
    await accounts.create_account(SYSTEM, {"username": client.username, "password": PASSWORD, "role": "manager"})
    # The new token is newer than the cached account: the API reads the account again instead of
    # refusing it, and from then on the old token no longer matches.
    new = await _bearer(anonymous, client.username)
    assert (await anonymous.get("/me", headers=new)).json()["role"] == "manager"
    assert_problem(await anonymous.get("/me", headers=old), 401)


async def test_token_without_the_account_binding_is_rejected(anonymous, admin):
    claims = jwt.decode(admin.headers["Authorization"].removeprefix("Bearer "), options={"verify_signature": False})
    for extras in ({}, {"ver": claims["extras"]["ver"]}, {**claims["extras"], "key": "0" * 24}):
        token = jwt.encode({**claims, "extras": extras}, SETTINGS.jwt_secret, algorithm="HS256")
        assert_problem(await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)
    token = jwt.encode(claims, SETTINGS.jwt_secret, algorithm="HS256")
    assert (await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


# --- the throttle over HTTP ---------------------------------------------------------------------


async def test_a_few_typos_behind_one_address_do_not_lock_out_everyone_there(admin, anonymous):
    office = spoofed_address()
    limit = SETTINGS.login_max_failures
    for n in range(2 * limit):
        response = await anonymous.post(
            "/auth/token",
            json={"username": f"typo-{n % 3}-{next(_serial)}", "password": "wrong-password"},
            headers=office,
        )
        assert_problem(response, 401)
    colleague = _name("statistician")
    await admin.post("/users", json={"username": colleague, "password": PASSWORD, "role": "statistician"})
    response = await anonymous.post("/auth/token", json={"username": colleague, "password": PASSWORD}, headers=office)
    assert response.status_code == 200, response.text


async def test_one_account_is_still_locked_at_its_own_limit_behind_a_shared_address(admin, anonymous):
    office = spoofed_address()
    username = _name("statistician")
    await admin.post("/users", json={"username": username, "password": PASSWORD, "role": "statistician"})
    for _ in range(SETTINGS.login_max_failures):
        await anonymous.post("/auth/token", json={"username": username, "password": "wrong-password"}, headers=office)
    response = await anonymous.post("/auth/token", json={"username": username, "password": PASSWORD}, headers=office)
    assert_problem(response, 429)


async def test_a_huge_username_is_refused_by_its_documented_bound(anonymous):
    response = await anonymous.post(
        "/auth/token", json={"username": "x" * 100_000, "password": "wrong-password"}, headers=spoofed_address()
    )
    assert field_errors(response) == {"username": "length"}


# --- the throttle on its own, in the database every worker shares ------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def no_failures():
    await LoginFailure.delete(force=True).run()
    yield
    await LoginFailure.delete(force=True).run()


async def test_usernames_and_addresses_have_their_own_limits(no_failures):
    throttle = LoginThrottle(3, 60, max_failures_per_address=10, clock=_Clock())
    for n in range(3):
        await throttle.failed("alice", f"10.0.0.{n}")
    assert await throttle.retry_after("alice", "10.0.0.99") is not None
    assert await throttle.retry_after("bob", "10.0.0.1") is None
    for n in range(9):
        await throttle.failed(f"user-{n}", "192.0.2.1")
    assert await throttle.retry_after("carol", "192.0.2.1") is None
    await throttle.failed("user-9", "192.0.2.1")
    assert await throttle.retry_after("carol", "192.0.2.1") is not None
    await throttle.succeeded("carol")  # a success forgives the account, never the address
    assert await throttle.retry_after("carol", "192.0.2.1") is not None


async def test_retry_after_counts_down_from_the_oldest_failure_that_still_counts(no_failures):
    clock = _Clock()
    throttle = LoginThrottle(2, 100, clock=clock)
    for step in (0, 50, 90):
        clock.now = 1000.0 + step
        await throttle.failed("alice", "10.0.0.1")
    # Failures at 50 and 90 are the last two; the one at 50 leaves the window at 150.
    assert await throttle.retry_after("alice", "10.0.0.2") == 61
    clock.now = 1151.0
    assert await throttle.retry_after("alice", "10.0.0.2") is None


async def test_asking_and_succeeding_leave_nothing_behind(no_failures):
    throttle = LoginThrottle(5, 60, clock=_Clock())
    for n in range(50):
        assert await throttle.retry_after(f"someone-{n}", "10.0.0.1") is None
        await throttle.succeeded(f"someone-{n}")
    assert await LoginFailure.count().run() == 0


async def test_huge_usernames_are_kept_as_short_keys(no_failures):
    throttle = LoginThrottle(5, 60, clock=_Clock())
    await throttle.failed("x" * 1_000_000, "10.0.0.1")
    await throttle.failed("\ud800 lone surrogate", "y" * 10_000)
    keys = await LoginFailure.select(LoginFailure.key).output(as_list=True).run()
    assert len(keys) == 4 and max(len(key) for key in keys) <= 69
    assert await throttle.retry_after("x" * 1_000_000, "10.0.0.2") is None


async def test_failed_usernames_are_forgotten_once_their_window_passes(no_failures):
    clock = _Clock()
    throttle = LoginThrottle(5, 10, max_failures_per_address=50, clock=clock)
    sizes = []
    for burst in range(4):
        for n in range(60):
            await throttle.failed(f"{'guess' * 200}-{burst}-{n}", f"203.0.113.{n}")
        sizes.append(await LoginFailure.count().run())
        clock.now += 11  # the whole burst leaves the window
    # 240 usernames tried; the table holds one burst's failures (a row per username and per address).
    assert sizes == [120] * 4
