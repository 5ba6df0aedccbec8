"""The main window starts: the database opens off the GUI thread, with a progress dialog
on the first start, and closes with the window.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot

from planner.services.database import Database
from planner.ui.main_window import ABOUT_TEXT, MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    main_window = MainWindow()
    qtbot.addWidget(main_window)
    main_window.show()
    yield main_window
    # Whatever the test did, the database must not outlive the window.
    main_window.close()


def _start(qtbot: QtBot, window: MainWindow, timeout: int = 20_000) -> Database:
    with qtbot.waitSignal(window.database_ready, timeout=timeout) as blocker:
        window.start()
    db = blocker.args[0]
    assert isinstance(db, Database)
    return db


@pytest.mark.usefixtures("db_path")
def test_start_opens_the_loaded_database(qtbot: QtBot, window: MainWindow) -> None:
    db = _start(qtbot, window)
    assert window.db is db
    assert "8,789 foods" in window.statusBar().currentMessage()
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))


class _ShowSpy(QObject):
    """Notes what a dialog displayed each time it was shown."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shown: list[tuple[str, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show and isinstance(watched, QProgressDialog):
            self.shown.append((watched.labelText(), self.window.db is None))
        return False


def test_first_start_shows_progress_and_finishes(
    qtbot: QtBot, window: MainWindow, isolated_paths: Path
) -> None:
    assert not (isolated_paths / "planner.sqlite3").exists()
    spy = _ShowSpy(window)
    with qtbot.waitSignal(window.database_ready, timeout=120_000):
        window.start()
        dialog = window.findChild(QProgressDialog)
        assert dialog is not None
        dialog.installEventFilter(spy)
    # Shown while the load ran (no database yet), gone once it finished.
    assert spy.shown == [("Loading the USDA food database…", True)]
    assert "8,789 foods" in window.statusBar().currentMessage()
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))
    with sqlite3.connect(isolated_paths / "planner.sqlite3") as connection:
        # The sample recipes of a first start are foods too (source 'recipe').
        assert connection.execute(
            "SELECT count(*) FROM food WHERE source <> 'recipe'").fetchone() == (8789,)
    connection.close()


@pytest.mark.usefixtures("db_path")
def test_closing_the_window_closes_the_database(qtbot: QtBot, window: MainWindow) -> None:
    db = _start(qtbot, window)
    pool = db.engine.pool
    # The count for the status bar returned its connection to the pool.
    assert pool.checkedin() >= 1
    assert window.close()
    assert pool.checkedin() == 0
    assert pool.checkedout() == 0


def test_about_says_not_medical_advice() -> None:
    assert "Not medical advice" in ABOUT_TEXT
    assert "Release 28" in ABOUT_TEXT


def _close_message_boxes(window: MainWindow) -> list[str]:
    """Accept every modal message box as it appears; the texts land in the returned list.

    A timer owned by the window polls from inside the box's own event loop, since
    ``QMessageBox.about``/``critical`` block until the box is closed.
    """
    texts: list[str] = []
    timer = QTimer(window)
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
        for action in menu_action.menu().actions()
        if action.text() == "&About planner"
    )
    shown = _close_message_boxes(window)
    about.trigger()
    assert shown == [ABOUT_TEXT]


def test_database_from_a_newer_planner_is_reported(
    qtbot: QtBot, window: MainWindow, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    shown = _close_message_boxes(window)
    window.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[0].startswith(f"The database {db_path} ")
    assert "newer" in shown[0]
    # Closing the dialog is the same as Quit: the file is left as it is.
    assert window.placeholder.text() == "The database cannot be used."
    assert window.db is None
