"""How much of a food a new entry or ingredient starts with: its natural household measure.

One decision for the window (adding from the search, dropping on a meal, the recipe
editor) and the command line alike. SR28 lists a food's measures in no useful order (a
banana's first is "1 cup, mashed", 225 g), so the measure is chosen by rules over the
measure names and the food group, as a person would serve it: 1 medium banana, 1 large egg,
1 slice of bread, 1 cup of milk, 1 tbsp of oil, 3 oz of chicken, 1 oz of almonds.
"""

from __future__ import annotations

import re
from typing import Final

from planner.core.foods import Food, Portion
from planner.core.units import grams_for, portion_unit_name

__all__ = ["default_amount", "is_liquid", "natural_portion", "serving_grams"]

#: A drink without household measures is served by the cup (8 fl oz, about 240 g).
DRINK_SERVING_GRAMS: Final = 240.0

#: A serving weighs this much at least and at most (grams): no crumb, no whole package.
_SERVING_GRAMS: Final = (5.0, 500.0)
#: Measures that are never one serving: a whole package, a bunch, a recipe's yield.
_NOT_A_SERVING: Final = re.compile(
    r"\b(package|pkg|yield|yields|recipe|batch|bunch|head|loaf|pie|cake|quart|gallon|lb|"
    r"pound|jar|bag|box|can \(\d+ ?oz\)|bottle \(\d+)", re.IGNORECASE)
#: A form a food is not usually eaten in as a portion: mashed, pureed, melted, crumbs.
_PREPARED_FORM: Final = re.compile(r"\b(mashed|pureed|melted|crumbs|ground|grated)\b",
                                   re.IGNORECASE)
#: Foods served by the spoon: fats, nut butters and spreads, sweeteners, dressings.
_SPOON_WORDS: Final = re.compile(
    r"^(butter|margarine|oil|lard|shortening|mayonnaise|ghee|honey|jams?|jellies|syrups?|"
    r"sugars?|salad dressing|catsup|ketchup|mustard)\b|\b(peanut|almond|cashew|sesame) butter\b"
    r"|^tahini", re.IGNORECASE)
_LIQUID_WORDS: Final = re.compile(r"\b(milk|juice|beverage|beverages|coffee|tea|drink|water|"
                                  r"soda|cola|nectar|smoothie|kefir)\b", re.IGNORECASE)
#: Food groups (SR28 codes) by how they are served.
_PRODUCE: Final = frozenset({"0900", "1100"})
_FATS: Final = frozenset({"0400"})
_NUTS: Final = frozenset({"1200"})
_MEAT_AND_FISH: Final = frozenset({"0500", "0700", "1000", "1300", "1500", "1700"})
_BEVERAGES: Final = frozenset({"1400"})
#: Snacks are served by the ounce (a cup of popcorn is 8 g, no serving).
_SNACKS: Final = frozenset({"2500"})


def is_liquid(food: Food) -> bool:
    """Whether ``food`` is drunk: a beverage, or a milk, juice, coffee, tea... by name."""
    return _is_liquid(food)


def _is_liquid(food: Food) -> bool:
    head = food.name.split(",")[0]
    return food.group_code in _BEVERAGES or bool(_LIQUID_WORDS.search(head))


def _rank(food: Food, portion: Portion) -> int:
    """How natural a serving ``portion`` is for ``food``: 0 is what a person would take."""
    text = portion.description.lower()
    if _PREPARED_FORM.search(text):
        return 8
    if _is_liquid(food):
        if text.startswith("cup") or "8 fl oz" in text or text.startswith("serving"):
            return 0
        return 6 if "fl oz" in text else 4
    if food.group_code in _FATS or _SPOON_WORDS.search(food.name):
        if text.startswith(("tbsp", "tablespoon", "pat")):
            return 0
        return 6 if text.startswith("cup") else 4
    if text.startswith("medium") or text.startswith("large") and "egg" in food.name.lower():
        # A medium fruit or vegetable (over 40 g: not one medium strawberry), a large egg.
        return 0 if portion.grams >= 40 else 5
    if text.startswith("slice") or text.startswith("container"):
        return 1
    if text.startswith("oz") and (
            food.group_code in _NUTS | _MEAT_AND_FISH | _SNACKS or "(" in text):
        return 1
    if food.group_code in _MEAT_AND_FISH and re.match(r"\d*\s*oz\b", text):
        return 1
    if text.startswith("cup") or "nlea serving" in text:
        return 3 if food.group_code not in _NUTS else 5
    if text.startswith(("small", "large", "extra", "piece", "item", "fillet", "breast")):
        # One of a small thing (a strawberry, 27 g) is not a serving; a cup of them is.
        return 2 if portion.grams >= 40 else 5
    return 4


def natural_portion(food: Food) -> Portion | None:
    """The household measure of ``food`` a person would serve, or ``None`` (no measure
    that is one serving)."""
    low, high = _SERVING_GRAMS
    candidates = [
        (rank, index, portion)
        for index, portion in enumerate(food.portions)
        if low <= portion.grams <= high and not _NOT_A_SERVING.search(portion.description)
        for rank in (_rank(food, portion),)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda item: (item[0], item[1]))[2]


def serving_grams(food: Food) -> float | None:
    """Grams of one natural serving: the natural household measure's, a cup for a drink
    SR28 gives no measure (Lifeway kefir), else ``None``."""
    portion = natural_portion(food)
    if portion is not None:
        return portion.grams
    return DRINK_SERVING_GRAMS if _is_liquid(food) else None


def default_amount(food: Food) -> tuple[float, str]:
    """What adding a food starts with: its natural household measure, else 100 g."""
    portion = natural_portion(food)
    if portion is not None:
        unit = portion_unit_name(portion)
        try:
            grams_for(food, portion.amount, unit)
        except ValueError:
            pass
        else:
            return portion.amount, unit
    return 100.0, "g"
