"""The Shopping tab: the open plan's shopping list for a date range, to tick, print, export.

:class:`ShoppingModel` is a two-level Qt model over an immutable
:class:`~planner.core.shopping.ShoppingList`: aisles in walking order at the top, their
items below, each item with a check box. :class:`ShoppingView` holds the range (two
dates, the shown week by default), the household factor and the units, and rebuilds the
list whenever the plan changes (:attr:`PlanDocument.changed`).

Every tick and every item added by hand is saved at once through
:class:`~planner.services.shopping.ShoppingService` (one short transaction, on the GUI
thread like the document's edits: a tick writes one row). The factor and units chosen
for a range are remembered with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QFont,
    QKeySequence,
    QPalette,
    QShowEvent,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.core.bounds import HOUSEHOLD_FACTOR
from planner.core.shopping import Aisles, PantryMode, ShoppingItem, ShoppingList, Units
from planner.core.weeks import week_end, week_start
from planner.reports.shopping import nutrition_sentence, range_text
from planner.services.outputs import format_of, write_output
from planner.services.shopping import ExportFormat, ShoppingService
from planner.ui.common.document import PlanDocument
from planner.ui.common.printing import html_to_pdf, paper_size, preview_dialog
from planner.ui.common.tree_model import TOP, TwoLevelModel
from planner.ui.common.widgets import AnyIndex, tool_button

#: How pantry staples are listed, as the combo box offers it.
PANTRY_CHOICES: Final[tuple[tuple[PantryMode, str], ...]] = (
    ("check", "In their own section: check at home"), ("omit", "Leave them out"),
    ("list", "List them with the rest"),
)

__all__ = ["EXPORT_FILTERS", "AddItemDialog", "ShoppingModel", "ShoppingView"]


COLUMNS: Final = ("Item", "Food")
COL_ITEM: Final = 0
COL_FOOD: Final = 1
#: The item's key (:attr:`ShoppingItem.key`), for tests and context menus.
KEY_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
_TOP: Final = TOP  # an aisle row; an item row carries its aisle row + 1 (tree_model)

#: File dialog filters of Export…, with the format each writes.
EXPORT_FILTERS: Final[tuple[tuple[str, str], ...]] = (
    ("PDF (*.pdf)", "pdf"),
    ("CSV spreadsheet (*.csv)", "csv"),
    ("Markdown (*.md)", "md"),
    ("Plain text (*.txt)", "txt"),
)
def aisle_title(aisle: str) -> str:
    return aisle[:1].upper() + aisle[1:]


def _full_name(item: ShoppingItem) -> str:
    """The food's full name when the quantity text shortened it."""
    if item.food is None or item.name.casefold() in item.display.casefold():
        return ""
    return item.name


def _muted() -> QBrush:
    """Secondary text: the palette's text colour, lighter (readable on light and dark)."""
    color = QPalette().color(QPalette.ColorRole.Text)
    color.setAlpha(150)
    return QBrush(color)


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _week_of(when: dt.date) -> tuple[dt.date, dt.date]:
    return week_start(when), week_end(when)


def _qdate(when: dt.date) -> QDate:
    return QDate(when.year, when.month, when.day)


def _pydate(when: QDate) -> dt.date:
    return dt.date(when.year(), when.month(), when.day())


def _details(item: ShoppingItem) -> str:
    """The second column of an item: its full food name, who added it, its note."""
    details = [_full_name(item)] if _full_name(item) else []
    if item.food is None:
        details.append("added by you")
    if item.note:
        details.append(item.note)
    return " · ".join(details)


def _tooltip(item: ShoppingItem) -> str:
    lines = [item.name]
    if item.grams is not None:
        lines.append(f"The plan needs {item.grams:,.0f} g.")
    if item.note:
        lines.append(item.note)
    return "\n".join(lines)


class ShoppingModel(TwoLevelModel):
    """Aisles (top level) and their items (with check boxes) of one shopping list."""

    #: The user ticked or unticked an item: (key, checked). The view saves it.
    check_toggled = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.shopping_list: ShoppingList | None = None
        self.groups: list[tuple[str, list[ShoppingItem]]] = []

    # -- content -------------------------------------------------------------------

    def set_list(self, sl: ShoppingList | None) -> None:
        self.beginResetModel()
        self.shopping_list = sl
        self.groups = [] if sl is None else [(a, list(items)) for a, items in sl.by_aisle()]
        self.endResetModel()

    def item(self, index: AnyIndex) -> ShoppingItem | None:
        """The item of an item row, ``None`` for an aisle row or an invalid index."""
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self.groups[index.internalId() - 1][1][index.row()]

    def index_of(self, key: str, column: int = COL_ITEM) -> QModelIndex:
        for aisle_row, (_aisle, items) in enumerate(self.groups):
            for row, item in enumerate(items):
                if item.key == key:
                    return self.index(row, column, self.index(aisle_row, 0))
        return QModelIndex()

    def set_checked(self, key: str, checked: bool) -> bool:
        """Tick or untick ``key`` in the shown list (no signal); False if it is not shown."""
        index = self.index_of(key)
        if not index.isValid() or self.shopping_list is None:
            return False
        aisle_row = index.internalId() - 1
        items = self.groups[aisle_row][1]
        if items[index.row()].checked == checked:
            return True
        self.shopping_list = self.shopping_list.with_checked(key, checked)
        items[index.row()] = next(i for i in self.shopping_list.items if i.key == key)
        last = self.index(index.row(), len(COLUMNS) - 1, index.parent())
        self.dataChanged.emit(index.siblingAtColumn(0), last)
        aisle = self.index(aisle_row, COL_FOOD)
        self.dataChanged.emit(aisle, aisle)
        return True

    # -- Qt model API ----------------------------------------------------------------

    def group_count(self) -> int:
        return len(self.groups)

    def child_count(self, group: int) -> int:
        return len(self.groups[group][1])

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != _TOP and index.column() == COL_ITEM:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._aisle_data(index, role)
        item = self.item(index)
        assert item is not None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return item.display if column == COL_ITEM else _details(item)
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_ITEM:
            return Qt.CheckState.Checked if item.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and item.checked:
            font = QFont()
            font.setStrikeOut(column == COL_ITEM)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and (item.checked or column == COL_FOOD):
            return _muted()
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(item)
        if role == KEY_ROLE:
            return item.key
        return None

    def _aisle_data(self, index: AnyIndex, role: int) -> Any:
        aisle, items = self.groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_ITEM:
                return aisle_title(aisle)
            ticked = sum(item.checked for item in items)
            count = "1 item" if len(items) == 1 else f"{len(items)} items"
            return f"{count}, {ticked} ticked" if ticked else count
        if role == Qt.ItemDataRole.FontRole and index.column() == COL_ITEM:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_FOOD:
            return _muted()
        return None

    def setData(
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        item = self.item(index)
        if item is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != COL_ITEM:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else value
        checked = state == Qt.CheckState.Checked.value
        if checked == item.checked:
            return True
        self.set_checked(item.key, checked)
        self.check_toggled.emit(item.key, checked)
        return True


class AddItemDialog(QDialog):
    """Name, quantity and aisle of an item added by hand (``Dish soap``, ``2``, other)."""

    def __init__(self, aisles: Aisles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add item")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Dish soap")
        self.name_edit.setMaxLength(200)
        self.quantity_edit = QLineEdit()
        self.quantity_edit.setPlaceholderText("e.g. 2, 1 bottle (optional)")
        self.quantity_edit.setMaxLength(60)
        self.aisle_combo = QComboBox()
        for aisle in aisles.order:
            self.aisle_combo.addItem(aisle_title(aisle), aisle)
        self.aisle_combo.setCurrentIndex(max(self.aisle_combo.findData(aisles.default), 0))
        form = QFormLayout()
        form.addRow("&Item:", self.name_edit)
        form.addRow("&Quantity:", self.quantity_edit)
        form.addRow("&Aisle:", self.aisle_combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(bool(self.name_edit.text().strip()))

    def values(self) -> tuple[str, str, str]:
        """Name, quantity and aisle as entered."""
        return (self.name_edit.text(), self.quantity_edit.text(),
                str(self.aisle_combo.currentData()))


class AisleOrderDialog(QDialog):
    """The aisles in walking order: drag them, or use Up and Down."""

    def __init__(self, aisles: Aisles, default: Aisles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Aisle order")
        self.default_order = tuple(default.order)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self._fill(aisles.order)
        up, down, reset = QPushButton("Up"), QPushButton("Down"), QPushButton("Shop's default")
        up.clicked.connect(lambda: self.move_selected(-1))
        down.clicked.connect(lambda: self.move_selected(1))
        reset.clicked.connect(lambda: self._fill(self.default_order))
        side = QVBoxLayout()
        for button in (up, down, reset):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The order you walk through your shop; the list follows it."))
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _fill(self, order: Sequence[str]) -> None:
        self.list.clear()
        for aisle in order:
            item = QListWidgetItem(aisle_title(aisle))
            item.setData(Qt.ItemDataRole.UserRole, aisle)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def order(self) -> tuple[str, ...]:
        return tuple(
            str(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
        )


class ShoppingView(QWidget):
    """The shopping list of the open plan for a date range; see the module docstring."""

    #: A short message for the status bar (saved, exported, ...).
    message = Signal(str)
    #: Something failed (a tick not saved, a file not written): the message for the user.
    failed = Signal(str)
    #: The range changed: (start, end).
    range_changed = Signal(object, object)

    def __init__(self, document: PlanDocument, service: ShoppingService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.service = service
        #: The printer the previews use (None: the system default); tests put a PDF one here.
        self.printer: QPrinter | None = None
        #: The dialog shown last (tests drive it through this).
        self.last_dialog: QDialog | None = None
        #: The text of the last failure, also shown under the list.
        self.last_error = ""
        self.model = ShoppingModel(self)
        self.model.check_toggled.connect(self._save_tick)

        self.from_edit = self._date_edit("First day of the list")
        self.to_edit = self._date_edit("Last day of the list")
        self.previous_button = tool_button("◀", "Previous week")
        self.next_button = tool_button("▶", "Next week")
        self.previous_button.clicked.connect(lambda: self.step_week(-1))
        self.next_button.clicked.connect(lambda: self.step_week(1))
        self.factor_spin = QDoubleSpinBox()
        self.factor_spin.setRange(HOUSEHOLD_FACTOR.minimum, HOUSEHOLD_FACTOR.maximum)
        self.factor_spin.setSingleStep(0.5)
        self.factor_spin.setDecimals(1)
        # The user's defaults (settings.json); a range's own choice replaces them.
        defaults = self.service.settings.current
        self.factor_spin.setValue(defaults.shopping_factor())
        self.factor_spin.setPrefix("× ")
        self.factor_spin.setToolTip("Household factor: cook for 2, set 2; every amount is "
                                    "multiplied by it")
        self.factor_spin.setKeyboardTracking(False)
        # People and pantry behind one small button: the tab fits a 1024-pixel window.
        self.more_button = QToolButton()
        self.more_button.setText("Pe&ople, pantry")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        self.people_action = menu.addAction("People eating the plan…", self.edit_people)
        self.people_action.setToolTip(self._people_tip())
        pantry_menu = menu.addMenu("Pantry staples (salt, oil, spices, flour…)")
        self.pantry_actions = QActionGroup(self)
        for mode, label in PANTRY_CHOICES:
            action = pantry_menu.addAction(label)
            action.setCheckable(True)
            action.setData(mode)
            action.setChecked(mode == self.service.pantry_mode)
            self.pantry_actions.addAction(action)
        self.pantry_actions.triggered.connect(self._on_pantry_chosen)
        menu.setToolTipsVisible(True)
        self.more_button.setMenu(menu)
        self.more_button.setToolTip(self._people_tip())
        self.metric_radio = QRadioButton("&Metric (g, kg)")
        self.us_radio = QRadioButton("&US (oz, lb)")
        (self.us_radio if defaults.units == "us" else self.metric_radio).setChecked(True)
        self.units_group = QButtonGroup(self)
        self.units_group.addButton(self.metric_radio)
        self.units_group.addButton(self.us_radio)

        bar = QHBoxLayout()
        bar.addWidget(_buddy_label("&From:", self.from_edit))
        bar.addWidget(self.from_edit)
        bar.addWidget(_buddy_label("&to:", self.to_edit))
        bar.addWidget(self.to_edit)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        # The amounts on a row of their own: the view fits beside the search and the
        # totals on a 1024-pixel screen.
        options = QHBoxLayout()
        options.addWidget(_buddy_label("&Household:", self.factor_spin))
        options.addWidget(self.factor_spin)
        options.addWidget(self.more_button)
        options.addSpacing(12)
        options.addWidget(self.metric_radio)
        options.addWidget(self.us_radio)
        options.addStretch(1)

        self.tree = QTreeView()
        self.tree.setModel(self.model)
        # After setModel: the tree must have handled the reset before it is expanded.
        self.model.modelReset.connect(self._after_reset)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.ResizeToContents)
        self.remove_action = QAction("Remove item", self)
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.remove_action.triggered.connect(self.remove_selected)
        self.tree.addAction(self.remove_action)

        self.nutrition_label = QLabel()
        self.nutrition_label.setWordWrap(True)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.add_button = QPushButton("&Add item…")
        self.add_button.setToolTip("Add something that is not in the plan (dish soap, limes)")
        self.remove_button = QPushButton("&Remove item")
        self.remove_button.setToolTip("Remove the selected item you added (Delete)")
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the shopping list (with a preview)")
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save the list as PDF, CSV, Markdown or text")
        self.plan_button = QPushButton("Print &week plan…")
        self.plan_button.setToolTip("Print the plan of these days: meals, totals, findings")
        self.add_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_selected)
        self.print_button.clicked.connect(self.print_list)
        self.export_button.clicked.connect(self.export)
        self.plan_button.clicked.connect(self.print_plan)
        self.aisles_button = QPushButton("Aisle &order…")
        self.aisles_button.setToolTip("Put the aisles in the order you walk through your shop")
        self.aisles_button.clicked.connect(self.edit_aisle_order)
        # Editing the list on one row, what leaves the planner (paper, files) on the next,
        # at the right: the view fits beside the search and totals on a 1024-pixel screen.
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.add_button)
        edit_buttons.addWidget(self.remove_button)
        edit_buttons.addWidget(self.aisles_button)
        output_buttons = QHBoxLayout()
        output_buttons.addWidget(self.print_button)
        output_buttons.addWidget(self.export_button)
        output_buttons.addWidget(self.plan_button)
        buttons = QGridLayout()
        buttons.addLayout(edit_buttons, 0, 0, Qt.AlignmentFlag.AlignLeft)
        buttons.addLayout(output_buttons, 1, 0, Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(options)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.nutrition_label)
        layout.addWidget(self.notes_label)
        layout.addLayout(buttons)

        start, end = self._default_range()
        self._set_dates(start, end)
        self._load_options()
        self.refresh()
        self.from_edit.dateChanged.connect(self._on_from_changed)
        self.to_edit.dateChanged.connect(self._on_to_changed)
        self.factor_spin.valueChanged.connect(self._on_options_changed)
        self.units_group.buttonToggled.connect(self._on_units_toggled)
        self.tree.selectionModel().currentChanged.connect(self._update_buttons)
        document.changed.connect(self._plan_changed)
        self._stale = False

    def _plan_changed(self) -> None:
        # A hidden tab is rebuilt when it is shown: an edit in the Day tab should not pay
        # for a list nobody is looking at.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    # -- state -----------------------------------------------------------------------

    @staticmethod
    def _date_edit(tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        edit.setToolTip(tip)
        return edit

    def _default_range(self) -> tuple[dt.date, dt.date]:
        """This week when the plan has a day in it, else the plan's first week."""
        today = dt.date.today()
        dates = self.document.plan.dates
        start, end = _week_of(today)
        if dates and not any(start <= when <= end for when in dates):
            return _week_of(dates[0])
        return start, end

    @property
    def start(self) -> dt.date:
        return _pydate(self.from_edit.date())

    @property
    def end(self) -> dt.date:
        return _pydate(self.to_edit.date())

    @property
    def factor(self) -> float:
        return float(self.factor_spin.value())

    @property
    def units(self) -> Units:
        return "us" if self.us_radio.isChecked() else "metric"

    @property
    def shopping_list(self) -> ShoppingList | None:
        return self.model.shopping_list

    @property
    def title(self) -> str:
        return f"Shopping list \u2014 {self.document.title}"

    def _set_dates(self, start: dt.date, end: dt.date) -> None:
        for edit, when in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(when))
            edit.blockSignals(False)

    def set_range(self, start: dt.date, end: dt.date) -> None:
        """Show the list of ``start`` to ``end`` (e.g. the week the Week tab shows)."""
        if start > end:
            raise ValueError(f"the range starts {start.isoformat()}, after its end "
                             f"{end.isoformat()}")
        if (start, end) == (self.start, self.end):
            return
        self._set_dates(start, end)
        self._range_changed()

    def set_units(self, units: Units) -> None:
        (self.us_radio if units == "us" else self.metric_radio).setChecked(True)

    def step_week(self, weeks: int) -> None:
        shift = dt.timedelta(days=7 * weeks)
        self.set_range(self.start + shift, self.end + shift)

    def _on_from_changed(self, _date: QDate) -> None:
        if self.start > self.end:
            self._set_dates(self.start, self.start)
        self._range_changed()

    def _on_to_changed(self, _date: QDate) -> None:
        if self.end < self.start:
            self._set_dates(self.end, self.end)
        self._range_changed()

    def _range_changed(self) -> None:
        self._load_options()
        self.refresh()
        self.range_changed.emit(self.start, self.end)

    def _load_options(self) -> None:
        """The factor and units last chosen for this range, if any."""
        try:
            stored = self.service.stored(self.document.plan_id, self.start, self.end)
        except Exception as exc:  # a failed read must not take the tab down
            self._fail(f"The saved state of this list could not be read: {exc}")
            return
        if stored is None:
            return
        self.factor_spin.blockSignals(True)
        self.units_group.blockSignals(True)
        if stored.factor is not None:
            self.factor_spin.setValue(stored.factor)
        if stored.units is not None:
            self.set_units(stored.units)
        self.factor_spin.blockSignals(False)
        self.units_group.blockSignals(False)

    def _on_units_toggled(self, _button: Any, checked: bool) -> None:
        if checked:
            self._on_options_changed()

    def _on_options_changed(self) -> None:
        try:
            self.service.set_options(self.document.plan_id, self.start, self.end,
                                     self.factor, self.units)
        except Exception as exc:
            self._fail(f"The household factor and units could not be saved: {exc}")
        self.refresh()

    def _people_tip(self) -> str:
        people = self.service.settings.current.people
        if not people:
            return "Who eats the plan, and their portions (an adult 1.0, a child 0.6)"
        return "Eating the plan: " + ", ".join(f"{name} {portion:g}" for name, portion in people)

    def edit_people(self) -> bool:
        """Ask who eats the plan; the list then buys their portions' sum (kept as a setting
        and as this list's factor)."""
        from planner.ui.shopping.people_dialog import PeopleDialog

        dialog = PeopleDialog(self.service.settings.current.people, self)
        self.last_dialog = dialog
        if not dialog.exec():
            return False
        try:
            self.service.set_people(dialog.people())
        except (OSError, ValueError) as exc:
            self._fail(f"The people could not be saved: {exc}")
            return False
        self.people_action.setToolTip(self._people_tip())
        self.more_button.setToolTip(self._people_tip())
        self.factor_spin.setValue(self.service.settings.current.shopping_factor())
        self.message.emit(f"The list now buys for {len(dialog.people())} people "
                          f"(× {dialog.total():g}).")
        return True

    @property
    def pantry_mode(self) -> PantryMode:
        action = self.pantry_actions.checkedAction()
        mode = action.data() if action is not None else "check"
        return mode if mode in ("check", "omit", "list") else "check"

    def set_pantry_mode(self, mode: PantryMode) -> None:
        """Choose how pantry staples are listed (as the menu does), and rebuild."""
        for action in self.pantry_actions.actions():
            if action.data() == mode:
                action.trigger()
                return
        raise ValueError(f"no pantry choice {mode!r}")

    def _on_pantry_chosen(self, _action: QAction) -> None:
        mode = self.pantry_mode
        try:
            self.service.set_pantry_mode(mode)
        except (OSError, ValueError) as exc:
            self._fail(f"The pantry choice could not be saved: {exc}")
        self.refresh()

    # -- the list --------------------------------------------------------------------

    def edit_aisle_order(self) -> bool:
        """Let the user reorder the aisles; the order is a setting, kept for next time."""
        from planner.services.shopping import shipped_aisles

        dialog = AisleOrderDialog(self.service.aisles(), shipped_aisles(), self)
        self.last_dialog = dialog
        if not dialog.exec():
            return False
        try:
            self.service.set_aisle_order(dialog.order())
        except OSError as exc:
            self._fail(f"The aisle order could not be saved: {exc}")
            return False
        self.refresh()
        self.message.emit("Aisle order saved.")
        return True

    def refresh(self) -> None:
        """Build the list again from the document's plan and the stored ticks and items."""
        document = self.document
        self._stale = False
        self.last_error = ""
        try:
            sl = self.service.build(
                document.plan, document.foods, self.start, self.end, self.factor, self.units,
                document.analysis.targets, plan_id=document.plan_id,
                pantry=self.pantry_mode,
            )
        except Exception as exc:  # the window must stay usable whatever went wrong
            self.model.set_list(None)
            self._fail(f"The shopping list could not be made: {exc}")
            return
        self.model.set_list(sl)

    def _after_reset(self) -> None:
        self.tree.expandAll()
        sl = self.model.shopping_list
        sentence = nutrition_sentence(sl) if sl is not None else None
        self.nutrition_label.setText(sentence or "")
        self.nutrition_label.setVisible(bool(sentence))
        self._show_notes()
        self._update_buttons()

    def _show_notes(self) -> None:
        sl = self.model.shopping_list
        notes = list(sl.notes) if sl is not None else []
        if self.last_error:
            notes.insert(0, self.last_error)
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))

    def _update_buttons(self, *_args: Any) -> None:
        sl = self.model.shopping_list
        has_items = sl is not None and bool(sl.items)
        self.print_button.setEnabled(sl is not None)
        self.export_button.setEnabled(sl is not None)
        self.plan_button.setEnabled(bool(self.document.plan.days))
        item = self.model.item(self.tree.currentIndex())
        self.remove_button.setEnabled(has_items and item is not None and item.food is None)

    def _fail(self, text: str) -> None:
        self.last_error = text
        self._show_notes()
        self.failed.emit(text)

    def _save_tick(self, key: str, checked: bool) -> None:
        try:
            self.service.set_checked(self.document.plan_id, self.start, self.end, key, checked)
        except Exception as exc:
            # Not saved: show the tick as it is stored, and say so.
            self.model.set_checked(key, not checked)
            self._fail(f"The tick could not be saved: {exc}")

    def set_checked(self, key: str, checked: bool = True) -> bool:
        """Tick an item as the user would (saved at once); False if it is not listed."""
        index = self.model.index_of(key)
        if not index.isValid():
            return False
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return self.model.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    # -- items added by hand -----------------------------------------------------------

    def add_item(self) -> None:
        dialog = AddItemDialog(self.service.aisles(), self)
        self.last_dialog = dialog
        if dialog.exec():
            self.add_extra(*dialog.values())

    def add_extra(self, name: str, quantity: str = "", aisle: str | None = None) -> bool:
        """Add an item by hand (saved at once) and show it selected."""
        try:
            item = self.service.add_extra(self.document.plan_id, self.start, self.end, name,
                                          quantity, aisle)
        except Exception as exc:
            self._fail(f"The item could not be added: {exc}")
            return False
        self.refresh()
        index = self.model.index_of(item.key)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self.message.emit(f"Added {item.display}.")
        return True

    def remove_extra(self, key: str) -> bool:
        try:
            removed = self.service.remove_extra(self.document.plan_id, self.start, self.end,
                                                key)
        except Exception as exc:
            self._fail(f"The item could not be removed: {exc}")
            return False
        if removed:
            self.refresh()
        return removed

    def remove_selected(self) -> None:
        item = self.model.item(self.tree.currentIndex())
        if item is not None and item.food is None:
            self.remove_extra(item.key)

    def _context_menu(self, position: QPoint) -> None:
        item = self.model.item(self.tree.indexAt(position))
        if item is None:
            return
        menu = QMenu(self)
        tick = menu.addAction("Untick" if item.checked else "Tick")
        tick.triggered.connect(lambda: self.set_checked(item.key, not item.checked))
        if item.food is None:
            remove = menu.addAction("Remove item")
            remove.triggered.connect(lambda: self.remove_extra(item.key))
        menu.popup(self.tree.viewport().mapToGlobal(position))

    # -- printing and files --------------------------------------------------------------

    def current_list(self) -> ShoppingList | None:
        """The list of the plan as it is now: rebuilt first when the plan changed while the
        tab was hidden (printing after "Fix magnesium" prints the new foods)."""
        if self._stale:
            self.refresh()
        return self.shopping_list

    def html(self) -> str:
        """The printable page of the plan's list as it is now."""
        sl = self.current_list()
        if sl is None:
            raise ValueError("there is no list to print")
        return self.service.export(sl, "html", title=self.title)

    def week_plan_html(self) -> str:
        """The printable week plan of the shown days."""
        document = self.document
        return self.service.plan_report(document.plan, document.foods, self.start, self.end)

    def _preview(self, html: str) -> bool:
        dialog = preview_dialog(html, self, self.printer)
        self.last_dialog = dialog
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def print_list(self) -> bool:
        """Print the list, through the print preview."""
        try:
            html = self.html()
        except ValueError as exc:
            self._fail(str(exc))
            return False
        return self._preview(html)

    def print_plan(self) -> bool:
        """Print the plan of the shown days, through the print preview."""
        try:
            html = self.week_plan_html()
        except Exception as exc:
            self._fail(f"The week plan could not be printed: {exc}")
            return False
        return self._preview(html)

    def export(self) -> bool:
        """Ask for a file and write the list in the format its filter or suffix names."""
        if self.current_list() is None:
            return False
        stem = f"shopping-{self.start.isoformat()}"
        suggested = str(Path.home() / f"{stem}.pdf")
        filters = ";;".join(name for name, _fmt in EXPORT_FILTERS)
        path, chosen = QFileDialog.getSaveFileName(self, "Export shopping list", suggested,
                                                   filters)
        if not path:
            return False
        target = Path(path)
        fmt = format_of(target)
        if fmt is None:
            # No known suffix typed: the chosen filter says the format, and the suffix.
            fmt = dict(EXPORT_FILTERS).get(chosen, "pdf")
            target = target.with_name(f"{target.name}.{fmt}")
        if self.export_to(target, fmt):
            return True
        QMessageBox.warning(self, "Export shopping list", self.last_error)
        return False

    def export_to(self, path: str | Path, fmt: str | None = None) -> bool:
        """Write the list to ``path`` as ``fmt`` (default: from the file's suffix)."""
        sl = self.current_list()
        target = Path(path)
        if sl is None:
            self._fail("There is no list to export.")
            return False
        fmt = fmt or format_of(target)
        if fmt is None:
            self._fail(f"{target.name}: give the file a .pdf, .csv, .md or .txt name")
            return False
        try:
            # The save dialog asked before replacing a file; the database never is.
            if fmt == "pdf":
                # US units on US Letter, metric on A4.
                paper = paper_size("letter" if self.units == "us" else "a4")
                html_to_pdf(self.html(), target, force=True, page_size=paper)
            else:
                text = self.service.export(sl, _export_format(fmt), title=self.title)
                write_output(target, text, force=True)
        except (OSError, ValueError) as exc:
            self._fail(f"The list could not be exported: {exc}")
            return False
        self.message.emit(f"Exported the shopping list ({range_text(sl)}) to {target}.")
        return True


def _export_format(fmt: str) -> ExportFormat:
    formats: dict[str, ExportFormat] = {"json": "json", "csv": "csv", "md": "md", "txt": "txt",
                                        "html": "html"}
    if fmt not in formats:
        raise ValueError(f"unknown format {fmt!r}")
    return formats[fmt]

