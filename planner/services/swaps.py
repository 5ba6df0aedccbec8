"""Magnesium-rich swaps for one entry, and the week optimizer over a plan.

The swap index sorts every food of the database into its swap group once (about a
quarter of a second for the 8,789 shipped foods) and is kept for the process; after
that one entry's suggestions take a few milliseconds. Importing foods drops the index.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from planner import paths
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.optimize import (
    EntryKey,
    OptimizeResult,
    OptimizerSettings,
    Replacement,
    optimize_week,
)
from planner.core.plan import Plan, Profile
from planner.core.swaps import Swap, SwapGroups, SwapIndex, SwapOptions, find_swaps
from planner.core.units import grams_for
from planner.db.foods import FoodRepository
from planner.services.database import Database
from planner.services.foods import FoodService
from planner.services.plans import dri_tables

#: How many replacements per entry the optimizer may choose from.
OPTIMIZER_CANDIDATES = 10
#: Whose upper limits a swap asked for without a plan respects: an adult's.
ADULT = Profile("adult", "female", 30)


def upper_limits(profile: Profile) -> Mapping[str, float]:
    """The profile's ULs that food counts toward, by the nutrient (or part) they limit: a
    UL on supplements only (magnesium) is left out."""
    return _upper_limits(profile.sex, profile.age, profile.life_stage,
                         tuple(sorted(profile.target_overrides.items())))


@functools.lru_cache(maxsize=64)
def _upper_limits(sex: str, age: int, life_stage: str,
                  overrides: tuple[tuple[str, float], ...]) -> Mapping[str, float]:
    profile = Profile("limits", sex, age, life_stage, dict(overrides))  # type: ignore[arg-type]
    limits: dict[str, float] = {}
    targets = profile.targets(dri_tables())
    for key in NUTRIENT_KEYS:
        target = targets.get(key)
        if target is None or target.ul is None:
            continue
        if target.ul_applies_to == "total":
            limits[key] = target.ul
        elif target.ul_applies_to in NUTRIENT_KEYS:
            limits[target.ul_applies_to] = target.ul
    return MappingProxyType(limits)


@functools.cache
def swap_groups() -> SwapGroups:
    return SwapGroups.from_json(paths.read_shipped_text("swap_groups.json"))


@dataclass(frozen=True, slots=True)
class SwapSuggestions:
    food: Food
    amount: float
    unit: str
    grams: float
    group: str | None
    swaps: tuple[Swap, ...]


class SwapService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._index: SwapIndex | None = None
        self._lock = threading.Lock()

    def index(self) -> SwapIndex:
        """The swap index, built on first use (safe to call from a worker thread)."""
        with self._lock:
            if self._index is None:
                with self.db.reading() as session:
                    foods = FoodRepository(session).all_foods()
                self._index = SwapIndex.build(foods, swap_groups())
            return self._index

    def forget_index(self) -> None:
        """Call after foods were imported or changed."""
        with self._lock:
            self._index = None

    def suggest(
        self,
        food: Food | FoodRef | str,
        amount: float,
        unit: str,
        options: SwapOptions | None = None,
        profile: Profile | None = None,
    ) -> SwapSuggestions:
        """Swaps that raise magnesium for ``amount`` ``unit`` of ``food``, best first,
        within ``profile``'s upper limits (an adult's when none is given)."""
        if not isinstance(food, Food):
            food = FoodService(self.db).get(food)
        grams = grams_for(food, amount, unit)
        groups = swap_groups()
        # The entry's own group is looked up with exclusions off, as find_swaps does: a
        # fast-food entry still belongs to its kind (only suggestions are filtered).
        group = groups.group_of(food.name, food.group_code, include_excluded=True)
        options = options or SwapOptions()
        if not options.upper_limits:
            options = replace(options, upper_limits=upper_limits(profile or ADULT))
        swaps = find_swaps(food, grams, self.index(), groups, options, measure=(amount, unit))
        return SwapSuggestions(
            food, amount, unit, grams, group.label if group else None, tuple(swaps)
        )

    def optimize(
        self,
        plan: Plan,
        foods: Mapping[FoodRef, Food] | None = None,
        settings: OptimizerSettings | None = None,
    ) -> OptimizeResult:
        """The fewest swaps and portion changes that bring each day to the magnesium RDA."""
        if foods is None:
            refs = {e.food for d in plan.days for e in d.entries}
            foods = FoodService(self.db).get_many(sorted(refs))
        targets = plan.profile.targets(dri_tables())
        replacements = self.replacements(plan, foods)
        return optimize_week(plan, foods, targets, replacements, settings)

    def replacements(
        self, plan: Plan, foods: Mapping[FoodRef, Food]
    ) -> dict[EntryKey, Sequence[Replacement]]:
        options = SwapOptions(limit=OPTIMIZER_CANDIDATES,
                              upper_limits=upper_limits(plan.profile))
        index = self.index()
        groups = swap_groups()
        found: dict[EntryKey, Sequence[Replacement]] = {}
        for day in plan.days:
            for meal_index, meal in enumerate(day.meals):
                for entry_index, entry in enumerate(meal.entries):
                    food = foods.get(entry.food)
                    if food is None:
                        continue
                    try:
                        grams = grams_for(food, entry.amount, entry.unit)
                    except ValueError:
                        continue
                    swaps = find_swaps(food, grams, index, groups, options,
                                       measure=(entry.amount, entry.unit))
                    if swaps:
                        found[(day.date, meal_index, entry_index)] = tuple(
                            Replacement(s.food, s.amount, s.unit, s.why, s.obvious) for s in swaps
                        )
        return found
