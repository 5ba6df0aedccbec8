"""The supplements dialog: vitamin D, magnesium and calcium supplements and when they are
taken; a mineral's compound and whether the label's dose is its weight or the mineral's.

The list shows each supplement's dose, schedule, magnesium form and what it adds to every
day (a weekly dose counts one seventh a day, see :mod:`planner.core.plan`). Add and Edit
open :class:`SupplementEditor`, which checks the dose as it is typed: an amount that is
not a number, not positive or implausibly large is explained in the editor, the typed
text stays, and OK stays disabled until it is fixed.

Doses are typed as plain numbers (``2000``, ``12.5``, ``12,5``). A thousands separator
is refused with a hint rather than guessed: ``2,000`` is 2000 to some readers and 2 to
others (:func:`planner.core.units.parse_amount`). Fractions are no way to read a label,
so ``1/2`` is refused too.

Both dialogs take and give back core values (:meth:`SupplementsDialog.supplements`,
:meth:`SupplementEditor.supplement`); neither touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.compounds import mineral_compounds
from planner.core.nutrients import IU_PER_UG_VITAMIN_D
from planner.core.plan import (
    SCHEDULES,
    WEEKDAYS,
    MagnesiumForm,
    Schedule,
    Supplement,
    SupplementNutrient,
    Weekday,
)
from planner.core.units import AmountError, normalize_unit, parse_amount
from planner.ui.dialogs.profile_dialog import grow_to_fit

NUTRIENT_LABELS: Final = {"vitamin_d": "Vitamin D", "magnesium": "Magnesium",
                          "calcium": "Calcium"}
#: Units offered per nutrient (a supplement saved with another accepted spelling keeps it).
UNIT_CHOICES: Final = {"vitamin_d": ("IU", "µg"), "magnesium": ("mg",), "calcium": ("mg",)}
#: The magnesium form a compound is, for the list's Form column and older planners.
_FORM_OF_COMPOUND: Final = {
    "citrate": "citrate", "bisglycinate": "glycinate", "oxide": "oxide", "malate": "malate",
    "chloride hexahydrate": "chloride", "taurate": "taurate", "l-threonate": "threonate",
}
_MINERALS: Final = ("magnesium", "calcium")
#: An older plan's magnesium form, read as its compound.
_COMPOUND_OF_FORM: Final = {form: compound for compound, form in _FORM_OF_COMPOUND.items()}
WEEKDAY_NAMES: Final = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
    "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}
_SCHEDULE_LABELS: Final = {"daily": "Daily", "weekly": "Weekly"}
_FORM_UNKNOWN: Final = "not known"
_ERROR_STYLE: Final = "color: #b00020;"
# Numbers parse_amount reads or explains (decimals, thousands groups, a minus sign).
_DOSE_RE: Final = re.compile(r"^-?\s*(?:\d+(?:[.,]\d+)?|[.,]\d+|\d{1,3}(?:,\d{3})+)$")


def format_number(value: float, decimals: int = 1) -> str:
    """``50000`` -> ``50,000``; ``178.57`` -> ``178.6``; ``50.0`` -> ``50``."""
    text = f"{value:,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return text


def _is_iu(unit: str) -> bool:
    return normalize_unit(unit) == "iu"


def _dose_text(amount: float, unit: str) -> str:
    # The user's own number, unrounded: 0.25 g stays 0.25 g.
    return f"{amount:,.12g} {unit}"


def _vitamin_d_pair(ug: float, iu_first: bool) -> tuple[str, str]:
    iu = f"{format_number(ug * IU_PER_UG_VITAMIN_D, 0)} IU"
    micrograms = f"{format_number(ug)} µg"
    return (iu, micrograms) if iu_first else (micrograms, iu)


def daily_text(supplement: Supplement) -> str:
    """What the supplement adds to every day: ``7,143 IU (178.6 µg)``, ``200 mg``."""
    if supplement.nutrient == "vitamin_d":
        first, second = _vitamin_d_pair(supplement.daily_amount, _is_iu(supplement.unit))
        return f"{first} ({second})"
    return f"{format_number(supplement.daily_amount)} mg"


def equivalent_text(supplement: Supplement) -> str:
    """The dose in the other unit and per day.

    ``2,000 IU = 50 µg a day``; ``50,000 IU weekly counts as 7,143 IU (178.6 µg) a day``.
    """
    dose = _dose_text(supplement.amount, supplement.unit)
    compound = supplement.compound_text
    if compound is not None:
        # "500 mg magnesium bisglycinate = 70.5 mg magnesium (14.1%)": what is counted.
        when = " weekly" if supplement.schedule == "weekly" else " a day"
        return f"{compound}{when}"
    if supplement.schedule == "weekly":
        return f"{dose} weekly counts as {daily_text(supplement)} a day"
    if supplement.nutrient == "vitamin_d":
        _, other = _vitamin_d_pair(supplement.dose, _is_iu(supplement.unit))
        return f"{dose} = {other} a day"
    mg = format_number(supplement.dose)
    if normalize_unit(supplement.unit) == "mg":
        return f"{dose} a day"
    return f"{dose} = {mg} mg a day"


def schedule_text(supplement: Supplement) -> str:
    """``daily`` or ``weekly on Sunday``."""
    if supplement.schedule == "weekly" and supplement.weekday is not None:
        return f"weekly on {WEEKDAY_NAMES[supplement.weekday]}"
    return supplement.schedule


def parse_dose(text: str) -> float:
    """A dose typed from a label: a positive plain number (see the module notes)."""
    cleaned = text.strip()
    if "/" in cleaned:
        raise AmountError(f"{cleaned!r} is a fraction; type the dose on the label, e.g. 2000")
    if not _DOSE_RE.match(cleaned):
        # parse_amount's own hint offers fractions, which a dose does not take.
        raise AmountError(f"{cleaned!r} is not a dose; type the number on the label, "
                          "e.g. 2000 or 12.5")
    return parse_amount(cleaned)


class SupplementsModel(QAbstractTableModel):
    """The supplements as rows: name, nutrient, dose, schedule, form and amount a day."""

    HEADERS: Final = ("Name", "Nutrient", "Dose", "Schedule", "Form", "Counts a day")

    def __init__(
        self, supplements: Sequence[Supplement] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._supplements = tuple(supplements)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._supplements)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._supplements):
            return None
        supplement = self._supplements[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(supplement, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return equivalent_text(supplement)
        return None

    @staticmethod
    def _cell(supplement: Supplement, column: int) -> str | None:
        if column == 0:
            return supplement.name
        if column == 1:
            return NUTRIENT_LABELS[supplement.nutrient]
        if column == 2:
            return _dose_text(supplement.amount, supplement.unit)
        if column == 3:
            return schedule_text(supplement)
        if column == 4:
            if supplement.compound is not None:
                return supplement.compound
            if supplement.nutrient != "magnesium":
                return "—"
            return supplement.form or _FORM_UNKNOWN
        if column == 5:
            return daily_text(supplement)
        return None

    def supplements(self) -> tuple[Supplement, ...]:
        return self._supplements

    def set_supplements(self, supplements: Sequence[Supplement]) -> None:
        self.beginResetModel()
        self._supplements = tuple(supplements)
        self.endResetModel()


class SupplementEditor(QDialog):
    """Add or edit one supplement; OK is enabled only while the fields make a supplement."""

    def __init__(
        self, supplement: Supplement | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit supplement" if supplement else "Add supplement")
        self._original = supplement

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Vitamin D3 drops")
        self.nutrient_combo = QComboBox()
        for nutrient, label in NUTRIENT_LABELS.items():
            self.nutrient_combo.addItem(label, nutrient)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("dose on the label, e.g. 2000")
        self.unit_combo = QComboBox()
        self.schedule_combo = QComboBox()
        for schedule in SCHEDULES:
            self.schedule_combo.addItem(_SCHEDULE_LABELS[schedule], schedule)
        self.weekday_combo = QComboBox()
        for weekday in WEEKDAYS:
            self.weekday_combo.addItem(WEEKDAY_NAMES[weekday], weekday)
        # The compound (magnesium bisglycinate, calcium carbonate) and whether the dose is
        # its weight, as labels print it, or the elemental mineral.
        self.form_combo = QComboBox()
        self.form_combo.setToolTip("The compound the label names; absorption differs "
                                   "between them, and the mineral is a part of its weight")
        self.compound_weight = QCheckBox("The dose is the compound's weight")
        self.compound_weight.setToolTip(
            "Labels print either the mineral itself (\"Magnesium 100 mg\") or the "
            "compound's weight (\"magnesium bisglycinate 500 mg\"): tick this for the "
            "second, and the mineral is worked out from the compound's formula")
        self.equivalent_label = QLabel()
        self.equivalent_label.setWordWrap(True)
        self.magnesium_hint = QLabel(
            "A label gives the mineral itself (\"Magnesium 100 mg\") or the compound's "
            "weight (\"magnesium bisglycinate 500 mg\", about 70 mg of magnesium): choose "
            "the compound and say which the dose is."
        )
        self.magnesium_hint.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )

        dose_row = QHBoxLayout()
        dose_row.addWidget(self.amount_edit, 1)
        dose_row.addWidget(self.unit_combo)
        schedule_row = QHBoxLayout()
        schedule_row.addWidget(self.schedule_combo)
        schedule_row.addWidget(QLabel("on"))
        schedule_row.addWidget(self.weekday_combo, 1)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("N&utrient:", self.nutrient_combo)
        dose_label = QLabel("&Dose:")
        dose_label.setBuddy(self.amount_edit)
        schedule_label = QLabel("&Schedule:")
        schedule_label.setBuddy(self.schedule_combo)
        form.addRow(dose_label, dose_row)
        form.addRow(schedule_label, schedule_row)
        form.addRow("&Compound:", self.form_combo)
        form.addRow("", self.compound_weight)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.magnesium_hint)
        layout.addWidget(self.equivalent_label)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(self.button_box)
        self.setMinimumWidth(420)

        if supplement is not None:
            self._load(supplement)
        self._nutrient_changed()
        self._schedule_changed()

        self.name_edit.textChanged.connect(self._validate)
        self.nutrient_combo.currentIndexChanged.connect(self._nutrient_changed)
        self.amount_edit.textChanged.connect(self._validate)
        self.unit_combo.currentIndexChanged.connect(self._validate)
        self.schedule_combo.currentIndexChanged.connect(self._schedule_changed)
        self.weekday_combo.currentIndexChanged.connect(self._validate)
        self.form_combo.currentIndexChanged.connect(self._compound_changed)
        self.compound_weight.toggled.connect(self._validate)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self._validate()

    @property
    def ok_button(self) -> QPushButton:
        return self.button_box.button(QDialogButtonBox.StandardButton.Ok)

    def supplement(self) -> Supplement:
        """The supplement the fields describe (same id when editing).

        Raises :class:`~planner.core.plan.PlanError` or
        :class:`~planner.core.units.AmountError` (both ``ValueError``) while the fields are
        invalid; OK is disabled in that state.
        """
        return self._build(self.name_edit.text().strip(), parse_dose(self.amount_edit.text()))

    def _build(self, name: str, amount: float) -> Supplement:
        nutrient = cast(SupplementNutrient, self.nutrient_combo.currentData())
        schedule = cast(Schedule, self.schedule_combo.currentData())
        weekday = cast(Weekday, self.weekday_combo.currentData()) if schedule == "weekly" else None
        compound = self.form_combo.currentData() if nutrient in _MINERALS else None
        form = None
        if nutrient == "magnesium":
            form = cast(MagnesiumForm | None, _FORM_OF_COMPOUND.get(compound or "",
                                                                    "other" if compound else None))
            if compound is None and self._original is not None:
                form = self._original.form  # an older plan's form stays
        identity = self._original.id if self._original else None
        unit = self.unit_combo.currentText()
        if compound is not None and self.compound_weight.isChecked():
            return Supplement.of_compound(name, nutrient, compound, amount, unit,
                                          schedule=schedule, weekday=weekday, form=form,
                                          id=identity)
        return Supplement(name, nutrient, amount, unit, schedule, weekday, form, id=identity,
                          compound=compound)

    def _load(self, supplement: Supplement) -> None:
        self.name_edit.setText(supplement.name)
        self.nutrient_combo.setCurrentIndex(self.nutrient_combo.findData(supplement.nutrient))
        self.amount_edit.setText(f"{supplement.amount:.12g}")
        self.schedule_combo.setCurrentIndex(self.schedule_combo.findData(supplement.schedule))
        if supplement.weekday is not None:
            self.weekday_combo.setCurrentIndex(self.weekday_combo.findData(supplement.weekday))
        if supplement.compound_amount is not None:
            # The label's number: the compound's weight.
            self.amount_edit.setText(f"{supplement.compound_amount:.12g}")

    def _nutrient_changed(self) -> None:
        nutrient = cast(SupplementNutrient, self.nutrient_combo.currentData())
        previous = self.unit_combo.currentText()
        if self.unit_combo.count() == 0 and self._original is not None:
            previous = self._original.unit
        units = list(UNIT_CHOICES[nutrient])
        original = self._original
        if (original is not None and original.nutrient == nutrient
                and original.unit not in units):
            units.append(original.unit)  # "mcg" or "g" from a plan file stays as written
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItems(units)
        if previous in units:
            self.unit_combo.setCurrentText(previous)
        self.unit_combo.blockSignals(False)
        self._fill_compounds(nutrient)
        mineral = nutrient in _MINERALS
        self.form_combo.setEnabled(mineral)
        self.magnesium_hint.setVisible(mineral)
        self._compound_changed()

    def _fill_compounds(self, nutrient: str) -> None:
        """The compounds of the chosen mineral, the original's chosen."""
        wanted = self.form_combo.currentData()
        original = self._original
        if original is not None and original.nutrient == nutrient and self.form_combo.count() == 0:
            wanted = original.compound or _COMPOUND_OF_FORM.get(original.form or "")
        self.form_combo.blockSignals(True)
        self.form_combo.clear()
        self.form_combo.addItem(_FORM_UNKNOWN, None)
        for compound in mineral_compounds(nutrient):
            self.form_combo.addItem(compound.name, compound.key)
        index = self.form_combo.findData(wanted) if wanted else 0
        self.form_combo.setCurrentIndex(max(0, index))
        self.form_combo.blockSignals(False)
        if original is not None and original.compound_amount is not None:
            self.compound_weight.setChecked(True)

    def _compound_changed(self) -> None:
        chosen = self.form_combo.currentData() is not None
        self.compound_weight.setEnabled(chosen)
        if not chosen:
            self.compound_weight.setChecked(False)
        self._validate()

    def _schedule_changed(self) -> None:
        self.weekday_combo.setEnabled(self.schedule_combo.currentData() == "weekly")
        self._validate()

    def _check(self) -> tuple[str | None, Supplement | None]:
        """The problem with the fields (``None`` if none) and the supplement to preview."""
        name = self.name_edit.text().strip()
        try:
            dose = parse_dose(self.amount_edit.text())
            # The dose is checked before the name so that a bad dose is never hidden.
            preview = self._build(name or "unnamed", dose)
        except ValueError as problem:
            text = str(problem)
            return text[:1].upper() + text[1:] + ".", None
        if not name:
            return "Give the supplement a name.", preview
        return None, preview

    def _validate(self) -> None:
        if self.amount_edit.text().strip():
            error, preview = self._check()
            self.message_label.setStyleSheet(_ERROR_STYLE)
        else:
            # Nothing typed yet is a prompt, not an error.
            error, preview = "Type the dose from the label, e.g. 2000.", None
            self.message_label.setStyleSheet("")
        self.message_label.setText(error or "")
        self.message_label.setVisible(error is not None)
        self.equivalent_label.setText(equivalent_text(preview) if preview else "")
        self.equivalent_label.setVisible(preview is not None)
        self.ok_button.setEnabled(error is None)
        grow_to_fit(self)


class SupplementsDialog(QDialog):
    """The plan's supplements, with Add, Edit and Remove."""

    def __init__(
        self, supplements: Sequence[Supplement], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supplements")
        self.model = SupplementsModel(supplements, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.empty_label = QLabel(
            "No supplements. Add the vitamin D and magnesium you take, so the totals count them."
        )
        self.empty_label.setWordWrap(True)
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        #: The editor while one is open (Add or Edit).
        self.editor: SupplementEditor | None = None
        self._editing_row: int | None = None

        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.edit_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.view, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.empty_label)
        layout.addWidget(QLabel("A weekly dose counts one seventh on every day of the week."))
        layout.addWidget(self.button_box)
        self.resize(760, 320)

        self.add_button.clicked.connect(self.add_supplement)
        self.edit_button.clicked.connect(self.edit_supplement)
        self.remove_button.clicked.connect(self.remove_supplement)
        self.view.doubleClicked.connect(self.edit_supplement)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self._update_buttons()

    def supplements(self) -> tuple[Supplement, ...]:
        return self.model.supplements()

    def current_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def add_supplement(self) -> None:
        """Open the editor for a new supplement; OK appends it to the list."""
        self._open_editor(None)

    def edit_supplement(self) -> None:
        """Open the editor on the selected supplement; OK replaces it."""
        row = self.current_row()
        if row is not None:
            self._open_editor(row)

    def remove_supplement(self) -> None:
        row = self.current_row()
        if row is None:
            return
        items = self.supplements()
        self._set_supplements(items[:row] + items[row + 1:], min(row, len(items) - 2))

    def _open_editor(self, row: int | None) -> None:
        if self.editor is not None:
            return
        self._editing_row = row
        supplement = None if row is None else self.supplements()[row]
        self.editor = SupplementEditor(supplement, self)
        # A bound method, not a lambda: lambdas that captured the editor and were connected
        # to its own accepted signal segfaulted (PySide6 6.12) when it was deleted later.
        self.editor.finished.connect(self._editor_finished)
        # open(), not exec(): window-modal without a nested event loop.
        self.editor.open()

    def _editor_finished(self, result: int) -> None:
        editor, row = self.editor, self._editing_row
        self.editor, self._editing_row = None, None
        if editor is None:
            return
        if result == QDialog.DialogCode.Accepted.value:
            items = self.supplements()
            if row is None:
                self._set_supplements((*items, editor.supplement()), -1)
            else:
                self._set_supplements((*items[:row], editor.supplement(), *items[row + 1:]), row)
        editor.deleteLater()

    def _set_supplements(self, supplements: Sequence[Supplement], select: int) -> None:
        """Show ``supplements`` and select row ``select`` (-1: the last; none if empty)."""
        self.model.set_supplements(supplements)
        count = self.model.rowCount()
        if count:
            self.view.selectRow(select if 0 <= select < count else count - 1)

    def _update_buttons(self) -> None:
        selected = self.current_row() is not None
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)
        self.empty_label.setVisible(self.model.rowCount() == 0)
