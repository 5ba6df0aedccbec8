"""Magnesium swaps and "Fix magnesium this week" in the window, driven for real."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from windows import launched

from planner.core.analysis import analyze
from planner.core.swaps import SwapOptions
from planner.services.plans import dri_tables
from planner.ui.plan.swaps_dialog import OptimizeDialog, SwapModel, SwapsDialog
from planner.ui.shell.main_window import MainWindow

CHIPS = "19411"  # Snacks, potato chips, plain, salted


@pytest.fixture
def window(qtbot, db_path) -> MainWindow:
    with launched(qtbot) as main:
        yield main


def when_dialog_shown(window: MainWindow, act: Callable[[object], None]) -> None:
    """Act on the next modal dialog of the window as soon as it is visible."""
    seen = window.last_dialog

    def poll() -> None:
        dialog = window.last_dialog
        if dialog is None or dialog is seen or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        act(dialog)

    QTimer.singleShot(0, poll)


def chips_position(window: MainWindow) -> tuple[int, int]:
    day = window.document.day(window.day_view.when)
    for meal_index, meal in enumerate(day.meals):
        for index, entry in enumerate(meal.entries):
            if entry.food.source_id == CHIPS:
                return meal_index, index
    raise AssertionError("the demo day has no potato chips")


def find_day_with_chips(window: MainWindow) -> None:
    for day in window.document.plan.days:
        if any(e.food.source_id == CHIPS for e in day.entries):
            window.day_view.set_date(day.date)
            return
    raise AssertionError("no day with potato chips in the demo week")


def test_swap_model_is_a_valid_qt_model(qtmodeltester, window, qtbot) -> None:
    found = window.swaps.suggest("usda:19411", 1, "oz")
    model = SwapModel(found.swaps)
    qtmodeltester.check(model)
    first = found.swaps[0]
    # The obvious swap is starred, and says why in its own column and its tooltip.
    assert first.obvious
    assert model.index(0, 0).data() == f"★ {first.food.name}"
    assert model.index(0, 2).data() == f"{first.magnesium_gain_mg:+.0f} mg"
    assert model.index(0, 4).data() == (
        "Nuts, seeds or popcorn: as crunchy, with magnesium the chips lack")
    assert first.why in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert first.magnesium_gain_mg > 0


def test_show_all_foods_widens_the_list(qtbot, window) -> None:
    found = window.swaps.suggest("usda:19411", 1, "oz")
    asked: list[bool] = []

    def requery(all_foods: bool):  # type: ignore[no-untyped-def]
        asked.append(all_foods)
        return window.swaps.suggest("usda:19411", 1, "oz",
                                    SwapOptions(include_excluded=all_foods)).swaps

    dialog = SwapsDialog("1 oz chips", found.swaps, found.group, None, requery)
    qtbot.addWidget(dialog)
    everyday = {s.food.ref for s in dialog.model.swaps}
    assert all(s.common for s in dialog.model.swaps)
    dialog.all_foods.setChecked(True)
    assert asked == [True]
    widened = dialog.model.swaps
    assert any(not s.common for s in widened)
    assert {s.food.ref for s in widened} != everyday
    dialog.all_foods.setChecked(False)
    assert {s.food.ref for s in dialog.model.swaps} == everyday


def test_apply_a_swap_is_one_undo_step(qtbot, window) -> None:
    find_day_with_chips(window)
    when = window.day_view.when
    meal, index = chips_position(window)
    before = window.document.analysis.day(when).totals["magnesium_mg"].value
    chosen: list[object] = []

    def pick_first(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, SwapsDialog)
        assert dialog.model.rowCount() > 0
        dialog.table.selectRow(0)
        chosen.append(dialog.chosen())
        dialog.accept()

    when_dialog_shown(window, pick_first)
    window.show_swaps(when, meal, index)
    qtbot.waitUntil(lambda: bool(chosen) and window.document.undo_stack.count() == 1)
    swap = chosen[0]
    entry = window.document.day(when).meals[meal].entries[index]
    assert (entry.food, entry.amount, entry.unit) == (swap.food.ref, swap.amount, swap.unit)
    after = window.document.analysis.day(when).totals["magnesium_mg"].value
    assert after == pytest.approx(before + swap.magnesium_gain_mg, abs=0.05)
    window.document.undo_stack.undo()
    assert window.document.day(when).meals[meal].entries[index].food.source_id == CHIPS


def test_fix_magnesium_this_week_clears_the_warning(qtbot, window) -> None:
    shown: list[OptimizeDialog] = []

    def accept_all(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, OptimizeDialog)
        shown.append(dialog)
        assert dialog.selected_changes()
        dialog.accept()

    when_dialog_shown(window, accept_all)
    window.fix_action.trigger()
    qtbot.waitUntil(lambda: bool(shown) and window.document.undo_stack.count() == 1, timeout=30000)
    result = shown[0].outcome
    fixed = {d.date for d in result.days if d.fixed and d.reason != "nothing planned"}
    assert fixed, "the optimizer fixed no day of the demo week"
    plan = window.document.plan
    analysis = analyze(plan, window.document.foods, plan.profile.targets(dri_tables()))
    for day in analysis.days:
        if day.date in fixed:
            assert "vitd_high_mg_low" not in {f.code for f in day.findings}
    assert window.document.undo_stack.undoText().startswith("Fix magnesium")
    window.undo_action.trigger()
    assert window.document.undo_stack.count() == 1 and window.document.undo_stack.index() == 0


def test_printing_after_fix_magnesium_lists_the_new_foods(qtbot, window) -> None:
    """The Shopping tab was built once and then hidden: printing builds the list from the
    plan as it is, after the fix and again after its undo."""
    view = window.shopping_view  # the tab exists, hidden behind the Day tab
    window.tabs.setCurrentIndex(0)
    assert not view.isVisible()
    before = view.html()
    assert "potato chips" in before and "pumpkin" not in before

    def accept_all(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.accept()

    when_dialog_shown(window, accept_all)
    window.fix_action.trigger()
    qtbot.waitUntil(lambda: window.document.undo_stack.count() == 1, timeout=30000)
    fixed = view.html()
    assert "pumpkin" in fixed.lower(), "the printed list still shows the week before the fix"
    window.undo_action.trigger()
    assert view.html() == before


def test_fix_magnesium_in_part(qtbot, window) -> None:
    applied: list[int] = []

    def keep_one_day(dialog) -> None:  # type: ignore[no-untyped-def]
        changes = dialog.selected_changes()
        first_day = changes[0].date
        for other in {c.date for c in changes} - {first_day}:
            dialog.set_checked(other, False)
        applied.append(len(dialog.selected_changes()))
        assert {c.date for c in dialog.selected_changes()} == {first_day}
        dialog.accept()

    before = window.document.plan
    when_dialog_shown(window, keep_one_day)
    window.fix_action.trigger()
    qtbot.waitUntil(
        lambda: bool(applied) and window.document.undo_stack.count() == 1, timeout=30000
    )
    changed = [
        d.date for d in window.document.plan.days
        if d.meals != before.day(d.date).meals
    ]
    assert len(changed) == 1


def test_dialog_screenshots(qtbot, window, tmp_path) -> None:
    found = window.swaps.suggest("usda:20045", 200, "g")
    dialog = SwapsDialog("200 g Rice, white, long-grain, regular, enriched, cooked",
                         found.swaps, found.group)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.grab().save(str(tmp_path / "swaps.png"))
    result = window.swaps.optimize(window.document.plan, dict(window.document.foods))
    optimize = OptimizeDialog(result)
    qtbot.addWidget(optimize)
    optimize.show()
    assert optimize.grab().save(str(tmp_path / "optimize.png"))
    assert optimize.tree.topLevelItemCount() == 7
    assert optimize.tree.topLevelItem(0).checkState(0) != Qt.CheckState.Checked
