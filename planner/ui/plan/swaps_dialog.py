"""Magnesium swaps for one entry, and the week optimizer's proposal as a diff.

Both dialogs show plain values computed elsewhere (on a worker thread); they never
query anything. Applying is the caller's business: one undoable edit of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.core.formatting import format_quantity
from planner.core.optimize import Change, OptimizeResult
from planner.core.swaps import Swap
from planner.ui.common.table_model import RowsModel
from planner.ui.common.widgets import AnyIndex

SWAP_COLUMNS: Final = ("Instead, eat", "Amount", "Magnesium", "Energy", "Why")
#: Asks the suggestions again, with all foods (``True``) or everyday foods only.
Requery = Callable[[bool], Sequence[Swap]]


def _signed(value: float | None, unit: str, digits: int = 0) -> str:
    if value is None:
        return "?"
    if round(value, digits) == 0:
        return f"±0 {unit}"
    return f"{value:+.{digits}f} {unit}"


class SwapModel(RowsModel):
    COLUMNS = SWAP_COLUMNS

    def __init__(self, swaps: Sequence[Swap], parent: QWidget | None = None) -> None:
        super().__init__(swaps, parent)

    @property
    def swaps(self) -> tuple[Swap, ...]:
        return self.rows

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        swap = self.swaps[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            common = "" if swap.common else "\nNot an everyday food (shown with all foods)"
            return f"{swap.food.name} ({swap.food.ref})\n{swap.why}\n{swap.summary}{common}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return f"★ {swap.food.name}" if swap.obvious else swap.food.name
        if column == 1:
            grams = "" if swap.unit == "g" else f" ({swap.grams:.0f} g)"
            return f"{format_quantity(swap.amount)} {swap.unit}{grams}"
        if column == 2:
            return _signed(swap.magnesium_gain_mg, "mg")
        if column == 3:
            return _signed(swap.energy_change_kcal, "kcal")
        return swap.why


class SwapsDialog(QDialog):
    """Suggestions for one entry; ``chosen()`` is the swap to apply after ``exec()``."""

    def __init__(
        self,
        title: str,
        swaps: Sequence[Swap],
        group: str | None,
        parent: QWidget | None = None,
        requery: Requery | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Magnesium swaps")
        self.resize(980, 440)
        self.group = group
        self.requery = requery
        self.model = SwapModel(swaps, self)
        heading = QLabel(f"<b>{title}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.all_foods = QCheckBox("Show all foods (also brands, powders and foods outside "
                                   "the dietary survey)")
        self.all_foods.setVisible(requery is not None)
        self.all_foods.toggled.connect(self._on_all_foods)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = QPushButton("Apply swap")
        self.apply_button.setDefault(True)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._update_apply())
        self._show(swaps)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.all_foods)
        layout.addWidget(self.buttons)

    def _show(self, swaps: Sequence[Swap]) -> None:
        self.model.set_rows(swaps)
        group = self.group
        if swaps:
            text = (
                f"Everyday foods of the same kind ({group}) with more magnesium, in a "
                "household serving with about the same energy (drinks: the same volume). "
                "★ marks the swap a dietitian names first. Apply replaces the entry; Undo "
                "takes it back."
            )
        elif group is None:
            text = "This food belongs to no swap group, so there is nothing to suggest."
        else:
            text = f"No food of the same kind ({group}) brings more magnesium."
        self.hint.setText(text)
        if swaps:
            self.table.selectRow(0)
        self._update_apply()

    def _on_all_foods(self, checked: bool) -> None:
        if self.requery is not None:
            self._show(self.requery(checked))

    def _update_apply(self) -> None:
        self.apply_button.setEnabled(self.chosen() is not None)

    def chosen(self) -> Swap | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.swaps[rows[0].row()] if rows else None


class OptimizeDialog(QDialog):
    """The optimizer's changes as a checkable list by day; apply all or some of them."""

    def __init__(self, result: OptimizeResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fix magnesium this week")
        self.resize(980, 560)
        self.outcome = result
        self._items: list[tuple[QTreeWidgetItem, Change]] = []
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Change", "Magnesium", "Energy"])
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        planned = [d for d in result.days if d.reason != "nothing planned"]
        for day in planned:
            status = "reaches the RDA" if day.target == "rda" else (
                "reaches the EAR" if day.target == "ear" else "unchanged"
            )
            if day.fixed and not result.changes_on(day.date):
                status = "already at or above the RDA"
            top = QTreeWidgetItem(
                [
                    f"{day.date:%A %d %B} — {status}",
                    f"{day.magnesium_before:.0f} → {day.magnesium_after:.0f} mg",
                    f"{day.energy_before:.0f} → {day.energy_after:.0f} kcal",
                ]
            )
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            for change in result.changes_on(day.date):
                item = QTreeWidgetItem(
                    [
                        change.description,
                        f"{change.magnesium_change_mg:+.0f} mg",
                        f"{change.energy_change_kcal:+.0f} kcal",
                    ]
                )
                item.setToolTip(0, change.description)
                item.setCheckState(0, Qt.CheckState.Checked)
                top.addChild(item)
                self._items.append((item, change))
            if day.reason and not day.fixed:
                note = QTreeWidgetItem([day.reason, "", ""])
                note.setToolTip(0, day.reason)
                top.addChild(note)
            top.setExpanded(True)
        count = len(result.changes)
        fixed = sum(1 for d in planned if d.fixed)
        summary = QLabel(
            f"{count} change{'s' if count != 1 else ''} bring {fixed} of {len(planned)} days to "
            "the magnesium target, keeping each day's energy within 5 %, sodium not higher and "
            "vitamin D not below the RDA. Untick what you do not want; applying is one undo step."
        )
        summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = QPushButton("Apply selected changes")
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(bool(self._items))
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.itemChanged.connect(
            lambda *_: self.apply_button.setEnabled(bool(self.selected_changes()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)

    def set_checked(self, date: dt.date, checked: bool) -> None:
        for item, change in self._items:
            if change.date == date:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(0, state)

    def selected_changes(self) -> list[Change]:
        return [
            change for item, change in self._items
            if item.checkState(0) == Qt.CheckState.Checked
        ]
