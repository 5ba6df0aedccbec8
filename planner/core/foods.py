"""Foods as plain values: a reference, nutrients per 100 g, household portions.

A food is addressed in files and on the command line as ``source:id``:
``usda:11457`` (SR28 NDB number), ``fdc:168149``, ``off:3017620422003``,
``user:<id>``, ``recipe:<id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from planner.core.bounds import nutrient_limit, quote
from planner.core.nutrients import NUTRIENT_KEYS

#: Source names as they appear in references, mapped to the stored source name.
SOURCES: Final = MappingProxyType(
    {"usda": "usda-sr28", "fdc": "fdc", "off": "off", "user": "user", "recipe": "recipe"}
)
_PREFIX_BY_SOURCE: Final = MappingProxyType({v: k for k, v in SOURCES.items()})


class FoodRefError(ValueError):
    """A food reference that is not of the form ``source:id``."""


@dataclass(frozen=True, slots=True, order=True)
class FoodRef:
    """Stable address of a food across machines: stored source and source id."""

    source: str
    source_id: str

    @classmethod
    def parse(cls, text: str) -> FoodRef:
        prefix, sep, ident = text.strip().partition(":")
        if not sep or not ident.strip():
            raise FoodRefError(
                f"{quote(text)} is not a food reference; expected e.g. usda:11457 or "
                "off:3017620422003"
            )
        source = SOURCES.get(prefix.lower())
        if source is None:
            known = ", ".join(SOURCES)
            raise FoodRefError(f"unknown food source {quote(prefix, 20)} in {quote(text)}; "
                               f"known: {known}")
        ident = ident.strip()
        if source == "usda-sr28" and ident.isdigit():
            # NDB numbers are five characters with leading zeros: usda:1123 is usda:01123.
            ident = ident.zfill(5)
        return cls(source, ident)

    def __str__(self) -> str:
        return f"{_PREFIX_BY_SOURCE.get(self.source, self.source)}:{self.source_id}"


@dataclass(frozen=True, slots=True)
class Portion:
    """A household measure: ``amount`` x ``description`` weighs ``grams``."""

    amount: float
    description: str
    grams: float

    @property
    def label(self) -> str:
        """The measure as a person reads it, e.g. ``1 cup`` or ``0.5 cup``."""
        amount = f"{self.amount:g}"
        return f"{amount} {self.description}"

    @property
    def grams_per_unit(self) -> float:
        """Weight of one unit of this measure (``1 cup``), whatever ``amount`` says."""
        return self.grams / self.amount if self.amount else self.grams


@dataclass(frozen=True, slots=True)
class FoodGroup:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Food:
    """A food with its nutrients per 100 g (``None`` = unknown) and portions."""

    ref: FoodRef
    name: str
    group_code: str | None
    nutrients: Mapping[str, float | None]
    portions: tuple[Portion, ...] = ()
    #: Local database id once stored; ``None`` for a food not yet in a database.
    id: int | None = None
    group_name: str | None = None
    #: Free text on provenance shown with the food (e.g. the Open Food Facts licence).
    attribution: str | None = None
    #: Other names people use ("soft drink, pop, soda" for cola; SR28's ``ComName``).
    common_name: str | None = None
    #: In the national dietary survey (SR28's ``Survey`` flag, the FNDDS foods): a food
    #: people report eating, with a complete nutrient profile.
    survey: bool = False

    def value(self, key: str) -> float | None:
        """Nutrient per 100 g, or ``None`` when unknown."""
        return self.nutrients.get(key)


@dataclass(frozen=True, slots=True)
class FoodHit:
    """One row of a food search: enough to show and rank, without portions."""

    id: int
    ref: FoodRef
    name: str
    group_code: str | None
    group_name: str | None
    energy_kcal: float | None
    magnesium_mg: float | None
    vitamin_d_ug: float | None
    #: Grams and label of the food's first household portion, if any.
    default_portion: Portion | None = None
    extra: Mapping[str, float | None] = field(default_factory=dict)
    #: Other names people use (searched with the name).
    common_name: str | None = None

    @property
    def magnesium_per_100_kcal(self) -> float | None:
        """Magnesium density, the measure that finds magnesium-rich foods fairly."""
        if self.magnesium_mg is None or not self.energy_kcal:
            return None
        return self.magnesium_mg * 100.0 / self.energy_kcal


def nutrient_map(values: Mapping[str, float | None]) -> Mapping[str, float | None]:
    """A read-only nutrient map holding every tracked key (missing keys are unknown).

    A value no food can have (not a finite number from 0 to :func:`nutrient_limit`,
    e.g. ``1e308`` mg of magnesium from an online source) is unknown too: it would make
    every total it enters infinite.
    """
    unknown = set(values) - set(NUTRIENT_KEYS)
    if unknown:
        raise ValueError(f"unknown nutrient keys: {', '.join(sorted(unknown))}")
    return MappingProxyType({key: _possible(key, values.get(key)) for key in NUTRIENT_KEYS})


def _possible(key: str, value: float | None) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= nutrient_limit(key):  # NaN fails every comparison
        return None
    return value
