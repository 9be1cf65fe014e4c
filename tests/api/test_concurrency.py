"""Writers at the same moment: one wins, the others are told why (409 or 412), never a 500 or a lost update."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from itertools import count

import pytest

from registry.actor import SYSTEM
from registry.services import rounds
from registry.tables import AuditEntry, PeriodReport
from tests.api.factories import fresh_patent_number, fresh_year, make_tenant, new_uscc, reopen_if_closed
from tests.conftest import engines_only

RACERS = 8


async def test_racing_creates_of_one_report_answer_201_once_and_200_otherwise(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    answers = await asyncio.gather(*[manager.put(path, json={"revenue": f"{n}.00"}) for n in range(RACERS)])
    assert sorted(r.status_code for r in answers) == [200] * (RACERS - 1) + [201]
    assert (await manager.get(path)).json()["version"] == RACERS


async def test_racing_registrations_of_one_number_answer_201_once_and_409_otherwise(manager):
    tenant = await make_tenant()
    body = {"kind": "invention", "number": fresh_patent_number(), "title": "抢注", "status": "pending"}
    answers = await asyncio.gather(*[manager.post(f"/tenants/{tenant['uscc']}/ip", json=body) for _ in range(RACERS)])
    assert sorted(r.status_code for r in answers) == [201] + [409] * (RACERS - 1)


async def test_racing_creates_of_one_tenant_answer_201_once_and_409_otherwise(manager):
    body = {"uscc": new_uscc(), "name": "抢先登记", "industry": "other", "status": "incubating"}
    answers = await asyncio.gather(*[manager.post("/tenants", json=body) for _ in range(RACERS)])
    assert sorted(r.status_code for r in answers) == [201] + [409] * (RACERS - 1)


async def test_racing_writes_with_the_same_etag_let_exactly_one_through(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    etag = (await manager.get(path)).headers["ETag"]
    answers = await asyncio.gather(
        *[
            manager.patch(path, json={"website": f"https://w{n}.example"}, headers={"If-Match": etag})
            for n in range(RACERS)
        ]
    )
    assert sorted(r.status_code for r in answers) == [200] + [412] * (RACERS - 1)
    winner = next(r for r in answers if r.status_code == 200).json()
    assert (await manager.get(path)).json()["website"] == winner["website"]


async def _close_among_writes(manager, statistician, tenants: list[dict]) -> None:
    year = fresh_year()

    async def write(n: int, tenant: dict):
        await asyncio.sleep(n * 0.005)  # writes keep arriving before, during and after the close
        return await manager.put(f"/tenants/{tenant['uscc']}/reports/{year}", json={"revenue": "1.00"}, timeout=120)

    writes = [asyncio.create_task(write(n, t)) for n, t in enumerate(tenants)]
    while sum(w.done() for w in writes) < 5:
        await asyncio.sleep(0.001)
    close = await statistician.post(f"/periods/{year}/close", timeout=120)
    answers = await asyncio.gather(*writes)
    try:
        assert close.status_code == 200, close.text
        assert {r.status_code for r in answers} <= {201, 409}, [
            r.text for r in answers if r.status_code not in (201, 409)
        ]
        entry = (
            await AuditEntry.select(AuditEntry.after)
            .where((AuditEntry.action == "close") & (AuditEntry.entity_key == str(year)))
            .output(load_json=True)
            .first()
            .run()
        )
        stored = await PeriodReport.count().where(PeriodReport.year == year).run()
        assert stored == entry["after"]["reports"] == sum(r.status_code == 201 for r in answers)
        assert stored >= 5
        late = await manager.put(f"/tenants/{tenants[0]['uscc']}/reports/{year}H1", json={"revenue": "1.00"})
        assert late.status_code == 409
    finally:
        await reopen_if_closed(year)


# SQLite's one writer orders the writes and the close; one round shows it. PostgreSQL needs the year's lock.
@pytest.mark.parametrize(
    "rounds",
    [
        pytest.param(3, marks=engines_only("postgres"), id="postgres"),
        pytest.param(1, marks=engines_only("sqlite"), id="sqlite"),
    ],
)
async def test_closing_a_year_among_parallel_report_writes_lets_none_commit_after_it(manager, statistician, rounds):
    """The close records how many reports the year had; were a write to commit after it, the year would hold
    more. (Without the year's lock, PostgreSQL let writes commit after the close in most of these rounds.)"""
    tenants = [await make_tenant() for _ in range(40)]
    for _ in range(rounds):
        await _close_among_writes(manager, statistician, tenants)


# Past years of their own (a round's tenants are those on record in its period; one round per period).
_round_years = count(1921)


async def test_racing_submits_accepts_and_closes_of_a_round_change_it_once_each(as_role, statistician):
    """Ten at once of each move: one state change and one audit entry per move; the others are told why."""
    year = next(_round_years)
    tenant = await make_tenant(moved_in_on=f"{year}-01-01", moved_out_on=f"{year + 1}-01-01", status="left")
    opened = await rounds.open_round(SYSTEM, {"period": str(year), "deadline": str(date.today() + timedelta(days=20))})
    path = f"/rounds/{opened.id}/returns/{tenant['uscc']}"
    filer = await as_role("tenant", tenant["uscc"])
    saved = await filer.put(path, json={"revenue": "1000.01", "total_income": "1000.01", "employees": 3})
    assert saved.status_code == 200, saved.text
    for client, move in ((filer, "submit"), (statistician, "accept")):
        answers = await asyncio.gather(*[client.post(f"{path}/{move}", json={}) for _ in range(10)])
        codes = sorted(r.status_code for r in answers)
        assert codes.count(200) == 1 and set(codes) <= {200, 409, 412}, [r.text for r in answers]
    closes = await asyncio.gather(*[statistician.post(f"/rounds/{opened.id}/close") for _ in range(10)])
    assert sorted(r.status_code for r in closes) == [200] + [409] * 9, [r.text for r in closes]

    entries = await AuditEntry.select(AuditEntry.entity, AuditEntry.action).where(
        AuditEntry.entity_key.is_in([str(opened.id), f"{opened.id}:{tenant['uscc']}"])
    )
    moves = sorted((e["entity"], e["action"]) for e in entries)
    assert moves.count(("return", "submit")) == 1 and moves.count(("return", "accept")) == 1, moves
    assert moves.count(("round", "close")) == 1, moves
    stats = (await statistician.get(f"/stats/{year}", params={"as_submitted": "true"})).json()
    assert stats["figures"]["revenue"]["value"] == "1000.01"  # the dataset to the fen
