"""An account's e-mail (SPEC §9: reminders go to the tenant's accounts' e-mails): optional, checked, kept,
changed and cleared through the API and the /accounts pages."""

from __future__ import annotations

from tests.api.factories import assert_problem, make_tenant
from tests.portal.pages import portal_client
from tests.server import PASSWORD


async def test_an_account_keeps_an_email_and_it_can_be_changed_and_cleared(manager):
    tenant = await make_tenant()
    made = await manager.post(
        "/users",
        json={
            "username": f"mail-{tenant['uscc']}",
            "password": PASSWORD,
            "role": "tenant",
            "tenant_uscc": tenant["uscc"],
            "email": " li.lei@tenant.example ",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["email"] == "li.lei@tenant.example"
    name = made.json()["username"]
    changed = await manager.patch(f"/users/{name}", json={"email": "han.mei@tenant.example"})
    assert changed.status_code == 200 and changed.json()["email"] == "han.mei@tenant.example"
    cleared = await manager.patch(f"/users/{name}", json={"email": None})
    assert cleared.status_code == 200 and cleared.json()["email"] is None
    assert (await manager.get(f"/users/{name}")).json()["email"] is None


async def test_an_account_without_an_email_says_none(manager):
    tenant = await make_tenant()
    made = await manager.post(
        "/users",
        json={
            "username": f"nomail-{tenant['uscc']}",
            "password": PASSWORD,
            "role": "tenant",
            "tenant_uscc": tenant["uscc"],
        },
    )
    assert made.status_code == 201 and made.json()["email"] is None


async def test_a_bad_email_is_named_and_nothing_is_stored(manager):
    tenant = await make_tenant()
    for bad in ("not-an-address", "a@b", "two@@example.com", "a b@example.com", "x" * 190 + "@example.com"):
        refused = await manager.post(
            "/users",
            json={
                "username": f"bad-{tenant['uscc']}",
                "password": PASSWORD,
                "role": "tenant",
                "tenant_uscc": tenant["uscc"],
                "email": bad,
            },
        )
        assert_problem(refused, 422)
        assert [e["field"] for e in refused.json()["errors"]] == ["email"], (bad, refused.json())
        assert "电子邮箱" in refused.json()["errors"][0]["message"]
    assert (await manager.get(f"/users/bad-{tenant['uscc']}")).status_code == 404


async def test_the_accounts_pages_set_and_change_the_email(base_url, as_role):
    admin = await as_role("admin")
    tenant = await make_tenant()
    client = await portal_client(base_url, admin.username)
    try:
        name = f"webmail-{tenant['uscc']}"
        created = await client.post(
            "/accounts",
            data={
                "_csrf": client.csrf,
                "username": name,
                "role": "tenant",
                "tenant_uscc": tenant["uscc"],
                "password": PASSWORD,
                "email": "web@tenant.example",
            },
        )
        assert created.status_code == 303, created.text
        page = (await client.get(f"/accounts/{name}")).text
        assert "web@tenant.example" in page
        version = (await admin.get(f"/users/{name}")).json()["version"]
        bad = await client.post(
            f"/accounts/{name}", data={"_csrf": client.csrf, "what": "email", "email": "nope", "version": str(version)}
        )
        assert bad.status_code == 422 and "aria-invalid" in bad.text and "电子邮箱格式不正确" in bad.text
        good = await client.post(
            f"/accounts/{name}",
            data={"_csrf": client.csrf, "what": "email", "email": "new@tenant.example", "version": str(version)},
        )
        assert good.status_code == 303
        assert (await admin.get(f"/users/{name}")).json()["email"] == "new@tenant.example"
    finally:
        await client.aclose()
