"""Signing in: tokens, who am I, wrong passwords, throttling, disabled accounts, forged tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import jwt

from registry.actor import SYSTEM
from registry.services import accounts
from tests.api.factories import assert_problem, make_tenant, spoofed_address
from tests.conftest import SETTINGS
from tests.server import PASSWORD

_serial = count(1)


async def _account(role: str = "manager", tenant_uscc: str | None = None, **extra) -> str:
    username = f"auth-{role}-{next(_serial)}"
    data = {"username": username, "password": PASSWORD, "role": role, **extra}
    if tenant_uscc:
        data["tenant_uscc"] = tenant_uscc
    await accounts.create_account(SYSTEM, data)
    return username


async def test_token_is_a_bearer_token_with_its_lifetime(anonymous):
    username = await _account()
    response = await anonymous.post("/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    me = await anonymous.get("/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"username": username, "role": "manager", "tenant_uscc": None}


async def test_me_names_a_tenant_accounts_tenant(as_role):
    tenant = await make_tenant()
    client = await as_role("tenant", tenant["uscc"])
    me = (await client.get("/me")).json()
    assert me["role"] == "tenant" and me["tenant_uscc"] == tenant["uscc"]


async def test_me_without_token_is_401(anonymous):
    assert_problem(await anonymous.get("/me"), 401)


async def test_wrong_password_and_unknown_user_get_the_same_401(anonymous):
    username = await _account()
    headers = spoofed_address()
    wrong = await anonymous.post(
        "/auth/token", json={"username": username, "password": "not-the-password"}, headers=headers
    )
    unknown = await anonymous.post(
        "/auth/token", json={"username": username + "-nobody", "password": PASSWORD}, headers=headers
    )
    assert assert_problem(wrong, 401)["detail"] == assert_problem(unknown, 401)["detail"]
    assert "access_token" not in wrong.text


async def test_repeated_failed_logins_are_throttled_with_retry_after(anonymous):
    username = await _account()
    headers = spoofed_address()
    for _ in range(5):
        response = await anonymous.post(
            "/auth/token", json={"username": username, "password": "wrong-password"}, headers=headers
        )
        assert_problem(response, 401)
    throttled = await anonymous.post("/auth/token", json={"username": username, "password": PASSWORD}, headers=headers)
    assert_problem(throttled, 429)
    assert 1 <= int(throttled.headers["Retry-After"]) <= 301
    assert "access_token" not in throttled.text


async def test_throttle_follows_the_username_across_addresses(anonymous):
    username = await _account()
    for _ in range(5):
        await anonymous.post(
            "/auth/token", json={"username": username, "password": "wrong-password"}, headers=spoofed_address()
        )
    response = await anonymous.post(
        "/auth/token", json={"username": username, "password": PASSWORD}, headers=spoofed_address()
    )
    assert_problem(response, 429)


async def test_throttle_follows_the_address_across_usernames(anonymous):
    headers = spoofed_address()
    for n in range(SETTINGS.login_max_failures_per_address):
        await anonymous.post(
            "/auth/token", json={"username": f"guess-{n}", "password": "wrong-password"}, headers=headers
        )
    username = await _account()
    response = await anonymous.post("/auth/token", json={"username": username, "password": PASSWORD}, headers=headers)
    assert_problem(response, 429)


async def test_a_few_failures_then_success_still_signs_in(anonymous):
    username = await _account()
    headers = spoofed_address()
    for _ in range(4):
        await anonymous.post("/auth/token", json={"username": username, "password": "wrong-password"}, headers=headers)
    response = await anonymous.post("/auth/token", json={"username": username, "password": PASSWORD}, headers=headers)
    assert response.status_code == 200, response.text


async def test_one_users_lockout_does_not_lock_out_another_user(anonymous):
    locked = await _account()
    for _ in range(5):
        await anonymous.post(
            "/auth/token", json={"username": locked, "password": "wrong-password"}, headers=spoofed_address()
        )
    other = await _account()
    response = await anonymous.post(
        "/auth/token", json={"username": other, "password": PASSWORD}, headers=spoofed_address()
    )
    assert response.status_code == 200, response.text


async def test_deactivated_accounts_token_stops_working_at_once(admin, as_role):
    statistician = await as_role("statistician")
    assert (await statistician.get("/me")).status_code == 200
    response = await admin.patch(f"/users/{statistician.username}", json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert_problem(await statistician.get("/me"), 401)
    assert_problem(await statistician.get("/tenants"), 401)


async def test_deactivated_account_cannot_sign_in(admin, anonymous):
    username = await _account()
    await admin.patch(f"/users/{username}", json={"active": False})
    response = await anonymous.post(
        "/auth/token", json={"username": username, "password": PASSWORD}, headers=spoofed_address()
    )
    assert_problem(response, 401)


async def test_account_disabled_outside_the_api_stops_acting_at_once(as_role):
    client = await as_role("manager")
    assert (await client.get("/me")).status_code == 200
    await accounts.update_account(SYSTEM, client.username, {"active": False})
    assert_problem(await client.get("/me"), 401)


async def test_deleted_accounts_token_stops_working(admin, as_role):
    manager = await as_role("manager")
    assert (await admin.delete(f"/users/{manager.username}")).status_code == 204
    assert_problem(await manager.get("/me"), 401)


async def test_role_change_retires_the_existing_token(admin, as_role, anonymous):
    client = await as_role("statistician")
    await admin.patch(f"/users/{client.username}", json={"role": "manager"})
    assert_problem(await client.get("/me"), 401)
    response = await anonymous.post(
        "/auth/token", json={"username": client.username, "password": PASSWORD}, headers=spoofed_address()
    )
    me = await anonymous.get("/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert me.json()["role"] == "manager"


def _forged(client: httpx.AsyncClient, secret: str, **claims) -> str:
    """A token for the client's account, with the account-binding claims of its genuine token."""
    genuine = jwt.decode(client.headers["Authorization"].removeprefix("Bearer "), options={"verify_signature": False})
    now = datetime.now(UTC)
    payload = {
        "sub": client.username,
        "iat": int(now.timestamp()),  # type: ignore[attr-defined]
        "exp": int((now + timedelta(hours=1)).timestamp()),
        "extras": genuine["extras"],
    }
    return jwt.encode(payload | claims, secret, algorithm="HS256")


async def test_token_signed_with_another_secret_is_rejected(anonymous, admin):
    genuine = _forged(admin, SETTINGS.jwt_secret)
    assert (await anonymous.get("/me", headers={"Authorization": f"Bearer {genuine}"})).status_code == 200
    token = _forged(admin, "some-other-secret-" + "x" * 40)
    assert_problem(await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)


async def test_unsigned_token_is_rejected(anonymous, admin):
    token = jwt.encode({"sub": admin.username, "exp": 4102444800, "iat": 1700000000}, key=None, algorithm="none")
    assert_problem(await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)


async def test_expired_token_is_rejected(anonymous, admin):
    past = datetime.now(UTC) - timedelta(hours=2)
    token = _forged(
        admin, SETTINGS.jwt_secret, iat=int(past.timestamp()), exp=int((past + timedelta(hours=1)).timestamp())
    )
    assert_problem(await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)


async def test_tampered_token_is_rejected(anonymous, admin):
    header, payload, signature = admin.headers["Authorization"].removeprefix("Bearer ").split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert_problem(await anonymous.get("/me", headers={"Authorization": f"Bearer {tampered}"}), 401)


async def test_garbage_authorization_header_is_401(anonymous):
    for value in ("Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"):
        assert_problem(await anonymous.get("/tenants", headers={"Authorization": value}), 401)


async def test_health_and_openapi_need_no_token(anonymous, base_url):
    health = await anonymous.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    async with httpx.AsyncClient(base_url=base_url) as client:
        schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/tenants" in schema.json()["paths"]


async def test_signing_in_between_guesses_does_not_reset_the_addresss_count(anonymous):
    own = await _account()
    headers = spoofed_address()
    limit = SETTINGS.login_max_failures_per_address
    answers = []
    for n in range(limit):
        if n % 10 == 9:
            body = {"username": own, "password": PASSWORD}
            assert (await anonymous.post("/auth/token", json=body, headers=headers)).status_code == 200
        body = {"username": f"sprayed-{n}-{own}", "password": "Password123"}
        answers.append((await anonymous.post("/auth/token", json=body, headers=headers)).status_code)
    assert answers == [401] * limit
    for body in ({"username": own, "password": PASSWORD}, {"username": f"sprayed-x-{own}", "password": "x" * 8}):
        assert_problem(await anonymous.post("/auth/token", json=body, headers=headers), 429)
