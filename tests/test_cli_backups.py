"""``planner backup list|create|restore|set-aside`` and the one line for a bad database.

In process through ``cli.main`` for speed, and through the real console script where
the promise is about the process: exit status 1, one line on stderr, no traceback.
``PLANNER_DATA_DIR`` points at a copy of the loaded database (``db_path``).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from planner import cli
from planner.services.backups import BackupService
from planner.services.database import Database
from planner.services.plans import PlanService

_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]
MONDAY = dt.date(2026, 11, 23)
DATA = Path(__file__).resolve().parent / "data"


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def call_json(*args: str) -> Any:
    code, out, err = call(*args, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def run_planner(*args: str, preexec: Any = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANNER, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        preexec_fn=preexec,
        timeout=60,
        check=False,
    )


def plan_names(db_path: Path) -> list[str]:
    with closing(sqlite3.connect(db_path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM plan ORDER BY id")]


def damaged_line(db_path: Path, detail: str) -> str:
    """The line the issue asks for, for the database at ``db_path``."""
    return (
        f"planner: the database {db_path} is damaged ({detail}). Restore a backup with "
        "`planner backup restore NAME`, or move it aside with `planner backup set-aside` "
        "and start fresh.\n"
    )


@pytest.fixture
def with_demo(db_path: Path) -> Path:
    db = Database.open(f"sqlite:///{db_path}")
    try:
        PlanService(db).create_demo(MONDAY)
    finally:
        db.close()
    return db_path


# -- backup create, list, restore ------------------------------------------------------------


def test_create_then_list(with_demo: Path, isolated_paths: Path) -> None:
    code, out, err = call("backup", "create")
    assert (code, err) == (0, "")
    [made] = BackupService().list()
    size = f"{made.size / 1_000_000:.1f} MB"
    assert out == f"Backed up the database to {made.path} ({size}, 1 plan).\n"
    assert made.path.parent == isolated_paths / "backups"
    assert made.name.endswith("-manual.sqlite3")

    code, out, err = call("backup", "list")
    assert (code, err) == (0, "")
    assert out == f"{made.name}  {size:>8}  1 plan\n"

    assert call_json("backup", "list") == [
        {
            "name": made.name,
            "path": str(made.path),
            "created": made.created.isoformat(),
            "reason": "manual",
            "size": made.size,
            "plans": 1,
        }
    ]


def test_list_without_backups_says_how_to_make_one(db_path: Path, isolated_paths: Path) -> None:
    code, out, err = call("backup", "list")
    assert (code, err) == (0, "")
    assert out == (
        f"No backups yet in {isolated_paths / 'backups'}. Make one with: planner backup create\n"
    )
    assert call_json("backup", "list") == []


def test_restore_by_name_brings_the_backup_back(with_demo: Path) -> None:
    made = call_json("backup", "create")
    code, _out, err = call("import-plan", str(DATA / "low_magnesium_week.json"))
    assert (code, err) == (0, "")
    assert plan_names(with_demo) == ["Demo week", "Low magnesium week"]

    code, out, err = call("backup", "restore", made["name"])

    assert (code, err) == (0, "")
    [saved, _made] = BackupService().list()
    assert saved.reason == "before-restore"
    assert out == (
        f"Restored {made['name']}.\nThe database as it was is kept as {saved.path}.\n"
    )
    assert plan_names(with_demo) == ["Demo week"]
    assert plan_names(saved.path) == ["Demo week", "Low magnesium week"]
    assert call_json("plans", "list")[0]["name"] == "Demo week"


def test_restore_json_names_both_files(with_demo: Path) -> None:
    made = call_json("backup", "create")
    result = call_json("backup", "restore", made["path"])
    [saved, _made] = BackupService().list()
    assert result == {"restored": made["path"], "saved_as": str(saved.path)}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("planner-1999-01-01T000000.sqlite3", "planner: no backup named "
         "'planner-1999-01-01T000000.sqlite3' in {backups}\n"),
        (str(DATA / "issue_example.json"), "planner: {file} is not a SQLite database, so not "
         "a planner backup\n"),
    ],
    ids=["unknown", "not-sqlite"],
)
def test_restore_of_something_that_is_no_backup_fails_with_one_line(
    with_demo: Path, isolated_paths: Path, name: str, message: str
) -> None:
    before = with_demo.read_bytes()
    code, out, err = call("backup", "restore", name)
    assert (code, out) == (1, "")
    assert err == message.format(backups=isolated_paths / "backups", file=name)
    assert with_demo.read_bytes() == before


def test_backups_of_a_postgresql_database_are_the_server_s_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANNER_DB_URL", "postgresql+psycopg://planner@db.example/planner")
    for action in ("list", "create"):
        assert call("backup", action) == (
            1, "", "planner: backups of a PostgreSQL database are made on the server (pg_dump)\n"
        )


# -- set-aside --------------------------------------------------------------------------------


def test_set_aside_refuses_a_sound_database_unless_forced(with_demo: Path) -> None:
    assert call("backup", "set-aside") == (
        1, "", f"planner: the database {with_demo} is in order; nothing to set aside (add "
        "--force to move it aside anyway)\n",
    )
    assert with_demo.exists()

    result = call_json("backup", "set-aside", "--force")

    moved = Path(result["moved_to"])
    assert moved.name.startswith("planner.sqlite3.bad-")
    assert plan_names(moved) == ["Demo week"]
    assert not with_demo.exists()


def test_set_aside_without_a_database(isolated_paths: Path) -> None:
    isolated_paths.mkdir(parents=True)
    code, out, err = call("backup", "set-aside")
    assert (code, out) == (1, "")
    assert err == (
        f"planner: there is no database at {isolated_paths / 'planner.sqlite3'}; nothing to "
        "set aside\n"
    )


# -- a bad database ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("foods", "show", "usda:11457"), ("plans", "list"),
                                     ("foods", "search", "spinach")])
def test_any_command_on_a_damaged_database_prints_the_way_out(
    db_path: Path, command: tuple[str, ...]
) -> None:
    db_path.write_bytes(os.urandom(64 * 1024))
    assert call(*command) == (1, "", damaged_line(db_path, "file is not a database"))


def test_the_console_script_on_a_damaged_database(db_path: Path) -> None:
    db_path.write_bytes(b"this was a database once" * 1000)

    result = run_planner("plans", "list")

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == damaged_line(db_path, "file is not a database")


def test_the_home_folder_is_written_as_a_tilde(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(db_path.parent.parent))
    db_path.write_bytes(os.urandom(16384))
    code, _out, err = call("plans", "list")
    assert code == 1
    assert err.startswith(f"planner: the database ~/{db_path.parent.name}/planner.sqlite3 is "
                          "damaged (file is not a database).")


def test_from_damaged_to_working_again_with_the_commands_it_names(with_demo: Path) -> None:
    made = call_json("backup", "create")
    with closing(sqlite3.connect(with_demo)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with with_demo.open("r+b") as file:  # a torn first page: the header is gone
        file.write(bytes(page_size))

    code, out, err = call("plans", "list")
    assert (code, out) == (1, "")
    assert err == damaged_line(with_demo, "file is not a database")

    code, out, err = call("backup", "set-aside")
    assert (code, err) == (0, "")
    [aside] = with_demo.parent.glob("planner.sqlite3.bad-*")
    assert out == (
        f"Moved the database aside to {aside}. The next command starts with a new database.\n"
    )

    code, out, err = call("backup", "restore", made["name"])
    assert (code, err) == (0, "")
    assert out == f"Restored {made['name']}.\n"  # nothing was there to keep
    assert [plan["name"] for plan in call_json("plans", "list")] == ["Demo week"]


def test_restore_straight_over_a_damaged_database_sets_it_aside(with_demo: Path) -> None:
    made = call_json("backup", "create")
    with_demo.write_bytes(os.urandom(32768))

    result = call_json("backup", "restore", made["name"])

    saved_as = Path(result["saved_as"])
    assert saved_as.name.startswith("planner.sqlite3.bad-")
    assert [plan["name"] for plan in call_json("plans", "list")] == ["Demo week"]


def test_a_database_from_a_newer_planner(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
    assert call("plans", "list") == (
        1,
        "",
        f"planner: the database {db_path} was written by a newer version of planner (schema "
        "revision 9999_from_the_future). Use the newer planner. Restore a backup with "
        "`planner backup restore NAME`, or move it aside with `planner backup set-aside` and "
        "start fresh.\n",
    )


_HOLD_EXCLUSIVELY = textwrap.dedent(
    """
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    connection.execute("BEGIN EXCLUSIVE")
    connection.execute("COMMIT")
    print("holding", flush=True)
    sys.stdin.read()
    """
)


@contextmanager
def held_exclusively(path: Path) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_EXCLUSIVELY, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "holding\n"
        yield
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()


def test_a_locked_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("planner.db.engine.BUSY_TIMEOUT_MS", 200)  # not the real 5 s
    with held_exclusively(db_path):
        result = call("plans", "list")
        set_aside = call("backup", "set-aside")
    way_out = "Close the other planner (or the program using it) and try again.\n"
    assert result == (
        1, "", f"planner: the database {db_path} is locked by another program (database is "
        f"locked). {way_out}",
    )
    # Moving a file another program holds would make things worse: refused, same line.
    assert set_aside == result
    assert db_path.exists()


_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER, _PR_CAPBSET_DROP = 1, 2, 3, 24


def _drop_root_powers() -> None:
    """In the child: without these capabilities root obeys file permissions too."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_read_only_data_folder(db_path: Path) -> None:
    folder = db_path.parent
    modes = {path: path.stat().st_mode for path in (db_path, folder)}
    db_path.chmod(0o444)
    folder.chmod(0o555)
    try:
        preexec = _drop_root_powers if os.geteuid() == 0 else None
        try:
            result = run_planner("plans", "list", preexec=preexec)
        except subprocess.SubprocessError as error:
            pytest.skip(f"cannot drop root's file permission override here: {error}")
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"planner: the database {db_path} cannot be written: the file or its folder is "
        "read-only (attempt to write a readonly database). Make the file and its folder "
        "writable, or point PLANNER_DB_URL at a writable place.\n"
    )
