"""The Day tab: one date's meals and entries, edited in place.

:class:`DayModel` is a two-level Qt model over the immutable day value: meals at the top
level (with their totals), entries below. Amount and unit are edited in place; a bad
amount is refused with a message and the old value stays. The model never saves
anything itself: it asks the :class:`~planner.ui.common.document.PlanDocument`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.core.foods import Food, FoodRef
from planner.core.formatting import format_quantity
from planner.core.nutrients import scaled
from planner.core.plan import Day, Entry, PlanError
from planner.core.units import AmountError, UnitError, grams_for, parse_amount, unit_names
from planner.ui.common.document import PlanDocument
from planner.ui.common.tree_model import TOP, TwoLevelModel
from planner.ui.common.widgets import AnyIndex, tool_button

FOOD_MIME: Final = "application/x-planner-food"

COLUMNS: Final = ("Food", "Amount", "Unit", "Magnesium", "Vitamin D", "Energy")
COL_FOOD, COL_AMOUNT, COL_UNIT, COL_MG, COL_VITD, COL_KCAL = range(6)
_NUTRIENT_COLUMNS: Final = {
    COL_MG: ("magnesium_mg", "mg", 0),
    COL_VITD: ("vitamin_d_ug", "µg", 1),
    COL_KCAL: ("energy_kcal", "kcal", 0),
}
_MEAL_ROW: Final = TOP
#: The roles the model answers; every other role is ``None`` at once.
_ROLES: Final = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
    )
)


def entry_values(food: Food | None, entry: Entry) -> tuple[float | None, dict[str, float | None]]:
    """Grams of an entry and its nutrients (None = unknown or not weighable)."""
    if food is None:
        return None, {}
    try:
        grams = grams_for(food, entry.amount, entry.unit)
    except (UnitError, ValueError):
        return None, {}
    values = {
        key: scaled(food.nutrients.get(key), grams)
        for key, _unit, _digits in _NUTRIENT_COLUMNS.values()
    }
    return grams, values


class DayModel(TwoLevelModel):
    """Meals and entries of one day of the document's plan."""

    #: An edit was refused: the message for the user (the old value stays).
    edit_refused = Signal(str)

    def __init__(self, document: PlanDocument, when: dt.date) -> None:
        super().__init__()
        self.document = document
        self.when = when
        self.day: Day = document.day(when)
        self._values: dict[tuple[int, int], tuple[float | None, dict[str, float | None]]] = {}
        document.changed.connect(self.refresh)

    def set_date(self, when: dt.date) -> None:
        self.when = when
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.day = self.document.day(self.when)
        self._values = {}
        self.endResetModel()

    def values_of(self, meal: int, row: int) -> tuple[float | None, dict[str, float | None]]:
        """Grams and nutrients of an entry, worked out once per reset: Qt asks ``data``
        for every cell and role many times, and weighing is the costly part."""
        key = (meal, row)
        if key not in self._values:
            entry = self.day.meals[meal].entries[row]
            self._values[key] = entry_values(self.document.food(entry.food), entry)
        return self._values[key]

    # -- structure -----------------------------------------------------------------

    def group_count(self) -> int:
        return len(self.day.meals)

    def child_count(self, group: int) -> int:
        return len(self.day.meals[group].entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section >= COL_MG:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- addressing ----------------------------------------------------------------

    def meal_of(self, index: AnyIndex) -> int | None:
        """Position of the meal an index belongs to (a meal row or one of its entries)."""
        return self.group_of(index)

    def entry_position(self, index: AnyIndex) -> tuple[int, int] | None:
        if not index.isValid() or index.internalId() == _MEAL_ROW:
            return None
        return index.internalId() - 1, index.row()

    def entry_at(self, index: AnyIndex) -> Entry | None:
        position = self.entry_position(index)
        if position is None:
            return None
        return self.day.meals[position[0]].entries[position[1]]

    def meal_index_at(self, meal: int) -> QModelIndex:
        return self.index(meal, 0)

    # -- data ----------------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for a dozen roles per cell on every repaint; answer the unused ones
        # before any look-up (most of an edit's refresh was spent here).
        if not index.isValid() or int(role) not in _ROLES:
            return None
        column = index.column()
        if index.internalId() == _MEAL_ROW:
            return self._meal_data(index.row(), column, role)
        return self._entry_data(index.internalId() - 1, index.row(), column, role)

    def _meal_data(self, position: int, column: int, role: int) -> Any:
        meal = self.day.meals[position]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= COL_MG:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.EditRole and column == COL_FOOD:
            return meal.name
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COL_FOOD:
            count = len(meal.entries)
            return f"{meal.name}  ({count} item{'s' if count != 1 else ''})"
        if column in _NUTRIENT_COLUMNS:
            key, unit, digits = _NUTRIENT_COLUMNS[column]
            total = 0.0
            unknown = 0
            for row in range(len(meal.entries)):
                _grams, values = self.values_of(position, row)
                value = values.get(key)
                if value is None:
                    unknown += 1
                else:
                    total += value
            if not meal.entries:
                return ""
            prefix = "≥ " if unknown and unknown < len(meal.entries) else ""
            if unknown == len(meal.entries):
                return "?"
            return f"{prefix}{total:.{digits}f} {unit}"
        return None

    def _entry_data(self, meal: int, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column >= COL_MG or column == COL_AMOUNT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return None
        entry = self.day.meals[meal].entries[row]
        food = self.document.food(entry.food)
        if role == Qt.ItemDataRole.ToolTipRole:
            grams, _values = self.values_of(meal, row)
            name = food.name if food else str(entry.food)
            weight = f"{grams:g} g" if grams is not None else "weight unknown"
            return f"{name}\n{entry.food} · {format_quantity(entry.amount)} {entry.unit} = {weight}"
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_AMOUNT:
                return format_quantity(entry.amount)
            if column == COL_UNIT:
                return entry.unit
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._entry_text(meal, row, column, entry, food)

    def _entry_text(self, meal: int, row: int, column: int, entry: Entry,
                    food: Food | None) -> str | None:
        """What a cell of an entry shows."""
        if column == COL_FOOD:
            return food.name if food else f"{entry.food} (not in the database)"
        if column == COL_AMOUNT:
            return format_quantity(entry.amount)
        if column == COL_UNIT:
            grams, _values = self.values_of(meal, row)
            if grams is None or entry.unit == "g":
                return entry.unit
            return f"{entry.unit} ({grams:g} g)"
        if column in _NUTRIENT_COLUMNS:
            key, unit, digits = _NUTRIENT_COLUMNS[column]
            _grams, values = self.values_of(meal, row)
            value = values.get(key)
            return "?" if value is None else f"{value:.{digits}f} {unit}"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() == _MEAL_ROW:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
            if index.column() == COL_FOOD:
                flags |= Qt.ItemFlag.ItemIsEditable
        elif index.column() in (COL_AMOUNT, COL_UNIT):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if index.internalId() == _MEAL_ROW:
            name = str(value).strip()
            if not name:
                self.edit_refused.emit("A meal needs a name.")
                return False
            if name == self.day.meals[index.row()].name:
                return False
            return self.document.rename_meal(self.when, index.row(), name)
        meal_position, row = index.internalId() - 1, index.row()
        entry = self.day.meals[meal_position].entries[row]
        food = self.document.food(entry.food)
        amount, unit = entry.amount, entry.unit
        try:
            if index.column() == COL_AMOUNT:
                amount = parse_amount(str(value))
            elif index.column() == COL_UNIT:
                unit = str(value).strip()
            else:
                return False
            if food is not None:
                grams_for(food, amount, unit)
            new_entry = Entry(entry.food, amount, unit)
        except (AmountError, UnitError, PlanError, ValueError) as exc:
            self.edit_refused.emit(str(exc))
            return False
        if new_entry.amount == entry.amount and new_entry.unit == entry.unit:
            return False
        return self.document.replace_entry(self.when, meal_position, row, new_entry)

    # -- drag and drop -------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [FOOD_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        return data.hasFormat(FOOD_MIME)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        if not data.hasFormat(FOOD_MIME):
            return False
        text = bytes(data.data(FOOD_MIME).data()).decode("utf-8", "replace").strip()
        meal = self.meal_of(parent) if parent.isValid() else 0
        try:
            ref = FoodRef.parse(text)
        except ValueError:
            return False
        self.food_dropped.emit(ref, meal if meal is not None else 0)
        return True

    #: A food was dropped on a meal: (FoodRef, meal position).
    food_dropped = Signal(object, int)


class UnitDelegate(QStyledItemDelegate):
    """Unit cells edit with a combo of the units the entry's food has."""

    def __init__(self, model: DayModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: Any, index: AnyIndex) -> QWidget:
        entry = self.model.entry_at(index)
        food = self.model.document.food(entry.food) if entry else None
        combo = QComboBox(parent)
        units = list(unit_names(food)) if food else ["g"]
        if entry is not None and entry.unit not in units:
            units.insert(0, entry.unit)
        combo.addItems(units)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class DayView(QWidget):
    """Date navigation, the meals tree, and the day's supplements."""

    date_changed = Signal(object)
    #: The user asked to copy the shown day (or a meal of it) elsewhere: (date, meal or None).
    copy_requested = Signal(object, object)
    #: The user asked for magnesium swaps of an entry: (date, meal, entry).
    swaps_requested = Signal(object, int, int)
    message = Signal(str)

    def __init__(
        self, document: PlanDocument, when: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.model = DayModel(document, when)

        self.previous_button = tool_button("◀", "Previous day (Alt+Left)")
        self.next_button = tool_button("▶", "Next day (Alt+Right)")
        self.date_label = QLabel()
        font = self.date_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.date_label.setFont(font)
        self.today_button = tool_button("Today", "Go to today")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.set_date(dt.date.today()))

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.date_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.today_button)

        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.tree.setItemDelegateForColumn(COL_UNIT, UnitDelegate(self.model, self.tree))
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_FOOD, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.model.modelReset.connect(self._after_reset)
        self.model.edit_refused.connect(self.message)

        self.supplements_label = QLabel()
        self.supplements_label.setWordWrap(True)
        self.supplements_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.swaps_action = QAction("Magnesium swaps…", self)
        self.swaps_action.setShortcut(QKeySequence("Ctrl+W"))
        self.swaps_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.swaps_action.triggered.connect(self.request_swaps)
        self.tree.addAction(self.swaps_action)

        self.delete_action = QAction("Remove entry", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.remove_selected)
        self.tree.addAction(self.delete_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.supplements_label)
        self._after_reset()

    @property
    def when(self) -> dt.date:
        return self.model.when

    def step(self, days: int) -> None:
        self.set_date(self.when + dt.timedelta(days=days))

    def set_date(self, when: dt.date) -> None:
        if when != self.model.when:
            self.model.set_date(when)
            self.date_changed.emit(when)

    def _after_reset(self) -> None:
        self.tree.expandAll()
        self.date_label.setText(f"{self.when:%A %d %B %Y}")
        supplements = self.document.plan.supplements
        if supplements:
            parts = []
            for s in supplements:
                when = "daily" if s.schedule == "daily" else f"weekly on {s.weekday}"
                form = f", {s.form}" if s.form else ""
                parts.append(f"{s.name} ({format_quantity(s.amount)} {s.unit}{form}, {when})")
            self.supplements_label.setText("Supplements: " + "; ".join(parts))
        else:
            self.supplements_label.setText("Supplements: none (Plan ▸ Supplements… to add one)")

    def current_meal(self) -> int:
        """The selected meal, or the one of the selected entry; the first meal otherwise."""
        meal = self.model.meal_of(self.tree.currentIndex())
        return 0 if meal is None else meal

    def select_meal(self, meal: int) -> None:
        self.tree.setCurrentIndex(self.model.meal_index_at(meal))

    def request_swaps(self) -> None:
        position = self.model.entry_position(self.tree.currentIndex())
        if position is not None:
            self.swaps_requested.emit(self.when, *position)

    def remove_selected(self) -> None:
        position = self.model.entry_position(self.tree.currentIndex())
        if position is not None:
            meal = position[0]
            self.document.remove_entry(self.when, *position)
            self.select_meal(meal)

    def _context_menu(self, point: Any) -> None:
        index = self.tree.indexAt(point)
        meal = self.model.meal_of(index)
        position = self.model.entry_position(index)
        menu = QMenu(self)
        if position is not None:
            menu.addAction(
                "Magnesium swaps…", lambda: self.swaps_requested.emit(self.when, *position)
            )
            menu.addAction("Remove entry", lambda: self.document.remove_entry(self.when, *position))
            move = menu.addMenu("Move to")
            for target, other in enumerate(self.model.day.meals):
                action = move.addAction(other.name)
                action.setEnabled(target != position[0])
                action.triggered.connect(
                    lambda _checked=False, t=target: self.document.move_entry(
                        self.when, position[0], position[1], t
                    )
                )
            menu.addSeparator()
        when, document, meals = self.when, self.document, len(self.model.day.meals)
        if meal is not None:
            menu.addAction("Rename meal…", lambda: self._rename_meal(meal))
            menu.addAction(
                "Copy meal to other days…", lambda: self.copy_requested.emit(when, meal)
            )
            up = menu.addAction("Move meal up", lambda: document.move_meal(when, meal, meal - 1))
            up.setEnabled(meal > 0)
            down = menu.addAction(
                "Move meal down", lambda: document.move_meal(when, meal, meal + 1)
            )
            down.setEnabled(meal < meals - 1)
            remove = menu.addAction("Remove meal", lambda: document.remove_meal(when, meal))
            remove.setEnabled(meals > 1)
        menu.addAction("Add meal…", self._add_meal)
        menu.addAction(
            "Copy this day to other days…", lambda: self.copy_requested.emit(when, None)
        )
        menu.exec(self.tree.viewport().mapToGlobal(point))

    def _rename_meal(self, meal: int) -> None:
        old = self.model.day.meals[meal].name
        name, ok = QInputDialog.getText(self, "Rename meal", "Meal name:", text=old)
        if ok and name.strip() and name.strip() != old:
            self.document.rename_meal(self.when, meal, name.strip())

    def _add_meal(self) -> None:
        name, ok = QInputDialog.getText(self, "Add meal", "Meal name:", text="Snack")
        if ok and name.strip():
            self.document.add_meal(self.when, name.strip())
