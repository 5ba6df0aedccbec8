"""The plan file format planner.plan/1: loading, one clear error per broken file, round trips."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.plan import (
    MAGNESIUM_FORMS,
    WEEKDAYS,
    Day,
    Entry,
    Meal,
    Plan,
    Profile,
    Schedule,
    Supplement,
)
from planner.core.targets import LIFE_STAGES, SEXES, LifeStage, Sex
from planner.sources.plan_file import LoadedPlan, PlanFileError, dump_plan, load_plan

# The two foods of the example, with their USDA SR28 figures (the core tests hold more).
EGG = Food(
    FoodRef("usda-sr28", "01123"), "Egg, whole, raw, fresh", "0100",
    nutrient_map({"energy_kcal": 143, "magnesium_mg": 12, "vitamin_d_ug": 2.0,
                  "calcium_mg": 56}),
    (Portion(1, "large", 50), Portion(1, "extra large", 56), Portion(1, "medium", 44)),
)
SPINACH = Food(
    FoodRef("usda-sr28", "11457"), "Spinach, raw", "1100",
    nutrient_map({"energy_kcal": 23, "magnesium_mg": 79, "vitamin_d_ug": 0.0,
                  "calcium_mg": 99}),
    (Portion(1, "cup", 30), Portion(1, "bunch", 340), Portion(1, "package (10 oz)", 284)),
)
FOODS = {EGG.ref: EGG, SPINACH.ref: SPINACH}

EXAMPLE = """\
{"format": "planner.plan/1",
 "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
 "supplements": [
   {"name": "Vitamin D3 2000 IU", "nutrient": "vitamin_d", "amount": 2000, "unit": "IU",
    "schedule": "daily"},
   {"name": "Vitamin D3 50000 IU", "nutrient": "vitamin_d", "amount": 50000, "unit": "IU",
    "schedule": "weekly", "weekday": "sun"},
   {"name": "Magnesium glycinate", "nutrient": "magnesium", "amount": 200, "unit": "mg",
    "schedule": "daily", "form": "glycinate"}],
 "days": [{"date": "2026-11-23", "meals": [
   {"name": "Breakfast", "entries": [{"food": "usda:01123", "amount": 2, "unit": "large"},
                                     {"food": "usda:11457", "amount": 60, "unit": "g"}]}]}]}
"""


def resolve(ref: FoodRef) -> Food | None:
    return FOODS.get(ref)


def test_the_example_loads() -> None:
    loaded = load_plan(EXAMPLE, resolve)
    plan = loaded.plan
    assert plan.profile == Profile("Ana", "female", 45, "none")
    assert [s.name for s in plan.supplements] == [
        "Vitamin D3 2000 IU", "Vitamin D3 50000 IU", "Magnesium glycinate",
    ]
    assert plan.supplements[1].weekday == "sun" and plan.supplements[2].form == "glycinate"
    assert plan.supplements[1].daily_amount == pytest.approx(178.5714285714)
    (day,) = plan.days
    assert day.date == date(2026, 11, 23)
    assert [meal.name for meal in day.meals] == ["Breakfast"]
    assert list(day.entries) == [Entry(EGG.ref, 2, "large"), Entry(SPINACH.ref, 60, "g")]
    assert dict(loaded.foods) == FOODS
    assert plan.name is None and loaded.recipes == ()


def test_dump_of_load_gives_the_same_data_and_canonical_text() -> None:
    text = dump_plan(load_plan(EXAMPLE, resolve).plan)
    assert json.loads(text) == json.loads(EXAMPLE)
    assert text.endswith("}\n") and text.startswith('{\n  "format": "planner.plan/1",\n')
    assert '    "name": "Ana",\n' in text
    assert load_plan(text, resolve).dump() == text


SPINACH_OMELETTE = {
    "id": "recipe:7", "name": "Spinach omelette", "servings": 2,
    "ingredients": [{"food": "usda:01123", "amount": 4, "unit": "large"},
                    {"food": "usda:11457", "amount": 2, "unit": "cup"}],
    "instructions": "Wilt the spinach, pour the eggs over — done.", "tags": ["quick"],
}


def test_optional_name_targets_and_recipes_round_trip() -> None:
    data = json.loads(EXAMPLE)
    data["name"] = "Ana's week — winter"
    data["profile"]["targets"] = {"magnesium_mg": 360, "vitamin_d_ug.ul": 50.5}
    data["days"][0]["meals"][0]["entries"].append(
        {"food": "recipe:7", "amount": 1, "unit": "serving"})
    data["recipes"] = [SPINACH_OMELETTE]
    text = json.dumps(data, ensure_ascii=False)
    loaded = load_plan(text, resolve)
    assert loaded.plan.name == "Ana's week — winter"
    assert loaded.plan.profile.target_overrides == {"magnesium_mg": 360, "vitamin_d_ug.ul": 50.5}
    (recipe,) = loaded.recipes
    assert recipe.ref == FoodRef("recipe", "7") and recipe.servings == 2
    # The recipe is a food of the plan: 4 eggs (200 g) and 2 cups of spinach (60 g) make 260 g;
    # magnesium (200 x 0.12 + 60 x 0.79) / 260 g x 100 = 71.4 / 2.6 = 27.46 mg per 100 g.
    omelette = loaded.foods[FoodRef("recipe", "7")]
    assert omelette.value("magnesium_mg") == pytest.approx(71.4 / 260 * 100)
    assert omelette.portions == (Portion(1.0, "serving", 130.0),)
    dumped = loaded.dump()
    assert json.loads(dumped) == data
    assert "—" in dumped  # ensure_ascii=False
    assert load_plan(dumped, resolve).dump() == dumped


def _broken(change: Any) -> str:
    data = json.loads(EXAMPLE)
    change(data)
    return json.dumps(data)


def _entry(data: dict, **values: Any) -> None:
    data["days"][0]["meals"][0]["entries"][1].update(values)


BREAKFAST_2 = "day 2026-11-23, meal 'Breakfast', entry 2"


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("{", "file", "not valid JSON: Expecting property name enclosed in double quotes "
                      "(line 1, column 2)"),
        ("", "file", "not valid JSON: Expecting value (line 1, column 1)"),
        ("[1, 2]", "file", "expected an object, got a list"),
        ('"plan"', "file", "expected an object, got text"),
        (_broken(lambda d: d.update(format="planner.plan/2")), "file",
         "format must be 'planner.plan/1', got 'planner.plan/2'"),
        (_broken(lambda d: d.pop("format")), "file", "missing field 'format'"),
        (_broken(lambda d: d.update(extra=1)), "file", "unknown field 'extra'"),
        (_broken(lambda d: _entry(d, food="usda:99999")), BREAKFAST_2,
         "unknown food 'usda:99999'; it is not in the food database"),
        (_broken(lambda d: _entry(d, food="spinach")), BREAKFAST_2,
         "'spinach' is not a food reference"),
        (_broken(lambda d: _entry(d, unit="slice")), BREAKFAST_2,
         "Spinach, raw (usda:11457) has no unit 'slice'; its units: g, kg, oz, lb, cup, bunch, "
         "package, package (10 oz)"),
        (_broken(lambda d: _entry(d, amount=-60)), BREAKFAST_2,
         "amount must be more than zero, got -60"),
        (_broken(lambda d: _entry(d, amount=0)), BREAKFAST_2, "amount must be more than zero"),
        (_broken(lambda d: _entry(d, amount="60")), BREAKFAST_2,
         "amount must be a number, got text"),
        (_broken(lambda d: _entry(d, amount=True)), BREAKFAST_2,
         "amount must be a number, got true/false"),
        (_broken(lambda d: _entry(d, amount=1e6)), BREAKFAST_2, "amount 1e+06 is too large"),
        (_broken(lambda d: _entry(d, amount=400, unit="bunch")), BREAKFAST_2,
         "400 bunch of Spinach, raw is 136.0 kg"),
        (_broken(lambda d: _entry(d, ammount=1)), BREAKFAST_2, "unknown field 'ammount'"),
        (EXAMPLE.replace('"amount": 60', '"amount": NaN'), "file",
         "NaN is not a number a plan file can hold"),
        (EXAMPLE.replace('"amount": 60', '"amount": 1' + "0" * 5000), "file",
         "not valid JSON"),
        (EXAMPLE.replace('"amount": 60', '"amount": 60, "amount": 6'), "file",
         "the field 'amount' appears twice in one object"),
        (_broken(lambda d: d["days"][0].update(date="2026-11-31")), "day 2026-11-31",
         "'2026-11-31' is not a date in the calendar"),
        (_broken(lambda d: d["days"][0].update(date="23.11.2026")), "day 23.11.2026",
         "date must be written YYYY-MM-DD, got '23.11.2026'"),
        (_broken(lambda d: d["days"][0].update(date=20261123)), "day 1",
         "date must be written YYYY-MM-DD, got 20261123"),
        (_broken(lambda d: d["days"].append(copy.deepcopy(d["days"][0]))), "day 2026-11-23",
         "this date is in the file twice"),
        (_broken(lambda d: d["days"][0]["meals"][0].update(name="")),
         "day 2026-11-23, meal ''", "name must be non-empty text"),
        (_broken(lambda d: d["days"][0].update(meals={})), "day 2026-11-23",
         "meals must be a list, got an object"),
        (_broken(lambda d: d["supplements"][0].update(unit="mg")),
         "supplement 1 ('Vitamin D3 2000 IU')", "vitamin_d is given in IU, ug, µg, mcg, not 'mg'"),
        (_broken(lambda d: d["supplements"][1].pop("weekday")),
         "supplement 2 ('Vitamin D3 50000 IU')", "a weekly supplement needs a weekday"),
        (_broken(lambda d: d["supplements"][2].update(form="carbonate")),
         "supplement 3 ('Magnesium glycinate')", "magnesium form must be one of"),
        (_broken(lambda d: d["supplements"][2].update(amount=-200)),
         "supplement 3 ('Magnesium glycinate')", "dose must be more than zero"),
        (EXAMPLE.replace('"amount": 2000', '"amount": 1e400'),
         "supplement 1 ('Vitamin D3 2000 IU')", "dose must be a finite number, got inf"),
        (EXAMPLE.replace('"amount": 60', '"amount": 1e400'), BREAKFAST_2,
         "amount must be finite, got inf"),
        (_broken(lambda d: d["supplements"][0].update(schedule=None)),
         "supplement 1 ('Vitamin D3 2000 IU')", "schedule must be text, got null"),
        (_broken(lambda d: d.update(supplements=[3])), "supplement 1",
         "expected an object, got a number"),
        (_broken(lambda d: d["profile"].update(age="45")), "profile",
         "age must be whole years, got text"),
        (_broken(lambda d: d["profile"].update(sex="male", life_stage="pregnancy")), "profile",
         "life stage pregnancy applies to a female profile only"),
        (_broken(lambda d: d["profile"].update(targets={"magnesium": 400})), "profile",
         "unknown nutrient 'magnesium' in target override 'magnesium'"),
        (_broken(lambda d: d["profile"].update(targets={"magnesium_mg": "400"})),
         "profile, targets", "target 'magnesium_mg' must be a number, got text"),
        (_broken(lambda d: d.update(recipes={})), "file", "recipes must be a list"),
        (_broken(lambda d: d.update(recipes=[{"name": "Omelette", "anything": [1]}])),
         "recipe 1 ('Omelette')", "missing field 'id', 'ingredients'"),
        (_broken(lambda d: d.update(recipes=[{**SPINACH_OMELETTE, "id": "usda:01123"}])),
         "recipe 1 ('Spinach omelette')", "a recipe's id is recipe:<key>"),
        (_broken(lambda d: d.update(recipes=[{**SPINACH_OMELETTE, "ingredients": [
            {"food": "usda:01123", "amount": -4, "unit": "large"}]}])),
         "recipe 1 ('Spinach omelette'), ingredient 1", "amount must be more than zero"),
        (_broken(lambda d: d.update(recipes=[{**SPINACH_OMELETTE, "ingredients": [
            {"food": "usda:11457", "amount": 1, "unit": "slice"}]}])),
         "recipe 1 ('Spinach omelette'), ingredient 1",
         "Spinach, raw (usda:11457) has no unit 'slice'"),
        (_broken(lambda d: d.update(recipes=[{**SPINACH_OMELETTE, "ingredients": [
            {"food": "usda:99999", "amount": 1, "unit": "g"}]}])),
         "recipe 1 ('Spinach omelette'), ingredient 1", "unknown food 'usda:99999'"),
        (_broken(lambda d: d.update(recipes=[
            {**SPINACH_OMELETTE, "ingredients": [{"food": "recipe:8", "amount": 1, "unit": "g"}]},
            {**SPINACH_OMELETTE, "id": "recipe:8", "name": "Inner",
             "ingredients": [{"food": "recipe:7", "amount": 1, "unit": "g"}]}])),
         "recipe 2 ('Inner'), ingredient 1",
         "contains itself: Inner -> Spinach omelette -> Inner"),
        (_broken(lambda d: d.update(recipes=[SPINACH_OMELETTE, SPINACH_OMELETTE])),
         "recipe 2 ('Spinach omelette')", "the id 'recipe:7' is also recipe 1"),
        (_broken(lambda d: d.update(recipes=[{**SPINACH_OMELETTE, "servings": 0}])),
         "recipe 1 ('Spinach omelette')", "servings must be more than zero"),
        (_broken(lambda d: _entry(d, food="recipe:9", unit="serving")), BREAKFAST_2,
         "unknown food 'recipe:9'"),
    ],
)
def test_a_broken_file_gives_one_clear_error(text: str, location: str, message: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        load_plan(text, resolve)
    assert caught.value.location == location
    assert message in caught.value.message
    assert str(caught.value) == f"{location}: {caught.value.message}"


def test_deeply_nested_json_is_a_plan_file_error() -> None:
    with pytest.raises(PlanFileError, match="nested too deeply|not valid JSON"):
        load_plan("[" * 100_000 + "]" * 100_000, resolve)


# Hypothesis strategies for whole plans.
names = st.text(st.characters(codec="utf-8"), min_size=1,
                max_size=12).filter(str.strip)
# At most 200 of any unit: 200 lb is 90.7 kg, under the 100 kg a file may hold.
amounts = st.one_of(st.integers(min_value=1, max_value=200),
                    st.floats(min_value=0.01, max_value=200, allow_nan=False))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    food = draw(st.sampled_from((EGG, SPINACH)))
    units = ["g", "kg", "oz", "lb", *(portion.description for portion in food.portions)]
    unit = draw(st.sampled_from(units))
    amount = draw(amounts) if unit != "kg" else draw(st.floats(min_value=0.01, max_value=50))
    return Entry(food.ref, amount, unit)


@st.composite
def supplements(draw: st.DrawFn) -> Supplement:
    weekly = draw(st.booleans())
    schedule: Schedule = "weekly" if weekly else "daily"
    weekday = draw(st.sampled_from(WEEKDAYS)) if weekly else None
    if draw(st.booleans()):
        unit = draw(st.sampled_from(("IU", "ug", "µg", "mcg")))
        # A dose is at least 0.001 µg: 0.04 IU (0.01 IU would be refused, rightly).
        dose = draw(st.floats(min_value=0.04, max_value=200)) if unit == "IU" else draw(amounts)
        return Supplement(draw(names), "vitamin_d", dose, unit, schedule, weekday)
    form = draw(st.none() | st.sampled_from(MAGNESIUM_FORMS))
    return Supplement(draw(names), "magnesium", draw(amounts), "mg", schedule, weekday, form)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    sex: Sex = draw(st.sampled_from(SEXES))
    stage: LifeStage = draw(st.sampled_from(LIFE_STAGES)) if sex == "female" else "none"
    overrides = draw(st.dictionaries(st.sampled_from(("magnesium_mg", "vitamin_d_ug.ul",
                                                      "energy_kcal", "calcium_mg.ear")),
                                     amounts, max_size=3))
    profile = Profile(draw(names), sex, draw(st.integers(1, 120)), stage, overrides)
    offsets = draw(st.lists(st.integers(0, 400), unique=True, max_size=5))
    days = []
    for offset in offsets:
        meals = draw(st.lists(st.builds(Meal, names, st.lists(entries(), max_size=3).map(tuple)),
                              max_size=4))
        days.append(Day(date(2026, 1, 1) + timedelta(days=offset), tuple(meals)))
    return Plan(profile, tuple(days), tuple(draw(st.lists(supplements(), max_size=3))),
                draw(st.none() | names))


round_trips = settings(max_examples=100, deadline=None, database=None)


@round_trips
@given(plans())
def test_plan_file_round_trip(plan: Plan) -> None:
    text = dump_plan(plan)
    loaded = load_plan(text, resolve)
    assert loaded.plan == plan
    assert dump_plan(loaded.plan) == text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _assert_loads_or_plan_file_error(text: str) -> None:
    try:
        result = load_plan(text, resolve)
    except PlanFileError:
        return
    assert isinstance(result, LoadedPlan)


garbage = settings(max_examples=300, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow])


@garbage
@given(st.text(max_size=200))
def test_random_text_gives_plan_file_error(text: str) -> None:
    _assert_loads_or_plan_file_error(text)


@garbage
@given(json_values)
def test_random_json_gives_plan_file_error(value: Any) -> None:
    _assert_loads_or_plan_file_error(json.dumps(value))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


EXAMPLE_PATHS = _paths(json.loads(EXAMPLE))[1:]


@garbage
@given(st.sampled_from(EXAMPLE_PATHS), json_values, st.booleans())
def test_a_mutated_example_loads_or_gives_plan_file_error(
    path: tuple, value: Any, delete: bool
) -> None:
    data = json.loads(EXAMPLE)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    _assert_loads_or_plan_file_error(json.dumps(data))


def test_a_supplement_given_by_its_compound_round_trips() -> None:
    import json as _json

    from planner.sources.plan_file import dump_plan, load_plan

    plan = {
        "format": "planner.plan/1",
        "profile": {"name": "Ana", "sex": "female", "age": 40, "life_stage": "none"},
        "supplements": [
            {"name": "Mg bisglycinate", "nutrient": "magnesium", "unit": "mg",
             "schedule": "daily", "compound": "magnesium bisglycinate",
             "compound_amount": 500},
            {"name": "Old magnesium", "nutrient": "magnesium", "amount": 200, "unit": "mg",
             "schedule": "daily", "form": "glycinate"},
            {"name": "Calcium", "nutrient": "calcium", "unit": "mg", "schedule": "daily",
             "compound": "carbonate", "compound_amount": 1250},
        ],
        "days": [],
    }
    loaded = load_plan(_json.dumps(plan), lambda ref: None).plan
    new, old, calcium = loaded.supplements
    assert (new.compound, new.compound_amount) == ("bisglycinate", 500)
    assert round(new.amount, 1) == 70.5
    # An old file's amount keeps meaning elemental magnesium.
    assert (old.amount, old.compound, old.form) == (200, None, "glycinate")
    assert round(calcium.amount, 1) == 500.5
    written = _json.loads(dump_plan(loaded))["supplements"][0]
    assert (written["compound"], written["compound_amount"]) == ("bisglycinate", 500)
    assert load_plan(dump_plan(loaded), lambda ref: None).plan == loaded


@pytest.mark.parametrize("supplement, message", [
    ({"compound": "bisglycinate", "compound_amount": 500, "amount": 500},
     "supplement 1 ('Mg'): amount 500 mg contradicts 500 mg of magnesium bisglycinate"),
    ({"compound": "calcium carbonate", "compound_amount": 500},
     "supplement 1 ('Mg'): calcium carbonate is a calcium compound, not magnesium"),
    ({"compound": "moonstone", "compound_amount": 500},
     "supplement 1 ('Mg'): unknown magnesium compound 'moonstone'"),
    ({"compound_amount": 500}, "supplement 1 ('Mg'): compound_amount needs the compound"),
])
def test_a_compound_that_does_not_fit_names_the_place(supplement: dict, message: str) -> None:  # type: ignore[type-arg]
    import json as _json

    from planner.sources.plan_file import PlanFileError, load_plan

    plan = {"format": "planner.plan/1",
            "profile": {"name": "Ana", "sex": "female", "age": 40, "life_stage": "none"},
            "supplements": [{"name": "Mg", "nutrient": "magnesium", "unit": "mg",
                             "schedule": "daily", **supplement}], "days": []}
    with pytest.raises(PlanFileError) as raised:
        load_plan(_json.dumps(plan), lambda ref: None)
    assert str(raised.value).startswith(message)
