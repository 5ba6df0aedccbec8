"""The schema: Alembic migrations and the ORM records agree, connections are set up, and a
database from a newer planner is refused without being touched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from planner.db.migrate import (
    SchemaTooNewError,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from planner.db.records import Base
from planner.services.database import Database

FTS_TABLES = {"food_fts", "food_fts_data", "food_fts_idx", "food_fts_docsize", "food_fts_config"}


def _not_fts(name: str | None, type_: str, _parent_names: Any) -> bool:
    # FTS5 virtual table and its shadow tables live outside the ORM on purpose.
    return not (type_ == "table" and name is not None and name.startswith("food_fts"))


@pytest.fixture
def fresh_db(tmp_path: Path) -> Any:
    database = Database.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    yield database
    database.close()


def test_migrated_schema_matches_the_records(fresh_db: Database) -> None:
    with fresh_db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": _not_fts, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_comparison_sees_the_database(fresh_db: Database) -> None:
    # Without the filter the only differences are the FTS tables, which the records lack:
    # proof that the comparison above looked at the real file.
    with fresh_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert {(op, table.name) for op, table in diff} == {("remove_table", t) for t in FTS_TABLES}


def test_migrated_tables_and_triggers(fresh_db: Database) -> None:
    inspector = inspect(fresh_db.engine)
    assert set(inspector.get_table_names()) >= {
        "alembic_version", "meta", "food_group", "food", "portion", "food_fts",
    }
    with fresh_db.engine.connect() as connection:
        triggers = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        ).scalars().all()
    assert triggers == ["food_fts_ad", "food_fts_ai", "food_fts_au"]
    assert head_revision() is not None
    assert current_revision(fresh_db.engine) == head_revision()


def test_downgrade_to_base_and_up_again(fresh_db: Database) -> None:
    downgrade(fresh_db.engine, "base")
    assert set(inspect(fresh_db.engine).get_table_names()) == {"alembic_version"}
    upgrade(fresh_db.engine)
    assert current_revision(fresh_db.engine) == head_revision()
    assert "food_fts" in inspect(fresh_db.engine).get_table_names()


def test_upgrade_twice_changes_nothing(fresh_db: Database) -> None:
    before = inspect(fresh_db.engine).get_table_names()
    upgrade(fresh_db.engine)
    assert inspect(fresh_db.engine).get_table_names() == before


@pytest.mark.sqlite_only
def test_connections_have_foreign_keys_and_wal(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 5000
        # 1 = NORMAL, the documented WAL trade-off.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1


def test_foreign_keys_are_enforced(db: Database) -> None:
    with db.engine.connect() as connection:
        food_id = connection.execute(
            text("SELECT id FROM food WHERE source_id = '11457'")
        ).scalar_one()
        violation = "FOREIGN KEY constraint failed|violates foreign key constraint"
        with pytest.raises(IntegrityError, match=violation):
            connection.execute(
                text(
                    "INSERT INTO portion (food_id, seq, amount, description, grams)"
                    " VALUES (999999, 1, 1, 'cup', 30)"
                )
            )
        connection.rollback()
        # Deleting a food takes its portions along (ON DELETE CASCADE).
        connection.execute(text("DELETE FROM food WHERE id = :id"), {"id": food_id})
        left = connection.execute(
            text("SELECT count(*) FROM portion WHERE food_id = :id"), {"id": food_id}
        ).scalar_one()
        assert left == 0
        connection.rollback()


def _stamp_future(db_path: Path, revision: str) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


def test_database_from_a_newer_planner_raises_schema_too_new(db_path: Path) -> None:
    _stamp_future(db_path, "9999_from_the_future")
    with pytest.raises(SchemaTooNewError, match="9999_from_the_future"):
        Database.open(f"sqlite:///{db_path}")


def test_database_from_a_newer_planner_is_not_modified(db_path: Path) -> None:
    _stamp_future(db_path, "9999_from_the_future")
    before = db_path.read_bytes()
    mtime = db_path.stat().st_mtime_ns

    # Whatever the refusal is, it names the revision and leaves the file alone.
    with pytest.raises(Exception, match="9999_from_the_future"):
        Database.open(f"sqlite:///{db_path}")

    assert db_path.read_bytes() == before
    assert db_path.stat().st_mtime_ns == mtime
    with sqlite3.connect(db_path) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        foods = connection.execute("SELECT count(*) FROM food").fetchone()
    connection.close()
    assert version == [("9999_from_the_future",)]
    assert foods == (8789,)


def test_default_database_from_a_newer_planner_is_refused(db_path: Path) -> None:
    # Database.open() without a URL finds the file in PLANNER_DATA_DIR.
    _stamp_future(db_path, "ffff")
    with pytest.raises(SchemaTooNewError):
        Database.open()
