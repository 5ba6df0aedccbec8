"""Food search: a search box, a food-group filter, a "Highest in" nutrient picker and a
table of hits to pick or drag.

:class:`FoodSearchModel` is a table model over an immutable tuple of core
:class:`~planner.core.foods.FoodHit` values (and, for a "Highest in" list, each food's
value in the nutrient); :class:`FoodSearchPanel` wraps it with the search box, the group
filter, the nutrient picker, sorting and the keyboard/mouse ways to choose a food. The
panel only calls :class:`~planner.services.foods.FoodService`; it never touches the
database itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from operator import itemgetter
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.foods import FoodGroup, FoodHit, Portion
from planner.core.formatting import format_quantity, format_value
from planner.core.nutrients import BY_KEY, GROUP_LABELS, PANEL, scaled
from planner.services.foods import BASIS_LABELS, FoodService, TopFood, TopFoods

#: MIME type of a dragged food: the food reference (``usda:11457``) as UTF-8 bytes,
#: one reference per line.
FOOD_MIME_TYPE: Final = "application/x-planner-food"
#: Role giving a cell's raw value for sorting: a float, a case-folded string, or
#: ``None`` when unknown.
SORT_ROLE: Final = Qt.ItemDataRole.UserRole
#: Role giving the row's :class:`FoodHit` from any cell.
HIT_ROLE: Final = Qt.ItemDataRole.UserRole + 1

UNKNOWN_TEXT: Final = "?"
UNKNOWN_TOOLTIP: Final = "no value in the database"
#: Shown where a value does not apply (no portion, a food with 0 kcal), unlike "?".
NOT_APPLICABLE_TEXT: Final = "–"
SEARCH_LIMIT: Final = 200
#: Foods a "Highest in" list shows.
TOP_LIMIT: Final = 200
DEFAULT_DEBOUNCE_MS: Final = 200
#: The nutrient picker's entry for the normal text search.
NO_NUTRIENT_TEXT: Final = "(none)"
#: Longest part of the user's text echoed in the status line.
_ECHO_CHARS: Final = 40

_ROOT: Final = QModelIndex()
_NUMBER_ALIGNMENT: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TEXT_ALIGNMENT: Final = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_HEADER_NUMBER_ALIGNMENT: Final = Qt.AlignmentFlag.AlignCenter
_CELL_ROLES: Final = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SORT_ROLE,
        HIT_ROLE,
    }
)
_ROW_FLAGS: Final = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)


class Column(IntEnum):
    NAME = 0
    GROUP = 1
    MAGNESIUM = 2
    VITAMIN_D = 3
    MAGNESIUM_PORTION = 4
    VITAMIN_D_PORTION = 5
    MAGNESIUM_PER_KCAL = 6
    #: The chosen nutrient's value in a "Highest in" list (hidden in a text search).
    TOP = 7


_HEADERS: Final[dict[Column, tuple[str, str]]] = {
    Column.NAME: ("Food", "Food name; drag a row onto a meal, or press Enter to add it"),
    Column.GROUP: ("Group", "USDA food group"),
    Column.MAGNESIUM: ("Mg\nmg/100 g", "Magnesium in milligrams per 100 g"),
    Column.VITAMIN_D: ("Vit D\nµg/100 g", "Vitamin D in micrograms per 100 g (1 µg = 40 IU)"),
    Column.MAGNESIUM_PORTION: (
        "Mg\nper portion",
        "Magnesium in the food's first household portion (grams and measure in brackets)",
    ),
    Column.VITAMIN_D_PORTION: (
        "Vit D\nper portion",
        "Vitamin D in the same household portion as the magnesium column",
    ),
    Column.MAGNESIUM_PER_KCAL: (
        "Mg\nmg/100 kcal",
        "Magnesium density: milligrams per 100 kcal, the fair way to find magnesium-rich foods",
    ),
    Column.TOP: ("Highest in", "The nutrient chosen under 'Highest in'"),
}
#: Columns read as text, left-aligned; the others are numbers, right-aligned. The
#: magnesium-per-portion cell starts with its amount, so left keeps the amounts lined up.
_TEXT_COLUMNS: Final = frozenset({Column.NAME, Column.GROUP, Column.MAGNESIUM_PORTION})
#: Below this width the food name needs the room more than the group does; the group
#: is still in the name's tooltip and in the group filter.
_MIN_NAME_WIDTH: Final = 260


def portion_text(portion: Portion) -> str:
    """``30 g, 1 cup``: the weight first, so a narrow cell elides the measure, not a number."""
    return f"{portion.grams:g} g, {portion.label}"


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ECHO_CHARS else text[: _ECHO_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class _Cell:
    display: str
    sort_key: float | str | None
    tooltip: str | None = None


def _unknown() -> _Cell:
    return _Cell(UNKNOWN_TEXT, None, UNKNOWN_TOOLTIP)


def _per_100_g(value: float | None) -> _Cell:
    return _unknown() if value is None else _Cell(format_value(value), value)


def _per_portion(hit: FoodHit, value: float | None, unit: str, with_measure: bool) -> _Cell:
    portion = hit.default_portion
    if portion is None:
        return _Cell(NOT_APPLICABLE_TEXT, None, "no household portion in the database")
    if value is None:
        return _unknown()
    amount = scaled(value, portion.grams)
    text = f"{format_value(amount)} {unit}"
    tooltip = f"{text} in {portion.label} ({portion.grams:g} g)"
    if with_measure:
        text = f"{text} ({portion_text(portion)})"
    return _Cell(text, amount, tooltip)


def _magnesium_per_kcal(hit: FoodHit) -> _Cell:
    density = hit.magnesium_per_100_kcal
    if density is not None:
        return _Cell(format_value(density), density)
    if hit.magnesium_mg is None or hit.energy_kcal is None:
        return _unknown()
    return _Cell(NOT_APPLICABLE_TEXT, None, "the food has 0 kcal: no magnesium density")


def _cell(hit: FoodHit, column: Column) -> _Cell:
    if column is Column.NAME:
        lines = [hit.name, hit.group_name, str(hit.ref)]
        tooltip = "\n".join(line for line in lines if line)
        return _Cell(hit.name, hit.name.casefold(), tooltip)
    if column is Column.GROUP:
        if hit.group_name is None:
            return _Cell(UNKNOWN_TEXT, None, "no food group in the database")
        return _Cell(hit.group_name, hit.group_name.casefold(), hit.group_name)
    if column is Column.MAGNESIUM:
        return _per_100_g(hit.magnesium_mg)
    if column is Column.VITAMIN_D:
        return _per_100_g(hit.vitamin_d_ug)
    if column is Column.MAGNESIUM_PORTION:
        return _per_portion(hit, hit.magnesium_mg, "mg", with_measure=True)
    if column is Column.VITAMIN_D_PORTION:
        return _per_portion(hit, hit.vitamin_d_ug, "µg", with_measure=False)
    return _magnesium_per_kcal(hit)


def measure_text(measure: tuple[float, str, float]) -> str:
    """``130 g, 1 cup``: a default portion as the per-portion cells show one."""
    amount, unit, grams = measure
    return f"{format_quantity(grams)} g, {format_quantity(amount)} {unit}"


def _top_cell(item: TopFood | None) -> _Cell:
    if item is None:
        return _Cell("", None)
    text = item.value_text
    if item.measure is not None:
        text = f"{text} ({measure_text(item.measure)})"
    per_100g = f"{format_value(item.per_100g)} {item.unit} per 100 g"
    return _Cell(text, item.value, f"#{item.rank}: {item.value_text} per {item.per}; {per_100g}")


def top_header(top: TopFoods) -> tuple[str, str]:
    """The value column's title and tooltip: ``Vitamin C\nmg/100 kcal``."""
    unit = top.nutrient.unit
    per = {"100g": f"{unit}/100 g", "100kcal": f"{unit}/100 kcal", "portion": "per portion"}
    tooltip = f"{top.title}; foods whose value is unknown are never ranked"
    return f"{top.nutrient.label}\n{per[top.basis]}", tooltip


class FoodSearchModel(QAbstractTableModel):
    """Search hits as table rows; sortable by any column with unknown values always last.

    The hits are kept in the service's relevance order; sorting by column ``-1``
    restores that order.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[FoodHit, ...] = ()
        #: Display order: positions in ``_hits``.
        self._order: tuple[int, ...] = ()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        #: Formatted cells by (position in ``_hits``, column), filled as they are shown:
        #: a paint asks ``data()`` several times per cell.
        self._cells: dict[tuple[int, int], _Cell] = {}
        #: A "Highest in" list: each hit's value, by position; ``None`` in a text search.
        self._top: TopFoods | None = None
        self._top_items: tuple[TopFood, ...] = ()

    # -- the project's own API ---------------------------------------------------------

    def set_hits(self, hits: Sequence[FoodHit]) -> None:
        """Show new hits, kept in the current sort order."""
        self._reset(tuple(hits), None)

    def set_top(self, top: TopFoods) -> None:
        """Show the foods of a "Highest in" list, with their values in :attr:`Column.TOP`."""
        self._reset(tuple(item.hit for item in top.foods), top)

    def _reset(self, hits: tuple[FoodHit, ...], top: TopFoods | None) -> None:
        self.beginResetModel()
        self._hits = hits
        self._top = top
        self._top_items = () if top is None else top.foods
        self._cells = {}
        self._order = self._sorted_order(self._sort_column, self._sort_order)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.TOP, Column.TOP)

    @property
    def top(self) -> TopFoods | None:
        """The "Highest in" list shown, or ``None`` for text-search hits."""
        return self._top

    def top_item(self, row: int) -> TopFood | None:
        """The ranked value of the food in ``row`` of a "Highest in" list."""
        if self._top is None:
            return None
        self.hit(row)  # IndexError outside the rows
        return self._top_items[self._order[row]]

    def hit(self, row: int) -> FoodHit:
        """The hit shown in ``row`` (raises :class:`IndexError` outside the rows)."""
        if not 0 <= row < len(self._order):
            raise IndexError(f"no row {row} in {len(self._order)} hits")
        return self._hits[self._order[row]]

    def hits(self) -> tuple[FoodHit, ...]:
        """The hits in display order."""
        return tuple(self._hits[i] for i in self._order)

    def row_of(self, hit: FoodHit) -> int | None:
        for row, position in enumerate(self._order):
            if self._hits[position] == hit:
                return row
        return None

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    # -- Qt overrides ------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        # The view asks for many roles per painted cell; answer the unused ones first.
        if role not in _CELL_ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._order):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TEXT_ALIGNMENT if self._is_text(column) else _NUMBER_ALIGNMENT
        position = self._order[row]
        if role == HIT_ROLE:
            return self._hits[position]
        cell = self._cell_at(position, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.display
        if role == SORT_ROLE:
            return cell.sort_key
        return cell.tooltip

    def _is_text(self, column: int) -> bool:
        if column == Column.TOP:
            # Per portion the value is followed by the portion: aligned on its start.
            return self._top is not None and self._top.basis == "portion"
        return column in _TEXT_COLUMNS

    def _cell_at(self, position: int, column: int) -> _Cell:
        cell = self._cells.get((position, column))
        if cell is None:
            if column == Column.TOP:
                item = self._top_items[position] if self._top_items else None
                cell = _top_cell(item)
            else:
                cell = _cell(self._hits[position], Column(column))
            self._cells[position, column] = cell
        return cell

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        title, tooltip = _HEADERS[Column(section)]
        if section == Column.TOP and self._top is not None:
            title, tooltip = top_header(self._top)
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Centred, not right-aligned: the sort arrow sits at the right edge and
            # would cover the end of a right-aligned title.
            return _TEXT_ALIGNMENT if self._is_text(section) else _HEADER_NUMBER_ALIGNMENT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def mimeTypes(self) -> list[str]:
        return [FOOD_MIME_TYPE, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid() and i.model() is self})
        refs = "\n".join(str(self.hit(row).ref) for row in rows)
        mime = QMimeData()
        mime.setData(FOOD_MIME_TYPE, refs.encode("utf-8"))
        # Dropped into a text field, a food becomes its reference, as in plan files.
        mime.setText(refs)
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (``-1``: relevance); unknown values last in either order."""
        if column >= len(Column):
            column = -1
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        self._sort_column = column
        self._sort_order = order
        self._order = self._sorted_order(column, order)
        new_row = {position: row for row, position in enumerate(self._order)}
        old_indexes = self.persistentIndexList()
        new_indexes = [
            self.index(new_row[old_order[i.row()]], i.column()) if i.isValid() else i
            for i in old_indexes
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> tuple[int, ...]:
        positions = range(len(self._hits))
        if column < 0:
            return tuple(positions)
        known: list[tuple[float | str, int]] = []
        unknown: list[int] = []
        for position in positions:
            key = self._cell_at(position, column).sort_key
            if key is None:
                unknown.append(position)
            else:
                known.append((key, position))
        # Stable in both directions, so ties keep their relevance order.
        known.sort(key=itemgetter(0), reverse=order == Qt.SortOrder.DescendingOrder)
        return (*(position for _, position in known), *unknown)


class FoodSearchPanel(QWidget):
    """Search box, food-group filter, "Highest in" picker and hit table; emits
    :attr:`food_chosen`.

    The search runs synchronously on the GUI thread, on purpose: one service search
    takes about 1-3 ms (p95 3 ms over the 8,789 shipped foods, 21 ms with 500,000),
    well inside one frame, and a worker thread would add stale-result races for no
    visible gain. Typing is debounced, so it runs once per pause, not once per key;
    search plus table repaint is measured in tests/perf/test_search_panel_perf.py.

    Choosing a nutrient under "Highest in" lists the foods highest in it (per 100 g,
    per 100 kcal or per portion, in the chosen food group) instead of the text search's
    hits; "(none)" and typing return to the text search. That query is synchronous
    too: ranking and repaint take about 16 ms per 100 g or per 100 kcal and 45 ms per
    portion (medians over every nutrient, 200 foods; tests/perf/test_food_top_perf.py),
    under the 100 ms a person sees as instant, and only when a choice changes, never
    per keystroke; a worker thread would add stale-result races for no visible gain.
    """

    #: The food the user picked (Enter in the box or the table, double-click): a FoodHit.
    food_chosen = Signal(object)

    def __init__(self, foods: FoodService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.foods = foods
        #: Pause after the last key before the search runs.
        self.debounce_ms = DEFAULT_DEBOUNCE_MS
        self.limit = SEARCH_LIMIT
        self.top_limit = TOP_LIMIT

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search foods, e.g. spinach raw")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search foods")

        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Food group")
        self.group_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group_combo.setMinimumContentsLength(16)

        self.top_label = QLabel("Highest in:")
        self.nutrient_combo = QComboBox()
        self.nutrient_combo.setAccessibleName("Highest in nutrient")
        self.nutrient_combo.setToolTip(
            "List the foods highest in a nutrient instead of searching by name; "
            "foods whose value is unknown are never ranked"
        )
        # Narrow when the panel is (the window fits a 1024-pixel screen); the list
        # opens as wide as its longest name.
        self.nutrient_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.nutrient_combo.setMinimumContentsLength(7)
        self.top_label.setBuddy(self.nutrient_combo)
        self.basis_combo = QComboBox()
        self.basis_combo.setAccessibleName("Highest in, per")
        for basis, label in BASIS_LABELS.items():
            self.basis_combo.addItem(label, basis)
        self.basis_combo.setItemData(
            1, "Value per 100 kcal: foods with 0 kcal or unknown energy are left out",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.basis_combo.setItemData(
            2, "Value in the household portion adding the food gives; foods without one "
            "are left out", Qt.ItemDataRole.ToolTipRole,
        )
        self.basis_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.basis_combo.setMinimumContentsLength(5)
        self._load_nutrients()
        for combo in (self.nutrient_combo, self.basis_combo):
            view = combo.view()
            scroll_bar = view.verticalScrollBar().sizeHint().width()
            view.setMinimumWidth(view.sizeHintForColumn(0) + scroll_bar)

        self.density_button = QPushButton("Sort by magnesium per 100 kcal")
        self.density_button.setToolTip(
            "Most magnesium per 100 kcal first; click a column header for other orders"
        )

        self.status_label = QLabel()
        # User text is echoed here: never let it be read as rich text.
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(False)
        # A long message must not widen the panel (or relayout it on every keystroke).
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.model = FoodSearchModel(self)
        self.table = QTableView()
        self._build_table()

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 3)
        top.addWidget(self.group_combo, 2)
        picker = QHBoxLayout()
        picker.addWidget(self.top_label)
        picker.addWidget(self.nutrient_combo, 3)
        picker.addWidget(self.basis_combo, 2)
        picker.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.density_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(picker)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.search_now)

        self.search_edit.textChanged.connect(self._schedule_search)
        self.search_edit.returnPressed.connect(self._choose_from_search_box)
        self.search_edit.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        self.table.doubleClicked.connect(self._choose_index)
        self.group_combo.currentIndexChanged.connect(self._on_group_changed)
        self.nutrient_combo.currentIndexChanged.connect(self._on_top_changed)
        self.basis_combo.currentIndexChanged.connect(self._on_top_changed)
        self.density_button.clicked.connect(self.sort_by_magnesium_density)

        self._load_groups()
        self.search_now()

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setDragEnabled(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        table.setDefaultDropAction(Qt.DropAction.CopyAction)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        # USDA names share long prefixes ("Seeds, pumpkin and squash seeds, ..."): cut
        # in the middle so the part that tells them apart stays visible.
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)

        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)  # a third click returns to relevance order
        # No indicator: hits start in relevance order (setSortingEnabled sorts at once).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        # Fixed widths from the font, not ResizeToContents: measuring 200 rows on every
        # keystroke would cost more than the search itself.
        metrics = table.fontMetrics()
        samples = {
            Column.GROUP: "Vegetables and Veg",
            Column.MAGNESIUM: "1170",
            Column.VITAMIN_D: "10.5",
            Column.MAGNESIUM_PORTION: "77.9 mg (95 g, 0.5 cup)",
            Column.VITAMIN_D_PORTION: "10.5 µg",
            Column.MAGNESIUM_PER_KCAL: "1343",
            Column.TOP: "1147 µg (130 g, 1 cup)",
        }
        # Room for the cell margins and the sort arrow beside the title.
        padding = metrics.horizontalAdvance("M") + 6
        for column, sample in samples.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            texts = [sample, *title.splitlines()]
            width = max(metrics.horizontalAdvance(text) for text in texts) + padding
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        self._group_width = header.sectionSize(Column.GROUP)
        # Shown with a "Highest in" list, beside the food's name.
        table.setColumnHidden(Column.TOP, True)
        header.moveSection(header.visualIndex(Column.TOP), header.visualIndex(Column.NAME) + 1)

    def _fit_columns(self) -> None:
        """Show the group column only where the food name keeps a readable width."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in Column if c not in (Column.NAME, Column.GROUP))
        room = self.table.viewport().width() - others - self._group_width
        self.table.setColumnHidden(Column.GROUP, room < _MIN_NAME_WIDTH)

    def _load_nutrients(self) -> None:
        """"(none)", then the panel's nutrients group by group under a header that cannot
        be chosen; a part (retinol, folic acid) indented under its whole."""
        combo = self.nutrient_combo
        combo.addItem(NO_NUTRIENT_TEXT, None)
        model = combo.model()
        assert isinstance(model, QStandardItemModel)
        for group, keys in PANEL:
            combo.addItem(GROUP_LABELS[group], None)
            header = model.item(combo.count() - 1)
            header.setEnabled(False)
            header.setSelectable(False)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            for key in keys:
                nutrient = BY_KEY[key]
                indent = "    " if nutrient.part_of else ""
                combo.addItem(f"{indent}{nutrient.label} ({nutrient.unit})", key)
        self.basis_combo.setEnabled(False)

    def _load_groups(self) -> None:
        self.group_combo.blockSignals(True)
        try:
            self.group_combo.addItem("All food groups", None)
            groups: list[FoodGroup] = self.foods.groups()
            for group in groups:
                self.group_combo.addItem(group.name, group.code)
        except Exception as exc:  # the panel still searches without the filter
            self.status_label.setText(f"Food groups could not be read: {exc}")
        finally:
            self.group_combo.blockSignals(False)

    # -- searching ---------------------------------------------------------------------

    def _on_group_changed(self, _index: int) -> None:
        self.search_now()

    def _on_top_changed(self, _index: int) -> None:
        self.basis_combo.setEnabled(self.top_nutrient() is not None)
        self.search_now()

    def _schedule_search(self) -> None:
        if self.top_nutrient() is not None:
            # Typing searches by name again: the picker goes back to "(none)".
            self.nutrient_combo.blockSignals(True)
            self.nutrient_combo.setCurrentIndex(0)
            self.nutrient_combo.blockSignals(False)
            self.basis_combo.setEnabled(False)
        self._timer.start(self.debounce_ms)

    def top_nutrient(self) -> str | None:
        """The nutrient key chosen under "Highest in", or ``None`` for the text search."""
        key = self.nutrient_combo.currentData()
        return key if isinstance(key, str) else None

    def choose_top(self, key: str | None, per: str = "100g") -> None:
        """Choose a nutrient (``None``: "(none)") and a basis, and show the list at once."""
        self.basis_combo.blockSignals(True)
        self.basis_combo.setCurrentIndex(max(0, self.basis_combo.findData(per)))
        self.basis_combo.blockSignals(False)
        index = 0 if key is None else self.nutrient_combo.findData(key)
        if index < 0:
            raise ValueError(f"no nutrient {key!r} in the picker")
        if index == self.nutrient_combo.currentIndex():
            self._on_top_changed(index)
        else:
            self.nutrient_combo.setCurrentIndex(index)

    def search_now(self) -> None:
        """Run the search for the current text and group at once (no debounce); with a
        nutrient chosen under "Highest in", list the foods highest in it instead."""
        self._timer.stop()
        key = self.top_nutrient()
        if key is not None:
            self._show_top(key)
            return
        self._leave_top()
        text = self.search_edit.text()
        group = self.group_combo.currentData()
        group_name = self.group_combo.currentText() if group else None
        if not text.strip() and group is None:
            self._show_frequent()
            return
        try:
            hits = self.foods.search(text, group=group, limit=self.limit)
        except Exception as exc:  # a failed search must never take the window down
            self.model.set_hits([])
            self.status_label.setText(f"Search failed: {exc}")
            return
        self.model.set_hits(hits)
        self.status_label.setText(self._status(text, group_name, len(hits)))
        if hits:
            self.table.setCurrentIndex(self.model.index(0, Column.NAME))

    def _show_frequent(self) -> None:
        """Before anything is typed: the foods of the user's plans, most eaten first."""
        try:
            hits = self.foods.frequent(limit=self.limit)
        except Exception:  # no list of one's foods is no reason to fail
            hits = []
        self.model.set_hits(hits)
        if hits:
            self.status_label.setText(
                "Your foods, most eaten first; type a food name to search them all")
            self.table.setCurrentIndex(self.model.index(0, Column.NAME))
        else:
            self.status_label.setText("Type a food name, or choose a food group to list it")

    def _show_top(self, key: str) -> None:
        group = self.group_combo.currentData()
        per = str(self.basis_combo.currentData())
        try:
            top = self.foods.top(key, per=per, group=group, limit=self.top_limit)
        except Exception as exc:  # a failed query must never take the window down
            self.model.set_hits([])
            self.status_label.setText(f"Ranking failed: {exc}")
            self.status_label.setToolTip("")
            return
        entering = self.table.isColumnHidden(Column.TOP)
        self.model.set_top(top)
        self.table.setColumnHidden(Column.TOP, False)
        if entering or self.model.sort_column != Column.TOP:
            self.table.sortByColumn(Column.TOP, Qt.SortOrder.DescendingOrder)
        self._fit_columns()
        count = len(top.foods)
        if count:
            status = f"{count:,} food{'s' if count != 1 else ''} highest in {top.title}"
        else:
            status = f"No food has a known {top.nutrient.label} value{self._where(top)}"
        left = [f"{top.unknown:,} unknown, not ranked"] if top.unknown else []
        if top.left_out:
            left.append(f"{top.left_out:,} left out")
        self.status_label.setText(f"{status} ({'; '.join(left)})" if left else status)
        self.status_label.setToolTip("\n".join(top.notes))
        if count:
            self.table.setCurrentIndex(self.model.index(0, Column.NAME))

    @staticmethod
    def _where(top: TopFoods) -> str:
        return f" in {top.group.name}" if top.group is not None else ""

    def _leave_top(self) -> None:
        """Back to the text search: the value column hidden, the hits in relevance order."""
        if self.table.isColumnHidden(Column.TOP):
            return
        self.table.setColumnHidden(Column.TOP, True)
        self.status_label.setToolTip("")
        if self.model.sort_column == Column.TOP:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._fit_columns()

    def _status(self, text: str, group_name: str | None, count: int) -> str:
        where = f" in {group_name}" if group_name else ""
        if count == 0:
            if text.strip():
                return f"No food matches '{_echo(text)}'{where}"
            return f"No food{where}"
        if count >= self.limit:
            return f"First {count:,} foods{where}; type more to narrow the list"
        return f"{count:,} food{'s' if count != 1 else ''}{where}"

    def sort_by_magnesium_density(self) -> None:
        """Most magnesium per 100 kcal first; unknown densities last."""
        self.table.sortByColumn(Column.MAGNESIUM_PER_KCAL, Qt.SortOrder.DescendingOrder)

    # -- choosing ----------------------------------------------------------------------

    def current_hit(self) -> FoodHit | None:
        """The hit in the table's current row, if any."""
        index = self.table.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _choose_from_search_box(self) -> None:
        if self._timer.isActive():
            self.search_now()
        hit = self.current_hit()
        if hit is None and self.model.rowCount() > 0:
            hit = self.model.hit(0)
        if hit is not None:
            self.food_chosen.emit(hit)

    def _choose_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.food_chosen.emit(self.model.hit(index.row()))

    def _focus_table(self) -> None:
        if self._timer.isActive():
            self.search_now()
        if self.model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, Column.NAME))
        self.table.setFocus(Qt.FocusReason.TabFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            handler = self._key_handler(watched, event)
            if handler is not None:
                handler()
                return True
        return super().eventFilter(watched, event)

    def _key_handler(self, watched: QObject, event: QKeyEvent) -> Callable[[], None] | None:
        key = event.key()
        if watched is self.search_edit and key == Qt.Key.Key_Down:
            return self._focus_table
        if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return lambda: self._choose_index(self.table.currentIndex())
        if watched is self.table and key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
            return self.focus_search
        return None
