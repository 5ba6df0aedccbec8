"""Recipe use cases: list, open, live totals, create, edit, duplicate, delete, files, samples.

A recipe is stored as a food (see :mod:`planner.db.recipes`) whose values per 100 g are
derived from its ingredients (:mod:`planner.core.recipes`). Every write is one transaction
that also recomputes, in the same transaction, every recipe containing the one written
(however deep), so a plan total that uses any of them is current the moment it commits.

Recipes in files (plan files and ``planner.recipes/1`` files) carry ids of the exporting
database; :func:`store_recipes` stores them here, reusing a stored recipe with the same
content, and returns how the ids map.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from planner import paths
from planner.core.foods import Food, FoodRef
from planner.core.plan import Meal, Plan
from planner.core.recipes import (
    Recipe,
    RecipeError,
    RecipeNutrients,
    check_recipe,
    dependency_order,
    recipe_food,
)
from planner.db.foods import FoodRepository
from planner.db.recipes import (
    RecipeNotFoundError,
    RecipeRepository,
    RecipeSummary,
    RecipeUse,
    book_for,
    ingredient_foods,
    recompute_dependents,
)
from planner.services.database import Database
from planner.sources.plan_file import LoadedRecipes, dump_recipes, load_recipes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "SAMPLES_META_KEY",
    "ImportedRecipes",
    "RecipeError",
    "RecipeInUseError",
    "RecipeNotFoundError",
    "RecipeService",
    "RecipeSummary",
    "RecipeUse",
    "RecipeUses",
    "SavedRecipe",
    "book_for",
    "plan_recipes",
    "remap_plan",
    "sort_recipes",
    "recompute_dependents",
    "store_recipes",
]

#: The meta key whose presence says the shipped sample recipes were offered once.
SAMPLES_META_KEY = "sample_recipes"
SAMPLES_FILE = "recipes.json"
_USES_IN_MESSAGE = 5


@dataclass(frozen=True, slots=True)
class SavedRecipe:
    """A stored recipe with its nutrients and its food (what plan entries use)."""

    recipe: Recipe
    nutrients: RecipeNutrients
    food: Food
    #: The ingredients' foods (a recipe ingredient as its food), for names and units.
    foods: Mapping[FoodRef, Food] = field(default_factory=dict)
    #: After :meth:`RecipeService.update`: the recipes recomputed because they contain it.
    dependents: tuple[FoodRef, ...] = ()

    @property
    def ref(self) -> FoodRef:
        assert self.recipe.ref is not None
        return self.recipe.ref


@dataclass(frozen=True, slots=True)
class RecipeUses:
    """Where a recipe is used: plan entries, and recipes that hold it as an ingredient."""

    entries: tuple[RecipeUse, ...]
    #: Recipe reference -> name.
    recipes: Mapping[FoodRef, str]

    @property
    def is_used(self) -> bool:
        return bool(self.entries or self.recipes)

    def describe(self) -> str:
        """``used in Demo week, 2026-11-23, Lunch; ... and in the recipe 'Curry bowl'``."""
        parts = []
        if self.entries:
            shown = "; ".join(str(use) for use in self.entries[:_USES_IN_MESSAGE])
            more = len(self.entries) - _USES_IN_MESSAGE
            parts.append(f"in {shown}" + (f" and {more} more" if more > 0 else ""))
        if self.recipes:
            names = ", ".join(repr(name) for name in self.recipes.values())
            noun = "recipe" if len(self.recipes) == 1 else "recipes"
            parts.append(f"in the {noun} {names}")
        return "used " + " and ".join(parts) if parts else "not used"


class RecipeInUseError(RecipeError):
    """A recipe that cannot be deleted: plans or other recipes use it (all listed)."""

    def __init__(self, recipe: Recipe, uses: RecipeUses) -> None:
        super().__init__(f"it is {uses.describe()}; remove it there first", recipe.label,
                         ref=recipe.ref)
        self.uses = uses


@dataclass(frozen=True, slots=True)
class ImportedRecipes:
    """Recipes of a file, stored: each file id -> the stored reference."""

    refs: Mapping[FoodRef, FoodRef]
    #: The references created (the others reused a stored recipe with the same content).
    created: tuple[FoodRef, ...]


# -- helpers shared with the plan and shopping services --------------------------------


def store_recipes(session: Session, recipes: Sequence[Recipe]) -> ImportedRecipes:
    """Store the recipes of a file (``ref`` = file id), inner recipes first.

    A recipe whose content (with its inner recipes' new references) equals a stored
    recipe's is not stored again: the stored one is used. The caller owns the transaction.
    One book serves the whole file: the stored recipes and foods the file refers to are
    read once, and each recipe joins the book as it is stored, so a recipe shared by
    many, or a chain of any depth, is computed once (linear, not quadratic, in its size).
    """
    by_ref = {recipe.ref: recipe for recipe in recipes if recipe.ref is not None}
    order = dependency_order(by_ref)
    repository = RecipeRepository(session)
    outside = {ingredient.food for recipe in by_ref.values()
               for ingredient in recipe.ingredients if ingredient.food not in by_ref}
    book = book_for(session, refs=outside)
    refs: dict[FoodRef, FoodRef] = {}
    created: list[FoodRef] = []
    for file_ref in order:
        recipe = by_ref[file_ref]
        local = replace(
            recipe, ref=None,
            ingredients=tuple(replace(item, food=refs.get(item.food, item.food))
                              for item in recipe.ingredients),
        )
        stored = repository.same_as(local)
        if stored is None:
            check_recipe(local)
            stored = repository.create(local, book.nutrients(local))
            created.append(stored)
        refs[file_ref] = stored
        book.add(replace(local, ref=stored))
    return ImportedRecipes(refs, tuple(created))


def remap_plan(plan: Plan, refs: Mapping[FoodRef, FoodRef]) -> Plan:
    """``plan`` with every entry of a food in ``refs`` pointing at ``refs[food]``."""
    if not refs:
        return plan

    def remapped(meal: Meal) -> Meal:
        entries = tuple(replace(entry, food=refs.get(entry.food, entry.food))
                        for entry in meal.entries)
        return replace(meal, entries=entries)

    days = tuple(replace(day, meals=tuple(remapped(meal) for meal in day.meals))
                 for day in plan.days)
    return replace(plan, days=days)


def _sort_key(ref: FoodRef) -> tuple[int, str]:
    ident = ref.source_id
    return (int(ident), "") if ident.isdigit() else (1 << 62, ident)


def sort_recipes(recipes: Iterable[Recipe]) -> list[Recipe]:
    """Recipes in the canonical order of files: by id (numbers as numbers)."""
    return sorted(recipes, key=lambda recipe: _sort_key(recipe.ref or FoodRef("", "")))


def plan_recipes(session: Session, plan: Plan) -> dict[FoodRef, Recipe]:
    """The stored recipes ``plan`` uses, with the recipes inside them."""
    refs = {entry.food for day in plan.days for entry in day.entries}
    return RecipeRepository(session).closure(refs)


# -- the service ---------------------------------------------------------------------


class RecipeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -------------------------------------------------------------------

    def list(self) -> builtins.list[RecipeSummary]:
        """Every recipe, by name, with its stored values per 100 g and coverage."""
        with self.db.reading() as session:
            return RecipeRepository(session).summaries()

    def get(self, ref: FoodRef | str) -> SavedRecipe:
        """The recipe at ``ref`` (``recipe:12``) with its nutrients, computed afresh."""
        ref = FoodRef.parse(ref) if isinstance(ref, str) else ref
        with self.db.reading() as session:
            book = book_for(session, refs=[ref])
        recipe = book.recipes.get(ref)
        if recipe is None:
            raise RecipeNotFoundError(ref)
        food = book.food(ref)
        assert food is not None
        return SavedRecipe(recipe, book.nutrients(recipe), food, ingredient_foods(book, recipe))

    def nutrients(self, recipe: Recipe) -> RecipeNutrients:
        """Live totals of a recipe being edited (saved or not; nothing is stored).

        Raises :class:`RecipeError` naming the ingredient for an unknown food, a unit the
        food lacks, or a recipe inside that contains this one.
        """
        with self.db.reading() as session:
            book = book_for(session, [recipe])
        return book.nutrients(recipe)

    def uses(self, ref: FoodRef | str) -> RecipeUses:
        """Where the recipe is used: plan entries (plan, date, meal) and other recipes."""
        ref = FoodRef.parse(ref) if isinstance(ref, str) else ref
        with self.db.reading() as session:
            repository = RecipeRepository(session)
            if repository.food_id(ref) is None:
                raise RecipeNotFoundError(ref)
            return RecipeUses(tuple(repository.uses(ref)), repository.containers([ref]))

    # -- writing -------------------------------------------------------------------

    def create(self, recipe: Recipe) -> SavedRecipe:
        """Store ``recipe`` as a new recipe (its ``ref``, if any, is ignored)."""
        return self._store(recipe, None)

    def restore(self, recipe: Recipe) -> SavedRecipe:
        """Store a deleted recipe again, under its old reference when that is still free
        (undo of a delete); the returned ``ref`` says which reference it got."""
        ident = recipe.ref.source_id if recipe.ref is not None else ""
        return self._store(recipe, int(ident) if ident.isdigit() else None)

    def _store(self, recipe: Recipe, food_id: int | None) -> SavedRecipe:
        draft = replace(recipe, ref=None)
        check_recipe(draft)
        with self.db.writing() as session:
            book = book_for(session, [draft])
            nutrients = book.nutrients(draft)
            ref = RecipeRepository(session).create(draft, nutrients, food_id=food_id)
        saved = replace(draft, ref=ref)
        return SavedRecipe(saved, nutrients,
                           recipe_food(saved, nutrients, food_id=int(ref.source_id)),
                           ingredient_foods(book, draft))

    def update(self, recipe: Recipe) -> SavedRecipe:
        """Store ``recipe`` over the stored one at ``recipe.ref``; recompute its dependents.

        Refused (:class:`RecipeError`) when an ingredient is a recipe that contains this one.
        """
        if recipe.ref is None:
            raise RecipeError("the recipe is not stored yet; create it", recipe.label)
        check_recipe(recipe)
        with self.db.writing() as session:
            repository = RecipeRepository(session)
            food_id = repository.food_id(recipe.ref)
            if food_id is None:
                raise RecipeNotFoundError(recipe.ref)
            book = book_for(session, [recipe])
            nutrients = book.nutrients(recipe)
            repository.update(recipe, nutrients)
            dependents = recompute_dependents(session, [recipe.ref])
        return SavedRecipe(recipe, nutrients, recipe_food(recipe, nutrients, food_id=food_id),
                           ingredient_foods(book, recipe), dependents)

    def duplicate(self, ref: FoodRef | str, name: str | None = None) -> SavedRecipe:
        """A new recipe with the content of the one at ``ref``, named ``name``
        (default: its name + `` (copy)``)."""
        original = self.get(ref).recipe
        return self.create(replace(original, ref=None,
                                   name=name if name is not None else f"{original.name} (copy)"))

    def delete(self, ref: FoodRef | str) -> Recipe:
        """Delete the recipe; returns what it was (to create it again on undo).

        Raises :class:`RecipeInUseError` listing every plan entry (plan, date, meal) and
        recipe that uses it; nothing is deleted then.
        """
        ref = FoodRef.parse(ref) if isinstance(ref, str) else ref
        with self.db.writing() as session:
            repository = RecipeRepository(session)
            recipe = repository.get(ref)
            if recipe is None:
                raise RecipeNotFoundError(ref)
            uses = RecipeUses(tuple(repository.uses(ref)), repository.containers([ref]))
            if uses.is_used:
                raise RecipeInUseError(recipe, uses)
            repository.delete(ref)
        return recipe

    def recompute(self, refs: Iterable[FoodRef]) -> tuple[FoodRef, ...]:
        """Recompute every recipe containing the foods at ``refs`` (after those foods
        changed, e.g. a new USDA release or a refreshed online food); returns them."""
        with self.db.writing() as session:
            return recompute_dependents(session, builtins.list(refs))

    # -- files ---------------------------------------------------------------------

    def load_text(self, text: str) -> LoadedRecipes:
        """Parse a ``planner.recipes/1`` file against the database (nothing stored)."""
        with self.db.reading() as session:
            repository = FoodRepository(session)
            return load_recipes(text, repository.get)

    def import_text(self, text: str) -> ImportedRecipes:
        """Store the recipes of a ``planner.recipes/1`` file; a broken file stores nothing."""
        loaded = self.load_text(text)
        with self.db.writing() as session:
            return store_recipes(session, loaded.recipes)

    def export_text(self, refs: Iterable[FoodRef | str]) -> str:
        """The recipes at ``refs``, with every recipe inside them, as a recipes file."""
        wanted = [FoodRef.parse(ref) if isinstance(ref, str) else ref for ref in refs]
        with self.db.reading() as session:
            recipes = RecipeRepository(session).closure(wanted)
        for ref in wanted:
            if ref not in recipes:
                raise RecipeNotFoundError(ref)
        return dump_recipes(sort_recipes(recipes.values()))

    # -- first start -----------------------------------------------------------------

    def ensure_samples(self) -> tuple[FoodRef, ...]:
        """Store the sample recipes (``data/recipes.json``) once per database.

        Returns the references created; after the first call (even if the user then
        deletes a sample) nothing is created again.
        """
        with self.db.reading() as session:
            if FoodRepository(session).meta(SAMPLES_META_KEY) is not None:
                return ()
        loaded = self.load_text(paths.read_shipped_text(SAMPLES_FILE))
        with self.db.writing() as session:
            foods = FoodRepository(session)
            if foods.meta(SAMPLES_META_KEY) is not None:
                return ()  # another process was quicker
            imported = store_recipes(session, loaded.recipes)
            foods.set_meta(SAMPLES_META_KEY, str(len(imported.refs)))
        return imported.created

