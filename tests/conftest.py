"""Fixtures shared by every test: isolated paths, the real USDA files, loaded databases.

No test touches the real user directory: ``PLANNER_DATA_DIR`` points at a temporary
folder for every test. A fully loaded SQLite database is built once per session and
copied for each test that needs one (a real file, WAL mode, the real dataset).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
#: The raw USDA SR28 files, beside the checkout (never committed to it).
SHARED = Path(os.environ.get("PLANNER_SHARED_DIR", ROOT.parent / "shared"))
USDA_DIR = SHARED / "data" / "usda"


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "planner-data"
    monkeypatch.setenv("PLANNER_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PLANNER_DB_URL", raising=False)
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    return data_dir


@pytest.fixture(scope="session")
def usda_dir() -> Path:
    if not (USDA_DIR / "FOOD_DES.txt.gz").exists():
        pytest.fail(f"the USDA SR28 files are expected at {USDA_DIR} (../shared beside main)")
    return USDA_DIR


@pytest.fixture(scope="session")
def loaded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema and the shipped dataset loaded, built once."""
    from planner.services.database import Database, ensure_food_data

    path = tmp_path_factory.mktemp("template") / "planner.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    ensure_food_data(db)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_path(loaded_db_file: Path, isolated_paths: Path) -> Path:
    """A private copy of the loaded database at the default location of this test."""
    isolated_paths.mkdir(parents=True, exist_ok=True)
    target = isolated_paths / "planner.sqlite3"
    shutil.copyfile(loaded_db_file, target)
    return target


@pytest.fixture
def db(db_path: Path) -> Iterator[object]:
    """An open :class:`planner.services.database.Database` over a loaded copy."""
    from planner.services.database import Database

    database = Database.open(f"sqlite:///{db_path}")
    yield database
    database.close()
