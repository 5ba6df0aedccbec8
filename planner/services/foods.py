"""Food use cases: search, show, import a USDA SR release."""

from __future__ import annotations

from pathlib import Path

from planner.core.foods import Food, FoodGroup, FoodHit, FoodRef
from planner.core.recipes import RECIPE_SOURCE
from planner.db.foods import DEFAULT_LIMIT, FoodRepository, Progress
from planner.services.database import DATASET_META_KEY, Database
from planner.services.recipes import recompute_dependents
from planner.sources.usda_sr import read_release


class FoodNotFoundError(LookupError):
    def __init__(self, ref: FoodRef) -> None:
        super().__init__(f"no food {ref} in the database")
        self.ref = ref


class FoodService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(
        self, text: str, *, group: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[FoodHit]:
        with self.db.reading() as session:
            return FoodRepository(session).search(text, group=group, limit=limit)

    def get(self, ref: FoodRef | str) -> Food:
        """The food at ``ref`` (``usda:11457`` or a :class:`FoodRef`) with its portions."""
        if isinstance(ref, str):
            ref = FoodRef.parse(ref)
        with self.db.reading() as session:
            food = FoodRepository(session).get(ref)
        if food is None:
            raise FoodNotFoundError(ref)
        return food

    def get_many(self, refs: list[FoodRef]) -> dict[FoodRef, Food]:
        with self.db.reading() as session:
            return FoodRepository(session).get_many(refs)

    def groups(self) -> list[FoodGroup]:
        with self.db.reading() as session:
            return FoodRepository(session).groups()

    def count(self) -> int:
        """Foods in the database; recipes (the user's dishes, also foods) are not counted."""
        with self.db.reading() as session:
            repository = FoodRepository(session)
            return repository.count() - repository.count(RECIPE_SOURCE)

    def import_usda(self, directory: Path | str, progress: Progress | None = None) -> int:
        """Load a full SR release; foods already present are updated, never duplicated.

        The files are read and checked completely before the database is touched, and
        the write is one transaction: a bad file changes nothing.
        """
        release = read_release(Path(directory))
        with self.db.writing() as session:
            repository = FoodRepository(session)
            written = repository.store_foods(release.foods, release.groups, progress)
            repository.set_meta(DATASET_META_KEY, f"import:{len(release.foods)}")
            # Recipes made of these foods take their new values in the same transaction.
            recompute_dependents(session, [food.ref for food in release.foods])
        return written
