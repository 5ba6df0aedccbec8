"""``planner --self-test``: prove an installed or packaged planner works, then exit.

Opens (and on first start creates and loads) the database, creates the demo week when
there is none, analyses it, then starts the real window offscreen and waits until it
shows the plan. Prints one line and exits 0; any failure prints it and exits 1. The
packaging script runs this against the built app.
"""

from __future__ import annotations

import datetime as dt
import os
import sys


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from planner.app import open_database
        from planner.services.foods import FoodService
        from planner.services.plans import PlanService

        db = open_database()
        try:
            plans = PlanService(db)
            plans.ensure_demo(dt.date.today())
            saved = plans.get(plans.list()[0].id)
            analysis = plans.analyze(saved.plan)
            foods = FoodService(db).count()
        finally:
            db.close()
        codes = sorted({f.code for f in analysis.findings})
        window_ok = _window_starts()
    except Exception as exc:  # the point is to report any failure in one line
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if not window_ok:
        print("self-test FAILED: the window did not show the plan in time", file=sys.stderr)
        return 1
    print(
        f"self-test ok: {foods} foods; {saved.plan.name}: {len(saved.plan.days)} days, "
        f"findings {', '.join(codes)}; window shown"
    )
    return 0


def _window_starts() -> bool:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from planner.ui.shell.launcher import Launcher

    app = QApplication.instance() or QApplication(sys.argv[:1])
    launcher = Launcher()
    shown: list[bool] = []
    loop = QEventLoop()

    def ready(_window: object) -> None:
        shown.append(True)
        loop.quit()

    launcher.window_ready.connect(ready)
    QTimer.singleShot(60_000, loop.quit)
    launcher.start()
    loop.exec()
    if launcher.window is not None:
        launcher.window.close()
    del app
    return bool(shown)


if __name__ == "__main__":
    sys.exit(main())
