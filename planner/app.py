"""Composition root: every service built once, for the window and the command line.

``planner`` opens the window, ``planner COMMAND`` runs headless; both start from
:func:`open_services` (the window through :func:`open_workspace`, which also checks
the database first, makes the demo week and the day's backup). Nothing happens at
import time: no engine, no QApplication. Qt is imported only when the window is asked
for, so the command line starts fast and runs without a display.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from planner import paths

if TYPE_CHECKING:
    from planner.db.foods import Progress
    from planner.db.migrate import StepObserver
    from planner.services.backups import BackupService
    from planner.services.database import Database
    from planner.services.foods import FoodService
    from planner.services.health import DatabaseProblem
    from planner.services.online import OnlineService
    from planner.services.plans import PlanService
    from planner.services.recipes import RecipeService
    from planner.services.reports import ReportService
    from planner.services.settings import SettingsService
    from planner.services.shopping import ShoppingService
    from planner.services.swaps import SwapService

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Services:
    """Every use case over one open database, with the settings read once.

    :attr:`swaps`, :attr:`shopping`, :attr:`reports` and :attr:`online` are made the
    first time they are asked for (once, whichever thread asks): the window's first
    frame needs none of them, and their imports are most of what a start would spend
    on them (matplotlib alone, for the report's charts, about a third of a second).
    """

    db: Database
    settings: SettingsService
    foods: FoodService
    plans: PlanService
    recipes: RecipeService
    backups: BackupService
    _made: dict[str, object] = field(default_factory=dict, init=False, repr=False,
                                     compare=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False,
                                              compare=False)

    def _once(self, name: str, make: Callable[[], T]) -> T:
        made = self._made.get(name)
        if made is None:
            # One lock a service: making the report's (matplotlib) on a worker thread
            # never holds up the GUI thread asking for another.
            lock = self._locks.setdefault(name, threading.Lock())
            with lock:
                made = self._made.get(name)
                if made is None:
                    made = self._made[name] = make()
        return cast(T, made)

    @property
    def swaps(self) -> SwapService:
        return self._once("swaps", self._make_swaps)

    @property
    def shopping(self) -> ShoppingService:
        return self._once("shopping", self._make_shopping)

    @property
    def reports(self) -> ReportService:
        """The weekly report, over the same settings, plans and shopping services."""
        return self._once("reports", self._make_reports)

    @property
    def online(self) -> OnlineService:
        return self._once("online", self._make_online)

    def _make_swaps(self) -> SwapService:
        from planner.services.swaps import SwapService

        return SwapService(self.db)

    def _make_shopping(self) -> ShoppingService:
        from planner.services.shopping import ShoppingService

        return ShoppingService(self.db, self.settings)

    def _make_reports(self) -> ReportService:
        from planner.services.reports import ReportService

        return ReportService(self.db, self.settings, plans=self.plans, shopping=self.shopping)

    def _make_online(self) -> OnlineService:
        from planner.services.online import OnlineService

        return OnlineService(self.db)

    def close(self) -> None:
        """Close the online clients and the database (nothing runs on them any more)."""
        online = self._made.get("online")
        if online is not None:
            cast("OnlineService", online).close()
        self.db.close()


def build_services(db: Database, settings: SettingsService | None = None) -> Services:
    """The services over an open ``db`` (tests build them over a copy of the database)."""
    from planner.services.backups import BackupService
    from planner.services.foods import FoodService
    from planner.services.plans import PlanService
    from planner.services.recipes import RecipeService
    from planner.services.settings import SettingsService

    settings = settings or SettingsService()
    return Services(
        db=db,
        settings=settings,
        foods=FoodService(db),
        plans=PlanService(db, settings),
        recipes=RecipeService(db),
        backups=BackupService(db),
    )


def open_database(
    url: str | None = None,
    progress: Progress | None = None,
    on_step: StepObserver | None = None,
) -> Database:
    """The database ready to use: migrated, and the shipped foods loaded (one transaction).

    A SQLite file with an older schema is backed up (``...-before-upgrade.sqlite3``,
    never pruned) before it is migrated: the upgrade is all-or-nothing, but the user
    may want the old version back with an older planner.
    """
    from planner.services.backups import BEFORE_UPGRADE, BackupError, BackupService
    from planner.services.database import Database

    url = url or paths.db_url()

    def back_up(_revision: str) -> None:
        backups = BackupService(url)
        if backups.supported:
            # The upgrade itself cannot lose anything; a backup that cannot be made (a
            # full disk) does not keep the user from starting.
            with suppress(BackupError):
                backups.create(BEFORE_UPGRADE)

    return Database.open(url, load_foods=True, progress=progress, on_step=on_step,
                         before_migrating=back_up)


def open_services(url: str | None = None, progress: Progress | None = None) -> Services:
    """Open (migrate, first-load) the database at ``url`` and build the services on it."""
    db = open_database(url, progress)
    try:
        return build_services(db)
    except BaseException:
        db.close()
        raise


@dataclass(frozen=True, slots=True)
class Workspace:
    """What the window starts with."""

    services: Services
    first_plan: int
    #: The day's automatic backup, or why it could not be made (never fatal).
    backup_note: str | None = None


def open_workspace(
    today: dt.date, progress: Progress | None = None, url: str | None = None
) -> Workspace | DatabaseProblem:
    """The window's start, off the GUI thread: check and open the database, load the
    foods and the demo week the first time, make the day's backup; or say what is
    wrong with the database."""
    from planner import paths
    from planner.services.backups import BackupError
    from planner.services.health import check_database, diagnose

    url = url or paths.db_url()
    problem = check_database(url)
    if problem is not None:
        return problem
    try:
        services = open_services(url, progress)
    except Exception as exc:
        problem = diagnose(url, exc)
        if problem is not None:
            return problem
        raise
    try:
        services.plans.ensure_demo(today)
        summaries = services.plans.list()
    except BaseException:
        services.close()
        raise
    note = None
    try:
        made = services.backups.auto_backup()
        if made is not None:
            note = f"Backed up the database ({made.name})."
    except BackupError as exc:
        note = f"Today's backup could not be made: {exc}"
    return Workspace(services, summaries[0].id, note)
