"""Plan use cases: create, load, save an edit, delete, import/export files, analyse.

Every call is one session and, when it writes, one transaction. An edit is saved as
the difference between the plan before and after it: the days that changed are
rewritten, the rest is left alone, so an edit commits in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from planner import paths
from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Plan
from planner.core.rules import RuleSettings
from planner.core.targets import DriTables
from planner.core.weeks import week_start
from planner.db.foods import FoodRepository
from planner.db.plans import PlanConflictError, PlanNotFoundError, PlanRepository, PlanSummary
from planner.services.database import Database
from planner.services.recipes import (
    RecipeService,
    plan_recipes,
    remap_plan,
    sort_recipes,
    store_recipes,
)
from planner.services.settings import SettingsService
from planner.sources.plan_file import LoadedPlan, dump_plan, load_plan

__all__ = [
    "PlanConflictError",
    "PlanNotFoundError",
    "PlanService",
    "PlanSummary",
    "SavedPlan",
    "dri_tables",
]


@functools.cache
def dri_tables() -> DriTables:
    """The DRI tables shipped in ``data/`` (read once per process)."""
    return DriTables.from_csv(paths.read_shipped_text("dri_all.csv"))


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A stored plan as the window holds it: its id, value and revision."""

    id: int
    plan: Plan
    revision: int


def _day_content(day: Day) -> tuple[object, ...]:
    """What a day holds, without database ids: equal content needs no write."""
    return tuple(
        (meal.name, tuple((e.food, e.amount, e.unit) for e in meal.entries)) for meal in day.meals
    )


class PlanService:
    def __init__(
        self, db: Database, settings: SettingsService | RuleSettings | None = None
    ) -> None:
        self.db = db
        # The shared settings of the composition root; else the user's file, or the
        # caller's own thresholds.
        self.settings = SettingsService.of(settings)

    # -- reading -------------------------------------------------------------------

    def list(self) -> list[PlanSummary]:
        with self.db.reading() as session:
            return PlanRepository(session).list()

    def get(self, plan_id: int) -> SavedPlan:
        with self.db.reading() as session:
            repository = PlanRepository(session)
            # The revision first: a save landing between the two reads then pairs the newer
            # plan with the older revision, and this window's next save is refused as a
            # conflict. The other order silently overwrote that save.
            revision = repository.revision(plan_id)
            return SavedPlan(plan_id, repository.get(plan_id), revision)

    def foods_for(self, plan: Plan) -> dict[FoodRef, Food]:
        refs = {entry.food for day in plan.days for entry in day.entries}
        with self.db.reading() as session:
            return FoodRepository(session).get_many(refs)

    # -- writing -------------------------------------------------------------------

    def create(self, plan: Plan) -> SavedPlan:
        with self.db.writing() as session:
            plan_id = PlanRepository(session).create(plan)
        return self.get(plan_id)

    def delete(self, plan_id: int) -> None:
        with self.db.writing() as session:
            PlanRepository(session).delete(plan_id)

    def save(self, saved: SavedPlan, new: Plan) -> SavedPlan:
        """Store ``new`` as the next state of ``saved``, in one transaction.

        Raises :class:`PlanConflictError` when the stored plan is no longer at
        ``saved.revision``; nothing is written then.
        """
        old = saved.plan
        old_days = {day.date: _day_content(day) for day in old.days}
        new_dates = {day.date for day in new.days}
        changed = [day for day in new.days if old_days.get(day.date) != _day_content(day)]
        removed = [date for date in old_days if date not in new_dates]
        with self.db.writing() as session:
            repository = PlanRepository(session)
            revision = repository.bump_revision(saved.id, saved.revision)
            if (old.name, old.profile) != (new.name, new.profile):
                repository.write_header(saved.id, new)
            if old.supplements != new.supplements:
                repository.write_supplements(saved.id, new.supplements)
            if changed or removed:
                repository.write_days(saved.id, changed, removed)
        return SavedPlan(saved.id, new, revision)

    # -- files ---------------------------------------------------------------------

    def load_file_text(self, text: str) -> LoadedPlan:
        """Parse a ``planner.plan/1`` file against the database's foods (nothing stored)."""
        with self.db.reading() as session:
            repository = FoodRepository(session)
            cache: dict[FoodRef, Food | None] = {}

            def resolve(ref: FoodRef) -> Food | None:
                if ref not in cache:
                    cache[ref] = repository.get(ref)
                return cache[ref]

            return load_plan(text, resolve)

    def import_text(self, text: str) -> SavedPlan:
        """Store the plan of a file as a new plan, with the recipes it carries.

        One transaction: the file's recipes are stored (a stored recipe with the same
        content is reused instead) and the entries pointed at them. A broken file, or a
        broken recipe in it, stores nothing.
        """
        loaded = self.load_file_text(text)
        saved = self._store_loaded(loaded, loaded.plan)
        assert saved is not None
        return saved

    def _store_loaded(
        self, loaded: LoadedPlan, plan: Plan, *, unless_any_plan: bool = False
    ) -> SavedPlan | None:
        """Store ``plan`` with the file's recipes; with ``unless_any_plan`` only into a
        database without plans (decided inside the writing transaction)."""
        with self.db.writing() as session:
            repository = PlanRepository(session)
            if unless_any_plan and repository.list():
                return None  # another planner starting at the same moment was quicker
            imported = store_recipes(session, loaded.recipes)
            plan_id = repository.create(remap_plan(plan, imported.refs))
        return self.get(plan_id)

    def export_text(self, plan_id: int) -> str:
        """The stored plan as a file, with every recipe it uses (and the recipes in those).

        One snapshot: the plan and its recipes as they were at one moment.
        """
        with self.db.reading() as session:
            plan = PlanRepository(session).get(plan_id)
            recipes = plan_recipes(session, plan)
        return dump_plan(plan, recipes=sort_recipes(recipes.values()))

    # -- first start -----------------------------------------------------------------

    def create_demo(self, today: dt.date) -> SavedPlan:
        """The demo week (``data/demo_week.json``) moved to the week of ``today``.

        A realistic week with a daily vitamin D supplement and too little magnesium, so
        a new user sees the central warning, and how to fix it, at once. Its recipes are
        sample recipes: stored ones with the same content are reused.
        """
        saved = self._store_demo(today, unless_any_plan=False)
        assert saved is not None
        return saved

    def ensure_demo(self, today: dt.date) -> SavedPlan | None:
        """Create the sample recipes and the demo week when the database has no plan at
        all (first start); two planners starting at once make one demo week."""
        if self.list():
            return None
        RecipeService(self.db).ensure_samples()
        return self._store_demo(today, unless_any_plan=True)

    def _store_demo(self, today: dt.date, *, unless_any_plan: bool) -> SavedPlan | None:
        loaded = self.load_file_text(paths.read_shipped_text("demo_week.json"))
        plan = loaded.plan
        shift = week_start(today) - plan.days[0].date
        days = tuple(Day(day.date + shift, day.meals) for day in plan.days)
        moved = Plan(plan.profile, days, plan.supplements, plan.name)
        return self._store_loaded(loaded, moved, unless_any_plan=unless_any_plan)

    # -- analysis ------------------------------------------------------------------

    def analyze(self, plan: Plan, foods: dict[FoodRef, Food] | None = None) -> Analysis:
        if foods is None:
            foods = self.foods_for(plan)
        return analyze(plan, foods, plan.profile.targets(dri_tables()), self.settings.rules)
