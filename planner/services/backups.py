"""Backups of the user's SQLite database: automatic, by hand, and restoring one.

- **Automatic**: :meth:`BackupService.auto_backup` runs at start and makes a backup
  when none is younger than a day; the newest :data:`DEFAULT_KEEP` automatic backups
  are kept, older ones are pruned. Backups made by hand or before a restore are the
  user's and never pruned.
- Every backup goes through SQLite's online backup API on a raw connection
  (:meth:`planner.db.maintenance.SqliteFile.backup_into`): a consistent snapshot even
  while the window or a second planner writes. The file is never copied while it is
  open: a file copy can catch a half-written page and misses whatever is still in the
  ``-wal``.
- A new backup is checked (``PRAGMA integrity_check``) before it gets its name, so a
  damaged database never rotates the good backups out.
- Backups are single files (rollback journal, no ``-wal``) in ``data_dir()/backups``,
  named by local time: ``planner-2026-11-21T071200.sqlite3`` (automatic),
  ``planner-2026-11-21T071200-manual.sqlite3``, ``...-before-restore.sqlite3``; a
  second backup within the same second gets a counter (``...T071200-2-manual...``).
- :meth:`BackupService.restore` checks the backup, takes the live file's exclusive
  lock (it refuses while any other connection has the database open), saves what is
  there (a ``before-restore`` backup, or :func:`set_aside` when it is damaged) and
  writes the backup into the live file through the backup API, in one transaction.

PostgreSQL: backups are the server's job (``pg_dump``); the service says so.
"""

from __future__ import annotations

import builtins
import datetime as dt
import itertools
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner import paths
from planner.db.engine import backend_name, sqlite_path
from planner.db.maintenance import (
    SqliteError,
    SqliteFile,
    count_plans,
    locked_exclusively,
    open_sqlite,
)
from planner.db.migrate import KNOWN_REVISIONS
from planner.services.database import Database
from planner.services.health import (
    DatabaseProblem,
    ProblemKind,
    file_stamp,
    local_time,
    problem_kind,
    set_aside,
)

__all__ = [
    "AUTO",
    "BEFORE_RESTORE",
    "BEFORE_UPGRADE",
    "DEFAULT_KEEP",
    "MANUAL",
    "BackupError",
    "BackupInfo",
    "BackupService",
    "BackupsNotSupportedError",
    "DatabaseInUseError",
]

BACKUP_FOLDER: Final = "backups"
#: Automatic backups kept (one a day at most: a week).
DEFAULT_KEEP: Final = 7
AUTO_INTERVAL: Final = dt.timedelta(days=1)
#: Reasons written into the names (an automatic backup's name carries none).
AUTO: Final = "auto"
MANUAL: Final = "manual"
BEFORE_RESTORE: Final = "before-restore"
BEFORE_UPGRADE: Final = "before-upgrade"
#: How long a restore waits for other connections to let go of the database.
RESTORE_LOCK_TIMEOUT_MS: Final = 1000

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_REASON_RE: Final = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
_STAMP_FORMAT: Final = "%Y-%m-%dT%H%M%S"


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says why."""


class BackupsNotSupportedError(BackupError):
    """The database is not a SQLite file (a server backs itself up)."""


class DatabaseInUseError(BackupError):
    """A restore needs the database closed everywhere (this window and any other)."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    #: Local time the backup was made (from its name).
    created: dt.datetime
    #: ``auto``, ``manual``, ``before-restore``; ``file`` for a file not named by us.
    reason: str
    size: int
    #: Plans stored in the backup; ``None`` when it cannot be read.
    plan_count: int | None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class _Named:
    path: Path
    created: dt.datetime
    counter: int
    reason: str


class BackupService:
    """Backups of one SQLite database (``Database``, URL, or the user's by default)."""

    def __init__(
        self,
        database: Database | str | None = None,
        *,
        folder: Path | None = None,
        keep: int = DEFAULT_KEEP,
    ) -> None:
        if keep < 1:
            raise ValueError(f"keep at least one automatic backup, not {keep}")
        if isinstance(database, Database):
            self.url = database.engine.url.render_as_string(hide_password=False)
        else:
            self.url = database or paths.db_url()
        #: The live SQLite file; ``None`` for a server or an in-memory database.
        self.database_path = sqlite_path(self.url)
        self.keep = keep
        self._folder = folder
        stem = re.escape(self.database_path.stem if self.database_path else "planner")
        self._name_re = re.compile(
            rf"^{stem}-(?P<stamp>\d{{4}}-\d{{2}}-\d{{2}}T\d{{6}})(?:-(?P<counter>\d+))?"
            r"(?:-(?P<reason>[a-z]+(?:-[a-z]+)*))?\.sqlite3$"
        )

    @property
    def supported(self) -> bool:
        """True for a SQLite file; a server database is backed up on the server."""
        return self.database_path is not None

    @property
    def folder(self) -> Path:
        return self._folder if self._folder is not None else paths.data_dir() / BACKUP_FOLDER

    # -- reading ---------------------------------------------------------------------

    def list(self) -> list[BackupInfo]:
        """The backups in :attr:`folder`, newest first."""
        self._live()
        return [
            BackupInfo(n.path, n.created, n.reason, n.path.stat().st_size, count_plans(n.path))
            for n in self._named()
        ]

    def find(self, name: str) -> Path:
        """The backup called ``name`` in :attr:`folder`, or the file at path ``name``."""
        given = Path(name).expanduser()
        if given.name == name:  # a bare name: the backups folder first
            candidate = self.folder / name
            if candidate.is_file():
                return candidate
        if given.is_file():
            return given
        raise BackupError(f"no backup named {name!r} in {self.folder}")

    def verify(self, backup: Path) -> BackupInfo:
        """Check that ``backup`` is a sound planner database; :class:`BackupError` if not."""
        if not backup.is_file():
            raise BackupError(f"{backup}: no such file")
        with backup.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            raise BackupError(f"{backup} is not a SQLite database, so not a planner backup")
        try:
            with open_sqlite(backup, read_only=True) as database:
                problems = database.integrity_problems()
                if problems:
                    raise BackupError(
                        f"{backup} is damaged (integrity check: {problems[0]}); "
                        "choose another backup"
                    )
                revision = database.schema_revision()
                plan_count = database.count_plans()
        except SqliteError as error:
            raise BackupError(f"{backup} is damaged ({error}); choose another backup") from None
        if revision is None:
            raise BackupError(f"{backup} is not a planner database (it has no planner schema)")
        if revision not in KNOWN_REVISIONS:
            raise BackupError(
                f"{backup} was made by a newer version of planner (schema revision "
                f"{revision}); this version cannot restore it"
            )
        named = self._parse(backup)
        if named is None:
            created = dt.datetime.fromtimestamp(backup.stat().st_mtime).replace(microsecond=0)
            return BackupInfo(backup, created, "file", backup.stat().st_size, plan_count)
        return BackupInfo(backup, named.created, named.reason, backup.stat().st_size, plan_count)

    # -- writing ---------------------------------------------------------------------

    def create(self, reason: str = MANUAL, now: dt.datetime | None = None) -> BackupInfo:
        """Back up the database now; ``reason`` goes into the name (``manual``...)."""
        live = self._live()
        if not _REASON_RE.match(reason):
            raise ValueError(f"a backup reason is lowercase words joined by '-', not {reason!r}")
        if not live.is_file():
            raise BackupError(f"there is no database at {live} to back up yet")
        try:
            with open_sqlite(live) as source:
                return self._backup_from(source, reason, now)
        except SqliteError as error:
            raise self._cannot(live, "back up", error) from None

    def auto_backup(self, now: dt.datetime | None = None) -> BackupInfo | None:
        """The start-up backup: made when no backup is younger than a day, then pruned.

        Returns ``None`` when nothing was due, when there is no database file yet, and
        for a server database (the server backs it up; nothing to report at start).
        """
        if self.database_path is None or not self.database_path.is_file():
            return None
        moment = dt.datetime.now() if now is None else local_time(now)
        for named in self._named():
            # A backup from the future (the clock was changed) does not count.
            if dt.timedelta(0) <= moment - named.created < AUTO_INTERVAL:
                return None
        info = self.create(AUTO, moment)
        self.prune()
        return info

    def prune(self) -> builtins.list[Path]:
        """Delete automatic backups beyond the newest :attr:`keep`; return what went.

        Also clears unfinished backups (``.partial``) that a crash left over a day ago.
        """
        self._live()
        removed = [n.path for n in self._named() if n.reason == AUTO][self.keep :]
        for path in removed:
            path.unlink(missing_ok=True)
        folder = self.folder
        if folder.is_dir():
            stale_before = time.time() - AUTO_INTERVAL.total_seconds()
            for partial in folder.glob(".*.partial"):
                if partial.stat().st_mtime < stale_before:
                    partial.unlink(missing_ok=True)
        return removed

    def restore(self, backup: Path, now: dt.datetime | None = None) -> Path | None:
        """Replace the database with ``backup``; returns where the replaced data went.

        Close the :class:`Database` first (and any other planner): the restore takes
        the file's exclusive lock and raises :class:`DatabaseInUseError` when another
        connection holds it. The backup is checked first (:meth:`verify`). What was
        in the database is kept as a ``before-restore`` backup, or, when it is damaged,
        the file is set aside (``planner.sqlite3.bad-STAMP``). ``None`` when there was
        no database file. The copy is one transaction: an interrupted restore leaves
        the database as it was.
        """
        live = self._live()
        self.verify(backup)
        if live.exists() and backup.resolve() == live.resolve():
            raise BackupError(f"{backup} is the database itself, not a backup of it")
        try:
            target, saved_as = self._take_live(live, now)
        except SqliteError as error:
            raise self._cannot(live, "restore into", error) from None
        try:
            with target:
                target.restore_from(backup)
        except SqliteError as error:
            raise self._cannot(live, "restore into", error) from None
        return saved_as

    # -- inside ----------------------------------------------------------------------

    def _live(self) -> Path:
        if self.database_path is not None:
            return self.database_path
        backend = backend_name(self.url)
        if backend == "sqlite":
            raise BackupsNotSupportedError("an in-memory database has no file to back up")
        if backend == "postgresql":
            raise BackupsNotSupportedError(
                "backups of a PostgreSQL database are made on the server (pg_dump)"
            )
        raise BackupsNotSupportedError(f"backups of a {backend} database are made on the server")

    def _parse(self, path: Path) -> _Named | None:
        found = self._name_re.match(path.name)
        if found is None:
            return None
        try:
            created = dt.datetime.strptime(found["stamp"], _STAMP_FORMAT)
        except ValueError:
            return None
        return _Named(path, created, int(found["counter"] or 1), found["reason"] or AUTO)

    def _named(self) -> builtins.list[_Named]:
        folder = self.folder
        if not folder.is_dir():
            return []
        found = [named for path in folder.iterdir() if (named := self._parse(path))]
        # Two backups in one second (a manual one, then one before a restore) are in
        # the order they were written.
        return sorted(
            (n for n in found if n.path.is_file()),
            key=lambda n: (n.created, n.counter, n.path.stat().st_mtime_ns),
            reverse=True,
        )

    def _backup_from(self, source: SqliteFile, reason: str, now: dt.datetime | None) -> BackupInfo:
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.database_path.stem if self.database_path else "planner"
        handle, name = tempfile.mkstemp(prefix=f".{stem}-", suffix=".partial", dir=folder)
        os.close(handle)
        partial = Path(name)
        try:
            check = source.backup_into(partial)
            if check.integrity_problems:
                raise BackupError(
                    f"the database {self.database_path} is damaged (integrity check: "
                    f"{check.integrity_problems[0]}); no backup was made and the existing "
                    "backups are kept"
                )
            target = self._claim_name(partial, now, reason)
        finally:
            partial.unlink(missing_ok=True)
        named = self._parse(target)
        assert named is not None, target
        return BackupInfo(target, named.created, reason, target.stat().st_size, check.plan_count)

    def _claim_name(self, partial: Path, now: dt.datetime | None, reason: str) -> Path:
        """Give the finished backup its name; a name that is taken is never overwritten."""
        stem = self.database_path.stem if self.database_path else "planner"
        stamp = file_stamp(now)
        suffix = "" if reason == AUTO else f"-{reason}"
        for counter in itertools.count(1):
            middle = "" if counter == 1 else f"-{counter}"
            target = self.folder / f"{stem}-{stamp}{middle}{suffix}.sqlite3"
            try:
                os.link(partial, target)  # fails if the name exists, unlike a rename
            except FileExistsError:
                continue
            except OSError:
                # A file system without hard links (FAT, some network shares).
                if target.exists():
                    continue
                os.rename(partial, target)
            return target
        raise AssertionError("unreachable")

    def _take_live(self, live: Path, now: dt.datetime | None) -> tuple[SqliteFile, Path | None]:
        """The live file locked exclusively, and where its current content was saved."""
        if not live.exists():
            return locked_exclusively(live, busy_timeout_ms=RESTORE_LOCK_TIMEOUT_MS), None
        database = open_sqlite(live, busy_timeout_ms=RESTORE_LOCK_TIMEOUT_MS)
        try:
            try:
                database.lock_exclusively()
                damaged = bool(database.integrity_problems())
            except SqliteError as error:
                kind = problem_kind(error)
                if kind is ProblemKind.LOCKED:
                    raise DatabaseInUseError(
                        f"the database {live} is still in use (another planner window, or one "
                        "not closed yet); close it and restore again"
                    ) from None
                if kind is not ProblemKind.CORRUPT:
                    raise self._cannot(live, "restore into", error) from None
                damaged = True
            if not damaged:
                # Still holding the lock: nothing can change between this and the restore.
                return database, self._backup_from(database, BEFORE_RESTORE, now).path
        except BaseException:
            database.close()
            raise
        database.close()
        saved_as = set_aside(live, now)
        return locked_exclusively(live, busy_timeout_ms=RESTORE_LOCK_TIMEOUT_MS), saved_as

    def _cannot(self, live: Path, action: str, error: SqliteError) -> BackupError:
        kind = problem_kind(error) or ProblemKind.UNAVAILABLE
        problem = DatabaseProblem(kind, str(live), str(error), live)
        return BackupError(f"cannot {action} {live}: the database {problem.summary}")

