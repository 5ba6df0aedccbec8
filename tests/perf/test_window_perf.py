"""Speed goals of the window (issue 4).

- From launch to the main window shown with the full database, warm start: < 1.5 s.
- Adding an entry, to totals, week grid and banner updated: < 50 ms.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.ui.shell.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from windows import launched  # noqa: E402

SCRIPT = Path(__file__).resolve().parent / "window_start.py"


def test_warm_start(benchmark, db_path: Path) -> None:
    def launch() -> float:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=True
        )
        assert float(result.stdout.strip()) > 0
        return time.perf_counter() - started

    seconds = benchmark.pedantic(launch, rounds=3, iterations=1)
    assert seconds > 0


@pytest.fixture
def window(qtbot, db_path) -> MainWindow:
    with launched(qtbot) as main:
        # Steady state: the swap index is built in the background right after start.
        main.tasks.wait()
        yield main


def test_add_entry_updates_everything(benchmark, qtbot, window) -> None:
    spinach = window.foods.get("usda:11457")
    week_model = window.week_view.model

    def add() -> None:
        assert window.add_food(spinach)
        qtbot.wait(0)  # let the views process the change, as a user would see it

    benchmark(add)
    when = window.day_view.when
    assert window.document.day(when).meals[0].entries[-1].food == spinach.ref
    assert week_model.day_analyses[when].totals["magnesium_mg"].value is not None
