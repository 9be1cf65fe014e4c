"""Every writer changes a stored record the one way (registry.services.versioning): only if it is still
at the version read, which the UPDATE itself checks, the version then going up by one."""

from datetime import date

import pytest

from registry.actor import SYSTEM
from registry.db import write_transaction
from registry.errors import Conflict, PreconditionFailed
from registry.services import bulk, tenants
from registry.services.versioning import write_change, write_changes
from registry.tables import AuditEntry, Tenant
from tests.conftest import make_tenant


async def test_a_change_is_written_only_at_the_version_read_and_bumps_it(empty_registry):
    first, second = await make_tenant(), await make_tenant()
    async with write_transaction():
        written = await write_changes(
            "tenant",
            [
                (first, {"name": "甲", "moved_in_on": date(2016, 4, 1)}),
                (second, {"name": "乙"}),
                ({**second, "version": 7}, {"name": "丙"}),
            ],
        )
    assert written == 2
    stored = {
        r["uscc"]: r for r in await Tenant.select(Tenant.uscc, Tenant.name, Tenant.moved_in_on, Tenant.version).run()
    }
    assert stored[first["uscc"]] == {"uscc": first["uscc"], "name": "甲", "moved_in_on": date(2016, 4, 1), "version": 2}
    assert (stored[second["uscc"]]["name"], stored[second["uscc"]]["version"]) == ("乙", 2)


async def test_a_single_write_from_a_stale_read_is_412_and_changes_nothing(empty_registry):
    row = await make_tenant()
    await tenants.update_tenant(SYSTEM, row["uscc"], {"name": "新名"})
    with pytest.raises(PreconditionFailed):
        async with write_transaction():
            await write_change("tenant", row, {"name": "旧读"})
    assert (await tenants.fetch(row["uscc"]))["name"] == "新名"


async def test_an_import_planned_before_a_record_moved_conflicts_and_writes_nothing(empty_registry):
    row = await make_tenant()
    plan = await bulk.plan_tenants([{**{k: row[k] for k in ("uscc", "industry", "status")}, "name": "导入名"}])
    assert len(plan.updates) == 1
    await tenants.update_tenant(SYSTEM, row["uscc"], {"name": "其间改名"})
    entries = await AuditEntry.count().run()
    with pytest.raises(Conflict):
        async with write_transaction():
            await bulk.apply_tenants(SYSTEM, plan)
    assert (await tenants.fetch(row["uscc"]))["name"] == "其间改名"
    assert await AuditEntry.count().run() == entries
