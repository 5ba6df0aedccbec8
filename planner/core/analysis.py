"""Analysis of a plan: per-day totals, the week average and the findings, in one value.

:func:`analyze` is the one computation behind the totals panel, the warnings banner, the
week grid, the chart and ``planner analyze --json``.

Definitions:

- A day's total for a nutrient is its food entries (amount x value per 100 g) plus what
  the supplements add to every day (a weekly dose counts one seventh each day).
- The week average is taken over the plan's days that have at least one entry: a day
  not planned yet is not a day of eating nothing, and counting it would make every total
  look low. When no day has an entry, the average is the supplements alone.
- Coverage counts food entries: ``known`` entries had a value, ``unknown`` did not. An
  entry whose food is not in ``foods`` or whose unit the food lacks counts as unknown for
  every nutrient and is listed in :attr:`Analysis.unresolved`.
- Rules run on every day with an entry and on the week average when some day has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from planner.core.foods import Food, FoodRef
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import Plan
from planner.core.rules import Finding, RuleSettings, evaluate
from planner.core.targets import Targets
from planner.core.totals import NutrientTotal
from planner.core.units import UnitError, grams_per_unit

__all__ = [
    "Analysis",
    "DayAnalysis",
    "NutrientTotal",
    "UnresolvedEntry",
    "WeekAnalysis",
    "analyze",
]


@dataclass(frozen=True, slots=True)
class UnresolvedEntry:
    """An entry the analysis could not weigh: unknown food or a unit the food lacks."""

    day: date
    meal: str
    #: 1-based position in the meal.
    position: int
    food: FoodRef
    reason: str


@dataclass(frozen=True, slots=True)
class DayAnalysis:
    date: date
    entry_count: int
    #: Every key of :data:`~planner.core.nutrients.NUTRIENT_KEYS`, in that order.
    totals: Mapping[str, NutrientTotal]
    findings: tuple[Finding, ...]

    @property
    def is_empty(self) -> bool:
        return self.entry_count == 0


@dataclass(frozen=True, slots=True)
class WeekAnalysis:
    #: Days the average is taken over (days with at least one entry).
    averaged_days: int
    entry_count: int
    average: Mapping[str, NutrientTotal]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    plan: Plan
    targets: Targets
    settings: RuleSettings
    days: tuple[DayAnalysis, ...]
    week: WeekAnalysis
    unresolved: tuple[UnresolvedEntry, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings: each day's in date order, then the week's."""
        return (*(f for day in self.days for f in day.findings), *self.week.findings)

    def day(self, when: date) -> DayAnalysis:
        for day in self.days:
            if day.date == when:
                return day
        raise KeyError(when)


def _totals(
    sums: list[float],
    known: list[int],
    unknown: list[int],
    supplements: list[float],
    targets: Targets,
) -> Mapping[str, NutrientTotal]:
    totals = {}
    for index, key in enumerate(NUTRIENT_KEYS):
        extra = supplements[index]
        value: float | None = sums[index] + extra
        if not known[index] and unknown[index] and not extra:
            value = None
        totals[key] = NutrientTotal(
            key, value, known[index], unknown[index], extra,
            targets.percent_of_recommended(key, value),
        )
    return MappingProxyType(totals)


def analyze(
    plan: Plan,
    foods: Mapping[FoodRef, Food],
    targets: Targets,
    settings: RuleSettings | None = None,
) -> Analysis:
    """Totals, coverage and findings of ``plan`` for a person with ``targets``."""
    settings = settings or RuleSettings()
    width = len(NUTRIENT_KEYS)
    daily_supplements = plan.supplement_daily_amounts()
    supplements = [daily_supplements.get(key, 0.0) for key in NUTRIENT_KEYS]
    # Per food, its values in NUTRIENT_KEYS order; per (food, unit), grams in one unit.
    vectors: dict[FoodRef, tuple[float | None, ...]] = {}
    unit_grams: dict[tuple[FoodRef, str], float | str] = {}
    unresolved: list[UnresolvedEntry] = []

    week_sums = [0.0] * width
    week_known = [0] * width
    week_unknown = [0] * width
    averaged_days = 0
    week_entries = 0
    days: list[DayAnalysis] = []
    for day in plan.days:
        sums = [0.0] * width
        known = [0] * width
        unknown = [0] * width
        entry_count = 0
        for meal in day.meals:
            for position, entry in enumerate(meal.entries, 1):
                entry_count += 1
                grams = unit_grams.get((entry.food, entry.unit))
                if grams is None:
                    grams = _grams_per_unit(foods.get(entry.food), entry.food, entry.unit)
                    unit_grams[(entry.food, entry.unit)] = grams
                if isinstance(grams, str):
                    unresolved.append(
                        UnresolvedEntry(day.date, meal.name, position, entry.food, grams)
                    )
                    for index in range(width):
                        unknown[index] += 1
                    continue
                values = vectors.get(entry.food)
                if values is None:
                    nutrients = foods[entry.food].nutrients
                    values = tuple(nutrients.get(key) for key in NUTRIENT_KEYS)
                    vectors[entry.food] = values
                factor = entry.amount * grams / 100.0
                for index, per_100_g in enumerate(values):
                    if per_100_g is None:
                        unknown[index] += 1
                    else:
                        sums[index] += per_100_g * factor
                        known[index] += 1
        totals = _totals(sums, known, unknown, supplements, targets)
        findings = evaluate(totals, targets, settings, day=day.date, entry_count=entry_count)
        days.append(DayAnalysis(day.date, entry_count, totals, findings))
        if entry_count:
            averaged_days += 1
            week_entries += entry_count
            for index in range(width):
                week_sums[index] += sums[index]
                week_known[index] += known[index]
                week_unknown[index] += unknown[index]

    divisor = averaged_days or 1
    average = _totals([total / divisor for total in week_sums], week_known, week_unknown,
                      supplements, targets)
    week_findings = evaluate(average, targets, settings, day=None, entry_count=week_entries)
    week = WeekAnalysis(averaged_days, week_entries, average, week_findings)
    return Analysis(plan, targets, settings, tuple(days), week, tuple(unresolved))


def _grams_per_unit(food: Food | None, ref: FoodRef, unit: str) -> float | str:
    """Grams in one unit, or the reason the entry cannot be weighed."""
    if food is None:
        return f"food {ref} is not in the database"
    try:
        return grams_per_unit(food, unit)
    except UnitError as error:
        return str(error)
