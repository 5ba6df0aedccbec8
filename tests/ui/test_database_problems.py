"""A damaged, newer or restored database, handled in the window as a user would."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from windows import launch

from planner.services.backups import BackupService
from planner.services.health import Choice
from planner.ui.shell.launcher import Launcher


def answer_dialogs(answers: list[Callable[[QWidget], None]], seen: list[str]) -> None:
    """Answer the next modal dialogs in turn, keeping the text of message boxes."""
    pending = list(answers)

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            if pending:
                QTimer.singleShot(20, poll)
            return
        if isinstance(widget, QMessageBox):
            seen.append(widget.text())
        answer = pending.pop(0)
        answer(widget)
        if pending:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)


def click(label: str) -> Callable[[QWidget], None]:
    def press(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        for button in widget.buttons():
            if button.text() == label:
                button.click()
                return
        raise AssertionError(f"no button {label!r} in {[b.text() for b in widget.buttons()]}")

    return press


def accept_first(widget: QWidget) -> None:
    assert isinstance(widget, QInputDialog)
    widget.accept()


def corrupt(path: Path) -> None:
    with path.open("r+b") as file:
        file.seek(0)
        file.write(b"this is not a database" * 10)


def test_damaged_database_start_fresh_keeps_the_file_aside(qtbot, db_path) -> None:
    corrupt(db_path)
    original = db_path.read_bytes()
    seen: list[str] = []
    answer_dialogs([click("Start fresh (keep the file aside)"), close_box], seen)
    window = launch(qtbot, timeout=60000)
    assert "is damaged" in seen[0] and str(db_path) in seen[0]
    assert seen[1].startswith("The old database was kept as ")
    kept = [p for p in db_path.parent.iterdir() if p.name.startswith("planner.sqlite3.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == original
    assert window.foods.count() == 8789
    window.close()


def test_damaged_database_restore_a_backup(qtbot, db_path) -> None:
    BackupService(f"sqlite:///{db_path}").create()
    corrupt(db_path)
    seen: list[str] = []
    launcher = Launcher()
    answer_dialogs([click("Restore a backup…"), accept_first, close_box], seen)
    window = launch(qtbot, launcher, timeout=60000)
    assert launcher.problem_choice is Choice.RESTORE_BACKUP
    assert "the database as it was is kept in planner.sqlite3.bad-" in seen[-1]
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert window.foods.count() == 8789
    window.close()


def test_newer_database_quit_leaves_it_alone(qtbot, db_path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = db_path.read_bytes()
    seen: list[str] = []
    launcher = Launcher()
    answer_dialogs([click("Quit")], seen)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.problem_choice is Choice.QUIT, timeout=30000)
    assert launcher.window is None
    assert "newer" in seen[0]
    assert db_path.read_bytes() == before


def close_box(widget: QWidget) -> None:
    assert isinstance(widget, QMessageBox)
    widget.accept()


@pytest.fixture
def launcher(qtbot, db_path) -> Launcher:
    starter = Launcher()
    yield starter
    if starter.window is not None:
        starter.window.close()


def test_back_up_now_then_restore_from_the_menu(qtbot, launcher) -> None:
    window = launch(qtbot, launcher, timeout=60000)
    when = window.day_view.when
    window.add_food(window.foods.get("usda:11457"))
    window.back_up_now()
    count = window.document.day(when).entry_count
    window.add_food(window.foods.get("usda:12014"))
    assert window.document.day(when).entry_count == count + 1
    seen: list[str] = []
    answer_dialogs([accept_first, close_box], seen)
    with qtbot.waitSignal(launcher.window_ready, timeout=60000) as blocker:
        window.restore_backup()
    # A new window over the restored database: the pumpkin seeds added after the
    # backup are gone.
    window = blocker.args[0]
    qtbot.addWidget(window)
    assert window.document.day(when).entry_count == count
    assert window.backup_action.isEnabled() and window.restore_action.isEnabled()
