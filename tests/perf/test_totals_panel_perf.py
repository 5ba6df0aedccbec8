"""Speed of the totals panel: one edit to updated totals and a painted panel.

Goal: an edit (a new entry on the demo week, analysed again with the foods at hand) and
the panel showing it, every group expanded, take under 50 ms together. The panel makes
its 53 nutrient rows and 4 ratio rows once; an edit only sets texts and bars. One round
is: the new analysis, :meth:`TotalsPanel.set_analysis` and the panel laid out and painted
(``processEvents`` and ``repaint``), on the GUI thread as in the window.

Run with ``pytest tests/perf/test_totals_panel_perf.py --benchmark-enable``; the figures
are reported, never asserted (in the default run each benchmark executes once).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytest_benchmark.fixture import BenchmarkFixture
from pytestqt.qtbot import QtBot

from planner.core.analysis import Analysis
from planner.core.foods import FoodRef
from planner.core.plan import Entry
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.ui.plan.nutrient_panel import GROUPS
from planner.ui.plan.totals_panel import TotalsPanel

SPINACH = FoodRef("usda-sr28", "11457")
TODAY = dt.date(2026, 11, 25)
ROUNDS = 60


def _shown_panel(qtbot: QtBot, width: int) -> TotalsPanel:
    panel = TotalsPanel()
    qtbot.addWidget(panel)
    for group, _title in GROUPS:
        panel.set_group_collapsed(group, False)
    panel.resize(width, 900)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _edits(db: Database) -> Callable[[], Analysis]:
    """Each call: 60 g more spinach on the shown day of the demo week, analysed again
    (so every round changes the totals the panel shows)."""
    service = PlanService(db)
    plan = service.create_demo(TODAY).plan
    foods = service.foods_for(plan.with_day(plan.days[0].add_entry(0, Entry(SPINACH, 60, "g"))))
    held = {"plan": plan}
    index = plan.dates.index(TODAY)

    def edit() -> Analysis:
        current = held["plan"]
        held["plan"] = current.with_day(current.days[index].add_entry(0, Entry(SPINACH, 60, "g")))
        return service.analyze(held["plan"], foods)

    return edit


@pytest.mark.benchmark(group="totals-panel")
@pytest.mark.parametrize("width", [240, 420], ids=["narrow", "wide"])
def test_edit_to_painted_panel(
    benchmark: BenchmarkFixture, qtbot: QtBot, db: Database, width: int
) -> None:
    panel = _shown_panel(qtbot, width)
    edit = _edits(db)
    widgets = len(panel.findChildren(QWidget))

    def round_trip() -> Analysis:
        analysis = edit()
        panel.set_analysis(analysis, TODAY)
        QApplication.processEvents()
        panel.repaint()
        return analysis

    analysis = benchmark.pedantic(round_trip, rounds=ROUNDS, warmup_rounds=5)

    # Nothing was built: the same widgets show the new totals.
    assert len(panel.findChildren(QWidget)) == widgets
    iron = analysis.day(TODAY).totals["iron_mg"]
    assert panel.bar("iron_mg").total() == iron


@pytest.mark.benchmark(group="totals-panel")
def test_panel_update_alone(benchmark: BenchmarkFixture, qtbot: QtBot, db: Database) -> None:
    """The panel's share of an edit: two analyses shown in turn, laid out and painted."""
    panel = _shown_panel(qtbot, 420)
    edit = _edits(db)
    analyses = itertools.cycle([edit(), edit()])

    def update() -> None:
        panel.set_analysis(next(analyses), TODAY)
        QApplication.processEvents()
        panel.repaint()

    benchmark.pedantic(update, rounds=ROUNDS, warmup_rounds=5)
    assert panel.row_text("vitamin_c_mg")["value"] != "–"


@pytest.mark.benchmark(group="totals-panel-build")
def test_building_the_panel(benchmark: BenchmarkFixture, qtbot: QtBot, db: Database) -> None:
    """What the window pays once for the panel, and what rebuilding it on each edit would
    cost: every row made, the demo day shown, laid out and painted."""
    analysis = _edits(db)()

    def build() -> TotalsPanel:
        panel = TotalsPanel()
        qtbot.addWidget(panel)
        panel.resize(420, 900)
        panel.set_analysis(analysis, TODAY)
        panel.show()
        QApplication.processEvents()
        panel.repaint()
        return panel

    panel = benchmark.pedantic(build, rounds=15, warmup_rounds=2)
    assert len(panel.full.rows) == 53 and len(panel.full.ratios) == 4
