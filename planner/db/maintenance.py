"""Maintenance of the database file: the check at start, backups and restores.

Everything here works on raw :mod:`sqlite3` connections: the online backup API
(``sqlite3.Connection.backup``) and the exclusive lock a restore needs are not reachable
through SQLAlchemy's pool. A :class:`SqliteFile` is one such connection with the
operations the services ask for by name; the services decide what a result means
(what a problem is called, which backup is kept) and never see SQL or :mod:`sqlite3`.

Every method raises :data:`SqliteError` (:class:`sqlite3.Error`, re-exported here) with
SQLite's result code in :func:`sqlite_error_name`. What goes through the engine
(:func:`schema_state_at`, any URL) raises :data:`EngineError`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from planner.db import engine as _engine
from planner.db.migrate import SchemaState, schema_state

__all__ = [
    "EngineError",
    "SqliteError",
    "SqliteFile",
    "BackupCheck",
    "count_plans",
    "is_connection_failure",
    "locked_exclusively",
    "open_sqlite",
    "schema_state_at",
    "sqlite_error_name",
]

#: What every raw SQLite operation here raises (re-exported so callers need no sqlite3).
SqliteError = sqlite3.Error
#: What SQLAlchemy raises for any backend: a refused connection, a failed statement.
EngineError = SQLAlchemyError


@dataclass(frozen=True, slots=True)
class BackupCheck:
    """What :meth:`SqliteFile.backup_into` found in the copy it wrote."""

    #: What ``PRAGMA integrity_check`` reported; empty when the copy is sound.
    integrity_problems: list[str]
    #: Plans in the copy; ``None`` when it has no plan table (an older schema).
    plan_count: int | None


class SqliteFile:
    """One raw connection to a SQLite file, in autocommit mode; close it (``with``)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> SqliteFile:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    # -- reading ---------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` finds (it reads every page); empty when sound."""
        return _integrity_problems(self._connection)

    def schema_revision(self) -> str | None:
        """The Alembic revision stored in the file; ``None`` when it has none (not ours yet)."""
        connection = self._connection
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if has_table is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])

    def count_plans(self) -> int | None:
        """The plans stored; ``None`` for an older schema without plans, or unreadable."""
        return _count_plans(self._connection)

    # -- writing ---------------------------------------------------------------------

    def probe_write(self) -> None:
        """Write inside a transaction and roll it back: proves the file takes writes now.

        Raises :class:`sqlite3.OperationalError` named ``SQLITE_BUSY`` when another
        process holds the write lock beyond the busy timeout, ``SQLITE_READONLY*`` when
        the file or its folder cannot be written. ``BEGIN IMMEDIATE`` alone succeeds on
        a read-only file, so the probe really writes (a table nobody sees: it is rolled
        back).
        """
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("CREATE TABLE planner_write_probe (x INTEGER)")
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")

    def lock_exclusively(self) -> None:
        """Take the file's exclusive lock and keep it until the connection closes.

        In ``EXCLUSIVE`` locking mode SQLite keeps the lock after the transaction, and
        in WAL mode it cannot take it while any other connection has the file open, even
        an idle one: exactly the "nobody else has it open" a restore needs.
        """
        connection = self._connection
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")

    def backup_into(self, target: Path) -> BackupCheck:
        """Copy a consistent snapshot of this file into ``target`` and check the copy.

        The copy goes through the online backup API under a read transaction (even
        while others write), becomes one self-contained file (rollback journal, no
        ``-wal``: readable anywhere, also from a read-only place) and is checked with
        ``PRAGMA integrity_check``. ``target`` is written over: pass a fresh file.
        """
        with _read_transaction(self._connection), closing(
            sqlite3.connect(target, isolation_level=None)
        ) as copy:
            self._connection.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            return BackupCheck(_integrity_problems(copy), _count_plans(copy))

    def restore_from(self, backup: Path) -> None:
        """Write ``backup`` over this file through the backup API, in one transaction.

        Take :meth:`lock_exclusively` first. The restored file runs in WAL mode again,
        like every database the engine opens.
        """
        with closing(_connect_sqlite(backup, read_only=True)) as source:
            source.backup(self._connection)
        self._connection.execute("PRAGMA journal_mode = WAL")


def _connect_sqlite(
    path: Path, *, read_only: bool = False, busy_timeout_ms: int | None = None
) -> sqlite3.Connection:
    """A raw connection in autocommit mode: transactions are explicit ``BEGIN``s.

    ``read_only`` opens with ``mode=ro``: the file must exist (nothing is created) and
    nothing can be written through this connection. Close it (``contextlib.closing``):
    ``with connection:`` only ends a transaction. ``busy_timeout_ms`` defaults to
    :data:`planner.db.engine.BUSY_TIMEOUT_MS`, like the engine's connections.
    """
    busy = _engine.BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    timeout = busy / 1000
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def open_sqlite(
    path: Path, *, read_only: bool = False, busy_timeout_ms: int | None = None
) -> SqliteFile:
    """The file at ``path`` (see :func:`_connect_sqlite` for the arguments)."""
    return SqliteFile(_connect_sqlite(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms))


def locked_exclusively(path: Path, *, busy_timeout_ms: int) -> SqliteFile:
    """The file at ``path`` (created when missing) with its exclusive lock taken."""
    database = open_sqlite(path, busy_timeout_ms=busy_timeout_ms)
    try:
        database.lock_exclusively()
    except BaseException:
        database.close()
        raise
    return database


def count_plans(path: Path) -> int | None:
    """The plans stored in the file at ``path``; ``None`` when it cannot be read."""
    try:
        with open_sqlite(path, read_only=True) as database:
            return database.count_plans()
    except sqlite3.Error:
        return None


def _integrity_problems(connection: sqlite3.Connection) -> list[str]:
    rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _count_plans(connection: sqlite3.Connection) -> int | None:
    try:
        row = connection.execute("SELECT count(*) FROM plan").fetchone()
    except sqlite3.Error:
        return None  # an older schema without plans, or unreadable
    return int(row[0])


@contextmanager
def _read_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Hold a read transaction on the backup's source for the copy.

    ``Connection.backup`` retries a busy source for ever; taking the read lock here
    waits the busy timeout once and then fails cleanly (``database is locked``).
    """
    began = not connection.in_transaction
    if began:
        connection.execute("BEGIN")
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        if began and connection.in_transaction:
            connection.execute("ROLLBACK")


# -- errors --------------------------------------------------------------------------------


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


def is_connection_failure(error: BaseException) -> bool:
    """Whether SQLAlchemy reports a connection refused or dropped (psycopg uses both)."""
    return isinstance(error, OperationalError | InterfaceError)


# -- any URL, through the engine ------------------------------------------------------------


def schema_state_at(url: str) -> SchemaState:
    """The schema revision at ``url`` and, when there is none, which of our tables hold rows."""
    engine = _engine.make_engine(url)
    try:
        with engine.connect() as connection:
            return schema_state(connection)
    finally:
        engine.dispose()
