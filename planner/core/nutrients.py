"""The nutrients the planner tracks: stable keys with the unit in the name.

A nutrient value is always "per 100 g of edible portion" when it belongs to a food,
and ``None`` means *unknown*, never zero. Totals carry their coverage (how many items
had a value) so an incomplete total can be shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, overload

#: International units per microgram of vitamin D (D2 or D3).
IU_PER_UG_VITAMIN_D: Final = 40.0


@dataclass(frozen=True, slots=True)
class Nutrient:
    """One tracked nutrient and where its value comes from in the outside sources."""

    key: str
    label: str
    unit: str
    #: SR28 nutrient number (``Nutr_No``).
    sr_number: str
    #: FoodData Central nutrient id for the same nutrient.
    fdc_id: int


NUTRIENTS: Final[tuple[Nutrient, ...]] = (
    Nutrient("energy_kcal", "Energy", "kcal", "208", 1008),
    Nutrient("protein_g", "Protein", "g", "203", 1003),
    Nutrient("fat_g", "Fat", "g", "204", 1004),
    Nutrient("carbs_g", "Carbohydrate", "g", "205", 1005),
    Nutrient("fiber_g", "Fibre", "g", "291", 1079),
    Nutrient("sugars_g", "Sugars", "g", "269", 2000),
    Nutrient("calcium_mg", "Calcium", "mg", "301", 1087),
    Nutrient("iron_mg", "Iron", "mg", "303", 1089),
    Nutrient("magnesium_mg", "Magnesium", "mg", "304", 1090),
    Nutrient("phosphorus_mg", "Phosphorus", "mg", "305", 1091),
    Nutrient("potassium_mg", "Potassium", "mg", "306", 1092),
    Nutrient("sodium_mg", "Sodium", "mg", "307", 1093),
    Nutrient("zinc_mg", "Zinc", "mg", "309", 1095),
    Nutrient("vitamin_d_ug", "Vitamin D", "µg", "328", 1114),
    Nutrient("vitamin_k_ug", "Vitamin K", "µg", "430", 1185),
)

NUTRIENT_KEYS: Final[tuple[str, ...]] = tuple(n.key for n in NUTRIENTS)
BY_KEY: Final = MappingProxyType({n.key: n for n in NUTRIENTS})

#: SR28 / FDC numbers of vitamin D in IU, the fallback when the µg value is absent.
VITAMIN_D_IU_SR_NUMBER: Final = "324"
VITAMIN_D_IU_FDC_ID: Final = 1110


def iu_to_ug_vitamin_d(iu: float) -> float:
    """Vitamin D international units to micrograms (1 µg = 40 IU)."""
    return iu / IU_PER_UG_VITAMIN_D


def ug_to_iu_vitamin_d(ug: float) -> float:
    """Vitamin D micrograms to international units."""
    return ug * IU_PER_UG_VITAMIN_D


@overload
def scaled(per_100g: float, grams: float) -> float: ...
@overload
def scaled(per_100g: float | None, grams: float) -> float | None: ...


def scaled(per_100g: float | None, grams: float) -> float | None:
    """How much of a nutrient ``grams`` of a food hold, from its value per 100 g
    (``None``, unknown, stays unknown). The one place food values are scaled."""
    return None if per_100g is None else per_100g * grams / 100.0


def empty_values() -> dict[str, float | None]:
    """A nutrient map with every key unknown."""
    return dict.fromkeys(NUTRIENT_KEYS)
