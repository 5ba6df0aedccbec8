"""``planner.services.outputs``: an output file never destroys data.

Real files throughout: the loaded database at this test's data directory (``db_path``),
its ``-wal`` held open by a real connection, real backups, links and copies. A write
that fails half-way is a real ``OSError`` from ``os.write`` (injected for the file being
written only), and a kill is a real ``SIGKILL`` of a process in the middle of writing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from planner.services import outputs
from planner.services.backups import BackupService
from planner.services.outputs import (
    OutputError,
    OutputExistsError,
    ProtectedFileError,
    check_output,
    write_output,
)

NEW = b'{"format": "planner.plan/1"}\n'


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.partial"))


@pytest.fixture
def wal_open(db_path: Path) -> Iterator[Path]:
    """The database with a live ``-wal``: a connection that wrote and is still open."""
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    connection.execute("INSERT INTO scratch VALUES (1)")
    connection.commit()
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0
    try:
        yield wal
    finally:
        connection.close()


def _protected_targets(db_path: Path, tmp_path: Path) -> dict[str, Path]:
    data_dir = db_path.parent
    backup = BackupService().create()
    set_aside = data_dir / "planner.sqlite3.bad-2026-11-21T071200"
    set_aside.write_bytes(b"a damaged database, kept for rescue\n")
    symlink = tmp_path / "week.json"
    symlink.symlink_to(db_path)
    hard_link = tmp_path / "hard-link.json"
    os.link(db_path, hard_link)
    copy = tmp_path / "elsewhere" / "old-planner.json"
    copy.parent.mkdir()
    copy.write_bytes(db_path.read_bytes())
    journal = data_dir / "planner.sqlite3-journal"
    journal.write_bytes(b"journal")
    return {
        "the database": db_path,
        "a backup": backup.path,
        "a set-aside database": set_aside,
        "a symlink to the database": symlink,
        "a hard link to the database": hard_link,
        "a copy of the database elsewhere": copy,
        "the rollback journal": journal,
    }


@pytest.mark.parametrize("force", [False, True])
def test_the_database_its_files_and_backups_are_never_written(
    db_path: Path, tmp_path: Path, wal_open: Path, force: bool
) -> None:
    targets = _protected_targets(db_path, tmp_path)
    targets["the -wal"] = wal_open
    before = {name: digest(path) for name, path in targets.items()}
    for name, path in targets.items():
        with pytest.raises(ProtectedFileError, match="will not write to") as caught:
            write_output(path, NEW, force=force)
        assert str(path) in str(caught.value), name
        assert "\n" not in str(caught.value)
        assert digest(path) == before[name], name
    assert partials(db_path.parent) == [] and partials(tmp_path) == []
    assert targets["a symlink to the database"].is_symlink()


def test_a_new_file_in_the_backups_folder_is_refused_too(db_path: Path) -> None:
    BackupService().create()
    target = db_path.parent / "backups" / "shopping.pdf"
    with pytest.raises(ProtectedFileError, match="backups folder"):
        write_output(target, b"%PDF-1.4", force=True)
    assert not target.exists()


def test_the_reasons_name_what_the_file_is(db_path: Path, wal_open: Path) -> None:
    with pytest.raises(ProtectedFileError, match="it is the planner database;"):
        check_output(db_path, force=True)
    with pytest.raises(ProtectedFileError, match="the planner database's -wal file"):
        check_output(wal_open, force=True)
    with pytest.raises(ProtectedFileError, match=r"--force never replaces it"):
        check_output(db_path.with_name(db_path.name + "-shm"), force=True)


def test_a_database_named_by_url_is_protected_where_it_is(tmp_path: Path) -> None:
    elsewhere = tmp_path / "other" / "mine.db"
    elsewhere.parent.mkdir()
    url = f"sqlite:///{elsewhere}"
    # Not there yet: the name alone is enough.
    with pytest.raises(ProtectedFileError, match="the planner database"):
        write_output(elsewhere, NEW, force=True, database=url)
    assert not elsewhere.exists()


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    assert write_output(target, "Grüße\n") == target
    assert target.read_bytes() == "Grüße\n".encode()
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert partials(tmp_path) == []


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"my own notes\n")
    target.chmod(0o640)
    with pytest.raises(OutputExistsError, match="already exists; add --force to replace it"):
        write_output(target, NEW)
    assert target.read_bytes() == b"my own notes\n"

    write_output(target, NEW, force=True)
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the old file's mode is kept
    assert partials(tmp_path) == []


def test_a_symlink_to_another_file_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(OutputExistsError):
        write_output(link, NEW)
    write_output(link, NEW, force=True)
    assert link.is_symlink() and real.read_bytes() == NEW


def test_folders_and_missing_folders_are_clean_errors(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_output(tmp_path, NEW, force=True)
    with pytest.raises(OutputError, match="the folder .* does not exist"):
        write_output(tmp_path / "no" / "plan.json", NEW)


def test_a_character_device_is_written_in_place() -> None:
    assert write_output("/dev/null", NEW) == Path("/dev/null")


def _fail_writes_to_partials(
    monkeypatch: pytest.MonkeyPatch, error: OSError, after: int = 1
) -> list[int]:
    """``os.write`` into a ``.partial`` file raises ``error`` after ``after`` chunks."""
    real_write: Callable[[int, bytes], int] = os.write
    calls: list[int] = []

    def write(descriptor: int, data: bytes) -> int:
        try:
            name = os.readlink(f"/proc/self/fd/{descriptor}")
        except OSError:
            name = ""
        if name.endswith(".partial"):
            calls.append(len(data))
            if len(calls) > after:
                raise error
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    return calls


def test_a_failure_half_way_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.4 the old report")
    calls = _fail_writes_to_partials(monkeypatch, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError, match=r"^cannot write .*report\.pdf: Input/output error$"):
        write_output(target, b"x" * (3 * outputs.CHUNK), force=True)
    assert len(calls) == 2  # one chunk went into the temporary file, then the failure
    assert target.read_bytes() == b"%PDF-1.4 the old report"
    assert partials(tmp_path) == []


def test_a_full_disk_is_said_so_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old")
    _fail_writes_to_partials(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError) as caught:
        write_output(target, b"x" * (2 * outputs.CHUNK), force=True)
    assert str(caught.value) == f"cannot write {target}: the disk is full (in {tmp_path})"
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert partials(tmp_path) == []


def test_a_kill_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"the old plan")
    script = textwrap.dedent(
        """
        import os, sys, time
        from planner.services import outputs

        real_write = os.write
        calls = []

        def write(descriptor, data):
            calls.append(len(data))
            if len(calls) == 2:
                print("half-way", flush=True)
                time.sleep(60)
            return real_write(descriptor, data)

        os.write = write
        outputs.write_output(sys.argv[1], b"n" * (3 * outputs.CHUNK), force=True)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == "half-way\n"
            left = partials(tmp_path)
            assert len(left) == 1 and left[0].stat().st_size == outputs.CHUNK
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
    assert target.read_bytes() == b"the old plan"


def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        if not target.exists():
            target.write_bytes(b"someone else's")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputExistsError):
        write_output(target, NEW)
    assert target.read_bytes() == b"someone else's"
    assert partials(tmp_path) == []


def test_the_check_refuses_a_sqlite_file_by_its_header(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    with pytest.raises(ProtectedFileError, match="a SQLite database"):
        check_output(other, force=True)


def test_what_a_kill_left_a_day_ago_is_cleared_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    old = tmp_path / ".plan.json.0badf00d.partial"
    fresh = tmp_path / ".plan.json.0123abcd.partial"  # perhaps another writer, now
    other = tmp_path / ".other.json.0badf00d.partial"
    for path in (old, fresh, other):
        path.write_bytes(b"half")
    day_ago = os.stat(old).st_mtime - outputs.STALE_AFTER_S - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    write_output(target, NEW)
    assert not old.exists() and fresh.exists() and other.exists()
