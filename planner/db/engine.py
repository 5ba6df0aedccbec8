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

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

#: How long a writer waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 5000


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
