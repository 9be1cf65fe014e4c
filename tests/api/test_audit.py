"""The audit trail over HTTP: every change with who, where from, and before -> after."""

from __future__ import annotations

import pytest

from tests.api.factories import assert_problem, fresh_patent_number, make_tenant, new_uscc
from tests.importers.conftest import xlsx
from tests.importers.test_messy_files import TENANT_HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _trail(client, **query) -> list[dict]:
    response = await client.get("/audit", params={"limit": 500, **query})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_tenant_create_update_delete_are_recorded_with_actor_source_and_values(manager):
    uscc = new_uscc()
    # The server names each request (a client's X-Request-ID is no provenance) and says its name back.
    answers = [
        await manager.post(
            "/tenants",
            json={"uscc": uscc, "name": "审计企业", "industry": "other", "status": "incubating"},
            headers={"X-Request-ID": "client-made"},
        ),
        await manager.patch(f"/tenants/{uscc}", json={"name": "审计企业改名", "website": "https://audit.example"}),
        await manager.delete(f"/tenants/{uscc}"),
    ]
    ids = [answer.headers["x-request-id"] for answer in answers]
    assert "client-made" not in ids and len(set(ids)) == 3

    deleted, updated, created = await _trail(manager, entity="tenant", uscc=uscc)
    assert [e["action"] for e in (created, updated, deleted)] == ["create", "update", "delete"]
    assert {e["actor"] for e in (created, updated, deleted)} == {manager.username}
    assert [e["source"] for e in (created, updated, deleted)] == [f"request:{id_}" for id_ in ids]
    assert created["before"] is None and created["after"]["name"] == "审计企业"
    assert updated["before"] == {"name": "审计企业", "website": None}
    assert updated["after"] == {"name": "审计企业改名", "website": "https://audit.example"}
    assert deleted["before"]["name"] == "审计企业改名" and deleted["after"] is None
    assert all(e["entity_key"] == uscc and e["uscc"] == uscc and e["at"] for e in (created, updated, deleted))


async def test_ip_changes_are_recorded(manager):
    tenant = await make_tenant()
    number = fresh_patent_number()
    created = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json={
            "kind": "invention",
            "number": number,
            "title": "审计专利",
            "status": "pending",
            "filed_on": "2018-03-01",
        },
    )
    item_id = created.json()["id"]
    await manager.patch(f"/ip/{item_id}", json={"status": "valid", "granted_on": "2020-01-02"})
    await manager.delete(f"/ip/{item_id}")
    trail = await _trail(manager, entity="ip", uscc=tenant["uscc"])
    assert [e["action"] for e in trail] == ["delete", "update", "create"]
    assert {e["entity_key"] for e in trail} == {f"invention:{number}"}
    assert trail[1]["before"] == {"status": "pending", "granted_on": None}
    assert trail[1]["after"] == {"status": "valid", "granted_on": "2020-01-02"}
    assert trail[0]["before"]["title"] == "审计专利"


async def test_report_changes_are_recorded_with_the_figure_that_changed(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2017H1"
    await manager.put(path, json={"revenue": "100.50", "employees": 5})
    await manager.put(path, json={"revenue": "200.00", "employees": 5})
    await manager.delete(path)
    trail = await _trail(manager, entity="report", uscc=tenant["uscc"])
    assert [e["action"] for e in trail] == ["delete", "update", "create"]
    assert set(trail[1]["before"]) == set(trail[1]["after"]) == {"revenue"}
    assert trail[1]["before"]["revenue"] != trail[1]["after"]["revenue"]
    assert trail[0]["entity_key"] == f"{tenant['uscc']}:2017H1"


async def test_unchanged_write_records_nothing(manager):
    tenant = await make_tenant()
    await manager.patch(f"/tenants/{tenant['uscc']}", json={"name": tenant["name"]})
    assert [e["action"] for e in await _trail(manager, entity="tenant", uscc=tenant["uscc"])] == ["create"]


async def test_tenants_own_changes_name_the_tenant_account(tenant_pair, manager):
    a, _, client = tenant_pair
    await client.patch(f"/tenants/{a['uscc']}", json={"contact_phone": "13800000000"})
    latest = (await _trail(manager, entity="tenant", uscc=a["uscc"]))[0]
    assert latest["actor"] == client.username and latest["action"] == "update"
    assert latest["source"].startswith("request:")


async def test_filters_narrow_by_entity_and_tenant(manager):
    one, two = await make_tenant(), await make_tenant()
    await manager.put(f"/tenants/{one['uscc']}/reports/2016", json={"revenue": "1.00"})
    only_one = await _trail(manager, uscc=one["uscc"])
    assert {e["uscc"] for e in only_one} == {one["uscc"]}
    assert {e["entity"] for e in only_one} == {"tenant", "report"}
    assert {e["entity"] for e in await _trail(manager, entity="report", uscc=one["uscc"])} == {"report"}
    assert two["uscc"] not in str(only_one)


async def test_audit_pages_newest_first(admin):
    tenant = await make_tenant()
    for n in range(3):
        await admin.patch(f"/tenants/{tenant['uscc']}", json={"website": f"https://v{n}.example"})
    page = (await admin.get("/audit", params={"uscc": tenant["uscc"], "limit": 2, "offset": 1})).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [e["after"].get("website") for e in page["items"]] == ["https://v1.example", "https://v0.example"]


@pytest.mark.parametrize("role", ["statistician", "tenant"])
async def test_statisticians_and_tenants_cannot_read_the_trail(as_role, role):
    tenant = await make_tenant()
    client = await as_role(role, tenant["uscc"] if role == "tenant" else None)
    assert_problem(await client.get("/audit"), 403)
    assert_problem(await client.get("/audit", params={"uscc": tenant["uscc"]}), 403)


async def test_no_token_no_trail(anonymous):
    assert_problem(await anonymous.get("/audit"), 401)


async def test_tenant_filter_takes_the_uscc_in_any_case(manager):
    tenant = await make_tenant()
    trail = await _trail(manager, uscc=tenant["uscc"].lower())
    assert [e["action"] for e in trail] == ["create"]


async def test_filters_narrow_by_who_made_the_change(as_role):
    tenant = await make_tenant()
    first, second = await as_role("manager"), await as_role("manager")
    await first.patch(f"/tenants/{tenant['uscc']}", json={"website": "https://first.example"})
    await second.patch(f"/tenants/{tenant['uscc']}", json={"website": "https://second.example"})
    mine = await _trail(first, uscc=tenant["uscc"], actor=second.username)
    assert [e["after"] for e in mine] == [{"website": "https://second.example"}]


async def test_filters_narrow_to_one_import_batch(manager):
    uscc, other = new_uscc(), new_uscc()
    batches = []
    for key in (uscc, other):
        content = xlsx({"企业": [TENANT_HEADERS, [key, f"批次企业{key[-4:]}", "电子信息", "在孵", "2017/3/5"]]})
        response = await manager.post("/imports", files={"file": ("企业.xlsx", content, XLSX)})
        assert response.status_code == 201, response.text
        batches.append(response.json()["id"])
    trail = await _trail(manager, source=f"import:{batches[0]}")
    assert [(e["entity_key"], e["action"]) for e in trail] == [(uscc, "create")]
