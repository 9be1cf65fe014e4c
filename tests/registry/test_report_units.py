"""Period reports entered in another money unit (a form's 万元 switch) are stored exactly in fen."""

from __future__ import annotations

import pytest

from registry.actor import SYSTEM
from registry.errors import ValidationFailed
from registry.services import reports
from tests.conftest import make_tenant


async def test_figures_in_wan_yuan_are_stored_to_the_fen():
    tenant = await make_tenant()
    row, created = await reports.put_report(
        SYSTEM,
        tenant["uscc"],
        "2017H1",
        {"revenue": "1234.5678", "tax_paid": "0.000001", "employees": "12"},
        unit="万元",
    )
    assert created
    assert (row["revenue"], row["tax_paid"], row["employees"]) == (1_234_567_800, 1, 12)


async def test_a_figure_finer_than_a_fen_in_that_unit_is_refused_beside_its_field():
    tenant = await make_tenant()
    with pytest.raises(ValidationFailed) as failure:
        await reports.put_report(SYSTEM, tenant["uscc"], "2017H1", {"revenue": "0.0000001"}, unit="万元")
    assert [(e.field, e.code) for e in failure.value.errors] == [("revenue", "money_fraction")]


async def test_an_unknown_unit_is_refused():
    tenant = await make_tenant()
    with pytest.raises(ValidationFailed) as failure:
        await reports.put_report(SYSTEM, tenant["uscc"], "2017", {"revenue": "1"}, unit="dollars")
    assert [e.field for e in failure.value.errors] == ["unit"]
