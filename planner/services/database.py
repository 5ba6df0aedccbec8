"""Opening the database: engine, migrations, and the first-start food load.

One :class:`Database` per process; every user action opens its own short session
(``with db.sessions.begin() as session:``) and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from planner import paths
from planner.db.engine import make_engine, make_session_factory
from planner.db.foods import FoodRepository, Progress
from planner.db.migrate import upgrade
from planner.sources import food_dataset

#: The meta key whose presence says the shipped food dataset is fully loaded.
DATASET_META_KEY = "food_dataset"


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """Connect to ``url`` (default: :func:`planner.paths.db_url`) and migrate it."""
        engine = make_engine(url or paths.db_url())
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, make_session_factory(engine))

    def close(self) -> None:
        self.engine.dispose()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)


def food_data_loaded(db: Database) -> bool:
    with db.sessions() as session:
        return FoodRepository(session).meta(DATASET_META_KEY) is not None


def read_shipped_dataset() -> food_dataset.SrRelease:
    directory = paths.shipped("foods")
    return food_dataset.read_dataset(
        directory.joinpath(food_dataset.GROUPS_FILE).read_text(encoding="utf-8"),
        directory.joinpath(food_dataset.FOODS_FILE).read_text(encoding="utf-8"),
        directory.joinpath(food_dataset.PORTIONS_FILE).read_text(encoding="utf-8"),
    )


def ensure_food_data(db: Database, progress: Progress | None = None) -> bool:
    """Load the shipped USDA dataset once, in one transaction; True if it loaded now.

    An interrupted load rolls back whole, so the next start simply loads again.
    """
    if food_data_loaded(db):
        return False
    release = read_shipped_dataset()
    try:
        with db.sessions.begin() as session:
            repository = FoodRepository(session)
            # Another process may have finished the load while we read the files.
            if repository.meta(DATASET_META_KEY) is not None:
                return False
            repository.store_foods(release.foods, release.groups, progress)
            repository.set_meta(
                DATASET_META_KEY, f"{food_dataset.FORMAT_VERSION}:{len(release.foods)}"
            )
    except IntegrityError:
        if food_data_loaded(db):
            return False
        raise
    return True
