"""Who eats the plan: names and portion factors, for the shopping list's amounts.

Two adults and a child are 1.0, 1.0 and 0.6: the list buys 2.6 times the plan. The
nutrient analysis stays the profile's own; only the quantities to buy scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

#: A portion factor: a small child to a hungry athlete.
MIN_PORTION: Final = 0.1
MAX_PORTION: Final = 3.0


class PeopleDialog(QDialog):
    """Edit the people eating the plan; :meth:`people` after ``exec()``."""

    def __init__(self, people: Sequence[tuple[str, float]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("People eating the plan")
        hint = QLabel("Each person's portion of the plan (an adult 1.0, a child about 0.6). "
                      "The shopping list buys their sum; the nutrient totals stay the "
                      "profile's own.")
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Name", "Portion"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.total_label = QLabel()
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        for name, portion in people or (("Me", 1.0),):
            self.add_person(name, portion)
        add = QPushButton("&Add person")
        add.clicked.connect(lambda: self.add_person(f"Person {self.table.rowCount() + 1}", 1.0))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(420, 320)
        self._update_total()

    def add_person(self, name: str, portion: float) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        edit = QLineEdit(name)
        edit.setMaxLength(80)
        spin = QDoubleSpinBox()
        spin.setRange(MIN_PORTION, MAX_PORTION)
        spin.setSingleStep(0.1)
        spin.setDecimals(1)
        spin.setValue(portion)
        spin.valueChanged.connect(self._update_total)
        self.table.setCellWidget(row, 0, edit)
        self.table.setCellWidget(row, 1, spin)
        self._update_total()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if self.table.rowCount() > 1:  # someone eats the plan
                self.table.removeRow(row)
        self._update_total()

    def people(self) -> list[tuple[str, float]]:
        found = []
        for row in range(self.table.rowCount()):
            edit = self.table.cellWidget(row, 0)
            spin = self.table.cellWidget(row, 1)
            assert isinstance(edit, QLineEdit) and isinstance(spin, QDoubleSpinBox)
            name = " ".join(edit.text().split()) or f"Person {row + 1}"
            found.append((name, round(spin.value(), 1)))
        return found

    def total(self) -> float:
        return round(sum(portion for _name, portion in self.people()), 1)

    def _update_total(self) -> None:
        self.total_label.setText(f"The list buys × {self.total():g}")
        self.remove_button.setEnabled(self.table.rowCount() > 1)
