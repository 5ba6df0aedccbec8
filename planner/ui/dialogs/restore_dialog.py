"""Picking a backup to put back (the launcher and the window's File menu)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from planner.services.backups import BackupError, BackupService

__all__ = ["restore_from_list"]


def restore_from_list(backups: BackupService, parent: QWidget | None) -> Path | None:
    """Let the user pick a backup to put back; ``None`` when none was picked."""
    try:
        found = backups.list()
    except BackupError as exc:
        QMessageBox.warning(parent, "Restore backup", str(exc))
        return None
    if not found:
        QMessageBox.information(parent, "Restore backup", "There are no backups yet.")
        return None
    labels = [
        f"{info.created:%a %d %b %Y %H:%M} — {info.reason}, {info.plan_count} plans"
        for info in found
    ]
    label, ok = QInputDialog.getItem(parent, "Restore backup", "Backup:", labels, 0, False)
    if not ok or label not in labels:
        return None
    return found[labels.index(label)].path
