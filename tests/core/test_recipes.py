"""Recipes over the real USDA SR28 foods: totals, yield, coverage, nesting, cycles, expansion.

Every expected figure is written out from the SR28 values per 100 g and portion weights
(the shipped dataset), so "the recipe's totals equal the sum of its ingredients divided by
its yield" is checked against numbers a person can redo by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from nutrient_coverage import core_unknown

from planner.core.analysis import analyze
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import NUTRIENTS
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.recipes import (
    Ingredient,
    Recipe,
    RecipeBook,
    RecipeError,
    check_no_cycles,
    check_recipe,
    dependency_order,
    expand,
    expand_ingredients,
    recipe_food,
    recipe_nutrients,
    unknown_note,
)
from planner.core.shopping import Aisles, build_shopping_list
from planner.core.targets import DriTables
from planner.core.units import grams_for, unit_names
from planner.paths import read_shipped_text

OATS = FoodRef("usda-sr28", "08120")  # Mg 138 mg, vit D 0 µg / 100 g; cup 81 g
MILK = FoodRef("usda-sr28", "01079")  # 2% with vitamin D: Mg 11, vit D 1.2; cup 244 g
PUMPKIN_SEEDS = FoodRef("usda-sr28", "12014")  # Mg 592, vit D 0
ALMONDS = FoodRef("usda-sr28", "12061")  # Mg 270, vit D 0; almond 1.2 g
CHIA = FoodRef("usda-sr28", "12006")  # Mg 335, vitamin D: no value in SR28
CHICKPEAS = FoodRef("usda-sr28", "16057")  # cooked: Mg 48, 164 kcal; cup 164 g
SPINACH = FoodRef("usda-sr28", "11457")  # raw: Mg 79, 23 kcal; cup 30 g
SALMON = FoodRef("usda-sr28", "15076")  # Atlantic, wild, raw: no vitamin D value
UV_MUSHROOMS = FoodRef("usda-sr28", "11998")  # portabella, UV: Mg 10, vit D 28.4; cup 86 g
EGG = FoodRef("usda-sr28", "01123")  # Mg 12, vit D 2.0; large 50 g

OATS_RECIPE = FoodRef("recipe", "1")
CURRY = FoodRef("recipe", "2")
BOWL = FoodRef("recipe", "3")
MONDAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


def overnight_oats(ref: FoodRef | None = OATS_RECIPE) -> Recipe:
    """80 g oats, 1 cup milk (244 g), 30 g pumpkin seeds, 20 almonds (24 g): 2 servings."""
    return Recipe(
        "Overnight oats",
        (Ingredient(OATS, 80, "g"), Ingredient(MILK, 1, "cup"),
         Ingredient(PUMPKIN_SEEDS, 30, "g"), Ingredient(ALMONDS, 20, "almond")),
        servings=2, tags=("breakfast",), ref=ref,
    )


# Oats 80 x 1.38 = 110.4; milk 244 x 0.11 = 26.84; seeds 30 x 5.92 = 177.6;
# almonds 24 x 2.70 = 64.8.
OATS_GRAMS = 80 + 244 + 30 + 24  # 378
OATS_MG = 110.4 + 26.84 + 177.6 + 64.8  # 379.64
OATS_VD = 244 * 1.2 / 100  # 2.928: only the milk has vitamin D

# 2 cups cooked chickpeas (328 g x 0.48 = 157.44 mg) and 6 cups spinach (180 g x 0.79 =
# 142.2 mg), simmered down to 400 g.
CURRY_MG = 157.44 + 142.2  # 299.64
CURRY_KCAL = 328 * 1.64 + 180 * 0.23  # 537.92 + 41.4 = 579.32


def curry(ref: FoodRef | None = CURRY) -> Recipe:
    return Recipe("Chickpea curry",
                  (Ingredient(CHICKPEAS, 2, "cup"), Ingredient(SPINACH, 6, "cup")),
                  servings=4, cooked_grams=400, ref=ref)


# -- totals = sum of the ingredients / yield ---------------------------------------------


def test_totals_are_the_sum_of_the_ingredients_divided_by_the_yield(foods) -> None:
    nutrients = recipe_nutrients(overnight_oats(), foods)

    assert nutrients.total_grams == pytest.approx(OATS_GRAMS)
    assert nutrients.yield_grams == pytest.approx(378.0)
    assert nutrients.totals["magnesium_mg"] == pytest.approx(OATS_MG)
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(OATS_MG / OATS_GRAMS * 100)
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(100.4339, abs=1e-4)
    assert nutrients.per_serving is not None
    assert nutrients.per_serving["magnesium_mg"] == pytest.approx(OATS_MG / 2)  # 189.82
    assert nutrients.per_serving["vitamin_d_ug"] == pytest.approx(OATS_VD / 2)  # 1.464
    assert nutrients.serving_grams == pytest.approx(189.0)
    # Energy: 80 x 3.79 + 244 x 0.50 + 30 x 5.59 + 24 x 5.79 = 303.2 + 122 + 167.7 + 138.96.
    assert nutrients.totals["energy_kcal"] == pytest.approx(731.86)
    assert nutrients.food_count == 4
    # Of the full panel, SR28 lacks fluoride for three of the four foods and starch and
    # trans fat for one: those totals are lower bounds; every other nutrient SR28 measures
    # is complete. The five it never measures (iodine, ...) are unknown for all four.
    unmeasured = {n.key: 4 for n in NUTRIENTS if not n.sr_numbers}
    assert dict(nutrients.unknown) == {"fluoride_mg": 3, "starch_g": 1, "trans_fat_g": 1,
                                       **unmeasured}
    assert unknown_note(nutrients, "vitamin_d_ug") is None


def test_the_cooked_weight_is_the_yield(foods) -> None:
    nutrients = recipe_nutrients(curry(), foods)

    assert nutrients.total_grams == pytest.approx(328 + 180)
    assert nutrients.yield_grams == 400
    # Water boiled off: the same magnesium in 400 g instead of 508 g.
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(CURRY_MG / 400 * 100)  # 74.91
    assert nutrients.per_100g["energy_kcal"] == pytest.approx(CURRY_KCAL / 4)  # 144.83
    assert nutrients.per_serving is not None
    assert nutrients.per_serving["magnesium_mg"] == pytest.approx(CURRY_MG / 4)  # 74.91
    assert nutrients.serving_grams == pytest.approx(100.0)


def test_without_servings_there_is_no_serving(foods) -> None:
    recipe = Recipe("Trail mix", (Ingredient(ALMONDS, 30, "g"), Ingredient(PUMPKIN_SEEDS, 20, "g")),
                    ref=FoodRef("recipe", "7"))
    nutrients = recipe_nutrients(recipe, foods)
    assert nutrients.per_serving is None and nutrients.serving_grams is None
    # (30 x 2.70 + 20 x 5.92) / 50 g x 100 = (81 + 118.4) / 50 x 100 = 398.8
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(398.8)
    food = recipe_food(recipe, nutrients)
    assert food.portions == ()
    assert unit_names(food) == ("g", "kg", "oz", "lb")


# -- unknown values --------------------------------------------------------------------


def test_an_ingredient_without_a_value_is_counted_not_taken_as_zero(foods) -> None:
    recipe = Recipe("Chia oats", (Ingredient(OATS, 40, "g"), Ingredient(CHIA, 15, "g"),
                                  Ingredient(MILK, 1, "cup")), servings=1)
    nutrients = recipe_nutrients(recipe, foods)

    # Vitamin D: the milk's 2.928 µg is known; the chia seeds have no value.
    assert nutrients.totals["vitamin_d_ug"] == pytest.approx(OATS_VD)
    assert nutrients.unknown["vitamin_d_ug"] == 1
    assert nutrients.coverage["vitamin_d_ug"] == pytest.approx(2 / 3)
    assert not nutrients.is_complete("vitamin_d_ug") and nutrients.is_complete("magnesium_mg")
    assert unknown_note(nutrients, "vitamin_d_ug") == "1 of 3 ingredients has no vitamin D value"
    # Magnesium is known for all three: 40 x 1.38 + 15 x 3.35 + 244 x 0.11.
    assert nutrients.totals["magnesium_mg"] == pytest.approx(55.2 + 50.25 + 26.84)


def test_a_value_no_ingredient_has_is_unknown(foods) -> None:
    recipe = Recipe("Salmon", (Ingredient(SALMON, 150, "g"), Ingredient(CHIA, 10, "g")))
    nutrients = recipe_nutrients(recipe, foods)
    assert nutrients.per_100g["vitamin_d_ug"] is None
    assert nutrients.totals["vitamin_d_ug"] is None
    assert nutrients.unknown["vitamin_d_ug"] == 2
    assert unknown_note(nutrients, "vitamin_d_ug") == "2 of 2 ingredients have no vitamin D value"
    # Magnesium: 150 x 0.29 + 10 x 3.35 = 43.5 + 33.5 = 77 in 160 g.
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(77 / 160 * 100)


def test_an_empty_recipe_has_no_values_and_cannot_be_saved(foods) -> None:
    nutrients = recipe_nutrients(Recipe(""), foods)
    assert nutrients.total_grams == 0 and nutrients.food_count == 0
    assert all(value is None for value in nutrients.per_100g.values())
    with pytest.raises(RecipeError, match="needs a name"):
        check_recipe(Recipe(""))
    with pytest.raises(RecipeError, match="at least one ingredient"):
        check_recipe(Recipe("Soup"))


# -- the recipe as a food ----------------------------------------------------------------


def test_the_recipe_as_a_food_has_a_serving_measure(foods) -> None:
    recipe = overnight_oats()
    nutrients = recipe_nutrients(recipe, foods)
    food = recipe_food(recipe, nutrients, food_id=9001)

    assert food.ref == OATS_RECIPE and food.name == "Overnight oats" and food.id == 9001
    assert unit_names(food) == ("g", "kg", "oz", "lb", "serving")
    assert grams_for(food, 1, "serving") == pytest.approx(189.0)
    assert grams_for(food, 2, "servings") == pytest.approx(378.0)
    assert food.value("magnesium_mg") == pytest.approx(OATS_MG / OATS_GRAMS * 100)


def test_a_serving_in_a_meal_adds_the_per_serving_amounts(foods, dri_tables: DriTables) -> None:
    recipe = overnight_oats()
    food = recipe_food(recipe, recipe_nutrients(recipe, foods))
    plan = Plan(Profile("Ana", "female", 45), (
        Day(MONDAY, (Meal("Breakfast", (Entry(OATS_RECIPE, 1, "serving"),)),)),
        Day(MONDAY + timedelta(days=1), (Meal("Lunch", (Entry(OATS_RECIPE, 94.5, "g"),)),)),
    ))
    analysis = analyze(plan, {OATS_RECIPE: food}, Profile("Ana", "female", 45).targets(dri_tables))

    monday, tuesday = analysis.days
    assert monday.totals["magnesium_mg"].value == pytest.approx(OATS_MG / 2)
    assert monday.totals["vitamin_d_ug"].value == pytest.approx(OATS_VD / 2)
    # 94.5 g is a quarter of the 378 g the recipe makes.
    assert tuesday.totals["magnesium_mg"].value == pytest.approx(OATS_MG / 4)


# -- recipes in recipes --------------------------------------------------------------------


def _bowl() -> Recipe:
    """100 g of the curry (a quarter of its 400 g) with 100 g of UV mushrooms; 1 serving."""
    return Recipe("Curry bowl", (Ingredient(CURRY, 100, "g"), Ingredient(UV_MUSHROOMS, 100, "g"),
                                 Ingredient(CHIA, 10, "g")), servings=1, ref=BOWL)


def test_a_recipe_inside_a_recipe_is_computed_from_its_ingredients(foods) -> None:
    recipes = {CURRY: curry(), BOWL: _bowl()}
    nutrients = recipe_nutrients(_bowl(), foods, recipes)

    # A quarter of the curry's magnesium, 100 g x 0.10 of the mushrooms, 10 g x 3.35 chia.
    assert nutrients.totals["magnesium_mg"] == pytest.approx(CURRY_MG / 4 + 10 + 33.5)
    assert nutrients.total_grams == pytest.approx(210)
    assert nutrients.totals["vitamin_d_ug"] == pytest.approx(28.4)
    # Coverage counts foods: the curry's two, the mushrooms and the chia (SR28 has no
    # vitamin D, vitamin K or sugars for chia seeds).
    assert nutrients.food_count == 4
    assert core_unknown(nutrients.unknown) == {"sugars_g": 1, "vitamin_d_ug": 1, "vitamin_k_ug": 1}


def test_a_gap_inside_an_inner_recipe_carries_through(foods) -> None:
    inner = Recipe("Chia pudding", (Ingredient(CHIA, 20, "g"), Ingredient(MILK, 1, "cup")),
                   servings=2, ref=FoodRef("recipe", "10"))
    outer = Recipe("Pudding and oats", (Ingredient(inner.ref, 1, "serving"),
                                        Ingredient(OATS, 40, "g")), ref=FoodRef("recipe", "11"))
    nutrients = recipe_nutrients(outer, foods, {inner.ref: inner})
    # The pudding's vitamin D is partial (chia has none): 1 of its 2 foods, plus the oats.
    assert nutrients.food_count == 3
    assert nutrients.unknown["vitamin_d_ug"] == 1
    assert unknown_note(nutrients, "vitamin_d_ug") == "1 of 3 ingredients has no vitamin D value"
    # One serving is half the pudding: (20 x 3.35 + 26.84) / 2 magnesium, + 40 x 1.38.
    assert nutrients.totals["magnesium_mg"] == pytest.approx((67 + 26.84) / 2 + 55.2)


def test_a_stored_recipe_not_given_counts_as_one_food(foods) -> None:
    curry_food = recipe_food(curry(), recipe_nutrients(curry(), foods))
    with_food = {**foods, CURRY: curry_food}
    nutrients = recipe_nutrients(_bowl(), with_food)  # no recipes: the curry is a food
    assert nutrients.totals["magnesium_mg"] == pytest.approx(CURRY_MG / 4 + 10 + 33.5)
    assert nutrients.food_count == 3


def test_a_recipe_cannot_contain_itself(foods) -> None:
    a = Recipe("A", (Ingredient(FoodRef("recipe", "b"), 50, "g"),), ref=FoodRef("recipe", "a"))
    b = Recipe("B", (Ingredient(OATS, 50, "g"), Ingredient(FoodRef("recipe", "a"), 10, "g")),
               ref=FoodRef("recipe", "b"))
    recipes = {a.ref: a, b.ref: b}
    with pytest.raises(RecipeError, match=r"contains itself: [AB] -> [AB] -> [AB]") as caught:
        check_no_cycles(recipes)
    assert caught.value.position is not None
    with pytest.raises(RecipeError, match="contains itself: A -> B -> A"):
        recipe_nutrients(a, foods, recipes)
    loop = FoodRef("recipe", "x")
    itself = Recipe("Loop", (Ingredient(loop, 1, "g"),), ref=loop)
    with pytest.raises(RecipeError, match="cannot contain itself"):
        check_recipe(itself)
    with pytest.raises(RecipeError, match="recipe 'Loop', ingredient 1: contains itself"):
        recipe_nutrients(itself, foods, {itself.ref: itself})


def test_dependency_order_puts_inner_recipes_first() -> None:
    recipes = {BOWL: _bowl(), CURRY: curry()}
    assert dependency_order(recipes) == [CURRY, BOWL]


# -- errors name the recipe and the ingredient ----------------------------------------------


def test_errors_name_the_recipe_and_the_ingredient(foods) -> None:
    unknown = Recipe("Soup", (Ingredient(OATS, 10, "g"), Ingredient(FoodRef("usda-sr28", "99999"),
                                                                    1, "g")))
    with pytest.raises(RecipeError, match=r"recipe 'Soup', ingredient 2: unknown food usda:99999"):
        recipe_nutrients(unknown, foods)
    bad_unit = Recipe("Soup", (Ingredient(SPINACH, 1, "slice"),))
    with pytest.raises(RecipeError, match=r"recipe 'Soup', ingredient 1: Spinach, raw "
                                          r"\(usda:11457\) has no unit 'slice'") as caught:
        recipe_nutrients(bad_unit, foods)
    assert caught.value.position == 1
    with pytest.raises(RecipeError, match="amount must be more than zero, got -2"):
        Ingredient(OATS, -2, "g")
    with pytest.raises(RecipeError, match="servings must be more than zero"):
        Recipe("Soup", servings=0)
    with pytest.raises(RecipeError, match="cooked weight must be more than zero"):
        Recipe("Soup", cooked_grams=-5)
    with pytest.raises(RecipeError, match="not a recipe reference"):
        Recipe("Soup", ref=OATS)


def test_tags_are_tidied_and_editing_returns_copies() -> None:
    recipe = Recipe("Soup", tags=(" winter ", "Winter", "quick  lunch", ""))
    assert recipe.tags == ("winter", "quick lunch")
    edited = (recipe.add_ingredient(Ingredient(OATS, 1, "cup"))
              .add_ingredient(Ingredient(MILK, 1, "cup")))
    assert [i.food for i in edited.move_ingredient(1, 0).ingredients] == [MILK, OATS]
    assert edited.replace_ingredient(0, Ingredient(OATS, 2, "cup")).ingredients[0].amount == 2
    assert edited.remove_ingredient(0).ingredients == (Ingredient(MILK, 1, "cup"),)
    assert recipe.ingredients == ()
    with pytest.raises(RecipeError, match="no ingredient at position 3"):
        edited.remove_ingredient(2)


# -- expansion ---------------------------------------------------------------------------


def test_expand_scales_the_ingredients_by_grams_used_over_yield(foods) -> None:
    # One serving (189 g) of a 2-serving recipe is half of every ingredient.
    parts = expand(189.0, overnight_oats(), foods)
    assert [ref for ref, _ in parts] == [OATS, MILK, PUMPKIN_SEEDS, ALMONDS]
    assert [grams for _, grams in parts] == pytest.approx([40, 122, 15, 12])
    # 100 g of the curry is a quarter of its 400 g cooked yield.
    assert expand(100.0, curry(), foods) == [(CHICKPEAS, pytest.approx(82.0)),
                                             (SPINACH, pytest.approx(45.0))]


def test_expand_goes_into_recipes_inside(foods) -> None:
    recipes = {CURRY: curry(), BOWL: _bowl()}
    # Half the bowl (105 g of 210 g): 50 g of curry (an eighth of it), 50 g mushrooms, 5 g chia.
    parts = expand_ingredients(105.0, _bowl(), foods, recipes)
    assert [(item.food, item.unit) for item, _ in parts] == [
        (CHICKPEAS, "cup"), (SPINACH, "cup"), (UV_MUSHROOMS, "g"), (CHIA, "g")]
    assert [grams for _, grams in parts] == pytest.approx([328 / 8, 180 / 8, 50, 5])


def test_a_book_computes_each_recipe_once(foods) -> None:
    book = RecipeBook({CURRY: curry(), BOWL: _bowl()}, foods)
    first = book.nutrients(book.recipes[CURRY])
    assert book.nutrients(book.recipes[CURRY]) is first
    food = book.food(CURRY)
    assert food is not None and grams_for(food, 1, "serving") == pytest.approx(100.0)
    assert book.food(OATS) is foods[OATS]


# -- the shopping list buys ingredients -------------------------------------------------------


def test_the_shopping_list_expands_recipes_into_their_ingredients(foods) -> None:
    recipe = overnight_oats()
    recipes = {OATS_RECIPE: recipe, CURRY: curry()}
    book = RecipeBook(recipes, foods)
    with_recipes = {**foods, OATS_RECIPE: book.food(OATS_RECIPE), CURRY: book.food(CURRY)}
    days = (
        Day(MONDAY, (Meal("Breakfast", (Entry(OATS_RECIPE, 1, "serving"),
                                        Entry(OATS, 50, "g"))),
                     Meal("Dinner", (Entry(CURRY, 2, "serving"),)))),
        Day(MONDAY + timedelta(days=1), (Meal("Breakfast", (Entry(OATS_RECIPE, 1, "serving"),)),)),
    )
    plan = Plan(Profile("Ana", "female", 45), days)
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))
    sl = build_shopping_list(plan, with_recipes, aisles, recipes=recipes)

    grams = {item.food: item.grams for item in sl.items}
    assert set(grams) == {OATS, MILK, PUMPKIN_SEEDS, ALMONDS, CHICKPEAS, SPINACH}
    # Two servings of oats (40 g each) and the 50 g eaten plain.
    assert grams[OATS] == pytest.approx(130.0)
    assert grams[MILK] == pytest.approx(244.0)
    # Two servings of the curry are 200 g of 400 g: half the chickpeas and spinach.
    assert grams[CHICKPEAS] == pytest.approx(164.0)
    assert grams[SPINACH] == pytest.approx(90.0)
    # Milk is bought by the litre: 244 g, one cup, is 0.24 l, rounded up to 0.3 l.
    milk = next(item for item in sl.items if item.food == MILK)
    assert milk.display == "0.3 l reduced fat milk"
    assert sl.nutrition is not None
    assert sl.nutrition.magnesium_mg == pytest.approx(OATS_MG + 50 * 1.38 + CURRY_MG / 2)
    assert sl.notes == ()

    # Cooking for two doubles every ingredient.
    doubled = build_shopping_list(plan, with_recipes, aisles, factor=2,
                                  recipes=recipes)
    assert {i.food: i.grams for i in doubled.items}[CHICKPEAS] == pytest.approx(328.0)


def test_without_its_recipe_a_recipe_is_bought_as_the_dish(foods) -> None:
    recipe = overnight_oats()
    food = recipe_food(recipe, recipe_nutrients(recipe, foods))
    plan = Plan(Profile("Ana", "female", 45),
                (Day(MONDAY, (Meal("Breakfast", (Entry(OATS_RECIPE, 1, "serving"),)),)),))
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))
    sl = build_shopping_list(plan, {OATS_RECIPE: food}, aisles)
    (item,) = sl.items
    assert item.food == OATS_RECIPE and item.grams == pytest.approx(189.0)


def test_a_recipe_that_cannot_be_expanded_is_listed_with_a_note(foods) -> None:
    broken = Recipe("Soup", (Ingredient(FoodRef("usda-sr28", "99999"), 100, "g"),), servings=1,
                    ref=FoodRef("recipe", "5"))
    food = Food(broken.ref, "Soup", None, foods[OATS].nutrients,
                recipe_food(overnight_oats(), recipe_nutrients(overnight_oats(), foods)).portions)
    plan = Plan(Profile("Ana", "female", 45),
                (Day(MONDAY, (Meal("Lunch", (Entry(broken.ref, 1, "serving"),)),)),))
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))
    sl = build_shopping_list(plan, {broken.ref: food}, aisles,
                             recipes={broken.ref: broken})
    (item,) = sl.items
    assert item.food == broken.ref and item.grams == pytest.approx(189.0)
    (note,) = sl.notes
    assert "listed as the dish" in note and "unknown food usda:99999" in note
