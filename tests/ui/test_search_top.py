"""The search panel's "Highest in" picker over the real USDA database: the nutrient and
basis combos, the ranked list with its values, the food-group filter, back to search."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from planner.core.foods import FoodHit, FoodRef
from planner.core.nutrients import BY_KEY, GROUP_LABELS, PANEL
from planner.services.database import Database
from planner.services.foods import FoodService, TopFoods
from planner.ui.foods.search_panel import (
    NO_NUTRIENT_TEXT,
    SORT_ROLE,
    Column,
    FoodSearchModel,
    FoodSearchPanel,
)

VEGETABLES = "1100"
SPINACH = FoodRef.parse("usda:11457")
SHOTS = Path("/tmp/planner-shots")


@pytest.fixture
def foods(db: Database) -> FoodService:
    return FoodService(db)


@pytest.fixture
def panel(qtbot: QtBot, foods: FoodService) -> FoodSearchPanel:
    widget = FoodSearchPanel(foods)
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    return widget


def cell(panel: FoodSearchPanel, row: int, column: Column, role: int = 0) -> object:
    return panel.model.data(panel.model.index(row, column), role)


def names(panel: FoodSearchPanel) -> list[str]:
    return [panel.model.hit(row).name for row in range(panel.model.rowCount())]


def header(panel: FoodSearchPanel, column: Column) -> object:
    return panel.model.headerData(column, Qt.Orientation.Horizontal)


def choose_group(panel: FoodSearchPanel, code: str | None) -> None:
    panel.group_combo.setCurrentIndex(panel.group_combo.findData(code))


def test_the_picker_lists_the_panel_groups(panel: FoodSearchPanel) -> None:
    combo = panel.nutrient_combo
    assert combo.itemText(0) == NO_NUTRIENT_TEXT
    assert combo.itemData(0) is None
    assert panel.top_nutrient() is None
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    headers = [combo.itemText(i) for i in range(combo.count())
               if combo.itemData(i) is None and i > 0]
    assert headers == [GROUP_LABELS[group] for group, _keys in PANEL]
    for i in range(1, combo.count()):
        item = model.item(i)
        assert item.isEnabled() == (combo.itemData(i) is not None)
    keys = [combo.itemData(i) for i in range(combo.count()) if combo.itemData(i)]
    assert keys == [key for _group, group_keys in PANEL for key in group_keys]
    assert combo.itemText(combo.findData("vitamin_c_mg")) == "Vitamin C (mg)"
    retinol = combo.itemText(combo.findData("retinol_ug"))
    assert retinol == "    Retinol (µg)"  # a part of vitamin A, under it
    bases = [panel.basis_combo.itemText(i) for i in range(panel.basis_combo.count())]
    assert bases == ["per 100 g", "per 100 kcal", "per portion"]
    assert not panel.basis_combo.isEnabled()  # nothing to rank yet


def test_vitamin_c_per_100g_lists_the_top_foods(qtbot: QtBot, panel: FoodSearchPanel) -> None:
    assert panel.table.isColumnHidden(Column.TOP)
    panel.nutrient_combo.setCurrentIndex(panel.nutrient_combo.findData("vitamin_c_mg"))
    assert panel.top_nutrient() == "vitamin_c_mg"
    assert panel.basis_combo.isEnabled()
    assert not panel.table.isColumnHidden(Column.TOP)
    assert panel.model.rowCount() == 200
    assert names(panel)[:3] == [
        "Babyfood, GERBER, 2nd Foods, apple, carrot and squash, organic",
        "Beverages, Orange-flavor drink, breakfast type, low calorie, powder",
        "Beverages, fruit-flavored drink, powder, with high vitamin C with other added "
        "vitamins, low calorie",
    ]
    assert names(panel)[5] == "Acerola, (west indian cherry), raw"
    assert header(panel, Column.TOP) == "Vitamin C\nmg/100 g"
    assert cell(panel, 0, Column.TOP) == "2732 mg"
    assert cell(panel, 5, Column.TOP) == "1678 mg"
    assert cell(panel, 5, Column.TOP, SORT_ROLE) == 1677.6
    assert "#6: 1678 mg per 100 g" in str(cell(panel, 5, Column.TOP, Qt.ItemDataRole.ToolTipRole))
    values = [cell(panel, r, Column.TOP, SORT_ROLE) for r in range(panel.model.rowCount())]
    assert None not in values  # unknown values never rank
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    header_view = panel.table.horizontalHeader()
    assert header_view.sortIndicatorSection() == Column.TOP
    assert header_view.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    status = panel.status_label.text()
    assert status == "200 foods highest in Vitamin C per 100 g (818 unknown, not ranked)"
    assert "unknown, not zero" in panel.status_label.toolTip()
    assert panel.current_hit() == panel.model.hit(0)


def test_vitamin_k_per_100_kcal_in_vegetables(panel: FoodSearchPanel) -> None:
    choose_group(panel, VEGETABLES)
    panel.choose_top("vitamin_k_ug", "100kcal")
    assert names(panel)[:3] == ["Amaranth leaves, raw", "Parsley, fresh", "Chard, swiss, raw"]
    assert {panel.model.hit(r).group_code for r in range(panel.model.rowCount())} == {VEGETABLES}
    assert header(panel, Column.TOP) == "Vitamin K\nµg/100 kcal"
    row = next(r for r in range(panel.model.rowCount()) if panel.model.hit(r).ref == SPINACH)
    assert row < 20  # 483 µg in 23 kcal: high per 100 kcal, not per 100 g
    assert cell(panel, row, Column.TOP) == "2100 µg"
    value = cell(panel, row, Column.TOP, SORT_ROLE)
    assert isinstance(value, float) and math.isclose(value, 482.9 * 100 / 23)
    assert panel.status_label.text().startswith(
        "200 foods highest in Vitamin K per 100 kcal, in Vegetables and Vegetable Products"
    )
    # Per 100 g, in the same group, raw spinach is further down.
    panel.basis_combo.setCurrentIndex(panel.basis_combo.findData("100g"))
    row_100g = next(r for r in range(panel.model.rowCount())
                    if panel.model.hit(r).ref == SPINACH)
    assert row_100g > row
    # Changing the group re-ranks within it.
    choose_group(panel, "0200")
    assert {panel.model.hit(r).group_code for r in range(panel.model.rowCount())} == {"0200"}
    assert names(panel)[0] == "Spices, basil, dried"


def test_per_portion_shows_the_portion(panel: FoodSearchPanel) -> None:
    choose_group(panel, VEGETABLES)
    panel.choose_top("vitamin_k_ug", "portion")
    assert names(panel)[0] == "Kale, frozen, cooked, boiled, drained, with salt"
    assert cell(panel, 0, Column.TOP) == "1147 µg (130 g, 1 cup)"
    assert header(panel, Column.TOP) == "Vitamin K\nper portion"
    align = cell(panel, 0, Column.TOP, Qt.ItemDataRole.TextAlignmentRole)
    assert isinstance(align, Qt.AlignmentFlag)
    assert align & Qt.AlignmentFlag.AlignLeft  # lined up on the values, not the portions
    assert "33 left out" in panel.status_label.text()
    assert "no household measure" in panel.status_label.toolTip()


def test_none_goes_back_to_the_text_search(panel: FoodSearchPanel) -> None:
    panel.search_edit.setText("spinach raw")
    panel.search_now()
    panel.choose_top("magnesium_mg")
    assert names(panel)[0] == "Rice bran, crude"  # the text is not used while ranking
    panel.choose_top(None)
    assert panel.table.isColumnHidden(Column.TOP)
    assert not panel.basis_combo.isEnabled()
    assert panel.model.top is None
    assert panel.model.hit(0).ref == SPINACH
    assert panel.table.horizontalHeader().sortIndicatorSection() == -1  # relevance again
    assert panel.status_label.text().endswith("foods")
    assert panel.status_label.toolTip() == ""


def test_typing_searches_by_name_again(qtbot: QtBot, panel: FoodSearchPanel) -> None:
    panel.debounce_ms = 10
    panel.choose_top("iron_mg", "100kcal")
    QTest.keyClicks(panel.search_edit, "kale raw")
    assert panel.nutrient_combo.currentIndex() == 0
    qtbot.waitUntil(lambda: panel.model.top is None and panel.model.rowCount() > 0)
    assert panel.model.hit(0).name == "Kale, raw"
    assert panel.table.isColumnHidden(Column.TOP)


def test_enter_adds_the_top_food(qtbot: QtBot, panel: FoodSearchPanel) -> None:
    panel.choose_top("vitamin_d_ug")
    with qtbot.waitSignal(panel.food_chosen, timeout=1000) as blocker:
        QTest.keyClick(panel.search_edit, Qt.Key.Key_Return)
    hit = blocker.args[0]
    assert isinstance(hit, FoodHit)
    assert hit == panel.model.hit(0)
    assert panel.model.top_item(0) is not None
    assert panel.model.top_item(0).rank == 1  # type: ignore[union-attr]


def test_a_nutrient_no_food_has(panel: FoodSearchPanel) -> None:
    panel.choose_top("iodine_ug")
    assert panel.model.rowCount() == 0
    assert panel.status_label.text() == (
        "No food has a known Iodine value (8,789 unknown, not ranked)"
    )


def test_model_tester_with_a_ranking(qtmodeltester: Any, foods: FoodService) -> None:
    model = FoodSearchModel()
    qtmodeltester.check(model, force_py=True)
    top: TopFoods = foods.top("zinc_mg", per="portion", limit=100)
    model.set_top(top)
    assert model.top is top
    for column in Column:
        model.sort(column, Qt.SortOrder.DescendingOrder)
    model.sort(-1)
    assert [model.hit(r) for r in range(model.rowCount())] == [i.hit for i in top.foods]
    model.set_hits(foods.search("spinach"))
    assert model.top is None and model.top_item(0) is None
    assert model.data(model.index(0, Column.TOP)) == ""


def test_a_failing_ranking_shows_a_message(
    panel: FoodSearchPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> TopFoods:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(panel.foods, "top", broken)
    panel.choose_top("calcium_mg")
    assert panel.status_label.text() == "Ranking failed: database is locked"
    assert panel.model.rowCount() == 0


def test_every_nutrient_in_the_picker_ranks(panel: FoodSearchPanel) -> None:
    for index in range(panel.nutrient_combo.count()):
        key = panel.nutrient_combo.itemData(index)
        if key is None:
            continue
        panel.nutrient_combo.setCurrentIndex(index)
        status = panel.status_label.text()
        assert BY_KEY[key].label in status and not status.startswith("Ranking failed")


def test_screenshot(qtbot: QtBot, panel: FoodSearchPanel, tmp_path: Path) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.choose_top("magnesium_mg", "100kcal")
    QApplication.processEvents()
    image = panel.grab()
    assert image.save(str(tmp_path / "search_top.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "search_top.png"))
    assert panel.table.columnWidth(Column.NAME) >= 150
    assert panel.table.columnWidth(Column.TOP) > 0
    header_view = panel.table.horizontalHeader()
    assert header_view.visualIndex(Column.TOP) == header_view.visualIndex(Column.NAME) + 1
