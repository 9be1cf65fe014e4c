"""What a database holds, read straight from it (not through the registry's code, so a database written
by another release or left by a killed server reads the same): rows, counts of every table, and whether
the audit trail matches the records.

`assert_audit_matches_records(url)` is the one check that the trail and the records agree: every record
has the entries that made it, and no entry leaves standing a record that is not there. A new kind of
audited record (a round, issue 22) adds its line to `_RECORD_KEYS` or the check refuses its entries.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from contextlib import closing
from typing import Any

import asyncpg


async def rows(url: str, sql: str) -> list[dict[str, Any]]:
    """The rows of a plain statement (no parameters) on the database at `url`, on a connection of its own."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql).fetchall()]
    connection = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


async def execute(url: str, sql: str) -> None:
    """A plain statement (no parameters) run and committed on the database at `url`."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as connection:
            connection.execute(sql)
            connection.commit()
        return
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def tables(url: str) -> list[str]:
    """Every table of the database (the registry's and Piccolo's migration table)."""
    if url.startswith("sqlite:///"):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    return sorted(row["name"] for row in await rows(url, sql))


async def counts(url: str) -> dict[str, int]:
    """The number of rows of every table."""
    return {name: (await rows(url, f'SELECT COUNT(*) AS n FROM "{name}"'))[0]["n"] for name in await tables(url)}


# How the trail names each kind of record (registry.audit's keys), and the key of every such record there is.
_RECORD_KEYS = {
    "tenant": "SELECT uscc AS key FROM tenant",
    "ip": "SELECT kind || ':' || number AS key FROM ip_item",
    "ip_fee": "SELECT i.kind || ':' || i.number || ':' || CAST(f.patent_year AS TEXT) AS key "
    "FROM ip_fee f JOIN ip_item i ON i.id = f.item",
    "report": "SELECT t.uscc || ':' || r.period AS key FROM period_report r JOIN tenant t ON t.id = r.tenant",
    "period": "SELECT CAST(year AS TEXT) AS key FROM closed_year",
    "import": "SELECT CAST(id AS TEXT) AS key FROM import_batch",
    "account": "SELECT username AS key FROM account",
    "calendar_key": "SELECT t.uscc AS key FROM calendar_feed c JOIN tenant t ON t.id = c.tenant",
    "round": "SELECT CAST(id AS TEXT) AS key FROM report_round",
}
# Records that go with their owner (a database cascade, not an entry of their own): an entry of
# theirs may outlive them only if the owner it names is gone too.
_OWNER = {"ip_fee": ("ip", lambda key: key.rsplit(":", 1)[0]), "calendar_key": ("tenant", lambda key: key)}
_STANDING = {"create", "update", "close"}
_GONE = {"delete", "reopen"}


def _loaded(snapshot: Any) -> dict[str, Any]:
    if snapshot is None:
        return {}
    return json.loads(snapshot) if isinstance(snapshot, str) else dict(snapshot)


async def standing_by_trail(url: str) -> dict[str, set[str]]:
    """The records the audit trail leaves standing, by kind: its entries replayed in order."""
    standing: dict[str, set[str]] = defaultdict(set)
    trail = await rows(url, "SELECT id, action, entity, entity_key, before, after FROM audit_entry ORDER BY id")
    for entry in trail:
        entity, key, action = entry["entity"], entry["entity_key"], entry["action"]
        assert entity in _RECORD_KEYS, (
            f"audit entry {entry['id']} names a kind of record the check does not know: {entity}"
        )
        if action in _STANDING:
            standing[entity].add(key)
            if entity == "ip" and action == "update":  # an item renumbered: its entry names it by its new key
                kind, number = key.split(":", 1)
                before = _loaded(entry["before"])
                standing[entity].discard(f"{before.get('kind', kind)}:{before.get('number', number)}")
                standing[entity].add(key)
        elif action in _GONE or action == "correct" and entry["after"] is None:
            standing[entity].discard(key)
        elif action == "correct":  # a report written after its round closed (SPEC §9): created or changed
            standing[entity].add(key)
        else:
            raise AssertionError(f"audit entry {entry['id']} has an action the check does not know: {action}")
    return standing


async def assert_audit_matches_records(url: str) -> None:
    """Every record of the registry has the audit entries that made it, and no entry leaves standing a
    record that is not there (a write that reached its record but not its entry, or the reverse)."""
    standing = await standing_by_trail(url)
    problems = []
    for entity, sql in _RECORD_KEYS.items():
        records = {row["key"] for row in await rows(url, sql)}
        trail = standing.get(entity, set())
        if unrecorded := records - trail:
            problems.append(
                f"{entity}: {len(unrecorded)} records without their audit entry, e.g. {sorted(unrecorded)[:3]}"
            )
        phantoms = trail - records
        if entity in _OWNER:
            owner, owner_key = _OWNER[entity]
            owners = {row["key"] for row in await rows(url, _RECORD_KEYS[owner])}
            phantoms = {key for key in phantoms if owner_key(key) in owners}
        if phantoms:
            problems.append(
                f"{entity}: {len(phantoms)} audit entries name records that are not there, e.g. {sorted(phantoms)[:3]}"
            )
    assert not problems, "the audit trail does not match the records:\n" + "\n".join(problems)
