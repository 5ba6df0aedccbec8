"""Is the database usable? The check at start, and the way out when it is not.

:func:`check_database` looks at the database before the window opens it and names
what is wrong in words a user can act on:

- **corrupt**: SQLite says "file is not a database" or "database disk image is
  malformed", or ``PRAGMA integrity_check`` is not ``ok``;
- **locked**: another process holds the lock beyond the busy timeout (a second planner
  in the middle of a long write, or a program that opened the file exclusively);
- **read-only**: the file or its folder cannot be written (reading may still work);
- **schema too new**: a newer planner wrote it (:class:`SchemaTooNewError`);
- **disk full**: the disk that holds it has no room for the next write;
- **unavailable**: the file cannot be opened at all (permissions, a missing folder, a
  failing disk) or the database server does not answer.

A schema left half-built by an interrupted start of an older planner is rebuilt by the
next start when its tables are empty; when they hold data it counts as **corrupt**.

Each :class:`DatabaseProblem` carries its plain message and the choices that make
sense for it (restore a backup, start fresh with the bad file kept aside, retry, quit).
:func:`diagnose` gives the same answer for an error that an action already raised, so
the command line and the window explain a failure the same way. :func:`set_aside`
renames a bad file (with its ``-wal``/``-shm``) out of the way; nothing is ever
deleted or overwritten.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from planner import paths
from planner.db.engine import backend_name, display_url, make_engine, sqlite_path
from planner.db.maintenance import (
    EngineError,
    SqliteError,
    is_connection_failure,
    open_sqlite,
    schema_state_at,
    sqlite_error_name,
)
from planner.db.migrate import (
    KNOWN_REVISIONS,
    HalfBuiltSchemaError,
    SchemaTooNewError,
    current_revision,
)

__all__ = [
    "Choice",
    "DatabaseProblem",
    "ProblemKind",
    "check_database",
    "diagnose",
    "file_stamp",
    "local_time",
    "problem_kind",
    "set_aside",
]


class ProblemKind(StrEnum):
    """What is wrong with the database (see the module docstring for each)."""

    CORRUPT = "corrupt"
    LOCKED = "locked"
    READ_ONLY = "read_only"
    SCHEMA_TOO_NEW = "schema_too_new"
    DISK_FULL = "disk_full"
    UNAVAILABLE = "unavailable"


class Choice(StrEnum):
    """What the user can do about a problem (the window shows one button each)."""

    #: Pick a backup and restore it (:meth:`BackupService.restore`).
    RESTORE_BACKUP = "restore_backup"
    #: :func:`set_aside` the bad file; the next open creates a new database.
    START_FRESH = "start_fresh"
    #: Check again (after closing the other program or fixing permissions).
    RETRY = "retry"
    QUIT = "quit"


_CHOICES: Final[dict[ProblemKind, tuple[Choice, ...]]] = {
    ProblemKind.CORRUPT: (Choice.RESTORE_BACKUP, Choice.START_FRESH, Choice.QUIT),
    ProblemKind.SCHEMA_TOO_NEW: (Choice.RESTORE_BACKUP, Choice.START_FRESH, Choice.QUIT),
    # Restoring or moving a file that another program holds, or that cannot be
    # written, would make things worse: only waiting or fixing it outside helps.
    ProblemKind.LOCKED: (Choice.RETRY, Choice.QUIT),
    ProblemKind.READ_ONLY: (Choice.RETRY, Choice.QUIT),
    ProblemKind.DISK_FULL: (Choice.RETRY, Choice.QUIT),
    ProblemKind.UNAVAILABLE: (Choice.RETRY, Choice.QUIT),
}

_SUMMARIES: Final[dict[ProblemKind, str]] = {
    ProblemKind.CORRUPT: "is damaged",
    ProblemKind.LOCKED: "is locked by another program",
    ProblemKind.READ_ONLY: "cannot be written: the file or its folder is read-only",
    ProblemKind.SCHEMA_TOO_NEW: "was written by a newer version of planner",
    ProblemKind.DISK_FULL: "cannot be written: the disk is full",
    ProblemKind.UNAVAILABLE: "cannot be opened",
}

_ADVICE: Final[dict[ProblemKind, str]] = {
    ProblemKind.CORRUPT: (
        "Restore a backup, or start with a new database; the damaged file is kept "
        "beside it, renamed."
    ),
    ProblemKind.LOCKED: (
        "Close the other planner window (or the program using the file) and try again."
    ),
    ProblemKind.READ_ONLY: "Make the file and its folder writable and try again.",
    ProblemKind.SCHEMA_TOO_NEW: (
        "Install the newer planner, restore a backup made before, or start with a new "
        "database; the file is kept beside it, renamed."
    ),
    ProblemKind.DISK_FULL: (
        "Free some space on the disk that holds it and try again; nothing saved is lost."
    ),
    ProblemKind.UNAVAILABLE: "Check the file's permissions or the server and try again.",
}


@dataclass(frozen=True, slots=True)
class DatabaseProblem:
    """Why the database cannot be used, in words for the user, and what can be done."""

    kind: ProblemKind
    #: The file (SQLite) or the URL without its password (a server).
    database: str
    #: What SQLite or the server said, e.g. ``file is not a database``.
    detail: str
    #: The SQLite file, when there is one (what :func:`set_aside` moves).
    path: Path | None = None

    @property
    def choices(self) -> tuple[Choice, ...]:
        if self.path is None:
            # A server database is neither restored nor moved from here.
            return tuple(c for c in _CHOICES[self.kind] if c not in _FILE_CHOICES)
        return _CHOICES[self.kind]

    @property
    def summary(self) -> str:
        """``is damaged (file is not a database)``: completes "the database X ..."."""
        return f"{_SUMMARIES[self.kind]} ({self.detail})"

    @property
    def message(self) -> str:
        """Two sentences for the window: what is wrong, and what the choices do."""
        return f"The database {self.database} {self.summary}. {_ADVICE[self.kind]}"


_FILE_CHOICES: Final = frozenset({Choice.RESTORE_BACKUP, Choice.START_FRESH})


def file_stamp(moment: dt.datetime | None = None) -> str:
    """``2026-11-21T071200``: a local time that sorts and is valid in any file name."""
    moment = dt.datetime.now() if moment is None else local_time(moment)
    return moment.strftime("%Y-%m-%dT%H%M%S")


def local_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` as naive local time, the clock the user reads and names are written in."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)


# -- classifying errors ---------------------------------------------------------------

_KIND_BY_SQLITE_CODE: Final = (
    ("SQLITE_NOTADB", ProblemKind.CORRUPT),
    ("SQLITE_CORRUPT", ProblemKind.CORRUPT),
    ("SQLITE_BUSY", ProblemKind.LOCKED),
    ("SQLITE_LOCKED", ProblemKind.LOCKED),
    ("SQLITE_READONLY", ProblemKind.READ_ONLY),
    ("SQLITE_CANTOPEN", ProblemKind.UNAVAILABLE),
    ("SQLITE_IOERR", ProblemKind.UNAVAILABLE),
    ("SQLITE_FULL", ProblemKind.DISK_FULL),
    ("SQLITE_PERM", ProblemKind.UNAVAILABLE),
)

_REVISION_RE: Final = re.compile(r"schema revision (\S+?),")


def problem_kind(error: BaseException) -> ProblemKind | None:
    """The kind of problem a SQLite error (bare or wrapped by SQLAlchemy) reports."""
    name = sqlite_error_name(error)
    if name is None:
        return None
    for prefix, kind in _KIND_BY_SQLITE_CODE:
        # Extended codes carry the primary code as prefix: SQLITE_READONLY_DIRECTORY.
        if name == prefix or name.startswith(prefix + "_"):
            return kind
    return None


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _where(url: str) -> tuple[str, Path | None]:
    path = sqlite_path(url)
    if path is not None:
        return str(path), path
    return display_url(url), None


def diagnose(url: str | None, error: BaseException) -> DatabaseProblem | None:
    """The problem behind ``error`` raised while opening or using the database at ``url``.

    ``None`` when the error is not about the database itself (a constraint, a bug).
    Cheap: nothing is opened; :func:`check_database` looks for itself.
    """
    url = url or paths.db_url()
    database, path = _where(url)
    if isinstance(error, SchemaTooNewError):
        found = _REVISION_RE.search(str(error))
        detail = f"schema revision {found.group(1)}" if found else str(error)
        return DatabaseProblem(ProblemKind.SCHEMA_TOO_NEW, database, detail, path)
    if isinstance(error, HalfBuiltSchemaError):
        return DatabaseProblem(ProblemKind.CORRUPT, database, str(error), path)
    kind = problem_kind(error)
    if kind is not None:
        return DatabaseProblem(kind, database, _first_line(error), path)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DatabaseProblem(ProblemKind.DISK_FULL, database, _first_line(error), path)
    if path is None and is_connection_failure(error):
        # A server that refuses or drops the connection.
        return DatabaseProblem(ProblemKind.UNAVAILABLE, database, _first_line(error), None)
    return None


# -- the check at start ---------------------------------------------------------------


def check_database(
    url: str | None = None, *, busy_timeout_ms: int | None = None
) -> DatabaseProblem | None:
    """What keeps the database at ``url`` (default: the user's) from being used, if any.

    SQLite: reads every page (``PRAGMA integrity_check``, about 20 ms for the shipped
    food data), checks the schema revision and proves a write goes through (rolled
    back). Waits up to ``busy_timeout_ms`` (default :data:`BUSY_TIMEOUT_MS`, 5 s) for
    another process's lock, like every writer. A missing file is no problem (the first
    start creates it) unless its folder cannot be written. Another backend: connects
    and checks the schema revision.
    """
    url = url or paths.db_url()
    path = sqlite_path(url)
    if path is None:
        if backend_name(url) == "sqlite":
            return None  # in memory: nothing can be wrong with a file
        return _check_server(url)
    if not path.exists():
        return _check_new_file(path)
    try:
        with open_sqlite(path, busy_timeout_ms=busy_timeout_ms) as database:
            problems = database.integrity_problems()
            if problems:
                more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
                detail = f"integrity check: {problems[0]}{more}"
                return DatabaseProblem(ProblemKind.CORRUPT, str(path), detail, path)
            revision = database.schema_revision()
            if revision is not None and revision not in KNOWN_REVISIONS:
                detail = f"schema revision {revision}"
                return DatabaseProblem(ProblemKind.SCHEMA_TOO_NEW, str(path), detail, path)
            database.probe_write()
    except SqliteError as error:
        kind = problem_kind(error) or ProblemKind.UNAVAILABLE
        return DatabaseProblem(kind, str(path), _first_line(error), path)
    if revision is None:
        return _check_half_built(url, str(path), path)
    return None


def _check_half_built(url: str, database: str, path: Path | None) -> DatabaseProblem | None:
    """A schema without a revision whose tables hold data cannot be rebuilt safely."""
    state = schema_state_at(url)
    if state.half_built and state.holds_data:
        detail = "the schema is incomplete and holds data (an interrupted start)"
        return DatabaseProblem(ProblemKind.CORRUPT, database, detail, path)
    return None


def _check_new_file(path: Path) -> DatabaseProblem | None:
    folder = path.parent
    if not folder.is_dir():
        detail = f"the folder {folder} does not exist"
        return DatabaseProblem(ProblemKind.UNAVAILABLE, str(path), detail, path)
    try:
        # os.access cannot tell: root passes it on a read-only mount. Create a file.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        detail = f"cannot create files in {folder}: {error.strerror or error}"
        return DatabaseProblem(ProblemKind.READ_ONLY, str(path), detail, path)
    return None


def _check_server(url: str) -> DatabaseProblem | None:
    engine = make_engine(url)  # a URL SQLAlchemy cannot use at all raises, as it should
    try:
        revision = current_revision(engine)
    except EngineError as error:
        return diagnose(url, error) or DatabaseProblem(
            ProblemKind.UNAVAILABLE, _where(url)[0], _first_line(error), None
        )
    finally:
        engine.dispose()
    if revision is not None and revision not in KNOWN_REVISIONS:
        detail = f"schema revision {revision}"
        return DatabaseProblem(ProblemKind.SCHEMA_TOO_NEW, _where(url)[0], detail, None)
    if revision is None:
        return _check_half_built(url, _where(url)[0], None)
    return None


# -- starting fresh ---------------------------------------------------------------------

#: SQLite's companion files; they belong to the database and move with it.
SIDECARS: Final = ("-wal", "-shm", "-journal")


def set_aside(path: Path, now: dt.datetime | None = None) -> Path:
    """Rename the database file (and its ``-wal``/``-shm``) to ``NAME.bad-STAMP``.

    The companions keep their suffix after the new name, so SQLite still finds the WAL
    when someone opens the set-aside file to rescue data. Nothing is overwritten (a
    counter is added when the name is taken) and nothing is deleted. Returns the new
    path of the database file. Close every connection to it first.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database file")
    base = f"{path.name}.bad-{file_stamp(now)}"
    target = path.with_name(base)
    counter = 2
    while any(_taken(target, suffix) for suffix in ("", *SIDECARS)):
        target = path.with_name(f"{base}-{counter}")
        counter += 1
    moved: list[tuple[Path, Path]] = []
    try:
        # Companions first: a WAL left behind would meet the next, new database file.
        for suffix in (*SIDECARS, ""):
            source = path.with_name(path.name + suffix)
            if source.exists():
                destination = target.with_name(target.name + suffix)
                os.rename(source, destination)
                moved.append((source, destination))
    except OSError:
        for source, destination in reversed(moved):
            os.rename(destination, source)
        raise
    return target


def _taken(target: Path, suffix: str) -> bool:
    return target.with_name(target.name + suffix).exists()
