"""Recipe graphs, fuzzed: random DAGs, loops, deep chains and heavily shared recipes.

The :class:`RecipeBook` walks recipes with an explicit stack and computes each once; a
small recursive reference here (fine for graphs of a few levels) says what the answers
must be. Deep chains and the 34-recipe graph in which each recipe uses the previous two
(2**24 paths from top to bottom) must compute, expand and shop without recursion, in
time linear in the graph.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.bounds import RECIPE_DEPTH
from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.recipes import (
    Ingredient,
    Recipe,
    RecipeBook,
    RecipeError,
    dependency_order,
    expand,
)
from planner.core.shopping import Aisles, build_shopping_list
from planner.paths import read_shipped_text

graphs = settings(max_examples=60, deadline=None, database=None, derandomize=True)


def _food(number: int, magnesium: float | None, vitamin_d: float | None) -> Food:
    return Food(FoodRef("user", str(number)), f"Food {number}", None,
                nutrient_map({"magnesium_mg": magnesium, "vitamin_d_ug": vitamin_d,
                              "energy_kcal": 100.0}),
                (Portion(1.0, "cup", 30.0 + number),))


FOODS = {food.ref: food for food in (
    _food(n, None if n % 4 == 3 else 10.0 * (n + 1), None if n % 3 == 2 else 0.5 * n)
    for n in range(8)
)}
FOOD_REFS = sorted(FOODS)


def _ref(number: int) -> FoodRef:
    return FoodRef("recipe", str(number))


@st.composite
def dags(draw: st.DrawFn, size: int = 9) -> dict[FoodRef, Recipe]:
    """Recipes 0..n-1; recipe k may use foods and any recipe below k (so no loop)."""
    recipes: dict[FoodRef, Recipe] = {}
    for number in range(draw(st.integers(1, size))):
        choices = st.sampled_from(FOOD_REFS)
        if number:
            choices = choices | st.sampled_from([_ref(n) for n in range(number)])
        items = draw(st.lists(st.tuples(choices, st.sampled_from([10.0, 55.5, 200.0]),
                                        st.booleans()), min_size=1, max_size=4))
        ingredients = tuple(
            Ingredient(ref, amount, "cup" if cup and ref.source == "user" else "g")
            for ref, amount, cup in items)
        recipes[_ref(number)] = Recipe(
            f"Recipe {number}", ingredients,
            servings=draw(st.sampled_from([None, 0.1, 2.0, 1000.0])),
            cooked_grams=draw(st.sampled_from([None, None, 1.0, 50.0, 100_000.0])),
            ref=_ref(number))
    return recipes


# -- a recursive reference, for small graphs --------------------------------------------


def _grams(ingredient: Ingredient, recipes: Mapping[FoodRef, Recipe]) -> float:
    if ingredient.food in recipes:
        return ingredient.amount  # recipes are used by grams here
    portion = FOODS[ingredient.food].portions[0]
    return ingredient.amount * (portion.grams if ingredient.unit == "cup" else 1.0)


def _yield(recipe: Recipe, recipes: Mapping[FoodRef, Recipe]) -> float:
    if recipe.cooked_grams is not None:
        return recipe.cooked_grams
    return sum(_grams(item, recipes) for item in recipe.ingredients)


def _leaves(recipe: Recipe, grams: float,
            recipes: Mapping[FoodRef, Recipe]) -> dict[FoodRef, float]:
    """Every path to a food, summed: exponential, and what expansion must equal."""
    found: dict[FoodRef, float] = {}
    scale = grams / _yield(recipe, recipes)
    for item in recipe.ingredients:
        weight = _grams(item, recipes) * scale
        if item.food in recipes:
            for ref, inner in _leaves(recipes[item.food], weight, recipes).items():
                found[ref] = found.get(ref, 0.0) + inner
        else:
            found[item.food] = found.get(item.food, 0.0) + weight
    return found


def _foods_in(recipe: Recipe, recipes: Mapping[FoodRef, Recipe]) -> int:
    return sum(_foods_in(recipes[i.food], recipes) if i.food in recipes else 1
               for i in recipe.ingredients)


def _by_food(pairs: list[tuple[FoodRef, float]]) -> dict[FoodRef, float]:
    summed: dict[FoodRef, float] = {}
    for ref, grams in pairs:
        summed[ref] = summed.get(ref, 0.0) + grams
    return summed


def _check_book(recipes: dict[FoodRef, Recipe]) -> None:
    order = dependency_order(recipes)
    assert sorted(order) == sorted(recipes)
    for position, ref in enumerate(order):  # inner recipes first
        assert all(item.food not in recipes or order.index(item.food) < position
                   for item in recipes[ref].ingredients)
    book = RecipeBook(recipes, FOODS)
    for ref, recipe in recipes.items():
        try:
            nutrients = book.nutrients(book.recipes[ref])
        except RecipeError as error:
            # Only a cooked weight too small for what goes in is refused.
            assert "too small for its ingredients" in str(error)
            continue
        leaves = _leaves(recipe, nutrients.yield_grams, recipes)
        assert nutrients.food_count == _foods_in(recipe, recipes)
        magnesium = [FOODS[r].value("magnesium_mg") for r in leaves]
        if any(value is not None for value in magnesium):
            expected = sum((FOODS[r].value("magnesium_mg") or 0.0) * g / 100
                           for r, g in leaves.items())
            assert nutrients.totals["magnesium_mg"] == pytest.approx(expected, rel=1e-9)
        for key in NUTRIENT_KEYS:
            for values in (nutrients.totals, nutrients.per_100g, nutrients.per_serving or {}):
                value = values.get(key)
                assert value is None or math.isfinite(value)
        expanded = _by_food(expand(nutrients.yield_grams, recipe, FOODS, recipes))
        assert expanded.keys() == leaves.keys()
        for food_ref, grams in leaves.items():
            assert expanded[food_ref] == pytest.approx(grams, rel=1e-9)


@graphs
@given(dags())
def test_a_random_dag_computes_and_expands_as_the_recursive_sum(
        recipes: dict[FoodRef, Recipe]) -> None:
    _check_book(recipes)


@graphs
@given(dags(), st.data())
def test_a_loop_anywhere_is_refused_naming_the_recipe_and_the_ingredient(
        recipes: dict[FoodRef, Recipe], data: st.DataObject) -> None:
    # Recipe k gets an ingredient that is k or a recipe above it: a loop when k is inside.
    refs = sorted(recipes, key=lambda ref: int(ref.source_id))
    low = data.draw(st.sampled_from(refs))
    high = data.draw(st.sampled_from([r for r in refs if int(r.source_id) >= int(low.source_id)]))
    looped = dict(recipes)
    looped[low] = recipes[low].add_ingredient(Ingredient(high, 10, "g"))
    order_loops = _reaches(looped, high, low)
    try:
        dependency_order(looped)
    except RecipeError as error:
        assert order_loops
        assert "contains itself" in error.message and error.position is not None
        assert error.ref in looped
        return
    assert not order_loops


def _reaches(recipes: Mapping[FoodRef, Recipe], start: FoodRef, goal: FoodRef) -> bool:
    todo, seen = [start], set()
    while todo:
        ref = todo.pop()
        if ref == goal:
            return True
        if ref in seen or ref not in recipes:
            continue
        seen.add(ref)
        todo.extend(item.food for item in recipes[ref].ingredients)
    return False


# -- deep and shared -------------------------------------------------------------------


SPINACH = FOOD_REFS[1]


def chain(depth: int) -> dict[FoodRef, Recipe]:
    """Recipe k holds 100 g of recipe k-1 and a cup of a food: ``depth`` levels deep."""
    recipes = {_ref(0): Recipe("Level 0", (Ingredient(SPINACH, 100, "g"),), ref=_ref(0))}
    for level in range(1, depth):
        recipes[_ref(level)] = Recipe(
            f"Level {level}", (Ingredient(_ref(level - 1), 100, "g"),
                               Ingredient(FOOD_REFS[level % 8], 1, "cup")), ref=_ref(level))
    return recipes


def fibonacci(count: int = 34) -> dict[FoodRef, Recipe]:
    """Recipe k holds 100 g of each of recipes k-1 and k-2: 2**(count/1.44) paths."""
    recipes = {
        _ref(0): Recipe("F0", (Ingredient(SPINACH, 100, "g"),), ref=_ref(0)),
        _ref(1): Recipe("F1", (Ingredient(FOOD_REFS[2], 100, "g"),), ref=_ref(1)),
    }
    for number in range(2, count):
        recipes[_ref(number)] = Recipe(
            f"F{number}", (Ingredient(_ref(number - 1), 100, "g"),
                           Ingredient(_ref(number - 2), 100, "g")), ref=_ref(number))
    return recipes


def test_a_chain_as_deep_as_allowed_computes_without_recursion() -> None:
    depth = int(RECIPE_DEPTH.maximum)
    assert depth > sys.getrecursionlimit() // 4  # deep enough to have overflowed before
    recipes = chain(depth)
    top = recipes[_ref(depth - 1)]
    book = RecipeBook(recipes, FOODS)
    nutrients = book.nutrients(book.recipes[top.ref])
    assert nutrients.food_count == depth
    leaves = _by_food(expand(100.0, top, FOODS, recipes))
    assert sum(leaves.values()) == pytest.approx(100.0)
    assert dependency_order(recipes)[0] == _ref(0)


def test_one_level_more_is_refused_with_a_message_not_a_recursion_error() -> None:
    depth = int(RECIPE_DEPTH.maximum) + 1
    recipes = chain(depth)
    with pytest.raises(RecipeError, match=r"nested more than 500 deep \(Level 500 -> Level 499 "
                                          r"-> … -> Level 1 -> Level 0\)") as caught:
        dependency_order(recipes)
    assert caught.value.position == 1
    with pytest.raises(RecipeError, match="nested more than 500 deep"):
        RecipeBook(recipes, FOODS).food(_ref(depth - 1))


def test_a_loop_at_the_bottom_of_a_deep_chain_names_it() -> None:
    recipes = chain(300)
    recipes[_ref(0)] = recipes[_ref(0)].add_ingredient(Ingredient(_ref(299), 1, "g"))
    with pytest.raises(RecipeError) as caught:
        dependency_order(recipes)
    # Told from the recipe whose ingredient closes it, by its ends: 300 names are no message.
    assert str(caught.value) == ("recipe 'Level 1', ingredient 1: contains itself: Level 1 -> "
                                 "Level 0 -> Level 299 -> … -> Level 2 -> Level 1")
    with pytest.raises(RecipeError, match=r"contains itself: Level 0 -> Level 299 -> Level 298 "
                                          r"-> … -> Level 1 -> Level 0$"):
        RecipeBook(recipes, FOODS).food(_ref(0))


def test_the_shared_graph_computes_each_recipe_once() -> None:
    recipes = fibonacci(34)
    top = recipes[_ref(33)]
    book = RecipeBook(recipes, FOODS)
    nutrients = book.nutrients(book.recipes[top.ref])
    # Coverage counts foods as often as they go in: the Fibonacci numbers.
    assert nutrients.food_count == 5_702_887
    spinach, other = FOODS[SPINACH], FOODS[FOOD_REFS[2]]
    # Every recipe is half of each of the two below, so spinach is this share of each:
    shares = [1.0, 0.0]
    for _ in range(2, 34):
        shares.append((shares[-1] + shares[-2]) / 2)
    assert shares[-1] == pytest.approx(1 / 3, rel=1e-6)
    parts = _by_food(expand(100.0, top, FOODS, recipes))
    assert parts[SPINACH] == pytest.approx(100.0 * shares[-1], rel=1e-12)
    assert parts[FOOD_REFS[2]] == pytest.approx(100.0 * (1 - shares[-1]), rel=1e-12)
    expected = (parts[SPINACH] * (spinach.value("magnesium_mg") or 0)
                + parts[FOOD_REFS[2]] * (other.value("magnesium_mg") or 0)) / 100
    per_100g = nutrients.per_100g["magnesium_mg"]
    assert per_100g is not None and per_100g == pytest.approx(expected)


def test_the_shared_graph_shops_as_two_foods() -> None:
    recipes = fibonacci(34)
    foods = dict(FOODS)
    monday = Day(__import__("datetime").date(2026, 11, 23),
                 (Meal("Lunch", (Entry(_ref(33), 200, "g"), Entry(_ref(20), 50, "g"))),))
    plan = Plan(Profile("Ana", "female", 45), (monday,))
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))
    shopping = build_shopping_list(plan, foods, aisles, recipes=recipes, factor=2)
    assert {item.food for item in shopping.items} == {SPINACH, FOOD_REFS[2]}
    assert sum(item.grams or 0 for item in shopping.items) == pytest.approx(2 * 250.0)
    assert shopping.notes == ()
    assert shopping.nutrition is not None and shopping.nutrition.days == 1


def test_a_draft_editing_a_recipe_inside_itself_is_refused() -> None:
    recipes = chain(5)
    book = RecipeBook(recipes, FOODS)
    book.nutrients(book.recipes[_ref(4)])  # everything computed: the walk must not skip it
    edited = recipes[_ref(0)].add_ingredient(Ingredient(_ref(4), 10, "g"))
    with pytest.raises(RecipeError, match="contains itself: Level 0 -> Level 4 -> Level 3"):
        book.nutrients(edited)
    # A new recipe (no reference yet) holding the top is no loop.
    draft = replace(edited, ref=None, name="New")
    assert book.nutrients(draft).food_count == 1 + 5  # spinach and the five of Level 4


def test_a_cooked_weight_too_small_for_its_ingredients_is_refused() -> None:
    # 1 g cooked from 100 kg of food would be 10,000 times as dense: no food can be.
    heavy = Recipe("Dense", (Ingredient(FOOD_REFS[4], 100_000, "g"),), cooked_grams=1,
                   ref=_ref(0))
    with pytest.raises(RecipeError, match=r"recipe 'Dense': a cooked weight of 1 g is too "
                                          r"small for its ingredients: 100 g would hold "
                                          r"10,000,000 kcal of energy, more than any "
                                          r"food can"):
        RecipeBook({heavy.ref: heavy}, FOODS).nutrients(heavy)
    # Boiled down to a tenth is dense (1,000 kcal per 100 g, as much as fat), not impossible.
    reduced = replace(heavy, cooked_grams=10_000)
    nutrients = RecipeBook({heavy.ref: reduced}, FOODS).nutrients(reduced)
    assert nutrients.per_100g["magnesium_mg"] == pytest.approx(500.0)
    assert nutrients.per_100g["energy_kcal"] == pytest.approx(1000.0)
    with pytest.raises(RecipeError, match="a cooked weight of 9999 g is too small"):
        RecipeBook({}, FOODS).nutrients(replace(heavy, cooked_grams=9_999))
