"""Every file planner writes for the user (``-o FILE``, the window's export and save
dialogs) goes through :func:`write_output`, and an output never destroys data:

- It never writes over the database, whatever ``force`` says: not the database file
  (also through a symlink or a hard link: the file's device and inode are compared), not
  its ``-wal``, ``-shm`` or ``-journal``, nothing in the backups folder, no database set
  aside (``planner.sqlite3.bad-STAMP``), and no SQLite file anywhere (its first 16 bytes
  are ``SQLite format 3\\0``; a WAL or rollback journal by its magic number).
- Any other existing file is replaced only with ``force`` (the command line's
  ``--force``; the window's save dialog has already asked).
- The data goes to a temporary file in the target's folder, is flushed to the disk
  (``fsync``) and renamed over the target in one step (:func:`os.replace`): a failure or
  a kill at any moment leaves the old file as it was, never half a PDF. A full disk is
  said as such ("the disk is full"), with the folder. A kill leaves at most the hidden
  temporary file (``.NAME.XXXXXXXX.partial``); the next write of that file clears it once
  it is a day old.

Errors are :class:`OutputError` (an ``OSError``) with a one-line message naming the file.
A character device or a pipe (``/dev/null``, ``/dev/stdout`` into a pipe) is written
directly: there is nothing there to destroy.

The rules need to know where the database, its companions and its backups are, which
is why this lives with the services, under the window and the command line alike.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Final

from planner import paths
from planner.db.engine import sqlite_path
from planner.services.backups import BACKUP_FOLDER
from planner.services.health import SIDECARS

__all__ = [
    "OutputError",
    "OutputExistsError",
    "ProtectedFileError",
    "check_output",
    "write_output",
]

#: The first bytes of a SQLite database, of its write-ahead log and of its rollback journal.
_MAGIC: Final = (
    b"SQLite format 3\x00",
    b"\x37\x7f\x06\x82",
    b"\x37\x7f\x06\x83",
    b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7",
)
_MAGIC_LENGTH: Final = max(len(magic) for magic in _MAGIC)
#: A database set aside by :func:`planner.services.health.set_aside` (and its companions).
_SET_ASIDE: Final = re.compile(r"\.bad-\d")
#: Bytes handed to one ``os.write``.
CHUNK: Final = 1 << 16
#: A temporary file older than this is what a killed write left behind.
STALE_AFTER_S: Final = 24 * 60 * 60
_DISK_FULL: Final = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


class OutputError(OSError):
    """An output file that is not written; the message says why, naming the file."""


class ProtectedFileError(OutputError):
    """The target is the database, a file of it, a backup or a SQLite file: never written."""


class OutputExistsError(OutputError):
    """The target exists and ``force`` was not given."""


def check_output(
    path: str | os.PathLike[str], *, force: bool = False, database: str | None = None
) -> Path:
    """The file that writing to ``path`` would replace (symlinks resolved), if allowed.

    Raises :class:`ProtectedFileError` for the database and its files, the backups, a
    set-aside database or any SQLite file; :class:`OutputExistsError` for another
    existing file without ``force``; :class:`OutputError` for a folder or a missing
    folder. ``database`` is the database URL (default: :func:`planner.paths.db_url`).
    Call it before the work that makes the output, so a refusal comes at once.
    """
    shown = os.fspath(path)
    if not shown:
        raise OutputError("no output file given")
    target = Path(os.path.realpath(path))
    info = _stat(target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{shown} is a folder, not a file")
    if info is None and not target.parent.is_dir():
        raise OutputError(f"{shown}: the folder {Path(shown).parent} does not exist")
    reason = _protected(target, info, database)
    if reason is not None:
        raise ProtectedFileError(
            f"will not write to {shown}: it is {reason}; choose another file "
            "(--force never replaces it)"
        )
    if info is not None and stat.S_ISREG(info.st_mode) and not force:
        raise OutputExistsError(f"{shown} already exists; add --force to replace it")
    return target


def write_output(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    force: bool = False,
    database: str | None = None,
) -> Path:
    """Write ``data`` (text as UTF-8, as it is) to ``path`` safely; returns the file written.

    See the module: protected files are refused whatever ``force`` says, another existing
    file needs ``force``, and the write is atomic (temporary file, ``fsync``, rename).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    shown = os.fspath(path)
    target = check_output(path, force=force, database=database)
    info = _stat(target)
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _write_stream(shown, payload)
        return target
    folder = target.parent
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.partial"
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666
        )
    except OSError as error:
        raise _error(shown, folder, error) from None
    try:
        try:
            _write_all(descriptor, payload)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # Checked again just before the rename: the target may have appeared meanwhile.
        check_output(path, force=force, database=database)
        current = _stat(target)
        if current is not None:
            with contextlib.suppress(OSError):  # the new file keeps the old one's mode
                os.chmod(temporary, stat.S_IMODE(current.st_mode))
        if force:
            os.replace(temporary, target)
        else:
            _rename_new(temporary, target, shown)
    except OutputError:
        temporary.unlink(missing_ok=True)
        raise
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _error(shown, folder, error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    _clear_stale(folder, target.name)
    return target


# -- inside ----------------------------------------------------------------------------


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None


def _protected(target: Path, info: os.stat_result | None, database: str | None) -> str | None:
    """Why ``target`` must never be written (``None``: it may be)."""
    url = database if database is not None else paths.db_url()
    live = sqlite_path(url)
    # The backups are in the data folder; next to a database elsewhere is guarded too.
    backup_folders = {Path(os.path.realpath(paths.data_dir() / BACKUP_FOLDER))}
    if live is not None:
        live = Path(os.path.realpath(live))
        for suffix, what in (("", "the planner database"),
                             *((s, f"the planner database's {s} file") for s in SIDECARS)):
            companion = live.with_name(live.name + suffix)
            if target == companion or _same_file(info, companion):
                return what
        backup_folders.add(Path(os.path.realpath(live.parent / BACKUP_FOLDER)))
    for folder in sorted(backup_folders):
        if target.is_relative_to(folder) or (
            info is not None and any(_same_file(info, f) for f in _files_in(folder))
        ):
            return f"in the backups folder {folder}"
    if _SET_ASIDE.search(target.name):
        return "a database set aside (.bad-)"
    if info is not None and stat.S_ISBLK(info.st_mode):
        return "a disk (block device)"
    if info is not None and stat.S_ISREG(info.st_mode) and _looks_like_sqlite(target):
        return "a SQLite database"
    return None


def _same_file(info: os.stat_result | None, other: Path) -> bool:
    if info is None:
        return False
    other_info = _stat(other)
    return other_info is not None and (info.st_dev, info.st_ino) == (
        other_info.st_dev, other_info.st_ino
    )


def _files_in(folder: Path) -> Iterable[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            head = file.read(_MAGIC_LENGTH)
    except OSError:
        return False  # unreadable: not ours to judge; the write itself will say
    return any(head.startswith(magic) for magic in _MAGIC)


def _write_all(descriptor: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(descriptor, view[:CHUNK])
        view = view[written:]


def _write_stream(shown: str, payload: bytes) -> None:
    """A device or a pipe: written in place (nothing to replace, nothing to rename)."""
    try:
        descriptor = os.open(shown, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(descriptor, payload)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise _error(shown, Path(shown).parent, error) from None


def _rename_new(temporary: Path, target: Path, shown: str) -> None:
    """Give the file its name only if the name is free (a link fails on an existing name)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise OutputExistsError(f"{shown} already exists; add --force to replace it") from None
    except OSError:
        # A file system without hard links (FAT, some network shares).
        if os.path.lexists(target):
            raise OutputExistsError(
                f"{shown} already exists; add --force to replace it"
            ) from None
        os.replace(temporary, target)
        return
    temporary.unlink(missing_ok=True)


def _clear_stale(folder: Path, name: str) -> None:
    """Remove what a killed write of the same file left over a day ago."""
    stale_before = time.time() - STALE_AFTER_S
    for partial in folder.glob(f".{glob.escape(name)}.*.partial"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < stale_before:
                partial.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system opens folders)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _error(shown: str, folder: Path, error: OSError) -> OutputError:
    if error.errno in _DISK_FULL:
        message = f"cannot write {shown}: the disk is full (in {folder})"
    else:
        message = f"cannot write {shown}: {error.strerror or error}"
    failure = OutputError(message)
    failure.errno = error.errno
    return failure


#: The format a file's suffix asks for (``report.md`` -> ``md``), for every writer.
FORMAT_BY_SUFFIX: Final = MappingProxyType({
    ".json": "json", ".csv": "csv", ".md": "md", ".markdown": "md", ".txt": "txt",
    ".pdf": "pdf", ".html": "html", ".htm": "html",
})


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format the suffix of ``path`` names, or ``None`` for another suffix."""
    return FORMAT_BY_SUFFIX.get(Path(path).suffix.lower())
