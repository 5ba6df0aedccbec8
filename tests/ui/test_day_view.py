"""The Day tab: the meals tree, in-place editing, refusals, drops, context actions."""

from __future__ import annotations

import datetime as dt

import pytest
from demo_dates import MONDAY
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from planner.ui.plan.day_view import (
    COL_AMOUNT,
    COL_FOOD,
    COL_MG,
    COL_UNIT,
    COL_VITD,
    FOOD_MIME,
    DayView,
)


@pytest.fixture
def view(qtbot, demo_document) -> DayView:
    widget = DayView(demo_document, MONDAY)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    return widget


def entry_index(view: DayView, meal: int, row: int, column: int) -> QModelIndex:
    return view.model.index(row, column, view.model.index(meal, 0))


def test_model_is_a_valid_qt_model(qtmodeltester, view) -> None:
    qtmodeltester.check(view.model)


def test_shows_meals_entries_and_values(view) -> None:
    model = view.model
    assert [model.index(r, 0).data(Qt.ItemDataRole.EditRole) for r in range(4)] == [
        "Breakfast", "Lunch", "Dinner", "Snacks",
    ]
    # Monday breakfast: 2 slices white bread (usda:18069: the first "slice" portion is
    # 29 g; 23 mg Mg/100 g): 58 g, 13.3 mg.
    assert entry_index(view, 0, 0, COL_FOOD).data().startswith("Bread, white, commercially")
    assert entry_index(view, 0, 0, COL_AMOUNT).data() == "2"
    assert entry_index(view, 0, 0, COL_UNIT).data() == "slice (58 g)"
    assert entry_index(view, 0, 0, COL_MG).data() == "13 mg"
    assert entry_index(view, 0, 0, COL_VITD).data() == "0.0 µg"


def test_edit_amount_in_place(qtbot, view, demo_document) -> None:
    index = entry_index(view, 0, 0, COL_AMOUNT)
    with qtbot.waitSignal(demo_document.changed):
        assert view.model.setData(index, "3")
    assert demo_document.day(MONDAY).meals[0].entries[0].amount == 3.0
    assert entry_index(view, 0, 0, COL_MG).data() == "20 mg"  # 87 g x 23 / 100 = 20.01


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("-2", "more than zero"), ("0", "more than zero"), ("abc", "not"), ("1e9", "")],
)
def test_bad_amount_is_refused_and_old_value_kept(qtbot, view, demo_document, text, fragment):
    index = entry_index(view, 0, 0, COL_AMOUNT)
    with qtbot.waitSignal(view.model.edit_refused) as blocker:
        assert not view.model.setData(index, text)
    assert fragment in blocker.args[0]
    assert demo_document.day(MONDAY).meals[0].entries[0].amount == 2.0
    assert entry_index(view, 0, 0, COL_AMOUNT).data() == "2"


def test_unit_edit_checks_the_food_units(qtbot, view, demo_document) -> None:
    index = entry_index(view, 0, 0, COL_UNIT)
    with qtbot.waitSignal(view.model.edit_refused) as blocker:
        assert not view.model.setData(index, "tbsp")
    assert "slice" in blocker.args[0]
    assert view.model.setData(index, "oz")
    assert demo_document.day(MONDAY).meals[0].entries[0].unit == "oz"


def test_drop_food_on_a_meal(qtbot, view) -> None:
    data = QMimeData()
    data.setData(FOOD_MIME, b"usda:11457")
    lunch = view.model.index(1, 0)
    with qtbot.waitSignal(view.model.food_dropped) as blocker:
        assert view.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, lunch)
    assert str(blocker.args[0]) == "usda:11457"
    assert blocker.args[1] == 1


def test_delete_key_removes_the_selected_entry(qtbot, view, demo_document) -> None:
    count = len(demo_document.day(MONDAY).meals[1].entries)
    view.tree.setCurrentIndex(entry_index(view, 1, 0, COL_FOOD))
    view.remove_selected()
    assert len(demo_document.day(MONDAY).meals[1].entries) == count - 1


def test_date_navigation(qtbot, view) -> None:
    with qtbot.waitSignal(view.date_changed):
        view.next_button.click()
    assert view.when == MONDAY + dt.timedelta(days=1)
    assert view.date_label.text() == "Tuesday 24 November 2026"
    assert "Vitamin D3 2000 IU (2,000 IU, daily)" in view.supplements_label.text()


def test_screenshot(qtbot, view, tmp_path) -> None:
    view.show()
    qtbot.waitExposed(view)
    assert view.grab().save(str(tmp_path / "day_view.png"))
