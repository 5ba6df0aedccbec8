"""Amounts and units: what people type, the grams of a food portion, nutrient units.

A food amount is given in a mass unit (``g``, ``kg``, ``oz``, ``lb``) or in one of the
food's household measures (its :class:`~planner.core.foods.Portion` values). A measure is
named by the start of the portion description: ``cup`` matches ``cup`` and
``cup, chopped``; ``large`` matches ``large`` but not ``extra large``.

Nutrient amounts (supplement doses, user targets) convert to the unit in the nutrient key:
vitamin D to µg (1 µg = 40 IU), magnesium to mg.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

from planner.core.bounds import AMOUNT, WEIGHT, quote
from planner.core.foods import Food, Portion
from planner.core.nutrients import BY_KEY, IU_PER_UG_VITAMIN_D

#: Grams per mass unit (the avoirdupois ounce and pound, exact by definition).
MASS_UNITS: Final = MappingProxyType(
    {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
)
_MASS_ALIASES: Final = MappingProxyType(
    {
        "gram": "g",
        "grams": "g",
        "kilogram": "kg",
        "kilograms": "kg",
        "ounce": "oz",
        "ounces": "oz",
        "pound": "lb",
        "pounds": "lb",
        "lbs": "lb",
    }
)

#: A food amount above this many grams is a typing error, not a meal (:data:`WEIGHT`).
MAX_GRAMS: Final = WEIGHT.maximum
#: Largest number accepted as an amount in any unit (:data:`AMOUNT`).
MAX_AMOUNT: Final = AMOUNT.maximum


class UnitError(ValueError):
    """A unit that does not apply (e.g. ``slice`` for spinach, ``IU`` for magnesium)."""


class AmountError(ValueError):
    """An amount that is not a positive, finite, plausible number."""


_DECIMAL = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_DECIMAL_RE: Final = re.compile(rf"^{_DECIMAL}$")
_FRACTION_RE: Final = re.compile(r"^(?:(?P<whole>\d+)\s+)?(?P<num>\d+)\s*/\s*(?P<den>\d+)$")
# "1,500" is 1.5 to a German and 1500 to an American: a factor of 1000 is not guessed.
_THOUSANDS_RE: Final = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_AMOUNT_HINT: Final = "write e.g. 60, 1.5, 1,5, 1/2 or 1 1/2"


def parse_amount(text: str) -> float:
    """A positive amount typed by a person: ``60``, ``1.5``, ``1,5``, ``1/2``, ``1 1/2``."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise AmountError(f"no amount given; {_AMOUNT_HINT}")
    if cleaned.startswith("-"):
        raise AmountError(f"amount must be more than zero, got {quote(cleaned)}")
    if _THOUSANDS_RE.match(cleaned):
        plain = cleaned.replace(",", "")
        decimal = f"{float(cleaned.replace(',', '.')):g}" if cleaned.count(",") == 1 else None
        either = f"{plain} or {decimal}" if decimal else plain
        raise AmountError(f"{quote(cleaned)} is ambiguous; write {either}")
    if _DECIMAL_RE.match(cleaned):
        return check_amount(float(cleaned.replace(",", ".")))
    fraction = _FRACTION_RE.match(cleaned)
    if fraction is None:
        raise AmountError(f"{quote(cleaned)} is not an amount; {_AMOUNT_HINT}")
    denominator = float(fraction["den"])
    if denominator == 0:
        raise AmountError(f"{quote(cleaned)} divides by zero")
    whole = float(fraction["whole"]) if fraction["whole"] else 0.0
    return check_amount(whole + float(fraction["num"]) / denominator)


def check_amount(value: float, *, what: str = "amount") -> float:
    """``value`` as a float if it is a finite amount in range (:data:`AMOUNT`)."""
    return AMOUNT.check(value, what=what, error=AmountError)


def normalize_unit(text: str) -> str:
    """Case- and space-insensitive form of a unit name, for comparisons."""
    return " ".join(text.lower().split())


def mass_unit(text: str) -> str | None:
    """The canonical mass unit (``g``, ``kg``, ``oz``, ``lb``) that ``text`` names, if any."""
    unit = normalize_unit(text)
    if unit in MASS_UNITS:
        return unit
    return _MASS_ALIASES.get(unit)


def convert_mass(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (both mass units)."""
    source, target = mass_unit(from_unit), mass_unit(to_unit)
    for given, found in ((from_unit, source), (to_unit, target)):
        if found is None:
            raise UnitError(f"{quote(given)} is not a mass unit; mass units: "
                            f"{', '.join(MASS_UNITS)}")
    assert source is not None and target is not None
    return value * MASS_UNITS[source] / MASS_UNITS[target]


def portion_unit_name(portion: Portion) -> str:
    """The short name of a measure: its description up to the first comma or bracket.

    ``cup, chopped`` -> ``cup``; ``package (10 oz)`` -> ``package``; ``large`` -> ``large``.
    """
    short = re.split(r"[,(]", portion.description, maxsplit=1)[0].strip()
    return short or portion.description.strip()


def unit_names(food: Food) -> tuple[str, ...]:
    """Every unit an amount of ``food`` can be given in: mass units, then its measures.

    Each portion contributes its short name (``cup``) and, when longer, its whole
    description (``cup, chopped``), so that every measure can be chosen exactly.
    """
    names: list[str] = list(MASS_UNITS)
    seen = set(names)
    for portion in food.portions:
        for name in (portion_unit_name(portion), " ".join(portion.description.split())):
            key = normalize_unit(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return tuple(names)


def _starts_with_word(description: str, unit: str) -> bool:
    if not description.startswith(unit):
        return False
    # "large" must not match "larger"; a measure name ends at a space, comma or bracket.
    return len(description) == len(unit) or not description[len(unit)].isalnum()


def find_portion(food: Food, unit: str) -> Portion | None:
    """The first portion whose description is ``unit``, else the first that starts with it."""
    wanted = normalize_unit(unit)
    if not wanted:
        return None
    candidates = [wanted]
    if wanted.endswith("s"):
        # "2 cups", "3 slices": the SR descriptions are singular.
        candidates.append(wanted[:-1])
    descriptions = [(portion, normalize_unit(portion.description)) for portion in food.portions]
    for candidate in candidates:
        for portion, description in descriptions:
            if description == candidate:
                return portion
        for portion, description in descriptions:
            if _starts_with_word(description, candidate):
                return portion
    return None


def grams_per_unit(food: Food, unit: str) -> float:
    """Grams in one ``unit`` of ``food``; a mass unit wins over a measure of the same name."""
    mass = mass_unit(unit)
    if mass is not None:
        return MASS_UNITS[mass]
    portion = find_portion(food, unit)
    # A measure weighing nothing, or more than any entry may, is a data error: unusable.
    if portion is None or not 0 < portion.grams_per_unit <= WEIGHT.maximum:
        known = ", ".join(unit_names(food))
        raise UnitError(f"{food.name} ({food.ref}) has no unit {quote(unit)}; "
                        f"its units: {known}")
    return portion.grams_per_unit


def grams_for(food: Food, amount: float, unit: str) -> float:
    """Grams of ``amount`` ``unit`` of ``food`` (amount x grams per unit), checked for sense."""
    checked = check_amount(amount)
    grams = checked * grams_per_unit(food, unit)
    if grams > MAX_GRAMS:
        raise AmountError(
            f"{checked:g} {unit} of {food.name} is {grams / 1000:,.1f} kg; "
            f"at most {MAX_GRAMS / 1000:g} kg is accepted"
        )
    return grams


# Nutrient units: the factor that turns an amount in the given unit into the unit in the key.
_MASS_FACTORS_TO: Final = MappingProxyType(
    {
        "g": MappingProxyType({"g": 1.0, "mg": 1e-3, "ug": 1e-6}),
        "mg": MappingProxyType({"g": 1e3, "mg": 1.0, "ug": 1e-3}),
        "ug": MappingProxyType({"g": 1e6, "mg": 1e3, "ug": 1.0}),
    }
)
_NUTRIENT_UNIT_ALIASES: Final = MappingProxyType(
    {"µg": "ug", "μg": "ug", "mcg": "ug", "ug": "ug", "mg": "mg", "g": "g", "iu": "iu",
     "kcal": "kcal", "kj": "kj"}
)
_KJ_PER_KCAL: Final = 4.184


def nutrient_units(key: str) -> tuple[str, ...]:
    """The unit spellings a nutrient amount can be given in, e.g. ``("ug", "IU", ...)``."""
    base = _base_unit(key)
    if base == "kcal":
        return ("kcal", "kJ")
    units = {"g": ("g", "mg", "ug"), "mg": ("mg", "g", "ug"), "ug": ("ug", "mg")}[base]
    if key == "vitamin_d_ug":
        return ("ug", "IU", "mg")
    return units


def _base_unit(key: str) -> str:
    if key not in BY_KEY:
        raise UnitError(f"unknown nutrient {quote(key)}")
    return key.rsplit("_", 1)[1]


def nutrient_unit_factor(key: str, unit: str) -> float:
    """How many of the key's unit one ``unit`` is: ``("vitamin_d_ug", "IU")`` -> 0.025."""
    base = _base_unit(key)
    spelled = _NUTRIENT_UNIT_ALIASES.get(normalize_unit(unit))
    if base == "kcal":
        if spelled == "kcal":
            return 1.0
        if spelled == "kj":
            return 1.0 / _KJ_PER_KCAL
    elif spelled == "iu":
        if key == "vitamin_d_ug":
            return 1.0 / IU_PER_UG_VITAMIN_D
    elif spelled is not None and spelled in _MASS_FACTORS_TO[base]:
        return _MASS_FACTORS_TO[base][spelled]
    label = BY_KEY[key].label.lower()
    raise UnitError(f"{quote(unit)} is not a unit for {label}; "
                    f"use {', '.join(nutrient_units(key))}")


def to_nutrient_unit(key: str, amount: float, unit: str) -> float:
    """``amount`` in ``unit`` expressed in the key's unit: 2000 IU vitamin D -> 50.0 µg."""
    return amount * nutrient_unit_factor(key, unit)


def from_nutrient_unit(key: str, value: float, unit: str) -> float:
    """``value`` in the key's unit expressed in ``unit``: 50 µg vitamin D -> 2000.0 IU."""
    return value / nutrient_unit_factor(key, unit)


_DECIMALS_BY_UNIT: Final = MappingProxyType({"µg": 1, "g": 1, "mg": 0, "kcal": 0})


def format_nutrient(key: str, value: float, *, unit: bool = True) -> str:
    """A nutrient amount as a person reads it: ``55.0 µg``, ``212 mg``, ``1850 kcal``,
    ``2.7 mg`` iron, ``0.08 mg`` thiamin, ``1269 µg`` folic acid: small amounts keep the
    digits that tell them apart, large ones drop those that do not."""
    nutrient = BY_KEY[key]
    decimals = _DECIMALS_BY_UNIT.get(nutrient.unit, 1)
    magnitude = abs(value)
    if nutrient.unit == "mg" and 0 < magnitude < 10:
        decimals = 1 if magnitude >= 1 else 2
    elif nutrient.unit in ("µg", "g") and magnitude >= 1000:
        decimals = 0
    text = f"{value:.{decimals}f}"
    return f"{text} {nutrient.unit}" if unit else text
