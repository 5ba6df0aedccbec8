"""The main window (the full planner views arrive with the window issue).

On start the database is opened and, the first time, the shipped USDA dataset is
loaded, on a worker thread with a progress dialog, so the window never freezes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressDialog, QWidget

from planner.services.database import Database, ensure_food_data
from planner.services.foods import FoodService
from planner.ui.tasks import TaskRunner

ABOUT_TEXT = """<h3>planner</h3>
<p>Plan a week of meals and see magnesium and vitamin D against your own targets.</p>
<p><b>Food data:</b> USDA National Nutrient Database for Standard Reference, Release 28
(US Department of Agriculture, Agricultural Research Service, Nutrient Data Laboratory,
2015). Public domain.</p>
<p><b>Not medical advice.</b> planner gives information about what you plan to eat.
It does not diagnose or treat anything; talk to a doctor or dietitian before you change
supplements or a prescribed diet.</p>"""


def open_database_task(progress: object) -> Database:
    """Worker-thread job: open (and migrate) the database, load foods the first time."""
    db = Database.open()
    try:
        ensure_food_data(db, progress)  # type: ignore[arg-type]
    except BaseException:
        db.close()
        raise
    return db


class MainWindow(QMainWindow):
    database_ready = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("planner")
        self.resize(1200, 800)
        self.db: Database | None = None
        self.tasks = TaskRunner(self)
        self._progress: QProgressDialog | None = None

        self.placeholder = QLabel("Opening the food database…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About planner", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def start(self) -> None:
        self._progress = QProgressDialog("Loading the USDA food database…", "", 0, 100, self)
        self._progress.setWindowTitle("planner")
        self._progress.setCancelButton(None)
        self._progress.setMinimumDuration(300)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.tasks.start(
            open_database_task, self._on_database, self._on_database_error, self._on_progress
        )

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setValue(100 * done // max(total, 1))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_database(self, db: Database) -> None:
        self._close_progress()
        self.db = db
        count = FoodService(db).count()
        self.placeholder.setText(f"{count:,} foods ready.")
        self.statusBar().showMessage(f"{count:,} foods in {db.url}")
        self.database_ready.emit(db)

    def _on_database_error(self, exc: BaseException) -> None:
        self._close_progress()
        self.placeholder.setText("The food database could not be opened.")
        QMessageBox.critical(self, "planner", f"The database could not be opened:\n\n{exc}")

    def show_about(self) -> None:
        QMessageBox.about(self, "About planner", ABOUT_TEXT)

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        if self.db is not None:
            self.db.close()
        super().closeEvent(event)  # type: ignore[arg-type]
