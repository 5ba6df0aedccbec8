"""Benchmark: the per-edit cost of the window on the demo week, over the real database.

One edit in the window is: add an entry, save the difference (``PlanService.save``, one
transaction rewriting one day) and analyse the plan again with the foods already at hand.
The whole path from the edit to updated views should take under 50 ms; these benchmarks
measure the core part of it (and the analysis alone) on a SQLite copy of the USDA data.

Run with ``pytest tests/perf/test_plan_edit_perf.py --benchmark-enable``; in the default
run each benchmark executes once as a plain test.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.analysis import Analysis
from planner.core.foods import Food, FoodRef
from planner.core.plan import Entry
from planner.core.rules import VITD_HIGH_MG_LOW
from planner.services.database import Database
from planner.services.plans import PlanService, SavedPlan

SPINACH = FoodRef("usda-sr28", "11457")
#: 60 g of raw spinach: 60 x 79 mg / 100 g.
SPINACH_60_G_MG = 47.4
TODAY = dt.date(2026, 11, 25)


def _demo(db: Database) -> tuple[PlanService, SavedPlan, dict[FoodRef, Food]]:
    service = PlanService(db)
    saved = service.create_demo(TODAY)
    # The window holds the foods of the plan and of whatever was just picked.
    foods = service.foods_for(saved.plan)
    foods[SPINACH] = service.foods_for(
        saved.plan.with_day(saved.plan.days[0].add_entry(0, Entry(SPINACH, 60, "g")))
    )[SPINACH]
    return service, saved, foods


@pytest.mark.benchmark(group="plan-edit")
def test_add_an_entry_save_and_reanalyse(benchmark: BenchmarkFixture, db: Database) -> None:
    service, first, foods = _demo(db)
    held = {"saved": first}
    day_index = itertools.cycle(range(7))

    def edit() -> Analysis:
        saved = held["saved"]
        day = saved.plan.days[next(day_index)]
        new = saved.plan.with_day(day.add_entry(0, Entry(SPINACH, 60, "g")))
        held["saved"] = service.save(saved, new)
        return service.analyze(new, foods)

    analysis = benchmark(edit)

    edits = held["saved"].revision - first.revision
    assert edits >= 1
    stored = service.get(first.id)
    assert stored.revision == held["saved"].revision
    assert sum(d.entry_count for d in stored.plan.days) == (
        sum(d.entry_count for d in first.plan.days) + edits
    )
    before = service.analyze(first.plan, foods)
    for day in stored.plan.days:
        added = sum(1 for entry in day.entries if entry.food == SPINACH)
        expected = before.day(day.date).totals["magnesium_mg"].value
        assert expected is not None
        assert analysis.day(day.date).totals["magnesium_mg"].value == pytest.approx(
            expected + added * SPINACH_60_G_MG
        )
    assert analysis.days == service.analyze(stored.plan).days


@pytest.mark.benchmark(group="plan-edit")
def test_save_one_edited_day(benchmark: BenchmarkFixture, db: Database) -> None:
    service, first, _foods = _demo(db)
    held = {"saved": first}
    day_index = itertools.cycle(range(7))

    def save() -> SavedPlan:
        saved = held["saved"]
        day = saved.plan.days[next(day_index)]
        new = saved.plan.with_day(day.add_entry(0, Entry(SPINACH, 60, "g")))
        held["saved"] = service.save(saved, new)
        return held["saved"]

    saved = benchmark(save)

    assert service.get(first.id).revision == saved.revision > first.revision


@pytest.mark.benchmark(group="plan-edit")
def test_analyse_the_demo_week(benchmark: BenchmarkFixture, db: Database) -> None:
    service, saved, foods = _demo(db)

    analysis = benchmark(service.analyze, saved.plan, foods)

    assert len(analysis.days) == 7
    assert all(VITD_HIGH_MG_LOW in [f.code for f in day.findings] for day in analysis.days)
    assert VITD_HIGH_MG_LOW in [f.code for f in analysis.week.findings]
