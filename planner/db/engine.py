"""Engine and session factory for SQLite (embedded default) or any SQLAlchemy URL.

SQLite runs in WAL mode with foreign keys on. ``synchronous=NORMAL`` in WAL mode keeps
every committed transaction through a crash of the app (the OS has the WAL); only a
power cut can lose the last commits, and it never corrupts the file. That is the
documented trade-off for interactive apps, and it keeps every edit's commit fast.

Maintenance (the health check at start, backups) works on raw :mod:`sqlite3`
connections from :func:`connect_sqlite`: the online backup API and the exclusive lock
a restore needs are not reachable through SQLAlchemy's pool.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

#: How long a writer waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 5000
#: How long a starting planner waits for another one's migration or first load.
MIGRATION_BUSY_TIMEOUT_MS = 180_000
#: The PostgreSQL advisory lock that serialises migrations (any 64-bit number, fixed).
MIGRATION_LOCK_KEY = 0x706C616E6E6572  # "planner"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Worker threads (first load, imports) use pooled connections one at a time.
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def make_migration_engine(url: str | URL) -> Engine:
    """An engine for the one transaction that migrates (and first loads) the database.

    SQLite: :mod:`sqlite3` in its legacy mode runs DDL outside any transaction, so a
    schema built by Alembic would be committed table by table. Here the driver's own
    transaction handling is off and every transaction is an explicit ``BEGIN
    IMMEDIATE``: the whole upgrade is one transaction, DDL included, and a second
    starter waits for the write lock (up to :data:`MIGRATION_BUSY_TIMEOUT_MS`) instead
    of building the same tables beside it. Foreign keys are off for the connection
    (SQLite ignores the pragma inside a transaction, and a table rebuild would trip
    them); :func:`check_foreign_keys` checks them before the commit instead. This is the
    recipe of SQLAlchemy's pysqlite documentation ("Serializable isolation / Savepoints
    / Transactional DDL").

    PostgreSQL runs DDL in transactions anyway; :func:`lock_for_migration` takes an
    advisory lock inside the transaction.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, poolclass=NullPool)
    engine = create_engine(parsed, poolclass=NullPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {MIGRATION_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def lock_for_migration(connection: Connection) -> None:
    """Wait for any other process migrating the same database (PostgreSQL).

    On SQLite the migration engine's ``BEGIN IMMEDIATE`` already holds the write lock.
    The PostgreSQL lock is released with the transaction.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a SQLite migration that left a dangling reference."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(
            f"the upgrade would leave {len(broken)} broken references in {', '.join(tables)}"
        )


def begin_snapshot(session: Session) -> None:
    """Make every read of ``session`` see one consistent state of the database.

    Call first thing in a session that only reads. SQLite's driver starts no
    transaction for a ``SELECT``, so each statement would see the latest commit; an
    explicit ``BEGIN`` holds one WAL snapshot until the session ends. PostgreSQL reads
    at ``REPEATABLE READ`` (one snapshot for the transaction) and read-only.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.execute(text("SET TRANSACTION READ ONLY"))


def begin_write(session: Session) -> None:
    """Take SQLite's write lock before the first read of a writing session.

    Otherwise the driver begins the transaction at the first write, after the reads
    it depends on (the next id, a plan's revision), and two processes could decide on
    the same reads. ``BEGIN IMMEDIATE`` waits up to :data:`BUSY_TIMEOUT_MS` for another
    writer. PostgreSQL needs nothing here: ids come from sequences, and revision checks
    are part of the ``UPDATE``.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: repositories return core values, but a record read after a
    # commit (tests, services) must not trigger a lazy load on a closed session.
    return sessionmaker(engine, expire_on_commit=False)


# -- raw SQLite access for maintenance ----------------------------------------------------


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL; ``None`` for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def connect_sqlite(
    path: Path, *, read_only: bool = False, busy_timeout_ms: int | None = None
) -> sqlite3.Connection:
    """A raw connection in autocommit mode: transactions are explicit ``BEGIN``s.

    ``read_only`` opens with ``mode=ro``: the file must exist (nothing is created) and
    nothing can be written through this connection. Close it (``contextlib.closing``):
    ``with connection:`` only ends a transaction. ``busy_timeout_ms`` defaults to
    :data:`BUSY_TIMEOUT_MS`, like the engine's connections.
    """
    timeout = (BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms) / 1000
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def probe_write(connection: sqlite3.Connection) -> None:
    """Write inside a transaction and roll it back: proves the file takes writes now.

    Raises :class:`sqlite3.OperationalError` named ``SQLITE_BUSY`` when another process
    holds the write lock beyond the busy timeout, ``SQLITE_READONLY*`` when the file or
    its folder cannot be written. ``BEGIN IMMEDIATE`` alone succeeds on a read-only
    file, so the probe really writes (a table nobody sees: it is rolled back).
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE planner_write_probe (x INTEGER)")
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")


def sqlite_schema_revision(connection: sqlite3.Connection) -> str | None:
    """The Alembic revision stored in the file; ``None`` when it has none (not ours yet)."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_table is None:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def sqlite_error_name(error: BaseException) -> str | None:
    """SQLite's result code name (``SQLITE_BUSY``, ``SQLITE_NOTADB``...) of an error.

    Looks through SQLAlchemy's wrapper (``.orig``) to the :mod:`sqlite3` error.
    """
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        error = original
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorname", None)
    return None
