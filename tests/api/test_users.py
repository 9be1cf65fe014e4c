"""Accounts over HTTP: admins make any account, managers onboard tenants, everyone else is kept out."""

from __future__ import annotations

from itertools import count

import pytest

from tests.api.factories import assert_problem, field_errors, make_tenant, new_uscc, spoofed_address
from tests.server import PASSWORD

_names = count(1)


def _account(role: str, tenant_uscc: str | None = None, **overrides) -> dict:
    body = {"username": f"u-{role}-{next(_names)}", "password": PASSWORD, "role": role}
    if tenant_uscc:
        body["tenant_uscc"] = tenant_uscc
    return body | overrides


async def _signs_in(anonymous, username: str, password: str = PASSWORD) -> bool:
    response = await anonymous.post(
        "/auth/token", json={"username": username, "password": password}, headers=spoofed_address()
    )
    return response.status_code == 200


@pytest.mark.parametrize("role", ["admin", "manager", "statistician", "tenant"])
async def test_admin_creates_an_account_of_any_role_that_can_sign_in(admin, anonymous, role):
    tenant_uscc = (await make_tenant())["uscc"] if role == "tenant" else None
    body = _account(role, tenant_uscc)
    response = await admin.post("/users", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"v1"'
    assert response.json() == {
        "username": body["username"],
        "role": role,
        "active": True,
        "version": 1,
        "tenant_uscc": tenant_uscc,
        "email": None,
    }
    assert "password" not in response.text
    assert await _signs_in(anonymous, body["username"])


async def test_manager_onboards_a_tenant_account(manager):
    tenant = await make_tenant()
    response = await manager.post("/users", json=_account("tenant", tenant["uscc"].lower()))
    assert response.status_code == 201, response.text
    assert response.json()["tenant_uscc"] == tenant["uscc"]


@pytest.mark.parametrize("role", ["admin", "manager", "statistician"])
async def test_manager_cannot_create_other_roles(manager, admin, role):
    body = _account(role)
    assert_problem(await manager.post("/users", json=body), 403)
    assert_problem(await admin.get(f"/users/{body['username']}"), 404)


async def test_manager_sees_only_tenant_accounts(manager, admin, statistician):
    tenant = await make_tenant()
    await admin.post("/users", json=_account("tenant", tenant["uscc"]))
    listing = (await manager.get("/users", params={"limit": 500})).json()
    assert listing["items"] and {u["role"] for u in listing["items"]} == {"tenant"}
    assert (await manager.get("/users", params={"role": "admin"})).json()["total"] == 0
    assert_problem(await manager.get(f"/users/{admin.username}"), 404)
    assert_problem(await manager.get(f"/users/{statistician.username}"), 404)


async def test_admin_sees_every_account_and_filters_by_role(admin, statistician):
    # By role: the suite's earlier tests leave more than a page of accounts behind.
    for client in (admin, statistician):
        role = client.username.rsplit("-", 1)[0]
        listed = (await admin.get("/users", params={"role": role, "limit": 500})).json()
        assert client.username in {u["username"] for u in listed["items"]}
    stats = (await admin.get("/users", params={"role": "statistician", "limit": 500})).json()
    assert {u["role"] for u in stats["items"]} == {"statistician"}
    assert stats["total"] == len(stats["items"])


async def test_manager_cannot_promote_a_tenant_account(manager, admin):
    tenant = await make_tenant()
    body = _account("tenant", tenant["uscc"])
    await manager.post("/users", json=body)
    assert_problem(await manager.patch(f"/users/{body['username']}", json={"role": "admin"}), 403)
    assert (await admin.get(f"/users/{body['username']}")).json()["role"] == "tenant"


async def test_manager_cannot_touch_staff_accounts(manager, statistician, admin):
    assert_problem(await manager.patch(f"/users/{statistician.username}", json={"active": False}), 404)
    assert_problem(await manager.delete(f"/users/{statistician.username}"), 404)
    assert (await admin.get(f"/users/{statistician.username}")).json()["active"] is True


@pytest.mark.parametrize("role", ["statistician", "tenant"])
async def test_statisticians_and_tenants_have_no_say_over_accounts(as_role, admin, role):
    tenant = await make_tenant()
    client = await as_role(role, tenant["uscc"] if role == "tenant" else None)
    body = _account("tenant", tenant["uscc"])
    assert_problem(await client.get("/users"), 403)
    assert_problem(await client.post("/users", json=body), 403)
    assert_problem(await client.get(f"/users/{client.username}"), 403)
    assert_problem(await client.patch(f"/users/{client.username}", json={"role": "admin"}), 403)
    assert_problem(await client.delete(f"/users/{admin.username}"), 403)
    assert (await client.get("/me")).json()["role"] == role
    assert_problem(await admin.get(f"/users/{body['username']}"), 404)


@pytest.mark.parametrize("password", ["short", "x" * 129, ""])
async def test_password_must_be_8_to_128_characters(admin, password):
    assert field_errors(await admin.post("/users", json=_account("manager", password=password))) == {
        "password": "length"
    }


async def test_password_change_follows_the_same_rule(admin, as_role):
    client = await as_role("manager")
    assert field_errors(await admin.patch(f"/users/{client.username}", json={"password": "1234567"})) == {
        "password": "length"
    }


async def test_changed_password_is_the_one_that_signs_in(admin, as_role, anonymous):
    client = await as_role("manager")
    response = await admin.patch(f"/users/{client.username}", json={"password": "a-brand-new-password"})
    assert response.status_code == 200
    assert await _signs_in(anonymous, client.username, "a-brand-new-password")
    assert not await _signs_in(anonymous, client.username, PASSWORD)


async def test_tenant_account_needs_a_registered_tenant(admin):
    assert field_errors(await admin.post("/users", json=_account("tenant"))) == {"tenant_uscc": "unknown_tenant"}
    assert field_errors(await admin.post("/users", json=_account("tenant", new_uscc()))) == {
        "tenant_uscc": "unknown_tenant"
    }


async def test_only_tenant_accounts_belong_to_a_tenant(admin):
    tenant = await make_tenant()
    assert field_errors(await admin.post("/users", json=_account("manager", tenant["uscc"]))) == {
        "tenant_uscc": "not_allowed"
    }


async def test_unknown_role_is_refused(admin):
    assert "role" in field_errors(await admin.post("/users", json=_account("superuser")))


async def test_duplicate_username_is_409(admin):
    body = _account("statistician")
    await admin.post("/users", json=body)
    assert_problem(await admin.post("/users", json=body | {"role": "manager"}), 409)
    assert (await admin.get(f"/users/{body['username']}")).json()["role"] == "statistician"


async def test_patch_with_a_stale_etag_is_412(admin, as_role):
    client = await as_role("statistician")
    etag = (await admin.get(f"/users/{client.username}")).headers["ETag"]
    await admin.patch(f"/users/{client.username}", json={"role": "manager"}, headers={"If-Match": etag})
    assert_problem(
        await admin.patch(f"/users/{client.username}", json={"active": False}, headers={"If-Match": etag}), 412
    )
    account = (await admin.get(f"/users/{client.username}")).json()
    assert account["active"] is True and account["role"] == "manager" and account["version"] == 2


async def test_delete_removes_the_account(admin, anonymous):
    body = _account("statistician")
    await admin.post("/users", json=body)
    assert (await admin.delete(f"/users/{body['username']}")).status_code == 204
    assert_problem(await admin.get(f"/users/{body['username']}"), 404)
    assert not await _signs_in(anonymous, body["username"])


async def test_manager_deletes_a_tenant_account(manager):
    tenant = await make_tenant()
    body = _account("tenant", tenant["uscc"])
    await manager.post("/users", json=body)
    assert (await manager.delete(f"/users/{body['username']}")).status_code == 204


async def test_nobody_deletes_their_own_account(admin):
    assert_problem(await admin.delete(f"/users/{admin.username}"), 409)
    assert (await admin.get("/me")).status_code == 200


async def test_delete_of_an_unknown_account_is_404(admin):
    assert_problem(await admin.delete("/users/nobody-by-this-name"), 404)


async def test_account_changes_never_put_a_password_in_the_audit_trail(admin):
    body = _account("manager")
    await admin.post("/users", json=body)
    await admin.patch(f"/users/{body['username']}", json={"password": "another-password-1"})
    await admin.delete(f"/users/{body['username']}")
    trail = (await admin.get("/audit", params={"entity": "account", "limit": 500})).json()["items"]
    mine = [e for e in trail if e["entity_key"] == body["username"]]
    assert [e["action"] for e in mine] == ["delete", "update", "create"]
    text = str(mine)
    assert PASSWORD not in text and "another-password-1" not in text and "pbkdf2" not in text.lower()


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(as_role):
    """Each admin's right is checked again inside the write, with both rows locked in one order: of two
    crossing demotions one wins and the other is refused, in every one of ten pairs at once."""
    import asyncio

    from registry.tables import Account

    pairs = [(await as_role("admin"), await as_role("admin")) for _ in range(10)]

    async def demote(by, whom) -> int:
        response = await by.patch(f"/users/{whom.username}", json={"role": "manager"})
        return response.status_code

    statuses = await asyncio.gather(*(demote(a, b) for a, b in pairs), *(demote(b, a) for a, b in pairs))
    assert all(status in (200, 401, 403) for status in statuses), statuses
    for a, b in pairs:
        roles = {
            row["username"]: row["role"]
            for row in await Account.select(Account.username, Account.role)
            .where(Account.username.is_in([a.username, b.username]))
            .run()
        }
        assert sorted(roles.values()) == ["admin", "manager"], roles
