"""The Week tab: seven days side by side, meals as rows, daily totals colour-coded.

Totals are coloured against the profile's targets: magnesium below the EAR is red,
between EAR and RDA amber, at or above the RDA green; vitamin D above the UL is red,
at or above the RDA green; energy within 10 % of the target green. A day header with
a warning or alert carries a ⚠ marker. Clicking a day opens it in the Day tab.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.analysis import Analysis
from planner.core.formatting import format_quantity
from planner.core.plan import DEFAULT_MEALS, Day
from planner.core.targets import Targets
from planner.core.weeks import week_days, week_start
from planner.ui.common.document import PlanDocument
from planner.ui.common.widgets import AnyIndex, tool_button

TOTAL_ROWS: Final = (
    ("energy_kcal", "Energy", "kcal", 0),
    ("magnesium_mg", "Magnesium", "mg", 0),
    ("vitamin_d_ug", "Vitamin D", "µg", 1),
)
GOOD: Final = QColor(46, 160, 67, 70)
FAIR: Final = QColor(230, 160, 20, 80)
POOR: Final = QColor(220, 50, 47, 80)
MAX_LINES: Final = 4


def total_colour(key: str, value: float | None, targets: Targets) -> QColor | None:
    """The traffic-light colour of a day's total against the person's targets."""
    target = targets.get(key)
    if value is None or target is None:
        return None
    if key == "magnesium_mg":
        if target.ear is not None and value < target.ear:
            return POOR
        if target.recommended is not None and value < target.recommended:
            return FAIR
        return GOOD
    if key == "vitamin_d_ug":
        if target.ul is not None and value > target.ul:
            return POOR
        if target.recommended is not None and value >= target.recommended:
            return GOOD
        return FAIR
    if target.recommended:
        ratio = value / target.recommended
        return GOOD if 0.9 <= ratio <= 1.1 else FAIR
    return None


class WeekModel(QAbstractTableModel):
    """Rows: the daily totals, then the week's meals; columns: Monday to Sunday.

    The totals come first so they stay in sight however many meals a day has.
    """

    def __init__(self, document: PlanDocument, start: dt.date) -> None:
        super().__init__()
        self.document = document
        self.start = week_start(start)
        self._load()
        document.changed.connect(self.refresh)

    def _load(self) -> None:
        self.dates = week_days(self.start)
        self.days: tuple[Day, ...] = tuple(self.document.day(d) for d in self.dates)
        names: list[str] = []
        for day in self.days:
            for meal in day.meals:
                if meal.name not in names:
                    names.append(meal.name)
        # Default meals first in their usual order, then any the user added.
        self.meal_names = [n for n in DEFAULT_MEALS if n in names] + [
            n for n in names if n not in DEFAULT_MEALS
        ]
        analysis: Analysis = self.document.analysis
        self.day_analyses = {d.date: d for d in analysis.days}

    def set_start(self, when: dt.date) -> None:
        self.beginResetModel()
        self.start = week_start(when)
        self._load()
        self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.meal_names) + len(TOTAL_ROWS)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def findings_of(self, when: dt.date) -> tuple[Any, ...]:
        day = self.day_analyses.get(when)
        return () if day is None else day.findings

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            when = self.dates[section]
            serious = [f for f in self.findings_of(when) if f.severity in ("warning", "alert")]
            if role == Qt.ItemDataRole.DisplayRole:
                marker = " ⚠" if serious else ""
                return f"{when:%a}{marker}\n{when:%d %b}"
            if role == Qt.ItemDataRole.ToolTipRole and serious:
                return "\n".join(f.message for f in serious)
            if role == Qt.ItemDataRole.FontRole and when == dt.date.today():
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(TOTAL_ROWS):
                return TOTAL_ROWS[section][1]
            return self.meal_names[section - len(TOTAL_ROWS)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        when = self.dates[index.column()]
        row = index.row()
        if row >= len(TOTAL_ROWS):
            name = self.meal_names[row - len(TOTAL_ROWS)]
            return self._meal_cell(self.days[index.column()], name, role)
        key, _label, unit, digits = TOTAL_ROWS[row]
        day = self.day_analyses.get(when)
        total = day.totals[key] if day is not None and not day.is_empty else None
        if role == Qt.ItemDataRole.DisplayRole:
            if total is None:
                return "–"
            if total.value is None:
                return "?"
            prefix = "≥ " if total.unknown else ""
            return f"{prefix}{total.value:,.{digits}f} {unit}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and total is not None:
            colour = total_colour(key, total.value, self.document.analysis.targets)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and total is not None and total.percent is not None:
            return f"{total.percent:.0f} % of your target"
        return None

    def _meal_cell(self, day: Day, name: str, role: int) -> Any:
        meal = next((m for m in day.meals if m.name == name), None)
        if meal is None or not meal.entries:
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        lines = []
        for entry in meal.entries:
            food = self.document.food(entry.food)
            label = food.name.split(",")[0] if food else str(entry.food)
            lines.append(f"{label} ({format_quantity(entry.amount)} {entry.unit})")
        if role == Qt.ItemDataRole.DisplayRole:
            shown = lines[:MAX_LINES]
            if len(lines) > MAX_LINES:
                shown.append(f"… {len(lines) - MAX_LINES} more")
            return "\n".join(shown)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def meal_name_at(self, row: int) -> str | None:
        row -= len(TOTAL_ROWS)
        return self.meal_names[row] if 0 <= row < len(self.meal_names) else None


class CopyDaysDialog(QDialog):
    """Pick the days to copy a day or a meal to: this week and the next."""

    def __init__(self, source: dt.date, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Copy {what}")
        start = week_start(source)
        grid = QGridLayout()
        self.boxes: dict[dt.date, QCheckBox] = {}
        for n in range(14):
            when = start + dt.timedelta(days=n)
            box = QCheckBox(f"{when:%a %d %b}")
            box.setEnabled(when != source)
            self.boxes[when] = box
            grid.addWidget(box, n // 7, n % 7)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Copy {what} from {source:%A %d %B} to:"))
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def targets(self) -> list[dt.date]:
        return [when for when, box in self.boxes.items() if box.isChecked()]


class WeekView(QWidget):
    """Week navigation and the week grid."""

    day_activated = Signal(object)
    copy_requested = Signal(object, object)
    week_changed = Signal(object)

    def __init__(
        self, document: PlanDocument, when: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.model = WeekModel(document, when)

        self.previous_button = tool_button("◀", "Previous week")
        self.next_button = tool_button("▶", "Next week")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("'Week of' ddd d MMM yyyy")
        self.this_week_button = tool_button("This week", "Go to the current week")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.this_week_button.clicked.connect(lambda: self.set_week(dt.date.today()))
        self.date_edit.dateChanged.connect(lambda q: self.set_week(q.toPython()))

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.date_edit)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.this_week_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        # One entry a line, cut with an ellipsis: wrapping made cells unreadable.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().sectionClicked.connect(
            lambda column: self.day_activated.emit(self.model.dates[column])
        )
        self.table.doubleClicked.connect(
            lambda index: self.day_activated.emit(self.model.dates[index.column()])
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        legend = QLabel(
            "Totals: green = at or above your target, amber = short of it, "
            "red = magnesium below the EAR or vitamin D above the UL.  ⚠ = findings"
        )
        legend.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)
        self._sync_date_edit()

    @property
    def start(self) -> dt.date:
        return self.model.start

    def step(self, weeks: int) -> None:
        self.set_week(self.start + dt.timedelta(days=7 * weeks))

    def set_week(self, when: dt.date) -> None:
        if week_start(when) != self.model.start:
            self.model.set_start(when)
            self.week_changed.emit(self.model.start)
        self._sync_date_edit()

    def _sync_date_edit(self) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.start.year, self.start.month, self.start.day))
        self.date_edit.blockSignals(False)

    def _context_menu(self, point: Any) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        when = self.model.dates[index.column()]
        menu = QMenu(self)
        menu.addAction("Open day", lambda: self.day_activated.emit(when))
        menu.addAction("Copy this day to…", lambda: self.copy_requested.emit(when, None))
        name = self.model.meal_name_at(index.row())
        if name is not None:
            day = self.document.day(when)
            position = next((i for i, m in enumerate(day.meals) if m.name == name), None)
            if position is not None and day.meals[position].entries:
                menu.addAction(
                    f"Copy {name} to…", lambda: self.copy_requested.emit(when, position)
                )
        menu.exec(self.table.viewport().mapToGlobal(point))
