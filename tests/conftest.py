"""Fixtures shared by every test: isolated paths, the real USDA files, loaded databases.

No test touches the real user directory: ``PLANNER_DATA_DIR`` points at a temporary
folder for every test. A fully loaded SQLite database is built once per session and
copied for each test that needs one (a real file, WAL mode, the real dataset).
"""

from __future__ import annotations

import itertools
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


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The run is parallel by default: ``-n auto --dist loadfile`` (pytest-xdist).

    Set here, not in ``addopts``, where ``-n`` would make ``-p no:xdist`` an error. An
    explicit ``-n``/``--dist`` wins (``-n 0``: serial). Each test file stays on one worker,
    as its module fixtures (a built wheel, a fork server) are made once. Benchmarks cannot
    measure under xdist, so ``--benchmark-enable`` runs serially unless ``-n`` is given.
    """
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.option.numprocesses is None and not config.getoption("benchmark_enable", False):
        config.option.numprocesses = "auto"
    if config.option.numprocesses and config.option.dist == "no":
        config.option.dist = "loadfile"


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


#: A PostgreSQL server for the database and services tests, e.g.
#: ``postgresql+psycopg://postgres@127.0.0.1:55432/postgres`` (.ci/run starts one).
PG_URL = os.environ.get("PLANNER_TEST_PG_URL")
#: Test folders whose ``db`` tests run on every backend.
BACKEND_FOLDERS = ("db", "services")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the database and services tests on SQLite and on PostgreSQL."""
    if "db" not in metafunc.fixturenames:
        return
    folder = Path(str(metafunc.definition.fspath)).parent.name
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    if folder in BACKEND_FOLDERS and not sqlite_only:
        backends = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
    else:
        backends = ["sqlite"]
    metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database with the schema and the shipped dataset, built once.

    Once per test process: each pytest-xdist worker (and each of several test runs
    sharing one server) has its own template, named after its process id, as
    ``CREATE DATABASE ... TEMPLATE`` refuses a template another session is connected to.
    """
    if not PG_URL:
        pytest.skip("PLANNER_TEST_PG_URL is not set (no PostgreSQL server for this run)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from planner.services.database import Database, ensure_food_data

    name = f"planner_template_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(False)
    db = Database.open(url)
    ensure_food_data(db)
    db.close()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_template: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A private PostgreSQL database cloned from the loaded template."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    name = f"planner_test_{os.getpid()}_{next(_PG_COUNTER)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_PG_COUNTER = itertools.count()


@pytest.fixture
def backend() -> str:
    """Overridden by parametrisation; tests outside db/services run on SQLite."""
    return "sqlite"


@pytest.fixture
def db(backend: str, request: pytest.FixtureRequest) -> Iterator[object]:
    """An open :class:`planner.services.database.Database` over a loaded copy.

    SQLite: a copy of the loaded file at this test's data directory. PostgreSQL: a
    private database cloned from the loaded template (tests in db/ and services/).
    """
    from planner.services.database import Database

    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{request.getfixturevalue('db_path')}"
    database = Database.open(url)
    yield database
    database.close()
