"""registry.services.bulk: the single services' rules for thousands of rows, audited, versioned."""

from __future__ import annotations

from datetime import date

import pytest

from registry.actor import SYSTEM, Actor
from registry.errors import Forbidden
from registry.records import clean
from registry.services import bulk, tenants
from registry.services.closed_years import close_year, reopen_year
from registry.services.reports import put_report
from registry.tables import AuditEntry, IPItem, PeriodReport
from registry.vocabulary import IP_FIELDS, REPORT_FIELDS, TENANT_FIELDS
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import patent, registry_state

IMPORTER = Actor("bulk-manager", "manager", source="import:test")


def _tenant(**fields) -> dict:
    return clean(TENANT_FIELDS, {"uscc": new_uscc(), "name": "批量企业", "industry": "其他", "status": "在孵"} | fields)


async def test_upsert_tenants_creates_updates_and_leaves_the_unchanged_alone():
    kept = await make_tenant()
    changed = await make_tenant()
    new = _tenant()
    counts = await bulk.upsert_tenants(
        IMPORTER,
        [
            new,
            {"uscc": changed["uscc"], "name": "改了名字"},
            {"uscc": kept["uscc"], "name": kept["name"], "industry": kept["industry"]},
        ],
    )
    assert counts.as_dict() == {"created": 1, "updated": 1, "unchanged": 1, "cleared": 0}
    assert (await tenants.fetch(new["uscc"]))["platform_level"] == "none"
    after = await tenants.fetch(changed["uscc"])
    assert after["name"] == "改了名字" and after["version"] == changed["version"] + 1
    assert (await tenants.fetch(kept["uscc"]))["version"] == kept["version"]
    entries = await AuditEntry.select().where(AuditEntry.source == "import:test").run()
    by_key = {(e["entity_key"], e["action"]): e for e in entries}
    assert (new["uscc"], "create") in by_key and (changed["uscc"], "update") in by_key
    assert not any(key == kept["uscc"] for key, _ in by_key)
    assert by_key[(changed["uscc"], "update")]["actor"] == "bulk-manager"


async def test_tenant_date_rules_of_the_single_service_apply_row_by_row():
    plan = await bulk.plan_tenants([_tenant(moved_in_on=date(2017, 1, 1), moved_out_on=date(2016, 1, 1)), _tenant()])
    assert [(p.index, p.field, p.code) for p in plan.problems] == [(0, "moved_out_on", "before_move_in")]
    assert plan.counts.created == 1


async def test_an_ip_number_of_another_tenant_is_a_problem_not_a_move():
    mine, theirs = await make_tenant(), await make_tenant()
    number = patent()
    row = clean(
        IP_FIELDS,
        {
            "uscc": theirs["uscc"],
            "kind": "invention",
            "number": number,
            "title": "他们的",
            "status": "pending",
            "filed_on": "2016-01-01",
        },
    )
    await bulk.upsert_ip_items(IMPORTER, [row])
    before = await registry_state()
    with pytest.raises(bulk.BulkRejected) as rejected:
        await bulk.upsert_ip_items(IMPORTER, [row | {"uscc": mine["uscc"], "title": "抢来的"}])
    assert [(p.index, p.field, p.code) for p in rejected.value.problems] == [(0, "number", "owned_by_other")]
    assert await registry_state() == before
    stored = await IPItem.select(IPItem.tenant.uscc.as_alias("uscc"), IPItem.title).where(IPItem.number == number).run()
    assert stored == [{"uscc": theirs["uscc"], "title": "他们的"}]


async def test_duplicate_rows_name_the_row_they_repeat():
    owner = await make_tenant()
    row = {"uscc": owner["uscc"], "kind": "invention", "number": patent(), "title": "x", "status": "pending"}
    spaced = row | {"number": "CN " + row["number"]}
    plan = await bulk.plan_ip_items([row, spaced])
    assert [(p.index, p.code, p.first) for p in plan.problems] == [(1, "duplicate_row", 0)]


async def test_closed_years_refuse_changes_but_not_identical_rows():
    owner = await make_tenant()
    await put_report(SYSTEM, owner["uscc"], "2002", {"revenue": "10.00"})
    await close_year(SYSTEM, 2002)
    try:
        same = clean(REPORT_FIELDS, {"uscc": owner["uscc"], "period": "2002", "revenue": "10.00"}, partial=True)
        assert (await bulk.upsert_reports(IMPORTER, [same])).as_dict() == {
            "created": 0,
            "updated": 0,
            "unchanged": 1,
            "cleared": 0,
        }
        plan = await bulk.plan_reports([same | {"revenue": 2000}, {"uscc": owner["uscc"], "period": "2002Q1"}])
        assert [(p.index, p.code) for p in plan.problems] == [(0, "period_closed"), (1, "period_closed")]
        assert "2002" in plan.problems[0].message
    finally:
        await reopen_year(SYSTEM, 2002)
    stored = await PeriodReport.select(PeriodReport.revenue).where(PeriodReport.tenant == owner["id"]).run()
    assert stored == [{"revenue": 1000}]


async def test_only_managers_and_admins_write_in_bulk():
    with pytest.raises(Forbidden):
        await bulk.upsert_tenants(Actor("t", "tenant", "X"), [_tenant()])
    with pytest.raises(Forbidden):
        await bulk.upsert_tenants(Actor("s", "statistician"), [_tenant()])
