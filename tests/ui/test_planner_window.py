"""The whole window, driven as a user would: search, add, edit, undo, copy, import."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from windows import launch, launched

from planner.core.units import grams_for
from planner.core.weeks import week_start
from planner.ui.shell.launcher import Launcher
from planner.ui.shell.main_window import MainWindow

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_week.json"


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    """The window over a loaded database (no reload), showing the demo week."""
    with launched(qtbot) as main:
        yield main


def answer_next_dialog(texts: list[str]) -> None:
    """Close the next modal dialog (a real QMessageBox), keeping its text."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, close)
            return
        if isinstance(box, QMessageBox):
            texts.append(box.text())
        box.close()

    QTimer.singleShot(0, close)


def magnesium_total(window: MainWindow) -> float:
    assert window.day_view is not None and window.document is not None
    when = window.day_view.when
    value = window.document.analysis.day(when).totals["magnesium_mg"].value
    assert value is not None
    return value


def test_first_view_is_the_demo_week_with_its_warning(window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    today = dt.date.today()
    assert window.windowTitle() == "Demo week — planner"
    assert window.day_view.when == today
    codes = {f.code for f in window.document.analysis.day(today).findings}
    assert "vitd_high_mg_low" in codes
    assert window.tabs.tabText(0) == "Day" and window.tabs.tabText(1) == "Week"


def test_search_add_edit_undo_redo(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    before = magnesium_total(window)
    panel = window.search_panel
    qtbot.keyClicks(panel.search_edit, "pumpkin seeds dried")  # type: ignore[no-untyped-call]
    panel.search_now()
    hit = panel.model.hit(0)
    assert hit.ref.source_id == "12014"  # Seeds, pumpkin and squash seed kernels, dried
    window.day_view.select_meal(3)
    with qtbot.waitSignal(window.document.changed):
        panel.food_chosen.emit(hit)
    snacks = window.document.day(window.day_view.when).meals[3]
    added = snacks.entries[-1]
    assert added.food == hit.ref
    # Seeds arrive in their natural serving, 1 oz = 28.35 g (not SR28's first measure,
    # 1 cup = 129 g): 592 mg/100 g x 28.35 g.
    assert (added.amount, added.unit) == (1.0, "oz")
    assert magnesium_total(window) == pytest.approx(before + 592 * 0.28349523125)
    codes = {f.code for f in window.document.analysis.day(window.day_view.when).findings}
    assert "vitd_high_mg_low" not in codes
    name = window.foods.get(hit.ref).name
    assert window.undo_action.text() == f"&Undo Add {name}"[: len("&Undo ") + 39].rstrip(" ,") + "…"
    assert window.document.undo_stack.command(0).text() == f"Add {name}"
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()

    window.undo_action.trigger()
    assert magnesium_total(window) == pytest.approx(before)
    window.redo_action.trigger()
    assert magnesium_total(window) == pytest.approx(before + 592 * 0.28349523125)


def test_edit_is_saved_at_once(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    when = window.day_view.when
    window.add_food(window.foods.get("usda:11457"))
    # A new service over the same file sees the edit: it was committed.
    from planner.services.database import Database
    from planner.services.plans import PlanService

    other = Database.open()
    try:
        stored = PlanService(other).get(window.document.plan_id).plan
    finally:
        other.close()
    assert stored.day(when).meals[0].entries[-1].food.source_id == "11457"


def test_copy_day_and_switch_weeks(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    monday = window.week_view.start
    tuesday = monday + dt.timedelta(days=1)
    window.document.copy_day(monday, [tuesday])
    monday_breakfast = window.document.day(monday).meals[0].entries
    assert window.document.day(tuesday).meals[0].entries == monday_breakfast
    window.tabs.setCurrentIndex(1)
    window.week_view.next_button.click()
    assert window.week_view.start == monday + dt.timedelta(days=7)
    window._open_day(monday + dt.timedelta(days=8))
    assert window.tabs.currentIndex() == 0
    assert window.day_view.when == monday + dt.timedelta(days=8)
    assert window.document.day(window.day_view.when).is_empty


def test_profile_change_moves_the_thresholds(window: MainWindow) -> None:
    assert window.document is not None
    from dataclasses import replace

    profile = window.document.plan.profile
    window.document.set_profile(replace(profile, age=25, life_stage="pregnancy"))
    assert window.document.analysis.targets["magnesium_mg"].ear == 290
    assert window.totals_panel.isVisible()


def test_import_export_round_trip(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    assert window.document is not None
    out = tmp_path / "week.json"
    assert window.export_plan(str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "planner.plan/1" and len(data["days"]) == 7
    assert window.import_plan(str(DEMO_FILE))
    assert len(window.plans.list()) == 2
    assert window.document.plan.days[0].date == dt.date(2026, 11, 23)


def test_export_never_replaces_the_database(
    qtbot: QtBot, window: MainWindow, isolated_paths: Path
) -> None:
    live = isolated_paths / "planner.sqlite3"
    size = live.stat().st_size
    texts: list[str] = []
    answer_next_dialog(texts)
    assert not window.export_plan(str(live))
    assert texts and f"will not write to {live}: it is the planner database" in texts[0]
    assert live.stat().st_size == size
    assert len(window.plans.list()) == 1


def test_broken_plan_file_gives_a_message_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    data["days"][1]["meals"][0]["entries"][0]["amount"] = -2
    broken.write_text(json.dumps(data), encoding="utf-8")
    texts: list[str] = []
    answer_next_dialog(texts)
    assert not window.import_plan(str(broken))
    assert texts and "broken.json could not be imported" in texts[0]
    assert "day 2026-11-24" in texts[0]
    assert len(window.plans.list()) == 1


def test_about_box_says_not_medical_advice(window: MainWindow) -> None:
    from planner.ui.shell.main_window import ABOUT_TEXT

    assert "Not medical advice" in ABOUT_TEXT
    assert "Standard Reference, Release 28" in ABOUT_TEXT


def test_screenshots(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    window.search_panel.search_edit.setText("spinach raw")
    window.search_panel.search_now()
    assert window.grab().save(str(tmp_path / "window_day.png"))
    window.tabs.setCurrentIndex(1)
    assert window.grab().save(str(tmp_path / "window_week.png"))
    assert window.tabs.currentWidget() is window.week_view
    assert window.isVisible() and window.windowState() != Qt.WindowState.WindowMinimized


def test_dropping_a_food_on_a_meal_adds_it_there(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    from PySide6.QtCore import QMimeData

    from planner.ui.plan.day_view import FOOD_MIME

    model = window.day_view.model
    data = QMimeData()
    data.setData(FOOD_MIME, b"usda:11457")
    dinner = model.index(2, 0)
    count = len(window.document.day(window.day_view.when).meals[2].entries)
    assert model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, dinner)
    dinner_entries = window.document.day(window.day_view.when).meals[2].entries
    assert len(dinner_entries) == count + 1
    assert (dinner_entries[-1].food.source_id, dinner_entries[-1].unit) == ("11457", "cup")
    # A dragged banana arrives as one medium banana (118 g), not SR28's first measure,
    # "1 cup, mashed" (225 g).
    data = QMimeData()
    data.setData(FOOD_MIME, b"usda:09040")
    assert model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, dinner)
    banana = window.document.day(window.day_view.when).meals[2].entries[-1]
    assert banana.food.source_id == "09040" and banana.amount == 1
    assert banana.unit.startswith("medium")
    assert grams_for(window.foods.get("usda:09040"), banana.amount, banana.unit) == 118


def test_charts_tab_is_built_when_shown_and_follows_edits(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None and window.document is not None
    assert window.charts_view is None  # matplotlib is not loaded at start
    window.tabs.setCurrentIndex(window.CHARTS_TAB)
    assert window.charts_view is not None
    assert window.tabs.widget(window.CHARTS_TAB) is window.charts_view
    window.add_food(window.foods.get("usda:12014"))  # pumpkin seeds: 592 mg / 100 g
    week = window.charts_view.data().week
    when = window.day_view.when
    magnesium = window.document.analysis.day(when).totals["magnesium_mg"].value
    totals = dict(zip(week.dates, week.magnesium.totals, strict=True))
    assert totals[when] == pytest.approx(magnesium)


def test_weekly_report_is_made_off_the_gui_thread_and_previewed(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QApplication

    def close_preview() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_preview)
            return
        dialog.close()

    QTimer.singleShot(0, close_preview)
    window.report_action.trigger()
    qtbot.waitUntil(lambda: window.last_report is not None, timeout=30000)
    qtbot.waitUntil(window.report_action.isEnabled, timeout=30000)
    report = window.last_report
    assert "Not medical advice" in report.html
    assert "chart-week.png" in report.images
    assert report.images["chart-week.png"].startswith(b"\x89PNG")


def test_a_broken_settings_file_is_reported_not_fatal(
    qtbot: QtBot, db_path: Path, isolated_paths: Path
) -> None:
    from planner.settings import settings_path

    settings_path().write_text('{"ca_mg_ratio_max": "high"}', encoding="utf-8")
    with launched(qtbot) as main:
        assert "ca_mg_ratio_max must be a number" in main.statusBar().currentMessage()
        assert main.document is not None
        assert main.document.plans.settings.rules.ca_mg_ratio_max == 2.6


def _tab_kinds(window: MainWindow) -> list[str]:
    return [type(window.tabs.widget(i)).__name__ for i in range(window.tabs.count())]


def test_the_other_tabs_are_built_after_the_first_frame(qtbot: QtBot, db_path: Path) -> None:
    launcher = Launcher()
    at_start: list[list[str]] = []
    launcher.window_ready.connect(lambda shown: at_start.append(_tab_kinds(shown)))
    window = launch(qtbot, launcher)
    try:
        # Shown with the Day tab only; the others wait for the first frame to be painted.
        assert at_start == [["DayView", "QLabel", "QLabel", "QLabel", "QLabel"]]
        built = ["DayView", "WeekView", "QLabel", "ShoppingView", "RecipesView"]
        qtbot.waitUntil(lambda: _tab_kinds(window) == built, timeout=10_000)
        qtbot.waitUntil(lambda: type(window.food_tabs.widget(1)).__name__ == "OnlinePanel")
        assert window.charts_view is None  # only when shown
        assert window.tabs.tabText(3) == "Shopping" and window.tabs.currentIndex() == 0
    finally:
        window.close()


def test_a_tab_built_late_shows_the_week_of_the_day_shown(qtbot: QtBot, window: MainWindow) -> None:
    assert window.day_view is not None
    later = window.day_view.when + dt.timedelta(days=15)
    window.day_view.set_date(later)
    window.tabs.setCurrentIndex(3)
    assert window.tabs.currentWidget() is window.shopping_view
    assert window.week_view.start == week_start(later)
    assert (window.shopping_view.start, window.shopping_view.end) == (
        week_start(later), week_start(later) + dt.timedelta(days=6))
    window.week_view.next_button.click()
    assert window.shopping_view.start == week_start(later) + dt.timedelta(days=7)
