"""Speed of "the foods highest in a nutrient" over the 8,789 shipped foods.

Goal (issue 15): under 50 ms for any nutrient, on any basis. Each round asks the service
for the next of the 53 nutrients in turn (a session, the SQL, core values), so the
figures cover sparse nutrients (fluoride, 554 values) and dense ones (energy) alike. The
panel round is what choosing a nutrient costs the window: the ranking, the model reset
and the repaint. Figures only: ``--benchmark-enable`` prints them; nothing here asserts a
time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from planner.core.nutrients import NUTRIENT_KEYS
from planner.services.database import Database
from planner.services.foods import FoodService, TopFoods
from planner.ui.foods.search_panel import FoodSearchPanel

#: Every nutrient twice. (``benchmark`` is pytest-benchmark's fixture: no annotations.)
ROUNDS = 2 * len(NUTRIENT_KEYS)


def each_nutrient(service: FoodService, per: str, limit: int,
                  group: str | None = None) -> Callable[[], TopFoods]:
    keys = itertools.cycle(NUTRIENT_KEYS)
    return lambda: service.top(next(keys), per=per, group=group, limit=limit)


@pytest.mark.parametrize("per", ["100g", "100kcal", "portion"])
def test_top_20_any_nutrient(benchmark: Any, db: Database, per: str) -> None:
    service = FoodService(db)
    benchmark.pedantic(each_nutrient(service, per, 20), rounds=ROUNDS,
                       warmup_rounds=len(NUTRIENT_KEYS))
    assert len(service.top("vitamin_c_mg", per=per).foods) == 20


@pytest.mark.parametrize("per", ["100g", "100kcal", "portion"])
def test_top_500_any_nutrient(benchmark: Any, db: Database, per: str) -> None:
    service = FoodService(db)
    benchmark.pedantic(each_nutrient(service, per, 500), rounds=ROUNDS,
                       warmup_rounds=len(NUTRIENT_KEYS))
    assert len(service.top("magnesium_mg", per=per, limit=500).foods) == 500


def test_top_in_a_group(benchmark: Any, db: Database) -> None:
    service = FoodService(db)
    benchmark.pedantic(each_nutrient(service, "portion", 20, group="1100"), rounds=ROUNDS,
                       warmup_rounds=len(NUTRIENT_KEYS))


def test_panel_choice_to_painted_list(benchmark: Any, qtbot: QtBot, db: Database) -> None:
    panel = FoodSearchPanel(FoodService(db))
    qtbot.addWidget(panel)
    panel.resize(900, 560)
    panel.show()
    qtbot.waitExposed(panel)
    choices = itertools.cycle(itertools.product(NUTRIENT_KEYS, ["100g", "100kcal", "portion"]))

    def choose() -> int:
        key, per = next(choices)
        panel.choose_top(key, per)
        QApplication.processEvents()
        return panel.model.rowCount()

    benchmark.pedantic(choose, rounds=3 * len(NUTRIENT_KEYS), warmup_rounds=10)
    panel.choose_top("vitamin_c_mg", "100g")
    assert panel.model.rowCount() == 200
