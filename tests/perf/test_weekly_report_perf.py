"""Benchmarks: the weekly report as a PDF, from the plan to the file (goal, issue 7: under
2 s), on the demo week and on a heavy week (200 entries of 40 foods, a stored list with a
tick and an item added by hand).

What one round does is what File > Weekly report does: read the foods and the stored
list, analyse the range, build the shopping list, draw the four charts (matplotlib, PNG at
150 dpi) and lay out and write the PDF with Qt. The parts are measured too, to show where
the time goes.

Run with ``pytest tests/perf/test_weekly_report_perf.py --benchmark-enable``; in the
default run each benchmark executes once as a plain test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from synthetic import heavy_week, spread_foods

from planner.core.plan import Supplement
from planner.reports.weekly import Report
from planner.services.database import Database, read_shipped_dataset
from planner.services.plans import PlanService, SavedPlan
from planner.services.reports import ReportService
from planner.services.shopping import ShoppingService
from planner.ui.common.printing import html_to_pdf

DEMO_WEEK = Path(__file__).resolve().parent.parent.parent / "data" / "demo_week.json"
FOOD_COUNT = 40
ENTRY_COUNT = 200
MONDAY = dt.date(2026, 11, 23)
SUNDAY = MONDAY + dt.timedelta(days=6)
#: Goals, in seconds.
REPORT_PDF_GOAL_S = 2.0
#: Without the charts: the services and the PDF alone.
NO_CHARTS_GOAL_S = 0.8


def _note_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    """Record the goal beside the figures; never assert a time (a shared machine fails
    such an assert for noise, not for code)."""
    benchmark.extra_info["goal_s"] = goal_s




@pytest.fixture
def heavy(db: Database) -> SavedPlan:
    saved = PlanService(db).create(
        heavy_week(
            spread_foods(read_shipped_dataset().foods),
            supplements=(Supplement("Vitamin D3 2000 IU", "vitamin_d", 2000, "IU"),),
            name="Heavy week",
        )
    )
    shopping = ShoppingService(db)
    first = saved.plan.days[0].meals[0].entries[0].food
    shopping.set_checked(saved.id, MONDAY, SUNDAY, str(first))
    shopping.add_extra(saved.id, MONDAY, SUNDAY, "Dish soap")
    return saved


@pytest.fixture
def demo(db: Database) -> SavedPlan:
    return PlanService(db).import_text(DEMO_WEEK.read_text(encoding="utf-8"))


def _report_pdf(db: Database, saved: SavedPlan, target: Path, *, charts: bool = True,
                ) -> Report:
    """File > Weekly report: a fresh service, the database read, the PDF written."""
    report = ReportService(db).weekly(saved.plan, None, MONDAY, SUNDAY, plan_id=saved.id,
                                      charts=charts)
    # force: each round writes over the last round's file (benchmarks run many).
    html_to_pdf(report.html, target, images=report.images, force=True)
    return report


@pytest.mark.benchmark(group="weekly-report")
def test_the_demo_weeks_report_as_pdf(benchmark: BenchmarkFixture, qapp, db: Database,
                                      demo: SavedPlan, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"

    report: Report = benchmark(_report_pdf, db, demo, target)

    assert len(report.images) == 4
    assert target.read_bytes().startswith(b"%PDF")
    _note_goal(benchmark, REPORT_PDF_GOAL_S)


@pytest.mark.benchmark(group="weekly-report")
def test_a_heavy_weeks_report_as_pdf(benchmark: BenchmarkFixture, qapp, db: Database,
                                     heavy: SavedPlan, tmp_path: Path) -> None:
    """200 entries: about a dozen pages of meals, 41 items on the list."""
    target = tmp_path / "report.pdf"

    report: Report = benchmark(_report_pdf, db, heavy, target)

    assert sum(day.entry_count for day in heavy.plan.days) == ENTRY_COUNT
    assert len(report.images) == 4
    assert "Dish soap" in report.html
    assert target.read_bytes().startswith(b"%PDF")
    _note_goal(benchmark, REPORT_PDF_GOAL_S)


@pytest.mark.benchmark(group="weekly-report-parts")
def test_the_heavy_report_without_charts(benchmark: BenchmarkFixture, qapp, db: Database,
                                         heavy: SavedPlan, tmp_path: Path) -> None:
    """The services and the PDF alone: the rest of the time is the charts'."""
    target = tmp_path / "report.pdf"

    report: Report = benchmark(_report_pdf, db, heavy, target, charts=False)

    assert report.images == {}
    _note_goal(benchmark, NO_CHARTS_GOAL_S)


@pytest.mark.benchmark(group="weekly-report-parts")
def test_the_heavy_report_without_the_pdf(benchmark: BenchmarkFixture, db: Database,
                                          heavy: SavedPlan) -> None:
    """What the window runs off the GUI thread: the services and the charts."""
    service = ReportService(db)

    report: Report = benchmark(service.weekly, heavy.plan, None, MONDAY, SUNDAY,
                               plan_id=heavy.id)

    assert len(report.images) == 4
    _note_goal(benchmark, REPORT_PDF_GOAL_S)
