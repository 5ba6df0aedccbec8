"""Start the window: QApplication, then the launcher opens the database and the window."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from planner import __version__, paths


def run() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("planner")
    app.setOrganizationName("planner")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("planner")
    app.setWindowIcon(QIcon(str(paths.resource("planner.svg"))))

    from planner.ui.shell.launcher import Launcher

    app.setQuitOnLastWindowClosed(False)
    launcher = Launcher(app)
    launcher.finished.connect(app.quit)
    launcher.start()
    return app.exec()
