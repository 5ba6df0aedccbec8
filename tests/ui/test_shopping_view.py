"""The Shopping tab: the demo week's list by aisle, ticks saved at once, items added by hand,
factor and units, printing and export (to PDF files only, never a real printer).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from planner.core.bounds import HOUSEHOLD_FACTOR
from planner.core.foods import FoodRef
from planner.services.shopping import ShoppingService
from planner.ui.common.document import PlanDocument
from planner.ui.shopping.shopping_view import KEY_ROLE, AddItemDialog, ShoppingModel, ShoppingView

#: The demo week of the ``demo_document`` fixture (tests/ui/conftest.py).
MONDAY = dt.date(2026, 11, 23)
SUNDAY = MONDAY + dt.timedelta(days=6)
BREAD = "usda:18069"  # white bread: 2 slices on 9 occasions
SALMON = FoodRef("usda-sr28", "15237")
SHOTS = Path(os.environ.get("PLANNER_SHOTS_DIR", "/tmp/planner-shots"))


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; run bootstrap.sh --test")
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                            check=True, timeout=60)
    return " ".join(result.stdout.split())


@pytest.fixture
def service(db) -> ShoppingService:  # type: ignore[no-untyped-def]
    return ShoppingService(db)


@pytest.fixture
def view(qtbot, demo_document: PlanDocument, service: ShoppingService) -> ShoppingView:
    widget = ShoppingView(demo_document, service)
    qtbot.addWidget(widget)
    widget.set_range(MONDAY, SUNDAY)
    widget.resize(900, 700)
    return widget


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def rows(model: ShoppingModel) -> dict[str, list[str]]:
    """Aisle title -> the item texts shown under it."""
    shown: dict[str, list[str]] = {}
    for aisle_row in range(model.rowCount()):
        aisle = model.index(aisle_row, 0)
        shown[aisle.data()] = [model.index(row, 0, aisle).data()
                               for row in range(model.rowCount(aisle))]
    return shown


def test_model_is_a_valid_qt_model(qtmodeltester, view: ShoppingView) -> None:
    qtmodeltester.check(view.model)
    view.set_checked(BREAD)
    qtmodeltester.check(view.model)


def test_the_demo_week_by_aisle(view: ShoppingView) -> None:
    shown = rows(view.model)
    assert list(shown) == ["Produce", "Dairy and eggs", "Meat and fish", "Bakery",
                           "Grains and pasta", "Canned and dry goods", "Frozen", "Drinks",
                           "Other"]
    # 2 slices of white bread on 9 occasions: 18 slices of 29 g.
    assert shown["Bakery"] == ["18 slices white bread (522 g)"]
    assert "6 medium tomatoes (738 g)" in shown["Produce"]
    assert sum(len(items) for items in shown.values()) == 24
    bakery = view.model.index(3, 0)
    assert view.model.index(0, 1, bakery).data() == (
        "Bread, white, commercially prepared (includes soft bread crumbs)")
    assert view.model.index(3, 1).data() == "1 item"
    assert view.nutrition_label.text().startswith("This list supplies")
    assert "magnesium" in view.nutrition_label.text()
    assert view.notes_label.isHidden()


def test_a_tick_is_saved_at_once(qtbot, view: ShoppingView, demo_document: PlanDocument,
                                 service: ShoppingService) -> None:
    index = view.model.index_of(BREAD)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    with qtbot.waitSignal(view.model.check_toggled) as blocker:
        assert view.model.setData(index, Qt.CheckState.Checked.value,
                                  Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == [BREAD, True]

    stored = service.stored(demo_document.plan_id, MONDAY, SUNDAY)
    assert stored is not None and stored.checked == {BREAD}
    assert view.model.index_of(BREAD).data(Qt.ItemDataRole.CheckStateRole) == \
        Qt.CheckState.Checked
    assert view.model.index_of(BREAD).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert view.model.index(3, 1).data() == "1 item, 1 ticked"

    # A new tab over the same plan and range shows the tick.
    again = ShoppingView(demo_document, service)
    qtbot.addWidget(again)
    again.set_range(MONDAY, SUNDAY)
    assert again.shopping_list is not None and again.shopping_list.checked_keys == {BREAD}

    view.set_checked(BREAD, False)
    stored = service.stored(demo_document.plan_id, MONDAY, SUNDAY)
    assert stored is not None and stored.checked == frozenset()


def test_a_tick_that_cannot_be_saved_is_taken_back(view: ShoppingView, monkeypatch) -> None:
    def refuse(*_args: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(view.service, "set_checked", refuse)
    view.set_checked(BREAD)

    assert view.model.index_of(BREAD).data(Qt.ItemDataRole.CheckStateRole) == \
        Qt.CheckState.Unchecked
    assert "The tick could not be saved: database is locked" in view.notes_label.text()


def test_items_added_by_hand(qtbot, view: ShoppingView, service: ShoppingService,
                             demo_document: PlanDocument) -> None:
    assert not view.remove_button.isEnabled()
    assert view.add_extra("Dish soap")
    assert view.add_extra("Limes", "2", "produce")
    shown = rows(view.model)
    # Sorted by name within the aisle: "Dish soap" before "Fast Food, Pizza Chain, ...".
    assert shown["Other"][0] == "Dish soap"
    assert "2 Limes" in shown["Produce"]
    assert view.model.item(view.tree.currentIndex()).display == "2 Limes"
    assert view.remove_button.isEnabled()
    limes = view.model.index_of("extra:limes", 1)
    assert limes.data() == "added by you"
    assert view.model.index_of("extra:limes").data(KEY_ROLE) == "extra:limes"

    view.set_checked("extra:dish soap")
    view.remove_selected()
    assert "2 Limes" not in rows(view.model)["Produce"]
    stored = service.stored(demo_document.plan_id, MONDAY, SUNDAY)
    assert stored is not None
    assert [e.name for e in stored.extras] == ["Dish soap"]
    assert stored.checked == {"extra:dish soap"}

    assert not view.add_extra("   ")
    assert "needs a name" in view.notes_label.text()


def test_the_add_item_dialog(qtbot, view: ShoppingView) -> None:
    dialog = AddItemDialog(view.service.aisles(), view)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.name_edit.setText("Coffee filters")
    dialog.quantity_edit.setText("1 box")
    assert ok.isEnabled()
    assert dialog.aisle_combo.currentData() == "other"
    assert dialog.values() == ("Coffee filters", "1 box", "other")

    def fill_in() -> None:
        shown = view.last_dialog
        assert isinstance(shown, AddItemDialog)
        shown.name_edit.setText("Coffee filters")
        shown.aisle_combo.setCurrentIndex(shown.aisle_combo.findData("canned and dry goods"))
        shown.accept()

    QTimer.singleShot(0, fill_in)
    view.add_item()
    assert "Coffee filters" in rows(view.model)["Canned and dry goods"]


def test_factor_and_units_are_applied_and_remembered(
    qtbot, view: ShoppingView, demo_document: PlanDocument, service: ShoppingService
) -> None:
    view.factor_spin.setValue(2.0)
    assert rows(view.model)["Bakery"] == ["36 slices white bread (1.05 kg)"]
    view.us_radio.setChecked(True)
    # 36 x 29 g = 1044 g = 2.302 lb, rounded up to a tenth.
    assert rows(view.model)["Bakery"] == ["36 slices white bread (2.4 lb)"]
    assert view.shopping_list is not None and view.shopping_list.units == "us"
    stored = service.stored(demo_document.plan_id, MONDAY, SUNDAY)
    assert stored is not None and (stored.factor, stored.units) == (2.0, "us")

    view.set_range(MONDAY, MONDAY)
    view.factor_spin.setValue(1.0)
    view.metric_radio.setChecked(True)
    view.set_range(MONDAY, SUNDAY)
    assert (view.factor, view.units) == (2.0, "us")
    # The spin box offers exactly the range the CLI and plan files accept.
    assert (view.factor_spin.minimum(), view.factor_spin.maximum()) == (
        HOUSEHOLD_FACTOR.minimum, HOUSEHOLD_FACTOR.maximum) == (0.1, 50)


def test_an_empty_range_says_so(view: ShoppingView) -> None:
    view.step_week(1)
    assert (view.start, view.end) == (MONDAY + dt.timedelta(days=7),
                                      SUNDAY + dt.timedelta(days=7))
    assert view.model.rowCount() == 0
    assert view.notes_label.text() == "No meals planned between 2026-11-30 and 2026-12-06."
    assert view.nutrition_label.isHidden()
    view.step_week(-1)
    assert view.model.rowCount() == 9


def test_the_dates_never_cross(view: ShoppingView) -> None:
    view.from_edit.setDate(view.to_edit.date().addDays(3))
    assert view.start == view.end == SUNDAY + dt.timedelta(days=3)
    view.to_edit.setDate(view.from_edit.date().addDays(-10))
    assert view.start == view.end
    with pytest.raises(ValueError):
        view.set_range(SUNDAY, MONDAY)


def test_the_list_follows_the_plan(qtbot, view: ShoppingView,
                                   demo_document: PlanDocument) -> None:
    salmon = demo_document.food_service.get(SALMON)
    with qtbot.waitSignal(demo_document.changed):
        demo_document.add_entry(MONDAY, 0, salmon, 1, "fillet")
    shown = rows(view.model)["Meat and fish"]
    assert any("salmon" in text for text in shown)


def test_default_range_is_the_plans_week(qtbot, demo_document: PlanDocument,
                                         service: ShoppingService) -> None:
    widget = ShoppingView(demo_document, service)
    qtbot.addWidget(widget)
    today = dt.date.today()
    if MONDAY <= today <= SUNDAY:
        pytest.skip("the demo week is this week")
    assert (widget.start, widget.end) == (MONDAY, SUNDAY)


def test_export_to_each_format(view: ShoppingView, tmp_path: Path, qtbot) -> None:
    for name in ("list.pdf", "list.csv", "list.md", "list.txt"):
        with qtbot.waitSignal(view.message):
            assert view.export_to(tmp_path / name)
    rows_ = list(csv.DictReader(io.StringIO((tmp_path / "list.csv").read_text("utf-8"))))
    assert len(rows_) == 24
    assert "- [ ] 18 slices white bread (522 g)" in (tmp_path / "list.md").read_text("utf-8")
    assert "[ ] 18 slices white bread (522 g)" in (tmp_path / "list.txt").read_text("utf-8")
    text = pdf_text(tmp_path / "list.pdf")
    assert view.shopping_list is not None
    for item in view.shopping_list.items:
        assert item.display in text, item.display

    assert not view.export_to(tmp_path / "list.docx")
    assert ".pdf, .csv, .md or .txt" in view.last_error
    assert not view.export_to(tmp_path / "missing" / "list.pdf")
    assert "does not exist" in view.last_error


def test_print_goes_through_the_preview(qtbot, view: ShoppingView, tmp_path: Path) -> None:
    target = tmp_path / "printed.pdf"
    view.printer = pdf_printer(target)
    painted: list[object] = []

    def print_from_preview() -> None:
        dialog = view.last_dialog
        assert dialog is not None
        painted.append(dialog)
        # What the dialog's Print button does once a printer is chosen.
        dialog.paintRequested.emit(view.printer)
        dialog.accept()

    QTimer.singleShot(0, print_from_preview)
    assert view.print_list()
    assert painted
    assert "18 slices white bread (522 g)" in pdf_text(target)


def test_print_week_plan(qtbot, view: ShoppingView, tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    view.printer = pdf_printer(target)

    def print_from_preview() -> None:
        dialog = view.last_dialog
        assert dialog is not None
        dialog.paintRequested.emit(view.printer)
        dialog.done(QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, print_from_preview)
    assert not view.print_plan()
    text = pdf_text(target)
    for name in ("Monday 23 November 2026", "Sunday 29 November 2026", "White bread",
                 "Magnesium", " mg", "not medical advice"):
        assert name in text
    html = view.week_plan_html()
    assert "Demo week" in html


def test_screenshots(qtbot, view: ShoppingView, tmp_path: Path) -> None:
    """Grabs for a person to look at (PLANNER_SHOTS_DIR, default /tmp/planner-shots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.set_checked(BREAD)
    view.add_extra("Dish soap")
    view.show()
    qtbot.waitExposed(view)
    assert view.grab().save(str(SHOTS / "shopping_view.png"))
    view.us_radio.setChecked(True)
    view.factor_spin.setValue(2.0)
    assert view.grab().save(str(SHOTS / "shopping_view_us.png"))
    view.step_week(1)
    assert view.grab().save(str(SHOTS / "shopping_view_empty.png"))
    view.step_week(-1)
    view.export_to(SHOTS / "shopping.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                        str(SHOTS / "shopping.pdf"), str(SHOTS / "shopping_pdf")],
                       check=True, timeout=60)


def test_aisle_order_is_edited_and_kept(qtbot, view, isolated_paths) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from planner.settings import load_settings

    def move_dairy_first() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, move_dairy_first)
            return
        order = dialog.order()
        dialog.list.setCurrentRow(order.index("dairy and eggs"))
        for _ in range(order.index("dairy and eggs")):
            dialog.move_selected(-1)
        assert dialog.order()[0] == "dairy and eggs"
        dialog.accept()

    QTimer.singleShot(0, move_dairy_first)
    assert view.edit_aisle_order()
    assert load_settings().aisle_order[0] == "dairy and eggs"
    assert view.model.groups[0][0] == "dairy and eggs"


def test_a_hidden_list_catches_up_when_shown(qtbot, view, demo_document) -> None:
    """Edits made while the tab is hidden show as soon as it is shown again."""
    view.hide()
    monday = view.start
    before = {item.key: item.grams for _aisle, items in view.model.groups for item in items}
    spinach = demo_document.food_service.get("usda:11457")
    demo_document.add_entry(monday, 0, spinach, 100, "g")
    assert "usda:11457" not in before
    stale = {item.key for _aisle, items in view.model.groups for item in items}
    assert "usda:11457" not in stale  # not rebuilt while hidden
    view.show()
    qtbot.waitExposed(view)
    after = {item.key: item.grams for _aisle, items in view.model.groups for item in items}
    assert after["usda:11457"] == 100


def test_export_never_replaces_the_database(view: ShoppingView, isolated_paths: Path,
                                            tmp_path: Path) -> None:
    live = isolated_paths / "planner.sqlite3"
    before = live.read_bytes()
    for fmt in ("pdf", "csv"):
        assert not view.export_to(live, fmt)
        assert view.last_error.startswith(
            f"The list could not be exported: will not write to {live}: it is the planner "
            "database"
        )
    assert live.read_bytes() == before
    # Another file: the save dialog has asked before replacing it.
    mine = tmp_path / "list.md"
    mine.write_text("my old list", encoding="utf-8")
    assert view.export_to(mine)
    assert "- [ ] 18 slices white bread (522 g)" in mine.read_text("utf-8")


def test_pantry_staples_are_checked_at_home_left_out_or_listed(
    qtbot, view: ShoppingView, demo_document: PlanDocument, service: ShoppingService
) -> None:
    oil = demo_document.food_service.get(FoodRef("usda-sr28", "04053"))  # olive oil
    demo_document.add_entry(MONDAY, 2, oil, 1, "tbsp")
    view.refresh()
    shown = rows(view.model)
    assert list(shown)[-1] == "Check the pantry"
    assert shown["Check the pantry"] == ["1 tbsp olive oil"]
    view.set_pantry_mode("omit")
    assert "Check the pantry" not in rows(view.model)
    assert "Left out as pantry staples you have: 1 tbsp olive oil." in view.notes_label.text()
    assert service.settings.current.pantry == "omit"  # remembered
    view.set_pantry_mode("list")
    listed = [text for items in rows(view.model).values() for text in items]
    assert "1 tbsp olive oil" in listed and "Check the pantry" not in rows(view.model)
    # A new view starts with the remembered choice.
    again = ShoppingView(demo_document, service)
    qtbot.addWidget(again)
    assert again.pantry_mode == "list"


def test_the_people_set_the_household_factor(
    qtbot, view: ShoppingView, service: ShoppingService
) -> None:
    from planner.ui.shopping.people_dialog import PeopleDialog

    def fill(dialog: PeopleDialog) -> None:
        dialog.add_person("Tom", 0.6)
        dialog.add_person("Ana", 1.0)
        assert dialog.total() == 2.6  # "Me" 1.0 and the two added
        dialog.accept()

    QTimer.singleShot(0, lambda: fill(view.last_dialog))  # type: ignore[arg-type]
    assert view.edit_people()
    assert service.settings.current.people == (("Me", 1.0), ("Tom", 0.6), ("Ana", 1.0))
    assert view.factor == pytest.approx(2.6)
    eggs = next(i for i in view.shopping_list.items if i.name.startswith("Egg, whole"))
    assert eggs.display.startswith("11 large eggs")  # 4 eggs x 2.6 = 10.4, rounded up
