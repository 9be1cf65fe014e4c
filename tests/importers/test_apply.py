"""GET /imports (the history) and POST /imports/{id}/apply (a dry run applied without a second upload)."""

from __future__ import annotations

import pytest

from registry.actor import SYSTEM
from registry.services import tenants
from tests.api.factories import assert_problem, field_errors
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import registry_state, xlsx
from tests.importers.test_messy_files import TENANT_HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def manager(as_role):
    """A manager's API client (the package's own `manager` fixture is an Actor)."""
    return await as_role("manager")


def _file(*rows: list) -> dict:
    return {"file": ("企业.xlsx", xlsx({"企业": [TENANT_HEADERS, *rows]}), XLSX)}


async def _dry_run(client, *rows: list) -> dict:
    response = await client.post("/imports", params={"dry_run": "true"}, files=_file(*rows))
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_clean_dry_run_is_applied_without_uploading_again(manager):
    uscc, other = new_uscc(), new_uscc()
    dry = await _dry_run(
        manager,
        [uscc, "应用企业甲", "电子信息", "在孵", "2017/3/5"],
        [other, "应用企业乙", "新能源", "在孵", "2017/4/1"],
    )
    assert (await manager.get(f"/tenants/{uscc}")).status_code == 404

    applied = await manager.post(f"/imports/{dry['id']}/apply")

    assert applied.status_code == 201, applied.text
    body = applied.json()
    assert body["status"] == "applied" and body["id"] != dry["id"] and not body["dry_run"]
    assert body["sheets"] == dry["sheets"] and body["file"] == dry["file"]
    assert applied.headers["location"] == f"/api/v1/imports/{body['id']}"
    assert (await manager.get(f"/tenants/{uscc}")).json()["name"] == "应用企业甲"
    assert (await manager.get(f"/tenants/{other}")).json()["industry"] == "new_energy"
    assert (await manager.get(f"/imports/{dry['id']}")).json()["applied_as"] == body["id"]
    audit = (await manager.get("/audit", params={"uscc": uscc})).json()["items"]
    assert [entry["source"] for entry in audit] == [f"import:{body['id']}"]


async def test_every_batch_and_its_application_are_in_the_audit_trail(manager):
    dry = await _dry_run(manager, [new_uscc(), "批次留痕", "电子信息", "在孵", "2017/3/5"])
    applied = (await manager.post(f"/imports/{dry['id']}/apply")).json()

    trail = (await manager.get("/audit", params={"entity": "import"})).json()["items"]
    by_key = {(entry["entity_key"], entry["action"]): entry for entry in trail}
    created = by_key[(str(dry["id"]), "create")]
    assert created["after"]["status"] == "dry_run" and created["after"]["sha256"] == dry["file"]["sha256"]
    assert created["after"]["counts"]["tenants"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "cleared": 0,
    }
    assert by_key[(str(applied["id"]), "create")]["after"]["status"] == "applied"
    link = by_key[(str(dry["id"]), "update")]
    assert (link["before"], link["after"]) == ({"applied_batch": None}, {"applied_batch": applied["id"]})


async def test_a_dry_run_is_applied_once(manager):
    dry = await _dry_run(manager, [new_uscc(), "只应用一次", "电子信息", "在孵", "2017/3/5"])
    first = await manager.post(f"/imports/{dry['id']}/apply")
    assert first.status_code == 201
    before = await registry_state()
    again = await manager.post(f"/imports/{dry['id']}/apply")
    assert "already applied" in assert_problem(again, 409)["detail"]
    assert await registry_state() == before


async def test_a_registry_changed_since_the_dry_run_is_409_with_both_plans(manager):
    uscc, taken = new_uscc(), new_uscc()
    dry = await _dry_run(
        manager,
        [uscc, "变化前企业", "电子信息", "在孵", "2017/3/5"],
        [taken, "被抢先登记", "电子信息", "在孵", "2017/3/5"],
    )
    assert dry["sheets"]["tenants"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    # Meanwhile someone registers one of the file's tenants with other details.
    await make_tenant(uscc=taken, name="抢先登记的名字", industry="other")
    before = await registry_state()

    response = await manager.post(f"/imports/{dry['id']}/apply")

    body = assert_problem(response, 409)
    assert body["plans"]["dry_run"]["tenants"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "cleared": 0,
    }
    assert body["plans"]["now"]["tenants"] == {"created": 1, "updated": 1, "unchanged": 0, "skipped": 0, "cleared": 0}
    assert await registry_state() == before
    assert (await manager.get(f"/tenants/{uscc}")).status_code == 404
    assert (await manager.get(f"/imports/{dry['id']}")).json()["applied_as"] is None


async def test_a_change_that_keeps_the_counts_still_stops_the_apply(manager):
    uscc = new_uscc()
    await make_tenant(uscc=uscc, name="旧名字", industry="electronic_info")
    dry = await _dry_run(manager, [uscc, "新名字", "电子信息", "在孵", "2016/3/1"])
    assert dry["sheets"]["tenants"]["updated"] == 1
    await tenants.update_tenant(SYSTEM, uscc, {"name": "别人改的名字"})  # still one update, but from another name

    response = await manager.post(f"/imports/{dry['id']}/apply")

    body = assert_problem(response, 409)
    assert body["plans"]["dry_run"] == body["plans"]["now"]
    assert (await manager.get(f"/tenants/{uscc}")).json()["name"] == "别人改的名字"


async def test_only_a_clean_dry_run_can_be_applied(manager):
    invalid = await manager.post(
        "/imports", params={"dry_run": "true"}, files=_file(["not-a-uscc", "坏企业", "电子信息", "在孵", "2017/3/5"])
    )
    assert invalid.status_code == 422
    assert (
        "only a clean dry run"
        in assert_problem(await manager.post(f"/imports/{invalid.json()['id']}/apply"), 409)["detail"]
    )
    applied = await manager.post("/imports", files=_file([new_uscc(), "直接导入", "电子信息", "在孵", "2017/3/5"]))
    assert applied.status_code == 201
    assert_problem(await manager.post(f"/imports/{applied.json()['id']}/apply"), 409)
    assert_problem(await manager.post("/imports/999999999/apply"), 404)


async def test_the_history_lists_batches_newest_first_and_by_status(manager):
    first = await _dry_run(manager, [new_uscc(), "历史一", "电子信息", "在孵", "2017/3/5"])
    second = await manager.post("/imports", files=_file([new_uscc(), "历史二", "电子信息", "在孵", "2017/3/5"]))
    listed = (await manager.get("/imports", params={"limit": 2})).json()
    assert [b["id"] for b in listed["items"]] == [second.json()["id"], first["id"]]
    assert listed["total"] >= 2 and listed["limit"] == 2
    dry_runs = (await manager.get("/imports", params={"status": "dry_run", "limit": 500})).json()["items"]
    assert first["id"] in [b["id"] for b in dry_runs] and {b["status"] for b in dry_runs} == {"dry_run"}
    assert field_errors(await manager.get("/imports", params={"status": "done"})) == {"status": "not_a_choice"}


@pytest.mark.parametrize("rows", ["new", "unchanged"])
async def test_twenty_applies_at_once_apply_a_dry_run_once(manager, rows):
    """The at-most-once check is made by the write that names the applying batch, inside its
    transaction: of 20 parallel applies, one answers 201 and the rest 409, and one batch is applied."""
    import asyncio

    from registry.tables import ImportBatch

    stored = await make_tenant()
    uscc = new_uscc()
    row = (
        [uscc, "并发应用企业", "电子信息", "在孵", "2017/3/5"]
        if rows == "new"
        else [stored["uscc"], stored["name"], "电子信息", "在孵", "2016-03-01"]
    )
    dry = await _dry_run(manager, row)
    answers = await asyncio.gather(*(manager.post(f"/imports/{dry['id']}/apply") for _ in range(20)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19, [
        a.text for a in answers if a.status_code >= 500
    ]
    for refused in (a for a in answers if a.status_code == 409):
        assert_problem(refused, 409)
    applied = (
        await ImportBatch.select(ImportBatch.id)
        .where((ImportBatch.status == "applied") & (ImportBatch.sha256 == dry["file"]["sha256"]))
        .run()
    )
    assert len(applied) == 1
    assert (await manager.get(f"/imports/{dry['id']}")).json()["applied_as"] == applied[0]["id"]
