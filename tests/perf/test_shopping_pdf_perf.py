"""Benchmarks: a week's shopping list through the service (database reads included; goal:
under 20 ms) and its PDF (goal: under 500 ms), plus the printed week plan's PDF.

Run with ``pytest tests/perf/test_shopping_pdf_perf.py --benchmark-enable``; in the default
run each benchmark executes once as a plain test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from synthetic import HEAVY_ENTRY_COUNT, HEAVY_FOOD_COUNT, heavy_week, spread_foods

from planner.core.shopping import ShoppingList
from planner.services.database import Database, read_shipped_dataset
from planner.services.plans import PlanService, SavedPlan
from planner.services.shopping import ShoppingService
from planner.ui.common.printing import html_to_pdf

MONDAY = dt.date(2026, 11, 23)
SUNDAY = MONDAY + dt.timedelta(days=6)
#: Goals, in seconds.
BUILD_GOAL_S = 0.020
PDF_GOAL_S = 0.500






@pytest.fixture
def stored(db: Database) -> SavedPlan:
    """The week stored, with two ticks and an item added by hand on its list."""
    saved = PlanService(db).create(
        heavy_week(spread_foods(read_shipped_dataset().foods), name="Benchmark week")
    )
    service = ShoppingService(db)
    first = saved.plan.days[0].meals[0].entries[0].food
    service.set_checked(saved.id, MONDAY, SUNDAY, str(first))
    service.add_extra(saved.id, MONDAY, SUNDAY, "Dish soap")
    service.set_checked(saved.id, MONDAY, SUNDAY, "extra:dish soap")
    return saved


def _note_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    """Record the goal beside the figures; never assert a time (a shared machine fails
    such an assert for noise, not for code)."""
    benchmark.extra_info["goal_s"] = goal_s


@pytest.mark.benchmark(group="shopping-service")
def test_service_builds_a_weeks_list_with_its_database_reads(
    benchmark: BenchmarkFixture, db: Database, stored: SavedPlan
) -> None:
    """What a refresh of the Shopping tab does: read the stored ticks and items, read the
    foods, build the list (the plan's targets are computed too)."""
    service = ShoppingService(db)
    assert sum(day.entry_count for day in stored.plan.days) == HEAVY_ENTRY_COUNT

    result: ShoppingList = benchmark(service.build, stored.plan, None, MONDAY, SUNDAY, 2.0,
                                     "metric", plan_id=stored.id)

    assert len(result.items) == HEAVY_FOOD_COUNT + 1
    assert len(result.checked_keys) == 2
    _note_goal(benchmark, BUILD_GOAL_S)


@pytest.mark.benchmark(group="shopping-service")
def test_service_builds_with_the_documents_foods(
    benchmark: BenchmarkFixture, db: Database, stored: SavedPlan
) -> None:
    """The window's case: the foods are in memory, only the stored state is read."""
    service = ShoppingService(db)
    foods = PlanService(db).foods_for(stored.plan)

    result: ShoppingList = benchmark(service.build, stored.plan, foods, MONDAY, SUNDAY,
                                     plan_id=stored.id)

    assert len(result.items) == HEAVY_FOOD_COUNT + 1
    _note_goal(benchmark, BUILD_GOAL_S)


@pytest.mark.benchmark(group="shopping-pdf")
def test_a_weeks_list_as_pdf(benchmark: BenchmarkFixture, qapp, db: Database,
                             stored: SavedPlan, tmp_path: Path) -> None:
    service = ShoppingService(db)
    target = tmp_path / "list.pdf"

    def make_pdf() -> None:
        sl = service.build(stored.plan, None, MONDAY, SUNDAY, plan_id=stored.id)
        # force: each round writes over the last round's file (benchmarks run many).
        html_to_pdf(service.export(sl, "html", title="Shopping list"), target, force=True)

    benchmark(make_pdf)

    assert target.read_bytes().startswith(b"%PDF")
    _note_goal(benchmark, PDF_GOAL_S)


@pytest.mark.benchmark(group="shopping-pdf")
def test_the_week_plan_as_pdf(benchmark: BenchmarkFixture, qapp, db: Database,
                              stored: SavedPlan, tmp_path: Path) -> None:
    """200 entries over seven days: about seven pages."""
    service = ShoppingService(db)
    foods = PlanService(db).foods_for(stored.plan)
    target = tmp_path / "plan.pdf"

    def make_pdf() -> None:
        html_to_pdf(service.plan_report(stored.plan, foods, MONDAY, SUNDAY), target,
                    force=True)

    benchmark(make_pdf)

    assert target.read_bytes().startswith(b"%PDF")
    _note_goal(benchmark, 2 * PDF_GOAL_S)
