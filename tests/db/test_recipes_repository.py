"""The recipe repository over the real USDA database (SQLite, and PostgreSQL when set up).

A recipe is a ``food`` row (source ``recipe``, source id = its own id) with a ``recipe``
row and ordered ``recipe_ingredient`` rows: found by food search, used by plan entries,
kept by foreign keys. The values stored are the core's, computed from SR28 foods.
"""

from __future__ import annotations

import datetime as dt

import pytest
from nutrient_coverage import core_unknown
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.recipes import Ingredient, Recipe, RecipeBook
from planner.db.foods import FoodRepository
from planner.db.plans import PlanRepository
from planner.db.recipes import RecipeNotFoundError, RecipeRepository
from planner.services.database import Database

OATS = FoodRef("usda-sr28", "08120")  # Mg 138 / 100 g; cup 81 g
MILK = FoodRef("usda-sr28", "01079")  # Mg 11, vitamin D 1.2 / 100 g; cup 244 g
CHIA = FoodRef("usda-sr28", "12006")  # Mg 335; no vitamin D value
SPINACH = FoodRef("usda-sr28", "11457")  # Mg 79; cup 30 g
MONDAY = dt.date(2026, 11, 23)

#: 1 cup oats (81 g) + 1 cup milk (244 g) + 15 g chia: 340 g, 2 servings.
PORRIDGE_G = 81 + 244 + 15
PORRIDGE_MG = 81 * 1.38 + 244 * 0.11 + 15 * 3.35  # 111.78 + 26.84 + 50.25 = 188.87


def porridge() -> Recipe:
    return Recipe("Chia porridge", (Ingredient(OATS, 1, "cup"), Ingredient(MILK, 1, "cup"),
                                    Ingredient(CHIA, 15, "g")),
                  servings=2, instructions="Simmer 5 minutes.", tags=("breakfast", "quick"))


def _create(db: Database, recipe: Recipe) -> FoodRef:
    with db.sessions.begin() as session:
        nutrients = _book(session, recipe).nutrients(recipe)
        return RecipeRepository(session).create(recipe, nutrients)


def _book(session, *recipes: Recipe) -> RecipeBook:
    repository = RecipeRepository(session)
    stored = repository.closure(i.food for r in recipes for i in r.ingredients)
    refs = {i.food for r in (*recipes, *stored.values()) for i in r.ingredients} | set(stored)
    return RecipeBook(stored, FoodRepository(session).get_many(refs))


def test_a_recipe_is_a_food_with_derived_values(db: Database) -> None:
    ref = _create(db, porridge())

    with db.sessions() as session:
        food = FoodRepository(session).get(ref)
        recipe = RecipeRepository(session).get(ref)
        hits = FoodRepository(session).search("chia porridge")
    assert ref.source == "recipe" and food is not None and food.id == int(ref.source_id)
    assert food.name == "Chia porridge" and food.group_code is None
    assert food.value("magnesium_mg") == pytest.approx(PORRIDGE_MG / PORRIDGE_G * 100)  # 55.55
    assert food.value("vitamin_d_ug") == pytest.approx(244 * 1.2 / PORRIDGE_G)
    assert [(p.description, p.grams) for p in food.portions] == [("serving", 170.0)]
    assert recipe == Recipe(**{**_fields(porridge()), "ref": ref})
    assert [hit.ref for hit in hits] == [ref]


def _fields(recipe: Recipe) -> dict[str, object]:
    return {name: getattr(recipe, name) for name in
            ("name", "ingredients", "servings", "cooked_grams", "instructions", "tags", "ref")}


def test_the_summary_holds_yield_values_and_coverage(db: Database) -> None:
    ref = _create(db, porridge())
    with db.sessions() as session:
        (summary,) = RecipeRepository(session).summaries()
    assert summary.ref == ref and summary.ingredient_count == 3
    assert summary.total_grams == pytest.approx(PORRIDGE_G) and summary.yield_grams == 340
    assert summary.serving_grams == pytest.approx(170.0)
    assert summary.per_serving("magnesium_mg") == pytest.approx(PORRIDGE_MG / 2)  # 94.435
    assert summary.tags == ("breakfast", "quick")
    # Chia seeds have no vitamin D, vitamin K or sugars value in SR28.
    assert summary.food_count == 3
    assert core_unknown(summary.unknown) == {"sugars_g": 1, "vitamin_d_ug": 1, "vitamin_k_ug": 1}


def test_update_replaces_ingredients_name_and_values(db: Database) -> None:
    ref = _create(db, porridge())
    changed = Recipe("Spinach porridge",
                     (Ingredient(OATS, 1, "cup"), Ingredient(SPINACH, 1, "cup")),
                     servings=1, ref=ref)
    with db.sessions.begin() as session:
        RecipeRepository(session).update(changed, _book(session, changed).nutrients(changed))
    with db.sessions() as session:
        food = FoodRepository(session).get(ref)
        assert RecipeRepository(session).get(ref) == changed
        assert [hit.ref for hit in FoodRepository(session).search("spinach porridge")] == [ref]
        assert FoodRepository(session).search("chia porridge") == []
    assert food is not None
    # (81 x 1.38 + 30 x 0.79) / 111 g x 100 = (111.78 + 23.7) / 111 x 100.
    assert food.value("magnesium_mg") == pytest.approx(135.48 / 111 * 100)
    assert [(p.description, p.grams) for p in food.portions] == [("serving", 111.0)]


def test_closure_dependents_containers_and_uses(db: Database) -> None:
    inner = _create(db, porridge())
    outer_recipe = Recipe("Porridge with spinach", (Ingredient(inner, 1, "serving"),
                                                    Ingredient(SPINACH, 1, "cup")))
    outer = _create(db, outer_recipe)
    top = _create(db, Recipe("Big breakfast", (Ingredient(outer, 100, "g"),
                                               Ingredient(MILK, 1, "cup"))))
    plan = Plan(Profile("Ana", "female", 45), (
        Day(MONDAY, (Meal("Breakfast", (Entry(OATS, 1, "cup"), Entry(inner, 1, "serving"))),)),
    ), name="Porridge week")
    with db.sessions.begin() as session:
        PlanRepository(session).create(plan)

    with db.sessions() as session:
        repository = RecipeRepository(session)
        assert set(repository.closure([top])) == {top, outer, inner}
        assert repository.dependents([inner]) == [outer, top]
        assert repository.dependents([SPINACH]) == [outer, top]
        assert repository.containers([inner]) == {outer: "Porridge with spinach"}
        (use,) = repository.uses(inner)
        assert repository.uses(top) == []
    assert (use.plan_title, use.date, use.meal, use.position) == (
        "Porridge week", MONDAY, "Breakfast", 2)
    assert str(use) == "Porridge week, 2026-11-23, Breakfast"


def test_same_content_is_found_and_different_content_is_not(db: Database) -> None:
    ref = _create(db, porridge())
    with db.sessions() as session:
        repository = RecipeRepository(session)
        assert repository.same_as(porridge()) == ref
        assert repository.same_as(Recipe(**{**_fields(porridge()), "servings": 3})) is None
        assert repository.same_as(Recipe(**{**_fields(porridge()), "name": "Other"})) is None


def test_delete_removes_every_row(db: Database) -> None:
    ref = _create(db, porridge())
    with db.sessions.begin() as session:
        RecipeRepository(session).delete(ref)
    with db.engine.connect() as connection:
        for table in ("recipe", "recipe_ingredient"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
        assert connection.execute(
            text("SELECT count(*) FROM food WHERE source = 'recipe'")).scalar_one() == 0
        assert connection.execute(
            text("SELECT count(*) FROM portion WHERE food_id = :id"),
            {"id": int(ref.source_id)}).scalar_one() == 0
    with db.sessions() as session:
        assert FoodRepository(session).search("chia porridge") == []
        with pytest.raises(RecipeNotFoundError, match="there is no recipe"):
            RecipeRepository(session).delete(ref)


def test_a_food_in_a_recipe_cannot_be_deleted_under_it(db: Database) -> None:
    _create(db, porridge())
    with db.engine.connect() as connection:
        chia_id = connection.execute(
            text("SELECT id FROM food WHERE source_id = '12006'")).scalar_one()
        with pytest.raises(IntegrityError):
            connection.execute(text("DELETE FROM food WHERE id = :id"), {"id": chia_id})
        connection.rollback()


def test_an_ingredient_not_in_the_database_is_refused(db: Database) -> None:
    recipe = Recipe("Soup", (Ingredient(FoodRef("usda-sr28", "99999"), 1, "g"),))
    with db.sessions.begin() as session, pytest.raises(
            ValueError, match="ingredient 1: unknown food usda:99999"):
        RecipeRepository(session).food_ids([FoodRef("usda-sr28", "99999")], recipe)
