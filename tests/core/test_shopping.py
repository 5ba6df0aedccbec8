"""Shopping lists from real USDA SR28 foods: sums, units, rounding, aisles, nutrition."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

import pytest

from planner.core.analysis import analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.shopping import (
    MAX_FACTOR,
    Aisles,
    AislesError,
    ShoppingItem,
    ShoppingList,
    build_shopping_list,
    extra_item,
    short_food_name,
    weight_text,
)
from planner.core.targets import Targets
from planner.paths import read_shipped_text

MONDAY = date(2026, 11, 23)
ANA = Profile("Ana", "female", 45)

EGG = FoodRef("usda-sr28", "01123")  # large = 50 g; magnesium 12 mg, vitamin D 2.0 µg / 100 g
SPINACH = FoodRef("usda-sr28", "11457")  # cup 30 g, bunch 340 g; magnesium 79 mg / 100 g
RICE = FoodRef("usda-sr28", "20045")  # white rice, cooked: cup 158 g
OATS = FoodRef("usda-sr28", "08120")  # cup 81 g
ALMONDS = FoodRef("usda-sr28", "12061")
SALMON = FoodRef("usda-sr28", "15236")  # Atlantic, farmed, raw
BREAD = FoodRef("usda-sr28", "18069")  # white bread: slice 29 g
TUNA = FoodRef("usda-sr28", "15121")  # light, canned in water
GARLIC = FoodRef("usda-sr28", "11215")  # clove 3 g


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    release = read_shipped_dataset()
    assert len(release.foods) == 8789
    return {food.ref: food for food in release.foods}


@pytest.fixture(scope="module")
def aisles() -> Aisles:
    return Aisles.from_json(read_shipped_text("aisles.json"))


def _days(*meals_by_day: tuple[Meal, ...], start: date = MONDAY) -> Plan:
    days = tuple(Day(start + timedelta(days=n), meals) for n, meals in enumerate(meals_by_day))
    return Plan(ANA, days)


def _daily(entries: tuple[Entry, ...], days: int, meal: str = "Lunch") -> Plan:
    return _days(*[(Meal(meal, entries),)] * days)


def _only(sl: ShoppingList, ref: FoodRef) -> ShoppingItem:
    found = [item for item in sl.items if item.food == ref]
    assert len(found) == 1, sl.items
    return found[0]


# --- Sums and the household factor ----------------------------------------------------------


def test_rice_on_seven_days_sums_to_1400_g_and_doubles_with_factor_2(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(RICE, 200, "g"),), 7)

    single = build_shopping_list(plan, foods, aisles)
    double = build_shopping_list(plan, foods, aisles, factor=2)

    (rice,) = single.items
    assert rice.food == RICE and rice.grams == pytest.approx(1400.0)
    assert rice.name == "Rice, white, long-grain, regular, enriched, cooked"
    assert rice.display == "1.4 kg cooked white rice"
    assert rice.aisle == "grains and pasta"
    assert double.items[0].grams == pytest.approx(2800.0)
    assert double.items[0].display == "2.8 kg cooked white rice"
    assert double.factor == 2.0
    assert (single.start, single.end) == (MONDAY, MONDAY + timedelta(days=6))
    assert single.notes == ()


def test_the_same_food_sums_across_meals_days_and_units(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    # 2 large (100 g) at breakfast and 60 g at lunch, on 3 days: 480 g; 1 cup spinach (30 g)
    # and 45 g: 75 g a day, 225 g.
    day = (
        Meal("Breakfast", (Entry(EGG, 2, "large"), Entry(SPINACH, 1, "cup"))),
        Meal("Lunch", (Entry(EGG, 60, "g"), Entry(SPINACH, 45, "g"))),
    )
    sl = build_shopping_list(_days(day, day, day), foods, aisles)

    assert len(sl.items) == 2
    assert _only(sl, EGG).grams == pytest.approx(480.0)
    assert _only(sl, SPINACH).grams == pytest.approx(225.0)
    # The eggs' own measure: 480 g is 9.6 large eggs, so 10.
    assert _only(sl, EGG).display == "10 large eggs (500 g)"


def test_days_outside_the_range_are_left_out(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(RICE, 200, "g"),), 7)

    sl = build_shopping_list(plan, foods, aisles, start=MONDAY + timedelta(days=2),
                             end=MONDAY + timedelta(days=4))

    assert sl.items[0].grams == pytest.approx(600.0)
    assert (sl.start, sl.end) == (date(2026, 11, 25), date(2026, 11, 27))
    assert sl.nutrition is not None and sl.nutrition.days == 3


def test_an_open_end_is_the_last_planned_day(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(RICE, 200, "g"),), 4)

    sl = build_shopping_list(plan, foods, aisles, start=MONDAY + timedelta(days=1))

    assert sl.items[0].grams == pytest.approx(600.0)
    assert (sl.start, sl.end) == (date(2026, 11, 24), date(2026, 11, 26))


# --- Units and rounding ---------------------------------------------------------------------


def test_two_large_eggs_on_two_days_are_four_large_eggs(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(EGG, 2, "large"),), 2, meal="Breakfast")

    (eggs,) = build_shopping_list(plan, foods, aisles).items

    assert eggs.display == "4 large eggs (200 g)"
    assert eggs.grams == pytest.approx(200.0)
    assert eggs.aisle == "dairy and eggs"


def test_300_g_of_spinach_rounds_up_to_one_bunch(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    (spinach,) = build_shopping_list(_daily((Entry(SPINACH, 300, "g"),), 1), foods, aisles).items

    assert spinach.display == "1 bunch spinach (340 g)"
    # The need stays exact; only the display rounds up to what is bought.
    assert spinach.grams == pytest.approx(300.0)


def test_a_bunch_is_not_shown_for_a_third_of_one(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    (spinach,) = build_shopping_list(_daily((Entry(SPINACH, 100, "g"),), 1), foods, aisles).items

    assert spinach.display == "100 g spinach"


@pytest.mark.parametrize(
    ("ref", "amount", "unit", "days", "metric", "us"),
    [
        (EGG, 2, "large", 2, "4 large eggs (200 g)", "4 large eggs (7.1 oz)"),
        (EGG, 100, "g", 2, "4 large eggs (200 g)", "4 large eggs (7.1 oz)"),
        (EGG, 0.5, "large", 1, "1 large egg (50 g)", "1 large egg (1.8 oz)"),
        (RICE, 200, "g", 7, "1.4 kg cooked white rice", "3.1 lb cooked white rice"),
        (OATS, 0.8, "cup", 3, "195 g oats (2.4 cups)", "2.4 cups oats (6.9 oz)"),
        (OATS, 65, "g", 3, "195 g oats", "6.9 oz oats"),
        (ALMONDS, 30, "g", 7, "210 g almonds", "7.5 oz almonds"),
        (BREAD, 2, "slice", 7, "14 slices white bread (406 g)", "14 slices white bread (14.4 oz)"),
        (BREAD, 60, "g", 7, "15 slices white bread (435 g)", "15 slices white bread (15.4 oz)"),
        (GARLIC, 2, "clove", 5, "10 cloves garlic (30 g)", "10 cloves garlic (1.1 oz)"),
        (SALMON, 150, "g", 2, "1 fillet salmon (396 g)", "1 fillet salmon (14 oz)"),
        (TUNA, 100, "g", 3, "1 can tuna (315 g)", "1 can tuna (11.2 oz)"),
        # The measure is the food: not "8 rolls rolls".
        (FoodRef("usda-sr28", "18347"), 100, "g", 2, "8 rolls (224 g)", "8 rolls (8 oz)"),
    ],
)
def test_quantities_in_practical_units(
    foods: Mapping[FoodRef, Food],
    aisles: Aisles,
    ref: FoodRef,
    amount: float,
    unit: str,
    days: int,
    metric: str,
    us: str,
) -> None:
    plan = _daily((Entry(ref, amount, unit),), days)

    (in_metric,) = build_shopping_list(plan, foods, aisles).items
    (in_us,) = build_shopping_list(plan, foods, aisles, units="us").items

    assert (in_metric.display, in_us.display) == (metric, us)
    assert in_metric.grams == in_us.grams


@pytest.mark.parametrize(
    ("grams", "units", "text"),
    [
        (0.3, "metric", "1 g"),
        (194.4, "metric", "195 g"),
        (999.2, "metric", "1 kg"),
        (1400.0, "metric", "1.4 kg"),
        (1234.0, "metric", "1.24 kg"),
        (200.0, "us", "7.1 oz"),
        (453.0, "us", "1 lb"),
        (453.59237, "us", "1 lb"),
        (1400.0, "us", "3.1 lb"),
    ],
)
def test_weights_round_up_for_shopping(grams: float, units: str, text: str) -> None:
    assert weight_text(grams, units) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ref", "short"),
    [
        (EGG, "egg"),
        (SPINACH, "spinach"),
        (OATS, "oats"),
        (ALMONDS, "almonds"),
        (SALMON, "salmon"),
        (BREAD, "white bread"),
        (RICE, "cooked white rice"),
        (FoodRef("usda-sr28", "01077"), "whole milk"),
        (FoodRef("usda-sr28", "01009"), "cheddar cheese"),
        (FoodRef("usda-sr28", "16015"), "cooked black beans"),
        # Roasted nuts are bought roasted: no "cooked".
        (FoodRef("usda-sr28", "12063"), "almonds"),
        (FoodRef("usda-sr28", "18347"), "rolls"),
        (FoodRef("usda-sr28", "06151"), "plum sauce"),
        (FoodRef("usda-sr28", "31015"), "PACE diced green chilies"),
    ],
)
def test_short_names_for_the_list(
    foods: Mapping[FoodRef, Food], ref: FoodRef, short: str
) -> None:
    assert short_food_name(foods[ref]) == short


# --- Empty ranges, bad arguments ------------------------------------------------------------


def test_an_empty_range_is_an_empty_list_with_a_note(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(RICE, 200, "g"),), 7)

    sl = build_shopping_list(plan, foods, aisles, start=date(2026, 12, 1), end=date(2026, 12, 7))

    assert sl.items == ()
    assert sl.notes == ("No meals planned between 2026-12-01 and 2026-12-07.",)
    assert sl.nutrition is None
    assert (sl.start, sl.end) == (date(2026, 12, 1), date(2026, 12, 7))


def test_an_empty_plan_keeps_the_items_added_by_hand(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    soap = extra_item("Dish soap")

    sl = build_shopping_list(Plan.week(ANA, MONDAY), foods, aisles, extra_items=[soap])

    assert sl.items == (soap,)
    assert sl.notes == ("No meals planned yet.",)
    assert (sl.start, sl.end) == (None, None)


def test_start_after_end_is_an_error(foods: Mapping[FoodRef, Food], aisles: Aisles) -> None:
    with pytest.raises(ValueError, match="starts 2026-11-29, after its end 2026-11-23"):
        build_shopping_list(Plan(ANA), foods, aisles, start=date(2026, 11, 29), end=MONDAY)


@pytest.mark.parametrize("factor", [0, -1, 0.09, 5e-324, 50.5, math.nan, math.inf, True, "2"])
def test_the_factor_must_be_from_0_1_to_50(
    foods: Mapping[FoodRef, Food], aisles: Aisles, factor: object
) -> None:
    with pytest.raises(ValueError, match=r"household factor must be 0\.1 to 50, got"):
        build_shopping_list(Plan(ANA), foods, aisles, factor=factor)  # type: ignore[arg-type]


def test_the_largest_factor_is_accepted(foods: Mapping[FoodRef, Food], aisles: Aisles) -> None:
    sl = build_shopping_list(_daily((Entry(RICE, 200, "g"),), 1), foods, aisles,
                             factor=MAX_FACTOR)

    assert sl.items[0].grams == pytest.approx(10_000.0)


def test_units_are_metric_or_us(foods: Mapping[FoodRef, Food], aisles: Aisles) -> None:
    with pytest.raises(ValueError, match="units must be metric or us"):
        build_shopping_list(Plan(ANA), foods, aisles, units="imperial")  # type: ignore[arg-type]


def test_entries_that_cannot_be_weighed_are_noted_not_dropped(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    unknown = FoodRef("usda-sr28", "99999")
    plan = _daily((Entry(BREAD, 1, "handful"), Entry(BREAD, 2, "slice"),
                   Entry(unknown, 50, "g")), 2)

    sl = build_shopping_list(plan, foods, aisles)

    bread = _only(sl, BREAD)
    assert bread.grams == pytest.approx(116.0)
    assert bread.display == "4 slices white bread (116 g) + 2 handful"
    assert bread.note
    mystery = _only(sl, unknown)
    assert mystery.grams is None and mystery.aisle == "other"
    assert mystery.display == "100 g usda:99999"
    assert len(sl.notes) == 2
    assert sl.notes[0].startswith("2 entries of usda:18069 in 'handful' (first on 2026-11-23)")
    assert "usda:99999 is not in the database" in sl.notes[1]
    assert sl.nutrition is not None and sl.nutrition.magnesium_unknown == 4


# --- Items added by hand and ticks ----------------------------------------------------------


def test_items_added_by_hand_and_ticks_are_kept(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily((Entry(EGG, 2, "large"), Entry(RICE, 200, "g")), 2)
    soap = extra_item("Dish soap", checked=True)
    lemons = extra_item("Lemons", quantity="2", aisle="produce", note="organic")

    sl = build_shopping_list(plan, foods, aisles, extra_items=[soap, lemons],
                             checked={"usda:01123", "extra:lemons"})

    by_key = {item.key: item for item in sl.items}
    assert set(by_key) == {"usda:01123", "usda:20045", "extra:dish soap", "extra:lemons"}
    assert by_key["usda:01123"].checked and not by_key["usda:20045"].checked
    assert by_key["extra:dish soap"].checked
    assert by_key["extra:lemons"] == replace(lemons, checked=True)
    assert by_key["extra:lemons"].display == "2 Lemons" and by_key["extra:lemons"].grams is None
    assert sl.checked_keys == {"usda:01123", "extra:dish soap", "extra:lemons"}


def test_ticking_an_item_returns_a_new_list(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    sl = build_shopping_list(_daily((Entry(EGG, 2, "large"),), 1), foods, aisles)

    ticked = sl.with_checked("usda:01123")

    assert ticked.items[0].checked and not sl.items[0].checked
    assert not ticked.with_checked("usda:01123", False).items[0].checked
    with pytest.raises(KeyError):
        sl.with_checked("usda:11457")


def test_an_item_added_by_hand_needs_a_name() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        extra_item("   ")


# --- Aisles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ndb", "aisle"),
    [
        ("01123", "dairy and eggs"),  # Egg, whole, raw, fresh
        ("11457", "produce"),  # Spinach, raw
        ("12061", "nuts and seeds"),  # Nuts, almonds
        ("15236", "meat and fish"),  # Fish, salmon, Atlantic, farmed, raw
        ("18069", "bakery"),  # Bread, white
        ("20045", "grains and pasta"),  # Rice, white, cooked
        ("08120", "grains and pasta"),  # Cereals, oats
        ("14180", "drinks"),  # Beverages, coffee, brewed
        # Rules on the name come before the food group:
        ("11463", "frozen"),  # Spinach, frozen, chopped or leaf, unprepared
        ("19095", "frozen"),  # Ice creams, vanilla
        ("18271", "bakery"),  # Ice cream cones, cake or wafer-type: not ice cream
        ("09206", "drinks"),  # Orange juice, raw
        ("15121", "canned and dry goods"),  # Fish, tuna, light, canned in water
        ("09032", "canned and dry goods"),  # Apricots, dried
        ("02044", "produce"),  # Basil, fresh
        ("16087", "nuts and seeds"),  # Peanuts, all types, raw
        ("04073", "dairy and eggs"),  # Margarine, regular, hard
    ],
)
def test_foods_go_to_their_aisle(
    foods: Mapping[FoodRef, Food], aisles: Aisles, ndb: str, aisle: str
) -> None:
    food = foods[FoodRef("usda-sr28", ndb)]
    assert aisles.aisle_of(food.name, food.group_code) == aisle


def test_every_food_group_has_an_aisle(aisles: Aisles) -> None:
    codes = {line.split(",")[0] for line in read_shipped_text("foods/food_groups.csv")
             .splitlines()[1:] if line}
    assert codes == set(aisles.groups)
    assert aisles.aisle_of("Something", None) == "other"
    assert aisles.aisle_of("Something", "9900") == "other"


def test_the_list_walks_the_aisles_in_order_then_by_name(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = _daily(tuple(Entry(ref, 100, "g") for ref in
                        (RICE, ALMONDS, BREAD, SALMON, EGG, SPINACH, GARLIC, OATS)), 1)

    sl = build_shopping_list(plan, foods, aisles)

    assert [item.aisle for item in sl.items] == [
        "produce", "produce", "dairy and eggs", "meat and fish", "bakery",
        "grains and pasta", "grains and pasta", "nuts and seeds",
    ]
    assert [item.food for item in sl.items][:2] == [GARLIC, SPINACH]
    assert [item.food for item in sl.items][5:7] == [OATS, RICE]  # "Cereals, oats" < "Rice"
    assert [aisle for aisle, _ in sl.by_aisle()] == [
        "produce", "dairy and eggs", "meat and fish", "bakery", "grains and pasta",
        "nuts and seeds",
    ]


def test_a_custom_order_is_respected(foods: Mapping[FoodRef, Food], aisles: Aisles) -> None:
    custom = aisles.with_order(["nuts and seeds", "bakery", "produce"])
    plan = _daily((Entry(SPINACH, 100, "g"), Entry(BREAD, 100, "g"), Entry(ALMONDS, 30, "g"),
                   Entry(EGG, 2, "large")), 1)

    sl = build_shopping_list(plan, foods, custom)

    assert custom.order[:4] == ("nuts and seeds", "bakery", "produce", "dairy and eggs")
    assert len(custom.order) == len(aisles.order)
    assert [item.aisle for item in sl.items] == [
        "nuts and seeds", "bakery", "produce", "dairy and eggs",
    ]
    assert sl.aisle_order == custom.order


@pytest.mark.parametrize(
    ("order", "message"),
    [(["produce", "pharmacy"], "unknown aisle 'pharmacy'"),
     (["produce", "produce"], "listed twice"),
     ("produce", "not one string")],
)
def test_a_custom_order_names_known_aisles_once(
    aisles: Aisles, order: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        aisles.with_order(order)


def test_aisles_survive_a_round_trip_through_json(aisles: Aisles) -> None:
    again = Aisles.from_json(aisles.with_order(["frozen"]).to_json())

    assert again.order[0] == "frozen"
    assert again.groups == aisles.groups and again.default == aisles.default
    assert [(r.pattern.pattern, r.aisle, r.groups) for r in again.rules] == [
        (r.pattern.pattern, r.aisle, r.groups) for r in aisles.rules
    ]


def _aisles_json(**changes: object) -> str:
    data: dict[str, object] = {
        "format": "planner.aisles/1",
        "order": ["produce", "other"],
        "default": "other",
        "rules": [{"pattern": "^basil", "aisle": "produce"}],
        "groups": {"1100": "produce"},
    }
    data.update(changes)
    return json.dumps({key: value for key, value in data.items() if value is not None})


def test_a_small_aisles_file_works() -> None:
    small = Aisles.from_json(_aisles_json())

    assert small.aisle_of("BASIL, fresh", "0200") == "produce"  # patterns ignore case
    assert small.aisle_of("Carrots, raw", "1100") == "produce"
    assert small.aisle_of("Eggs", "0100") == "other"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "expected a JSON object"),
        (_aisles_json(format="planner.aisles/2"), "format must be 'planner.aisles/1'"),
        (_aisles_json(format=None), "format must be"),
        (_aisles_json(order="produce"), "'order' must be a list"),
        (_aisles_json(order=[]), "names no aisle"),
        (_aisles_json(order=["produce", "produce", "other"]), "produce listed twice"),
        (_aisles_json(default="pharmacy"), "default names aisle 'pharmacy'"),
        (_aisles_json(rules=[{"pattern": "(", "aisle": "produce"}]), "not a regular expression"),
        (_aisles_json(rules=[{"pattern": "x", "aisle": "deli"}]), "names aisle 'deli'"),
        (_aisles_json(rules=[{"pattern": "x"}]), "'aisle' must be"),
        (_aisles_json(rules=[{"pattern": "x", "aisle": "other", "groups": "1100"}]),
         "'groups' must be a list"),
        (_aisles_json(rules={"x": "other"}), "'rules' must be a list"),
        (_aisles_json(groups={"veg": "produce"}), "not a USDA food group code"),
        (_aisles_json(groups={"1100": "veg"}), "group 1100 names aisle 'veg'"),
        (_aisles_json(groups=["1100"]), "'groups' must map"),
        (_aisles_json(shelves=[]), "unknown keys shelves"),
    ],
)
def test_a_bad_aisles_file_is_a_value_error(text: str, message: str) -> None:
    with pytest.raises(AislesError, match=message) as raised:
        Aisles.from_json(text)
    assert isinstance(raised.value, ValueError)


# --- Nutrition of the list ------------------------------------------------------------------


def test_the_list_supplies_its_share_of_the_targets(
    foods: Mapping[FoodRef, Food], aisles: Aisles, woman_45: Targets
) -> None:
    # Per day: 300 g spinach (237 mg magnesium, 0 µg vitamin D) and 2 large eggs (100 g:
    # 12 mg, 2.0 µg). A woman of 45: RDA magnesium 320 mg, vitamin D 15 µg.
    plan = _daily((Entry(SPINACH, 300, "g"), Entry(EGG, 2, "large")), 7)

    nutrition = build_shopping_list(plan, foods, aisles, factor=2, targets=woman_45).nutrition

    assert nutrition is not None
    assert nutrition.days == 7 and nutrition.factor == 2.0
    assert nutrition.magnesium_mg == pytest.approx((237 + 12) * 7 * 2)
    assert nutrition.vitamin_d_ug == pytest.approx(2.0 * 7 * 2)
    assert nutrition.magnesium_target_mg == pytest.approx(320 * 7 * 2)
    assert nutrition.vitamin_d_target_ug == pytest.approx(15 * 7 * 2)
    assert nutrition.magnesium_percent == pytest.approx(249 / 320 * 100)
    assert nutrition.vitamin_d_percent == pytest.approx(2 / 15 * 100)
    assert (nutrition.magnesium_unknown, nutrition.vitamin_d_unknown) == (0, 0)


def test_nutrition_counts_only_days_with_entries_and_needs_targets_for_shares(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    plan = Plan.week(ANA, MONDAY)
    plan = plan.with_day(plan.days[2].add_entry(0, Entry(SPINACH, 100, "g")))

    nutrition = build_shopping_list(plan, foods, aisles).nutrition

    assert nutrition is not None and nutrition.days == 1
    assert nutrition.magnesium_mg == pytest.approx(79.0)
    assert nutrition.magnesium_target_mg is None and nutrition.magnesium_percent is None


def test_the_list_and_the_analysis_agree_on_magnesium(
    foods: Mapping[FoodRef, Food], aisles: Aisles, woman_45: Targets
) -> None:
    day = (Meal("Breakfast", (Entry(OATS, 80, "g"), Entry(EGG, 2, "large"))),
           Meal("Dinner", (Entry(SALMON, 150, "g"), Entry(RICE, 1, "cup"),
                           Entry(SPINACH, 2, "cup"))))
    plan = _days(day, day, day)

    nutrition = build_shopping_list(plan, foods, aisles, targets=woman_45).nutrition
    analysis = analyze(plan, foods, woman_45)

    assert nutrition is not None
    for key, value in (("magnesium_mg", nutrition.magnesium_mg),
                       ("vitamin_d_ug", nutrition.vitamin_d_ug)):
        food_total = sum(d.totals[key].from_food or 0.0 for d in analysis.days)
        assert value == pytest.approx(food_total)


def test_the_shipped_pantry_and_a_broken_one() -> None:
    from planner.core.shopping import AislesError, Pantry
    from planner.paths import read_shipped_text

    pantry = Pantry.from_json(read_shipped_text("pantry.json"))
    assert pantry.is_staple("Salt, table") and pantry.is_staple("Oil, olive, salad or cooking")
    assert pantry.is_staple("Spices, pepper, black")
    assert not pantry.is_staple("Butter, salted") and not pantry.is_staple("Egg, whole, raw")
    for text, message in (("[", "not valid JSON"), ('{"format": "x"}', "planner.pantry/1"),
                          ('{"format": "planner.pantry/1", "staples": ["("]}', "not valid")):
        with pytest.raises(AislesError, match=message):
            Pantry.from_json(text)
