"""The one way long work leaves the GUI thread.

A task is a plain function run on Qt's global thread pool; its result or exception
comes back by signal, on the GUI thread. Task functions never touch widgets; they may
report progress through the ``progress(done, total)`` callback they are given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    def __init__(self, function: Callable[..., Any], *, with_progress: bool = False) -> None:
        super().__init__()
        self.function = function
        self.with_progress = with_progress
        self.signals = TaskSignals()
        # The runner keeps its own reference; do not let Qt delete it under our feet.
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.function(self.signals.progress.emit)
            else:
                result = self.function()
        except BaseException as exc:  # handed to the GUI thread, which shows it
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they report."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[Task] = set()
        self.pool = QThreadPool.globalInstance()

    def start(
        self,
        function: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        task = Task(function, with_progress=on_progress is not None)
        self._running.add(task)

        def finished(result: Any) -> None:
            self._running.discard(task)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._running.discard(task)
            on_error(exc)

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        self.pool.start(task)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the running tasks end (on close: they hold the database)."""
        return self.pool.waitForDone(timeout_ms)
