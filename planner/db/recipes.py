"""Recipe repository: recipes stored as foods, their ingredients, uses and dependents.

A recipe is a row of ``food`` (source ``recipe``, source id = the row's own id as text),
so search, plan entries and the analysis treat it as any food. Its nutrient columns hold
the values per 100 g derived from the ingredients, and its one portion is ``serving``;
the ``recipe`` row holds the yield, instructions, tags and coverage, ``recipe_ingredient``
the ingredients in order. The repository stores what it is given: computing the values
(:mod:`planner.core.recipes`) and keeping dependents current is the service's job.

Repositories take a session, never commit, and return :mod:`planner.core` values.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from planner.core.foods import Food, FoodRef
from planner.core.nutrients import NUTRIENT_KEYS, scaled
from planner.core.recipes import (
    RECIPE_SOURCE,
    SERVING,
    Ingredient,
    Recipe,
    RecipeBook,
    RecipeError,
    RecipeNutrients,
    dependency_order,
)
from planner.db.foods import FoodRepository
from planner.db.ids import new_food_ids, uses_sequences
from planner.db.records import (
    EntryRecord,
    FoodRecord,
    MealRecord,
    MetaRecord,
    PlanDayRecord,
    PlanRecord,
    PortionRecord,
    ProfileRecord,
    RecipeIngredientRecord,
    RecipeRecord,
)

_food: Table = FoodRecord.__table__  # type: ignore[assignment]
_portion: Table = PortionRecord.__table__  # type: ignore[assignment]
_recipe: Table = RecipeRecord.__table__  # type: ignore[assignment]
_ingredient: Table = RecipeIngredientRecord.__table__  # type: ignore[assignment]
_CHUNK = 500
#: Meta key: the largest id a recipe was ever given.
LAST_RECIPE_ID_KEY = "last_recipe_id"


@dataclass(frozen=True, slots=True)
class RecipeSummary:
    """One row of the recipe list, from the stored values (nothing recomputed)."""

    ref: FoodRef
    name: str
    tags: tuple[str, ...]
    servings: float | None
    cooked_grams: float | None
    total_grams: float
    ingredient_count: int
    per_100g: Mapping[str, float | None]
    #: Foods the values are made of, and per key how many of them lack a value.
    food_count: int
    unknown: Mapping[str, int]

    @property
    def yield_grams(self) -> float:
        return self.cooked_grams if self.cooked_grams is not None else self.total_grams

    @property
    def serving_grams(self) -> float | None:
        if self.servings is None or self.yield_grams <= 0:
            return None
        return self.yield_grams / self.servings

    def per_serving(self, key: str) -> float | None:
        value, grams = self.per_100g.get(key), self.serving_grams
        return None if grams is None else scaled(value, grams)


@dataclass(frozen=True, slots=True)
class RecipeUse:
    """A plan entry that uses a recipe: where it is, to say so before a delete."""

    plan_id: int
    plan_title: str
    date: dt.date
    meal: str
    #: 1-based position of the entry in the meal.
    position: int

    def __str__(self) -> str:
        return f"{self.plan_title}, {self.date.isoformat()}, {self.meal}"


class RecipeNotFoundError(LookupError):
    def __init__(self, ref: FoodRef) -> None:
        super().__init__(f"there is no recipe {ref}")
        self.ref = ref


def recipe_ref(food_id: int) -> FoodRef:
    """The reference of the recipe stored in food row ``food_id``: ``recipe:<id>``."""
    return FoodRef(RECIPE_SOURCE, str(food_id))


def _coverage_json(nutrients: RecipeNutrients) -> str:
    unknown = {key: count for key, count in nutrients.unknown.items() if count}
    return json.dumps({"foods": nutrients.food_count, "unknown": unknown}, sort_keys=True)


class RecipeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading -------------------------------------------------------------------

    def food_id(self, ref: FoodRef) -> int | None:
        """The food row of the recipe at ``ref`` (``None``: no such recipe)."""
        if ref.source != RECIPE_SOURCE:
            return None
        return self.session.scalar(
            select(_recipe.c.food_id)
            .join(_food, _food.c.id == _recipe.c.food_id)
            .where(_food.c.source == RECIPE_SOURCE, _food.c.source_id == ref.source_id)
        )

    def get(self, ref: FoodRef) -> Recipe | None:
        return self.get_many([ref]).get(ref)

    def get_many(self, refs: Iterable[FoodRef]) -> dict[FoodRef, Recipe]:
        """Recipes by reference; references that are no stored recipe are left out."""
        wanted = sorted({ref.source_id for ref in refs if ref.source == RECIPE_SOURCE})
        found: dict[FoodRef, Recipe] = {}
        for start in range(0, len(wanted), _CHUNK):
            found.update(self._load(_food.c.source_id.in_(wanted[start:start + _CHUNK])))
        return found

    def closure(self, refs: Iterable[FoodRef]) -> dict[FoodRef, Recipe]:
        """The recipes at ``refs`` and every recipe inside them, however deep."""
        found: dict[FoodRef, Recipe] = {}
        todo = {ref for ref in refs if ref.source == RECIPE_SOURCE}
        while todo:
            batch = self.get_many(todo)
            found.update(batch)
            todo = {
                ingredient.food
                for recipe in batch.values()
                for ingredient in recipe.ingredients
                if ingredient.food.source == RECIPE_SOURCE and ingredient.food not in found
            }
        return found

    def all(self) -> dict[FoodRef, Recipe]:
        return self._load(None)

    def _load(self, condition: Any) -> dict[FoodRef, Recipe]:
        statement = (
            select(_food.c.id, _food.c.source_id, _food.c.name, _recipe.c.servings,
                   _recipe.c.cooked_grams, _recipe.c.instructions, _recipe.c.tags)
            .join(_recipe, _recipe.c.food_id == _food.c.id)
            .where(_food.c.source == RECIPE_SOURCE)
        )
        if condition is not None:
            statement = statement.where(condition)
        rows = self.session.execute(statement).all()
        if not rows:
            return {}
        ingredients: dict[int, list[Ingredient]] = {}
        ingredient_food = _food.alias("ingredient_food")
        recipe_ids = [row.id for row in rows]
        for start in range(0, len(recipe_ids), _CHUNK):
            for row in self.session.execute(
                select(_ingredient.c.recipe_food_id, _ingredient.c.amount, _ingredient.c.unit,
                       ingredient_food.c.source, ingredient_food.c.source_id)
                .join(ingredient_food, ingredient_food.c.id == _ingredient.c.food_id)
                .where(_ingredient.c.recipe_food_id.in_(recipe_ids[start:start + _CHUNK]))
                .order_by(_ingredient.c.recipe_food_id, _ingredient.c.position)
            ):
                ingredients.setdefault(row.recipe_food_id, []).append(
                    Ingredient(FoodRef(row.source, row.source_id), row.amount, row.unit)
                )
        return {
            FoodRef(RECIPE_SOURCE, row.source_id): Recipe(
                name=row.name,
                ingredients=tuple(ingredients.get(row.id, ())),
                servings=row.servings,
                cooked_grams=row.cooked_grams,
                instructions=row.instructions,
                tags=tuple(json.loads(row.tags or "[]")),
                ref=FoodRef(RECIPE_SOURCE, row.source_id),
            )
            for row in rows
        }

    def summaries(self) -> list[RecipeSummary]:
        """Every recipe with its stored values, by name."""
        counts = (
            select(_ingredient.c.recipe_food_id, func.count().label("ingredients"))
            .group_by(_ingredient.c.recipe_food_id)
            .subquery()
        )
        columns = [_food.c[key] for key in NUTRIENT_KEYS]
        statement = (
            select(_food.c.source_id, _food.c.name, _recipe.c.servings, _recipe.c.cooked_grams,
                   _recipe.c.total_grams, _recipe.c.tags, _recipe.c.coverage, counts.c.ingredients,
                   *columns)
            .join(_recipe, _recipe.c.food_id == _food.c.id)
            .outerjoin(counts, counts.c.recipe_food_id == _food.c.id)
            .where(_food.c.source == RECIPE_SOURCE)
            .order_by(func.lower(_food.c.name), _food.c.id)
        )
        summaries = []
        for row in self.session.execute(statement):
            coverage = json.loads(row.coverage or "{}")
            summaries.append(
                RecipeSummary(
                    ref=FoodRef(RECIPE_SOURCE, row.source_id),
                    name=row.name,
                    tags=tuple(json.loads(row.tags or "[]")),
                    servings=row.servings,
                    cooked_grams=row.cooked_grams,
                    total_grams=row.total_grams,
                    ingredient_count=row.ingredients or 0,
                    per_100g=MappingProxyType({key: row._mapping[key] for key in NUTRIENT_KEYS}),
                    food_count=int(coverage.get("foods", 0)),
                    unknown=MappingProxyType(dict(coverage.get("unknown", {}))),
                )
            )
        return summaries

    def same_as(self, recipe: Recipe) -> FoodRef | None:
        """A stored recipe with the same content as ``recipe`` (name, ingredients, yield,
        instructions, tags), if there is one; the lowest id wins."""
        ids = self.session.scalars(
            select(_food.c.source_id)
            .join(_recipe, _recipe.c.food_id == _food.c.id)
            .where(_food.c.source == RECIPE_SOURCE, _food.c.name == recipe.name)
            .order_by(_food.c.id)
        ).all()
        if not ids:
            return None
        stored = self.get_many(FoodRef(RECIPE_SOURCE, source_id) for source_id in ids)
        wanted = recipe.content()
        for source_id in ids:
            candidate = stored.get(FoodRef(RECIPE_SOURCE, source_id))
            if candidate is not None and candidate.content() == wanted:
                return candidate.ref
        return None

    def containers(self, refs: Iterable[FoodRef]) -> dict[FoodRef, str]:
        """The recipes that hold any of ``refs`` as a direct ingredient: ref -> name."""
        ids = self._ids(refs)
        if not ids:
            return {}
        container = _food.alias("container")
        rows = self.session.execute(
            select(container.c.source_id, container.c.name)
            .select_from(_ingredient)
            .join(container, container.c.id == _ingredient.c.recipe_food_id)
            .where(_ingredient.c.food_id.in_(ids))
            .distinct()
            .order_by(container.c.source_id)
        )
        return {FoodRef(RECIPE_SOURCE, row.source_id): row.name for row in rows}

    def dependents(self, refs: Iterable[FoodRef]) -> list[FoodRef]:
        """Every recipe that contains any of ``refs``, however deep (nearest first)."""
        found: dict[FoodRef, None] = {}
        todo = list(refs)
        while todo:
            batch = [ref for ref in self.containers(todo) if ref not in found]
            found.update(dict.fromkeys(batch))
            todo = batch
        return list(found)

    def uses(self, ref: FoodRef) -> list[RecipeUse]:
        """The plan entries that use the recipe (or food) at ``ref``, in plan and date order."""
        ids = self._ids([ref])
        if not ids:
            return []
        rows = self.session.execute(
            select(PlanRecord.id, PlanRecord.name, ProfileRecord.name.label("profile"),
                   PlanDayRecord.date, MealRecord.name.label("meal"), EntryRecord.position)
            .select_from(EntryRecord)
            .join(MealRecord, MealRecord.id == EntryRecord.meal_id)
            .join(PlanDayRecord, PlanDayRecord.id == MealRecord.day_id)
            .join(PlanRecord, PlanRecord.id == PlanDayRecord.plan_id)
            .join(ProfileRecord, ProfileRecord.id == PlanRecord.profile_id)
            .where(EntryRecord.food_id.in_(ids))
            .order_by(PlanRecord.id, PlanDayRecord.date, MealRecord.position,
                      EntryRecord.position)
        )
        return [
            RecipeUse(row.id, row.name or f"{row.profile}'s plan",
                      dt.date.fromisoformat(row.date), row.meal, row.position + 1)
            for row in rows
        ]

    def _ids(self, refs: Iterable[FoodRef]) -> list[int]:
        by_source: dict[str, set[str]] = {}
        for ref in refs:
            by_source.setdefault(ref.source, set()).add(ref.source_id)
        ids: list[int] = []
        for source, source_ids in by_source.items():
            ids.extend(self.session.scalars(
                select(_food.c.id).where(_food.c.source == source,
                                         _food.c.source_id.in_(sorted(source_ids)))
            ))
        return ids

    def food_ids(self, refs: Iterable[FoodRef], recipe: Recipe) -> dict[FoodRef, int]:
        """Food row ids of ``refs``; :class:`RecipeError` naming the first one not stored."""
        wanted = set(refs)
        found: dict[FoodRef, int] = {}
        by_source: dict[str, set[str]] = {}
        for ref in wanted:
            by_source.setdefault(ref.source, set()).add(ref.source_id)
        for source, source_ids in by_source.items():
            for food_id, source_id in self.session.execute(
                select(_food.c.id, _food.c.source_id)
                .where(_food.c.source == source, _food.c.source_id.in_(sorted(source_ids)))
            ):
                found[FoodRef(source, source_id)] = food_id
        for position, ingredient in enumerate(recipe.ingredients, 1):
            if ingredient.food not in found:
                raise RecipeError(f"unknown food {ingredient.food}; it is not in the food "
                                  "database", recipe.label, position)
        return found

    # -- writing -------------------------------------------------------------------

    def create(self, recipe: Recipe, nutrients: RecipeNutrients, *,
               food_id: int | None = None) -> FoodRef:
        """Store a new recipe with its computed ``nutrients``; returns its reference.

        The id is ``food_id`` when given and free (to restore a deleted recipe under its
        old reference), else the next food id (as :meth:`FoodRepository.store_foods` assigns
        them), above every recipe id ever given.
        """
        food_ids = self.food_ids((i.food for i in recipe.ingredients), recipe)
        if food_id is None or self.session.get(FoodRecord, food_id) is not None:
            food_id = self._next_id()
        self.session.execute(
            insert(_food).values(
                id=food_id, source=RECIPE_SOURCE, source_id=str(food_id), name=recipe.name,
                group_code=None, attribution=None,
                **{key: nutrients.per_100g.get(key) for key in NUTRIENT_KEYS},
            )
        )
        self.session.execute(
            insert(_recipe).values(
                food_id=food_id, servings=recipe.servings, cooked_grams=recipe.cooked_grams,
                total_grams=nutrients.total_grams, instructions=recipe.instructions,
                tags=json.dumps(list(recipe.tags), ensure_ascii=False),
                coverage=_coverage_json(nutrients),
            )
        )
        self._write_ingredients(food_id, recipe, food_ids)
        self._write_portions(food_id, nutrients)
        return recipe_ref(food_id)

    def update(self, recipe: Recipe, nutrients: RecipeNutrients) -> None:
        """Replace the stored recipe at ``recipe.ref`` with ``recipe`` and its values."""
        if recipe.ref is None:
            raise RecipeError("an unsaved recipe cannot be updated; create it", recipe.label)
        food_id = self._existing(recipe.ref)
        food_ids = self.food_ids((i.food for i in recipe.ingredients), recipe)
        self.session.execute(
            update(_recipe).where(_recipe.c.food_id == food_id).values(
                servings=recipe.servings, cooked_grams=recipe.cooked_grams,
                instructions=recipe.instructions,
                tags=json.dumps(list(recipe.tags), ensure_ascii=False),
            )
        )
        self.session.execute(delete(_ingredient).where(_ingredient.c.recipe_food_id == food_id))
        self._write_ingredients(food_id, recipe, food_ids)
        self.write_values(recipe.ref, nutrients, name=recipe.name)

    def write_values(self, ref: FoodRef, nutrients: RecipeNutrients, *,
                     name: str | None = None) -> None:
        """Store recomputed values (and the serving measure) of the recipe at ``ref``."""
        food_id = self._existing(ref)
        values: dict[str, Any] = {key: nutrients.per_100g.get(key) for key in NUTRIENT_KEYS}
        if name is not None:
            values["name"] = name
        self.session.execute(update(_food).where(_food.c.id == food_id).values(**values))
        self.session.execute(
            update(_recipe).where(_recipe.c.food_id == food_id).values(
                total_grams=nutrients.total_grams, coverage=_coverage_json(nutrients)
            )
        )
        self.session.execute(delete(_portion).where(_portion.c.food_id == food_id))
        self._write_portions(food_id, nutrients)

    def delete(self, ref: FoodRef) -> None:
        """Remove the recipe; the caller has checked that nothing uses it."""
        food_id = self._existing(ref)
        self.session.execute(delete(_ingredient).where(_ingredient.c.recipe_food_id == food_id))
        self.session.execute(delete(_recipe).where(_recipe.c.food_id == food_id))
        self.session.execute(delete(_portion).where(_portion.c.food_id == food_id))
        self.session.execute(delete(_food).where(_food.c.id == food_id))

    def _next_id(self) -> int:
        """The next food id, never one a deleted recipe had: a reference the window or a
        file still holds must not come to mean another recipe.

        PostgreSQL's sequence never gives an id twice. SQLite reuses the largest id
        once it is deleted, so the largest recipe id ever given is kept in ``meta``.
        """
        if uses_sequences(self.session):
            return new_food_ids(self.session, 1)[0]
        largest = new_food_ids(self.session, 1)[0] - 1
        last = self.session.scalar(
            select(MetaRecord.value).where(MetaRecord.key == LAST_RECIPE_ID_KEY))
        food_id = max(largest, int(last or 0)) + 1
        self.session.merge(MetaRecord(key=LAST_RECIPE_ID_KEY, value=str(food_id)))
        return food_id

    def _existing(self, ref: FoodRef) -> int:
        food_id = self.food_id(ref)
        if food_id is None:
            raise RecipeNotFoundError(ref)
        return food_id

    def _write_ingredients(self, food_id: int, recipe: Recipe,
                           food_ids: Mapping[FoodRef, int]) -> None:
        rows = [
            {"recipe_food_id": food_id, "position": position,
             "food_id": food_ids[ingredient.food], "amount": ingredient.amount,
             "unit": ingredient.unit}
            for position, ingredient in enumerate(recipe.ingredients)
        ]
        if rows:
            self.session.execute(insert(_ingredient), rows)

    def _write_portions(self, food_id: int, nutrients: RecipeNutrients) -> None:
        grams = nutrients.serving_grams
        if grams is not None:
            self.session.execute(
                insert(_portion).values(food_id=food_id, seq=1, amount=1.0, description=SERVING,
                                        grams=grams)
            )


def _recipe_refs(refs: Iterable[FoodRef]) -> set[FoodRef]:
    return {ref for ref in refs if ref.source == RECIPE_SOURCE}


def book_for(session: Session, recipes: Iterable[Recipe] = (),
             refs: Iterable[FoodRef] = ()) -> RecipeBook:
    """A :class:`RecipeBook` with what ``recipes`` and ``refs`` need, from the database.

    It holds every stored recipe inside them (however deep), the stored recipes at
    ``refs``, and the foods of all their ingredients (and of the recipes, for their ids).
    """
    drafts = builtins.list(recipes)
    refs = builtins.list(refs)
    wanted = _recipe_refs(refs) | _recipe_refs(
        ingredient.food for recipe in drafts for ingredient in recipe.ingredients
    )
    stored = RecipeRepository(session).closure(wanted)
    food_refs = set(stored) | set(refs) | {
        ingredient.food
        for recipe in (*drafts, *stored.values())
        for ingredient in recipe.ingredients
    }
    foods = FoodRepository(session).get_many(food_refs)
    return RecipeBook(stored, foods)


def ingredient_foods(book: RecipeBook, recipe: Recipe) -> Mapping[FoodRef, Food]:
    found = {}
    for item in recipe.ingredients:
        food = book.food(item.food)
        if food is not None:
            found[item.food] = food
    return MappingProxyType(found)


def recompute_dependents(session: Session, refs: Iterable[FoodRef]) -> tuple[FoodRef, ...]:
    """Recompute and store every recipe that contains any of ``refs``, however deep."""
    repository = RecipeRepository(session)
    dependents = repository.dependents(refs)
    if not dependents:
        return ()
    book = book_for(session, refs=dependents)
    for ref in dependents:
        repository.write_values(ref, book.nutrients(book.recipes[ref]))
    return tuple(dependents)


def recompute_all(session: Session) -> int:
    """Recompute and store every stored recipe from its ingredients (after the food
    values changed under all of them: a new dataset with more nutrients); the count."""
    repository = RecipeRepository(session)
    recipes = repository.all()
    if not recipes:
        return 0
    foods = FoodRepository(session).get_many(
        {ingredient.food for recipe in recipes.values() for ingredient in recipe.ingredients}
        | set(recipes)
    )
    book = RecipeBook(recipes, foods)
    for ref in dependency_order(recipes):
        repository.write_values(ref, book.nutrients(recipes[ref]))
    return len(recipes)

