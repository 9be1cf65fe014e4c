"""How the registry binds Piccolo, and the one raw-statement path (registry/db.py).

The private Piccolo method `KeptSQLiteEngine` overrides is pinned with the other libraries' private
names in tests/test_library_internals.py. `registry/services/accounts.py` hashes passwords with its own
PBKDF2 count through `hash_password(iterations=)`. Every registry table is bound once to
`registry.db.BOUND` (Piccolo's `Table._meta.db`), which answers as the engine of the database bound to
the running context, and Piccolo's migrations find that engine as `piccolo_conf.DB`, answered from a
module `__getattr__`.
"""

from __future__ import annotations

import inspect
from dataclasses import replace

from piccolo.apps.migrations.tables import Migration
from piccolo.apps.user.tables import BaseUser
from piccolo.engine import engine_finder
from piccolo.query.base import Query
from piccolo.table import TableMeta

from registry.db import BOUND, Database, _compiled, any_of, bound, engine, fetch
from registry.services.accounts import DEFAULT_ITERATIONS
from registry.tables import TABLES, Tenant
from tests.conftest import SETTINGS, make_tenant


def test_piccolo_runs_a_tables_queries_on_the_engine_its_meta_names_at_each_query(database):
    assert isinstance(TableMeta.db, property) and TableMeta.db.fset is not None
    assert all(table._meta.db is BOUND for table in TABLES)
    # Piccolo asks the table's engine when it runs a query, not when the table is made.
    assert "self.table._meta.db" in inspect.getsource(Query._run)
    assert Migration._meta.db is BOUND  # registry.migrate binds Piccolo's own table of migrations run


async def test_piccolo_finds_the_bound_engine_as_piccolo_conf_db(tmp_path):
    assert engine_finder() is engine()
    other = Database(replace(SETTINGS, database_url=f"sqlite:///{tmp_path}/other.sqlite"))
    with bound(other):
        try:
            assert engine_finder() is other.engine and BOUND.engine_type == "sqlite"
            assert await Tenant.table_exists().run() is False
        finally:
            await other.close()
    assert engine_finder() is engine() is not other.engine


def test_piccolo_hashes_with_the_count_the_registry_names():
    _, iterations, _, _ = BaseUser.split_stored_password(BaseUser.hash_password("a password", iterations=2_000))
    assert int(iterations) == 2_000
    assert DEFAULT_ITERATIONS >= 600_000


def test_named_parameters_become_the_drivers_placeholders():
    sql = "SELECT a FROM t WHERE x = :first AND y::int = :second AND z = :first AND w = 'a:b'"
    assert _compiled(sql, numbered=True) == (
        "SELECT a FROM t WHERE x = $1 AND y::int = $2 AND z = $1 AND w = 'a:b'",
        ("first", "second"),
    )
    assert _compiled(sql, numbered=False) == (
        "SELECT a FROM t WHERE x = ? AND y::int = ? AND z = ? AND w = 'a:b'",
        ("first", "second", "first"),
    )


async def test_a_raw_statement_reads_with_named_parameters_on_either_engine(database):
    tenant = await make_tenant()
    other = await make_tenant()
    condition, params = any_of("uscc", [tenant["uscc"], other["uscc"]], "usccs")
    rows = await fetch(
        f"SELECT uscc, moved_in_on FROM tenant WHERE {condition} AND uscc <> :not ORDER BY uscc",
        {**params, "not": other["uscc"]},
    )
    assert rows == [{"uscc": tenant["uscc"], "moved_in_on": tenant["moved_in_on"]}]
