"""Bring the database to this version's schema, all or nothing, one process at a time.

Every upgrade, whatever its migrations do, and the data loaded with it (the first-start
food load, or the data a migration fills in) runs in **one transaction** on a
connection of :func:`planner.db.engine.make_migration_engine`:

- SQLite: ``BEGIN IMMEDIATE``, DDL included, so a process killed at any moment leaves
  the file as it was before the upgrade; a second process starting at the same moment
  waits for the write lock and then finds the work done.
- PostgreSQL: DDL is transactional; an advisory lock serialises concurrent starters.

A database left half-built by an older planner (its migrations committed table by
table: tables without a schema revision) is repaired in the same transaction when its
tables are empty, and refused with :class:`HalfBuiltSchemaError` when they hold data.

A warm start must not pay for importing Alembic (about a quarter of a second): the
newest revision is also written here as :data:`HEAD` (a test keeps it equal to the
migration scripts' head), and Alembic is loaded only when the database is behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection, Engine, inspect, text

from planner.db.engine import check_foreign_keys, lock_for_migration, make_migration_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision id; test_migrate checks it against the scripts.
HEAD = "0008_supplement_compounds"
#: Every revision this version knows, oldest first.
KNOWN_REVISIONS = (
    "0001_food_tables", "0002_plans", "0003_shopping", "0004_recipes", "0005_ids_from_sequences",
    "0006_full_nutrient_panel", "0007_everyday_foods", "0008_supplement_compounds",
)
#: Tables the full-text index adds on SQLite (the virtual table and its shadows).
FTS_TABLES = ("food_fts", "food_fts_data", "food_fts_idx", "food_fts_docsize", "food_fts_config")

#: Told the name of each step as it completes (a migration's revision, ``data``).
StepObserver = Callable[[str], None]


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer planner; upgrading the app is the way out."""


class HalfBuiltSchemaError(RuntimeError):
    """Tables without a schema revision that hold data: not safe to rebuild."""


class DataLoad(Protocol):
    """Data that belongs with the schema, loaded in the upgrade's transaction."""

    def needed(self, connection: Connection) -> bool: ...

    def load(self, connection: Connection) -> None: ...


@dataclass(frozen=True, slots=True)
class SchemaState:
    """What :func:`schema_state` found."""

    revision: str | None
    #: Our tables present without a revision (a half-built schema), by row count.
    orphan_tables: dict[str, int]

    @property
    def half_built(self) -> bool:
        return self.revision is None and bool(self.orphan_tables)

    @property
    def holds_data(self) -> bool:
        return any(self.orphan_tables.values())


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision_of(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return revision_of(connection)


def schema_state(connection: Connection) -> SchemaState:
    """The revision, and when there is none, which of our tables exist and their rows."""
    revision = revision_of(connection)
    if revision is not None:
        return SchemaState(revision, {})
    from planner.db.records import Base

    present = set(inspect(connection).get_table_names())
    ours = [name for name in Base.metadata.tables if name in present]
    counts = {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
        for name in ours
    }
    # The schema's own bookkeeping: empty by nature (the FTS index is external content).
    for name in ("alembic_version", *FTS_TABLES):
        if name in present:
            counts[name] = 0
    return SchemaState(None, counts)


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise SchemaTooNewError(
            f"the database has schema revision {revision}, which this version of planner "
            "does not know; it was written by a newer planner"
        )


def upgrade(
    engine: Engine,
    data: DataLoad | None = None,
    on_step: StepObserver | None = None,
    *,
    target: str = "head",
    before_migrating: Callable[[str], None] | None = None,
) -> bool:
    """Bring the schema to :data:`HEAD` and load ``data`` if needed, in one transaction.

    Refuses a database from a newer planner (:class:`SchemaTooNewError`) and a
    half-built one that holds data (:class:`HalfBuiltSchemaError`). Returns True when
    anything was written. The fast path (nothing to do) reads one row and imports
    nothing of Alembic. ``target`` stops at an older revision (tests of upgrades).
    ``before_migrating(revision)`` is called before a database that has a schema is
    migrated (the window and the CLI back the file up then).
    """
    wanted = HEAD if target == "head" else target
    with engine.connect() as connection:
        revision = revision_of(connection)
        _refuse_unknown(revision)
        if revision == wanted and (data is None or not data.needed(connection)):
            return False
    if before_migrating is not None and revision is not None and revision != wanted:
        before_migrating(revision)
    with migration_transaction(engine) as connection:
        # Another process may have done the work while this one waited for the lock.
        state = schema_state(connection)
        _refuse_unknown(state.revision)
        changed = False
        if state.half_built:
            _clear_half_built(connection, state)
            changed = True
        if state.revision != wanted:
            _run_alembic(connection, "upgrade", target, on_step)
            changed = True
        if data is not None and data.needed(connection):
            data.load(connection)
            if on_step is not None:
                on_step("data")
            changed = True
        return changed


def downgrade(engine: Engine, target: str) -> None:
    """Take the schema back to ``target`` (``base``: nothing), in one transaction."""
    with migration_transaction(engine) as connection:
        _run_alembic(connection, "downgrade", target, None)


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One locked transaction on the migration engine; committed when the block ends.

    Foreign keys are checked before the commit (SQLite has them off while migrating).
    """
    migration_engine = make_migration_engine(engine.url)
    try:
        with migration_engine.connect() as connection, connection.begin():
            lock_for_migration(connection)
            yield connection
            check_foreign_keys(connection)
    finally:
        migration_engine.dispose()


def _run_alembic(
    connection: Connection, direction: str, target: str, on_step: StepObserver | None
) -> None:
    from alembic import command

    config = alembic_config(connection)
    config.attributes["on_step"] = on_step
    if direction == "upgrade":
        command.upgrade(config, target)
    else:
        command.downgrade(config, target)


def _clear_half_built(connection: Connection, state: SchemaState) -> None:
    """Drop the empty tables an interrupted older start left behind (same transaction)."""
    if state.holds_data:
        filled = ", ".join(f"{name} ({rows} rows)" for name, rows in state.orphan_tables.items()
                           if rows)
        raise HalfBuiltSchemaError(
            "the schema is incomplete (tables without a schema revision, left by an "
            f"interrupted start) and holds data: {filled}"
        )
    from planner.db.records import Base

    if connection.dialect.name == "sqlite":
        # The virtual table first (it drops its shadow tables), then any shadow left.
        for name in FTS_TABLES:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    present = [Base.metadata.tables[name] for name in state.orphan_tables
               if name in Base.metadata.tables]
    Base.metadata.drop_all(connection, tables=present)
    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
