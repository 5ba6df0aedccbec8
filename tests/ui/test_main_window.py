"""The window starts: the launcher opens the database off the GUI thread, with a progress
dialog on the first start, builds the window from the services, and closes the database
with the window.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.pool import QueuePool

from planner.services.database import Database
from planner.ui.shell.launcher import Launcher
from planner.ui.shell.main_window import ABOUT_TEXT, MainWindow


@pytest.fixture
def launcher() -> Iterator[Launcher]:
    starter = Launcher()
    yield starter
    # Whatever the test did, the database must not outlive the window.
    if starter.window is not None:
        starter.window.close()
    # A message-box answering timer must not answer the next test's boxes.
    for timer in starter.findChildren(QTimer):
        timer.stop()


def _start(qtbot: QtBot, launcher: Launcher, timeout: int = 20_000) -> MainWindow:
    with qtbot.waitSignal(launcher.window_ready, timeout=timeout) as blocker:
        launcher.start()
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, launcher: Launcher, db_path: Path) -> MainWindow:
    return _start(qtbot, launcher)


def test_start_opens_the_loaded_database(qtbot: QtBot, launcher: Launcher,
                                         db_path: Path) -> None:
    window = _start(qtbot, launcher)
    assert isinstance(window.db, Database)
    assert launcher.services is not None and window.db is launcher.services.db
    assert window.db.url == f"sqlite:///{db_path}"
    assert "8,789 foods" in window.statusBar().currentMessage()
    assert not any(d.isVisible() for d in QApplication.topLevelWidgets()
                   if isinstance(d, QProgressDialog))


class _ShowSpy(QObject):
    """Notes what a dialog displayed each time it was shown, and whether the window
    existed yet."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.launcher = launcher
        self.shown: list[tuple[str, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QProgressDialog):
            self.shown.append((watched.labelText(), self.launcher.window is None))
        return False


def test_first_start_shows_progress_and_finishes(
    qtbot: QtBot, launcher: Launcher, isolated_paths: Path
) -> None:
    assert not (isolated_paths / "planner.sqlite3").exists()
    spy = _ShowSpy(launcher)
    with qtbot.waitSignal(launcher.window_ready, timeout=120_000) as blocker:
        launcher.start()
        dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, QProgressDialog)]
        assert len(dialogs) == 1
        dialogs[0].installEventFilter(spy)
    window = blocker.args[0]
    qtbot.addWidget(window)
    # Shown while the load ran (no window yet), gone once it finished.
    assert spy.shown == [("Loading the USDA food database…", True)]
    assert "8,789 foods" in window.statusBar().currentMessage()
    assert not any(d.isVisible() for d in QApplication.topLevelWidgets()
                   if isinstance(d, QProgressDialog))
    with sqlite3.connect(isolated_paths / "planner.sqlite3") as connection:
        # The sample recipes of a first start are foods too (source 'recipe').
        assert connection.execute(
            "SELECT count(*) FROM food WHERE source <> 'recipe'").fetchone() == (8789,)
    connection.close()


def test_closing_the_window_closes_the_database(qtbot: QtBot, window: MainWindow) -> None:
    pool = window.db.engine.pool
    assert isinstance(pool, QueuePool)  # SQLite files are pooled
    # The count for the status bar returned its connection to the pool.
    assert pool.checkedin() >= 1
    assert window.close()
    assert pool.checkedin() == 0
    assert pool.checkedout() == 0


def test_about_says_not_medical_advice() -> None:
    assert "Not medical advice" in ABOUT_TEXT
    assert "Release 28" in ABOUT_TEXT


def _close_message_boxes(owner: QObject) -> list[str]:
    """Accept every modal message box as it appears; the texts land in the returned list.

    A timer owned by the window polls from inside the box's own event loop, since
    ``QMessageBox.about``/``critical`` block until the box is closed.
    """
    texts: list[str] = []
    timer = QTimer(owner)
    timer.setInterval(10)

    def accept_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.accept()

    timer.timeout.connect(accept_box)
    timer.start()
    return texts


def test_help_menu_opens_the_about_box(window: MainWindow) -> None:
    about = next(
        action
        for menu_action in window.menuBar().actions()
        if isinstance(menu := menu_action.menu(), QMenu)
        for action in menu.actions()
        if action.text() == "&About planner"
    )
    shown = _close_message_boxes(window)
    about.trigger()
    assert shown == [ABOUT_TEXT]


def test_database_from_a_newer_planner_is_reported(
    qtbot: QtBot, launcher: Launcher, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    shown = _close_message_boxes(launcher)
    launcher.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[0].startswith(f"The database {db_path} ")
    assert "newer" in shown[0]
    # Closing the dialog is the same as Quit: no window, nothing opened.
    qtbot.waitUntil(lambda: launcher.problem_choice is not None, timeout=5_000)
    assert launcher.window is None
    assert launcher.services is None


#: Not needed for the first frame: imported once it is painted, or when first used.
_LATER = (
    "matplotlib", "planner.reports.charts", "planner.services.reports",
    "planner.services.online", "planner.services.swaps", "planner.services.shopping",
    "planner.ui.plan.week_view", "planner.ui.shopping.shopping_view",
    "planner.ui.recipes.recipe_editor", "planner.ui.foods.online_panel",
    "planner.ui.common.printing",
)
_FIRST_FRAME = """
import os, sys
from PySide6.QtWidgets import QApplication
from planner.ui.shell.launcher import Launcher

app = QApplication(sys.argv)
launcher = Launcher()

def ready(_window):
    app.processEvents()
    print(" ".join(sorted(sys.modules)), flush=True)
    os._exit(0)

launcher.window_ready.connect(ready)
launcher.start()
app.exec()
"""


def test_the_first_frame_imports_only_what_it_shows(db_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME], capture_output=True, text=True, timeout=60,
        check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    loaded = set(result.stdout.split())
    assert "planner.ui.plan.day_view" in loaded
    assert [name for name in _LATER if name in loaded] == []


def test_the_whole_window_fits_a_1024_pixel_screen(qtbot: QtBot, window: MainWindow) -> None:
    # Every tab built (the Shopping toolbar and the recipe editor were the widest).
    window.finish_start()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700, (hint.width(), hint.height())
    window.resize(1024, 700)
    assert (window.width(), window.height()) == (1024, 700)
