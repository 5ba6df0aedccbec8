"""Engine and session factory for SQLite (embedded default) or any SQLAlchemy URL.

SQLite runs in WAL mode with foreign keys on. ``synchronous=NORMAL`` in WAL mode keeps
every committed transaction through a crash of the app (the OS has the WAL); only a
power cut can lose the last commits, and it never corrupts the file. That is the
documented trade-off for interactive apps, and it keeps every edit's commit fast.

Maintenance (the health check at start, backups) works on raw :mod:`sqlite3`
connections: :mod:`planner.db.maintenance`.
"""

from __future__ import annotations

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


def joined_session(connection: Connection) -> Session:
    """A session on ``connection`` that joins its transaction: it flushes, the caller commits."""
    return Session(bind=connection)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: repositories return core values, but a record read after a
    # commit (tests, services) must not trigger a lazy load on a closed session.
    return sessionmaker(engine, expire_on_commit=False)


# -- URLs ---------------------------------------------------------------------------------


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL; ``None`` for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def backend_name(url: str | URL) -> str:
    """``sqlite``, ``postgresql``...: the database behind ``url``."""
    return make_url(url).get_backend_name()


def display_url(url: str | URL) -> str:
    """``url`` as it may be shown: without its password."""
    return make_url(url).render_as_string(hide_password=True)
