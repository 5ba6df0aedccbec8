"""Opening the database: engine, migrations, and the first-start food load.

One :class:`Database` per process; every user action opens its own short session and
commits once: ``with db.writing() as session:`` for a change, ``with db.reading() as
session:`` for reads that must agree with one another (a plan with its days, meals and
entries; a recipe with its ingredients), so a reader sees the state before or after a
concurrent save, never a mix.

:func:`planner.app.open_database` is the start of the window and the command line: it migrates the
schema and loads the shipped food dataset in one transaction (see
:mod:`planner.db.migrate`), so a start killed at any moment leaves the database as it
was, and two planners starting at once wait for each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner import paths
from planner.db.engine import (
    begin_snapshot,
    begin_write,
    joined_session,
    make_engine,
    make_session_factory,
)
from planner.db.foods import FoodRepository, Progress
from planner.db.migrate import StepObserver, upgrade
from planner.db.recipes import recompute_all
from planner.sources import food_dataset

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session, sessionmaker

    from planner.sources.usda_sr import SrRelease

#: The meta key whose presence says the shipped food dataset is fully loaded.
DATASET_META_KEY = "food_dataset"


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        load_foods: bool = False,
        progress: Progress | None = None,
        on_step: StepObserver | None = None,
        before_migrating: Callable[[str], None] | None = None,
    ) -> Database:
        """Connect to ``url`` (default: :func:`planner.paths.db_url`) and migrate it.

        With ``load_foods`` the shipped food dataset is loaded too when it is missing,
        in the migration's transaction (``progress`` follows the load).
        """
        engine = make_engine(url or paths.db_url())
        try:
            upgrade(engine, ShippedFoods(progress) if load_foods else None, on_step,
                    before_migrating=before_migrating)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, make_session_factory(engine))

    def close(self) -> None:
        self.engine.dispose()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session whose reads all see one snapshot (nothing is written)."""
        with self.sessions() as session:
            begin_snapshot(session)
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for one change, committed at the end (rolled back on an error)."""
        with self.sessions.begin() as session:
            begin_write(session)
            yield session


class ShippedFoods:
    """The shipped USDA dataset as data that belongs with the schema."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def needed(self, connection: Connection) -> bool:
        """No dataset yet, or one of an older format (fewer nutrients): load it (again:
        foods keep their ids, so plans and recipes that use them stay as they are)."""
        with joined_session(connection) as session:
            loaded = FoodRepository(session).meta(DATASET_META_KEY)
        return loaded is None or not loaded.startswith(f"{food_dataset.FORMAT_VERSION}:")

    def load(self, connection: Connection) -> None:
        release = read_shipped_dataset()
        # The session joins the caller's transaction: flushing writes, the caller commits.
        with joined_session(connection) as session:
            repository = FoodRepository(session)
            reload = repository.meta(DATASET_META_KEY) is not None
            repository.store_foods(release.foods, release.groups, self.progress)
            if reload:
                # The foods now have more nutrients: the recipes made of them too.
                recompute_all(session)
            repository.set_meta(
                DATASET_META_KEY, f"{food_dataset.FORMAT_VERSION}:{len(release.foods)}"
            )
            session.flush()


def food_data_loaded(db: Database) -> bool:
    with db.sessions() as session:
        return FoodRepository(session).meta(DATASET_META_KEY) is not None


def read_shipped_dataset() -> SrRelease:
    directory = paths.shipped("foods")
    return food_dataset.read_dataset(
        directory.joinpath(food_dataset.GROUPS_FILE).read_text(encoding="utf-8"),
        directory.joinpath(food_dataset.FOODS_FILE).read_text(encoding="utf-8"),
        directory.joinpath(food_dataset.PORTIONS_FILE).read_text(encoding="utf-8"),
    )


def ensure_food_data(db: Database, progress: Progress | None = None) -> bool:
    """Load the shipped USDA dataset once, in one transaction; True if it loaded now.

    An interrupted load rolls back whole, so the next start simply loads again; a
    second process waits for the first and then loads nothing.
    """
    return upgrade(db.engine, ShippedFoods(progress))
