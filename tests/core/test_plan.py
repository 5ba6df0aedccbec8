"""Plan values: profiles, days, meals, entries, supplements; changes return copies."""

from __future__ import annotations

from datetime import date

import pytest

from planner.core.plan import (
    DEFAULT_MEALS,
    Day,
    Entry,
    Meal,
    Plan,
    PlanError,
    Profile,
    Supplement,
)
from planner.core.targets import DriTables

from .foods_fixture import EGG, SPINACH

MONDAY = date(2026, 11, 23)
ANA = Profile("Ana", "female", 45)


def test_a_new_week_has_seven_days_with_the_default_meals() -> None:
    plan = Plan.week(ANA, MONDAY)
    assert [day.date.isoformat() for day in plan.days] == [
        "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28",
        "2026-11-29",
    ]
    assert all(tuple(meal.name for meal in day.meals) == DEFAULT_MEALS for day in plan.days)
    assert DEFAULT_MEALS == ("Breakfast", "Lunch", "Dinner", "Snacks")
    assert plan.is_empty


def test_changes_return_copies() -> None:
    plan = Plan.week(ANA, MONDAY)
    day = plan.day(MONDAY)
    eggs = Entry(EGG.ref, 2, "large")
    changed = plan.with_day(day.add_entry(day.meal_index("breakfast"), eggs))
    assert plan.is_empty and not changed.is_empty
    assert list(changed.day(MONDAY).entries) == [eggs]
    assert changed.day(MONDAY).entry_count == 1


def test_meals_are_renamable_and_reorderable() -> None:
    day = Day.with_default_meals(MONDAY)
    day = day.rename_meal(3, "Second breakfast").move_meal(3, 1).add_meal("Supper")
    assert [meal.name for meal in day.meals] == [
        "Breakfast", "Second breakfast", "Lunch", "Dinner", "Supper",
    ]
    day = day.remove_meal(4)
    assert len(day.meals) == 4
    with pytest.raises(PlanError, match="no meal at position 9; there are 4"):
        day.rename_meal(8, "x")
    with pytest.raises(PlanError, match="2026-11-23 has no meal 'Brunch'"):
        day.meal_index("Brunch")


def test_meal_entries_replace_and_remove() -> None:
    meal = Meal("Lunch").add_entry(Entry(SPINACH.ref, 60, "g"))
    meal = meal.add_entry(Entry(EGG.ref, 1, "large"))
    meal = meal.replace_entry(0, Entry(SPINACH.ref, 1, "cup"))
    assert [entry.unit for entry in meal.entries] == ["cup", "large"]
    assert [entry.unit for entry in meal.remove_entry(0).entries] == ["large"]


def test_days_are_kept_in_date_order_and_unique() -> None:
    later, earlier = Day(date(2026, 11, 30)), Day(MONDAY)
    plan = Plan(ANA, (later, earlier))
    assert plan.dates == (MONDAY, date(2026, 11, 30))
    with pytest.raises(PlanError, match="2026-11-23 is in the plan twice"):
        Plan(ANA, (earlier, Day(MONDAY)))
    with pytest.raises(PlanError, match="already in the plan"):
        plan.add_day(MONDAY)
    assert plan.remove_day(MONDAY).dates == (date(2026, 11, 30),)
    assert plan.add_day(date(2026, 11, 24)).dates[1] == date(2026, 11, 24)


@pytest.mark.parametrize(("amount", "message"), [(0, "more than zero"), (-1, "more than zero"),
                                                 (float("nan"), "not a number")])
def test_entry_amount_must_be_positive(amount: float, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        Entry(EGG.ref, amount, "large")


def test_weekly_dose_counts_a_seventh_every_day() -> None:
    weekly = Supplement("Vitamin D3 50000 IU", "vitamin_d", 50000, "IU", "weekly", "sun")
    assert weekly.dose == 1250.0
    assert weekly.daily_amount == pytest.approx(178.5714285714)
    assert weekly.daily_amount * 40 == pytest.approx(7142.857142857)
    daily = Supplement("Vitamin D3 2000 IU", "vitamin_d", 2000, "IU")
    magnesium = Supplement("Magnesium glycinate", "magnesium", 200, "mg", form="glycinate")
    plan = Plan(ANA, supplements=(weekly, daily, magnesium))
    amounts = plan.supplement_daily_amounts()
    assert amounts["vitamin_d_ug"] == pytest.approx(228.5714285714)
    assert amounts["magnesium_mg"] == 200.0
    assert plan.remove_supplement(0).supplement_daily_amounts()["vitamin_d_ug"] == 50.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nutrient": "vitamin_c", "unit": "mg"}, "vitamin_d, magnesium or calcium"),
        ({"unit": "mg"}, "vitamin_d is given in IU, ug, µg, mcg, not 'mg'"),
        ({"nutrient": "magnesium", "unit": "IU"}, "magnesium is given in mg, g"),
        ({"amount": 0}, "dose must be more than zero"),
        ({"amount": float("inf")}, "dose must be a finite number, got inf"),
        ({"amount": 2_000_000}, "implausibly large"),
        ({"schedule": "monthly"}, "daily or weekly"),
        ({"schedule": "weekly"}, "needs a weekday"),
        ({"schedule": "weekly", "weekday": "sunday"}, "needs a weekday"),
        ({"weekday": "sun"}, "a daily supplement has no weekday"),
        ({"form": "citrate"}, "only a magnesium supplement has a form"),
        ({"nutrient": "magnesium", "unit": "mg", "amount": 200, "form": "carbonate"},
         "magnesium form must be one of citrate, glycinate"),
        ({"name": " "}, "needs a name"),
    ],
)
def test_bad_supplements_are_refused(kwargs: dict, message: str) -> None:
    values = {"name": "D3", "nutrient": "vitamin_d", "amount": 2000, "unit": "IU"} | kwargs
    with pytest.raises(PlanError, match=message):
        Supplement(**values)


def test_profile_validates_and_builds_targets(dri_tables: DriTables) -> None:
    with pytest.raises(PlanError, match="female profile only"):
        Profile("Bo", "male", 30, "pregnancy")
    with pytest.raises(PlanError, match="unknown nutrient"):
        Profile("Bo", "male", 30, target_overrides={"magnesium": 1})
    profile = ANA.with_override("magnesium_mg.ear", 300)
    assert profile.targets(dri_tables)["magnesium_mg"].ear == 300
    assert profile.with_override("magnesium_mg.ear", None).target_overrides == {}
    assert ANA.targets(dri_tables)["magnesium_mg"].ear == 265
