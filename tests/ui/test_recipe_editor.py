"""The Recipes tab: build a recipe from the search, live totals, save, undo, use, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from windows import launched

from planner.core.foods import FoodRef
from planner.ui.plan.swaps_dialog import SwapsDialog
from planner.ui.shell.main_window import MainWindow

RECIPES_TAB = 4


@pytest.fixture
def window(qtbot, db_path) -> MainWindow:
    with launched(qtbot) as main:
        main.tabs.setCurrentIndex(RECIPES_TAB)
        yield main


def close_next_modal(act=None) -> None:  # type: ignore[no-untyped-def]
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(20, poll)
            return
        if act is not None:
            act(widget)
        else:
            widget.close()

    QTimer.singleShot(0, poll)


def choose(window: MainWindow, text: str) -> None:
    panel = window.search_panel
    panel.search_edit.setText(text)
    panel.search_now()
    panel.food_chosen.emit(panel.model.hit(0))


def test_models_are_valid(qtmodeltester, window) -> None:
    view = window.recipes_view
    qtmodeltester.check(view.list_model)
    view.open(view.list_model.rows[0].ref)
    qtmodeltester.check(view.ingredients)


def test_new_recipe_from_the_search_with_live_totals_save_and_undo(qtbot, window) -> None:
    view = window.recipes_view
    view.new()
    qtbot.keyClicks(view.name_edit, "Spinach salad")
    view.servings.setValue(2)
    choose(window, "spinach raw")  # its natural measure: 1 cup = 30 g, 79 mg / 100 g
    choose(window, "pumpkin seeds dried")  # 1 oz = 28.35 g, 592 mg / 100 g
    assert [i.food.source_id for i in view.draft.ingredients] == ["11457", "12014"]
    magnesium = (30 * 79 + 28.349523125 * 592) / 100 / 2  # per serving: 95.8 mg
    assert f"Per serving (29 g): magnesium {magnesium:.0f} mg" in view.totals.text()

    # A bad amount is refused in place; the draft keeps the old one.
    index = view.ingredients.index(0, 1)
    assert not view.ingredients.setData(index, "-3")
    assert "more than zero" in view.problem.text()
    assert view.draft.ingredients[0].amount == 1

    before = len(view.list_model.rows)
    assert view.save()
    assert len(view.list_model.rows) == before + 1
    ref = view.saved.ref
    assert window.foods.get(ref).name == "Spinach salad"
    window.undo_action.trigger()  # takes the new recipe back
    assert len(view.list_model.rows) == before
    window.redo_action.trigger()
    assert any(row.ref == ref for row in view.list_model.rows)


def test_editing_a_recipe_changes_the_plan_that_uses_it(qtbot, window) -> None:
    view = window.recipes_view
    first = view.list_model.rows[0]
    view.open(first.ref)
    recipe_food = window.foods.get(first.ref)
    when = window.day_view.when
    window.document.add_entry(when, 1, recipe_food, 1, "serving")
    before = window.document.analysis.day(when).totals["magnesium_mg"].value
    per_serving_before = view.service.get(first.ref).nutrients.per_serving["magnesium_mg"]
    # Double the first ingredient and save: the plan's day total follows.
    ingredient = view.draft.ingredients[0]
    assert view.ingredients.setData(view.ingredients.index(0, 1), str(ingredient.amount * 2))
    assert view.save()
    per_serving_after = view.service.get(first.ref).nutrients.per_serving["magnesium_mg"]
    after = window.document.analysis.day(when).totals["magnesium_mg"].value
    assert after - before == pytest.approx(per_serving_after - per_serving_before, abs=0.01)
    assert per_serving_after != per_serving_before
    window.undo_action.trigger()
    assert window.document.analysis.day(when).totals["magnesium_mg"].value == pytest.approx(before)


def test_delete_is_refused_while_a_plan_uses_it(qtbot, window) -> None:
    view = window.recipes_view
    first = view.list_model.rows[0]
    view.open(first.ref)
    when = window.day_view.when
    window.document.add_entry(when, 2, window.foods.get(first.ref), 1, "serving")
    close_next_modal()
    assert not view.delete()
    assert "Demo week" in view.problem.text() and when.isoformat() in view.problem.text()
    assert any(row.ref == first.ref for row in view.list_model.rows)


def test_duplicate_then_delete_the_copy(qtbot, window) -> None:
    view = window.recipes_view
    first = view.list_model.rows[0]
    view.open(first.ref)
    count = len(view.list_model.rows)
    view.duplicate()
    assert len(view.list_model.rows) == count + 1
    assert view.saved.recipe.name == f"{first.name} (copy)"
    assert view.delete()
    assert len(view.list_model.rows) == count


def test_magnesium_swaps_on_an_ingredient(qtbot, window) -> None:
    view = window.recipes_view
    view.new()
    view.name_edit.setText("Rice bowl")
    choose(window, "rice white long grain enriched cooked")
    view.table.selectRow(0)
    chosen: list[object] = []

    def pick(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, SwapsDialog)
        dialog.table.selectRow(0)
        chosen.append(dialog.chosen())
        dialog.accept()

    close_next_modal(pick)
    view.swaps_button.click()
    qtbot.waitUntil(lambda: bool(chosen) and view.draft.ingredients[0].food != FoodRef(
        "usda-sr28", "20045"), timeout=20000)
    assert view.draft.ingredients[0].food == chosen[0].food.ref
