"""Starting the real window in a test: the launcher opens the database off the GUI
thread and builds the window, as at a real start (imported by name, like demo_dates)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pytestqt.qtbot import QtBot

from planner.ui.shell.launcher import Launcher
from planner.ui.shell.main_window import MainWindow


def launch(qtbot: QtBot, launcher: Launcher | None = None, *, size: tuple[int, int] = (1500, 900),
           timeout: int = 30_000) -> MainWindow:
    """Start ``launcher`` (a new one by default) and return its window once it shows a plan."""
    launcher = launcher or Launcher()
    with qtbot.waitSignal(launcher.window_ready, timeout=timeout) as blocker:
        launcher.start()
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    # The launcher lives as long as its window (it owns the services).
    _LAUNCHERS[id(window)] = launcher
    qtbot.addWidget(window)
    window.resize(*size)
    return window


def launcher_of(window: MainWindow) -> Launcher:
    return _LAUNCHERS[id(window)]


@contextmanager
def launched(qtbot: QtBot, *, size: tuple[int, int] = (1500, 900),
             timeout: int = 30_000) -> Iterator[MainWindow]:
    """The window over the test's database; closed (and the database with it) after."""
    window = launch(qtbot, size=size, timeout=timeout)
    try:
        yield window
    finally:
        launcher = _LAUNCHERS.pop(id(window), None)
        if launcher is not None and launcher.window is not None:
            launcher.window.close()


_LAUNCHERS: dict[int, Launcher] = {}
