"""Backups of the user's SQLite database: made online, rotated, checked, restored.

Real files throughout: the loaded database copy (``db_path``), the real backup API,
another process writing while a backup is made or holding the database open while a
restore is asked for. Backups are a SQLite matter; the PostgreSQL case is the clear
refusal (no server needed to check that).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from planner.core.foods import FoodRef
from planner.core.plan import Entry
from planner.services.backups import (
    AUTO,
    BEFORE_RESTORE,
    MANUAL,
    BackupError,
    BackupInfo,
    BackupService,
    BackupsNotSupportedError,
    DatabaseInUseError,
)
from planner.services.database import Database
from planner.services.health import check_database
from planner.services.plans import PlanService, SavedPlan

MONDAY = dt.date(2026, 11, 23)
MORNING = dt.datetime(2026, 11, 21, 7, 12, 0)
SPINACH = FoodRef("usda-sr28", "11457")
SQLITE_HEADER = b"SQLite format 3\x00"


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def plan_names(path: Path) -> list[str]:
    """Plan names stored in the SQLite file at ``path`` (read only)."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM plan ORDER BY id")]


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    db = Database.open(url_of(db_path))
    yield db
    db.close()


@pytest.fixture
def plans(database: Database) -> PlanService:
    return PlanService(database)


@pytest.fixture
def demo(plans: PlanService) -> SavedPlan:
    return plans.create_demo(MONDAY)


@pytest.fixture
def backups(db_path: Path, isolated_paths: Path) -> BackupService:
    return BackupService(url_of(db_path))


def rename(plans: PlanService, saved: SavedPlan, name: str) -> SavedPlan:
    return plans.save(saved, replace(saved.plan, name=name))


# -- making a backup ----------------------------------------------------------------------


def test_create_writes_a_checked_single_file_named_by_the_time(
    backups: BackupService, demo: SavedPlan, db_path: Path, isolated_paths: Path
) -> None:
    info = backups.create(now=MORNING)

    folder = isolated_paths / "backups"
    assert info == BackupInfo(
        folder / "planner-2026-11-21T071200-manual.sqlite3",
        MORNING,
        MANUAL,
        info.path.stat().st_size,
        1,
    )
    assert info.name == "planner-2026-11-21T071200-manual.sqlite3"
    assert info.path.read_bytes()[:16] == SQLITE_HEADER
    # One self-contained file: rollback journal, nothing beside it, not even a leftover.
    assert sorted(p.name for p in folder.iterdir()) == [info.name]
    assert journal_mode(info.path) == "delete"
    assert integrity(info.path) == ["ok"]
    assert plan_names(info.path) == plan_names(db_path) == ["Demo week"]
    assert info.size == db_path.stat().st_size


def test_create_sees_commits_still_in_the_wal(
    backups: BackupService, plans: PlanService, demo: SavedPlan, db_path: Path
) -> None:
    # The window holds the database open: the last edits are in planner.sqlite3-wal.
    rename(plans, demo, "Edited in the window")
    assert db_path.with_name("planner.sqlite3-wal").stat().st_size > 0

    info = backups.create(now=MORNING)

    assert plan_names(info.path) == ["Edited in the window"]


def test_a_backup_with_a_database_object_names_the_same_file(
    database: Database, db_path: Path, demo: SavedPlan
) -> None:
    service = BackupService(database)
    assert service.database_path == db_path
    assert service.create(now=MORNING).plan_count == 1


def test_two_backups_in_one_second_both_survive(
    backups: BackupService, plans: PlanService, demo: SavedPlan
) -> None:
    first = backups.create(now=MORNING)
    rename(plans, demo, "Second")
    second = backups.create(now=MORNING)

    assert second.name == "planner-2026-11-21T071200-2-manual.sqlite3"
    assert plan_names(first.path) == ["Demo week"]
    assert plan_names(second.path) == ["Second"]
    assert [b.name for b in backups.list()] == [second.name, first.name]


def test_a_reason_is_words_joined_by_hyphens(backups: BackupService) -> None:
    with pytest.raises(ValueError, match="lowercase words"):
        backups.create("../../etc", now=MORNING)


def test_no_database_yet_means_nothing_to_back_up(isolated_paths: Path) -> None:
    service = BackupService()
    with pytest.raises(BackupError, match=r"^there is no database at .* to back up yet$"):
        service.create(now=MORNING)
    assert service.auto_backup(MORNING) is None
    assert service.list() == []


_WRITER = textwrap.dedent(
    """
    import sys
    from planner.core.foods import FoodRef
    from planner.core.plan import Entry
    from planner.services.database import Database
    from planner.services.plans import PlanService

    plans = PlanService(Database.open(sys.argv[1]))
    saved = plans.get(int(sys.argv[2]))
    for n in range(1, 100_000):
        day = saved.plan.days[n % 7]
        entry = Entry(FoodRef("usda-sr28", "11457"), n, "g")
        saved = plans.save(saved, saved.plan.with_day(day.add_entry(0, entry)))
        print(f"saved {n}", flush=True)
    """
)


def _spinach_amounts(path: Path) -> list[float]:
    with closing(sqlite3.connect(path)) as connection:
        return sorted(
            row[0]
            for row in connection.execute(
                "SELECT amount FROM entry JOIN food ON food.id = entry.food_id "
                "WHERE food.source_id = '11457'"
            )
        )


def test_backups_made_while_another_process_writes_are_consistent(
    backups: BackupService, database: Database, demo: SavedPlan, db_path: Path
) -> None:
    database.engine.dispose()
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, url_of(db_path), str(demo.id)],
        stdout=subprocess.PIPE,
        text=True,
    )
    made: list[BackupInfo] = []
    try:
        assert writer.stdout is not None
        for second in range(8):
            if second in (1, 7):
                # The writer has committed past what the first backup holds.
                wanted = len(_spinach_amounts(made[0].path)) + 1 if made else 1
                while int(writer.stdout.readline().removeprefix("saved ")) < wanted:
                    pass
            made.append(backups.create(now=MORNING + dt.timedelta(seconds=second)))
    finally:
        writer.kill()
        writer.wait(timeout=30)
        assert writer.stdout is not None
        writer.stdout.close()

    counts = []
    for info in made:
        assert integrity(info.path) == ["ok"]
        amounts = _spinach_amounts(info.path)
        # Each backup is one moment of the database: edits 1..n, none half-written.
        assert amounts == [float(n) for n in range(1, len(amounts) + 1)]
        counts.append(len(amounts))
    assert counts == sorted(counts)
    assert counts[-1] > counts[0], "the writer kept writing while backups were made"


# -- the automatic backup and its rotation --------------------------------------------------


def test_auto_backup_at_most_daily(backups: BackupService, demo: SavedPlan) -> None:
    first = backups.auto_backup(MORNING)
    assert first is not None
    assert (first.name, first.reason) == ("planner-2026-11-21T071200.sqlite3", AUTO)

    assert backups.auto_backup(MORNING + dt.timedelta(hours=23, minutes=59)) is None
    next_day = backups.auto_backup(MORNING + dt.timedelta(days=1))
    assert next_day is not None and next_day.name == "planner-2026-11-22T071200.sqlite3"
    assert [b.name for b in backups.list()] == [next_day.name, first.name]


def test_a_manual_backup_counts_as_the_day_s_backup(backups: BackupService) -> None:
    backups.create(now=MORNING)
    assert backups.auto_backup(MORNING + dt.timedelta(hours=3)) is None


def test_a_backup_from_the_future_does_not_stop_the_daily_one(backups: BackupService) -> None:
    # The clock was set wrong once; the backup made then must not block every later day.
    backups.create(now=MORNING + dt.timedelta(days=400))
    made = backups.auto_backup(MORNING)
    assert made is not None and made.created == MORNING


def test_an_aware_time_is_named_in_local_time(backups: BackupService) -> None:
    now = dt.datetime(2026, 11, 21, 7, 12, tzinfo=dt.UTC)
    made = backups.auto_backup(now)
    assert made is not None
    assert made.created == now.astimezone().replace(tzinfo=None)


def test_rotation_keeps_the_newest_automatic_backups_and_every_other_one(
    db_path: Path, demo: SavedPlan
) -> None:
    backups = BackupService(url_of(db_path), keep=3)
    manual = backups.create(now=MORNING - dt.timedelta(days=30))
    made = [backups.auto_backup(MORNING + dt.timedelta(days=day)) for day in range(6)]
    assert all(info is not None for info in made)

    names = [b.name for b in backups.list()]

    assert names == [
        "planner-2026-11-26T071200.sqlite3",
        "planner-2026-11-25T071200.sqlite3",
        "planner-2026-11-24T071200.sqlite3",
        manual.name,
    ]
    assert [b.plan_count for b in backups.list()] == [1, 1, 1, 1]


def test_the_list_ignores_files_that_are_not_backups(
    backups: BackupService, isolated_paths: Path
) -> None:
    made = backups.create(now=MORNING)
    folder = isolated_paths / "backups"
    for name in (
        "notes.txt",
        "planner-2026-13-45T999999.sqlite3",
        "other-2026-11-21T071200.sqlite3",
        ".planner-2026-11-21T071200.sqlite3.partial",
    ):
        (folder / name).write_text("not a backup")
    (folder / "planner-2026-11-20T071200.sqlite3").mkdir()

    assert [b.name for b in backups.list()] == [made.name]


def test_a_stale_unfinished_backup_is_cleared(
    backups: BackupService, isolated_paths: Path
) -> None:
    folder = isolated_paths / "backups"
    folder.mkdir(parents=True)
    stale = folder / ".planner-crashed.partial"
    fresh = folder / ".planner-in-progress.partial"
    stale.write_bytes(b"half a backup")
    fresh.write_bytes(b"another process is writing this one")
    two_days_ago = dt.datetime.now().timestamp() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))

    assert backups.auto_backup(MORNING) is not None

    assert not stale.exists()
    assert fresh.exists()


def test_a_damaged_database_is_not_backed_up_and_the_good_backups_stay(
    backups: BackupService, db_path: Path, isolated_paths: Path
) -> None:
    made = [backups.auto_backup(MORNING + dt.timedelta(days=d)) for d in range(3)]
    good = [info for info in made if info is not None]
    assert len(good) == 3
    with closing(sqlite3.connect(db_path)) as connection:
        # An index that no longer matches its table: reads work, integrity does not.
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_portion_food ON portion (seq, "
            "food_id)' WHERE name = 'ix_portion_food'"
        )
        connection.commit()

    with pytest.raises(BackupError, match="is damaged .*no backup was made"):
        backups.auto_backup(MORNING + dt.timedelta(days=10))

    assert backups.list() == list(reversed(good))
    assert sorted(p.name for p in (isolated_paths / "backups").iterdir()) == sorted(
        b.name for b in good
    )


def test_random_bytes_are_not_backed_up(backups: BackupService, db_path: Path) -> None:
    db_path.write_bytes(os.urandom(16384))
    with pytest.raises(BackupError, match=r"is damaged \(file is not a database\)"):
        backups.create(now=MORNING)
    assert backups.list() == []


# -- restoring ----------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_what_was_there(
    backups: BackupService, database: Database, plans: PlanService, demo: SavedPlan,
    db_path: Path,
) -> None:
    made = backups.create(now=MORNING)
    rename(plans, demo, "Changed after the backup")
    plans.import_text(
        (Path(__file__).parent.parent / "data" / "low_magnesium_week.json").read_text("utf-8")
    )
    database.close()

    saved_as = backups.restore(made.path, now=MORNING + dt.timedelta(hours=1))

    assert saved_as is not None
    assert saved_as.name == "planner-2026-11-21T081200-before-restore.sqlite3"
    assert plan_names(db_path) == ["Demo week"]
    assert plan_names(saved_as) == ["Changed after the backup", "Low magnesium week"]
    assert [b.reason for b in backups.list()] == [BEFORE_RESTORE, MANUAL]
    assert integrity(db_path) == ["ok"]
    assert journal_mode(db_path) == "wal"
    assert not db_path.with_name("planner.sqlite3-wal").exists()
    assert check_database(url_of(db_path)) is None
    # The window opens it again and goes on editing.
    reopened = Database.open(url_of(db_path))
    try:
        restored = PlanService(reopened)
        saved = restored.get(demo.id)
        assert saved.plan == demo.plan
        entry = Entry(SPINACH, 60, "g")
        restored.save(saved, saved.plan.with_day(saved.plan.days[0].add_entry(0, entry)))
    finally:
        reopened.close()


def test_restore_refuses_while_this_process_has_the_database_open(
    backups: BackupService, database: Database, demo: SavedPlan, db_path: Path
) -> None:
    made = backups.create(now=MORNING)
    plans = PlanService(database)
    rename(plans, demo, "Still open")

    with pytest.raises(DatabaseInUseError, match="is still in use"):
        backups.restore(made.path, now=MORNING + dt.timedelta(hours=1))

    assert plan_names(db_path) == ["Still open"]
    assert [b.name for b in backups.list()] == [made.name]


_HOLD_OPEN = textwrap.dedent(
    """
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1])
    connection.execute("SELECT count(*) FROM plan").fetchone()  # open, idle, no transaction
    print("open", flush=True)
    sys.stdin.read()
    connection.close()
    """
)


def test_restore_refuses_while_another_planner_has_the_database_open(
    backups: BackupService, database: Database, demo: SavedPlan, db_path: Path
) -> None:
    made = backups.create(now=MORNING)
    rename(PlanService(database), demo, "Open elsewhere")
    database.close()
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline() == "open\n"
        with pytest.raises(DatabaseInUseError):
            backups.restore(made.path, now=MORNING + dt.timedelta(hours=1))
    finally:
        assert other.stdin is not None and other.stdout is not None
        other.stdin.close()
        assert other.wait(timeout=30) == 0
        other.stdout.close()

    assert plan_names(db_path) == ["Open elsewhere"]
    # Once the other one is closed, the restore goes through.
    assert backups.restore(made.path, now=MORNING + dt.timedelta(hours=2)) is not None
    assert plan_names(db_path) == ["Demo week"]


def _not_a_backup(kind: str, backup: Path, folder: Path) -> Path:
    """A file offered as a backup that is none: text, empty, torn in the middle, absent."""
    path = folder / f"{kind}.sqlite3"
    if kind == "text":
        path.write_text("my shopping list", encoding="utf-8")
    elif kind == "empty":
        path.touch()
    elif kind == "torn":
        data = bytearray(backup.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 8192] = bytes(8192)
        path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text", r"text.sqlite3 is not a SQLite database, so not a planner backup$"),
        ("empty", r"empty.sqlite3 is not a SQLite database, so not a planner backup$"),
        ("torn", r"torn.sqlite3 is damaged \(.+\); choose another backup$"),
        ("missing", r"missing.sqlite3: no such file$"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_sound_backup(
    backups: BackupService, demo: SavedPlan, db_path: Path, tmp_path: Path,
    database: Database, kind: str, message: str,
) -> None:
    made = backups.create(now=MORNING)
    database.close()
    before = db_path.read_bytes()

    with pytest.raises(BackupError, match=message):
        backups.restore(_not_a_backup(kind, made.path, tmp_path))

    assert db_path.read_bytes() == before
    assert [b.name for b in backups.list()] == [made.name]  # no safety backup either


def test_restore_refuses_another_program_s_database(
    backups: BackupService, db_path: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "contacts.sqlite3"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE contact (name TEXT)")
        connection.commit()
    with pytest.raises(BackupError, match="is not a planner database"):
        backups.restore(foreign)


def test_restore_refuses_a_backup_from_a_newer_planner(
    backups: BackupService, demo: SavedPlan, database: Database
) -> None:
    made = backups.create(now=MORNING)
    with closing(sqlite3.connect(made.path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
    database.close()
    with pytest.raises(BackupError, match=r"newer version of planner .*9999_from_the_future"):
        backups.restore(made.path)


def test_restore_refuses_the_database_itself(backups: BackupService, db_path: Path) -> None:
    with pytest.raises(BackupError, match="is the database itself"):
        backups.restore(db_path)


def test_restore_over_a_damaged_database_sets_it_aside(
    backups: BackupService, demo: SavedPlan, database: Database, db_path: Path
) -> None:
    made = backups.create(now=MORNING)
    database.close()
    garbage = os.urandom(32768)
    db_path.write_bytes(garbage)

    saved_as = backups.restore(made.path, now=MORNING + dt.timedelta(hours=1))

    assert saved_as == db_path.with_name("planner.sqlite3.bad-2026-11-21T081200")
    assert saved_as.read_bytes() == garbage
    assert plan_names(db_path) == ["Demo week"]
    assert check_database(url_of(db_path)) is None


def test_restore_with_no_database_creates_it(
    backups: BackupService, demo: SavedPlan, database: Database, db_path: Path
) -> None:
    made = backups.create(now=MORNING)
    database.close()
    db_path.unlink()

    assert backups.restore(made.path) is None

    assert plan_names(db_path) == ["Demo week"]
    assert journal_mode(db_path) == "wal"


def test_find_takes_a_name_from_the_list_or_a_path(
    backups: BackupService, tmp_path: Path
) -> None:
    made = backups.create(now=MORNING)
    assert backups.find(made.name) == made.path
    assert backups.find(str(made.path)) == made.path
    with pytest.raises(BackupError, match=r"^no backup named 'planner-1999.sqlite3' in "):
        backups.find("planner-1999.sqlite3")


def test_verify_describes_a_sound_backup(backups: BackupService, demo: SavedPlan) -> None:
    made = backups.create(now=MORNING)
    assert backups.verify(made.path) == made


# -- not a SQLite file --------------------------------------------------------------------


def test_postgresql_backups_are_the_server_s_job() -> None:
    service = BackupService("postgresql+psycopg://planner:secret@db.example/planner")

    assert not service.supported
    assert service.auto_backup(MORNING) is None  # nothing to do at start, no error
    for action in (service.list, service.create, lambda: service.restore(Path("x"))):
        with pytest.raises(
            BackupsNotSupportedError,
            match=r"^backups of a PostgreSQL database are made on the server \(pg_dump\)$",
        ):
            action()


def test_an_in_memory_database_has_no_file_to_back_up() -> None:
    with pytest.raises(BackupsNotSupportedError, match="in-memory"):
        BackupService("sqlite://").create()
