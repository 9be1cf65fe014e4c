"""How the registry binds Piccolo, and the one raw-statement path (registry/db.py).

The private Piccolo method `KeptSQLiteEngine` overrides is pinned with the other libraries' private
names in tests/test_library_internals.py. `registry/services/accounts.py` hashes passwords with its own
PBKDF2 count through `hash_password(iterations=)`. `registry.db.use_database` binds every table class anew
through `Table._meta.db` (found by walking `Table.__subclasses__()`), and Piccolo's migrations find the
engine as `piccolo_conf.DB`, which the registry answers from a module `__getattr__`.
"""

from __future__ import annotations

import inspect

from piccolo.apps.migrations.tables import Migration
from piccolo.apps.user.tables import BaseUser
from piccolo.engine import engine_finder
from piccolo.table import Table, TableMeta

from registry import db
from registry.db import _compiled, _table_classes, any_of, engine, engine_from_url, fetch, use_database
from registry.services.accounts import DEFAULT_ITERATIONS
from registry.tables import TABLES, Tenant
from tests.conftest import make_tenant


def test_piccolo_lets_a_table_be_bound_to_another_engine_through_its_meta():
    assert isinstance(TableMeta.db, property) and TableMeta.db.fset is not None
    # A table made without an engine finds one on first use, through PICCOLO_CONF's DB, and keeps it.
    assert "engine_finder()" in inspect.getsource(TableMeta.db.fget)

    class Unbound(Table, tablename="unbound_pin"):
        pass

    found = set(_table_classes())
    assert {*TABLES, Migration, BaseUser, Unbound} <= found


def test_piccolo_finds_the_bound_engine_as_piccolo_conf_db(tmp_path):
    assert engine_finder() is engine()
    other = engine_from_url(f"sqlite:///{tmp_path}/other.sqlite")
    original = use_database(other)
    try:
        assert db.DB is other and engine_finder() is other
        assert all(table._meta.db is other for table in (*TABLES, Migration, BaseUser))
    finally:
        use_database(original)
    assert engine_finder() is original and Tenant._meta.db is original


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
