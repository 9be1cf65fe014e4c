"""Tenants over HTTP: listing and filters, create, ETag-guarded changes, self-service, delete."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from tests.api.factories import (
    assert_problem,
    field_errors,
    make_ip,
    make_report,
    make_tenant,
    new_uscc,
    spoofed_address,
)
from tests.server import PASSWORD


def _mark() -> str:
    """A word only this test's tenants carry, so `q=` picks them out of the shared registry."""
    return f"筛选{uuid4().hex[:10]}"


async def test_list_filters_by_industry_status_and_search(manager):
    mark = _mark()
    ev = await make_tenant(name=f"{mark}甲", industry="automotive_nev", status="incubating")
    await make_tenant(name=f"{mark}乙", industry="automotive_nev", status="graduated")
    await make_tenant(name=f"{mark}丙", industry="new_materials", status="incubating")
    await make_tenant(name="别家企业", industry="automotive_nev", status="incubating")

    everyone = (await manager.get("/tenants", params={"q": mark})).json()
    assert everyone["total"] == 3
    both = (
        await manager.get("/tenants", params={"q": mark, "industry": "automotive_nev", "status": "incubating"})
    ).json()
    assert [t["uscc"] for t in both["items"]] == [ev["uscc"]]
    assert both["total"] == 1


async def test_search_matches_uscc_and_english_name(manager):
    tenant = await make_tenant(name_en="Zephyr Quantum Widgets")
    by_en = (await manager.get("/tenants", params={"q": "zephyr quantum"})).json()
    assert [t["uscc"] for t in by_en["items"]] == [tenant["uscc"]]
    by_code = (await manager.get("/tenants", params={"q": tenant["uscc"][-6:]})).json()
    assert tenant["uscc"] in [t["uscc"] for t in by_code["items"]]


async def test_list_sorts_both_ways(manager):
    mark = _mark()
    for moved_in in ("2016-05-01", "2015-10-01", "2017-01-15"):
        await make_tenant(name=f"{mark}{moved_in}", moved_in_on=moved_in)
    up = (await manager.get("/tenants", params={"q": mark, "sort": "moved_in_on"})).json()["items"]
    down = (await manager.get("/tenants", params={"q": mark, "sort": "-moved_in_on"})).json()["items"]
    assert [t["moved_in_on"] for t in up] == ["2015-10-01", "2016-05-01", "2017-01-15"]
    assert [t["moved_in_on"] for t in down] == ["2017-01-15", "2016-05-01", "2015-10-01"]


async def test_list_pages_with_limit_offset_and_total(manager):
    mark = _mark()
    made = sorted([(await make_tenant(name=f"{mark}{n}"))["uscc"] for n in range(5)])
    first = (await manager.get("/tenants", params={"q": mark, "limit": 2, "offset": 0, "sort": "uscc"})).json()
    last = (await manager.get("/tenants", params={"q": mark, "limit": 2, "offset": 4, "sort": "uscc"})).json()
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    assert [t["uscc"] for t in first["items"]] == made[:2]
    assert [t["uscc"] for t in last["items"]] == made[4:]
    assert last["total"] == 5


async def test_statistician_and_admin_list_every_tenant(statistician, admin):
    tenant = await make_tenant()
    for client in (statistician, admin):
        found = (await client.get("/tenants", params={"q": tenant["uscc"]})).json()
        assert [t["uscc"] for t in found["items"]] == [tenant["uscc"]]


async def test_tenant_lists_only_itself(tenant_pair):
    a, _, client = tenant_pair
    listing = (await client.get("/tenants", params={"limit": 500})).json()
    assert [t["uscc"] for t in listing["items"]] == [a["uscc"]]
    assert listing["total"] == 1


async def test_create_answers_201_with_the_record_and_its_etag(manager):
    uscc = new_uscc()
    response = await manager.post(
        "/tenants",
        json={
            "uscc": uscc.lower(),
            "name": "新建企业",
            "industry": "rail_aviation",
            "status": "incubating",
            "moved_in_on": "2016-04-01",
            "platform_level": "provincial",
            "contact_email": "a@b.example",
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"v1"'
    body = response.json()
    assert body["uscc"] == uscc
    assert (body["industry"], body["platform_level"], body["moved_in_on"]) == (
        "rail_aviation",
        "provincial",
        "2016-04-01",
    )
    fetched = await manager.get(f"/tenants/{uscc}")
    assert fetched.json() == body and fetched.headers["ETag"] == '"v1"'


async def test_platform_level_defaults_to_none(manager):
    response = await manager.post(
        "/tenants", json={"uscc": new_uscc(), "name": "默认平台", "industry": "other", "status": "incubating"}
    )
    assert response.json()["platform_level"] == "none"


async def test_duplicate_uscc_is_a_conflict(manager):
    tenant = await make_tenant()
    response = await manager.post(
        "/tenants", json={"uscc": tenant["uscc"], "name": "重复", "industry": "other", "status": "incubating"}
    )
    assert_problem(response, 409)
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).json()["name"] == tenant["name"]


async def test_inconsistent_dates_are_refused(manager):
    response = await manager.post(
        "/tenants",
        json={
            "uscc": new_uscc(),
            "name": "日期错",
            "industry": "other",
            "status": "left",
            "founded_on": "2016-01-01",
            "moved_in_on": "2015-06-01",
            "moved_out_on": "2015-01-01",
        },
    )
    assert field_errors(response) == {"moved_out_on": "before_move_in", "moved_in_on": "before_founding"}


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    etag = (await manager.get(path)).headers["ETag"]
    assert (await manager.patch(path, json={"name": "第一次改名"}, headers={"If-Match": etag})).status_code == 200
    stale = await manager.patch(path, json={"name": "第二次改名"}, headers={"If-Match": etag})
    assert_problem(stale, 412)
    assert (await manager.get(path)).json()["name"] == "第一次改名"


async def test_patch_with_a_fresh_etag_answers_the_new_record_and_etag(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    etag = (await manager.get(path)).headers["ETag"]
    response = await manager.patch(
        path, json={"status": "graduated", "moved_out_on": "2018-01-31"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "graduated"
    assert response.headers["ETag"] not in (etag, None)
    assert (await manager.get(path)).headers["ETag"] == response.headers["ETag"]


async def test_patch_that_changes_nothing_keeps_the_etag(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    etag = (await manager.get(path)).headers["ETag"]
    response = await manager.patch(path, json={"name": tenant["name"]}, headers={"If-Match": etag})
    assert response.headers["ETag"] == etag


async def test_usccs_are_matched_whatever_their_case(manager):
    tenant = await make_tenant()
    assert (await manager.get(f"/tenants/{tenant['uscc'].lower()}")).json()["uscc"] == tenant["uscc"]


async def test_tenant_changes_its_self_service_fields(tenant_pair):
    a, _, client = tenant_pair
    changes = {
        "name_en": "Alpha Ltd",
        "contact_name": "王五",
        "contact_phone": "0731-12345678",
        "contact_email": "ww@alpha.example",
        "website": "https://alpha.example",
        "description": "我们做电池",
    }
    response = await client.patch(f"/tenants/{a['uscc']}", json=changes)
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changes} == changes


async def test_tenant_cannot_change_manager_owned_fields(tenant_pair, manager):
    a, _, client = tenant_pair
    before = (await manager.get(f"/tenants/{a['uscc']}")).json()
    response = await client.patch(
        f"/tenants/{a['uscc']}",
        json={
            "name": "自封大企业",
            "status": "graduated",
            "platform_level": "national",
            "website": "https://ok.example",
        },
    )
    assert field_errors(response, 403) == {
        "name": "manager_owned",
        "status": "manager_owned",
        "platform_level": "manager_owned",
    }
    assert (await manager.get(f"/tenants/{a['uscc']}")).json() == before


async def test_statistician_cannot_change_a_tenant(statistician):
    tenant = await make_tenant()
    assert_problem(await statistician.patch(f"/tenants/{tenant['uscc']}", json={"website": "https://s.example"}), 403)


async def test_delete_is_refused_while_the_tenant_holds_ip(manager):
    tenant = await make_tenant()
    await make_ip(tenant["uscc"])
    body = assert_problem(await manager.delete(f"/tenants/{tenant['uscc']}"), 409)
    assert "1" in body["detail"]
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).status_code == 200


async def test_delete_is_refused_while_the_tenant_holds_reports(manager):
    tenant = await make_tenant()
    await make_report(tenant["uscc"], "2017H1")
    assert_problem(await manager.delete(f"/tenants/{tenant['uscc']}"), 409)
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).status_code == 200


async def test_delete_of_an_empty_tenant_is_204_and_audited(manager):
    tenant = await make_tenant()
    response = await manager.delete(f"/tenants/{tenant['uscc']}", headers={"X-Request-ID": "del-tenant-1"})
    request_id = response.headers["x-request-id"]
    assert request_id != "del-tenant-1"  # the server names its requests
    assert response.status_code == 204
    assert_problem(await manager.get(f"/tenants/{tenant['uscc']}"), 404)
    trail = (await manager.get("/audit", params={"entity": "tenant", "uscc": tenant["uscc"]})).json()["items"]
    deleted = trail[0]
    assert deleted["action"] == "delete" and deleted["actor"] == manager.username
    assert deleted["source"] == f"request:{request_id}"
    assert deleted["before"]["name"] == tenant["name"] and deleted["after"] is None


async def test_delete_with_a_stale_etag_is_412(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    etag = (await manager.get(path)).headers["ETag"]
    await manager.patch(path, json={"website": "https://changed.example"})
    assert_problem(await manager.delete(path, headers={"If-Match": etag}), 412)
    assert (await manager.get(path)).status_code == 200


async def test_delete_of_an_unknown_tenant_is_404(manager):
    assert_problem(await manager.delete(f"/tenants/{new_uscc()}"), 404)


async def test_tenant_cannot_delete_itself(tenant_pair, manager):
    a, _, client = tenant_pair
    assert_problem(await client.delete(f"/tenants/{a['uscc']}"), 403)
    assert (await manager.get(f"/tenants/{a['uscc']}")).status_code == 200


async def test_delete_is_refused_while_accounts_belong_to_the_tenant(manager, anonymous):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    names = [f"t-del-{uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        body = {"username": name, "password": PASSWORD, "role": "tenant", "tenant_uscc": tenant["uscc"]}
        assert (await manager.post("/users", json=body)).status_code == 201
    # Even a deactivated account blocks: it could be switched on again.
    await manager.patch(f"/users/{names[1]}", json={"active": False})
    detail = assert_problem(await manager.delete(path), 409)["detail"]
    assert names[0] in detail and names[1] in detail
    assert (await manager.get(path)).status_code == 200
    signed_in = await anonymous.post(
        "/auth/token", json={"username": names[0], "password": PASSWORD}, headers=spoofed_address()
    )
    assert signed_in.status_code == 200

    other = await make_tenant()
    assert (await manager.patch(f"/users/{names[0]}", json={"tenant_uscc": other["uscc"]})).status_code == 200
    assert names[0] not in assert_problem(await manager.delete(path), 409)["detail"]
    assert (await manager.delete(f"/users/{names[1]}")).status_code == 204
    assert (await manager.delete(path)).status_code == 204
    assert_problem(await manager.get(path), 404)


async def test_deleting_a_tenant_and_registering_its_uscc_again_brings_back_no_account(manager, anonymous):
    tenant = await make_tenant()
    name = f"t-del-{uuid4().hex[:8]}"
    body = {"username": name, "password": PASSWORD, "role": "tenant", "tenant_uscc": tenant["uscc"]}
    await manager.post("/users", json=body)
    old = (
        await anonymous.post("/auth/token", json={"username": name, "password": PASSWORD}, headers=spoofed_address())
    ).json()["access_token"]
    assert (await manager.delete(f"/users/{name}")).status_code == 204
    assert (await manager.delete(f"/tenants/{tenant['uscc']}")).status_code == 204
    again = {k: tenant[k] for k in ("uscc", "name", "industry", "status")}
    assert (await manager.post("/tenants", json=again)).status_code == 201
    assert_problem(await anonymous.get(f"/tenants/{tenant['uscc']}", headers={"Authorization": f"Bearer {old}"}), 401)
    signed_in = await anonymous.post(
        "/auth/token", json={"username": name, "password": PASSWORD}, headers=spoofed_address()
    )
    assert_problem(signed_in, 401)


async def test_an_account_made_while_its_tenant_is_deleted_is_never_left_behind(manager, admin):
    for _ in range(8):
        tenant = await make_tenant()
        name = f"t-race-{uuid4().hex[:8]}"
        body = {"username": name, "password": PASSWORD, "role": "tenant", "tenant_uscc": tenant["uscc"]}
        created, deleted = await asyncio.gather(
            manager.post("/users", json=body), manager.delete(f"/tenants/{tenant['uscc']}")
        )
        # One of the two wins; never a deleted tenant with an account still belonging to it.
        assert {created.status_code, deleted.status_code} in ({201, 409}, {422, 204}), (created.text, deleted.text)
        if deleted.status_code == 204:
            assert_problem(await admin.get(f"/users/{name}"), 404)


async def test_the_torch_forms_tenant_fields_are_kept_and_checked(manager):
    uscc = new_uscc()
    response = await manager.post("/tenants", json={
        "uscc": uscc, "name": "火炬字段企业", "industry": "new_energy", "status": "incubating",
        "founder_type": "returnee", "tech_sme_no": "201743021100000123", "listing": "neeq",
        "platform_level": "national", "platform_level_since": "2017-03-01",
    })  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["founder_type"], body["tech_sme_no"], body["listing"], body["platform_level_since"]) == (
        "returnee", "201743021100000123", "neeq", "2017-03-01",
    )  # fmt: skip
    refused = await manager.patch(f"/tenants/{uscc}", json={"founder_type": "astronaut"})
    assert refused.status_code == 422
    assert (await manager.get(f"/tenants/{uscc}")).json()["founder_type"] == "returnee"


async def test_a_tenant_carries_its_graduation_date_through_create_patch_and_read(manager):
    uscc = new_uscc()
    created = await manager.post("/tenants", json={
        "uscc": uscc, "name": "毕业日期企业", "industry": "other", "status": "graduated", "moved_in_on": "2015-11-01",
        "graduated_on": "2017-03-31"})  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["graduated_on"] == "2017-03-31"
    path = f"/tenants/{uscc}"
    etag = (await manager.get(path)).headers["ETag"]
    patched = await manager.patch(path, json={"graduated_on": "2017-06-30"}, headers={"If-Match": etag})
    assert patched.status_code == 200 and patched.json()["graduated_on"] == "2017-06-30"
    # Graduating before moving in is refused, naming the field.
    etag = patched.headers["ETag"]
    early = await manager.patch(path, json={"graduated_on": "2015-01-01"}, headers={"If-Match": etag})
    assert_problem(early, 422)
    assert "graduated_on" in {error["field"] for error in early.json()["errors"]}
    assert (await manager.get(path)).json()["graduated_on"] == "2017-06-30"
