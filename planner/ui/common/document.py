"""The open plan: its value, its analysis, undo/redo, and saving every edit at once.

Every edit is a new immutable :class:`~planner.core.plan.Plan`. The document saves it
(one transaction, through :class:`PlanService`), re-analyses, and pushes an undo
command holding the plan before and after; undo saves the plan before. Views listen
to :attr:`PlanDocument.changed` and redraw from :attr:`plan` and :attr:`analysis`.

Saving an edit runs on the GUI thread on purpose: it rewrites one day's rows (a few
milliseconds, measured in tests/perf), and doing it in order, before the undo stack
moves, is what keeps undo, the views and the database in step. Bulk work (the first
food load, imports, network look-ups) goes through :mod:`planner.ui.common.tasks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.core.analysis import Analysis
from planner.core.foods import Food, FoodRef
from planner.core.optimize import Change
from planner.core.plan import Day, Entry, Meal, Plan, Profile, Supplement
from planner.services.foods import FoodService
from planner.services.plans import PlanService, SavedPlan


class PlanEdit(QUndoCommand):
    """One edit of the plan: before and after values; the document does the saving."""

    def __init__(self, document: PlanDocument, before: Plan, after: Plan, text: str) -> None:
        # Qt: before the newline the full text (undo history), after it the short
        # action text of the Undo/Redo buttons.
        short = text if len(text) <= 40 else text[:39].rstrip(" ,") + "…"
        super().__init__(f"{text}\n{short}")
        self.document = document
        self.before = before
        self.after = after
        # The edit is already saved when it is pushed; the stack's first redo is a no-op.
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.document._store(self.after)

    def undo(self) -> None:
        self.document._store(self.before)


class PlanDocument(QObject):
    """One open plan. ``changed`` fires after every edit, undo, redo or reload."""

    changed = Signal()
    #: A save failed (database locked, plan changed elsewhere): the message for the user.
    failed = Signal(str)

    def __init__(
        self,
        plans: PlanService,
        foods: FoodService,
        saved: SavedPlan,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.plans = plans
        self.food_service = foods
        self.saved = saved
        self.undo_stack = QUndoStack(self)
        self.foods: dict[FoodRef, Food] = plans.foods_for(saved.plan)
        self.analysis: Analysis = plans.analyze(saved.plan, self.foods)

    # -- state ---------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self.saved.plan

    @property
    def plan_id(self) -> int:
        return self.saved.id

    @property
    def title(self) -> str:
        return self.plan.name or f"{self.plan.profile.name}'s plan"

    def food(self, ref: FoodRef) -> Food | None:
        return self.foods.get(ref)

    def day(self, when: dt.date) -> Day:
        """The plan's day at ``when``, or an empty day with the default meals."""
        for day in self.plan.days:
            if day.date == when:
                return day
        return Day.with_default_meals(when)

    # -- editing -------------------------------------------------------------------

    def edit(self, new: Plan, text: str, foods: Iterable[Food] = ()) -> bool:
        """Save ``new`` as the next state; push it on the undo stack. False if it failed."""
        for food in foods:
            self.foods[food.ref] = food
        before = self.plan
        if new == before:
            return True
        if not self._store(new):
            return False
        self.undo_stack.push(PlanEdit(self, before, new, text))
        return True

    def _store(self, plan: Plan) -> bool:
        try:
            self.saved = self.plans.save(self.saved, plan)
        except Exception as exc:  # a failed save must never lose the window's state
            self.failed.emit(f"The change could not be saved: {exc}")
            return False
        missing = {e.food for d in plan.days for e in d.entries} - set(self.foods)
        if missing:
            self.foods.update(self.food_service.get_many(sorted(missing)))
        self.analysis = self.plans.analyze(plan, self.foods)
        self.changed.emit()
        return True

    def refresh_foods(self, refs: Iterable[FoodRef]) -> None:
        """Read these foods again (a recipe was saved) and re-analyse: totals follow."""
        wanted = sorted(set(refs))
        fresh = self.food_service.get_many(wanted)
        for ref in wanted:
            if ref in fresh:
                self.foods[ref] = fresh[ref]
            else:
                self.foods.pop(ref, None)
        self.analysis = self.plans.analyze(self.plan, self.foods)
        self.changed.emit()

    def with_day(self, day: Day) -> Plan:
        return self.plan.with_day(day)

    def add_entry(
        self, when: dt.date, meal_index: int, food: Food, amount: float, unit: str
    ) -> bool:
        day = self.day(when)
        meal_index = min(max(meal_index, 0), len(day.meals) - 1)
        entry = Entry(food.ref, amount, unit)
        new = self.with_day(day.add_entry(meal_index, entry))
        return self.edit(new, f"Add {food.name}", [food])

    def replace_entry(self, when: dt.date, meal_index: int, index: int, entry: Entry) -> bool:
        day = self.day(when)
        meal = day.meals[meal_index].replace_entry(index, entry)
        food = self.foods.get(entry.food)
        label = food.name if food else str(entry.food)
        return self.edit(self.with_day(day.replace_meal(meal_index, meal)), f"Change {label}")

    def swap_entry(
        self, when: dt.date, meal_index: int, index: int, food: Food, amount: float, unit: str
    ) -> bool:
        """Replace an entry by another food (a magnesium swap): one undo step."""
        day = self.day(when)
        old = day.meals[meal_index].entries[index]
        old_food = self.foods.get(old.food)
        meal = day.meals[meal_index].replace_entry(index, Entry(food.ref, amount, unit))
        new = self.with_day(day.replace_meal(meal_index, meal))
        label = f"Swap {old_food.name if old_food else old.food} for {food.name}"
        return self.edit(new, label, [food])

    def apply_changes(self, changes: Iterable[Change], foods: Iterable[Food]) -> bool:
        """Apply optimizer changes (each replaces one entry in place): one undo step."""
        plan = self.plan
        count = 0
        for change in changes:
            day = self.day_in(plan, change.date)
            meal = day.meals[change.meal_index]
            after = Entry(change.after.food, change.after.amount, change.after.unit)
            day = day.replace_meal(change.meal_index, meal.replace_entry(change.entry_index, after))
            plan = plan.with_day(day)
            count += 1
        if not count:
            return True
        return self.edit(plan, f"Fix magnesium ({count} change{'s' if count != 1 else ''})", foods)

    def remove_entry(self, when: dt.date, meal_index: int, index: int) -> bool:
        day = self.day(when)
        entry = day.meals[meal_index].entries[index]
        food = self.foods.get(entry.food)
        meal = day.meals[meal_index].remove_entry(index)
        new = self.with_day(day.replace_meal(meal_index, meal))
        return self.edit(new, f"Remove {food.name if food else entry.food}")

    def move_entry(self, when: dt.date, meal_index: int, index: int, to_meal: int) -> bool:
        day = self.day(when)
        if to_meal == meal_index or not 0 <= to_meal < len(day.meals):
            return True
        entry = day.meals[meal_index].entries[index]
        day = day.replace_meal(meal_index, day.meals[meal_index].remove_entry(index))
        day = day.add_entry(to_meal, entry)
        return self.edit(self.with_day(day), f"Move to {day.meals[to_meal].name}")

    def rename_meal(self, when: dt.date, meal_index: int, name: str) -> bool:
        day = self.day(when)
        return self.edit(self.with_day(day.rename_meal(meal_index, name)), f"Rename to {name}")

    def add_meal(self, when: dt.date, name: str) -> bool:
        return self.edit(self.with_day(self.day(when).add_meal(name)), f"Add meal {name}")

    def remove_meal(self, when: dt.date, meal_index: int) -> bool:
        day = self.day(when)
        name = day.meals[meal_index].name
        return self.edit(self.with_day(day.remove_meal(meal_index)), f"Remove meal {name}")

    def move_meal(self, when: dt.date, meal_index: int, to_index: int) -> bool:
        day = self.day(when)
        return self.edit(self.with_day(day.move_meal(meal_index, to_index)), "Reorder meals")

    def copy_day(self, source: dt.date, targets: Iterable[dt.date]) -> bool:
        """Copy the meals of ``source`` over each target day (one undo step)."""
        meals = self.day(source).meals
        plan = self.plan
        count = 0
        for when in targets:
            if when == source:
                continue
            plan = plan.with_day(Day(when, tuple(Meal(m.name, m.entries) for m in meals)))
            count += 1
        label = f"Copy {source:%a %d %b} to {count} day{'s' if count != 1 else ''}"
        return self.edit(plan, label)

    def copy_meal(self, source: dt.date, meal_index: int, targets: Iterable[dt.date]) -> bool:
        """Add the entries of one meal to the meal of the same name on each target day."""
        meal = self.day(source).meals[meal_index]
        plan = self.plan
        for when in targets:
            if when == source:
                continue
            day = self.day_in(plan, when)
            try:
                index = day.meal_index(meal.name)
            except ValueError:
                day = day.add_meal(meal.name)
                index = len(day.meals) - 1
            for entry in meal.entries:
                day = day.add_entry(index, Entry(entry.food, entry.amount, entry.unit))
            plan = plan.with_day(day)
        return self.edit(plan, f"Copy {meal.name}")

    @staticmethod
    def day_in(plan: Plan, when: dt.date) -> Day:
        for day in plan.days:
            if day.date == when:
                return day
        return Day.with_default_meals(when)

    def set_profile(self, profile: Profile) -> bool:
        return self.edit(self.plan.with_profile(profile), "Change profile and targets")

    def set_supplements(self, supplements: Iterable[Supplement]) -> bool:
        plan = self.plan
        new = Plan(plan.profile, plan.days, tuple(supplements), plan.name, plan.id)
        return self.edit(new, "Change supplements")

    def rename(self, name: str) -> bool:
        plan = self.plan
        new = Plan(plan.profile, plan.days, plan.supplements, name.strip() or None, plan.id)
        return self.edit(new, f"Rename plan to {name}")
