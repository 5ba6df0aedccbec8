"""Benchmarks: recomputing nested recipes, editing one in the database, and a plan of recipes.

Goals: computing a recipe of 20 ingredients nested 3 levels deep (20 x 3 recipes over real
USDA foods) well under 5 ms; an edit of the innermost recipe, stored with its two
dependents recomputed in the same transaction, under 50 ms on SQLite; analysing and
shopping a week of recipe entries in a few milliseconds.

Run with ``pytest tests/perf/test_recipes_perf.py --benchmark-enable``; in the default run
each benchmark executes once as a plain test.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import DEFAULT_MEALS, Day, Entry, Meal, Plan, Profile
from planner.core.recipes import Ingredient, Recipe, RecipeBook, RecipeNutrients, expand
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list
from planner.paths import read_shipped_text
from planner.services.database import Database
from planner.services.recipes import RecipeService, SavedRecipe

MONDAY = date(2026, 11, 23)
SPINACH = FoodRef("usda-sr28", "11457")
LEVELS = 3
INGREDIENTS = 20


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


def _plain_foods(foods: Mapping[FoodRef, Food], count: int) -> list[FoodRef]:
    """Real foods with a magnesium value (every third SR28 food, for variety)."""
    refs = [ref for ref, food in sorted(foods.items())
            if food.value("magnesium_mg") is not None]
    return refs[::3][:count]


def _nested(leaves: list[FoodRef]) -> dict[FoodRef, Recipe]:
    """Three recipes of 20 ingredients: level 1 holds level 0 (250 g), level 2 holds level 1."""
    recipes: dict[FoodRef, Recipe] = {}
    inner: FoodRef | None = None
    for level in range(LEVELS):
        ref = FoodRef("recipe", f"level{level}")
        items = [Ingredient(leaves[(level * 7 + n) % len(leaves)], 10 + n, "g")
                 for n in range(INGREDIENTS - (inner is not None))]
        if inner is not None:
            items.insert(0, Ingredient(inner, 250, "g"))
        recipes[ref] = Recipe(f"Level {level}", tuple(items), servings=4, ref=ref)
        inner = ref
    return recipes


@pytest.mark.benchmark(group="recipes")
def test_compute_a_recipe_nested_three_levels(benchmark: BenchmarkFixture, foods) -> None:
    recipes = _nested(_plain_foods(foods, 60))
    top = recipes[FoodRef("recipe", f"level{LEVELS - 1}")]

    def compute() -> RecipeNutrients:
        return RecipeBook(recipes, foods).nutrients(top)

    nutrients = benchmark(compute)

    # The totals are the sum over the foods the recipe is made of (expanded), exactly.
    leaves = expand(nutrients.yield_grams, top, foods, recipes)
    # Each food once: the levels share foods 7 to 19 and 14 to 25 of the 60.
    assert len(leaves) == len({ingredient.food for recipe in recipes.values()
                               for ingredient in recipe.ingredients
                               if ingredient.food.source != "recipe"}) == 33
    magnesium = sum((foods[ref].value("magnesium_mg") or 0.0) * grams / 100
                    for ref, grams in leaves)
    assert nutrients.totals["magnesium_mg"] == pytest.approx(magnesium, rel=1e-12)
    # Coverage counts every food as often as it goes in.
    assert nutrients.food_count == INGREDIENTS + 2 * (INGREDIENTS - 1)


@pytest.mark.benchmark(group="recipes")
def test_edit_the_innermost_recipe_and_recompute_its_dependents(
    benchmark: BenchmarkFixture, db: Database, foods
) -> None:
    service = RecipeService(db)
    leaves = _plain_foods(foods, 60)
    stored: list[Recipe] = []
    for recipe in _nested(leaves).values():
        ingredients = tuple(
            Ingredient(stored[-1].ref, 250, "g") if i.food.source == "recipe" else i
            for i in recipe.ingredients)
        stored.append(service.create(Recipe(recipe.name, ingredients, servings=4)).recipe)
    innermost = stored[0]
    amounts = iter(range(1, 1_000_000))

    def edit() -> SavedRecipe:
        first = innermost.ingredients[0]
        changed = innermost.replace_ingredient(0, Ingredient(first.food, next(amounts), "g"))
        return service.update(changed)

    saved = benchmark(edit)

    assert saved.dependents == (stored[1].ref, stored[2].ref)
    top = service.get(stored[2].ref)
    current = {ref: service.get(ref).recipe for ref in (r.ref for r in stored) if ref}
    leaves_now = expand(top.nutrients.yield_grams, top.recipe, foods, current)
    magnesium = sum((foods[ref].value("magnesium_mg") or 0.0) * grams / 100
                    for ref, grams in leaves_now)
    assert top.food.value("magnesium_mg") == pytest.approx(
        magnesium / top.nutrients.yield_grams * 100, rel=1e-9)


@pytest.mark.benchmark(group="recipes")
def test_analyse_and_shop_a_week_of_recipes(benchmark: BenchmarkFixture, foods) -> None:
    from planner.services.plans import dri_tables
    from planner.sources.plan_file import load_recipes

    loaded = load_recipes(read_shipped_text("recipes.json"), foods.get)
    recipes = loaded_map = {recipe.ref: recipe for recipe in loaded.recipes
                            if recipe.ref is not None}
    samples = list(loaded_map)
    all_foods = dict(loaded.foods)
    days = []
    for offset in range(7):
        meals = tuple(
            Meal(name, (Entry(samples[(offset + index) % len(samples)], 1, "serving"),
                        Entry(SPINACH, 30, "g")))
            for index, name in enumerate(DEFAULT_MEALS))
        days.append(Day(MONDAY + timedelta(days=offset), meals))
    profile = Profile("Ana", "female", 45)
    plan = Plan(profile, tuple(days))
    targets = profile.targets(dri_tables())
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))

    def work() -> tuple[Analysis, ShoppingList]:
        return (analyze(plan, all_foods, targets),
                build_shopping_list(plan, all_foods, aisles, targets=targets, recipes=recipes))

    analysis, shopping = benchmark(work)

    assert analysis.unresolved == ()
    assert not any(item.food is not None and item.food.source == "recipe"
                   for item in shopping.items)
    # The list supplies what the week's entries supply.
    week_mg = sum(day.totals["magnesium_mg"].value or 0.0 for day in analysis.days)
    assert shopping.nutrition is not None
    assert shopping.nutrition.magnesium_mg == pytest.approx(week_mg)
