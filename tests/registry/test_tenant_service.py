import pytest

from registry.actor import Actor
from registry.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from registry.services import tenants
from registry.tables import AuditEntry
from tests.conftest import make_tenant, new_uscc


async def test_tenant_is_created_with_codes_and_audited(system_actor):
    row, _ = await tenants.create_tenant(
        system_actor,
        {
            "uscc": new_uscc().lower(),
            "name": "动力谷测试一",
            "industry": "电子信息",
            "status": "在孵",
            "moved_in_on": "2016年3月5日",
        },
    )
    assert row["industry"] == "electronic_info" and row["status"] == "incubating"
    assert str(row["moved_in_on"]) == "2016-03-05"
    assert row["uscc"].isupper()
    entries = await AuditEntry.select().where(AuditEntry.entity_key == row["uscc"]).run()
    assert [e["action"] for e in entries] == ["create"]


async def test_every_invalid_field_is_reported_at_once(system_actor):
    with pytest.raises(ValidationFailed) as failure:
        await tenants.create_tenant(
            system_actor, {"uscc": "91110000600037341X", "industry": "mining", "status": "incubating", "colour": "red"}
        )
    fields = {e.field for e in failure.value.errors}
    assert fields == {"uscc", "industry", "name", "colour"}


async def test_duplicate_uscc_conflicts(system_actor):
    row = await make_tenant()
    with pytest.raises(Conflict):
        await make_tenant(uscc=row["uscc"])


async def test_stale_version_is_refused(system_actor):
    row = await make_tenant()
    await tenants.update_tenant(system_actor, row["uscc"], {"name": "新名"}, if_version=row["version"])
    with pytest.raises(PreconditionFailed):
        await tenants.update_tenant(system_actor, row["uscc"], {"name": "再改"}, if_version=row["version"])


async def test_tenant_changes_only_self_service_fields_of_its_own_tenant():
    mine, other = await make_tenant(), await make_tenant()
    me = Actor("t", "tenant", mine["uscc"])
    updated, _ = await tenants.update_tenant(me, mine["uscc"], {"website": "https://example.cn"})
    assert updated["website"] == "https://example.cn"
    with pytest.raises(Forbidden):
        await tenants.update_tenant(me, mine["uscc"], {"status": "graduated"})
    with pytest.raises(NotFound):
        await tenants.update_tenant(me, other["uscc"], {"website": "https://evil.cn"})
    assert (await tenants.fetch(other["uscc"]))["website"] is None
