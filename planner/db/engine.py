"""Engine and session factory for SQLite (embedded default) or any SQLAlchemy URL.

SQLite runs in WAL mode with foreign keys on. ``synchronous=NORMAL`` in WAL mode keeps
every committed transaction through a crash of the app (the OS has the WAL); only a
power cut can lose the last commits, and it never corrupts the file. That is the
documented trade-off for interactive apps, and it keeps every edit's commit fast.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
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
