"""The one way long work leaves the GUI thread.

A task is a plain function run on Qt's global thread pool; its result or exception
comes back by signal, on the GUI thread. Task functions never touch widgets; they may
report progress through the ``progress(done, total)`` callback they are given.

A failure goes to the caller's ``on_error``; a caller that gives none leaves it to the
runner's :attr:`TaskRunner.failed` signal, which the window shows: no failure is
silently dropped. Only :class:`Exception` is caught: ``KeyboardInterrupt`` and
``SystemExit`` are not failures of a task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")
#: ``progress(done, total)``, called from the worker thread.
Progress = Callable[[int, int], None]
ErrorHandler = Callable[[Exception], None]

__all__ = ["Progress", "Task", "TaskRunner"]


class _TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable, Generic[T]):
    def __init__(self, work: Callable[[Progress], T]) -> None:
        super().__init__()
        self.work = work
        self.signals = _TaskSignals()
        # The runner keeps its own reference; do not let Qt delete it under our feet.
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except Exception as exc:  # handed to the GUI thread, which shows it
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they report."""

    #: A task failed and its caller gave no ``on_error``: a message for the user.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[Task[Any]] = set()
        self.pool = QThreadPool.globalInstance()

    def start(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: ErrorHandler | None = None,
    ) -> Task[T]:
        """Run ``work()`` off the GUI thread; ``on_done(result)`` back on it."""
        return self._start(lambda _progress: work(), on_done, on_error, None)

    def start_with_progress(
        self,
        work: Callable[[Progress], T],
        on_done: Callable[[T], None],
        on_progress: Progress,
        on_error: ErrorHandler | None = None,
    ) -> Task[T]:
        """As :meth:`start`, with ``work(progress)`` reporting to ``on_progress``."""
        return self._start(work, on_done, on_error, on_progress)

    def _start(
        self,
        work: Callable[[Progress], T],
        on_done: Callable[[T], None],
        on_error: ErrorHandler | None,
        on_progress: Progress | None,
    ) -> Task[T]:
        task: Task[T] = Task(work)
        self._running.add(task)

        def finished(result: T) -> None:
            self._running.discard(task)
            on_done(result)

        def failed(exc: Exception) -> None:
            self._running.discard(task)
            if on_error is not None:
                on_error(exc)
            else:
                self.failed.emit(str(exc) or type(exc).__name__)

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
