"""The Week tab: seven days, colour-coded totals, findings markers, navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from demo_dates import MONDAY
from PySide6.QtCore import Qt

from planner.ui.plan.week_view import GOOD, POOR, WeekView


@pytest.fixture
def view(qtbot, demo_document) -> WeekView:
    widget = WeekView(demo_document, MONDAY + dt.timedelta(days=3))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    return widget


def total_row(view: WeekView, label: str) -> int:
    model = view.model
    for row in range(model.rowCount()):
        if model.headerData(row, Qt.Orientation.Vertical) == label:
            return row
    raise AssertionError(label)


def test_model_is_a_valid_qt_model(qtmodeltester, view) -> None:
    qtmodeltester.check(view.model)


def test_week_starts_on_monday_with_findings_markers(view) -> None:
    model = view.model
    assert view.start == MONDAY
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Mon ⚠\n23 Nov"
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "below the 265 mg EAR" in tip


def test_daily_totals_are_colour_coded(view, demo_document) -> None:
    model = view.model
    row = total_row(view, "Magnesium")
    monday = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    assert model.index(row, 0).data() == f"{monday:,.0f} mg"
    # Below the 265 mg EAR: red.
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole).color() == POOR
    vitd = total_row(view, "Vitamin D")
    # 64.5 µg is at or above the 15 µg RDA and below the 100 µg UL: green.
    assert model.index(vitd, 0).data() == "64.5 µg"
    assert model.index(vitd, 0).data(Qt.ItemDataRole.BackgroundRole).color() == GOOD


def test_meal_cells_list_the_entries(view) -> None:
    breakfast = total_row(view, "Breakfast")
    cell = view.model.index(breakfast, 0).data()
    assert cell.splitlines()[0] == "Bread (2 slice)"
    assert view.model.meal_name_at(breakfast) == "Breakfast"


def test_week_navigation_and_empty_week(qtbot, view) -> None:
    with qtbot.waitSignal(view.week_changed):
        view.next_button.click()
    assert view.start == MONDAY + dt.timedelta(days=7)
    energy = total_row(view, "Energy")
    assert view.model.index(energy, 0).data() == "–"
    view.previous_button.click()
    assert view.start == MONDAY


def test_clicking_a_day_activates_it(qtbot, view) -> None:
    with qtbot.waitSignal(view.day_activated) as blocker:
        view.table.horizontalHeader().sectionClicked.emit(2)
    assert blocker.args[0] == MONDAY + dt.timedelta(days=2)
