"""The tenant list as filtered, as a workbook: the rows the list finds, in its order, more than a page of them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from exports.tenant_list import tenant_list_workbook
from registry.actor import Actor
from registry.errors import Forbidden, ValidationFailed
from registry.services import tenants
from registry.services.listing import MAX_LIMIT, Page
from tests.conftest import make_tenant, new_uscc

READER = Actor(username="office", role="statistician")


async def test_the_workbook_holds_every_tenant_the_filters_find_in_the_lists_order():
    mark = new_uscc()[-6:]
    for n in range(MAX_LIMIT + 3):  # more than one page of the list
        await make_tenant(name=f"名单{mark}-{n:04d}", industry="new_energy" if n % 2 else "other")
    content = await tenant_list_workbook(READER, q=f"名单{mark}", industry="new_energy", sort="-name", lang="en")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    name = list(rows[0]).index("Name")
    listed = await tenants.list_tenants(READER, Page(MAX_LIMIT, 0, "-name"), "new_energy", None, f"名单{mark}")
    assert len(rows) - 1 == listed["total"] == (MAX_LIMIT + 3) // 2
    assert [row[name] for row in rows[1 : MAX_LIMIT + 1]] == [t["name"] for t in listed["items"]]


async def test_a_bad_filter_is_refused_and_a_tenant_may_not_export_the_park():
    with pytest.raises(ValidationFailed):
        await tenant_list_workbook(READER, industry="mining")
    tenant = await make_tenant()
    with pytest.raises(Forbidden):
        await tenant_list_workbook(Actor(username="t", role="tenant", tenant_uscc=tenant["uscc"]))
