"""Migrations are all-or-nothing: killed at any moment, raced by a second starter, or
left half-built by an older planner, the next start works and no plan is lost.

Real processes are killed with a real SIGKILL (``migration_child.py`` forks them, so
each start pays for the migration, not for importing Python). The first start (schema
and food load) and an upgrade from revision 0004 are both tried: once at each step of
the upgrade, and at random moments. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from planner.app import open_database
from planner.core.foods import FoodRef
from planner.core.recipes import Ingredient, Recipe
from planner.db.engine import make_engine, make_session_factory
from planner.db.foods import FoodRepository
from planner.db.migrate import (
    HEAD,
    KNOWN_REVISIONS,
    HalfBuiltSchemaError,
    current_revision,
    downgrade,
    upgrade,
)
from planner.db.records import Base
from planner.services.database import DATASET_META_KEY, Database, ShippedFoods
from planner.services.foods import FoodService
from planner.services.health import ProblemKind, check_database
from planner.services.plans import PlanService
from planner.services.recipes import RecipeService

CHILD = Path(__file__).with_name("migration_child.py")
FOODS = 8789
#: Every step a first start goes through, each a moment to be killed right after.
FIRST_START_STEPS = (*KNOWN_REVISIONS, "load:1", "load:50", "load:99", "data")
RANDOM_KILLS = 20
#: An upgrade reloads the whole shipped dataset (about a second): fewer kills, still random.
UPGRADE_KILLS = 12
SEED = 20261203

PG_URL = os.environ.get("PLANNER_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


class Starter:
    """The fork server: ``start(url)`` runs one start, optionally killed."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            assert self.process.stderr is not None
            raise AssertionError(f"the fork server died: {self.process.stderr.read()}")
        return line.strip()

    def start(self, url: str, kill_at: str = "never", kill_after: float | None = None) -> int:
        """The exit code of one start: -9 when killed."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{url} {kill_at}\n")
        self.process.stdin.flush()
        started, pid = self._line().split()
        assert started == "started"
        if kill_after is not None:
            time.sleep(kill_after)
            with suppress(ProcessLookupError):  # it finished first
                os.kill(int(pid), 9)
        ended, ended_pid, code = self._line().split()
        assert (ended, ended_pid) == ("ended", pid)
        return int(code)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture(scope="module")
def starter() -> Iterator[Starter]:
    server = Starter()
    yield server
    server.close()


class EmptyDatabases:
    """New, empty databases of one backend: SQLite files or PostgreSQL databases."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.made: list[str] = []

    def new(self) -> str:
        n = len(self.made) + 1
        if self.backend == "sqlite":
            url = f"sqlite:///{self.folder / f'planner-{n}.sqlite3'}"
        else:
            assert PG_URL is not None
            name = f"planner_migrate_{os.getpid()}_{n}"
            with _admin() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(PG_URL).set(database=name).render_as_string(False)
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        if self.backend != "postgresql":
            return
        with _admin() as connection:
            for url in self.made:
                name = make_url(url).database
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def _admin() -> Iterator[Connection]:
    assert PG_URL is not None
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmptyDatabases]:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PLANNER_TEST_PG_URL is not set (no PostgreSQL server for this run)")
    databases = EmptyDatabases(request.param, tmp_path)
    yield databases
    databases.drop_all()


def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").scalars()
            else:
                rows = connection.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
            return set(rows)
    finally:
        engine.dispose()


def _assert_starts_and_holds_everything(url: str) -> None:
    db = open_database(url)
    try:
        assert current_revision(db.engine) == HEAD
        with db.reading() as session:
            foods = session.execute(text("SELECT count(*) FROM food")).scalar_one()
        assert foods == FOODS
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.close()


# -- the first start ----------------------------------------------------------------------


def test_a_first_start_killed_after_any_step_leaves_nothing(
    starter: Starter, empty: EmptyDatabases
) -> None:
    # One file, killed again and again: each start after a kill gets past the step
    # the last one died at (so it started cleanly), and the last one finishes.
    url = empty.new()
    for step in FIRST_START_STEPS:
        assert starter.start(url, kill_at=step) == -9, step
        # Not a table of the schema was committed, not even Alembic's own.
        assert _table_names(url) == set(), step
    _assert_starts_and_holds_everything(url)


@pytest.mark.sqlite_only
def test_first_starts_killed_at_random_moments(starter: Starter, tmp_path: Path) -> None:
    empty = EmptyDatabases("sqlite", tmp_path)
    # The shorter of two timed starts: on a busy machine one start can take twice as long
    # as the next, and kills timed past the end of a start land nowhere.
    durations = []
    for _ in range(2):
        began = time.perf_counter()
        assert starter.start(empty.new()) == 0
        durations.append(time.perf_counter() - began)
    duration = min(durations)
    rng = random.Random(SEED)
    url = empty.new()
    kills = 0
    for _ in range(RANDOM_KILLS):
        code = starter.start(url, kill_after=rng.uniform(0.0, duration))
        assert code in (0, -9)
        if code == 0:
            _assert_starts_and_holds_everything(url)
            url = empty.new()
        else:
            kills += 1
            # Killed: either nothing at all, or (killed after the commit) everything.
            assert current_revision_or_none(url) in (None, HEAD)
    assert kills >= RANDOM_KILLS // 2, "too few kills landed inside a start"
    _assert_starts_and_holds_everything(url)


def current_revision_or_none(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


# -- an upgrade of a database with plans ---------------------------------------------------


#: The dataset an older planner loaded, as its meta row says (before the full panel).
_OLD_DATASET: dict[str, str] = {
    "0006_full_nutrient_panel": "sr28-1:8789", "0007_everyday_foods": "sr28-2:8789",
}


def _database_at(url: str, revision: str, *, recipe: Recipe | None = None) -> list[str]:
    """A database as an older planner left it, at ``revision``, with foods and the demo
    week; its plans' text. Built at the head with today's code, then taken back down
    (the migrations' own downgrades), with the dataset mark of the older planner."""
    engine = make_engine(url)
    db = Database(engine, make_session_factory(engine))
    try:
        upgrade(engine, ShippedFoods())
        plans = PlanService(db)
        plans.ensure_demo(dt.date(2026, 11, 23))
        texts = [plans.export_text(summary.id) for summary in plans.list()]
        if recipe is not None:
            RecipeService(db).create(recipe)
    finally:
        db.close()
    engine = create_engine(url)
    try:
        downgrade(engine, revision)
        newer = KNOWN_REVISIONS[KNOWN_REVISIONS.index(revision) + 1:]
        marks = [_OLD_DATASET[step] for step in newer if step in _OLD_DATASET]
        if marks:
            with engine.begin() as connection:
                connection.execute(text("UPDATE meta SET value = :v WHERE key = 'food_dataset'"),
                                   {"v": marks[0]})
    finally:
        engine.dispose()
    return texts


def _plans_text(url: str) -> list[str]:
    db = open_database(url)
    try:
        plans = PlanService(db)
        return [plans.export_text(summary.id) for summary in plans.list()]
    finally:
        db.close()


def test_an_upgrade_killed_after_any_step_keeps_the_old_database(
    starter: Starter, empty: EmptyDatabases
) -> None:
    older = KNOWN_REVISIONS[-2]
    for step in KNOWN_REVISIONS[KNOWN_REVISIONS.index(older) + 1:]:
        url = empty.new()
        before = _database_at(url, older)
        assert starter.start(url, kill_at=step) == -9
        assert current_revision_or_none(url) == older
        assert _plans_text(url) == before
        assert current_revision_or_none(url) == HEAD


@pytest.mark.sqlite_only
def test_upgrades_killed_at_random_moments_lose_no_plan(
    starter: Starter, tmp_path: Path
) -> None:
    older = KNOWN_REVISIONS[-2]
    template = tmp_path / "older.sqlite3"
    before = _database_at(f"sqlite:///{template}", older)
    rng = random.Random(SEED + 1)
    probe = tmp_path / "probe.sqlite3"
    shutil.copyfile(template, probe)
    began = time.perf_counter()
    assert starter.start(f"sqlite:///{probe}") == 0
    duration = time.perf_counter() - began
    codes = []
    for n in range(UPGRADE_KILLS):
        path = tmp_path / f"upgrade-{n}.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        codes.append(starter.start(url, kill_after=rng.uniform(0.0, duration)))
        assert current_revision_or_none(url) in (older, HEAD)
        assert _plans_text(url) == before
    assert -9 in codes, "no kill landed inside an upgrade"


@pytest.mark.sqlite_only
def test_an_upgrade_backs_the_old_file_up_first(tmp_path: Path, isolated_paths: Path) -> None:
    from planner.services.backups import BackupService

    path = isolated_paths / "planner.sqlite3"
    isolated_paths.mkdir(parents=True, exist_ok=True)
    older = KNOWN_REVISIONS[-2]
    before = _database_at(f"sqlite:///{path}", older)
    assert _plans_text(f"sqlite:///{path}") == before  # the upgrade happens here
    backups = BackupService(f"sqlite:///{path}").list()
    assert [info.reason for info in backups] == ["before-upgrade"]
    assert current_revision_or_none(f"sqlite:///{backups[0].path}") == older
    assert backups[0].plan_count == 1
    # The next start has nothing to upgrade and makes no other backup.
    _plans_text(f"sqlite:///{path}")
    assert len(BackupService(f"sqlite:///{path}").list()) == 1


def test_a_database_from_before_the_full_panel_gets_every_nutrient(
    empty: EmptyDatabases,
) -> None:
    """An old database (15 nutrients, dataset sr28-1, a recipe made of its foods) opened by
    this planner: the shipped foods get the full panel in the upgrade's transaction, the
    recipe is computed again from them, and the plans are as they were."""
    url = empty.new()
    spinach_ref = FoodRef("usda-sr28", "11457")
    salad = Recipe("Spinach salad", (Ingredient(spinach_ref, 200, "g"),), servings=2)
    before = _database_at(url, "0005_ids_from_sequences", recipe=salad)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            spinach_c = connection.execute(text(
                "SELECT COUNT(*) FROM food WHERE source_id = '11457'")).scalar_one()
            assert spinach_c == 1
            columns = {row[1] for row in connection.execute(text("PRAGMA table_info(food)"))} \
                if empty.backend == "sqlite" else None
    finally:
        engine.dispose()
    if columns is not None:
        assert "vitamin_c_mg" not in columns and "magnesium_mg" in columns
    db = open_database(url)
    try:
        foods = FoodService(db)
        spinach = foods.get(FoodRef("usda-sr28", "11457"))
        assert spinach.value("vitamin_c_mg") == 28.1
        assert spinach.value("folate_dfe_ug") == 194.0
        assert spinach.value("fluoride_mg") is None  # SR28 has none: unknown, not zero
        # And the everyday-food signals (migration 0007): the survey flag, the common
        # names, searched through the rebuilt full-text index.
        assert spinach.survey
        cola = foods.get(FoodRef("usda-sr28", "14148"))
        assert cola.common_name == "soft drink, pop, soda" and cola.survey
        assert "14148" in [h.ref.source_id for h in foods.search("soda")[:5]]
        with db.reading() as session:
            assert FoodRepository(session).meta(DATASET_META_KEY) == "sr28-3:8789"
        plans = PlanService(db)
        assert [plans.export_text(summary.id) for summary in plans.list()] == before
        # The stored recipe's own values (what a plan entry of it counts) have the panel:
        # 200 g of spinach in 2 servings, 100 g each.
        (summary,) = [r for r in RecipeService(db).list() if r.name == "Spinach salad"]
        stored = foods.get(summary.ref)
        assert stored.value("vitamin_c_mg") == pytest.approx(28.1)
        assert stored.value("magnesium_mg") == pytest.approx(79.0)
    finally:
        db.close()


# -- two planners starting at once -----------------------------------------------------------


def test_simultaneous_first_starts_wait_for_each_other(empty: EmptyDatabases) -> None:
    url = empty.new()
    code = (
        "import sys; from planner.app import open_database; "
        "open_database(sys.argv[1]).close(); print('ok')"
    )
    starters = [
        subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [process.communicate(timeout=120) for process in starters]
    assert [process.returncode for process in starters] == [0, 0, 0, 0], results
    assert [out.strip() for out, _err in results] == ["ok"] * 4
    _assert_starts_and_holds_everything(url)


# -- a schema left half-built by an older planner ---------------------------------------------


def _half_built_like_an_older_planner(path: Path, *, with_data: bool) -> None:
    """What a start of the older planner killed after its first DDL left: the first
    migration's tables committed one by one, Alembic's table empty."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        tables = [Base.metadata.tables[name] for name in ("meta", "food_group", "food")]
        Base.metadata.create_all(engine, tables=tables)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
            if with_data:
                connection.exec_driver_sql("INSERT INTO meta VALUES ('note', 'kept')")
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_an_empty_half_built_schema_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "planner.sqlite3"
    _half_built_like_an_older_planner(path, with_data=False)
    url = f"sqlite:///{path}"
    assert check_database(url) is None
    _assert_starts_and_holds_everything(url)


@pytest.mark.sqlite_only
def test_a_half_built_schema_with_data_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "planner.sqlite3"
    _half_built_like_an_older_planner(path, with_data=True)
    url = f"sqlite:///{path}"
    before = path.read_bytes()

    problem = check_database(url)
    assert problem is not None
    assert problem.kind is ProblemKind.CORRUPT
    assert "schema is incomplete" in problem.message
    with pytest.raises(HalfBuiltSchemaError, match=r"meta \(1 rows\)"):
        open_database(url)
    assert path.read_bytes() == before
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT value FROM meta").fetchall() == [("kept",)]
