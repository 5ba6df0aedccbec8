"""Speed of the search panel: one keystroke to updated results, on the GUI thread.

Goal: typing never blocks the window for more than 30 ms. The search runs synchronously
(see :class:`planner.ui.foods.search_panel.FoodSearchPanel`), so one measured round is what a
pause in typing costs: set the text, run the debounced search at once, reset the model
and let the shown table lay out and paint (``processEvents``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from synthetic import QUERIES, add_synthetic_foods

from planner.services.database import Database, ensure_food_data
from planner.services.foods import FoodService
from planner.ui.foods.search_panel import FoodSearchPanel


def shown_panel(qtbot, db: Database) -> FoodSearchPanel:
    panel = FoodSearchPanel(FoodService(db))
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


#: Every typed query three times, so the figures weigh short prefixes (many hits) fairly.
ROUNDS = 3 * len(QUERIES)


def keystroke_round(panel: FoodSearchPanel) -> Callable[[], int]:
    queries = itertools.cycle(QUERIES)

    def keystroke() -> int:
        panel.search_edit.setText(next(queries))
        panel.search_now()
        QApplication.processEvents()
        return panel.model.rowCount()

    return keystroke


def test_keystroke_to_results(benchmark, qtbot, db: Database) -> None:
    panel = shown_panel(qtbot, db)
    benchmark.pedantic(keystroke_round(panel), rounds=ROUNDS, warmup_rounds=len(QUERIES))
    panel.search_edit.setText("spinach raw")
    panel.search_now()
    assert panel.model.hit(0).name == "Spinach, raw"


def test_keystroke_to_results_sorted_by_density(benchmark, qtbot, db: Database) -> None:
    panel = shown_panel(qtbot, db)
    panel.sort_by_magnesium_density()
    benchmark.pedantic(keystroke_round(panel), rounds=ROUNDS, warmup_rounds=len(QUERIES))
    raw = [panel.model.hit(r).magnesium_per_100_kcal for r in range(panel.model.rowCount())]
    known = [v for v in raw if v is not None]
    assert raw[: len(known)] == sorted(known, reverse=True)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("big-panel") / "big.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    ensure_food_data(db)
    add_synthetic_foods(db, 500_000)
    yield db
    db.close()


@pytest.mark.slow
def test_keystroke_to_results_500k_foods(benchmark, qtbot, big_db: Database) -> None:
    panel = shown_panel(qtbot, big_db)
    benchmark.pedantic(keystroke_round(panel), rounds=ROUNDS, warmup_rounds=len(QUERIES))
