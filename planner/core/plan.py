"""Plans as immutable values: a profile, days of meals with entries, and supplements.

Every change returns a modified copy (``plan.with_day(day)``, ``meal.add_entry(entry)``),
so a plan shown in the window never changes under the reader and undo is a reference.

A supplement is taken daily or weekly on one weekday. For totals and rules a weekly dose
counts one seventh on every day: 50,000 IU on Sundays counts as 7,142.9 IU (178.6 µg) a
day, the exposure that matters for vitamin D, which the body stores for weeks.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Final, Literal

from planner.core.bounds import DOSE, quote
from planner.core.compounds import Compound, find_compound, mineral_compounds
from planner.core.foods import FoodRef
from planner.core.targets import (
    DriTables,
    LifeStage,
    Sex,
    TargetError,
    Targets,
    check_overrides,
    check_person,
    targets_for,
)
from planner.core.units import UnitError, check_amount, normalize_unit, to_nutrient_unit
from planner.core.weeks import DAYS_PER_WEEK

SupplementNutrient = Literal["vitamin_d", "magnesium", "calcium"]
MagnesiumForm = Literal[
    "citrate", "glycinate", "oxide", "malate", "chloride", "taurate", "threonate", "other"
]
Schedule = Literal["daily", "weekly"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

DEFAULT_MEALS: Final = ("Breakfast", "Lunch", "Dinner", "Snacks")
WEEKDAYS: Final[tuple[Weekday, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEDULES: Final[tuple[Schedule, ...]] = ("daily", "weekly")
MAGNESIUM_FORMS: Final[tuple[MagnesiumForm, ...]] = (
    "citrate", "glycinate", "oxide", "malate", "chloride", "taurate", "threonate", "other"
)
#: Supplement nutrients and the nutrient keys their doses add to.
SUPPLEMENT_NUTRIENTS: Final = MappingProxyType(
    {"vitamin_d": "vitamin_d_ug", "magnesium": "magnesium_mg", "calcium": "calcium_mg"}
)
#: Unit spellings accepted for a dose; the file keeps the spelling it was given.
SUPPLEMENT_UNITS: Final = MappingProxyType(
    {"vitamin_d": ("IU", "ug", "µg", "mcg"), "magnesium": ("mg", "g"), "calcium": ("mg", "g")}
)
#: A compound's dose and the elemental amount given with it may differ by this share (a
#: label rounds), no more.
COMPOUND_TOLERANCE: Final = 0.02
# A single dose above DOSE's maximum is a typing error (the largest clinical vitamin D
# boluses are around 600,000 IU; 10 g of magnesium is far beyond any product).


class PlanError(ValueError):
    """A plan, day, meal, entry or supplement that would not make sense."""


def _check_index(index: int, items: tuple[object, ...], what: str) -> None:
    if not 0 <= index < len(items):
        raise PlanError(f"no {what} at position {index + 1}; there are {len(items)}")


@dataclass(frozen=True, slots=True)
class Profile:
    """Whose plan it is: what the targets are looked up by, plus the user's own targets."""

    name: str
    sex: Sex
    age: int
    life_stage: LifeStage = "none"
    #: ``key`` or ``key.field`` -> value (see :mod:`planner.core.targets`).
    target_overrides: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PlanError("a profile needs a name")
        try:
            check_person(self.age, self.sex, self.life_stage)
            overrides = check_overrides(self.target_overrides)
        except TargetError as error:
            raise PlanError(str(error)) from None
        object.__setattr__(self, "target_overrides", overrides)

    def targets(self, tables: DriTables) -> Targets:
        return targets_for(
            tables, age=self.age, sex=self.sex, life_stage=self.life_stage,
            overrides=self.target_overrides,
        )

    def with_override(self, name: str, value: float | None) -> Profile:
        """A copy with one target override set, or removed when ``value`` is ``None``."""
        overrides = dict(self.target_overrides)
        if value is None:
            overrides.pop(name, None)
        else:
            overrides[name] = value
        return replace(self, target_overrides=overrides)


@dataclass(frozen=True, slots=True)
class Entry:
    """An amount of a food in a meal: ``2 large`` eggs, ``60 g`` spinach."""

    food: FoodRef
    amount: float
    unit: str
    id: int | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "amount", check_amount(self.amount))
        except ValueError as error:
            raise PlanError(str(error)) from None
        if not self.unit.strip():
            raise PlanError("an entry needs a unit")


@dataclass(frozen=True, slots=True)
class Meal:
    name: str
    entries: tuple[Entry, ...] = ()
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PlanError("a meal needs a name")
        object.__setattr__(self, "entries", tuple(self.entries))

    def add_entry(self, entry: Entry) -> Meal:
        return replace(self, entries=(*self.entries, entry))

    def replace_entry(self, index: int, entry: Entry) -> Meal:
        _check_index(index, self.entries, "entry")
        return replace(self, entries=(*self.entries[:index], entry, *self.entries[index + 1:]))

    def remove_entry(self, index: int) -> Meal:
        _check_index(index, self.entries, "entry")
        return replace(self, entries=self.entries[:index] + self.entries[index + 1:])

    def renamed(self, name: str) -> Meal:
        return replace(self, name=name)


@dataclass(frozen=True, slots=True)
class Day:
    """One date's meals, in the order they are shown."""

    date: dt.date
    meals: tuple[Meal, ...] = ()
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "meals", tuple(self.meals))

    @classmethod
    def with_default_meals(cls, day: dt.date) -> Day:
        return cls(day, tuple(Meal(name) for name in DEFAULT_MEALS))

    @property
    def entries(self) -> Iterator[Entry]:
        for meal in self.meals:
            yield from meal.entries

    @property
    def entry_count(self) -> int:
        return sum(len(meal.entries) for meal in self.meals)

    @property
    def is_empty(self) -> bool:
        return not any(meal.entries for meal in self.meals)

    def meal_index(self, name: str) -> int:
        """Position of the meal called ``name`` (case-insensitive)."""
        wanted = name.strip().casefold()
        for index, meal in enumerate(self.meals):
            if meal.name.strip().casefold() == wanted:
                return index
        raise PlanError(f"{self.date.isoformat()} has no meal {quote(name)}")

    def replace_meal(self, index: int, meal: Meal) -> Day:
        _check_index(index, self.meals, "meal")
        return replace(self, meals=(*self.meals[:index], meal, *self.meals[index + 1:]))

    def add_entry(self, meal_index: int, entry: Entry) -> Day:
        _check_index(meal_index, self.meals, "meal")
        return self.replace_meal(meal_index, self.meals[meal_index].add_entry(entry))

    def add_meal(self, name: str) -> Day:
        return replace(self, meals=(*self.meals, Meal(name)))

    def remove_meal(self, index: int) -> Day:
        _check_index(index, self.meals, "meal")
        return replace(self, meals=self.meals[:index] + self.meals[index + 1:])

    def rename_meal(self, index: int, name: str) -> Day:
        _check_index(index, self.meals, "meal")
        return self.replace_meal(index, self.meals[index].renamed(name))

    def move_meal(self, index: int, to_index: int) -> Day:
        """The meal at ``index`` moved to position ``to_index``."""
        _check_index(index, self.meals, "meal")
        _check_index(to_index, self.meals, "meal")
        meals = list(self.meals)
        meals.insert(to_index, meals.pop(index))
        return replace(self, meals=tuple(meals))


@dataclass(frozen=True, slots=True)
class Supplement:
    """A vitamin D, magnesium or calcium supplement and when it is taken.

    ``amount`` is always the elemental amount (mg of magnesium, not of the salt). A label
    that prints the compound ("magnesium bisglycinate 500 mg") is given as ``compound``
    and ``compound_amount`` (:meth:`of_compound` works the amount out: 70.5 mg); an
    ``amount`` given with them must agree within :data:`COMPOUND_TOLERANCE`.
    """

    name: str
    nutrient: SupplementNutrient
    amount: float
    unit: str
    schedule: Schedule = "daily"
    weekday: Weekday | None = None
    #: The magnesium salt (absorption differs); ``None`` for vitamin D or when not known.
    form: MagnesiumForm | None = None
    id: int | None = None
    #: The compound the label names (:data:`planner.core.compounds.COMPOUNDS` key).
    compound: str | None = None
    #: The compound's weight per dose, in ``unit``, as the label prints it.
    compound_amount: float | None = None

    @classmethod
    def of_compound(cls, name: str, nutrient: SupplementNutrient, compound: str,
                    compound_amount: float, unit: str = "mg", **options: Any) -> Supplement:
        """A supplement whose label gives the compound's weight: its elemental amount is
        worked out from the compound's formula."""
        found = _compound(nutrient, compound)
        if isinstance(compound_amount, bool) or not isinstance(compound_amount, int | float) \
                or not math.isfinite(compound_amount) or compound_amount <= 0:
            raise PlanError(f"the compound's dose must be a number above 0, got "
                            f"{quote(compound_amount)}")
        return cls(name, nutrient, found.elemental(float(compound_amount)), unit,
                   compound=found.key, compound_amount=float(compound_amount), **options)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PlanError("a supplement needs a name")
        if self.nutrient not in SUPPLEMENT_NUTRIENTS:
            raise PlanError(f"supplement nutrient must be vitamin_d, magnesium or calcium, "
                            f"got {quote(self.nutrient)}")
        self._check_unit()
        object.__setattr__(self, "amount", self._checked_amount())
        self._check_schedule()
        self._check_form()
        self._check_compound()

    def _check_compound(self) -> None:
        if self.compound is None:
            if self.compound_amount is not None:
                raise PlanError("a compound's dose needs the compound's name")
            return
        found = _compound(self.nutrient, self.compound)
        object.__setattr__(self, "compound", found.key)
        if self.compound_amount is None:
            return
        elemental = found.elemental(self.compound_amount)
        if abs(self.amount - elemental) > COMPOUND_TOLERANCE * elemental:
            raise PlanError(
                f"amount {self.amount:g} {self.unit} contradicts {self.compound_amount:g} "
                f"{self.unit} of {found.name}, which holds {elemental:.1f} {self.unit} of "
                f"{found.mineral}")

    @property
    def compound_text(self) -> str | None:
        """``500 mg magnesium bisglycinate = 70.5 mg magnesium (14.1%)``, if a compound's
        dose was given."""
        if self.compound is None or self.compound_amount is None:
            return None
        return _compound(self.nutrient, self.compound).describe(self.compound_amount,
                                                                 self.unit)

    def _check_unit(self) -> None:
        units = SUPPLEMENT_UNITS[self.nutrient]
        if (not isinstance(self.unit, str)
                or normalize_unit(self.unit) not in {normalize_unit(unit) for unit in units}):
            raise PlanError(f"{self.nutrient} is given in {', '.join(units)}, "
                            f"not {quote(self.unit)}")

    def _checked_amount(self) -> float:
        """The dose as a float: a positive finite number in its own unit, and within the
        nutrient's range in the key's unit."""
        bound = DOSE[self.nutrient_key]
        try:
            if isinstance(self.amount, bool) or not isinstance(self.amount, int | float):
                raise PlanError(f"dose must be a number, got {quote(self.amount)}")
            if not math.isfinite(self.amount):
                raise PlanError(f"dose must be a finite number, got {quote(self.amount)}")
            if self.amount <= 0:
                raise PlanError(f"dose must be more than zero, got {quote(self.amount)}")
            dose = to_nutrient_unit(self.nutrient_key, float(self.amount), self.unit)
        except UnitError as error:
            raise PlanError(str(error)) from None
        if dose > bound.maximum:
            raise PlanError(f"a dose of {self.amount:g} {self.unit} is implausibly large "
                            f"(at most {bound.maximum:,g} {bound.unit})")
        if dose < bound.minimum:
            raise PlanError(f"a dose of {self.amount:g} {self.unit} is too small "
                            f"(at least {bound.minimum:g} {bound.unit})")
        return float(self.amount)

    def _check_schedule(self) -> None:
        if self.schedule not in SCHEDULES:
            raise PlanError(f"schedule must be daily or weekly, got {quote(self.schedule)}")
        if self.schedule == "weekly" and self.weekday not in WEEKDAYS:
            raise PlanError(f"a weekly supplement needs a weekday ({', '.join(WEEKDAYS)}), "
                            f"got {quote(self.weekday)}")
        if self.schedule == "daily" and self.weekday is not None:
            raise PlanError("a daily supplement has no weekday")

    def _check_form(self) -> None:
        if self.form is None:
            return
        if self.nutrient != "magnesium":
            raise PlanError("only a magnesium supplement has a form")
        if self.form not in MAGNESIUM_FORMS:
            raise PlanError(f"magnesium form must be one of {', '.join(MAGNESIUM_FORMS)}, "
                            f"got {quote(self.form)}")

    @property
    def nutrient_key(self) -> str:
        """The nutrient key the dose adds to: ``vitamin_d_ug`` or ``magnesium_mg``."""
        return SUPPLEMENT_NUTRIENTS[self.nutrient]

    @property
    def dose(self) -> float:
        """One dose in the key's unit (µg vitamin D, mg magnesium)."""
        return to_nutrient_unit(self.nutrient_key, self.amount, self.unit)

    @property
    def daily_amount(self) -> float:
        """What the supplement adds to every day: the dose, or a seventh of a weekly dose."""
        return self.dose if self.schedule == "daily" else self.dose / 7.0


def _compound(nutrient: str, name: str) -> Compound:
    """The compound ``name`` of ``nutrient``'s mineral, or PlanError saying why not."""
    if nutrient not in ("magnesium", "calcium"):
        raise PlanError(f"only a magnesium or calcium supplement names a compound, not "
                        f"{quote(nutrient)}")
    if not isinstance(name, str):
        raise PlanError(f"a compound is named by text, got {quote(name)}")
    found = find_compound(name, nutrient)
    if found is None:
        other = find_compound(name)
        if other is not None:
            raise PlanError(f"{other.name} is a {other.mineral} compound, not {nutrient}")
        known = ", ".join(c.key for c in mineral_compounds(nutrient))
        raise PlanError(f"unknown {nutrient} compound {quote(name)}; known: {known}")
    return found


@dataclass(frozen=True, slots=True)
class Plan:
    """A profile's days (kept in date order, one per date) and supplements."""

    profile: Profile
    days: tuple[Day, ...] = ()
    supplements: tuple[Supplement, ...] = ()
    name: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        days = tuple(sorted(self.days, key=lambda day: day.date))
        for previous, current in zip(days, days[1:], strict=False):
            if previous.date == current.date:
                raise PlanError(f"{current.date.isoformat()} is in the plan twice")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "supplements", tuple(self.supplements))

    @classmethod
    def week(cls, profile: Profile, start: dt.date, *, name: str | None = None) -> Plan:
        """Seven days from ``start``, each with the default meals."""
        days = tuple(Day.with_default_meals(start + dt.timedelta(days=n))
                     for n in range(DAYS_PER_WEEK))
        return cls(profile, days, name=name)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(day.date for day in self.days)

    @property
    def is_empty(self) -> bool:
        """No day has an entry (supplements alone do not make a plan)."""
        return all(day.is_empty for day in self.days)

    def day(self, when: dt.date) -> Day:
        for day in self.days:
            if day.date == when:
                return day
        raise PlanError(f"{when.isoformat()} is not in the plan")

    def with_day(self, day: Day) -> Plan:
        """A copy with ``day`` added, or replacing the day of the same date."""
        others = tuple(existing for existing in self.days if existing.date != day.date)
        return replace(self, days=(*others, day))

    def add_day(self, when: dt.date) -> Plan:
        if when in self.dates:
            raise PlanError(f"{when.isoformat()} is already in the plan")
        return self.with_day(Day.with_default_meals(when))

    def remove_day(self, when: dt.date) -> Plan:
        self.day(when)
        return replace(self, days=tuple(day for day in self.days if day.date != when))

    def with_profile(self, profile: Profile) -> Plan:
        return replace(self, profile=profile)

    def add_supplement(self, supplement: Supplement) -> Plan:
        return replace(self, supplements=(*self.supplements, supplement))

    def replace_supplement(self, index: int, supplement: Supplement) -> Plan:
        _check_index(index, self.supplements, "supplement")
        supplements = (*self.supplements[:index], supplement, *self.supplements[index + 1:])
        return replace(self, supplements=supplements)

    def remove_supplement(self, index: int) -> Plan:
        _check_index(index, self.supplements, "supplement")
        return replace(self, supplements=self.supplements[:index] + self.supplements[index + 1:])

    def supplement_daily_amounts(self) -> Mapping[str, float]:
        """What the supplements add to every day, by nutrient key (weekly doses / 7)."""
        amounts: dict[str, float] = {}
        for supplement in self.supplements:
            key = supplement.nutrient_key
            amounts[key] = amounts.get(key, 0.0) + supplement.daily_amount
        return MappingProxyType(amounts)
