"""A read-only Qt table model over an immutable tuple of rows, with fixed column titles.

The Online results, the recipe list and the swap suggestions are all such a table:
subclasses give the column titles and ``data``; the rows are plain core values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from planner.ui.common.widgets import AnyIndex


class RowsModel(QAbstractTableModel):
    #: Column titles, left to right.
    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, rows: Sequence[Any] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[Any, ...] = tuple(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
