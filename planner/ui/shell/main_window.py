"""The main window: food search, the plan (Day and Week tabs), totals and warnings.

On start the database is opened on a worker thread (the first time it also loads the
USDA dataset and creates the demo week) behind a progress dialog, so the window never
freezes. Everything after that goes through :class:`~planner.ui.common.document.PlanDocument`.

The window is built for its first frame: the food search, the Day tab, the totals and
the banner. The other tabs (Week, Charts, Shopping, Recipes) and the Online search are
placeholders until they are first shown or asked for, and once the first frame is
painted the window builds them one by one (not the charts), then sorts the foods into
swap groups and loads matplotlib off the GUI thread, for the first swaps, chart and
report.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from planner import paths
from planner.app import Services
from planner.core.foods import Food, FoodHit, FoodRef
from planner.core.formatting import format_quantity
from planner.core.plan import Plan
from planner.core.portions import default_amount
from planner.core.references import DISCLAIMER
from planner.core.weeks import week_days, week_end, week_start
from planner.services.backups import BackupError
from planner.ui.common.document import PlanDocument
from planner.ui.common.tasks import TaskRunner
from planner.ui.plan.day_view import DayView

if TYPE_CHECKING:
    from planner.services.online import OnlineService
    from planner.services.shopping import ShoppingService
    from planner.services.swaps import SwapService
    from planner.ui.foods.online_panel import OnlinePanel
    from planner.ui.plan.week_view import WeekView
    from planner.ui.recipes.recipe_editor import RecipesView
    from planner.ui.shopping.shopping_view import ShoppingView

#: The plan's tabs, in order; all but the Day tab are built when first needed.
DAY_TAB, WEEK_TAB, CHARTS_TAB, SHOPPING_TAB, RECIPES_TAB = range(5)
TAB_LABELS: Final = ("Day", "Week", "Charts", "Shopping", "Recipes")
#: The Online tab of the food search.
ONLINE_TAB: Final = 1
#: matplotlib is imported by one thread at a time (the Charts tab on the GUI thread, the
#: report and the warm-up on workers): two importing it at once could deadlock.
_MATPLOTLIB = threading.Lock()


def _placeholder(what: str) -> QWidget:
    """What a tab shows until its view is built (for a moment, if ever)."""
    label = QLabel(f"Loading {what.lower()}…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _warm_charts() -> None:
    """Import the chart drawing (matplotlib) on a worker thread."""
    with _MATPLOTLIB:
        import planner.reports.charts  # noqa: F401

ABOUT_TEXT = f"""<h3>planner</h3>
<p>Plan a week of meals and see magnesium and vitamin D against your own targets.
Magnesium is a cofactor of the enzymes that activate vitamin D; planner warns when
vitamin D is high while magnesium is low, explains why, and helps you fix it.</p>
<p><b>Food data:</b> USDA National Nutrient Database for Standard Reference, Release 28
(US Department of Agriculture, Agricultural Research Service, Nutrient Data Laboratory,
2015). A work of the U.S. Government, in the public domain.</p>
<p><b>Targets:</b> Dietary Reference Intakes of the Institute of Medicine / National
Academies (1997, 2011).</p>
<p><b>Not medical advice.</b> {DISCLAIMER}</p>"""


class MainWindow(QMainWindow):
    """The window over open services; built once the database is ready (see
    :mod:`planner.ui.shell.launcher`), closed with it."""

    #: The user picked a backup to put back: the launcher closes everything first.
    restore_requested = Signal(object)
    #: The window closed (its tasks have ended): the launcher closes the services.
    closed = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        first_plan: int,
        *,
        note: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("planner")
        self.resize(1400, 860)
        self.services = services
        self.db = services.db
        self.foods = services.foods
        self.plans = services.plans
        self.tasks = tasks
        self.tasks.failed.connect(self._background_failed)
        self.document: PlanDocument | None = None
        self.day_view: DayView | None = None
        # Built when first shown or asked for (see the properties of the same name).
        self._week_view: WeekView | None = None
        self._shopping_view: ShoppingView | None = None
        self._recipes_view: RecipesView | None = None
        self._online_panel: OnlinePanel | None = None
        #: Built the first time the Charts tab is shown: importing matplotlib costs 0.4 s.
        self.charts_view: Any = None
        #: What is left to build once the first frame is painted, one step a turn.
        self._after_start: list[Callable[[], object]] | None = None
        self._started = False
        #: The dialog shown last (tests drive it through this).
        self.last_dialog: QDialog | QMessageBox | None = None
        #: The last weekly report made (tests read it).
        self.last_report: Any = None
        self.settings = QSettings(
            str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat
        )
        self._build_actions()
        self._build_menus()
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self._build_workspace()
        self._open_first_plan(first_plan, note)

    # -- actions and menus ---------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action("&New plan…", self.new_plan, key.New, "Start an empty week")
        self.open_action = self._action("&Open plan…", self.choose_plan, key.Open)
        self.rename_action = self._action("&Rename plan…", self.rename_plan)
        self.delete_action = self._action("&Delete plan…", self.delete_plan)
        self.import_action = self._action(
            "&Import plan file…", self.import_plan, "Ctrl+I", "Import a planner.plan/1 file"
        )
        self.export_action = self._action(
            "&Export plan file…", self.export_plan, "Ctrl+E", "Save this plan as a file"
        )
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        # One group, one stack per open plan: the actions follow the active stack and
        # never outlive it (a plain connection broke when a closed plan's stack died).
        self.undo_group = QUndoGroup(self)
        undo = self.undo_group.createUndoAction(self, "&Undo")
        redo = self.undo_group.createRedoAction(self, "&Redo")
        assert undo is not None and redo is not None
        self.undo_action, self.redo_action = undo, redo
        self.undo_action.setShortcut(QKeySequence(key.Undo))
        self.redo_action.setShortcut(QKeySequence(key.Redo))
        self.copy_day_action = self._action(
            "&Copy day to…", lambda: self.copy_to_days(self._shown_date(), None), "Ctrl+Shift+C"
        )
        self.day_tab_action = self._action("&Day", lambda: self._show_tab(0), "Ctrl+1")
        self.week_tab_action = self._action("&Week", lambda: self._show_tab(1), "Ctrl+2")
        self.charts_tab_action = self._action("&Charts", lambda: self._show_tab(2), "Ctrl+3")
        self.shopping_tab_action = self._action(
            "S&hopping list", lambda: self._show_tab(3), "Ctrl+4"
        )
        self.recipes_tab_action = self._action("R&ecipes", lambda: self._show_tab(4), "Ctrl+5")
        self.print_list_action = self._action(
            "&Print shopping list…", lambda: self.shopping_view.print_list(),
            QKeySequence.StandardKey.Print, "Print the shopping list of the week shown",
        )
        self.export_list_action = self._action(
            "E&xport shopping list…", lambda: self.shopping_view.export(), None,
            "PDF, CSV, Markdown or text",
        )
        self.print_plan_action = self._action(
            "Print &week plan…", lambda: self.shopping_view.print_plan(), "Ctrl+Shift+P",
            "Days, meals, totals and findings of the week shown",
        )
        self.previous_day_action = self._action(
            "&Previous day", lambda: self._step_day(-1), "Alt+Left"
        )
        self.next_day_action = self._action("&Next day", lambda: self._step_day(1), "Alt+Right")
        self.find_action = self._action("&Find food", self._focus_search, key.Find)
        self.profile_action = self._action(
            "&Profile and targets…", self.edit_profile, "Ctrl+P", "Who the plan is for"
        )
        self.supplements_action = self._action(
            "&Supplements…", self.edit_supplements, "Ctrl+Shift+S", "Vitamin D and magnesium"
        )
        self.fix_action = self._action(
            "&Fix magnesium this week…", self.fix_magnesium, "Ctrl+M",
            "The fewest swaps that bring each day of the week to your magnesium target",
        )
        self.swaps_action = self._action(
            "Magnesium s&waps for the entry…", self._swaps_for_selection, None,
            "Foods of the same kind with more magnesium",
        )
        self.about_action = self._action("&About planner", self.show_about)
        self.report_action = self._action(
            "Weekly &report…", self.weekly_report, "Ctrl+Shift+R",
            "Profile, targets, days, findings explained, charts and shopping list of the week",
        )
        self.backup_action = self._action(
            "&Back up now", self.back_up_now, None, "Copy the database into the backups folder"
        )
        self.restore_action = self._action(
            "Restore &backup…", self.restore_backup, None, "Put an earlier backup back"
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.new_action, self.open_action, self.rename_action, self.delete_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_list_action)
        file_menu.addAction(self.export_list_action)
        file_menu.addAction(self.print_plan_action)
        file_menu.addAction(self.report_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_day_action)
        view_menu = bar.addMenu("&View")
        for action in (
            self.day_tab_action,
            self.week_tab_action,
            self.charts_tab_action,
            self.shopping_tab_action,
            self.recipes_tab_action,
            self.previous_day_action,
            self.next_day_action,
            self.find_action,
        ):
            view_menu.addAction(action)
        plan_menu = bar.addMenu("&Plan")
        plan_menu.addAction(self.profile_action)
        plan_menu.addAction(self.supplements_action)
        plan_menu.addSeparator()
        plan_menu.addAction(self.swaps_action)
        plan_menu.addAction(self.fix_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar_actions: tuple[QAction | None, ...] = (
            self.undo_action,
            self.redo_action,
            None,
            self.day_tab_action,
            self.week_tab_action,
            None,
            self.profile_action,
            self.supplements_action,
            self.fix_action,
            None,
            self.import_action,
            self.export_action,
        )
        for item in toolbar_actions:
            if item is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(item)
        self.addToolBar(toolbar)

    # -- start-up --------------------------------------------------------------------

    def _open_first_plan(self, first_plan: int, note: str | None) -> None:
        last = self.settings.value("plan/last")
        known = {p.id for p in self.plans.list()}
        plan_id = int(last) if last is not None and str(last).isdigit() else first_plan
        self.open_plan(plan_id if plan_id in known else first_plan)
        message = f"{self.foods.count():,} foods in the database."
        if note:
            message += f" {note}"
        problems = self.services.settings.problems
        if problems:
            message += " Settings: " + "; ".join(problems) + "."
        self.statusBar().showMessage(message, 10000)
        supported = self.services.backups.supported
        self.backup_action.setEnabled(supported)
        self.restore_action.setEnabled(supported)
        self._after_start = [
            lambda: self.week_view,
            lambda: self.shopping_view,
            lambda: self.recipes_view,
            lambda: self.online_panel,
            # Sort the foods into swap groups, off the GUI thread, so the first
            # "Magnesium swaps" answers at once (a failure is shown in the status line).
            lambda: self.tasks.start(self.swaps.index, lambda _index: None),
            # And load matplotlib, for the first chart and report.
            lambda: self.tasks.start(_warm_charts, lambda _none: None),
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_start is not None and not self._started:
            # The first frame is on screen: build the rest, a step each turn of the
            # event loop (a timer of 0 set before it was painted would delay it).
            self._started = True
            QTimer.singleShot(0, self, self._next_start_step)

    def _next_start_step(self) -> None:
        if self._after_start:
            self._after_start.pop(0)()
            QTimer.singleShot(0, self, self._next_start_step)

    def finish_start(self) -> None:
        """Build at once what the window builds after its first frame (for tests)."""
        while self._after_start:
            self._after_start.pop(0)()

    def _background_failed(self, message: str) -> None:
        self._show_message(f"Something running in the background failed: {message}")

    def back_up_now(self) -> None:
        try:
            made = self.services.backups.create()
        except BackupError as exc:
            QMessageBox.warning(self, "Back up now", str(exc))
            return
        self._show_message(f"Backed up to {made.path}.")

    def restore_backup(self) -> None:
        """Pick a backup; the launcher closes this window and the database, puts it
        back and starts again."""
        from planner.ui.dialogs.restore_dialog import restore_from_list

        chosen = restore_from_list(self.services.backups, self)
        if chosen is not None:
            self.restore_requested.emit(chosen)

    def _build_workspace(self) -> None:
        from planner.ui.foods.search_panel import FoodSearchPanel
        from planner.ui.plan.totals_panel import TotalsPanel
        from planner.ui.plan.warnings import WarningsBanner

        self.search_panel = FoodSearchPanel(self.foods)
        self.search_panel.food_chosen.connect(self.add_food)
        self.food_tabs = QTabWidget()
        self.food_tabs.addTab(self.search_panel, "Database")
        self.food_tabs.addTab(_placeholder("Online search"), "Online")
        self.food_tabs.currentChanged.connect(
            lambda index: self.online_panel if index == ONLINE_TAB else None
        )
        self.totals_panel = TotalsPanel(settings=self.services.settings)
        self.banner = WarningsBanner()
        self.banner.finding_activated.connect(self._explain_finding)
        self.tabs = QTabWidget()
        self.tabs.currentChanged.connect(self._on_tab_changed)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addWidget(self.banner)
        center_layout.addWidget(self.tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.food_tabs)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.totals_panel)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([480, 690, 330])
        sizes = self.settings.value("window/splitter")
        if isinstance(sizes, QByteArray):
            self.splitter.restoreState(sizes)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.setCentralWidget(self.splitter)

    # -- the open plan -----------------------------------------------------------------

    def open_plan(self, plan_id: int) -> None:
        saved = self.plans.get(plan_id)
        shown = self._shown_date() if self.day_view is not None else None
        if self.document is not None:
            self.document.changed.disconnect(self._refresh)
            self.document.deleteLater()
        document = PlanDocument(self.plans, self.foods, saved, self)
        self.document = document
        when = shown or self._initial_date(saved.plan)
        self.day_view = DayView(document, when)
        self.day_view.date_changed.connect(self._on_day_changed)
        self.day_view.copy_requested.connect(self.copy_to_days)
        self.day_view.message.connect(self._show_message)
        self.day_view.model.food_dropped.connect(self._add_dropped_food)
        self.day_view.swaps_requested.connect(self.show_swaps)
        index = self.tabs.currentIndex()
        self._week_view = self._shopping_view = self._recipes_view = None
        self.charts_view = None
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.tabs.addTab(self.day_view, TAB_LABELS[DAY_TAB])
        for label in TAB_LABELS[WEEK_TAB:]:
            self.tabs.addTab(_placeholder(label), label)
        # Showing a tab builds it (_on_tab_changed).
        self.tabs.setCurrentIndex(max(index, 0))
        document.changed.connect(self._refresh)
        document.failed.connect(lambda message: QMessageBox.warning(self, "planner", message))
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.settings.setValue("plan/last", plan_id)
        self._refresh()

    # -- the tabs built when first needed ---------------------------------------------

    def _place_tab(self, index: int, view: QWidget) -> None:
        """Put ``view`` in the place of the placeholder of tab ``index``; the tab shown
        stays shown."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, view, TAB_LABELS[index])
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()

    def _plan_document(self) -> PlanDocument:
        assert self.document is not None, "no plan is open yet"
        return self.document

    @property
    def week_view(self) -> WeekView:
        """The Week tab (built the first time it is shown or asked for)."""
        if self._week_view is None:
            from planner.ui.plan.week_view import WeekView

            view = WeekView(self._plan_document(), self._shown_date())
            view.day_activated.connect(self._open_day)
            view.copy_requested.connect(self.copy_to_days)
            view.week_changed.connect(self._on_week_changed)
            self._week_view = view
            self._place_tab(WEEK_TAB, view)
        return self._week_view

    @property
    def shopping_view(self) -> ShoppingView:
        """The Shopping tab, over the week the Week tab shows."""
        if self._shopping_view is None:
            from planner.ui.shopping.shopping_view import ShoppingView

            monday = self.week_view.start
            view = ShoppingView(self._plan_document(), self.shopping)
            view.set_range(monday, week_end(monday))
            view.message.connect(self._show_message)
            view.failed.connect(lambda message: QMessageBox.warning(self, "planner", message))
            self._shopping_view = view
            self._place_tab(SHOPPING_TAB, view)
        return self._shopping_view

    @property
    def recipes_view(self) -> RecipesView:
        """The Recipes tab."""
        if self._recipes_view is None:
            from planner.ui.recipes.recipe_editor import RecipesView

            view = RecipesView(self._plan_document(), self.services.recipes)
            view.message.connect(self._show_message)
            view.swaps_requested.connect(self._swaps_for_ingredient)
            self._recipes_view = view
            self._place_tab(RECIPES_TAB, view)
        return self._recipes_view

    @property
    def online_panel(self) -> OnlinePanel:
        """The Online tab of the food search (FoodData Central, Open Food Facts)."""
        if self._online_panel is None:
            from planner.ui.foods.online_panel import OnlinePanel

            panel = OnlinePanel(self.online, self.tasks)
            panel.message.connect(self._show_message)
            panel.food_imported.connect(self._on_food_imported)
            self._online_panel = panel
            current = self.food_tabs.currentIndex()
            placeholder = self.food_tabs.widget(ONLINE_TAB)
            self.food_tabs.blockSignals(True)
            self.food_tabs.removeTab(ONLINE_TAB)
            self.food_tabs.insertTab(ONLINE_TAB, panel, "Online")
            self.food_tabs.setCurrentIndex(current)
            self.food_tabs.blockSignals(False)
            if placeholder is not None:
                placeholder.deleteLater()
        return self._online_panel

    @property
    def swaps(self) -> SwapService:
        return self.services.swaps

    @property
    def shopping(self) -> ShoppingService:
        return self.services.shopping

    @property
    def online(self) -> OnlineService:
        return self.services.online

    @staticmethod
    def _initial_date(plan: Plan) -> dt.date:
        today = dt.date.today()
        if not plan.days or today in plan.dates:
            return today
        return plan.days[0].date

    def _shown_date(self) -> dt.date:
        assert self.day_view is not None
        return self.day_view.when

    def _refresh(self) -> None:
        """Totals, banner and title from the document's one analysis result."""
        document = self.document
        if document is None or self.day_view is None:
            return
        when = self._shown_date()
        analysis = document.analysis
        self.totals_panel.set_analysis(analysis, when)
        try:
            day_findings = analysis.day(when).findings
        except KeyError:
            day_findings = ()
        self.banner.set_findings(day_findings, analysis.week.findings)
        if self.charts_view is not None:
            self.charts_view.set_analysis(analysis, document.foods, when)
        self.setWindowTitle(f"{document.title} — planner")

    #: The index of the Charts tab (tests show it through this).
    CHARTS_TAB = CHARTS_TAB

    def _on_tab_changed(self, index: int) -> None:
        if self.document is not None:
            self._build_tab(index)
        self._refresh()

    def _build_tab(self, index: int) -> None:
        """Build the view of tab ``index`` unless it is built (each property builds its own)."""
        builders: dict[int, Callable[[], object]] = {
            WEEK_TAB: lambda: self.week_view,
            CHARTS_TAB: self._build_charts,
            SHOPPING_TAB: lambda: self.shopping_view,
            RECIPES_TAB: lambda: self.recipes_view,
        }
        build = builders.get(index)
        if build is not None:
            build()

    def _build_charts(self) -> None:
        if self.charts_view is not None:
            return
        with _MATPLOTLIB:
            from planner.ui.plan.charts import ChartsView

        view = ChartsView()
        view.saved.connect(lambda path: self._show_message(f"Chart saved to {path}"))
        self.charts_view = view
        self._place_tab(CHARTS_TAB, view)

    def _on_day_changed(self, when: dt.date) -> None:
        if self._week_view is not None:
            # The shopping list follows (_on_week_changed).
            self._week_view.set_week(when)
        self._refresh()

    def _on_week_changed(self, start: dt.date) -> None:
        if self._shopping_view is not None:
            self._shopping_view.set_range(start, week_end(start))
        self._refresh()

    def _open_day(self, when: dt.date) -> None:
        assert self.day_view is not None
        self.day_view.set_date(when)
        self.tabs.setCurrentIndex(0)

    def _show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def _step_day(self, step: int) -> None:
        if self.day_view is not None:
            self.day_view.set_date(self.day_view.when + dt.timedelta(days=step))

    def _focus_search(self) -> None:
        self.search_panel.focus_search()

    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    # -- user actions ------------------------------------------------------------------

    def add_food(self, hit: FoodHit | Food | FoodRef) -> bool:
        """Add a food to the selected meal of the shown day (its first household measure)."""
        if self.document is None or self.day_view is None:
            return False
        ref = hit if isinstance(hit, FoodRef) else hit.ref
        food = self.foods.get(ref)
        if self._recipes_view is not None and self.tabs.currentWidget() is self._recipes_view:
            # With the Recipes tab shown, a chosen food goes into the open recipe.
            self.recipes_view.add_food(food)
            return True
        amount, unit = default_amount(food)
        meal = self.day_view.current_meal()
        self.tabs.setCurrentIndex(0)
        added = self.document.add_entry(self.day_view.when, meal, food, amount, unit)
        if added:
            meal_name = self.document.day(self.day_view.when).meals[meal].name
            self._show_message(f"Added {food.name} to {meal_name}.")
            self.day_view.select_meal(meal)
        return added

    def _swaps_for_selection(self) -> None:
        if self.day_view is not None:
            self.tabs.setCurrentIndex(0)
            self.day_view.request_swaps()

    def show_swaps(self, when: dt.date, meal: int, index: int) -> None:
        """Suggest magnesium-rich swaps for an entry (computed off the GUI thread)."""
        if self.document is None:
            return
        entry = self.document.day(when).meals[meal].entries[index]
        food = self.document.food(entry.food)
        if food is None:
            return
        self._show_message(f"Looking for magnesium swaps for {food.name}…")
        profile = self.document.plan.profile
        self.tasks.start(
            lambda: self.swaps.suggest(food, entry.amount, entry.unit, profile=profile),
            lambda found: self._offer_swaps(when, meal, index, found),
            self._task_failed,
        )

    def _requery(self, food: Food, amount: float, unit: str) -> Any:
        """Suggestions again, with all foods or everyday ones (the index is built by now:
        a few milliseconds)."""
        from planner.core.swaps import SwapOptions

        profile = self.document.plan.profile if self.document is not None else None
        return lambda all_foods: self.swaps.suggest(
            food, amount, unit, SwapOptions(include_excluded=all_foods), profile).swaps

    def _offer_swaps(self, when: dt.date, meal: int, index: int, found: Any) -> None:
        from planner.ui.plan.swaps_dialog import SwapsDialog

        self.statusBar().clearMessage()
        title = f"{format_quantity(found.amount)} {found.unit} {found.food.name}"
        dialog = SwapsDialog(title, found.swaps, found.group, self,
                             self._requery(found.food, found.amount, found.unit))
        self.last_dialog = dialog
        if dialog.exec() and (swap := dialog.chosen()) is not None and self.document:
            self.document.swap_entry(when, meal, index, swap.food, swap.amount, swap.unit)

    def _swaps_for_ingredient(self, position: int, ingredient: Any, food: Food) -> None:
        self.tasks.start(
            lambda: self.swaps.suggest(food, ingredient.amount, ingredient.unit),
            lambda found: self._offer_ingredient_swaps(position, found),
            self._task_failed,
        )

    def _offer_ingredient_swaps(self, position: int, found: Any) -> None:
        from planner.ui.plan.swaps_dialog import SwapsDialog

        title = f"{format_quantity(found.amount)} {found.unit} {found.food.name}"
        dialog = SwapsDialog(title, found.swaps, found.group, self,
                             self._requery(found.food, found.amount, found.unit))
        self.last_dialog = dialog
        if dialog.exec() and (swap := dialog.chosen()) is not None:
            self.recipes_view.replace_ingredient(position, swap.food, swap.amount, swap.unit)

    def fix_magnesium(self) -> None:
        """Run the week optimizer on the shown week, off the GUI thread."""
        if self.document is None or self.day_view is None:
            return
        start = (
            self.week_view.start if self.tabs.currentIndex() == WEEK_TAB else self._shown_date()
        )
        week = set(week_days(start))
        plan = self.document.plan
        days = tuple(day for day in plan.days if day.date in week)
        if not any(not day.is_empty for day in days):
            self._show_message("Nothing is planned this week.")
            return
        sub_plan = Plan(plan.profile, days, plan.supplements, plan.name)
        foods = dict(self.document.foods)
        self._show_message("Looking for the fewest changes that fix magnesium this week…")
        self.fix_action.setEnabled(False)
        self.tasks.start(
            lambda: self.swaps.optimize(sub_plan, foods),
            self._offer_fixes,
            self._task_failed,
        )

    def _offer_fixes(self, result: Any) -> None:
        from planner.ui.plan.swaps_dialog import OptimizeDialog

        self.fix_action.setEnabled(True)
        self.statusBar().clearMessage()
        dialog = OptimizeDialog(result, self)
        self.last_dialog = dialog
        if dialog.exec() and self.document is not None:
            self.document.apply_changes(dialog.selected_changes(), result.foods.values())

    def weekly_report(self) -> None:
        """The weekly report of the range shown in the Shopping tab, made off the GUI
        thread (charts take most of its 0.8 s), then shown in a print preview."""
        if self.document is None:
            return
        view, document = self.shopping_view, self.document
        plan, foods, plan_id = document.plan, dict(document.foods), document.plan_id
        start, end, factor, units = view.start, view.end, view.factor, view.units
        services = self.services

        def make() -> Any:
            with _MATPLOTLIB:  # the first report imports it
                service = services.reports
            return service.weekly(
                plan, foods, start, end, plan_id=plan_id, factor=factor, units=units
            )

        self._show_message("Making the weekly report…")
        self.report_action.setEnabled(False)
        self.tasks.start(make, self._show_report, self._task_failed)

    def _show_report(self, report: Any) -> None:
        from planner.ui.common.printing import preview_dialog

        self.report_action.setEnabled(True)
        self.statusBar().clearMessage()
        self.last_report = report
        dialog = preview_dialog(report.html, self, images=report.images)
        self.last_dialog = dialog
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def _task_failed(self, exc: BaseException) -> None:
        self.report_action.setEnabled(True)
        self.fix_action.setEnabled(True)
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "planner", f"That did not work:\n\n{exc}")

    def _on_food_imported(self, food: Food) -> None:
        """An online food is local now: show it in the database search, ready to add."""
        self.swaps.forget_index()
        self.food_tabs.setCurrentWidget(self.search_panel)
        self.search_panel.search_edit.setText(food.name)
        self.search_panel.search_now()

    def _add_dropped_food(self, ref: FoodRef, meal: int) -> None:
        if self.day_view is not None:
            self.day_view.select_meal(meal)
        self.add_food(ref)

    def copy_to_days(self, source: dt.date, meal: int | None) -> None:
        from planner.ui.plan.week_view import CopyDaysDialog

        if self.document is None:
            return
        what = "the day" if meal is None else self.document.day(source).meals[meal].name
        dialog = CopyDaysDialog(source, what, self)
        if dialog.exec() and dialog.targets():
            if meal is None:
                self.document.copy_day(source, dialog.targets())
            else:
                self.document.copy_meal(source, meal, dialog.targets())

    def edit_profile(self) -> None:
        from planner.services.plans import dri_tables
        from planner.ui.dialogs.profile_dialog import ProfileDialog

        if self.document is None:
            return
        dialog = ProfileDialog(self.document.plan.profile, dri_tables(), self)
        if dialog.exec():
            self.document.set_profile(dialog.profile())

    def edit_supplements(self) -> None:
        from planner.ui.dialogs.supplements_dialog import SupplementsDialog

        if self.document is None:
            return
        dialog = SupplementsDialog(self.document.plan.supplements, self)
        if dialog.exec():
            self.document.set_supplements(dialog.supplements())

    def _explain_finding(self, finding: Any) -> None:
        from planner.ui.plan.warnings import FindingDialog

        FindingDialog(finding, self).exec()

    def new_plan(self) -> None:
        if self.document is None:
            return
        name, ok = QInputDialog.getText(self, "New plan", "Name of the new plan:", text="My week")
        if not ok:
            return
        monday = week_start(dt.date.today())
        plan = Plan.week(self.document.plan.profile, monday, name=name.strip() or None)
        plan = Plan(plan.profile, plan.days, self.document.plan.supplements, plan.name)
        saved = self.plans.create(plan)
        self.open_plan(saved.id)

    def choose_plan(self) -> None:
        summaries = self.plans.list()
        labels = [
            f"{p.title} ({p.first_date:%d %b %Y} – {p.last_date:%d %b %Y})"
            if p.first_date and p.last_date
            else p.title
            for p in summaries
        ]
        label, ok = QInputDialog.getItem(self, "Open plan", "Plan:", labels, 0, False)
        if ok and label in labels:
            self.open_plan(summaries[labels.index(label)].id)

    def rename_plan(self) -> None:
        if self.document is None:
            return
        name, ok = QInputDialog.getText(self, "Rename plan", "Plan name:", text=self.document.title)
        if ok and name.strip():
            self.document.rename(name.strip())

    def delete_plan(self) -> None:
        if self.document is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete plan",
            f"Delete the plan “{self.document.title}” with all its days? This cannot be undone.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.plans.delete(self.document.plan_id)
        remaining = self.plans.list()
        if not remaining:
            saved = self.plans.create(Plan.week(self.document.plan.profile, dt.date.today()))
            self.open_plan(saved.id)
        else:
            self.open_plan(remaining[0].id)

    def import_plan(self, path: str | None = None) -> bool:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, "Import plan", str(Path.home()), "Plan files (*.json);;All files (*)"
            )
            if not path:
                return False
        try:
            text = Path(path).read_text(encoding="utf-8")
            saved = self.plans.import_text(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            QMessageBox.warning(
                self, "Import plan", f"{Path(path).name} could not be imported:\n\n{exc}"
            )
            return False
        self.open_plan(saved.id)
        self._show_message(f"Imported {Path(path).name}.")
        return True

    def export_plan(self, path: str | None = None) -> bool:
        from planner.services.outputs import write_output

        if self.document is None:
            return False
        if path is None:
            suggested = str(Path.home() / f"{self.document.title}.json")
            path, _filter = QFileDialog.getSaveFileName(
                self, "Export plan", suggested, "Plan files (*.json)"
            )
            if not path:
                return False
        try:
            # The save dialog asked before replacing a file; the database never is.
            write_output(path, self.plans.export_text(self.document.plan_id), force=True)
        except OSError as exc:
            QMessageBox.warning(self, "Export plan", f"The file could not be written:\n\n{exc}")
            return False
        self._show_message(f"Exported to {path}.")
        return True

    def show_about(self) -> None:
        QMessageBox.about(self, "About planner", ABOUT_TEXT)

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing more is built over the services about to close.
        self._after_start = None
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        # A task may still be using the database (the swap index, the optimizer).
        self.tasks.wait()
        self.tasks.failed.disconnect(self._background_failed)
        super().closeEvent(event)
        self.closed.emit()
