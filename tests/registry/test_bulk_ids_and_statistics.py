"""Engine capabilities the bulk import leans on (registry.db): ids reserved before a COPY, the
planner's statistics brought up to date before hundreds of key lookups, and the next rows made
while the engine writes these."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from registry.db import fetch, fresh_statistics, insert_rows, reserve_ids, while_writing, write_transaction
from registry.tables import Tenant
from tests.conftest import engines_only, make_tenant


async def test_reserved_ids_are_free(database):
    await make_tenant()
    async with write_transaction():
        ids = await reserve_ids(Tenant._meta.tablename, 3)
    assert len(set(ids)) == 3
    taken = {row["id"] for row in await Tenant.select(Tenant.id).run()}
    assert not taken & set(ids)


@engines_only("postgres")
async def test_postgres_takes_them_from_the_sequence_so_no_other_writer_gets_them(database):
    async with write_transaction():
        ids = await reserve_ids(Tenant._meta.tablename, 3)
    later = await make_tenant()
    stored = await Tenant.select(Tenant.id).where(Tenant.uscc == later["uscc"]).first().run()
    assert stored["id"] > max(ids)


async def test_ids_are_reserved_only_inside_a_write_transaction(database):
    with pytest.raises(RuntimeError):
        await reserve_ids(Tenant._meta.tablename, 1)


async def test_work_beside_a_write_gives_its_result_and_the_write_is_done(database):
    tenant = await make_tenant()
    calls: list[str] = []

    async def write() -> None:
        await insert_rows(
            "audit_entry",
            ("at", "actor", "source", "action", "entity", "entity_key", "uscc"),
            [(date(2026, 1, 1), "t", "test", "create", "tenant", tenant["uscc"], tenant["uscc"])],
        )
        calls.append("write")

    def work() -> list[int]:
        calls.append("work")
        return [1, 2]

    async with write_transaction():
        assert await while_writing(write(), work) == [1, 2]
    assert sorted(calls) == ["work", "write"]
    assert len(await fetch("SELECT 1 AS one FROM audit_entry WHERE actor = 't'")) == 1


@engines_only("sqlite")
async def test_sqlite_does_the_work_after_the_write(database):
    calls: list[str] = []

    async def write() -> None:
        await fetch("SELECT 1 AS one")
        calls.append("write")

    assert await while_writing(write(), lambda: calls.append("work")) is None
    assert calls == ["write", "work"]  # the writer binds under the GIL: side by side they only take turns


@engines_only("postgres")
async def test_postgres_does_the_work_in_a_thread_while_the_server_writes(database):
    seen: dict[str, float | int] = {}

    async def write() -> None:
        await fetch("SELECT pg_sleep(0.3)")
        seen["written"] = time.perf_counter()

    def work() -> None:
        seen["thread"] = threading.get_ident()
        seen["worked"] = time.perf_counter()

    await while_writing(write(), work)
    assert seen["thread"] != threading.get_ident()
    assert seen["worked"] < seen["written"]  # done while the server still slept


async def test_a_failed_write_is_raised(database):
    async def write() -> None:
        await fetch("SELECT * FROM no_such_table")

    with pytest.raises(Exception, match="no_such_table"):
        await while_writing(write(), lambda: None)


@engines_only("postgres")
async def test_a_failed_write_is_raised_only_after_the_work_beside_it_has_ended(database):
    ended: list[bool] = []

    async def write() -> None:
        await fetch("SELECT * FROM no_such_table")

    def work() -> None:
        time.sleep(0.1)
        ended.append(True)

    with pytest.raises(Exception, match="no_such_table"):
        await while_writing(write(), work)
    assert ended == [True]  # no thread left running into the next round


async def test_failed_work_is_raised(database):
    async def write() -> None:
        await fetch("SELECT 1 AS one")

    def work() -> None:
        raise ValueError("the rows could not be made")

    with pytest.raises(ValueError, match="could not be made"):
        await while_writing(write(), work)


@engines_only("postgres")
async def test_a_table_never_analysed_is_analysed(database):
    await fetch("DROP TABLE IF EXISTS stats_probe")
    await fetch("CREATE TABLE stats_probe (id serial PRIMARY KEY, word text)")
    await fetch("INSERT INTO stats_probe (word) SELECT 'w' || n FROM generate_series(1, 2000) AS n")
    assert await fetch("SELECT 1 FROM pg_stats WHERE tablename = 'stats_probe'") == []

    await fresh_statistics("stats_probe")

    assert await fetch("SELECT 1 FROM pg_stats WHERE tablename = 'stats_probe'") != []
    await fetch("DROP TABLE stats_probe")


@engines_only("sqlite")
async def test_sqlite_needs_no_statistics(database):
    await fresh_statistics("tenant")
    assert await fetch("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'") == []


@engines_only("postgres")
async def test_statistics_are_never_refreshed_inside_a_transaction(database):
    async with write_transaction():
        with pytest.raises(RuntimeError):
            await fresh_statistics("tenant")


async def test_rebuilding_the_deadlines_keeps_what_the_rule_says_and_drops_the_rest(database):
    from registry.services import deadline_table
    from registry.tables import IPDeadline
    from tests.api.factories import make_ip

    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])  # filed 2018, granted 2019: year 3 the next fee, and the expiry
    kept = await IPDeadline.select().where(IPDeadline.item == item["id"]).order_by(IPDeadline.id).run()
    # A row the earlier rule kept (a later unpaid year), and one of an item's old tenant.
    await IPDeadline.insert(
        IPDeadline(
            item=item["id"],
            tenant=kept[0]["tenant"],
            kind="invention",
            deadline="annual_fee",
            patent_year=9,
            due_on=date(2026, 3, 1),
            last_day=date(2026, 9, 1),
            fee=200000,
        )
    ).run()

    await deadline_table.rebuild()

    rows = await IPDeadline.select().where(IPDeadline.item == item["id"]).order_by(IPDeadline.id).run()
    assert [(r["deadline"], r["patent_year"]) for r in rows] == [("annual_fee", 3), ("expiry", None)]
    assert [(r["deadline"], r["patent_year"]) for r in kept] == [("annual_fee", 3), ("expiry", None)]


@engines_only("sqlite")
async def test_a_sqlite_write_transaction_has_a_page_cache_for_bulk_writes(database):
    async with write_transaction():
        assert await fetch("PRAGMA cache_size") == [{"cache_size": -16384}]  # KiB: 16 MB, not the 2 MB default
    assert await fetch("PRAGMA cache_size") == [{"cache_size": -2000}]  # the kept reading connection's default
