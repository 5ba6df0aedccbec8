"""Benchmark: analysing a 7-day plan, 4 meals a day, 200 entries (goal: under 5 ms).

Run with ``pytest tests/perf --benchmark-enable``; in the default run the benchmark executes
once as a plain test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import DEFAULT_MEALS, Day, Entry, Meal, Plan, Profile, Supplement
from planner.core.rules import RuleSettings
from planner.core.targets import DriTables, targets_for
from planner.paths import read_shipped_text

FOOD_COUNT = 40
ENTRY_COUNT = 200


def _foods() -> dict[FoodRef, Food]:
    # Synthetic foods with every value known except, for every fifth food, vitamin D: the
    # analysis does the same work per value whatever the food is.
    foods = {}
    for number in range(FOOD_COUNT):
        values: dict[str, float | None] = {
            key: float((number * 7 + index * 13) % 50 + 1)
            for index, key in enumerate(NUTRIENT_KEYS)
        }
        if number % 5 == 0:
            values["vitamin_d_ug"] = None
        ref = FoodRef("usda-sr28", f"{90000 + number:05d}")
        portions = (Portion(1, "cup", 30 + number), Portion(1, "slice, large", 25),
                    Portion(0.5, "cup, chopped", 20))
        foods[ref] = Food(ref, f"Food {number}", "1100", nutrient_map(values), portions)
    return foods


def _plan(foods: dict[FoodRef, Food]) -> Plan:
    refs = list(foods)
    units = ("g", "cup", "slice", "oz", "cup, chopped")
    days = []
    position = 0
    start = date(2026, 11, 23)
    for offset in range(7):
        meals = []
        for meal_index, name in enumerate(DEFAULT_MEALS):
            slot = offset * len(DEFAULT_MEALS) + meal_index
            # 200 entries over 28 meals: 7 or 8 each.
            count = ENTRY_COUNT * (slot + 1) // 28 - ENTRY_COUNT * slot // 28
            entries = []
            for _ in range(count):
                entries.append(Entry(refs[position % len(refs)], 1 + position % 3,
                                     units[position % len(units)]))
                position += 1
            meals.append(Meal(name, tuple(entries)))
        days.append(Day(start + timedelta(days=offset), tuple(meals)))
    supplements = (
        Supplement("Vitamin D3 2000 IU", "vitamin_d", 2000, "IU"),
        Supplement("Vitamin D3 50000 IU", "vitamin_d", 50000, "IU", "weekly", "sun"),
        Supplement("Magnesium citrate", "magnesium", 200, "mg", form="citrate"),
    )
    return Plan(Profile("Ana", "female", 45), tuple(days), supplements)


@pytest.mark.benchmark(group="analysis")
def test_analyse_a_week_of_200_entries(benchmark: BenchmarkFixture) -> None:
    tables = DriTables.from_csv(read_shipped_text("dri_all.csv"))
    targets = targets_for(tables, age=45, sex="female")
    foods = _foods()
    plan = _plan(foods)
    settings = RuleSettings()
    assert sum(day.entry_count for day in plan.days) == ENTRY_COUNT

    result: Analysis = benchmark(analyze, plan, foods, targets, settings)

    assert result.unresolved == ()
    assert result.week.entry_count == ENTRY_COUNT and result.week.averaged_days == 7
    assert sum(day.totals["magnesium_mg"].known for day in result.days) == ENTRY_COUNT
    # Every fifth food has no vitamin D value: 40 of the 200 entries.
    assert sum(day.totals["vitamin_d_ug"].unknown for day in result.days) == 40
