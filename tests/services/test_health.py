"""The database check at start: damaged, locked, read-only, too new, unavailable.

Every problem is made for real: random bytes and a zeroed b-tree page for a damaged
file, an index that no longer matches its table, another process holding SQLite's
lock, file permissions (with root's override dropped in the child that checks), a
PostgreSQL port nobody listens on. These are SQLite files, not the ``db`` fixture:
nothing here runs on PostgreSQL except the unreachable-server case.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from planner.core.foods import FoodRef
from planner.core.plan import Entry
from planner.db.migrate import SchemaTooNewError
from planner.services.database import Database
from planner.services.health import (
    Choice,
    DatabaseProblem,
    ProblemKind,
    check_database,
    diagnose,
    set_aside,
)
from planner.services.plans import PlanService

MONDAY = dt.date(2026, 11, 23)
STAMP = dt.datetime(2026, 11, 21, 7, 12, 0)


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def damage_a_page(path: Path, index: str = "ix_portion_food") -> None:
    """Zero one leaf page of ``index``: what a torn write or a bad disk sector does."""
    with closing(sqlite3.connect(path)) as connection:
        page = connection.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
            "ORDER BY pageno LIMIT 1 OFFSET 3",
            (index,),
        ).fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(bytes(page_size))


def mismatch_an_index(path: Path) -> None:
    """Redefine an index so its entries no longer match the table (reads still work)."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_portion_food ON portion (seq, "
            "food_id)' WHERE name = 'ix_portion_food'"
        )
        connection.commit()


def set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()


# -- another process holding the lock ----------------------------------------------------

_HOLD_LOCK = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "exclusive":
        # What a program that opens the file exclusively does: nobody may even read.
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
    else:
        # A second planner in the middle of a long write (the first-start load).
        connection.execute("BEGIN IMMEDIATE")
    print("holding", flush=True)
    sys.stdin.read()
    """
)


@contextmanager
def lock_held(path: Path, how: str) -> Iterator[None]:
    """Another process holds SQLite's lock on ``path`` until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "holding\n"
        yield
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()


# -- a process that may not write -------------------------------------------------------

#: Linux capabilities that let root write where the permissions say no.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def _drop_root_powers() -> None:
    """In the child before exec: root without these obeys file permissions like anyone."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_as_ordinary_user(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child that file permissions apply to (also when we are root)."""
    preexec = _drop_root_powers if os.geteuid() == 0 else None
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            preexec_fn=preexec,
            timeout=60,
            check=False,
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's file permission override here: {error}")


_CHECK_IN_CHILD = textwrap.dedent(
    """
    import json, sys
    from planner.services.health import check_database
    problem = check_database(sys.argv[1])
    print(json.dumps(None if problem is None else
                     {"kind": problem.kind.value, "detail": problem.detail}))
    """
)


def check_as_ordinary_user(url: str) -> dict[str, str] | None:
    result = run_as_ordinary_user(_CHECK_IN_CHILD, url)
    assert result.returncode == 0, result.stderr
    value: dict[str, str] | None = json.loads(result.stdout)
    return value


@contextmanager
def read_only(*paths_: Path) -> Iterator[None]:
    """Take the write permission away from files and folders for the block."""
    modes = {path: path.stat().st_mode for path in paths_}
    try:
        for path in paths_:
            path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(stat.S_IMODE(mode))


# -- the check ----------------------------------------------------------------------------


def test_a_sound_database_has_no_problem(db_path: Path) -> None:
    assert check_database(url_of(db_path)) is None
    # The default is the user's database (PLANNER_DATA_DIR points at db_path's folder).
    assert check_database() is None


def test_the_check_writes_nothing(db_path: Path) -> None:
    before = db_path.read_bytes()
    assert check_database(url_of(db_path)) is None
    assert db_path.read_bytes() == before
    with closing(sqlite3.connect(db_path)) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "planner_write_probe" not in names


def test_a_missing_file_in_a_writable_folder_is_a_first_start(isolated_paths: Path) -> None:
    isolated_paths.mkdir(parents=True)
    assert check_database(url_of(isolated_paths / "planner.sqlite3")) is None
    assert list(isolated_paths.iterdir()) == []


def test_a_file_of_random_bytes_is_damaged(db_path: Path) -> None:
    db_path.write_bytes(os.urandom(64 * 1024))

    problem = check_database(url_of(db_path))

    assert problem == DatabaseProblem(
        ProblemKind.CORRUPT, str(db_path), "file is not a database", db_path
    )
    assert problem.choices == (Choice.RESTORE_BACKUP, Choice.START_FRESH, Choice.QUIT)
    assert problem.message == (
        f"The database {db_path} is damaged (file is not a database). Restore a backup, or "
        "start with a new database; the damaged file is kept beside it, renamed."
    )


def test_a_zeroed_page_is_damaged(db_path: Path) -> None:
    damage_a_page(db_path)

    problem = check_database(url_of(db_path))

    assert problem is not None
    assert (problem.kind, problem.detail) == (
        ProblemKind.CORRUPT, "database disk image is malformed"
    )


def test_an_index_that_no_longer_matches_its_table_is_damaged(db_path: Path) -> None:
    mismatch_an_index(db_path)
    with closing(sqlite3.connect(db_path)) as connection:  # reads still work
        assert connection.execute("SELECT count(*) FROM portion").fetchone() == (15438,)

    problem = check_database(url_of(db_path))

    assert problem is not None
    assert problem.kind is ProblemKind.CORRUPT
    # integrity_check stops at 100 messages: the first and how many more.
    assert problem.detail == (
        "integrity check: row 2 missing from index ix_portion_food and 99 more"
    )


def test_a_database_from_a_newer_planner(db_path: Path) -> None:
    set_revision(db_path, "9999_from_the_future")

    problem = check_database(url_of(db_path))

    assert problem == DatabaseProblem(
        ProblemKind.SCHEMA_TOO_NEW, str(db_path), "schema revision 9999_from_the_future", db_path
    )
    assert problem.choices == (Choice.RESTORE_BACKUP, Choice.START_FRESH, Choice.QUIT)
    assert problem.summary == (
        "was written by a newer version of planner (schema revision 9999_from_the_future)"
    )


@pytest.mark.parametrize("how", ["exclusive", "immediate"])
def test_a_lock_held_beyond_the_busy_timeout(db_path: Path, how: str) -> None:
    with lock_held(db_path, how):
        started = time.monotonic()
        problem = check_database(url_of(db_path), busy_timeout_ms=300)
        waited = time.monotonic() - started

    assert problem == DatabaseProblem(
        ProblemKind.LOCKED, str(db_path), "database is locked", db_path
    )
    assert problem.choices == (Choice.RETRY, Choice.QUIT)
    assert waited >= 0.3  # it waited like any writer before giving up
    # Once the other process is gone, the same file is fine.
    assert check_database(url_of(db_path), busy_timeout_ms=300) is None


def test_a_lock_released_within_the_busy_timeout_is_no_problem(db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(db_path), "immediate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline() == "holding\n"
    releaser = threading.Timer(0.3, holder.stdin.close)
    releaser.start()
    try:
        assert check_database(url_of(db_path), busy_timeout_ms=10_000) is None
    finally:
        releaser.join()
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()


def test_a_read_only_folder(db_path: Path) -> None:
    # A WAL database needs its -shm beside it: in a read-only folder not even reads work.
    with read_only(db_path, db_path.parent):
        problem = check_as_ordinary_user(url_of(db_path))
    assert problem == {"kind": "read_only", "detail": "attempt to write a readonly database"}


def test_a_read_only_file_in_a_writable_folder(db_path: Path) -> None:
    # Reads work here (SQLite falls back to read-only); only the write probe fails.
    with read_only(db_path):
        problem = check_as_ordinary_user(url_of(db_path))
    assert problem == {"kind": "read_only", "detail": "attempt to write a readonly database"}


def test_no_database_yet_and_a_folder_that_cannot_take_one(isolated_paths: Path) -> None:
    isolated_paths.mkdir(parents=True)
    with read_only(isolated_paths):
        problem = check_as_ordinary_user(url_of(isolated_paths / "planner.sqlite3"))
    assert problem == {
        "kind": "read_only",
        "detail": f"cannot create files in {isolated_paths}: Permission denied",
    }


def test_a_file_that_cannot_be_read_is_unavailable(db_path: Path) -> None:
    mode = db_path.stat().st_mode
    db_path.chmod(0)
    try:
        problem = check_as_ordinary_user(url_of(db_path))
    finally:
        db_path.chmod(stat.S_IMODE(mode))
    assert problem == {"kind": "unavailable", "detail": "unable to open database file"}


def test_a_missing_folder_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "planner.sqlite3"
    problem = check_database(url_of(path))
    assert problem == DatabaseProblem(
        ProblemKind.UNAVAILABLE, str(path), f"the folder {path.parent} does not exist", path
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_does_not_answer_is_unavailable() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://planner:secret@127.0.0.1:{_closed_port()}/planner"

    problem = check_database(url)

    assert problem is not None
    assert problem.kind is ProblemKind.UNAVAILABLE
    assert problem.path is None
    assert "secret" not in problem.database and "***" in problem.database
    assert "refused" in problem.detail
    # Nothing to restore or move on a server: retry or quit.
    assert problem.choices == (Choice.RETRY, Choice.QUIT)


def test_an_in_memory_database_has_no_problem() -> None:
    assert check_database("sqlite://") is None


# -- diagnosing an error an action raised --------------------------------------------------


def test_diagnose_the_error_of_opening_a_newer_database(db_path: Path) -> None:
    set_revision(db_path, "9999_from_the_future")
    with pytest.raises(SchemaTooNewError) as error:
        Database.open(url_of(db_path))

    problem = diagnose(url_of(db_path), error.value)

    assert problem == DatabaseProblem(
        ProblemKind.SCHEMA_TOO_NEW, str(db_path), "schema revision 9999_from_the_future", db_path
    )


def test_diagnose_the_error_of_opening_random_bytes(db_path: Path) -> None:
    db_path.write_bytes(b"planner?" * 1024)
    with pytest.raises(DBAPIError) as error:
        Database.open(url_of(db_path))

    problem = diagnose(url_of(db_path), error.value)

    assert problem is not None
    assert (problem.kind, problem.detail) == (ProblemKind.CORRUPT, "file is not a database")


def test_diagnose_a_save_blocked_by_another_writer(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner.db.engine.BUSY_TIMEOUT_MS", 200)
    db = Database.open(url_of(db_path))
    try:
        plans = PlanService(db)
        demo = plans.create_demo(MONDAY)
        db.engine.dispose()
        with lock_held(db_path, "immediate"), pytest.raises(OperationalError) as error:
            plans.save(demo, demo.plan.remove_day(MONDAY))
    finally:
        db.close()

    problem = diagnose(url_of(db_path), error.value)

    assert problem is not None
    assert (problem.kind, problem.detail) == (ProblemKind.LOCKED, "database is locked")


def test_diagnose_a_save_on_a_full_disk(db_path: Path) -> None:
    db = Database.open(url_of(db_path))
    try:
        plans = PlanService(db)
        demo = plans.create_demo(MONDAY)

        # SQLite's own "disk is full": the file may not grow by a single page.
        @event.listens_for(db.engine, "connect")
        def _no_room(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        db.engine.dispose()
        bigger = demo.plan
        for day in demo.plan.days:
            for _ in range(40):
                day = day.add_entry(0, Entry(FoodRef("usda-sr28", "11457"), 30, "g"))
            bigger = bigger.with_day(day)
        with pytest.raises(OperationalError) as error:
            plans.save(demo, bigger)
    finally:
        db.close()

    problem = diagnose(url_of(db_path), error.value)

    assert problem is not None
    assert problem.kind is ProblemKind.DISK_FULL
    assert "the disk is full" in problem.message
    assert "permissions" not in problem.message
    assert problem.choices == (Choice.RETRY, Choice.QUIT)
    # Nothing of the refused save was written.
    db = Database.open(url_of(db_path))
    try:
        assert PlanService(db).get(demo.id).plan == demo.plan
    finally:
        db.close()


def test_an_error_that_is_not_about_the_database_is_not_diagnosed(db_path: Path) -> None:
    error = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert diagnose(url_of(db_path), error) is None
    assert diagnose(url_of(db_path), ValueError("bad amount")) is None


# -- setting a bad file aside ---------------------------------------------------------------

_COMMIT_THEN_DIE = textwrap.dedent(
    """
    import os, sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE kept_in_the_wal (note TEXT)")
    connection.execute("INSERT INTO kept_in_the_wal VALUES ('committed before the crash')")
    os._exit(0)  # no checkpoint: the commit lives only in the -wal
    """
)


def test_set_aside_moves_the_file_with_its_wal_and_loses_nothing(db_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _COMMIT_THEN_DIE, str(db_path)], check=True, timeout=60
    )
    assert result.returncode == 0
    wal = db_path.with_name("planner.sqlite3-wal")
    shm = db_path.with_name("planner.sqlite3-shm")
    contents = {p.name: p.read_bytes() for p in (db_path, wal, shm)}
    assert len(contents["planner.sqlite3-wal"]) > 0

    moved = set_aside(db_path, STAMP)

    assert moved == db_path.with_name("planner.sqlite3.bad-2026-11-21T071200")
    assert sorted(p.name for p in db_path.parent.iterdir()) == [
        "planner.sqlite3.bad-2026-11-21T071200",
        "planner.sqlite3.bad-2026-11-21T071200-shm",
        "planner.sqlite3.bad-2026-11-21T071200-wal",
    ]
    assert moved.read_bytes() == contents["planner.sqlite3"]
    assert moved.with_name(moved.name + "-wal").read_bytes() == contents["planner.sqlite3-wal"]
    # Opened under its new name, SQLite still finds the WAL and the last commit.
    with closing(sqlite3.connect(moved)) as connection:
        assert connection.execute("SELECT note FROM kept_in_the_wal").fetchall() == [
            ("committed before the crash",)
        ]


def test_set_aside_never_overwrites_an_earlier_bad_file(db_path: Path) -> None:
    first_content = db_path.read_bytes()
    first = set_aside(db_path, STAMP)
    db_path.write_bytes(b"the second bad file")

    second = set_aside(db_path, STAMP)

    assert second == db_path.with_name("planner.sqlite3.bad-2026-11-21T071200-2")
    assert first.read_bytes() == first_content
    assert second.read_bytes() == b"the second bad file"
    assert not db_path.exists()


def test_set_aside_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such database file"):
        set_aside(tmp_path / "planner.sqlite3")


def test_after_set_aside_the_next_start_begins_fresh(db_path: Path) -> None:
    db_path.write_bytes(os.urandom(8192))
    problem = check_database(url_of(db_path))
    assert problem is not None and Choice.START_FRESH in problem.choices

    set_aside(db_path, STAMP)

    assert check_database(url_of(db_path)) is None
    db = Database.open(url_of(db_path))
    try:
        assert PlanService(db).list() == []
    finally:
        db.close()
    assert check_database(url_of(db_path)) is None


@pytest.mark.postgresql
def test_a_server_database_from_a_newer_planner(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    assert check_database(pg_url) is None
    engine = create_engine(pg_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        engine.dispose()

    problem = check_database(pg_url)

    assert problem is not None
    assert (problem.kind, problem.detail, problem.path) == (
        ProblemKind.SCHEMA_TOO_NEW, "schema revision 9999_future", None
    )
    assert problem.choices == (Choice.QUIT,)  # nothing to restore or move from here
