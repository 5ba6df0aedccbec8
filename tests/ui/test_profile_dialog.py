"""The profile dialog: live DRI values, overrides typed into the table, inline validation.

Widgets are driven as a user would (keys into the line edit and the table's cell editor,
combo boxes switched); the dialog's answer is checked as the core ``Profile`` it returns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from planner.core.plan import Profile
from planner.core.targets import DriTables
from planner.services.plans import dri_tables
from planner.ui.dialogs.profile_dialog import (
    DRI_NOTE,
    OVERRIDDEN_ROLE,
    TARGET_FIELDS,
    TARGET_KEYS,
    ProfileDialog,
    TargetsModel,
)

SHOTS = Path("/tmp/planner-shots")


@pytest.fixture
def tables() -> DriTables:
    return dri_tables()


def _open(qtbot: QtBot, profile: Profile, tables: DriTables) -> ProfileDialog:
    dialog = ProfileDialog(profile, tables)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _column(field_name: str, *, override: bool) -> int:
    return 1 + 2 * TARGET_FIELDS.index(field_name) + (1 if override else 0)


def _cell(dialog: ProfileDialog, key: str, field_name: str, *, override: bool = False) -> str:
    model = dialog.targets_model
    return str(model.index(TARGET_KEYS.index(key), _column(field_name, override=override)).data())


def _type_override(
    qtbot: QtBot, dialog: ProfileDialog, key: str, field_name: str, text: str
) -> None:
    """Open the cell editor like a user, replace its text and press Return."""
    view = dialog.targets_view
    index = dialog.targets_model.index(TARGET_KEYS.index(key), _column(field_name, override=True))
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits and closes the editor by a queued call after the key press.
    qtbot.waitUntil(lambda: view.indexWidget(index) is None)


def _apply_layout(widget: QWidget) -> None:
    """Apply a pending layout now, as the event loop would before the next paint."""
    layout = widget.layout()
    assert layout is not None
    layout.activate()


def _save_shot(dialog: ProfileDialog, tmp_path: Path, name: str) -> None:
    dialog.targets_view.clearSelection()
    # Apply the pending layout (a message may just have appeared) as the event loop would.
    _apply_layout(dialog)
    image = dialog.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for folder in (tmp_path, SHOTS):
        assert image.save(str(folder / name))


def test_round_trip_keeps_everything(qtbot: QtBot, tables: DriTables) -> None:
    profile = Profile(
        "Anna", "female", 34, "lactation",
        {"magnesium_mg.ear": 280, "vitamin_d_ug": 20, "energy_kcal": 2345.675, "iron_mg": 18},
        id=7,
    )
    dialog = _open(qtbot, profile, tables)

    assert dialog.ok_button.isEnabled()
    assert dialog.profile() == profile
    # The override cells show what the profile had.
    assert _cell(dialog, "magnesium_mg", "ear", override=True) == "280"
    assert _cell(dialog, "vitamin_d_ug", "recommended", override=True) == "20"


def test_edits_come_back_as_a_profile(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 34, id=3), tables)

    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Ben")
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("male"))
    dialog.age_spin.selectAll()
    qtbot.keyClicks(dialog.age_spin, "61")

    assert dialog.profile() == Profile("Ben", "male", 61, "none", {}, id=3)
    assert _cell(dialog, "magnesium_mg", "recommended") == "420 (RDA)"
    assert _cell(dialog, "magnesium_mg", "ear") == "350"


def test_life_stage_changes_the_shown_magnesium_ear(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)
    assert _cell(dialog, "magnesium_mg", "ear") == "255"
    assert _cell(dialog, "magnesium_mg", "recommended") == "310 (RDA)"

    dialog.life_stage_combo.setCurrentIndex(dialog.life_stage_combo.findData("pregnancy"))
    assert _cell(dialog, "magnesium_mg", "ear") == "290"
    assert _cell(dialog, "magnesium_mg", "recommended") == "350 (RDA)"
    assert _cell(dialog, "energy_kcal", "recommended") == "2,340 (default)"
    assert dialog.profile().life_stage == "pregnancy"

    dialog.life_stage_combo.setCurrentIndex(dialog.life_stage_combo.findData("none"))
    assert _cell(dialog, "magnesium_mg", "ear") == "255"


def test_units_and_upper_levels_are_shown(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)
    model = dialog.targets_model
    names = [model.index(row, 0).data() for row in range(model.rowCount())]
    # The focus first, then protein, fibre, sodium, then every nutrient with a DRI.
    assert names[:10] == [
        "Magnesium (mg)", "Vitamin D (µg)", "Calcium (mg)", "Energy (kcal)", "Protein (g)",
        "Fibre (g)", "Sodium (mg)", "Vitamin A (µg)", "Vitamin C (mg)", "Vitamin E (mg)",
    ]
    assert len(names) == 34 and "Iodine (µg)" in names
    assert _cell(dialog, "folate_dfe_ug", "ul") == "1,000 (folic acid)"
    assert _cell(dialog, "vitamin_a_rae_ug", "ul") == "3,000 (retinol)"
    assert _cell(dialog, "magnesium_mg", "ul") == "350 (supplements)"
    assert _cell(dialog, "vitamin_d_ug", "ul") == "100"
    assert _cell(dialog, "sodium_mg", "ul") == "2,300 (CDRR)"
    assert _cell(dialog, "protein_g", "ear") == "—"
    assert DRI_NOTE in dialog.dri_note_label.text()


def test_pregnancy_is_offered_to_women_of_14_to_50_only(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 30, "pregnancy"), tables)
    items = dialog.life_stage_combo.model()
    assert isinstance(items, QStandardItemModel)

    def offered() -> list[bool]:
        return [items.item(row).isEnabled() for row in range(items.rowCount())]

    assert offered() == [True, True, True]
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("male"))
    # A man cannot be pregnant: the stage falls back to none and the choices go grey.
    assert dialog.life_stage() == "none"
    assert offered() == [True, False, False]
    assert _cell(dialog, "magnesium_mg", "ear") == "330"

    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("female"))
    dialog.age_spin.setValue(55)
    assert offered() == [True, False, False]
    dialog.age_spin.setValue(14)
    assert offered() == [True, True, True]


def test_a_stage_outside_the_table_ages_is_kept_with_a_note(
    qtbot: QtBot, tables: DriTables
) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 30, "pregnancy"), tables)
    # Typing "35" passes through "3": the chosen stage must survive that.
    dialog.age_spin.selectAll()
    qtbot.keyClicks(dialog.age_spin, "35")
    assert dialog.life_stage() == "pregnancy"
    assert dialog.notes_label.isHidden()

    dialog.age_spin.setValue(52)
    assert dialog.life_stage() == "pregnancy"
    assert not dialog.notes_label.isHidden()
    assert "ages 14-50 only" in dialog.notes_label.text()
    assert _cell(dialog, "magnesium_mg", "ear") == "265"


def test_override_magnesium_rda(qtbot: QtBot, tables: DriTables, tmp_path: Path) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25, id=1), tables)

    _type_override(qtbot, dialog, "magnesium_mg", "recommended", "400")

    assert dialog.ok_button.isEnabled()
    targets = dialog.profile().targets(tables)
    assert targets["magnesium_mg"].recommended == 400
    assert targets["magnesium_mg"].overridden == frozenset({"recommended"})
    assert targets.overridden_keys == frozenset({"magnesium_mg"})
    # The table marks it: the override is flagged and the DRI value it replaces is struck out.
    model = dialog.targets_model
    row = TARGET_KEYS.index("magnesium_mg")
    override = model.index(row, _column("recommended", override=True))
    dri = model.index(row, _column("recommended", override=False))
    assert override.data() == "400"
    assert override.data(OVERRIDDEN_ROLE) is True
    assert override.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert dri.data() == "310 (RDA)"
    assert dri.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert model.index(row, 0).data(OVERRIDDEN_ROLE) is True
    assert model.index(TARGET_KEYS.index("calcium_mg"), 0).data(OVERRIDDEN_ROLE) is False
    _save_shot(dialog, tmp_path, "profile_dialog.png")


def test_the_fibre_target_is_the_table_ai_whatever_the_energy(
    qtbot: QtBot, tables: DriTables
) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)
    assert _cell(dialog, "fiber_g", "recommended") == "25 (AI)"
    _type_override(qtbot, dialog, "energy_kcal", "recommended", "2500")
    assert _cell(dialog, "fiber_g", "recommended") == "25 (AI)"
    assert dialog.profile().targets(tables).recommended("fiber_g") == 25


def test_clearing_a_cell_and_reset_go_back_to_the_dri(qtbot: QtBot, tables: DriTables) -> None:
    profile = Profile("Anna", "female", 25, target_overrides={"iron_mg": 18, "water_g": 2000})
    dialog = _open(qtbot, profile, tables)
    _type_override(qtbot, dialog, "magnesium_mg", "recommended", "400")
    _type_override(qtbot, dialog, "vitamin_d_ug", "ul", "50")
    _type_override(qtbot, dialog, "magnesium_mg", "recommended", "")
    assert dict(dialog.profile().target_overrides) == {"iron_mg": 18, "water_g": 2000,
                                                       "vitamin_d_ug.ul": 50}

    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)

    assert _cell(dialog, "vitamin_d_ug", "ul", override=True) == ""
    # Iron is in the table and goes back to its RDA; water has no DRI, so it is not in the
    # table, and its override (from a plan file) is left alone.
    assert dict(dialog.profile().target_overrides) == {"water_g": 2000}
    assert dialog.profile().targets(tables).recommended("magnesium_mg") == 310


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", "'abc' is not an amount"), ("-5", "more than zero"), ("0", "more than zero"),
     ("1,500", "ambiguous")],
)
def test_invalid_override_keeps_the_text_and_disables_ok(
    qtbot: QtBot, tables: DriTables, tmp_path: Path, text: str, expected: str
) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)

    _type_override(qtbot, dialog, "magnesium_mg", "recommended", text)

    assert not dialog.ok_button.isEnabled()
    assert dialog.message_label.isVisible()
    assert dialog.message_label.text().startswith("Magnesium target: ")
    assert expected in dialog.message_label.text()
    assert _cell(dialog, "magnesium_mg", "recommended", override=True) == text
    assert dialog.targets_model.override_text("magnesium_mg", "recommended") == text
    _apply_layout(dialog)
    # The message sits under the table, not over it.
    assert dialog.message_label.geometry().top() >= dialog.targets_view.geometry().bottom()
    if text == "abc":
        _save_shot(dialog, tmp_path, "profile_dialog_invalid.png")

    _type_override(qtbot, dialog, "magnesium_mg", "recommended", "400")
    assert dialog.ok_button.isEnabled()
    assert not dialog.message_label.isVisible()


def test_a_profile_needs_a_name(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)
    dialog.name_edit.selectAll()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    assert not dialog.ok_button.isEnabled()
    assert dialog.message_label.text() == "A profile needs a name"
    qtbot.keyClicks(dialog.name_edit, "Cleo")
    assert dialog.ok_button.isEnabled()


def test_ok_accepts(qtbot: QtBot, tables: DriTables) -> None:
    dialog = _open(qtbot, Profile("Anna", "female", 25), tables)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_targets_model_is_a_sound_qt_model(qtmodeltester: object, tables: DriTables) -> None:
    model = TargetsModel(tables)
    model.set_overrides({"magnesium_mg": 400, "sodium_mg.ul": 2000})
    qtmodeltester.check(model)  # type: ignore[attr-defined]
