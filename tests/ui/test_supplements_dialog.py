"""The supplements dialog and its editor: add, edit, remove, the daily equivalent, and
doses that are refused with the typed text kept.

The editor is opened by clicking Add or Edit and filled in like a user would; the dialog
answers with core ``Supplement`` values.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QWidget
from pytestqt.qtbot import QtBot

from planner.core.plan import Supplement
from planner.ui.dialogs.supplements_dialog import (
    SupplementEditor,
    SupplementsDialog,
    SupplementsModel,
    equivalent_text,
)

SHOTS = Path("/tmp/planner-shots")

VITAMIN_D_WEEKLY = Supplement("Vitamin D3 50,000", "vitamin_d", 50_000, "IU", "weekly", "sun",
                              id=4)
MAGNESIUM = Supplement("Magnesium bisglycinate", "magnesium", 200, "mg", form="glycinate", id=5)


def _apply_layout(widget: QWidget) -> None:
    """Apply a pending layout now, as the event loop would before the next paint."""
    layout = widget.layout()
    assert layout is not None
    layout.activate()


def _save_shot(widget: QWidget, tmp_path: Path, name: str) -> None:
    _apply_layout(widget)
    image = widget.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for folder in (tmp_path, SHOTS):
        assert image.save(str(folder / name))


def _open(qtbot: QtBot, supplements: tuple[Supplement, ...] = ()) -> SupplementsDialog:
    dialog = SupplementsDialog(supplements)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _click(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _open_editor(qtbot: QtBot, dialog: SupplementsDialog, button: QWidget) -> SupplementEditor:
    _click(qtbot, button)
    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    return editor


def _fill(
    qtbot: QtBot, editor: SupplementEditor, *, name: str, nutrient: str, amount: str,
    unit: str, schedule: str = "daily", weekday: str | None = None, form: str | None = None,
) -> None:
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, name)
    _choose(editor.nutrient_combo, nutrient)
    editor.amount_edit.selectAll()
    qtbot.keyClicks(editor.amount_edit, amount)
    editor.unit_combo.setCurrentIndex(editor.unit_combo.findText(unit))
    _choose(editor.schedule_combo, schedule)
    if weekday is not None:
        _choose(editor.weekday_combo, weekday)
    if form is not None:
        _choose(editor.form_combo, form)


def _accept(qtbot: QtBot, editor: SupplementEditor) -> None:
    assert editor.ok_button.isEnabled(), editor.message_label.text()
    with qtbot.waitSignal(editor.finished):
        _click(qtbot, editor.ok_button)


def test_add_weekly_vitamin_d(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _open(qtbot)
    assert dialog.empty_label.isVisible()
    assert not dialog.edit_button.isEnabled() and not dialog.remove_button.isEnabled()

    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="Vitamin D3 50,000", nutrient="vitamin_d", amount="50000",
          unit="IU", schedule="weekly", weekday="sun")

    assert editor.weekday_combo.isEnabled()
    assert not editor.form_combo.isEnabled()
    assert not editor.magnesium_hint.isVisible()
    assert editor.equivalent_label.text() == (
        "50,000 IU weekly counts as 7,143 IU (178.6 µg) a day"
    )
    _save_shot(editor, tmp_path, "supplement_editor.png")
    _accept(qtbot, editor)

    assert dialog.supplements() == (
        Supplement("Vitamin D3 50,000", "vitamin_d", 50_000, "IU", "weekly", "sun"),
    )
    model = dialog.model
    row = [model.index(0, column).data() for column in range(model.columnCount())]
    assert row == ["Vitamin D3 50,000", "Vitamin D", "50,000 IU", "weekly on Sunday", "—",
                   "7,143 IU (178.6 µg)"]
    assert not dialog.empty_label.isVisible()


def test_add_daily_magnesium_glycinate(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _open(qtbot, (VITAMIN_D_WEEKLY,))
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _choose(editor.nutrient_combo, "magnesium")
    # Magnesium comes in mg; the form is asked for magnesium only.
    assert [editor.unit_combo.itemText(i) for i in range(editor.unit_combo.count())] == ["mg"]
    assert editor.form_combo.isEnabled()
    _fill(qtbot, editor, name="Magnesium bisglycinate", nutrient="magnesium", amount="200",
          unit="mg", form="bisglycinate")

    assert not editor.weekday_combo.isEnabled()
    assert editor.magnesium_hint.isVisible()
    # 200 mg of elemental magnesium, as bisglycinate.
    assert editor.equivalent_label.text() == "200 mg a day"
    _save_shot(editor, tmp_path, "supplement_editor_magnesium.png")
    _accept(qtbot, editor)

    assert dialog.supplements() == (
        VITAMIN_D_WEEKLY,
        Supplement("Magnesium bisglycinate", "magnesium", 200, "mg", "daily", None, "glycinate",
                   compound="bisglycinate"),
    )
    assert dialog.model.index(1, 4).data() == "bisglycinate"
    assert dialog.current_row() == 1
    _save_shot(dialog, tmp_path, "supplements_dialog.png")


def test_a_label_that_prints_the_compounds_weight(qtbot: QtBot) -> None:
    """ "Magnesium bisglycinate 500 mg" is 70.5 mg of magnesium, and the editor says so."""
    dialog = _open(qtbot)
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="Mg bisglycinate 500", nutrient="magnesium", amount="500",
          unit="mg", form="bisglycinate")
    assert editor.compound_weight.isEnabled()
    editor.compound_weight.setChecked(True)
    assert editor.equivalent_label.text() == (
        "500 mg magnesium bisglycinate = 70.5 mg magnesium (14.1%) a day")
    _accept(qtbot, editor)
    (saved,) = dialog.supplements()
    assert (saved.compound, saved.compound_amount) == ("bisglycinate", 500)
    assert saved.amount == pytest.approx(70.48, abs=0.01)
    assert dialog.model.index(0, 5).data() == "70.5 mg"
    # Editing it shows the label's number again, the box ticked.
    again = _open_editor(qtbot, dialog, dialog.edit_button)
    assert again.amount_edit.text() == "500" and again.compound_weight.isChecked()
    # Calcium carbonate from a 1250 mg tablet: 500 mg of calcium.
    _choose(again.nutrient_combo, "calcium")
    again.form_combo.setCurrentIndex(again.form_combo.findData("carbonate"))
    again.amount_edit.setText("1250")
    again.compound_weight.setChecked(True)
    assert again.equivalent_label.text().startswith(
        "1250 mg calcium carbonate = 500.5 mg calcium (40.0%)")


def test_daily_vitamin_d_in_micrograms_shows_international_units(qtbot: QtBot) -> None:
    dialog = _open(qtbot)
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="D3", nutrient="vitamin_d", amount="50", unit="µg")
    assert editor.equivalent_label.text() == "50 µg = 2,000 IU a day"
    editor.unit_combo.setCurrentIndex(editor.unit_combo.findText("IU"))
    assert editor.equivalent_label.text() == "50 IU = 1.2 µg a day"
    editor.amount_edit.selectAll()
    qtbot.keyClicks(editor.amount_edit, "2000")
    assert editor.equivalent_label.text() == "2,000 IU = 50 µg a day"


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("-1", "IU", "more than zero"),
        ("0", "IU", "more than zero"),
        ("abc", "IU", "'abc' is not a dose; type the number on the label"),
        ("1e9", "IU", "'1e9' is not a dose"),
        ("2000000", "IU", "too large"),
        ("30000", "µg", "implausibly large"),
        ("2,000", "IU", "ambiguous; write 2000 or 2"),
        ("1/2", "IU", "fraction"),
        ("1.2.3", "IU", "'1.2.3' is not a dose"),
        ("", "IU", "Type the dose from the label"),
    ],
)
def test_invalid_dose_keeps_the_text_and_disables_ok(
    qtbot: QtBot, tmp_path: Path, amount: str, unit: str, expected: str
) -> None:
    dialog = _open(qtbot)
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="D3", nutrient="vitamin_d", amount=amount, unit=unit)

    assert not editor.ok_button.isEnabled()
    assert editor.message_label.isVisible()
    assert expected in editor.message_label.text()
    assert editor.amount_edit.text() == amount
    assert not editor.equivalent_label.isVisible()
    _apply_layout(editor)
    assert editor.message_label.geometry().bottom() < editor.button_box.geometry().top()
    if amount == "abc":
        _save_shot(editor, tmp_path, "supplement_editor_invalid.png")

    editor.amount_edit.selectAll()
    qtbot.keyClicks(editor.amount_edit, "1000")
    assert editor.ok_button.isEnabled()
    assert not editor.message_label.isVisible()


def test_too_much_magnesium_is_refused(qtbot: QtBot) -> None:
    dialog = _open(qtbot)
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="Mg", nutrient="magnesium", amount="20000", unit="mg")
    assert not editor.ok_button.isEnabled()
    assert "implausibly large" in editor.message_label.text()


def test_a_new_editor_asks_for_the_dose_and_a_name(qtbot: QtBot) -> None:
    dialog = _open(qtbot)
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    assert not editor.ok_button.isEnabled()
    assert editor.message_label.text() == "Type the dose from the label, e.g. 2000."

    qtbot.keyClicks(editor.amount_edit, "1000")
    assert not editor.ok_button.isEnabled()
    assert editor.message_label.text() == "Give the supplement a name."
    # The dose is fine, so its equivalent is shown already.
    assert editor.equivalent_label.text() == "1,000 IU = 25 µg a day"
    qtbot.keyClicks(editor.name_edit, "D3")
    assert editor.ok_button.isEnabled()


def test_cancel_adds_nothing(qtbot: QtBot) -> None:
    dialog = _open(qtbot, (MAGNESIUM,))
    editor = _open_editor(qtbot, dialog, dialog.add_button)
    _fill(qtbot, editor, name="D3", nutrient="vitamin_d", amount="1000", unit="IU")
    with qtbot.waitSignal(editor.finished):
        _click(qtbot, editor.button_box.button(editor.button_box.StandardButton.Cancel))
    assert dialog.supplements() == (MAGNESIUM,)
    assert dialog.editor is None


def test_edit_keeps_the_id_and_the_fields(qtbot: QtBot) -> None:
    dialog = _open(qtbot, (MAGNESIUM, VITAMIN_D_WEEKLY))
    dialog.view.selectRow(1)
    editor = _open_editor(qtbot, dialog, dialog.edit_button)
    assert editor.supplement() == VITAMIN_D_WEEKLY
    assert editor.amount_edit.text() == "50000"
    assert editor.weekday_combo.currentData() == "sun"

    _choose(editor.schedule_combo, "daily")
    editor.amount_edit.selectAll()
    qtbot.keyClicks(editor.amount_edit, "2000")
    _accept(qtbot, editor)

    assert dialog.supplements() == (
        MAGNESIUM, Supplement("Vitamin D3 50,000", "vitamin_d", 2000, "IU", id=4),
    )
    assert dialog.model.index(1, 3).data() == "daily"


def test_a_unit_from_a_plan_file_is_kept(qtbot: QtBot) -> None:
    drops = Supplement("Drops", "vitamin_d", 25, "mcg")
    editor = SupplementEditor(drops)
    qtbot.addWidget(editor)
    assert editor.unit_combo.currentText() == "mcg"
    assert editor.supplement() == drops
    assert editor.equivalent_label.text() == "25 mcg = 1,000 IU a day"


def test_remove(qtbot: QtBot) -> None:
    dialog = _open(qtbot, (MAGNESIUM, VITAMIN_D_WEEKLY))
    dialog.view.selectRow(0)
    _click(qtbot, dialog.remove_button)
    assert dialog.supplements() == (VITAMIN_D_WEEKLY,)
    assert dialog.current_row() == 0

    _click(qtbot, dialog.remove_button)
    assert dialog.supplements() == ()
    assert not dialog.remove_button.isEnabled()
    assert dialog.empty_label.isVisible()


def test_ok_and_cancel(qtbot: QtBot) -> None:
    dialog = _open(qtbot, (MAGNESIUM,))
    with qtbot.waitSignal(dialog.finished) as finished:
        _click(qtbot, dialog.button_box.button(dialog.button_box.StandardButton.Ok))
    assert finished.args == [QDialog.DialogCode.Accepted.value]


def test_equivalent_text_of_weekly_micrograms_and_magnesium() -> None:
    weekly_ug = Supplement("D", "vitamin_d", 1250, "µg", "weekly", "mon")
    assert equivalent_text(weekly_ug) == "1,250 µg weekly counts as 178.6 µg (7,143 IU) a day"
    weekly_mg = Supplement("Mg", "magnesium", 700, "mg", "weekly", "wed")
    assert equivalent_text(weekly_mg) == "700 mg weekly counts as 100 mg a day"
    grams = Supplement("Mg", "magnesium", 0.25, "g")
    assert equivalent_text(grams) == "0.25 g = 250 mg a day"


def test_supplements_model_is_a_sound_qt_model(qtmodeltester: object) -> None:
    model = SupplementsModel((MAGNESIUM, VITAMIN_D_WEEKLY))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
