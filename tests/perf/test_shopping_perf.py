"""Benchmarks: a week's shopping list from 200 entries (goal: under 20 ms) and its HTML page.

Run with ``pytest tests/perf/test_shopping_perf.py --benchmark-enable``; in the default run
each benchmark executes once as a plain test.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from synthetic import HEAVY_ENTRY_COUNT, HEAVY_FOOD_COUNT, heavy_week, spread_foods

from planner.core.foods import Food, FoodRef
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list
from planner.core.targets import DriTables, Targets, targets_for
from planner.paths import read_shipped_text
from planner.reports.shopping import to_html

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
    tables = DriTables.from_csv(read_shipped_text("dri_all.csv"))
    return targets_for(tables, age=45, sex="female")




def _note_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    """Record the goal beside the figures; never assert a time (a shared machine fails
    such an assert for noise, not for code)."""
    benchmark.extra_info["goal_s"] = goal_s


@pytest.mark.benchmark(group="shopping")
def test_build_a_weeks_list_from_200_entries(
    benchmark: BenchmarkFixture, foods: Mapping[FoodRef, Food], aisles: Aisles,
    targets: Targets,
) -> None:
    plan = heavy_week(spread_foods(foods.values()))
    assert sum(day.entry_count for day in plan.days) == HEAVY_ENTRY_COUNT

    result: ShoppingList = benchmark(build_shopping_list, plan, foods, aisles, factor=2,
                                     targets=targets)

    assert len(result.items) == HEAVY_FOOD_COUNT
    assert result.notes == ()
    assert result.nutrition is not None and result.nutrition.days == 7
    _note_goal(benchmark, GOAL_S)


@pytest.mark.benchmark(group="shopping")
def test_render_a_weeks_list_as_html(
    benchmark: BenchmarkFixture, foods: Mapping[FoodRef, Food], aisles: Aisles,
    targets: Targets,
) -> None:
    plan = heavy_week(spread_foods(foods.values()))
    shopping_list = build_shopping_list(plan, foods, aisles, factor=2, targets=targets)

    page: str = benchmark(to_html, shopping_list, title="Week of 23 November")

    assert page.count("\u2610") == HEAVY_FOOD_COUNT
    _note_goal(benchmark, GOAL_S)
