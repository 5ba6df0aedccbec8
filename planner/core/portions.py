"""How much of a food a new entry or ingredient starts with.

One decision for the window (adding from the search, dropping on a meal, the recipe
editor) and the command line alike.
"""

from __future__ import annotations

from planner.core.foods import Food
from planner.core.units import grams_for, portion_unit_name

__all__ = ["default_amount"]


def default_amount(food: Food) -> tuple[float, str]:
    """What adding a food starts with: its first household measure, else 100 g."""
    for portion in food.portions:
        unit = portion_unit_name(portion)
        try:
            grams_for(food, portion.amount, unit)
        except ValueError:
            continue
        return portion.amount, unit
    return 100.0, "g"
