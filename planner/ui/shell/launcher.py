"""From launch to the window: the database opened off the GUI thread, its problems
offered a way out, and a backup put back.

:class:`Launcher` runs :func:`planner.app.open_workspace` on a worker thread behind a
progress dialog (the first start loads the food database), then builds the window
from the services (:class:`~planner.ui.shell.main_window.MainWindow`: what its first
frame shows at once, the other tabs right after that frame is painted). When
the database cannot be used it says why and offers what makes sense (restore a
backup, start fresh with the old file kept aside, try again, quit). It owns the
services: they are closed with the window, or when a backup is to be put back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from planner import paths
from planner.app import Services, Workspace, open_workspace
from planner.services.backups import BackupError, BackupService
from planner.services.health import Choice, DatabaseProblem, set_aside
from planner.ui.common.tasks import TaskRunner
from planner.ui.dialogs.restore_dialog import restore_from_list

__all__ = ["Launcher"]


class Launcher(QObject):
    #: Emitted with the window once it shows a plan.
    window_ready = Signal(object)
    #: The user is done: the window closed (not to put a backup back), or they chose
    #: to quit at a database problem. The application quits on it (a restore closes
    #: the last window for a moment, so Qt's own quit-on-last-window is off).
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(self)
        self.window: QWidget | None = None
        self.services: Services | None = None
        self._progress: QProgressDialog | None = None
        #: The dialog shown last (tests drive it through this).
        self.last_dialog: QMessageBox | None = None
        #: What the user chose last time the database could not be used (tests read it).
        self.problem_choice: Choice | None = None
        self._restoring: Path | None = None

    def start(self) -> None:
        self._progress = QProgressDialog("Loading the USDA food database…", "", 0, 100)
        self._progress.setWindowTitle("planner")
        self._progress.setCancelButton(None)
        self._progress.setMinimumDuration(300)
        self._progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        today = dt.date.today()
        self.tasks.start_with_progress(
            lambda progress: open_workspace(today, progress),
            self._on_workspace,
            self._on_progress,
            on_error=self._on_error,
        )

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setValue(100 * done // max(total, 1))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_workspace(self, result: Workspace | DatabaseProblem) -> None:
        from planner.ui.shell.main_window import MainWindow

        self._close_progress()
        if isinstance(result, DatabaseProblem):
            self._handle_problem(result)
            return
        self.services = result.services
        window = MainWindow(result.services, self.tasks, result.first_plan,
                            note=result.backup_note)
        window.restore_requested.connect(self._restore)
        window.closed.connect(self._on_window_closed)
        self.window = window
        window.show()
        self.window_ready.emit(window)

    def _on_error(self, exc: BaseException) -> None:
        self._close_progress()
        QMessageBox.critical(None, "planner", f"The database could not be opened:\n\n{exc}")
        self.finished.emit()

    # -- closing and putting a backup back -----------------------------------------------

    def _on_window_closed(self) -> None:
        # The window waited for its tasks; nothing uses the database any more.
        self.window = None
        if self.services is not None:
            self.services.close()
            self.services = None
        if self._restoring is not None:
            backup, self._restoring = self._restoring, None
            self._put_back(backup)
            self.start()
        else:
            self.finished.emit()

    def _restore(self, backup: Path) -> None:
        """Close the window and the database, put ``backup`` back, start again."""
        self._restoring = backup
        if self.window is not None:
            self.window.close()

    def _put_back(self, backup: Path) -> None:
        try:
            kept = BackupService(paths.db_url()).restore(backup)
        except BackupError as exc:
            QMessageBox.warning(None, "Restore backup", f"The backup was not restored:\n\n{exc}")
            return
        if kept is not None:
            QMessageBox.information(
                None, "Restore backup",
                f"Restored {backup.name}; the database as it was is kept in {kept.name}.")

    # -- a database that cannot be used -------------------------------------------------

    def _handle_problem(self, problem: DatabaseProblem) -> None:
        """Say what is wrong and offer the ways out; never touch the bad file silently."""
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("planner: the database cannot be used")
        box.setText(problem.message)
        labels = {
            Choice.RESTORE_BACKUP: ("Restore a backup…", QMessageBox.ButtonRole.AcceptRole),
            Choice.START_FRESH: (
                "Start fresh (keep the file aside)", QMessageBox.ButtonRole.DestructiveRole
            ),
            Choice.RETRY: ("Try again", QMessageBox.ButtonRole.AcceptRole),
            Choice.QUIT: ("Quit", QMessageBox.ButtonRole.RejectRole),
        }
        buttons: dict[object, Choice] = {}
        for choice in problem.choices:
            text, role = labels[choice]
            buttons[box.addButton(text, role)] = choice
        self.last_dialog = box
        box.exec()
        choice = buttons.get(box.clickedButton(), Choice.QUIT)
        self.problem_choice = choice
        if choice is Choice.RESTORE_BACKUP:
            backups = BackupService(paths.db_url())
            chosen = restore_from_list(backups, None)
            if chosen is not None:
                self._put_back(chosen)
                self.start()
            else:
                self._handle_problem(problem)
        elif choice is Choice.START_FRESH and problem.path is not None:
            moved = set_aside(problem.path)
            QMessageBox.information(None, "planner", f"The old database was kept as {moved}.")
            self.start()
        elif choice is Choice.RETRY:
            self.start()
        else:
            self.finished.emit()
