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
       {"name": "Breakfast", "entries": [{"food": "usda:01123", "amount": 2, "unit": "large"}]}]}],
     "recipes": [...]}                                          (optional, kept as it is)

Loading checks everything (foods exist, units fit the food, amounts are sensible, dates
are real and unique) and either returns the whole plan or raises one
:class:`PlanFileError` naming the place, e.g. ``day 2026-11-23, meal 'Breakfast',
entry 2``. Unknown fields are refused, so that a misspelt ``"ammount"`` is not silently
dropped. :func:`dump_plan` writes the canonical form (fixed key order, 2-space indent,
UTF-8 text, final newline); loading that and dumping again gives the same text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Final, NoReturn

from planner.core.foods import Food, FoodRef, FoodRefError
from planner.core.plan import Day, Entry, Meal, Plan, Profile, Supplement
from planner.core.units import grams_for

PLAN_FORMAT: Final = "planner.plan/1"
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
    """A loaded plan with the foods its entries refer to."""

    plan: Plan
    foods: Mapping[FoodRef, Food]
    #: The file's ``recipes`` as JSON text, kept for writing back until recipes are modelled.
    recipes_json: str | None = None

    def dump(self) -> str:
        return dump_plan(self.plan, recipes_json=self.recipes_json)


def _fail(message: str, location: str) -> NoReturn:
    raise PlanFileError(message, location)


def _reject_constant(name: str) -> NoReturn:
    raise PlanFileError(f"{name} is not a number a plan file can hold", "file")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PlanFileError(f"the field {key!r} appears twice in one object", "file")
        result[key] = value
    return result


def _parse_json(text: str) -> Any:
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
        _fail(f"unknown field {unknown[0]!r}; fields here: {allowed}", location)
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
            overrides[key] = _number(target, f"target {key!r}", "profile, targets")
    try:
        return Profile(name, data["sex"], age, data["life_stage"], overrides)
    except ValueError as error:
        _fail(str(error), location)


def _supplement(value: Any, position: int) -> Supplement:
    location = f"supplement {position}"
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        location += f" ({value['name']!r})"
    data = _object(value, location, ("name", "nutrient", "amount", "unit", "schedule"),
                   ("weekday", "form"))
    name = _text(data["name"], "name", location)
    amount = _number(data["amount"], "amount", location)
    for text_field in ("nutrient", "unit", "schedule", "weekday", "form"):
        if text_field in data and not isinstance(data[text_field], str):
            _fail(f"{text_field} must be text, got {_kind(data[text_field])}", location)
    try:
        return Supplement(name, data["nutrient"], amount, data["unit"], data["schedule"],
                          data.get("weekday"), data.get("form"))
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
            _fail(f"unknown food {reference!r}; it is not in the food database", location)
        foods[ref] = food
    try:
        grams_for(food, amount, unit)
        return Entry(ref, amount, unit)
    except ValueError as error:
        _fail(str(error), location)


def _day(value: Any, position: int, resolve: FoodResolver, foods: dict[FoodRef, Food]) -> Day:
    location = f"day {position}"
    if isinstance(value, dict) and isinstance(value.get("date"), str):
        location = f"day {value['date']}"
    data = _object(value, location, ("date", "meals"))
    text = data["date"]
    if not isinstance(text, str) or not _DATE_RE.match(text):
        _fail(f"date must be written YYYY-MM-DD, got {text!r}", location)
    try:
        when = date.fromisoformat(text)
    except ValueError:
        _fail(f"{text!r} is not a date in the calendar", location)
    meals: list[Meal] = []
    for meal_value in _list(data["meals"], "meals", location):
        meal_location = f"{location}, meal {len(meals) + 1}"
        if isinstance(meal_value, dict) and isinstance(meal_value.get("name"), str):
            meal_location = f"{location}, meal {meal_value['name']!r}"
        meal_data = _object(meal_value, meal_location, ("name", "entries"))
        name = _text(meal_data["name"], "name", meal_location)
        entries = tuple(
            _entry(entry, f"{meal_location}, entry {index}", resolve, foods)
            for index, entry in enumerate(_list(meal_data["entries"], "entries", meal_location),
                                          1)
        )
        meals.append(Meal(name, entries))
    return Day(when, tuple(meals))


def plan_from_data(data: Any, resolve: FoodResolver) -> LoadedPlan:
    """A plan from parsed JSON (see :func:`load_plan`)."""
    top = _object(data, "file", ("format", "profile", "days"), ("name", "supplements", "recipes"))
    if top["format"] != PLAN_FORMAT:
        _fail(f"format must be {PLAN_FORMAT!r}, got {top['format']!r}", "file")
    name = None
    if "name" in top:
        name = _text(top["name"], "name", "file")
    profile = _profile(top["profile"])
    supplements = tuple(
        _supplement(value, index)
        for index, value in enumerate(_list(top.get("supplements", []), "supplements", "file"), 1)
    )
    foods: dict[FoodRef, Food] = {}
    days: list[Day] = []
    seen: set[date] = set()
    for index, value in enumerate(_list(top["days"], "days", "file"), 1):
        day = _day(value, index, resolve, foods)
        if day.date in seen:
            _fail("this date is in the file twice", f"day {day.date.isoformat()}")
        seen.add(day.date)
        days.append(day)
    recipes_json = None
    if "recipes" in top:
        recipes_json = json.dumps(_list(top["recipes"], "recipes", "file"), ensure_ascii=False)
    plan = Plan(profile, tuple(days), supplements, name)
    return LoadedPlan(plan, MappingProxyType(foods), recipes_json)


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


def plan_to_data(plan: Plan, *, recipes_json: str | None = None) -> dict[str, Any]:
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
    if recipes_json is not None:
        data["recipes"] = json.loads(recipes_json)
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
    return data


def dump_plan(plan: Plan, *, recipes_json: str | None = None) -> str:
    """The plan as ``planner.plan/1`` text: 2-space indent, UTF-8, final newline."""
    data = plan_to_data(plan, recipes_json=recipes_json)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
