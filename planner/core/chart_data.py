"""What the charts show, as plain values: computed from an analysis, drawn elsewhere.

:func:`build_chart_data` turns one :class:`~planner.core.analysis.Analysis` (and the foods
of its plan) into a :class:`ChartData`; the window's charts and the weekly report draw
that value and compute nothing themselves. The charts are:

- the week: magnesium and vitamin D per day against the EAR, the RDA/AI and the UL, with
  the part from supplements apart and the days that have findings; which part of a day's
  total its UL is compared with is :func:`planner.core.status.amount_for_ul`'s answer
  (for magnesium, the part from supplements);
- where the magnesium comes from: the foods that gave the most, for a day or the week;
- the calcium-to-magnesium ratio per day against the limit of the rules (2.6);
- how much of the vitamin D and the magnesium came from supplements.

The week is the Monday-to-Sunday week of the selected day, as in the week view. A day
not planned yet (no entry) carries no amounts: it is not a day of eating nothing, and
the analysis leaves it out of the week average for the same reason. "Week" figures
(sources, shares) are averages a day over the planned days of that week, so they read
against the same daily targets as a single day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from planner.core.analysis import Analysis, DayAnalysis
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import BY_KEY, scaled
from planner.core.plan import Day
from planner.core.rules import SEVERITIES, Severity, calcium_magnesium_ratio
from planner.core.status import amount_for_ul
from planner.core.targets import Target, Targets
from planner.core.totals import NutrientTotal
from planner.core.units import grams_for
from planner.core.weeks import week_days

__all__ = [
    "CHART_SCOPES",
    "TOP_FOODS",
    "CalciumMagnesiumRatio",
    "ChartData",
    "ChartScope",
    "DayAmount",
    "FoodContribution",
    "MagnesiumSources",
    "NutrientWeek",
    "RatioDay",
    "SupplementShare",
    "SupplementShares",
    "WeekChartData",
    "build_chart_data",
]

ChartScope = Literal["day", "week"]
CHART_SCOPES: Final[tuple[ChartScope, ...]] = ("day", "week")
#: How many foods the sources chart names; the rest are summed as "other foods".
TOP_FOODS: Final = 8

_MAGNESIUM: Final = "magnesium_mg"
_VITAMIN_D: Final = "vitamin_d_ug"
_CALCIUM: Final = "calcium_mg"


@dataclass(frozen=True, slots=True)
class DayAmount:
    """One nutrient on one day: the part from food and the part from supplements.

    ``food`` is ``None`` when no food entry had a value (or the day is not planned);
    ``unknown`` entries had no value, so the total is then a lower bound. ``ul_amount``
    is the part of the total that the UL is compared with, as
    :func:`planner.core.status.amount_for_ul` decides (``None`` without a UL or a plan).
    """

    date: dt.date
    planned: bool
    food: float | None
    supplements: float
    unknown: int = 0
    ul_amount: float | None = None

    @property
    def total(self) -> float | None:
        """Food plus supplements; ``None`` for a day not planned or without any value."""
        if not self.planned or (self.food is None and not self.supplements):
            return None
        return (self.food or 0.0) + self.supplements


@dataclass(frozen=True, slots=True)
class NutrientWeek:
    """A nutrient's daily amounts over the week and the person's thresholds for it."""

    key: str
    label: str
    unit: str
    days: tuple[DayAmount, ...]
    ear: float | None
    recommended: float | None
    #: ``RDA``, ``AI`` or ``Target`` (the user's own figure).
    recommended_label: str
    ul: float | None
    #: ``supplements`` for magnesium: its UL is compared with supplemental intake only.
    ul_applies_to: str
    #: The UL is compared with a part of each day's total, not the whole (for magnesium,
    #: the part from supplements), as :func:`planner.core.status.amount_for_ul` decides.
    ul_on_part: bool = False

    @property
    def totals(self) -> tuple[float | None, ...]:
        return tuple(day.total for day in self.days)

    @property
    def has_supplements(self) -> bool:
        return any(day.planned and day.supplements > 0 for day in self.days)

    @property
    def has_ul_amount(self) -> bool:
        """Some planned day has an amount the UL counts (for magnesium: a supplement)."""
        return any(day.planned and day.ul_amount for day in self.days)


@dataclass(frozen=True, slots=True)
class WeekChartData:
    """Magnesium and vitamin D day by day, and which days have findings."""

    dates: tuple[dt.date, ...]
    planned: tuple[bool, ...]
    #: The most severe finding of each day, ``None`` for a day without findings.
    severities: tuple[Severity | None, ...]
    #: The finding codes of each day, most severe first.
    findings: tuple[tuple[str, ...], ...]
    magnesium: NutrientWeek
    vitamin_d: NutrientWeek

    @property
    def flagged_dates(self) -> tuple[dt.date, ...]:
        return tuple(d for d, severity in zip(self.dates, self.severities, strict=True)
                     if severity is not None)


@dataclass(frozen=True, slots=True)
class FoodContribution:
    """What one food gave: its grams and magnesium summed over its entries (a day's worth)."""

    food: FoodRef
    name: str
    grams: float
    magnesium_mg: float
    entries: int


@dataclass(frozen=True, slots=True)
class MagnesiumSources:
    """The foods that gave the most magnesium, largest first, and the rest summed.

    For the week every amount is an average a day over ``days_counted`` planned days.
    ``food_mg`` is the magnesium from all foods (the named ones plus ``other_mg``).
    """

    scope: ChartScope
    dates: tuple[dt.date, ...]
    days_counted: int
    foods: tuple[FoodContribution, ...]
    other_mg: float
    other_foods: int
    food_mg: float
    supplements_mg: float
    #: Entries whose food has no magnesium value, is missing or cannot be weighed.
    unknown_entries: int

    @property
    def is_empty(self) -> bool:
        return self.days_counted == 0


@dataclass(frozen=True, slots=True)
class RatioDay:
    date: dt.date
    planned: bool
    calcium_mg: float | None
    magnesium_mg: float | None

    @property
    def ratio(self) -> float | None:
        """Calcium over magnesium (food and supplements, as the rule counts them)."""
        if not self.planned:
            return None
        return calcium_magnesium_ratio(self.calcium_mg, self.magnesium_mg)


@dataclass(frozen=True, slots=True)
class CalciumMagnesiumRatio:
    days: tuple[RatioDay, ...]
    #: The ratio above which the ``ca_mg_ratio_high`` rule speaks (settings, 2.6 by default).
    limit: float

    @property
    def ratios(self) -> tuple[float | None, ...]:
        return tuple(day.ratio for day in self.days)


@dataclass(frozen=True, slots=True)
class SupplementShare:
    """One nutrient's amount from food and from supplements (a day, or a day on average)."""

    key: str
    label: str
    unit: str
    food: float | None
    supplements: float

    @property
    def total(self) -> float:
        return (self.food or 0.0) + self.supplements

    @property
    def supplement_share(self) -> float | None:
        """The part from supplements, 0 to 1; ``None`` when there is nothing at all."""
        return self.supplements / self.total if self.total > 0 else None

    @property
    def food_share(self) -> float | None:
        share = self.supplement_share
        return None if share is None else 1.0 - share


@dataclass(frozen=True, slots=True)
class SupplementShares:
    scope: ChartScope
    dates: tuple[dt.date, ...]
    days_counted: int
    #: Vitamin D, then magnesium.
    nutrients: tuple[SupplementShare, ...]

    @property
    def is_empty(self) -> bool:
        return self.days_counted == 0


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything the charts draw for one plan, selected day and week."""

    #: The selected day (the day of the "day" charts), ``None`` when the plan has no day.
    day: dt.date | None
    week: WeekChartData
    day_sources: MagnesiumSources
    week_sources: MagnesiumSources
    ratio: CalciumMagnesiumRatio
    day_shares: SupplementShares
    week_shares: SupplementShares

    @property
    def is_empty(self) -> bool:
        """No day of the week has an entry."""
        return not any(self.week.planned)

    def sources(self, scope: ChartScope) -> MagnesiumSources:
        return self.day_sources if scope == "day" else self.week_sources

    def shares(self, scope: ChartScope) -> SupplementShares:
        return self.day_shares if scope == "day" else self.week_shares


def build_chart_data(
    analysis: Analysis,
    foods: Mapping[FoodRef, Food],
    day: dt.date | None = None,
    *,
    top: int = TOP_FOODS,
) -> ChartData:
    """The chart values of ``analysis`` for the week of ``day``.

    ``day`` defaults to the plan's first day; ``foods`` are the foods of the plan (those
    the analysis was given), used to name the magnesium sources.
    """
    plan = analysis.plan
    if day is None and plan.days:
        day = plan.days[0].date
    dates = week_days(day) if day is not None else ()
    by_date = {d.date: d for d in analysis.days}
    plan_days = {d.date: d for d in plan.days}
    shown = [by_date.get(when) for when in dates]
    planned = tuple(d is not None and not d.is_empty for d in shown)

    severities: list[Severity | None] = []
    codes: list[tuple[str, ...]] = []
    for d in shown:
        findings = d.findings if d is not None else ()
        codes.append(tuple(f.code for f in findings))
        severities.append(_most_severe(tuple(f.severity for f in findings)))
    week = WeekChartData(
        dates, planned, tuple(severities), tuple(codes),
        _nutrient_week(_MAGNESIUM, dates, shown, analysis.targets),
        _nutrient_week(_VITAMIN_D, dates, shown, analysis.targets),
    )

    ratio = CalciumMagnesiumRatio(
        tuple(_ratio_day(when, d) for when, d in zip(dates, shown, strict=True)),
        analysis.settings.ca_mg_ratio_max,
    )

    planned_dates = tuple(when for when, p in zip(dates, planned, strict=True) if p)
    day_dates = (day,) if day is not None and day in planned_dates else ()
    day_sources = _sources("day", day_dates, plan_days, by_date, foods, top)
    week_sources = _sources("week", planned_dates, plan_days, by_date, foods, top)
    day_shares = _shares("day", day_dates, by_date)
    week_shares = _shares("week", planned_dates, by_date)
    return ChartData(day, week, day_sources, week_sources, ratio, day_shares, week_shares)


def _most_severe(severities: tuple[Severity, ...]) -> Severity | None:
    for severity in reversed(SEVERITIES):
        if severity in severities:
            return severity
    return None


def _recommended_label(target: Target | None) -> str:
    if target is None:
        return "RDA"
    return {"user": "Target", "default": "Goal"}.get(target.kind, target.kind)


def _nutrient_week(
    key: str, dates: tuple[dt.date, ...], shown: list[DayAnalysis | None], targets: Targets
) -> NutrientWeek:
    target = targets.get(key)
    amounts = []
    for when, d in zip(dates, shown, strict=True):
        if d is None or d.is_empty:
            amounts.append(DayAmount(when, False, None, 0.0))
            continue
        total = d.totals[key]
        food = None if total.known == 0 else total.from_food
        amounts.append(DayAmount(when, True, food, total.from_supplements, total.unknown,
                                 _amount_for_ul(total, target)))
    nutrient = BY_KEY[key]
    return NutrientWeek(
        key, nutrient.label, nutrient.unit, tuple(amounts),
        target.ear if target else None,
        target.recommended if target else None,
        _recommended_label(target),
        target.ul if target else None,
        target.ul_applies_to if target else "total",
        _ul_on_part(target),
    )


def _amount_for_ul(total: NutrientTotal, target: Target | None) -> float | None:
    """What the UL is compared with, by the one rule of :mod:`planner.core.status`."""
    if target is None or target.ul is None:
        return None
    return amount_for_ul(total, target)


def _ul_on_part(target: Target | None) -> bool:
    """Whether the UL leaves a part of the total out (for magnesium, the food): asked of
    :func:`~planner.core.status.amount_for_ul` with a total all from food, so that the
    answer does not hang on what the week happens to hold."""
    if target is None or target.ul is None:
        return False
    from_food = NutrientTotal(target.key, 1.0, known=1, unknown=0)
    return amount_for_ul(from_food, target) != from_food.value


def _ratio_day(when: dt.date, d: DayAnalysis | None) -> RatioDay:
    if d is None or d.is_empty:
        return RatioDay(when, False, None, None)
    return RatioDay(when, True, d.totals[_CALCIUM].value, d.totals[_MAGNESIUM].value)


def _sources(
    scope: ChartScope,
    dates: tuple[dt.date, ...],
    plan_days: Mapping[dt.date, Day],
    by_date: Mapping[dt.date, DayAnalysis],
    foods: Mapping[FoodRef, Food],
    top: int,
) -> MagnesiumSources:
    grams_by_food: dict[FoodRef, float] = {}
    mg_by_food: dict[FoodRef, float] = {}
    entries_by_food: dict[FoodRef, int] = {}
    unknown = 0
    for when in dates:
        for entry in plan_days[when].entries:
            food = foods.get(entry.food)
            per_100_g = food.value(_MAGNESIUM) if food is not None else None
            if food is None or per_100_g is None:
                unknown += 1
                continue
            try:
                grams = grams_for(food, entry.amount, entry.unit)
            except ValueError:  # a unit the food lacks; the analysis lists it as unresolved
                unknown += 1
                continue
            grams_by_food[entry.food] = grams_by_food.get(entry.food, 0.0) + grams
            mg_by_food[entry.food] = mg_by_food.get(entry.food, 0.0) + scaled(per_100_g, grams)
            entries_by_food[entry.food] = entries_by_food.get(entry.food, 0) + 1
    days = len(dates)
    divisor = days or 1
    contributions = sorted(
        (
            FoodContribution(ref, foods[ref].name, grams_by_food[ref] / divisor,
                             mg / divisor, entries_by_food[ref])
            for ref, mg in mg_by_food.items()
        ),
        key=lambda c: (-c.magnesium_mg, c.name, c.food),
    )
    named, rest = contributions[:top], contributions[top:]
    other = sum(c.magnesium_mg for c in rest)
    food_mg = sum(c.magnesium_mg for c in contributions)
    supplement_mg = _supplements(_MAGNESIUM, dates, by_date)
    return MagnesiumSources(scope, dates, days, tuple(named), other, len(rest), food_mg,
                            supplement_mg, unknown)


def _shares(
    scope: ChartScope,
    dates: tuple[dt.date, ...],
    by_date: Mapping[dt.date, DayAnalysis],
) -> SupplementShares:
    shares = []
    for key in (_VITAMIN_D, _MAGNESIUM):
        food_values = [by_date[when].totals[key] for when in dates]
        known = [t.from_food for t in food_values if t.known and t.from_food is not None]
        food = sum(known) / len(dates) if known else None
        nutrient = BY_KEY[key]
        supplement = _supplements(key, dates, by_date)
        shares.append(SupplementShare(key, nutrient.label, nutrient.unit, food, supplement))
    return SupplementShares(scope, dates, len(dates), tuple(shares))


def _supplements(
    key: str, dates: tuple[dt.date, ...], by_date: Mapping[dt.date, DayAnalysis]
) -> float:
    """What supplements add to a day of ``dates``, on average (the same every day)."""
    if not dates:
        return 0.0
    return sum(by_date[when].totals[key].from_supplements for when in dates) / len(dates)
