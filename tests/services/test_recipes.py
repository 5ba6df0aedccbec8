"""Recipe use cases over the real USDA database (SQLite, and PostgreSQL when set up).

The acceptance checks of the recipe issue: a recipe's values are the sum of its
ingredients divided by its yield (SR28 figures written out below), and editing an
ingredient changes every plan total that uses the recipe, through recipes inside recipes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text

from planner import paths
from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.recipes import Ingredient, Recipe, RecipeError
from planner.core.rules import VITD_HIGH_MG_LOW
from planner.db.foods import FoodRepository
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.services.recipes import (
    RecipeInUseError,
    RecipeNotFoundError,
    RecipeService,
)
from planner.services.shopping import ShoppingService
from planner.sources.plan_file import PlanFileError

OATS = FoodRef("usda-sr28", "08120")  # Mg 138 / 100 g; cup 81 g
MILK = FoodRef("usda-sr28", "01079")  # 2% with vitamin D: Mg 11, vit D 1.2; cup 244 g
CHIA = FoodRef("usda-sr28", "12006")  # Mg 335; no vitamin D value in SR28
PUMPKIN_SEEDS = FoodRef("usda-sr28", "12014")  # Mg 592
SPINACH = FoodRef("usda-sr28", "11457")  # Mg 79; cup 30 g
MONDAY = dt.date(2026, 11, 23)
TABLES = ("food", "portion", "recipe", "recipe_ingredient", "plan", "entry")

#: 1 cup oats (81 g x 1.38 = 111.78 mg), 1 cup milk (244 g x 0.11 = 26.84 mg) and 15 g chia
#: (15 x 3.35 = 50.25 mg): 340 g in 2 servings of 170 g.
PORRIDGE_G = 81 + 244 + 15
PORRIDGE_MG = 111.78 + 26.84 + 50.25  # 188.87
PORRIDGE_VD = 244 * 1.2 / 100  # 2.928 (the chia has no value)
#: The same with 30 g pumpkin seeds (30 x 5.92 = 177.6 mg) for the chia: 355 g.
SEED_PORRIDGE_G = 81 + 244 + 30
SEED_PORRIDGE_MG = 111.78 + 26.84 + 177.6  # 316.22
SPINACH_CUP_MG = 30 * 0.79  # 23.7


def porridge() -> Recipe:
    return Recipe("Chia porridge", (Ingredient(OATS, 1, "cup"), Ingredient(MILK, 1, "cup"),
                                    Ingredient(CHIA, 15, "g")), servings=2, tags=("breakfast",))


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in TABLES}


@pytest.fixture
def recipes(db: Database) -> RecipeService:
    return RecipeService(db)


@pytest.fixture
def plans(db: Database) -> PlanService:
    return PlanService(db)


# -- values --------------------------------------------------------------------------------


def test_create_stores_the_values_derived_from_the_ingredients(recipes: RecipeService) -> None:
    saved = recipes.create(porridge())
    nutrients = saved.nutrients

    assert saved.ref.source == "recipe"
    assert nutrients.total_grams == pytest.approx(PORRIDGE_G)
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(PORRIDGE_MG / PORRIDGE_G * 100)
    assert nutrients.per_serving is not None
    assert nutrients.per_serving["magnesium_mg"] == pytest.approx(PORRIDGE_MG / 2)  # 94.435
    assert nutrients.per_serving["vitamin_d_ug"] == pytest.approx(PORRIDGE_VD / 2)  # 1.464
    assert nutrients.unknown["vitamin_d_ug"] == 1
    assert saved.food.value("magnesium_mg") == nutrients.per_100g["magnesium_mg"]
    assert saved.foods[CHIA].name == "Seeds, chia seeds, dried"

    again = recipes.get(str(saved.ref))
    assert again.recipe == saved.recipe
    assert again.nutrients == nutrients
    assert again.food == saved.food
    (summary,) = recipes.list()
    assert summary.per_serving("magnesium_mg") == pytest.approx(PORRIDGE_MG / 2)


def test_live_totals_of_a_draft_store_nothing(db: Database, recipes: RecipeService) -> None:
    before = _counts(db)
    draft = Recipe("", (Ingredient(OATS, 1, "cup"),))
    assert recipes.nutrients(draft).totals["magnesium_mg"] == pytest.approx(111.78)
    draft = draft.add_ingredient(Ingredient(MILK, 1, "cup"))
    assert recipes.nutrients(draft).totals["magnesium_mg"] == pytest.approx(111.78 + 26.84)
    with pytest.raises(RecipeError, match=r"ingredient 3: Spinach, raw \(usda:11457\) has no "
                                          r"unit 'slice'"):
        recipes.nutrients(draft.add_ingredient(Ingredient(SPINACH, 1, "slice")))
    assert _counts(db) == before


def test_a_recipe_is_refused_before_anything_is_stored(db: Database,
                                                       recipes: RecipeService) -> None:
    before = _counts(db)
    with pytest.raises(RecipeError, match="needs a name"):
        recipes.create(Recipe(" ", (Ingredient(OATS, 1, "cup"),)))
    with pytest.raises(RecipeError, match="unknown food usda:99999"):
        recipes.create(Recipe("Soup", (Ingredient(FoodRef("usda-sr28", "99999"), 1, "g"),)))
    with pytest.raises(RecipeNotFoundError, match="there is no recipe recipe:12345"):
        recipes.get("recipe:12345")
    assert _counts(db) == before


# -- editing updates every plan that uses the recipe -----------------------------------------


def _porridge_week(recipes: RecipeService, plans: PlanService) -> tuple[Any, Any, Any]:
    inner = recipes.create(porridge())
    outer = recipes.create(Recipe("Porridge bowl", (Ingredient(inner.ref, 1, "serving"),
                                                    Ingredient(SPINACH, 1, "cup"))))
    plan = Plan(Profile("Ana", "female", 45), (
        Day(MONDAY, (Meal("Breakfast", (Entry(inner.ref, 1, "serving"),)),
                     Meal("Lunch", (Entry(outer.ref, 200, "g"),)))),
    ), name="Porridge week")
    return inner, outer, plans.create(plan)


def test_editing_an_ingredient_updates_every_plan_total_that_uses_the_recipe(
    recipes: RecipeService, plans: PlanService
) -> None:
    inner, outer, week = _porridge_week(recipes, plans)
    # The bowl is one serving of porridge (170 g) and a cup of spinach: 200 g, all of it eaten.
    monday = plans.analyze(week.plan).day(MONDAY).totals["magnesium_mg"]
    assert monday.value == pytest.approx(PORRIDGE_MG / 2 + (PORRIDGE_MG / 2 + SPINACH_CUP_MG))
    assert (monday.known, monday.unknown) == (2, 0)

    # Pumpkin seeds instead of chia: the porridge and the bowl that holds it both change.
    edited = inner.recipe.replace_ingredient(2, Ingredient(PUMPKIN_SEEDS, 30, "g"))
    updated = recipes.update(edited)
    assert updated.dependents == (outer.ref,)
    assert updated.nutrients.per_serving is not None
    assert updated.nutrients.per_serving["magnesium_mg"] == pytest.approx(SEED_PORRIDGE_MG / 2)

    bowl = recipes.get(outer.ref)
    bowl_grams = SEED_PORRIDGE_G / 2 + 30  # 207.5
    assert bowl.nutrients.total_grams == pytest.approx(bowl_grams)
    bowl_mg = SEED_PORRIDGE_MG / 2 + SPINACH_CUP_MG  # 181.81
    assert bowl.food.value("magnesium_mg") == pytest.approx(bowl_mg / bowl_grams * 100)
    # What the window shows after reloading the plan's foods: the new values.
    monday = plans.analyze(plans.get(week.id).plan).day(MONDAY).totals["magnesium_mg"]
    assert monday.value == pytest.approx(SEED_PORRIDGE_MG / 2 + bowl_mg * 200 / bowl_grams)
    # The stored bowl row was recomputed in the same transaction, not just on reading.
    with recipes.db.sessions() as session:
        stored = FoodRepository(session).get(outer.ref)
    assert stored is not None
    assert stored.value("magnesium_mg") == pytest.approx(bowl_mg / bowl_grams * 100)
    assert stored.portions == ()


def test_an_edit_that_makes_a_loop_is_refused(recipes: RecipeService,
                                              plans: PlanService) -> None:
    inner, outer, _week = _porridge_week(recipes, plans)
    loop = inner.recipe.add_ingredient(Ingredient(outer.ref, 10, "g"))
    with pytest.raises(RecipeError, match="contains itself: Chia porridge -> Porridge bowl -> "
                                          "Chia porridge"):
        recipes.update(loop)
    assert recipes.get(inner.ref).recipe == inner.recipe


# -- duplicate and delete ----------------------------------------------------------------------


def test_duplicate_copies_the_content_under_a_new_reference(recipes: RecipeService) -> None:
    original = recipes.create(porridge())
    copy = recipes.duplicate(original.ref)
    assert copy.ref != original.ref and copy.recipe.name == "Chia porridge (copy)"
    assert copy.recipe.ingredients == original.recipe.ingredients
    assert copy.nutrients == original.nutrients
    named = recipes.duplicate(original.ref, "Weekend porridge")
    assert named.recipe.name == "Weekend porridge"
    assert [s.name for s in recipes.list()] == [
        "Chia porridge", "Chia porridge (copy)", "Weekend porridge"]


def test_delete_is_refused_while_a_plan_or_recipe_uses_it(
    db: Database, recipes: RecipeService, plans: PlanService
) -> None:
    inner, outer, week = _porridge_week(recipes, plans)
    before = _counts(db)
    with pytest.raises(RecipeInUseError) as caught:
        recipes.delete(inner.ref)
    error = caught.value
    assert [str(use) for use in error.uses.entries] == ["Porridge week, 2026-11-23, Breakfast"]
    assert dict(error.uses.recipes) == {outer.ref: "Porridge bowl"}
    assert str(error) == (
        "recipe 'Chia porridge': it is used in Porridge week, 2026-11-23, Breakfast and in "
        "the recipe 'Porridge bowl'; remove it there first")
    with pytest.raises(RecipeInUseError, match="used in Porridge week, 2026-11-23, Lunch;"):
        recipes.delete(outer.ref)
    assert _counts(db) == before
    assert recipes.uses(inner.ref) == error.uses

    plans.delete(week.id)
    deleted = recipes.delete(outer.ref)
    assert deleted.name == "Porridge bowl"
    assert recipes.delete(inner.ref) == inner.recipe
    assert recipes.list() == []
    with pytest.raises(RecipeNotFoundError):
        recipes.delete(inner.ref)
    # Undo of the deletes (last first): each comes back under its old reference.
    assert recipes.restore(inner.recipe).ref == inner.ref
    restored = recipes.restore(deleted)
    assert restored.ref == outer.ref == deleted.ref
    assert recipes.get(outer.ref).nutrients == outer.nutrients
    # A new recipe never gets the reference a deleted one had.
    recipes.delete(outer.ref)
    again = recipes.create(deleted)
    assert again.nutrients == outer.nutrients
    assert int(again.ref.source_id) > int(outer.ref.source_id)


# -- files -------------------------------------------------------------------------------------


def test_export_and_import_a_recipes_file(db: Database, recipes: RecipeService) -> None:
    inner = recipes.create(porridge())
    outer = recipes.create(Recipe("Porridge bowl", (Ingredient(inner.ref, 1, "serving"),
                                                    Ingredient(SPINACH, 1, "cup"))))
    exported = recipes.export_text([str(outer.ref)])
    data = json.loads(exported)
    assert data["format"] == "planner.recipes/1"
    # The recipe inside comes along, so the file is complete.
    assert [r["id"] for r in data["recipes"]] == [str(inner.ref), str(outer.ref)]
    assert data["recipes"][1]["ingredients"][0] == {
        "food": str(inner.ref), "amount": 1, "unit": "serving"}

    before = _counts(db)
    imported = recipes.import_text(exported)
    assert imported.created == () and dict(imported.refs) == {inner.ref: inner.ref,
                                                               outer.ref: outer.ref}
    assert _counts(db) == before

    # Under other ids (another machine's), the content decides: nothing new either.
    renamed = exported.replace(str(inner.ref), "recipe:a").replace(str(outer.ref), "recipe:b")
    assert recipes.import_text(renamed).created == ()
    # A changed recipe is new, and the recipe using it too (its ingredient changed).
    changed = renamed.replace('"servings": 2', '"servings": 3')
    created = recipes.import_text(changed).created
    assert len(created) == 2
    bowl = recipes.get(created[1])
    assert bowl.recipe.ingredients[0].food == created[0]
    # One serving is now a third of 340 g.
    assert bowl.nutrients.total_grams == pytest.approx(PORRIDGE_G / 3 + 30)


def test_a_broken_recipes_file_stores_nothing(db: Database, recipes: RecipeService) -> None:
    before = _counts(db)
    text_ = json.dumps({"format": "planner.recipes/1", "recipes": [
        {"id": "recipe:1", "name": "Good", "ingredients": [
            {"food": "usda:08120", "amount": 1, "unit": "cup"}]},
        {"id": "recipe:2", "name": "Bad", "ingredients": [
            {"food": "usda:11457", "amount": 1, "unit": "slice"}]}]})
    with pytest.raises(PlanFileError, match=r"recipe 2 \('Bad'\), ingredient 1: Spinach, raw"):
        recipes.import_text(text_)
    assert _counts(db) == before


def test_a_plan_file_carries_its_recipes(db: Database, recipes: RecipeService,
                                         plans: PlanService) -> None:
    _inner, _outer, week = _porridge_week(recipes, plans)
    exported = plans.export_text(week.id)
    data = json.loads(exported)
    assert [r["name"] for r in data["recipes"]] == ["Chia porridge", "Porridge bowl"]

    # On another machine the ids differ; the file says which recipe each entry is.
    other_ids = exported
    for number, recipe in enumerate(data["recipes"], 1):
        other_ids = other_ids.replace(f'"{recipe["id"]}"', f'"recipe:other-{number}"')
    loaded = plans.load_file_text(other_ids)
    analysis = plans.analyze(loaded.plan, dict(loaded.foods))
    assert analysis.day(MONDAY).totals["magnesium_mg"].value == pytest.approx(
        PORRIDGE_MG + SPINACH_CUP_MG)

    before = _counts(db)
    imported = plans.import_text(other_ids)
    after = _counts(db)
    # Same content: the stored recipes are reused, only the plan is new.
    assert (after["recipe"], after["food"]) == (before["recipe"], before["food"])
    assert after["plan"] == before["plan"] + 1
    assert plans.export_text(imported.id) == exported


def test_a_plan_file_with_a_broken_recipe_stores_nothing(db: Database,
                                                          plans: PlanService) -> None:
    before = _counts(db)
    text_ = json.dumps({
        "format": "planner.plan/1",
        "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
        "days": [{"date": "2026-11-23", "meals": [{"name": "Lunch", "entries": [
            {"food": "recipe:x", "amount": 1, "unit": "serving"}]}]}],
        "recipes": [{"id": "recipe:x", "name": "Loop", "servings": 1, "ingredients": [
            {"food": "usda:08120", "amount": 1, "unit": "cup"},
            {"food": "recipe:x", "amount": 5, "unit": "g"}]}],
    })
    with pytest.raises(PlanFileError, match=r"recipe 1 \('Loop'\), ingredient 2: a recipe "
                                            r"cannot contain itself"):
        plans.import_text(text_)
    assert _counts(db) == before


# -- shopping -----------------------------------------------------------------------------


def test_the_shopping_list_of_a_stored_plan_buys_the_ingredients(
    recipes: RecipeService, plans: PlanService
) -> None:
    inner, outer, week = _porridge_week(recipes, plans)
    shopping = ShoppingService(recipes.db)
    for foods in (None, plans.foods_for(week.plan)):  # the database's, or the window's
        sl = shopping.build(week.plan, foods, MONDAY, MONDAY)
        grams = {item.food: item.grams for item in sl.items}
        # Breakfast: half the porridge. Lunch: all of the bowl = half the porridge + spinach.
        assert grams == pytest.approx({OATS: 81.0, MILK: 244.0, CHIA: 15.0, SPINACH: 30.0})
        assert sl.nutrition is not None
        assert sl.nutrition.magnesium_mg == pytest.approx(PORRIDGE_MG + SPINACH_CUP_MG)

    # A plan file's own recipes are expanded when given; without them, never confused.
    loaded = plans.load_file_text(plans.export_text(week.id).replace(
        str(inner.ref), "recipe:p").replace(str(outer.ref), "recipe:q"))
    sl = shopping.build(loaded.plan, dict(loaded.foods), recipes=loaded.recipe_map)
    assert {item.food for item in sl.items} == {OATS, MILK, CHIA, SPINACH}
    as_dishes = shopping.build(loaded.plan, dict(loaded.foods))
    assert {item.food for item in as_dishes.items} == {FoodRef("recipe", "p"),
                                                       FoodRef("recipe", "q")}


def test_recompute_after_a_food_changed(recipes: RecipeService) -> None:
    inner = recipes.create(porridge())
    outer = recipes.create(Recipe("Porridge bowl", (Ingredient(inner.ref, 1, "serving"),
                                                    Ingredient(SPINACH, 1, "cup"))))
    with recipes.db.sessions.begin() as session:
        repository = FoodRepository(session)
        chia = repository.get(CHIA)
        assert chia is not None
        values = {**chia.nutrients, "vitamin_d_ug": 1.0}  # a new release gains a value
        repository.store_foods([replace(chia, nutrients=values)])
    assert set(recipes.recompute([CHIA])) == {inner.ref, outer.ref}
    porridge_vd = PORRIDGE_VD + 15 * 1.0 / 100
    saved = recipes.get(inner.ref)
    assert saved.food.value("vitamin_d_ug") == pytest.approx(porridge_vd / PORRIDGE_G * 100)
    assert recipes.list()[0].unknown.get("vitamin_d_ug", 0) == 0


# -- the samples that ship ----------------------------------------------------------------------


def test_the_sample_recipes_resolve_and_are_created_once(db: Database,
                                                         recipes: RecipeService) -> None:
    created = recipes.ensure_samples()
    assert len(created) == 6
    assert recipes.ensure_samples() == ()
    by_name = {s.name: s for s in recipes.list()}
    assert sorted(by_name) == [
        "Black bean and avocado bowl", "Mackerel on whole-wheat toast",
        "Mushroom omelette with UV mushrooms", "Overnight oats with pumpkin seeds and almonds",
        "Salmon with quinoa and greens", "Spinach and chickpea curry"]
    omelette = recipes.get(by_name["Mushroom omelette with UV mushrooms"].ref)
    # 3 large eggs (150 g x 2.0 µg/100 g) + 1 cup UV portabella (86 g x 28.4) + 1 fl oz milk
    # (30.5 g x 1.2) + 20 g cheddar (x 0.6); butter and spinach have none: 27.91 µg.
    vitamin_d = 3.0 + 24.424 + 0.366 + 0.12
    assert omelette.nutrients.per_serving is not None
    assert omelette.nutrients.per_serving["vitamin_d_ug"] == pytest.approx(vitamin_d)
    assert omelette.nutrients.per_100g["vitamin_d_ug"] == pytest.approx(vitamin_d / 280 * 100)
    curry = recipes.get(by_name["Spinach and chickpea curry"].ref)
    # 2 cups chickpeas 157.44 + 6 cups spinach 142.2 + 1 can tomatoes 19 + 1/2 cup coconut
    # milk 51.98 + 1 medium onion 11 + 3 cloves garlic 2.25 + 2 tsp ginger 1.72 + 1 tbsp
    # curry powder 16.065 + olive oil 0 mg, in 4 servings.
    curry_mg = 157.44 + 142.2 + 19 + 51.98 + 11 + 2.25 + 1.72 + 16.065
    assert curry.nutrients.per_serving is not None
    assert curry.nutrients.per_serving["magnesium_mg"] == pytest.approx(curry_mg / 4)
    assert curry.nutrients.yield_grams == 850
    oats = by_name["Overnight oats with pumpkin seeds and almonds"]
    assert (oats.food_count, oats.unknown["vitamin_d_ug"]) == (7, 1)  # chia: no value

    # A deleted sample is not brought back.
    recipes.delete(created[0])
    assert recipes.ensure_samples() == ()
    assert len(recipes.list()) == 5
    assert json.loads(paths.read_shipped_text("recipes.json"))["format"] == "planner.recipes/1"


def test_a_new_user_gets_the_samples_and_the_demo_week(recipes: RecipeService,
                                                       plans: PlanService) -> None:
    demo = plans.ensure_demo(dt.date(2026, 11, 25))
    assert demo is not None
    assert len(recipes.list()) == 6
    analysis = plans.analyze(demo.plan)
    for day in analysis.days:
        assert VITD_HIGH_MG_LOW in [finding.code for finding in day.findings]


def test_a_food_reimport_recomputes_the_recipes_made_of_it(db, usda_dir) -> None:
    """After a new USDA release the recipes show the new values (same transaction)."""
    from sqlalchemy import text

    from planner.services.foods import FoodService

    service = RecipeService(db)
    service.ensure_samples()
    summary = next(r for r in service.list() if r.name.startswith("Spinach and chickpea"))
    expected = service.get(summary.ref).nutrients.per_100g["magnesium_mg"]

    def stored() -> float:
        with db.engine.connect() as connection:
            return float(connection.execute(
                text("SELECT magnesium_mg FROM food WHERE source = 'recipe' AND source_id = :i"),
                {"i": summary.ref.source_id},
            ).scalar_one())

    assert stored() == pytest.approx(expected)
    with db.engine.begin() as connection:  # the stored value goes stale
        connection.execute(text("UPDATE food SET magnesium_mg = 0 WHERE source = 'recipe'"))
    assert stored() == 0
    FoodService(db).import_usda(usda_dir)
    assert stored() == pytest.approx(expected)
