"""Benchmark: optimizing the demo week with about 10 replacements per entry (goal: under 2 s).

The demo week (7 days, 12-14 entries a day, real USDA foods) is offered, for every entry,
10 magnesium-rich foods sized to the entry's energy, on top of the 5 portion changes the
optimizer adds itself: about 15 options an entry, 200 binary variables a day.

Run with ``pytest tests/perf --benchmark-enable``; in the default run the benchmark executes
once as a plain test.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.analysis import analyze
from planner.core.foods import Food, FoodRef
from planner.core.optimize import EntryKey, OptimizeResult, Replacement, optimize_week
from planner.core.plan import Day
from planner.core.rules import VITD_HIGH_MG_LOW
from planner.core.units import grams_for
from planner.paths import read_shipped_text
from planner.services.database import read_shipped_dataset
from planner.services.plans import dri_tables
from planner.sources.plan_file import load_plan

REPLACEMENTS_PER_ENTRY = 10
# Magnesium-rich foods of several kinds (SR28 NDB numbers): quinoa, brown rice, whole-wheat
# bread and pasta, oats, shredded wheat, black beans, peanuts, almonds, almond butter,
# pumpkin and sunflower seeds, dark chocolate, spinach, baked potato, banana.
MAGNESIUM_RICH = (
    "20137", "20037", "18075", "20125", "08120", "08148", "16015", "16390", "12061",
    "12195", "12014", "12036", "19904", "11457", "11674", "09040",
)


def _replacements(
    plan_days: tuple[Day, ...], foods: Mapping[FoodRef, Food]
) -> dict[EntryKey, list[Replacement]]:
    pool = [foods[FoodRef("usda-sr28", ndb)] for ndb in MAGNESIUM_RICH]
    replacements: dict[EntryKey, list[Replacement]] = {}
    position = 0
    for day in plan_days:
        for meal_index, meal in enumerate(day.meals):
            for entry_index, entry in enumerate(meal.entries):
                planned = foods[entry.food]
                kcal = (planned.value("energy_kcal") or 0.0) * grams_for(
                    planned, entry.amount, entry.unit) / 100.0
                chosen = []
                for offset in range(REPLACEMENTS_PER_ENTRY):
                    food = pool[(position + offset) % len(pool)]
                    # About the same energy, in whole 5 g steps (at least 5 g).
                    grams = kcal * 100.0 / (food.value("energy_kcal") or 1.0)
                    chosen.append(Replacement(food, max(5.0, round(grams / 5.0) * 5.0), "g"))
                replacements[(day.date, meal_index, entry_index)] = chosen
                position += 1
    return replacements


@pytest.mark.benchmark(group="optimize")
def test_optimize_the_demo_week_with_ten_replacements_per_entry(
    benchmark: BenchmarkFixture,
) -> None:
    foods = {food.ref: food for food in read_shipped_dataset().foods}
    plan = load_plan(read_shipped_text("demo_week.json"), foods.get).plan
    targets = plan.profile.targets(dri_tables())
    replacements = _replacements(plan.days, foods)
    entries = sum(day.entry_count for day in plan.days)
    assert len(replacements) == entries
    assert sum(len(found) for found in replacements.values()) == 10 * entries

    result: OptimizeResult = benchmark(optimize_week, plan, foods, targets, replacements)

    assert result.unfixed_days == ()
    assert all(len(result.changes_on(when)) <= 3 for when in plan.dates)
    after = analyze(result.plan, result.foods, targets)
    assert not any(finding.code == VITD_HIGH_MG_LOW for finding in after.findings)


@pytest.mark.benchmark(group="optimize")
def test_optimize_the_demo_week_with_portion_changes_only(benchmark: BenchmarkFixture) -> None:
    # The slow path: five days cannot reach the EAR, so each needs the RDA proven out of
    # reach and a second solve for the best reachable figure (which rules out the EAR).
    foods = {food.ref: food for food in read_shipped_dataset().foods}
    plan = load_plan(read_shipped_text("demo_week.json"), foods.get).plan
    targets = plan.profile.targets(dri_tables())

    result: OptimizeResult = benchmark(optimize_week, plan, foods, targets, {})

    assert len(result.unfixed_days) == 5
    assert all(day.reason for day in result.unfixed_days)
