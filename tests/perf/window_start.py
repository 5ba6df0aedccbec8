"""Start the real window, wait until the plan is shown, print the seconds, exit.

Used by test_window_perf.py to time a warm start (database already loaded) from the
launch of the interpreter to the window showing the plan; it exits right then.
"""

from __future__ import annotations

import os
import sys
import time

STARTED = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from planner.ui.shell.launcher import Launcher  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv)
    launcher = Launcher()

    def ready(_window: object) -> None:
        app.processEvents()  # let the shown plan paint once
        print(f"{time.perf_counter() - STARTED:.3f}", flush=True)
        # The goal is launch to window shown: leave at once rather than time what the
        # window does after its first frame (the other tabs, the swap index) or the
        # shutdown, which waits for the background work.
        os._exit(0)

    launcher.window_ready.connect(ready)
    launcher.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
