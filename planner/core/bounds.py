"""The range of every number planner accepts, declared once, and short quotes for messages.

Each :class:`Bound` names a quantity, its smallest and largest accepted value and its
unit. The validators (amounts, recipes, supplements, targets, rule thresholds, the
household factor, settings) check with it, so a number that passes is finite and within
its range, and the results derived from it stay finite too: no division by a yield of
``5e-324`` g, no percentage of a target of ``1e-300`` mg. The README's table of ranges
lists :data:`BOUNDS` (a test keeps the two equal).

Messages quote what a person or a file gave with :func:`quote`, which cuts long values:
an error about a 10 MB name shows its first 60 characters and ``…``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from planner.core.nutrients import BY_KEY

__all__ = [
    "AGE",
    "AMOUNT",
    "BOUNDS",
    "CA_MG_RATIO_MAX",
    "COOKED_WEIGHT",
    "DOSE",
    "FILE_RECIPES",
    "HOUSEHOLD_FACTOR",
    "LOW_COVERAGE_SHARE",
    "MG_LOW_SHARE_OF_EAR",
    "NUTRIENT_PER_100G",
    "QUOTE_LIMIT",
    "RECIPE_DEPTH",
    "RECIPE_INGREDIENTS",
    "SERVINGS",
    "TARGET",
    "VITD_HIGH_SHARE_OF_RDA",
    "WEIGHT",
    "Bound",
    "clip",
    "nutrient_limit",
    "quote",
]

#: Characters of a value a message shows at most.
QUOTE_LIMIT: Final = 60


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ending in ``…`` when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as a message shows it: ``repr`` for text and numbers, cut to ``limit``;
    a list or an object by its kind (its ``repr`` could be huge or nested too deeply)."""
    if isinstance(value, str):
        # The repr of a cut string, so the quotes stay on: 'xxxx…'
        return repr(clip(value, limit)) if len(value) > limit else clip(repr(value), limit + 2)
    if value is None or isinstance(value, bool | float):
        return repr(value)
    if isinstance(value, int):
        # A 10,000-digit integer is a number, not a message.
        digits = len(str(value)) if abs(value) < 10**200 else 201
        return repr(value) if digits <= limit else f"a number of {digits}+ digits"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict | Mapping):
        return "an object"
    return clip(type(value).__name__, limit)


def _number_text(value: float) -> str:
    return f"{value:,g}" if abs(value) >= 1000 else f"{value:g}"


def _given(value: float) -> str:
    """A number as given: short (``1e+06``), but never rounded to look like another."""
    text, exact = f"{value:g}", repr(value)
    return text if float(text) == value and len(text) <= len(exact) else exact


@dataclass(frozen=True, slots=True)
class Bound:
    """A quantity's accepted range: ``minimum`` to ``maximum`` (both included), in ``unit``.

    ``above`` is a minimum that is itself refused ("more than 0"); then ``minimum`` is
    ignored. ``meaning`` says what the number is, for the README's table.
    """

    name: str
    minimum: float
    maximum: float
    unit: str
    meaning: str
    above: float | None = None

    def check(self, value: object, *, what: str | None = None,
              error: type[ValueError] = ValueError) -> float:
        """``value`` as a float if it is a finite number in range, else ``error``.

        The messages are those planner always gave: ``amount must be more than zero,
        got -2``, ``amount 1e+06 is too large (at most 100,000)``.
        """
        what = what or self.name
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise error(f"{what} must be a number, got {quote(value)}")
        try:
            number = float(value)
        except OverflowError:
            raise error(f"{what} {quote(value)} is too large "
                        f"(at most {self._limit(self.maximum)})") from None
        if math.isnan(number):
            raise error(f"{what} is not a number (NaN)")
        if math.isinf(number):
            raise error(f"{what} must be finite, got {number}")
        if number <= 0 and (self.above == 0 or self.minimum > 0):
            raise error(f"{what} must be more than zero, got {_given(number)}")
        if self.above is not None and number <= self.above:
            raise error(f"{what} must be more than {self._limit(self.above)}, "
                        f"got {_given(number)}")
        if self.above is None and number < self.minimum:
            raise error(f"{what} {_given(number)} is too small "
                        f"(at least {self._limit(self.minimum)})")
        if number > self.maximum:
            raise error(f"{what} {_given(number)} is too large "
                        f"(at most {self._limit(self.maximum)})")
        return number

    def contains(self, value: float) -> bool:
        """Whether ``value`` would pass :meth:`check`."""
        try:
            self.check(value)
        except ValueError:
            return False
        return True

    @property
    def range_text(self) -> str:
        """``0.001 to 100,000`` or ``more than 0 to 100,000``, as the README shows it."""
        low = (f"more than {_number_text(self.above)}" if self.above is not None
               else _number_text(self.minimum))
        return f"{low} to {_number_text(self.maximum)}"

    def _limit(self, value: float) -> str:
        text = _number_text(value)
        # "servings" and "×" read badly after a number in a message; units read well.
        return f"{text} {self.unit}" if self.unit in ("g", "mg", "µg", "kcal") else text


# --- The bounds -----------------------------------------------------------------------------

#: A meal entry's or a recipe ingredient's amount, in its own unit (g, cup, serving, ...).
AMOUNT: Final = Bound("amount", 0.001, 100_000, "its unit",
                      "an entry's or an ingredient's amount (2 large, 150 g, 1 serving)")
#: What one entry or ingredient weighs (amount x grams per unit).
WEIGHT: Final = Bound("weight", 0, 100_000, "g", "what one entry or ingredient weighs",
                      above=0)
#: A recipe's servings.
SERVINGS: Final = Bound("servings", 0.1, 1000, "servings", "a recipe's servings")
#: A recipe's cooked weight.
COOKED_WEIGHT: Final = Bound("cooked weight", 1, 100_000, "g", "a recipe's cooked weight")
#: Ingredients in one recipe.
RECIPE_INGREDIENTS: Final = Bound("ingredients", 1, 500, "ingredients",
                                  "ingredients in one recipe")
#: How deep recipes may sit inside recipes (a recipe of foods only is 1 deep).
RECIPE_DEPTH: Final = Bound("recipe depth", 1, 500, "levels",
                            "recipes inside recipes (a recipe of foods only is 1)")
#: Recipes in one plan or recipes file.
FILE_RECIPES: Final = Bound("recipes", 0, 5000, "recipes", "recipes in one file")
#: A supplement's dose, in the unit of its nutrient key, by key.
DOSE: Final[Mapping[str, Bound]] = MappingProxyType({
    "vitamin_d_ug": Bound("dose", 0.001, 25_000, "µg",
                          "a vitamin D dose (1,000,000 IU at most)"),
    "magnesium_mg": Bound("dose", 0.01, 10_000, "mg", "a magnesium dose"),
    "calcium_mg": Bound("dose", 0.01, 10_000, "mg", "a calcium dose"),
})
#: A target of the user's own (RDA, EAR or UL), in the nutrient's unit.
TARGET: Final = Bound("target", 0.001, 100_000, "the nutrient's unit",
                      "your own target (RDA, EAR or UL), e.g. 360 mg magnesium")
#: Profile age in whole years (DRI tables start at 1 year).
AGE: Final = Bound("age", 1, 120, "years", "the profile's age, whole years")
#: Cook for this many people: the shopping list's multiplier.
HOUSEHOLD_FACTOR: Final = Bound("household factor", 0.1, 50, "×",
                                "the shopping list's household factor")
#: Rule thresholds (:class:`planner.core.rules.RuleSettings`, ``settings.json``).
VITD_HIGH_SHARE_OF_RDA: Final = Bound("vitd_high_share_of_rda", 0.1, 10, "× RDA",
                                      "vitamin D counts as high from this share of the RDA")
MG_LOW_SHARE_OF_EAR: Final = Bound("mg_low_share_of_ear", 0.1, 10, "× EAR",
                                   "magnesium counts as low below this share of the EAR")
CA_MG_RATIO_MAX: Final = Bound("ca_mg_ratio_max", 0.01, 100, "ratio",
                               "calcium to magnesium above this is shown")
LOW_COVERAGE_SHARE: Final = Bound("low_coverage_share", 0.01, 1, "share",
                                  "a total is flagged from this share of items without value")

_GRAMS_IN: Final = MappingProxyType({"g": 1.0, "mg": 1e3, "µg": 1e6})
#: Energy of 100 g of pure fat is 900 kcal; the margin takes the USDA's own factors.
_MAX_KCAL_PER_100G: Final = 1000.0


def nutrient_limit(key: str) -> float:
    """The most of nutrient ``key`` 100 g of any food can hold, in the key's unit:
    100 g of it (100,000 mg, 100,000,000 µg), or 1,000 kcal of energy."""
    unit = BY_KEY[key].unit
    if unit == "kcal":
        return _MAX_KCAL_PER_100G
    return 100.0 * _GRAMS_IN[unit]


#: A nutrient value per 100 g of a food or a recipe (the most 100 g can hold).
NUTRIENT_PER_100G: Final = Bound("value per 100 g", 0, 100, "g",
                                 "a nutrient per 100 g of a food or recipe "
                                 "(energy: at most 1,000 kcal)")

#: Every bound, in the order of the README's table.
BOUNDS: Final[tuple[Bound, ...]] = (
    AMOUNT, WEIGHT, SERVINGS, COOKED_WEIGHT, RECIPE_INGREDIENTS, RECIPE_DEPTH, FILE_RECIPES,
    DOSE["vitamin_d_ug"], DOSE["magnesium_mg"], DOSE["calcium_mg"], TARGET, AGE, HOUSEHOLD_FACTOR,
    VITD_HIGH_SHARE_OF_RDA, MG_LOW_SHARE_OF_EAR, CA_MG_RATIO_MAX, LOW_COVERAGE_SHARE,
    NUTRIENT_PER_100G,
)
