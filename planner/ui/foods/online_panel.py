"""The Online tab of the food search: FoodData Central by name, Open Food Facts by barcode.

Nothing here touches the network on the GUI thread: every look-up and import runs
through :class:`~planner.ui.common.tasks.TaskRunner`, with a busy line and the buttons held
until it answers. Errors (no network, bad key, not found, a rate limit) arrive as one
line from :mod:`planner.services.online` and are shown as they are. An imported food is
local from then on (source ``fdc`` or ``off``), usable offline in plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.foods import Food
from planner.services.online import FDC_BRANDED, FDC_DATA_TYPES, OnlineService
from planner.ui.common.table_model import RowsModel
from planner.ui.common.tasks import TaskRunner
from planner.ui.common.widgets import AnyIndex

COLUMNS: Final = ("Food", "Source", "Mg mg/100 g", "Vit D µg/100 g", "kcal/100 g")
OFF_ATTRIBUTION: Final = (
    "Product data from Open Food Facts (openfoodfacts.org), ODbL 1.0; crowd-sourced, "
    "check against the label."
)


def _number(value: float | None, digits: int) -> str:
    return "?" if value is None else f"{value:.{digits}f}"


class OnlineModel(RowsModel):
    """Search results (FDC) or one product (OFF), as plain rows."""

    COLUMNS = COLUMNS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name}\n{row.ref}" + (
                f"\n{row.attribution}" if isinstance(row, Food) and row.attribution else ""
            )
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            brand = getattr(row, "brand", None)
            return f"{row.name} ({brand})" if brand else row.name
        if column == 1:
            if isinstance(row, Food):
                return "Open Food Facts" if row.ref.source == "off" else "FoodData Central"
            return f"FDC {row.data_type}"
        nutrients = row.nutrients
        if column == 2:
            return _number(nutrients.get("magnesium_mg"), 0)
        if column == 3:
            return _number(nutrients.get("vitamin_d_ug"), 1)
        return _number(nutrients.get("energy_kcal"), 0)


class ApiKeyDialog(QDialog):
    """The FoodData Central API key, stored with file permissions 0600."""

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("FoodData Central API key")
        self.edit = QLineEdit(current or "")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("a key from api.data.gov (free)")
        note = QLabel(
            "Without a key planner uses the shared DEMO_KEY, which allows only a few look-ups "
            "an hour. The key is kept in your data folder, readable by you only, and sent to "
            "FoodData Central only."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("API key:"))
        layout.addWidget(self.edit)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def key(self) -> str | None:
        return self.edit.text().strip() or None


class OnlinePanel(QWidget):
    """Search FoodData Central or look a barcode up; import the chosen food."""

    #: A food was imported and stored locally: the stored Food.
    food_imported = Signal(object)
    #: Something finished or failed: a line for the status bar.
    message = Signal(str)

    def __init__(self, service: OnlineService, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search FoodData Central, e.g. almond milk")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.search)
        self.branded = QCheckBox("Branded products")
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.search)
        self.barcode_edit = QLineEdit()
        self.barcode_edit.setPlaceholderText("Barcode, e.g. 3017620422003")
        self.barcode_edit.returnPressed.connect(self.look_up_barcode)
        self.barcode_button = QPushButton("Look up")
        self.barcode_button.clicked.connect(self.look_up_barcode)
        self.model = OnlineModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.import_selected())
        self.import_button = QPushButton("Import")
        self.import_button.setToolTip("Store the food locally, to use it in plans offline")
        self.import_button.clicked.connect(self.import_selected)
        self.key_button = QPushButton("API key…")
        self.key_button.clicked.connect(self.edit_api_key)
        self.status = QLabel("Looks foods up online only when you ask.")
        self.status.setWordWrap(True)
        self.attribution = QLabel("")
        self.attribution.setWordWrap(True)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.branded)
        search_row.addWidget(self.search_button)
        barcode_row = QHBoxLayout()
        barcode_row.addWidget(self.barcode_edit, 1)
        barcode_row.addWidget(self.barcode_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.key_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(barcode_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.attribution)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._busy = False
        self._update_buttons()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    # -- state -------------------------------------------------------------------------

    def _set_busy(self, text: str | None) -> None:
        self._busy = text is not None
        if text is not None:
            self.status.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self._busy
        for widget in (self.search_button, self.barcode_button, self.key_button):
            widget.setEnabled(idle)
        self.import_button.setEnabled(idle and self.selected() is not None)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(None)
        self.status.setText(str(exc) or type(exc).__name__)
        self.message.emit(str(exc))

    # -- actions -----------------------------------------------------------------------

    def search(self) -> None:
        text = self.search_edit.text().strip()
        if not text or self._busy:
            if not text:
                self.status.setText("Type what to look for first.")
            return
        kinds = list(FDC_DATA_TYPES)
        if self.branded.isChecked():
            kinds.append(FDC_BRANDED)
        self._set_busy(f"Searching FoodData Central for “{text[:40]}”…")
        self.tasks.start(
            lambda: self.service.search_fdc(text, kinds), self._show_results, self._failed
        )

    def _show_results(self, results: Sequence[Any]) -> None:
        self._set_busy(None)
        self.model.set_rows(results)
        self.attribution.setText("Food data: USDA FoodData Central (public domain, CC0).")
        count = len(results)
        self.status.setText(
            f"{count} food{'s' if count != 1 else ''} found." if count else "Nothing found."
        )
        if count:
            self.table.selectRow(0)

    def look_up_barcode(self) -> None:
        code = self.barcode_edit.text().strip()
        if self._busy:
            return
        if not code.isdigit() or not 8 <= len(code) <= 14:
            self.status.setText("A barcode is 8 to 14 digits.")
            return
        self._set_busy(f"Looking up {code} on Open Food Facts…")
        self.tasks.start(lambda: self.service.off_product(code), self._show_product, self._failed)

    def _show_product(self, food: Food) -> None:
        self._set_busy(None)
        self.model.set_rows([food])
        self.attribution.setText(OFF_ATTRIBUTION)
        self.status.setText(f"Found {food.name}.")
        self.table.selectRow(0)

    def import_selected(self) -> None:
        row = self.selected()
        if row is None or self._busy:
            return
        ref = row.ref
        self._set_busy(f"Importing {row.name}…")
        self.tasks.start(lambda: self.service.import_food(ref), self._imported, self._failed)

    def _imported(self, food: Food) -> None:
        self._set_busy(None)
        self.status.setText(f"Imported {food.name} ({food.ref}); it is now a local food.")
        self.message.emit(f"Imported {food.name}.")
        self.food_imported.emit(food)

    def edit_api_key(self) -> None:
        dialog = ApiKeyDialog(self.service.fdc_api_key(), self)
        if dialog.exec():
            self.service.set_fdc_api_key(dialog.key())
            self.status.setText("API key saved." if dialog.key() else "API key removed.")
