"""The plumbing of a two-level Qt model: groups at the top, their children below.

The Day view (meals, entries) and the Shopping view (aisles, items) are both such a
tree. A top row's index carries :data:`TOP` as its internal id; a child's carries its
group's row + 1, so ``parent()`` needs no lookup. Subclasses say how many groups and
children there are, and provide ``columnCount`` and ``data``.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QAbstractItemModel, QModelIndex

from planner.ui.common.widgets import AnyIndex

#: Internal id of a top-level (group) row.
TOP: Final = 0


class TwoLevelModel(QAbstractItemModel):
    def group_count(self) -> int:
        raise NotImplementedError

    def child_count(self, group: int) -> int:
        raise NotImplementedError

    @staticmethod
    def is_group(index: AnyIndex) -> bool:
        return index.isValid() and index.internalId() == TOP

    @staticmethod
    def group_of(index: AnyIndex) -> int | None:
        """The group row of an index: its own row for a group, its parent's for a child."""
        if not index.isValid():
            return None
        return index.row() if index.internalId() == TOP else index.internalId() - 1

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, TOP)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return self.group_count()
        if parent.internalId() == TOP and parent.column() == 0:
            return self.child_count(parent.row())
        return 0
