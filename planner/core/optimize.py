"""The week optimizer: the fewest swaps and portion changes that lift magnesium to target.

Vitamin D needs magnesium to be activated, and a day with plenty of vitamin D but magnesium
below the EAR is what ``vitd_high_mg_low`` warns about. :func:`optimize_week` proposes, day
by day, the smallest set of changes that brings magnesium to at least the RDA (or the EAR
where the RDA is out of reach) without making the day worse in other ways: energy stays
within ±5 % of what was planned, sodium does not rise, and vitamin D does not fall below the
RDA (nor below the day's own figure when the day was under the RDA already), and calcium
does not fall below its EAR (nor at all when under it already).

Variety and servings. Days are solved in date order, and a food swapped in on
:attr:`OptimizerSettings.max_uses_per_week` days (2) is not offered on later days: no hemp
hearts five days running. A portion change or a replacement weighs at most
:attr:`OptimizerSettings.max_servings` (2) of the food's natural household servings. The
replacements are the swap suggestions (everyday foods, obvious swaps first), and every
change carries the swap's reason in its description.

Formulation. Days are independent, so each day below the RDA is one small mixed-integer
program, solved with :func:`scipy.optimize.milp` (HiGHS). Every entry has options:

- keep it as planned (the default; it needs no variable),
- a portion change: the same food, amount x factor in the same unit
  (:attr:`OptimizerSettings.portion_factors`),
- each replacement the caller offers for that entry (:class:`Replacement`).

An option becomes a binary variable ``x_o``; ``Δ`` is the option's nutrient amount minus the
entry's as planned, computed as the analysis computes it (grams x value per 100 g, unknown
values adding nothing), so that a re-analysis of the new plan shows the same totals. With
the day's planned totals ``Mg0, E0, Na0, D0`` (supplements included, as in the analysis)::

    minimise    sum_o x_o * (1 + eps * tiebreak_o)
    subject to  sum_{o of entry e} x_o <= 1               every entry: keep or one option
                sum_o x_o               <= max_changes_per_day
                sum_o ΔMg_o x_o         >= target - Mg0
                -tol * E0 <= sum_o ΔE_o x_o <= tol * E0
                sum_o ΔNa_o x_o         <= 0
                sum_o ΔD_o x_o          >= floor - D0     floor: the RDA if D0 reached it, else D0

The objective counts changes; ``tiebreak`` (in [-3, 2]) prefers a larger magnesium gain, a
smaller energy change, changing the foods that bring least magnesium for their energy
(white rice, white bread, refined cereals, sugary drinks) and the obvious swap, and ``eps``
is small enough that no tie-break can buy an extra change. The RDA is tried first, then the
EAR. When neither is reachable a variant that
maximises magnesium under the same limits gives the best reachable figure for the reason
shown to the user, and the day is left as planned: a half-way day is not offered as a fix.

Options whose food has no known magnesium, energy or sodium value are left out, because
the limits could not be checked for them; an unknown vitamin D value counts as none, which
is what the analysis adds for it (so the vitamin D limit can only be met more safely).
Every solution is checked by re-analysing the changed day with
:func:`~planner.core.analysis.analyze` before it is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

from planner.core.analysis import DayAnalysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.formatting import format_quantity
from planner.core.plan import Day, Entry, Plan
from planner.core.portions import serving_grams
from planner.core.targets import Targets
from planner.core.units import AmountError, UnitError, format_nutrient, grams_for, normalize_unit

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "Change",
    "ChangeKind",
    "DayOutcome",
    "EntryKey",
    "MagnesiumTarget",
    "OptimizeResult",
    "OptimizerSettings",
    "Replacement",
    "optimize_week",
]

#: An entry of a plan: (date, meal index, entry index in the meal), all 0-based.
EntryKey = tuple[date, int, int]
ChangeKind = Literal["swap", "portion"]
MagnesiumTarget = Literal["rda", "ear"]

_MAGNESIUM: Final = "magnesium_mg"
_ENERGY: Final = "energy_kcal"
_SODIUM: Final = "sodium_mg"
_VITAMIN_D: Final = "vitamin_d_ug"
_CALCIUM: Final = "calcium_mg"
#: An option must have these values known to be used: the limits are checked on them.
_REQUIRED: Final = (_MAGNESIUM, _ENERGY, _SODIUM)
_MODELLED: Final = (_MAGNESIUM, _ENERGY, _SODIUM, _VITAMIN_D, _CALCIUM)
# The rule compares magnesium with the target exactly ("below the EAR"), while HiGHS accepts
# a constraint within 1e-7 of its bound. A solution the analysis finds a hair short is
# solved again with this margin, which it then meets for sure; asking the margin from the
# start would rule out combinations that hit the target exactly.
_MAGNESIUM_MARGIN_MG: Final = 1e-4
# Float sums in another order differ in the last digits; the check after solving allows this.
_RELATIVE_SLACK: Final = 1e-9

_ALREADY_AT_RDA: Final = "already at or above the RDA"
_NOTHING_PLANNED: Final = "nothing planned"


@dataclass(frozen=True, slots=True)
class OptimizerSettings:
    """Limits of the optimizer, declared once with their defaults."""

    #: Swaps and portion changes allowed on one day.
    max_changes_per_day: int = 3
    #: A day's energy may move by this share of its planned energy (0.05 = ±5 %).
    energy_tolerance: float = 0.05
    #: Portion changes offered for every entry: the planned amount times each factor.
    portion_factors: tuple[float, ...] = (0.5, 0.75, 1.25, 1.5, 2.0)
    #: How many days of the week one replacement food may be swapped in (variety: no
    #: hemp hearts on five days); a food already on the plate is not counted.
    max_uses_per_week: int = 2
    #: A portion change or a replacement weighs at most this many of the food's natural
    #: household servings (:func:`~planner.core.portions.natural_portion`).
    max_servings: float = 2.0
    #: Seconds each MILP solve may take (a day needs one to five: the RDA, the best reachable
    #: figure, the EAR); a day whose solves run out of time says so in its reason.
    time_limit_s: float = 5.0

    def __post_init__(self) -> None:
        changes = self.max_changes_per_day
        if isinstance(changes, bool) or not isinstance(changes, int) or changes < 0:
            raise ValueError(f"max_changes_per_day must be a whole number >= 0, got {changes!r}")
        if not math.isfinite(self.energy_tolerance) or self.energy_tolerance < 0:
            raise ValueError(
                f"energy_tolerance must be a share >= 0, got {self.energy_tolerance!r}"
            )
        factors = tuple(self.portion_factors)
        if not all(math.isfinite(factor) and factor > 0 for factor in factors):
            raise ValueError(f"portion factors must be positive numbers, got {factors!r}")
        object.__setattr__(self, "portion_factors", factors)
        uses = self.max_uses_per_week
        if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
            raise ValueError(f"max_uses_per_week must be a whole number >= 1, got {uses!r}")
        if not math.isfinite(self.max_servings) or self.max_servings <= 0:
            raise ValueError(f"max_servings must be more than zero, got {self.max_servings!r}")
        if not math.isfinite(self.time_limit_s) or self.time_limit_s <= 0:
            raise ValueError(f"time_limit_s must be more than zero, got {self.time_limit_s!r}")


@dataclass(frozen=True, slots=True)
class Replacement:
    """A food that may take an entry's place: ``amount`` ``unit`` of ``food``.

    Plain data so that the optimizer does not depend on how candidates are found (the
    service builds these from swap suggestions). ``food`` carries its values per 100 g.
    """

    food: Food
    amount: float
    unit: str
    #: Why this food, in a line (the swap's reason), shown with the change.
    why: str = ""
    #: The swap a dietitian names first (brown rice for white rice): preferred on a tie.
    obvious: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One proposed change to one entry, with what it does to magnesium and energy."""

    date: date
    meal_index: int
    entry_index: int
    meal_name: str
    kind: ChangeKind
    before: Entry
    after: Entry
    before_food_name: str
    after_food_name: str
    magnesium_change_mg: float
    energy_change_kcal: float
    #: E.g. ``Dinner: Rice, white, ... 1 cup -> Quinoa, cooked 1 cup (+83 mg magnesium, ...)``.
    description: str
    #: Why this change, in a line ("The whole grain of the same rice, its bran kept").
    why: str = ""

    @property
    def key(self) -> EntryKey:
        return (self.date, self.meal_index, self.entry_index)


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """What the optimizer did for one day, with the day's totals before and after.

    ``target`` is the magnesium target the day now meets (``None`` when it meets none);
    ``reason`` explains, in plain words, a day not fixed, a day already fine, or a day that
    reaches the EAR only. A day that is not fixed keeps its planned entries.
    """

    date: date
    target: MagnesiumTarget | None
    magnesium_before: float
    magnesium_after: float
    energy_before: float
    energy_after: float
    fixed: bool
    reason: str | None
    sodium_before: float
    sodium_after: float
    vitamin_d_before: float
    vitamin_d_after: float
    #: Magnesium in mg of ``target`` (``None`` without a target).
    target_magnesium_mg: float | None = None


@dataclass(frozen=True, slots=True)
class OptimizeResult:
    """The new plan, the changes that make it, and every day's outcome in date order."""

    plan: Plan
    changes: tuple[Change, ...]
    days: tuple[DayOutcome, ...]
    #: The given foods and the foods the changes bring in, for analysing :attr:`plan`.
    foods: Mapping[FoodRef, Food]

    @property
    def fixed_days(self) -> tuple[DayOutcome, ...]:
        return tuple(day for day in self.days if day.fixed)

    @property
    def unfixed_days(self) -> tuple[DayOutcome, ...]:
        return tuple(day for day in self.days if not day.fixed)

    def changes_on(self, when: date) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.date == when)


@dataclass(frozen=True, slots=True)
class _Option:
    """One non-keep option of one entry, with its nutrient changes for the model."""

    meal_index: int
    entry_index: int
    kind: ChangeKind
    after: Entry
    magnesium: float
    energy: float
    sodium: float
    vitamin_d: float
    calcium: float
    #: 0..2: how much this option is preferred on a tie: how little magnesium the entry
    #: as planned brings per 100 kcal (1: none; changing white rice or cola comes before
    #: changing spinach), plus :data:`OBVIOUS_PREFERENCE` for the obvious swap.
    refined: float
    why: str


@dataclass(frozen=True, slots=True)
class _Totals:
    """A day's modelled totals (unknown counted as nothing, as the analysis sums them)."""

    magnesium: float
    energy: float
    sodium: float
    vitamin_d: float
    calcium: float

    @classmethod
    def of(cls, day: DayAnalysis) -> _Totals:
        values = [day.totals[key].value for key in _MODELLED]
        magnesium, energy, sodium, vitamin_d, calcium = (value or 0.0 for value in values)
        return cls(magnesium, energy, sodium, vitamin_d, calcium)


@dataclass(frozen=True, slots=True)
class _Limits:
    """The limits every accepted solution of one day keeps."""

    energy_band: float
    sodium_max_rise: float
    vitamin_d_floor: float
    calcium_floor: float


@dataclass(frozen=True, slots=True)
class _Solve:
    """A solver answer: the chosen options (``None`` if none found) and whether time ran out."""

    chosen: tuple[int, ...] | None
    timed_out: bool


def optimize_week(
    plan: Plan,
    foods: Mapping[FoodRef, Food],
    targets: Targets,
    replacements: Mapping[EntryKey, Sequence[Replacement]],
    settings: OptimizerSettings | None = None,
) -> OptimizeResult:
    """The fewest changes per day that bring every planned day's magnesium to target.

    ``replacements`` offers candidate foods per entry (keys must name entries of ``plan``);
    portion changes of every entry are added from ``settings``. Raises ``ValueError`` for a
    key that names no entry.
    """
    settings = settings or OptimizerSettings()
    _check_keys(plan, replacements)
    # The given foods win over a replacement's copy of the same food, so that the model and
    # the analysis of the new plan read the same values.
    every_food: dict[FoodRef, Food] = {}
    for candidates in replacements.values():
        every_food.update((candidate.food.ref, candidate.food) for candidate in candidates)
    every_food.update(foods)

    before = analyze(plan, every_food, targets)
    solver = _DaySolver(plan, every_food, targets, settings)
    new_days: list[Day] = []
    changes: list[Change] = []
    outcomes: list[DayOutcome] = []
    # Variety: a food swapped in on max_uses_per_week days is not offered again. Days are
    # solved in date order; a day that needs an exhausted food takes its next best.
    uses: dict[FoodRef, int] = {}
    for day, analysed in zip(plan.days, before.days, strict=True):
        exhausted = frozenset(ref for ref, n in uses.items() if n >= settings.max_uses_per_week)
        outcome, day_changes, new_day = solver.optimize(day, analysed, replacements, exhausted)
        outcomes.append(outcome)
        changes.extend(day_changes)
        new_days.append(new_day)
        for ref in {c.after.food for c in day_changes if c.kind == "swap"}:
            uses[ref] = uses.get(ref, 0) + 1

    used = {change.after.food for change in changes}
    result_foods = dict(foods)
    result_foods.update((ref, every_food[ref]) for ref in sorted(used) if ref not in foods)
    return OptimizeResult(
        replace(plan, days=tuple(new_days)),
        tuple(changes),
        tuple(outcomes),
        MappingProxyType(result_foods),
    )


def _check_keys(plan: Plan, replacements: Mapping[EntryKey, Sequence[Replacement]]) -> None:
    days = {day.date: day for day in plan.days}
    for key in replacements:
        when, meal_index, entry_index = key
        day = days.get(when)
        if (
            day is None
            or not 0 <= meal_index < len(day.meals)
            or not 0 <= entry_index < len(day.meals[meal_index].entries)
        ):
            raise ValueError(f"replacements name an entry that is not in the plan: {key!r}")


def _amounts(food: Food | None, amount: float, unit: str) -> tuple[float | None, ...] | None:
    """Nutrients of ``amount`` ``unit`` of ``food`` in :data:`_MODELLED` order.

    ``None`` when the amount cannot be weighed. Each value is computed as the analysis
    computes it (value per 100 g x amount x grams per unit / 100), so totals agree.
    """
    if food is None:
        return None
    try:
        grams = grams_for(food, amount, unit)
    except (UnitError, AmountError):
        return None
    factor = grams / 100.0
    values = (food.value(key) for key in _MODELLED)
    return tuple(None if value is None else value * factor for value in values)


def _mg(value: float) -> str:
    return format_nutrient(_MAGNESIUM, value)


def _threshold(value: float, label: str) -> str:
    return f"{value:g} mg {label}"


def _best(value: float, threshold: float) -> str:
    """``value`` in mg, never rounded up to read as the threshold it falls short of."""
    text = _mg(value)
    if float(text.split()[0]) >= threshold:
        text = f"{math.floor(value * 10) / 10:.1f} mg"
    return text


def _amount_label(entry: Entry) -> str:
    return f"{format_quantity(entry.amount)} {entry.unit}"


#: The tie-break preference of the swap a dietitian names first.
OBVIOUS_PREFERENCE: Final = 1.0
#: Magnesium per 100 kcal at which a food counts as rich (nuts, greens, whole grains are
#: above it; white rice has 9, cola 0).
_RICH_MG_PER_100_KCAL: Final = 40.0


def _refined(food: Food | None) -> float:
    """0..1: how little magnesium ``food`` brings for its energy (1: none, 0: rich)."""
    if food is None:
        return 0.0
    magnesium, energy = food.value(_MAGNESIUM), food.value(_ENERGY)
    if magnesium is None or not energy:
        return 0.0
    return max(0.0, 1.0 - magnesium * 100.0 / energy / _RICH_MG_PER_100_KCAL)


def _portion_why(factor: float) -> str:
    if factor > 1:
        return "More of a magnesium source already on the plate"
    return "Less of it, to make room for the magnesium elsewhere"


class _DaySolver:
    """Builds and solves the program of one day at a time (see the module docstring)."""

    def __init__(
        self,
        plan: Plan,
        foods: Mapping[FoodRef, Food],
        targets: Targets,
        settings: OptimizerSettings,
    ) -> None:
        self._plan = plan
        self._foods = foods
        self._targets = targets
        self._settings = settings
        magnesium = targets.get(_MAGNESIUM)
        rda = magnesium.recommended if magnesium else None
        ear = magnesium.ear if magnesium else None
        ladder: list[tuple[MagnesiumTarget, float, str]] = []
        if magnesium is not None and rda is not None:
            label = magnesium.kind if magnesium.kind in ("RDA", "AI") else "target"
            ladder.append(("rda", rda, label))
        if ear is not None and (rda is None or ear < rda):
            ladder.append(("ear", ear, "EAR"))
        self._ladder = tuple(ladder)
        self._vitamin_d_rda = targets.recommended(_VITAMIN_D)
        calcium = targets.get(_CALCIUM)
        self._calcium_ear = calcium.ear if calcium is not None else None

    # -- one day ---------------------------------------------------------------------------

    def optimize(
        self,
        day: Day,
        analysed: DayAnalysis,
        replacements: Mapping[EntryKey, Sequence[Replacement]],
        exhausted: frozenset[FoodRef] = frozenset(),
    ) -> tuple[DayOutcome, tuple[Change, ...], Day]:
        totals = _Totals.of(analysed)

        def unchanged(target: MagnesiumTarget | None, fixed: bool, reason: str) -> DayOutcome:
            mg_target = next((v for name, v, _ in self._ladder if name == target), None)
            return self._outcome(day.date, target, mg_target, totals, totals, fixed, reason)

        if day.is_empty:
            return unchanged(None, False, _NOTHING_PLANNED), (), day
        if not self._ladder:
            return unchanged(None, False, "no magnesium target is set"), (), day
        first_name, first_value, first_label = self._ladder[0]
        if totals.magnesium >= first_value:
            reason = (_ALREADY_AT_RDA if first_label == "RDA"
                      else f"already at or above the {_threshold(first_value, first_label)}")
            return unchanged(first_name, True, reason), (), day

        options = self._options(day, replacements, exhausted)
        limits = self._limits(totals)
        best: float | None = None
        timed_out = False
        missed: list[str] = []
        for name, value, label in self._ladder:
            threshold = _threshold(value, label)
            if totals.magnesium >= value:
                # Reached already (only the EAR can be, once the RDA is out of reach).
                already = f"already at or above the {threshold}; " + "; ".join(missed)
                outcome = self._outcome(day.date, name, value, totals, totals, True, already)
                return outcome, (), day
            if best is None or best >= value:
                for margin in (0.0, _MAGNESIUM_MARGIN_MG):
                    needed = value - totals.magnesium + margin
                    answer = self._solve(options, limits, totals, needed)
                    timed_out = timed_out or answer.timed_out
                    if answer.chosen is None:
                        break
                    accepted = self._accept(day, options, answer.chosen, value, totals, limits)
                    if accepted is not None:
                        new_day, after = accepted
                        note = (f"{'; '.join(missed)}; the changes reach the {threshold}"
                                if missed else None)
                        outcome = self._outcome(day.date, name, value, totals, after, True,
                                                note)
                        changes = self._changes(day, options, answer.chosen)
                        return outcome, changes, new_day
            if best is None:
                best_answer = self._solve(options, limits, totals, None)
                timed_out = timed_out or best_answer.timed_out
                chosen = best_answer.chosen or ()
                best = totals.magnesium + sum(options[index].magnesium for index in chosen)
            missed.append(self._missed(threshold, value, best, options, timed_out))
        # Missing the lowest target says all: the higher ones are out of reach too.
        return unchanged(None, False, missed[-1]), (), day

    def _missed(
        self, threshold: str, value: float, best: float, options: Sequence[_Option],
        timed_out: bool,
    ) -> str:
        """Why ``threshold`` cannot be reached, in plain words."""
        limit = self._settings.max_changes_per_day
        if limit == 0:
            return (f"no changes are allowed (at most 0 a day), so magnesium stays at "
                    f"{_best(best, value)}, below the {threshold}")
        if not options:
            return (f"no replacements or portion changes within "
                    f"{self._settings.max_servings:g} servings can be weighed for this day, so "
                    f"magnesium stays at {_best(best, value)}, below the {threshold}")
        changes = "1 change" if limit == 1 else f"up to {limit} changes"
        if timed_out:
            return (f"within {self._settings.time_limit_s:g} s no combination of {changes} "
                    f"was found that reaches the {threshold} (best found: {_best(best, value)})")
        return (f"no combination of {changes} reaches the {threshold} while keeping energy, "
                f"sodium, vitamin D and calcium in bounds and every portion within "
                f"{self._settings.max_servings:g} servings (best: {_best(best, value)})")

    def _outcome(
        self, when: date, target: MagnesiumTarget | None, target_mg: float | None,
        before: _Totals, after: _Totals, fixed: bool, reason: str | None,
    ) -> DayOutcome:
        return DayOutcome(
            when, target, before.magnesium, after.magnesium, before.energy, after.energy,
            fixed, reason, before.sodium, after.sodium, before.vitamin_d, after.vitamin_d,
            target_mg,
        )

    def _limits(self, totals: _Totals) -> _Limits:
        floor = totals.vitamin_d
        if self._vitamin_d_rda is not None and totals.vitamin_d >= self._vitamin_d_rda:
            floor = self._vitamin_d_rda
        # Calcium may fall, but never below its EAR (nor at all when below it already).
        calcium = totals.calcium
        if self._calcium_ear is not None and totals.calcium >= self._calcium_ear:
            calcium = self._calcium_ear
        band = self._settings.energy_tolerance * totals.energy
        return _Limits(band, 0.0, floor, calcium)

    # -- options ---------------------------------------------------------------------------

    def _options(
        self, day: Day, replacements: Mapping[EntryKey, Sequence[Replacement]],
        exhausted: frozenset[FoodRef] = frozenset(),
    ) -> tuple[_Option, ...]:
        options: list[_Option] = []
        for meal_index, meal in enumerate(day.meals):
            for entry_index, entry in enumerate(meal.entries):
                food = self._foods.get(entry.food)
                planned = _amounts(food, entry.amount, entry.unit)
                # An entry the analysis cannot weigh adds nothing to the totals now.
                base = tuple(value or 0.0 for value in planned) if planned else (0.0,) * 5
                refined = _refined(food)
                seen = {(entry.food, entry.amount, normalize_unit(entry.unit))}
                candidates: list[tuple[ChangeKind, FoodRef, float, str, str, bool]] = []
                if planned is not None:
                    candidates.extend(
                        ("portion", entry.food, entry.amount * factor, entry.unit,
                         _portion_why(factor), False)
                        for factor in self._settings.portion_factors)
                for candidate in replacements.get((day.date, meal_index, entry_index), ()):
                    kind: ChangeKind = "portion" if candidate.food.ref == entry.food else "swap"
                    if kind == "swap" and candidate.food.ref in exhausted:
                        continue
                    candidates.append((kind, candidate.food.ref, candidate.amount,
                                       candidate.unit, candidate.why, candidate.obvious))
                for kind, ref, amount, unit, why, obvious in candidates:
                    identity = (ref, amount, normalize_unit(unit))
                    if identity in seen or not self._within_servings(ref, amount, unit):
                        continue
                    seen.add(identity)
                    preference = refined + (OBVIOUS_PREFERENCE if obvious else 0.0)
                    option = self._option(entry, meal_index, entry_index, kind, ref, amount,
                                          unit, base, preference, why)
                    if option is not None:
                        options.append(option)
        return tuple(options)

    def _within_servings(self, ref: FoodRef, amount: float, unit: str) -> bool:
        """Whether ``amount`` ``unit`` of the food is at most ``max_servings`` of its
        natural household serving (a food without one is not limited)."""
        food = self._foods.get(ref)
        if food is None:
            return True
        serving = serving_grams(food)
        if serving is None:
            return True
        try:
            grams = grams_for(food, amount, unit)
        except (UnitError, AmountError):
            return False
        return grams <= self._settings.max_servings * serving + 1e-9

    def _option(
        self, entry: Entry, meal_index: int, entry_index: int, kind: ChangeKind, ref: FoodRef,
        amount: float, unit: str, base: tuple[float, ...], refined: float, why: str,
    ) -> _Option | None:
        values = _amounts(self._foods.get(ref), amount, unit)
        if values is None:
            return None
        by_key = dict(zip(_MODELLED, values, strict=True))
        if any(by_key[key] is None for key in _REQUIRED):
            return None
        magnesium, energy, sodium, vitamin_d, calcium = (
            (value or 0.0) - planned for value, planned in zip(values, base, strict=True)
        )
        after = replace(entry, food=ref, amount=amount, unit=unit)
        return _Option(meal_index, entry_index, kind, after, magnesium, energy, sodium,
                       vitamin_d, calcium, refined, why)

    # -- solving ---------------------------------------------------------------------------

    def _solve(
        self, options: Sequence[_Option], limits: _Limits, totals: _Totals,
        magnesium_needed: float | None,
    ) -> _Solve:
        """Fewest changes giving ``magnesium_needed`` more mg; most magnesium when ``None``."""
        limit = self._settings.max_changes_per_day
        if not options or limit == 0:
            return _Solve(None if magnesium_needed is not None else (), False)
        # Imported here: scipy takes a noticeable part of a second to import, and only the
        # optimizer needs it (the window starts without it).
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        magnesium = np.array([option.magnesium for option in options])
        energy = np.array([option.energy for option in options])
        sodium = np.array([option.sodium for option in options])
        vitamin_d = np.array([option.vitamin_d for option in options])
        calcium = np.array([option.calcium for option in options])
        refined = np.array([option.refined for option in options])
        count = len(options)

        rows: list[npt.NDArray[np.float64]] = []
        lower: list[float] = []
        upper: list[float] = []

        def row(coefficients: npt.NDArray[np.float64], low: float, high: float) -> None:
            rows.append(coefficients)
            lower.append(low)
            upper.append(high)

        groups: dict[tuple[int, int], list[int]] = {}
        for index, option in enumerate(options):
            groups.setdefault((option.meal_index, option.entry_index), []).append(index)
        for members in groups.values():
            if len(members) > 1:
                membership = np.zeros(count)
                membership[members] = 1.0
                row(membership, -np.inf, 1.0)
        if limit < len(groups):
            row(np.ones(count), -np.inf, float(limit))
        row(energy, -limits.energy_band, limits.energy_band)
        row(sodium, -np.inf, limits.sodium_max_rise)
        row(vitamin_d, limits.vitamin_d_floor - totals.vitamin_d, np.inf)
        row(calcium, limits.calcium_floor - totals.calcium, np.inf)

        if magnesium_needed is None:
            objective = -magnesium
        else:
            row(magnesium, magnesium_needed, np.inf)
            # Tie-breaks within [-3, 2] per change, times eps: with k <= limit changes they
            # move the objective by less than one change, so fewer changes always win. They
            # prefer more magnesium, less energy change, and changing the foods that bring
            # least magnesium for their energy (white rice, cola) over the rich ones.
            eps = 0.2 / (5 * limit + 1)
            magnesium_scale = float(np.max(np.abs(magnesium))) or 1.0
            energy_scale = float(np.max(np.abs(energy))) or 1.0
            tiebreak = (-magnesium / magnesium_scale + np.abs(energy) / energy_scale
                        - refined)
            objective = 1.0 + eps * tiebreak

        result = milp(
            objective,
            integrality=np.ones(count, dtype=np.int8),
            bounds=Bounds(0.0, 1.0),
            constraints=LinearConstraint(np.vstack(rows), lower, upper),
            # A gap of 0: the tie-breaks are far below HiGHS's default relative gap (1e-4).
            options={"time_limit": self._settings.time_limit_s, "mip_rel_gap": 0.0},
        )
        timed_out = result.status == 1
        if result.x is None:
            return _Solve(None, timed_out)
        chosen = tuple(int(index) for index in np.flatnonzero(result.x > 0.5))
        return _Solve(chosen, timed_out)

    def _accept(
        self, day: Day, options: Sequence[_Option], chosen: Sequence[int], target: float,
        before: _Totals, limits: _Limits,
    ) -> tuple[Day, _Totals] | None:
        """The changed day and its totals if a re-analysis confirms every limit, else ``None``.

        The model adds differences to the planned totals while the analysis sums entries;
        checking with the analysis itself guarantees that the user sees what was promised.
        """
        new_day = day
        for index in chosen:
            option = options[index]
            meal = new_day.meals[option.meal_index]
            new_day = new_day.replace_meal(
                option.meal_index, meal.replace_entry(option.entry_index, option.after)
            )
        single = replace(self._plan, days=(new_day,))
        after = _Totals.of(analyze(single, self._foods, self._targets).days[0])

        def slack(value: float) -> float:
            return _RELATIVE_SLACK * max(1.0, abs(value))

        within = (
            len(chosen) <= self._settings.max_changes_per_day
            and after.magnesium >= target
            and abs(after.energy - before.energy) <= limits.energy_band + slack(before.energy)
            and after.sodium <= before.sodium + limits.sodium_max_rise + slack(before.sodium)
            and after.vitamin_d >= limits.vitamin_d_floor - slack(limits.vitamin_d_floor)
            and after.calcium >= limits.calcium_floor - slack(limits.calcium_floor)
        )
        return (new_day, after) if within else None

    def _changes(
        self, day: Day, options: Sequence[_Option], chosen: Sequence[int]
    ) -> tuple[Change, ...]:
        changes = []
        for index in sorted(chosen, key=lambda i: (options[i].meal_index,
                                                    options[i].entry_index)):
            option = options[index]
            meal = day.meals[option.meal_index]
            before = meal.entries[option.entry_index]
            before_name = self._name(before.food)
            after_name = self._name(option.after.food)
            effect = (f"{option.magnesium:+.0f} mg magnesium, "
                      f"{option.energy:+.0f} kcal")
            if option.kind == "portion" and option.after.food == before.food:
                what = f"{before_name} {_amount_label(before)} -> {_amount_label(option.after)}"
            else:
                what = (f"{before_name} {_amount_label(before)} -> "
                        f"{after_name} {_amount_label(option.after)}")
            why = option.why
            description = f"{meal.name}: {what} ({effect})" + (f" — {why}" if why else "")
            changes.append(Change(
                day.date, option.meal_index, option.entry_index, meal.name, option.kind,
                before, option.after, before_name, after_name, option.magnesium,
                option.energy, description, why,
            ))
        return tuple(changes)

    def _name(self, ref: FoodRef) -> str:
        food = self._foods.get(ref)
        return food.name if food is not None else str(ref)
