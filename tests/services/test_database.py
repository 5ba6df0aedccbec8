"""Opening the database and the first-start load of the shipped USDA dataset.

The first start runs for real: an empty data directory, the default path, the shipped
CSV files and the real migrations. An interrupted load must leave nothing half-written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from planner.services.database import (
    DATASET_META_KEY,
    Database,
    ensure_food_data,
    food_data_loaded,
)
from planner.services.foods import FoodService

FOODS = 8789
PORTIONS = 15438
GROUPS = 25


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("food", "portion", "food_group", "meta", "food_fts")
        }


def _meta(db: Database) -> dict[str, str]:
    with db.engine.connect() as connection:
        return dict(connection.execute(text("SELECT key, value FROM meta")).all())


def _ids(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT source_id, id FROM food")).all()
    return dict(rows)


class LoadStoppedError(RuntimeError):
    """Stands for whatever stops a load half-way (a crash, a closed window)."""


def test_first_start_on_an_empty_data_dir_loads_everything(isolated_paths: Path) -> None:
    assert not isolated_paths.exists()
    calls: list[tuple[int, int]] = []

    db = Database.open()
    try:
        assert db.url == f"sqlite:///{isolated_paths / 'planner.sqlite3'}"
        assert (isolated_paths / "planner.sqlite3").is_file()
        assert not food_data_loaded(db)
        assert ensure_food_data(db, lambda done, total: calls.append((done, total))) is True

        assert _counts(db) == {
            "food": FOODS, "portion": PORTIONS, "food_group": GROUPS, "meta": 1, "food_fts": FOODS,
        }
        assert _meta(db) == {DATASET_META_KEY: f"sr28-3:{FOODS}"}
        spinach = FoodService(db).get("usda:11457")
        assert spinach.value("magnesium_mg") == 79.0
        ids = _ids(db)
    finally:
        db.close()

    dones = [done for done, _total in calls]
    assert len(calls) > 2
    assert dones == sorted(set(dones)), "progress must strictly increase"
    assert {total for _done, total in calls} == {FOODS + PORTIONS}
    assert calls[-1] == (FOODS + PORTIONS, FOODS + PORTIONS)

    # The second start finds the data and loads nothing.
    again: list[tuple[int, int]] = []
    db = Database.open()
    try:
        assert food_data_loaded(db)
        assert ensure_food_data(db, lambda done, total: again.append((done, total))) is False
        assert again == []
        assert _ids(db) == ids
        assert _meta(db) == {DATASET_META_KEY: f"sr28-3:{FOODS}"}
        assert _counts(db)["food"] == FOODS
    finally:
        db.close()


def test_loaded_database_is_not_reloaded(db_path: Path) -> None:
    mtime = db_path.stat().st_mtime_ns
    db = Database.open()
    try:
        ids = _ids(db)
        assert ensure_food_data(db) is False
        assert _ids(db) == ids
        assert _counts(db)["portion"] == PORTIONS
    finally:
        db.close()
    assert db_path.stat().st_mtime_ns == mtime


def test_interrupted_first_load_leaves_nothing_and_the_next_start_loads(
    isolated_paths: Path,
) -> None:
    def stop_half_way(done: int, total: int) -> None:
        if done >= total // 2:
            raise LoadStoppedError("stopped")

    db = Database.open()
    try:
        with pytest.raises(LoadStoppedError):
            ensure_food_data(db, stop_half_way)
        assert _counts(db) == {
            "food": 0, "portion": 0, "food_group": 0, "meta": 0, "food_fts": 0,
        }
        assert not food_data_loaded(db)
    finally:
        db.close()

    db = Database.open()
    try:
        assert ensure_food_data(db) is True
        assert _counts(db) == {
            "food": FOODS, "portion": PORTIONS, "food_group": GROUPS, "meta": 1, "food_fts": FOODS,
        }
        assert FoodService(db).search("spinach raw")[0].name == "Spinach, raw"
    finally:
        db.close()


def test_planner_db_url_overrides_the_data_dir(
    tmp_path: Path, isolated_paths: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("PLANNER_DB_URL", f"sqlite:///{elsewhere}")
    db = Database.open()
    try:
        assert db.url == f"sqlite:///{elsewhere}"
    finally:
        db.close()
    assert elsewhere.is_file()
    assert not (isolated_paths / "planner.sqlite3").exists()
