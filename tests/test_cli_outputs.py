"""Outputs never destroy data, on the command line (issue 13, item 2).

Every ``-o FILE`` of the command line goes through :mod:`planner.services.outputs`:
pointed at the live database, its ``-wal``, a backup, a set-aside database, a symlink to
the database or a copy of it elsewhere, the command is refused with one line and exit
status 1 (the command line's status for a user's error), with or without ``--force``,
and the file is byte-identical afterwards. Another existing file needs ``--force``.
A real full file system (a 64 kB tmpfs in a private mount namespace) shows the full
disk. And the command line makes the day's automatic backup before its first change.

In process through ``cli.main``, and through the console script where the promise is
about the process (exit status, one line, no traceback).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from planner import cli
from planner.services.backups import AUTO, BackupService
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.services.recipes import RecipeService

ROOT = Path(__file__).resolve().parent.parent
DEMO_WEEK = ROOT / "data" / "demo_week.json"
LOW_MAGNESIUM_WEEK = Path(__file__).resolve().parent / "data" / "low_magnesium_week.json"
_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]
MONDAY = dt.date(2026, 11, 23)

# The PDF commands lay pages out with Qt: the tests' QApplication, made first, is theirs.
pytestmark = pytest.mark.usefixtures("qapp")


def call(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(arg) for arg in args], out, err)
    return code, out.getvalue(), err.getvalue()


def run_planner(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANNER, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120, check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_count(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return int(connection.execute("SELECT count(*) FROM plan").fetchone()[0])


@pytest.fixture
def demo(db_path: Path) -> tuple[int, str]:
    """The demo week stored (with its recipes): its plan id and one recipe reference."""
    db = Database.open(f"sqlite:///{db_path}")
    try:
        RecipeService(db).ensure_samples()
        saved = PlanService(db).create_demo(MONDAY)
        recipe = str(RecipeService(db).list()[0].ref)
    finally:
        db.close()
    return saved.id, recipe


#: Each command that writes a file, by the arguments before ``-o FILE``.
def commands(plan_id: int, recipe: str) -> dict[str, list[str]]:
    return {
        "export-plan": ["export-plan", str(plan_id)],
        "shopping-list": ["shopping-list", "--plan", str(plan_id), "--format", "md"],
        "report": ["report", str(DEMO_WEEK)],
        "print-plan": ["print-plan", str(DEMO_WEEK)],
        "optimize": ["optimize", str(DEMO_WEEK)],
        "recipes export": ["recipes", "export", recipe],
    }


COMMANDS = ["export-plan", "shopping-list", "report", "print-plan", "optimize",
            "recipes export"]


@pytest.fixture
def wal(db_path: Path) -> Iterator[Path]:
    """The database's ``-wal`` as the open window keeps it: written and still open."""
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE scratch (x)")  # any change: the page goes to the WAL
    connection.commit()
    path = db_path.with_name(db_path.name + "-wal")
    assert path.stat().st_size > 0
    try:
        yield path
    finally:
        connection.close()


def protected_files(db_path: Path, tmp_path: Path, wal: Path) -> dict[str, Path]:
    backup = BackupService().create().path
    set_aside = db_path.with_name(f"{db_path.name}.bad-2026-11-21T071200")
    shutil.copyfile(db_path, set_aside)
    symlink = tmp_path / "plan.json"
    symlink.symlink_to(db_path)
    copy = tmp_path / "copies" / "week.md"
    copy.parent.mkdir()
    shutil.copyfile(db_path, copy)
    return {"the database": db_path, "its -wal": wal, "a backup": backup,
            "a set-aside database": set_aside, "a symlink to the database": symlink,
            "a copy of the database elsewhere": copy}


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_never_replaces_the_database_or_a_backup(
    command: str, demo: tuple[int, str], db_path: Path, tmp_path: Path, wal: Path
) -> None:
    argv = commands(*demo)[command]
    targets = protected_files(db_path, tmp_path, wal)
    before = {name: digest(path) for name, path in targets.items()}
    for name, target in targets.items():
        for force in ([], ["--force"]):
            code, out, err = call(*argv, "-o", target, *force)
            assert code == 1, (name, force, out, err)
            assert err.startswith(f"planner: will not write to {target}: it is "), err
            assert err.endswith("; choose another file (--force never replaces it)\n"), err
            assert err.count("\n") == 1 and out == ""
            assert digest(target) == before[name], (name, force)
    assert targets["a symlink to the database"].is_symlink()
    assert not list(db_path.parent.glob(".*.partial")) and not list(tmp_path.glob(".*.partial"))


def test_the_reason_says_what_the_file_is(demo: tuple[int, str], db_path: Path,
                                          tmp_path: Path, wal: Path) -> None:
    targets = protected_files(db_path, tmp_path, wal)
    backups = db_path.parent / "backups"
    reasons = {
        "the database": "it is the planner database;",
        "its -wal": "it is the planner database's -wal file;",
        "a backup": f"it is in the backups folder {backups};",
        "a set-aside database": "it is a database set aside (.bad-);",
        "a symlink to the database": "it is the planner database;",
        "a copy of the database elsewhere": "it is a SQLite database;",
    }
    for name, target in targets.items():
        _code, _out, err = call("export-plan", str(demo[0]), "-o", target)
        assert reasons[name] in err, (name, err)


@pytest.mark.parametrize("command", COMMANDS)
def test_another_existing_file_needs_force(
    command: str, demo: tuple[int, str], tmp_path: Path
) -> None:
    argv = commands(*demo)[command]
    suffix = ".pdf" if command in ("report", "print-plan") else ".json"
    if command == "shopping-list":
        suffix = ".md"
    target = tmp_path / f"mine{suffix}"
    target.write_bytes(b"my own file\n")

    code, out, err = call(*argv, "-o", target)
    assert (code, out) == (1, "")
    assert err == f"planner: {target} already exists; add --force to replace it\n"
    assert target.read_bytes() == b"my own file\n"

    code, out, err = call(*argv, "-o", target, "--force")
    assert code == 0, err
    written = target.read_bytes()
    if suffix == ".pdf":
        assert written.startswith(b"%PDF-")
    elif suffix == ".md":
        assert written.startswith(b"# Shopping list")
    else:
        assert json.loads(written)["format"] in ("planner.plan/1", "planner.recipes/1")
    assert not list(tmp_path.glob(".*.partial"))


def test_a_new_file_needs_no_force(demo: tuple[int, str], tmp_path: Path) -> None:
    target = tmp_path / "week.json"
    code, out, err = call("export-plan", str(demo[0]), "-o", target)
    assert (code, out, err) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))["name"] == "Demo week"


def test_the_console_script_refuses_the_live_database(demo: tuple[int, str],
                                                      db_path: Path) -> None:
    before = digest(db_path)
    size = db_path.stat().st_size
    result = run_planner("export-plan", str(demo[0]), "-o", db_path, "--force")
    assert result.returncode == 1
    assert result.stderr == (
        f"planner: will not write to {db_path}: it is the planner database; choose another "
        "file (--force never replaces it)\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert digest(db_path) == before and db_path.stat().st_size == size
    assert plan_count(db_path) == 1


def _can_mount_tmpfs(folder: Path) -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{folder}'"],
        capture_output=True, timeout=30, check=False,
    )
    return probe.returncode == 0


def test_a_full_disk_is_said_so_and_keeps_the_old_file(
    demo: tuple[int, str], tmp_path: Path
) -> None:
    """A real full file system: a 64 kB tmpfs, filled up, in a private mount namespace."""
    disk = tmp_path / "small-disk"
    disk.mkdir()
    if not _can_mount_tmpfs(disk):
        pytest.skip("cannot mount a tmpfs here (needs unshare -m and mount rights)")
    script = (
        'mount -t tmpfs -o size=64k tmpfs "$1" && shift && '
        'printf "the old plan" > "$DISK_PLAN" && '
        '(cat /dev/zero > "$DISK_FILL" 2>/dev/null; true) && '
        '"$@"; echo "exit=$?"; cat "$DISK_PLAN"; echo; ls -A "$(dirname "$DISK_PLAN")"'
    )
    target = disk / "plan.json"
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(disk), *PLANNER,
         "export-plan", str(demo[0]), "-o", str(target), "--force"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "DISK_PLAN": str(target), "DISK_FILL": str(disk / "filler")},
    )
    assert result.stderr == (
        f"planner: cannot write {target}: the disk is full (in {disk})\n"
    ), result.stderr
    assert result.stdout.splitlines() == ["exit=1", "the old plan", "filler", "plan.json"]


# -- the day's automatic backup --------------------------------------------------------------


def test_the_first_change_of_the_day_is_backed_up_first(demo: tuple[int, str],
                                                         db_path: Path) -> None:
    assert BackupService().list() == []
    code, _out, err = call("import-plan", LOW_MAGNESIUM_WEEK)
    assert (code, err) == (0, "")
    [made] = BackupService().list()
    assert made.reason == AUTO
    # Made before the change: the backup holds the database as it was.
    assert plan_count(made.path) == 1 and plan_count(db_path) == 2

    code, _out, err = call("import-plan", LOW_MAGNESIUM_WEEK)
    assert (code, err) == (0, "")
    code, _out, err = call("plans", "delete", str(demo[0]))
    assert (code, err) == (0, "")
    assert [b.name for b in BackupService().list()] == [made.name]  # not twice a day


def test_yesterdays_backup_does_not_count_for_today(demo: tuple[int, str]) -> None:
    yesterday = dt.datetime.now() - dt.timedelta(days=1, minutes=5)
    old = BackupService().create(AUTO, yesterday)
    code, _out, err = call("plans", "delete", str(demo[0]))
    assert (code, err) == (0, "")
    backups = BackupService().list()
    assert len(backups) == 2 and backups[1].path == old.path
    assert backups[0].plan_count == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["import-plan", str(LOW_MAGNESIUM_WEEK)],
        ["recipes", "import", str(ROOT / "data" / "recipes.json")],
        ["import-usda", "/nonexistent/sr28"],
    ],
    ids=["import-plan", "recipes import", "import-usda"],
)
def test_every_command_that_writes_backs_up_first(argv: list[str],
                                                   demo: tuple[int, str]) -> None:
    call(*argv)
    assert len(BackupService().list()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["plans", "list"],
        ["analyze", str(DEMO_WEEK)],
        ["foods", "search", "spinach raw"],
        ["recipes", "list"],
        ["swaps", "usda:20045"],
        ["optimize", str(DEMO_WEEK)],
        ["shopping-list", str(DEMO_WEEK)],
        ["print-plan", str(DEMO_WEEK)],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_reading_commands_make_no_backup(argv: list[str], demo: tuple[int, str],
                                         tmp_path: Path) -> None:
    code, _out, err = call(*argv)
    assert (code, err) == (0, "")
    code, _out, err = call("export-plan", str(demo[0]), "-o", tmp_path / "week.json")
    assert (code, err) == (0, "")
    assert BackupService().list() == []


def test_a_backup_that_fails_is_a_warning_not_a_refusal(demo: tuple[int, str],
                                                        db_path: Path,
                                                        isolated_paths: Path) -> None:
    (isolated_paths / "backups").write_text("not a folder")
    code, out, err = call("import-plan", LOW_MAGNESIUM_WEEK)
    assert code == 0
    assert out.startswith("Imported plan ")
    assert err.startswith("planner: warning: today's backup could not be made: ")
    assert err.count("\n") == 1
    assert plan_count(db_path) == 2


def test_no_backup_on_a_server_database(monkeypatch: pytest.MonkeyPatch,
                                        isolated_paths: Path) -> None:
    # The server backs itself up: nothing is asked of it (this URL has no server behind).
    monkeypatch.setenv("PLANNER_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/planner")
    err = io.StringIO()
    ctx = cli.Context(cli.build_parser().parse_args(["plans", "list"]), io.StringIO(), err)
    ctx.before_writing()
    assert err.getvalue() == ""
    assert not (isolated_paths / "backups").exists()
