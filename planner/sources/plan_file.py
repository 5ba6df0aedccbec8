"""The plan file format ``planner.plan/1``: JSON in, plan values out, and back.

::

    {"format": "planner.plan/1",
     "name": "Ana's week",                                      (optional)
     "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none",
                 "targets": {"magnesium_mg": 360, "vitamin_d_ug.ul": 50}},  (targets optional)
     "supplements": [
       {"name": "Vitamin D3 2000 IU", "nutrient": "vitamin_d", "amount": 2000, "unit": "IU",
        "schedule": "daily"},
       {"name": "Vitamin D3 50000 IU", "nutrient": "vitamin_d", "amount": 50000, "unit": "IU",
        "schedule": "weekly", "weekday": "sun"},
       {"name": "Magnesium glycinate", "nutrient": "magnesium", "amount": 200, "unit": "mg",
        "schedule": "daily", "form": "glycinate"}],
     "days": [{"date": "2026-11-23", "meals": [
       {"name": "Breakfast", "entries": [{"food": "usda:01123", "amount": 2, "unit": "large"},
                                         {"food": "recipe:12", "amount": 1, "unit": "serving"}]}]}],
     "recipes": [                                               (optional)
       {"id": "recipe:12", "name": "Overnight oats", "servings": 2,  (servings optional)
        "cooked_grams": 520,                                    (optional; default: the sum)
        "ingredients": [{"food": "usda:08120", "amount": 1, "unit": "cup"}, ...],
        "instructions": "Stir, cover, chill overnight.",       (optional)
        "tags": ["breakfast", "magnesium"]}]}                   (optional)

The ``recipes`` are those the plan uses, including the recipes inside them, so that the
file is complete on another machine. A recipe's ``id`` is ``recipe:`` and a key of the file
(the exporting database's id); entries and ingredients refer to a recipe of the file by
it, and an ingredient may be another recipe of the file (but no recipe may contain
itself). A ``recipe:`` reference that is not in the file is looked up like any food.

Loading checks everything (foods exist, units fit the food, amounts are sensible, dates
are real and unique, recipes compute) and either returns the whole plan or raises one
:class:`PlanFileError` naming the place, e.g. ``day 2026-11-23, meal 'Breakfast',
entry 2`` or ``recipe 1 ('Overnight oats'), ingredient 3``. Unknown fields are refused, so
that a misspelt ``"ammount"`` is not silently dropped. :func:`dump_plan` writes the
canonical form (fixed key order, 2-space indent, UTF-8 text, final newline; optional
recipe fields only when set); loading that and dumping again gives the same text.

A recipes file (``planner.recipes/1``, :func:`load_recipes`) is ``{"format":
"planner.recipes/1", "recipes": [...]}`` with recipes of the same shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Final, NoReturn

from planner.core.bounds import FILE_RECIPES, clip, quote
from planner.core.foods import Food, FoodRef, FoodRefError
from planner.core.plan import Day, Entry, Meal, Plan, Profile, Supplement
from planner.core.recipes import (
    RECIPE_SOURCE,
    Ingredient,
    Recipe,
    RecipeBook,
    RecipeError,
    RecipeNutrients,
    check_recipe,
    dependency_order,
)
from planner.core.units import grams_for

PLAN_FORMAT: Final = "planner.plan/1"
RECIPES_FORMAT: Final = "planner.recipes/1"
_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FoodResolver = Callable[[FoodRef], Food | None]


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; ``location`` names the place in the file."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.message = message
        self.location = location


@dataclass(frozen=True, slots=True)
class LoadedPlan:
    """A loaded plan with the foods its entries and recipes refer to.

    ``foods`` holds the entries' foods, the recipes' ingredients, and each recipe of the
    file as a food (values per 100 g computed from its ingredients, id ``None``).
    """

    plan: Plan
    foods: Mapping[FoodRef, Food]
    #: The file's recipes in file order; each ``ref`` is its id in the file.
    recipes: tuple[Recipe, ...] = ()

    @property
    def recipe_map(self) -> Mapping[FoodRef, Recipe]:
        """The file's recipes by their id in the file."""
        return MappingProxyType({recipe.ref: recipe for recipe in self.recipes
                                 if recipe.ref is not None})

    def dump(self) -> str:
        return dump_plan(self.plan, recipes=self.recipes)


@dataclass(frozen=True, slots=True)
class LoadedRecipes:
    """Recipes read from a file, checked, with the foods they use and their nutrients."""

    recipes: tuple[Recipe, ...]
    #: The ingredients' foods and each recipe of the file as a food.
    foods: Mapping[FoodRef, Food]
    nutrients: Mapping[FoodRef, RecipeNutrients]


def _fail(message: str, location: str) -> NoReturn:
    raise PlanFileError(message, location)


def _reject_constant(name: str) -> NoReturn:
    raise PlanFileError(f"{name} is not a number a plan file can hold", "file")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PlanFileError(f"the field {quote(key)} appears twice in one object", "file")
        result[key] = value
    return result


def _parse_json(text: str) -> Any:
    # A byte order mark is how some editors (Notepad) start UTF-8 files: not content.
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})", "file"
        ) from None
    except RecursionError:
        raise PlanFileError("not a plan: the JSON is nested too deeply", "file") from None
    except ValueError as error:
        # e.g. an integer with more digits than Python converts.
        if isinstance(error, PlanFileError):
            raise
        raise PlanFileError(f"not valid JSON: {error}", "file") from None


def _object(value: Any, location: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(f"expected an object, got {_kind(value)}", location)
    missing = [name for name in required if name not in value]
    if missing:
        _fail(f"missing field {', '.join(repr(name) for name in missing)}", location)
    unknown = [name for name in value if name not in required and name not in optional]
    if unknown:
        allowed = ", ".join((*required, *optional))
        _fail(f"unknown field {quote(unknown[0])}; fields here: {allowed}", location)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _text(value: Any, name: str, location: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(f"{name} must be non-empty text, got {_kind(value)}", location)
    return _valid_text(value, name, location)


def _valid_text(value: str, name: str, location: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can spell a lone surrogate ("\\ud800"); it is not text and cannot be stored.
        _fail(f"{name} holds a character that is not valid text", location)
    return value


def _list(value: Any, name: str, location: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(f"{name} must be a list, got {_kind(value)}", location)
    return value


def _number(value: Any, name: str, location: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(f"{name} must be a number, got {_kind(value)}", location)
    try:
        return float(value)
    except OverflowError:
        _fail(f"{name} {value} is too large", location)


def _profile(value: Any) -> Profile:
    location = "profile"
    data = _object(value, location, ("name", "sex", "age", "life_stage"), ("targets",))
    name = _text(data["name"], "name", location)
    age = data["age"]
    if isinstance(age, bool) or not isinstance(age, int):
        _fail(f"age must be whole years, got {_kind(age)}", location)
    overrides: dict[str, float] = {}
    if "targets" in data:
        targets = data["targets"]
        if not isinstance(targets, dict):
            _fail(f"targets must be an object, got {_kind(targets)}", location)
        for key, target in targets.items():
            overrides[key] = _number(target, f"target {quote(key)}", "profile, targets")
    try:
        return Profile(name, data["sex"], age, data["life_stage"], overrides)
    except ValueError as error:
        _fail(str(error), location)


def _supplement(value: Any, position: int) -> Supplement:
    location = f"supplement {position}"
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        location += f" ({quote(value['name'])})"
    data = _object(value, location, ("name", "nutrient", "unit", "schedule"),
                   ("amount", "weekday", "form", "compound", "compound_amount"))
    name = _text(data["name"], "name", location)
    for text_field in ("nutrient", "unit", "schedule", "weekday", "form", "compound"):
        if text_field in data and not isinstance(data[text_field], str):
            _fail(f"{text_field} must be text, got {_kind(data[text_field])}", location)
    options = {"schedule": data["schedule"], "weekday": data.get("weekday"),
               "form": data.get("form")}
    if "compound_amount" in data and "compound" not in data:
        _fail("compound_amount needs the compound's name (compound)", location)
    if "compound_amount" not in data and "amount" not in data:
        _fail("missing field 'amount' (or compound and compound_amount)", location)
    try:
        if "compound_amount" in data:
            # The label's compound and its weight; an amount given too must agree.
            compound_amount = _number(data["compound_amount"], "compound_amount", location)
            made = Supplement.of_compound(name, data["nutrient"], data["compound"],
                                          compound_amount, data["unit"], **options)
            if "amount" in data:
                amount = _number(data["amount"], "amount", location)
                return Supplement(name, data["nutrient"], amount, data["unit"],
                                  compound=made.compound, compound_amount=compound_amount,
                                  **options)
            return made
        amount = _number(data["amount"], "amount", location)
        return Supplement(name, data["nutrient"], amount, data["unit"],
                          compound=data.get("compound"), **options)
    except ValueError as error:
        _fail(str(error), location)


def _entry(value: Any, location: str, resolve: FoodResolver,
           foods: dict[FoodRef, Food]) -> Entry:
    data = _object(value, location, ("food", "amount", "unit"))
    reference = _text(data["food"], "food", location)
    unit = _text(data["unit"], "unit", location)
    amount = _number(data["amount"], "amount", location)
    try:
        ref = FoodRef.parse(reference)
    except FoodRefError as error:
        _fail(str(error), location)
    food = foods.get(ref)
    if food is None:
        food = resolve(ref)
        if food is None:
            _fail(f"unknown food {quote(reference)}; it is not in the food database", location)
        foods[ref] = food
    try:
        grams_for(food, amount, unit)
        return Entry(ref, amount, unit)
    except ValueError as error:
        _fail(str(error), location)


def _day(value: Any, position: int, resolve: FoodResolver, foods: dict[FoodRef, Food]) -> Day:
    location = f"day {position}"
    if isinstance(value, dict) and isinstance(value.get("date"), str):
        location = f"day {clip(value['date'], 20)}"
    data = _object(value, location, ("date", "meals"))
    text = data["date"]
    if not isinstance(text, str) or not _DATE_RE.match(text):
        _fail(f"date must be written YYYY-MM-DD, got {quote(text)}", location)
    try:
        when = date.fromisoformat(text)
    except ValueError:
        _fail(f"{quote(text)} is not a date in the calendar", location)
    meals: list[Meal] = []
    for meal_value in _list(data["meals"], "meals", location):
        meal_location = f"{location}, meal {len(meals) + 1}"
        if isinstance(meal_value, dict) and isinstance(meal_value.get("name"), str):
            meal_location = f"{location}, meal {quote(meal_value['name'])}"
        meal_data = _object(meal_value, meal_location, ("name", "entries"))
        name = _text(meal_data["name"], "name", meal_location)
        entries = tuple(
            _entry(entry, f"{meal_location}, entry {index}", resolve, foods)
            for index, entry in enumerate(_list(meal_data["entries"], "entries", meal_location),
                                          1)
        )
        meals.append(Meal(name, entries))
    return Day(when, tuple(meals))


def _recipe_location(value: Any, position: int) -> str:
    location = f"recipe {position}"
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        location += f" ({quote(value['name'])})"
    return location


def _optional_number(data: dict[str, Any], name: str, location: str) -> float | None:
    value = data.get(name)
    return None if value is None else _number(value, name, location)


def _ingredient(value: Any, location: str, own: set[FoodRef], resolve: FoodResolver,
                foods: dict[FoodRef, Food]) -> Ingredient:
    data = _object(value, location, ("food", "amount", "unit"))
    reference = _text(data["food"], "food", location)
    unit = _text(data["unit"], "unit", location)
    amount = _number(data["amount"], "amount", location)
    try:
        ref = FoodRef.parse(reference)
    except FoodRefError as error:
        _fail(str(error), location)
    if ref not in own and ref not in foods:
        food = resolve(ref)
        if food is None:
            _fail(f"unknown food {quote(reference)}; it is not in the food database", location)
        foods[ref] = food
    try:
        return Ingredient(ref, amount, unit)
    except RecipeError as error:
        _fail(error.message, location)


def _recipe(value: Any, location: str, own: set[FoodRef], resolve: FoodResolver,
            foods: dict[FoodRef, Food]) -> Recipe:
    data = _object(value, location, ("id", "name", "ingredients"),
                   ("servings", "cooked_grams", "instructions", "tags"))
    ref = FoodRef.parse(data["id"])  # checked by _recipe_ids
    name = _text(data["name"], "name", location)
    ingredients = tuple(
        _ingredient(item, f"{location}, ingredient {index}", own, resolve, foods)
        for index, item in enumerate(_list(data["ingredients"], "ingredients", location), 1)
    )
    servings = _optional_number(data, "servings", location)
    cooked_grams = _optional_number(data, "cooked_grams", location)
    instructions = data.get("instructions", "")
    if not isinstance(instructions, str):
        _fail(f"instructions must be text, got {_kind(instructions)}", location)
    _valid_text(instructions, "instructions", location)
    tags = _list(data.get("tags", []), "tags", location)
    for tag in tags:
        if not isinstance(tag, str):
            _fail(f"a tag must be text, got {_kind(tag)}", location)
        _valid_text(tag, "a tag", location)
    try:
        recipe = Recipe(name, ingredients, servings, cooked_grams, instructions, tuple(tags),
                        ref)
        check_recipe(recipe)
    except RecipeError as error:
        if error.position is not None:
            location += f", ingredient {error.position}"
        _fail(error.message, location)
    return recipe


def _recipe_ids(values: list[Any]) -> dict[FoodRef, str]:
    """Each recipe's id in the file -> its location; ids must be ``recipe:`` and unique."""
    ids: dict[FoodRef, str] = {}
    for position, value in enumerate(values, 1):
        location = _recipe_location(value, position)
        if not isinstance(value, dict) or "id" not in value:
            continue  # _recipe says what is wrong
        text = _text(value["id"], "id", location)
        try:
            ref = FoodRef.parse(text)
        except FoodRefError as error:
            _fail(f"id: {error}", location)
        if ref.source != RECIPE_SOURCE:
            _fail(f"a recipe's id is recipe:<key>, e.g. recipe:12; got {quote(text)}", location)
        if ref in ids:
            _fail(f"the id {quote(text)} is also {ids[ref]}'s", location)
        ids[ref] = location
    return ids


def recipes_from_data(values: Any, resolve: FoodResolver,
                      foods: dict[FoodRef, Food] | None = None) -> LoadedRecipes:
    """The ``recipes`` list of a plan or recipes file, checked and computed.

    ``foods`` (filled in) caches the foods resolved so far. Raises :class:`PlanFileError`
    naming the recipe (and ingredient) for anything wrong: an unknown food, a unit the
    food lacks, a bad amount or yield, a recipe that contains itself.
    """
    foods = {} if foods is None else foods
    items = _list(values, "recipes", "file")
    if len(items) > FILE_RECIPES.maximum:
        _fail(f"a file holds at most {FILE_RECIPES.maximum:,g} recipes, this one "
              f"{len(items):,}", "recipes")
    locations = _recipe_ids(items)
    own = set(locations)
    recipes = tuple(
        _recipe(value, _recipe_location(value, position), own, resolve, foods)
        for position, value in enumerate(items, 1)
    )
    by_ref = {recipe.ref: recipe for recipe in recipes if recipe.ref is not None}
    nutrients: dict[FoodRef, RecipeNutrients] = {}
    try:
        order = dependency_order(by_ref)
        book = RecipeBook(by_ref, foods)
        # Inner recipes first, so a mistake is reported where it is, not where it is used.
        for ref in order:
            nutrients[ref] = book.nutrients(by_ref[ref])
        for ref in order:
            food = book.food(ref)
            assert food is not None
            foods[ref] = food
    except RecipeError as error:
        location = locations.get(error.ref, "recipes") if error.ref is not None else "recipes"
        if error.position is not None:
            location += f", ingredient {error.position}"
        _fail(error.message, location)
    return LoadedRecipes(recipes, MappingProxyType(dict(foods)), MappingProxyType(nutrients))


def plan_from_data(data: Any, resolve: FoodResolver) -> LoadedPlan:
    """A plan from parsed JSON (see :func:`load_plan`)."""
    top = _object(data, "file", ("format", "profile", "days"), ("name", "supplements", "recipes"))
    if top["format"] != PLAN_FORMAT:
        _fail(f"format must be {PLAN_FORMAT!r}, got {quote(top['format'])}", "file")
    name = None
    if "name" in top:
        name = _text(top["name"], "name", "file")
    profile = _profile(top["profile"])
    supplements = tuple(
        _supplement(value, index)
        for index, value in enumerate(_list(top.get("supplements", []), "supplements", "file"), 1)
    )
    foods: dict[FoodRef, Food] = {}
    recipes: tuple[Recipe, ...] = ()
    if "recipes" in top:
        # First: entries refer to the file's recipes, which become foods here.
        recipes = recipes_from_data(top["recipes"], resolve, foods).recipes
    days: list[Day] = []
    seen: set[date] = set()
    for index, value in enumerate(_list(top["days"], "days", "file"), 1):
        day = _day(value, index, resolve, foods)
        if day.date in seen:
            _fail("this date is in the file twice", f"day {day.date.isoformat()}")
        seen.add(day.date)
        days.append(day)
    plan = Plan(profile, tuple(days), supplements, name)
    return LoadedPlan(plan, MappingProxyType(foods), recipes)


def load_plan(text: str, resolve: FoodResolver) -> LoadedPlan:
    """Read a ``planner.plan/1`` file; ``resolve`` finds a food by reference (or ``None``).

    Raises :class:`PlanFileError` and nothing else for anything wrong with the file.
    """
    if not isinstance(text, str):
        raise PlanFileError("a plan file must be text", "file")
    return plan_from_data(_parse_json(text), resolve)


def _json_number(value: float) -> int | float:
    """Whole numbers as integers (``2``, not ``2.0``), as a person writes them."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def plan_to_data(plan: Plan, *, recipes: Sequence[Recipe] = ()) -> dict[str, Any]:
    """The plan as JSON-ready data in canonical key order."""
    profile = plan.profile
    profile_data: dict[str, Any] = {
        "name": profile.name, "sex": profile.sex, "age": profile.age,
        "life_stage": profile.life_stage,
    }
    if profile.target_overrides:
        profile_data["targets"] = {
            # Sorted: the canonical form must not depend on where the plan came from.
            key: _json_number(value) for key, value in sorted(profile.target_overrides.items())
        }
    data: dict[str, Any] = {"format": PLAN_FORMAT}
    if plan.name is not None:
        data["name"] = plan.name
    data["profile"] = profile_data
    data["supplements"] = [_supplement_data(supplement) for supplement in plan.supplements]
    data["days"] = [
        {
            "date": day.date.isoformat(),
            "meals": [
                {
                    "name": meal.name,
                    "entries": [
                        {"food": str(entry.food), "amount": _json_number(entry.amount),
                         "unit": entry.unit}
                        for entry in meal.entries
                    ],
                }
                for meal in day.meals
            ],
        }
        for day in plan.days
    ]
    if recipes:
        data["recipes"] = [recipe_to_data(recipe) for recipe in recipes]
    return data


def recipe_to_data(recipe: Recipe) -> dict[str, Any]:
    """A recipe as JSON-ready data in canonical key order (optional fields when set)."""
    if recipe.ref is None:
        raise ValueError(f"recipe {quote(recipe.label)} has no id to write; store it first")
    data: dict[str, Any] = {"id": str(recipe.ref), "name": recipe.name}
    if recipe.servings is not None:
        data["servings"] = _json_number(recipe.servings)
    if recipe.cooked_grams is not None:
        data["cooked_grams"] = _json_number(recipe.cooked_grams)
    data["ingredients"] = [
        {"food": str(item.food), "amount": _json_number(item.amount), "unit": item.unit}
        for item in recipe.ingredients
    ]
    if recipe.instructions:
        data["instructions"] = recipe.instructions
    if recipe.tags:
        data["tags"] = list(recipe.tags)
    return data


def _supplement_data(supplement: Supplement) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": supplement.name, "nutrient": supplement.nutrient,
        "amount": _json_number(supplement.amount), "unit": supplement.unit,
        "schedule": supplement.schedule,
    }
    if supplement.weekday is not None:
        data["weekday"] = supplement.weekday
    if supplement.form is not None:
        data["form"] = supplement.form
    if supplement.compound is not None:
        data["compound"] = supplement.compound
    if supplement.compound_amount is not None:
        data["compound_amount"] = _json_number(supplement.compound_amount)
    return data


def dump_plan(plan: Plan, *, recipes: Sequence[Recipe] = ()) -> str:
    """The plan as ``planner.plan/1`` text: 2-space indent, UTF-8, final newline."""
    data = plan_to_data(plan, recipes=recipes)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def load_recipes(text: str, resolve: FoodResolver) -> LoadedRecipes:
    """Read a ``planner.recipes/1`` file (see the module docstring).

    Raises :class:`PlanFileError` and nothing else for anything wrong with the file.
    """
    if not isinstance(text, str):
        raise PlanFileError("a recipes file must be text", "file")
    top = _object(_parse_json(text), "file", ("format", "recipes"))
    if top["format"] != RECIPES_FORMAT:
        _fail(f"format must be {RECIPES_FORMAT!r}, got {quote(top['format'])}", "file")
    return recipes_from_data(top["recipes"], resolve)


def dump_recipes(recipes: Iterable[Recipe]) -> str:
    """Recipes as ``planner.recipes/1`` text, in the order given."""
    data = {"format": RECIPES_FORMAT, "recipes": [recipe_to_data(r) for r in recipes]}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
