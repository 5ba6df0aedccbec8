"""The food search panel over the real USDA database: model, searching, choosing, dragging."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtWidgets import QApplication

from planner.core.foods import FoodHit, FoodRef
from planner.core.formatting import format_value
from planner.services.database import Database
from planner.services.foods import FoodService
from planner.ui.foods.search_panel import (
    FOOD_MIME_TYPE,
    SORT_ROLE,
    Column,
    FoodSearchModel,
    FoodSearchPanel,
)

SPINACH = FoodRef.parse("usda:11457")
WILD_SALMON = FoodRef.parse("usda:15076")
VEGETABLES = "1100"
SHOTS = Path("/tmp/planner-shots")


@pytest.fixture
def foods(db: Database) -> FoodService:
    return FoodService(db)


@pytest.fixture
def panel(qtbot, foods: FoodService) -> FoodSearchPanel:
    widget = FoodSearchPanel(foods)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    return widget


def search(panel: FoodSearchPanel, text: str) -> None:
    panel.search_edit.setText(text)
    panel.search_now()


def show_active(qtbot, panel: FoodSearchPanel) -> None:
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()


def cell(panel: FoodSearchPanel, row: int, column: Column, role: int = 0) -> object:
    return panel.model.data(panel.model.index(row, column), role)


def column_texts(panel: FoodSearchPanel, column: Column) -> list[object]:
    return [cell(panel, row, column) for row in range(panel.model.rowCount())]


def raw_values(panel: FoodSearchPanel, column: Column) -> list[object]:
    return [cell(panel, row, column, SORT_ROLE) for row in range(panel.model.rowCount())]


# -- the model -------------------------------------------------------------------------


def test_model_passes_qt_model_tester(qtmodeltester, foods: FoodService) -> None:
    model = FoodSearchModel()
    model.set_hits(foods.search("salmon", limit=200))
    assert model.rowCount() > 20
    qtmodeltester.check(model, force_py=True)
    model.sort(Column.MAGNESIUM_PER_KCAL, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_model_tester_follows_resets_and_sorts(qtmodeltester, foods: FoodService) -> None:
    model = FoodSearchModel()
    qtmodeltester.check(model, force_py=True)  # attaches, then watches every change
    model.set_hits(foods.search("cheese", limit=200))
    for column in Column:
        model.sort(column, Qt.SortOrder.DescendingOrder)
        model.sort(column, Qt.SortOrder.AscendingOrder)
    model.sort(-1)
    model.set_hits([])
    assert model.rowCount() == 0


def test_sort_keeps_persistent_indexes_on_their_food(foods: FoodService) -> None:
    model = FoodSearchModel()
    model.set_hits(foods.search("spinach", limit=200))
    spinach_row = next(r for r in range(model.rowCount()) if model.hit(r).ref == SPINACH)
    kept = QPersistentModelIndex(model.index(spinach_row, Column.VITAMIN_D))
    model.sort(Column.MAGNESIUM, Qt.SortOrder.DescendingOrder)
    assert model.hit(kept.row()).ref == SPINACH
    assert kept.column() == Column.VITAMIN_D
    model.sort(-1)
    assert kept.row() == spinach_row


def test_format_amount_precision() -> None:
    assert [format_value(v) for v in (270.4, 79.0, 23.7, 1.25, 0.45, 0.0, 0.001)] == [
        "270",
        "79",
        "23.7",
        "1.2",
        "0.45",
        "0",
        "<0.01",
    ]


def test_headers_name_units(foods: FoodService) -> None:
    model = FoodSearchModel()
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) for c in Column
    ]
    assert headers[Column.NAME] == "Food"
    assert "mg/100 g" in headers[Column.MAGNESIUM]
    assert "µg/100 g" in headers[Column.VITAMIN_D]
    assert "portion" in headers[Column.MAGNESIUM_PORTION]
    assert "mg/100 kcal" in headers[Column.MAGNESIUM_PER_KCAL]


# -- searching -------------------------------------------------------------------------


def test_typing_spinach_raw_shows_spinach_first(qtbot, panel: FoodSearchPanel) -> None:
    panel.search_edit.setFocus()
    qtbot.keyClicks(panel.search_edit, "spinach raw")
    # The debounce timer fires on its own; no forced search here.
    qtbot.waitUntil(
        lambda: panel.model.rowCount() > 0 and cell(panel, 0, Column.NAME) == "Spinach, raw"
    )
    model = panel.model
    assert model.hit(0).ref == SPINACH
    assert cell(panel, 0, Column.MAGNESIUM) == "79"
    assert cell(panel, 0, Column.VITAMIN_D) == "0"
    assert cell(panel, 0, Column.MAGNESIUM_PORTION) == "23.7 mg (30 g, 1 cup)"
    assert cell(panel, 0, Column.VITAMIN_D_PORTION) == "0 µg"
    assert cell(panel, 0, Column.MAGNESIUM_PER_KCAL) == "343"  # 79 mg in 23 kcal
    assert math.isclose(cell(panel, 0, Column.MAGNESIUM_PORTION, SORT_ROLE), 23.7)
    assert math.isclose(cell(panel, 0, Column.MAGNESIUM_PER_KCAL, SORT_ROLE), 7900 / 23)
    tooltip = cell(panel, 0, Column.NAME, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Spinach, raw\nVegetables and Vegetable Products\nusda:11457"
    align = cell(panel, 0, Column.MAGNESIUM, Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    assert panel.status_label.text().endswith("foods")
    assert panel.current_hit() == model.hit(0)


def test_debounce_runs_one_search_per_pause(qtbot, panel: FoodSearchPanel, monkeypatch) -> None:
    calls: list[str] = []
    real_search = panel.foods.search

    def counting_search(text: str, **kwargs: object) -> list[FoodHit]:
        calls.append(text)
        return real_search(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(panel.foods, "search", counting_search)
    panel.debounce_ms = 50
    qtbot.keyClicks(panel.search_edit, "almonds")
    assert calls == []  # nothing blocks while the keys arrive
    qtbot.waitUntil(lambda: calls == ["almonds"])
    assert panel.model.rowCount() > 0


def test_unknown_vitamin_d_shows_question_mark(panel: FoodSearchPanel) -> None:
    search(panel, "salmon atlantic wild raw")
    assert panel.model.hit(0).ref == WILD_SALMON
    assert cell(panel, 0, Column.VITAMIN_D) == "?"
    assert cell(panel, 0, Column.VITAMIN_D_PORTION) == "?"
    assert cell(panel, 0, Column.VITAMIN_D, SORT_ROLE) is None
    assert cell(panel, 0, Column.VITAMIN_D, Qt.ItemDataRole.ToolTipRole) == (
        "no value in the database"
    )
    assert cell(panel, 0, Column.MAGNESIUM) == "29"  # a known value beside it stays a number


def test_food_without_energy_has_no_density_but_no_zero(panel: FoodSearchPanel) -> None:
    search(panel, "salt table")
    model = panel.model
    salt = next(model.hit(r) for r in range(model.rowCount()) if model.hit(r).energy_kcal == 0)
    row = model.row_of(salt)
    assert row is not None
    assert cell(panel, row, Column.MAGNESIUM_PER_KCAL) == "–"
    assert cell(panel, row, Column.MAGNESIUM_PER_KCAL, SORT_ROLE) is None


def test_group_filter_lists_only_that_group(qtbot, panel: FoodSearchPanel) -> None:
    combo = panel.group_combo
    assert combo.itemText(0) == "All food groups"
    assert combo.itemData(0) is None
    position = combo.findData(VEGETABLES)
    assert combo.itemText(position) == "Vegetables and Vegetable Products"

    combo.setCurrentIndex(position)  # empty text: the group is listed by name
    groups = column_texts(panel, Column.GROUP)
    assert len(groups) == 200
    assert set(groups) == {"Vegetables and Vegetable Products"}
    assert "in Vegetables and Vegetable Products" in panel.status_label.text()

    search(panel, "raw")
    groups = column_texts(panel, Column.GROUP)
    assert groups
    assert set(groups) == {"Vegetables and Vegetable Products"}
    assert {panel.model.hit(r).group_code for r in range(panel.model.rowCount())} == {VEGETABLES}


def test_empty_search_shows_a_hint(panel: FoodSearchPanel) -> None:
    search(panel, "")
    assert panel.model.rowCount() == 0
    assert "Type a food name" in panel.status_label.text()
    assert panel.current_hit() is None


def test_no_match_says_so(panel: FoodSearchPanel) -> None:
    search(panel, "xyzzyplugh")
    assert panel.model.rowCount() == 0
    assert panel.status_label.text() == "No food matches 'xyzzyplugh'"


def test_sort_by_magnesium_density_puts_unknowns_last(qtbot, panel: FoodSearchPanel) -> None:
    search(panel, "fish")
    raw = raw_values(panel, Column.MAGNESIUM_PER_KCAL)
    assert None in raw, "the query should include foods of unknown density"
    qtbot.mouseClick(panel.density_button, Qt.MouseButton.LeftButton)

    raw = raw_values(panel, Column.MAGNESIUM_PER_KCAL)
    known = [v for v in raw if v is not None]
    assert raw[: len(known)] == known  # every unknown after every known value
    assert known == sorted(known, reverse=True)
    assert raw[0] == max(known)
    header = panel.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.MAGNESIUM_PER_KCAL

    # Ascending (a header click) still keeps the unknowns at the bottom.
    panel.table.sortByColumn(Column.MAGNESIUM_PER_KCAL, Qt.SortOrder.AscendingOrder)
    raw = raw_values(panel, Column.MAGNESIUM_PER_KCAL)
    known = [v for v in raw if v is not None]
    assert raw[: len(known)] == sorted(known)
    assert all(v is None for v in raw[len(known) :])

    # A new search keeps the chosen order.
    search(panel, "salmon")
    raw = raw_values(panel, Column.MAGNESIUM_PER_KCAL)
    known = [v for v in raw if v is not None]
    assert raw[: len(known)] == sorted(known)


def test_header_click_sorts_by_name(qtbot, panel: FoodSearchPanel) -> None:
    search(panel, "spinach")
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.NAME) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    names = [str(n).casefold() for n in column_texts(panel, Column.NAME)]
    assert names in (sorted(names), sorted(names, reverse=True))
    assert header.sortIndicatorSection() == Column.NAME


# -- choosing and dragging -------------------------------------------------------------


def test_enter_in_search_box_chooses_first_row(qtbot, panel: FoodSearchPanel) -> None:
    qtbot.keyClicks(panel.search_edit, "spinach raw")
    with qtbot.waitSignal(panel.food_chosen, timeout=1000) as blocker:
        # Enter before the debounce fired still searches first.
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    hit = blocker.args[0]
    assert isinstance(hit, FoodHit)
    assert hit.ref == SPINACH


def test_down_then_enter_in_table_chooses_current_row(qtbot, panel: FoodSearchPanel) -> None:
    show_active(qtbot, panel)
    panel.focus_search()
    search(panel, "spinach")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    expected = panel.model.hit(1)
    assert panel.current_hit() == expected
    with qtbot.waitSignal(panel.food_chosen, timeout=1000) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Enter)
    assert blocker.args == [expected]


def test_up_from_first_row_returns_to_search_box(qtbot, panel: FoodSearchPanel) -> None:
    show_active(qtbot, panel)
    search(panel, "spinach")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert panel.search_edit.hasFocus()


def test_down_with_no_results_keeps_focus_in_search_box(qtbot, panel: FoodSearchPanel) -> None:
    show_active(qtbot, panel)
    panel.focus_search()
    search(panel, "xyzzyplugh")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.search_edit.hasFocus()


def test_group_column_shown_only_when_the_name_keeps_room(qtbot, panel: FoodSearchPanel) -> None:
    show_active(qtbot, panel)
    search(panel, "spinach")
    panel.resize(1200, 500)
    qtbot.waitUntil(lambda: not panel.table.isColumnHidden(Column.GROUP))
    panel.resize(700, 500)
    qtbot.waitUntil(lambda: panel.table.isColumnHidden(Column.GROUP))
    assert panel.table.columnWidth(Column.NAME) >= 150


def test_double_click_chooses_that_row(qtbot, panel: FoodSearchPanel) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    search(panel, "spinach")
    row = 2
    rect = panel.table.visualRect(panel.model.index(row, Column.NAME))
    viewport = panel.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.food_chosen, timeout=1000) as blocker:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [panel.model.hit(row)]


def test_focus_search_selects_the_text(qtbot, panel: FoodSearchPanel) -> None:
    show_active(qtbot, panel)
    search(panel, "kale")
    panel.table.setFocus()
    panel.focus_search()
    assert panel.search_edit.hasFocus()
    assert panel.search_edit.selectedText() == "kale"


def test_drag_carries_the_food_reference(panel: FoodSearchPanel) -> None:
    search(panel, "spinach raw")
    model = panel.model
    assert FOOD_MIME_TYPE in model.mimeTypes()
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert panel.table.dragEnabled()
    row_indexes = [model.index(0, c) for c in Column]  # a dragged row: every cell
    mime = model.mimeData(row_indexes)
    assert bytes(mime.data(FOOD_MIME_TYPE).data()) == b"usda:11457"
    assert mime.text() == "usda:11457"
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


# -- hostile text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'; DROP TABLE foods; --",
        'spinach" OR "1"="1',
        "NEAR(spinach raw) AND * ^ -",
        "()*:^{}[]",
        "<b>bold</b> &amp;",
        "x" * 10_000,
        "spinach " * 2_000,
        "🥬🥑 spinach 🐟",
        "\x00\n\t",
        "ß İ ﬁ",
    ],
    ids=[
        "quote",
        "sql",
        "or-injection",
        "fts-operators",
        "punctuation",
        "html",
        "10k-chars",
        "many-words",
        "emoji",
        "control",
        "unicode-case",
    ],
)
def test_hostile_text_never_raises(panel: FoodSearchPanel, text: str) -> None:
    search(panel, text)
    status = panel.status_label.text()
    assert status
    assert len(status) < 200
    assert not status.startswith("Search failed")
    if panel.model.rowCount() == 0:
        assert status.startswith("No food matches") or status.startswith("Type")
    else:
        assert "food" in status


def test_failing_service_shows_message_instead_of_raising(
    panel: FoodSearchPanel, monkeypatch
) -> None:
    search(panel, "spinach")

    def broken(text: str, **kwargs: object) -> list[FoodHit]:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(panel.foods, "search", broken)
    search(panel, "kale")
    assert panel.status_label.text() == "Search failed: database is locked"
    assert panel.model.rowCount() == 0
    assert panel.current_hit() is None


# -- how it looks ----------------------------------------------------------------------


def test_screenshot(qtbot, panel: FoodSearchPanel, tmp_path: Path) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    search(panel, "spinach")
    QApplication.processEvents()
    image = panel.grab()
    assert image.width() == 700 and image.height() == 500
    assert image.save(str(tmp_path / "search_panel.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "search_panel.png"))
    # Nothing the user needs is cut: the food name column keeps a readable width.
    assert panel.table.columnWidth(Column.NAME) >= 150
