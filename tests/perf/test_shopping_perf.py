"""Benchmarks: a week's shopping list from 200 entries (goal: under 20 ms) and its HTML page.

Run with ``pytest tests/perf/test_shopping_perf.py --benchmark-enable``; in the default run
each benchmark executes once as a plain test.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.foods import Food, FoodRef
from planner.core.plan import DEFAULT_MEALS, Day, Entry, Meal, Plan, Profile
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list
from planner.core.targets import DriTables, Targets, targets_for
from planner.paths import read_shipped_text
from planner.reports.shopping import to_html

FOOD_COUNT = 40
ENTRY_COUNT = 200
#: The goal for building a week's list, in seconds.
GOAL_S = 0.020


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@pytest.fixture(scope="module")
def aisles() -> Aisles:
    return Aisles.from_json(read_shipped_text("aisles.json"))


@pytest.fixture(scope="module")
def targets() -> Targets:
    tables = DriTables.from_csv(read_shipped_text("dri_targets.csv"),
                                read_shipped_text("dri_ear.csv"))
    return targets_for(tables, age=45, sex="female")


def _week(foods: Mapping[FoodRef, Food]) -> Plan:
    """200 entries over 28 meals: 40 real foods spread over the food groups, each entered
    alternately in grams and in its first household measure."""
    with_portions = [food for food in foods.values() if food.portions]
    step = len(with_portions) // FOOD_COUNT
    chosen = with_portions[::step][:FOOD_COUNT]
    start = date(2026, 11, 23)
    position = 0
    days = []
    for offset in range(7):
        meals = []
        for meal_index, name in enumerate(DEFAULT_MEALS):
            slot = offset * len(DEFAULT_MEALS) + meal_index
            count = ENTRY_COUNT * (slot + 1) // 28 - ENTRY_COUNT * slot // 28
            entries = []
            for _ in range(count):
                food = chosen[position % FOOD_COUNT]
                if position % 2:
                    entries.append(Entry(food.ref, 1 + position % 3,
                                         food.portions[0].description))
                else:
                    entries.append(Entry(food.ref, 40 + position % 90, "g"))
                position += 1
            meals.append(Meal(name, tuple(entries)))
        days.append(Day(start + timedelta(days=offset), tuple(meals)))
    return Plan(Profile("Ana", "female", 45), tuple(days))


def _check_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    if not benchmark.disabled:
        assert benchmark.stats is not None
        assert benchmark.stats.stats.median < goal_s


@pytest.mark.benchmark(group="shopping")
def test_build_a_weeks_list_from_200_entries(
    benchmark: BenchmarkFixture, foods: Mapping[FoodRef, Food], aisles: Aisles,
    targets: Targets,
) -> None:
    plan = _week(foods)
    assert sum(day.entry_count for day in plan.days) == ENTRY_COUNT

    result: ShoppingList = benchmark(build_shopping_list, plan, foods, aisles, factor=2,
                                     targets=targets)

    assert len(result.items) == FOOD_COUNT
    assert result.notes == ()
    assert result.nutrition is not None and result.nutrition.days == 7
    _check_goal(benchmark, GOAL_S)


@pytest.mark.benchmark(group="shopping")
def test_render_a_weeks_list_as_html(
    benchmark: BenchmarkFixture, foods: Mapping[FoodRef, Food], aisles: Aisles,
    targets: Targets,
) -> None:
    shopping_list = build_shopping_list(_week(foods), foods, aisles, factor=2, targets=targets)

    page: str = benchmark(to_html, shopping_list, title="Week of 23 November")

    assert page.count("\u2610") == FOOD_COUNT
    _check_goal(benchmark, GOAL_S)
