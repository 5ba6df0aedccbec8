"""Plans of the acceptance tests, built from the real foods of ``foods_fixture``."""

from __future__ import annotations

from datetime import date, timedelta

from planner.core.foods import Food
from planner.core.plan import Day, Entry, Meal, Plan, Profile, Supplement

from .foods_fixture import (
    ALMONDS,
    BLACK_BEANS,
    CHEESE_PIZZA,
    COLA,
    EGG,
    OATS,
    PUMPKIN_SEEDS,
    QUINOA,
    SPINACH,
    WHITE_BREAD,
    WHITE_RICE,
)

MONDAY = date(2026, 11, 23)
ANA = Profile("Ana", "female", 45)
VITAMIN_D_2000_IU = Supplement("Vitamin D3 2000 IU", "vitamin_d", 2000, "IU")
VITAMIN_D_50000_IU_WEEKLY = Supplement(
    "Vitamin D3 50000 IU", "vitamin_d", 50000, "IU", "weekly", "sun"
)


def entry(food: Food, amount: float, unit: str) -> Entry:
    return Entry(food.ref, amount, unit)


# Magnesium 138.93 mg: bread 87 g (20.01), eggs 100 g (12), pizza 300 g (69), cola 740 g (0),
# rice 316 g (37.92). Vitamin D 2.0 µg (the eggs).
LOW_MAGNESIUM_MEALS = (
    Meal("Breakfast", (entry(WHITE_BREAD, 3, "slice"), entry(EGG, 2, "large"))),
    Meal("Lunch", (entry(CHEESE_PIZZA, 300, "g"), entry(COLA, 1, "can"))),
    Meal("Dinner", (entry(WHITE_RICE, 2, "cup"), entry(COLA, 1, "can"))),
    Meal("Snacks"),
)
# Magnesium 640.974 mg: oats 80 g (110.4), quinoa 185 g (118.4), black beans 172 g (120.4),
# spinach 60 g (47.4), almonds by their SR ounce portion 28.35 g (76.545), pumpkin seeds by
# the exact ounce 28.349523125 g (167.829).
MAGNESIUM_RICH_MEALS = (
    Meal("Breakfast", (entry(OATS, 80, "g"), entry(ALMONDS, 1, "oz (23 whole kernels)"))),
    Meal("Lunch", (entry(QUINOA, 1, "cup"), entry(SPINACH, 60, "g"))),
    Meal("Dinner", (entry(BLACK_BEANS, 1, "cup"),)),
    Meal("Snacks", (entry(PUMPKIN_SEEDS, 1, "oz"),)),
)
# Magnesium 282.4 mg, between the EAR of a woman of 25 (255 mg) and of a pregnant one (290 mg):
# quinoa 185 g (118.4), black beans 172 g (120.4), eggs 100 g (12), spinach 40 g (31.6).
MID_MAGNESIUM_MEALS = (
    Meal("Breakfast", (entry(EGG, 2, "large"),)),
    Meal("Lunch", (entry(QUINOA, 1, "cup"), entry(SPINACH, 40, "g"))),
    Meal("Dinner", (entry(BLACK_BEANS, 1, "cup"),)),
)


def week_of(profile: Profile, meals: tuple[Meal, ...], *supplements: Supplement) -> Plan:
    days = tuple(Day(MONDAY + timedelta(days=n), meals) for n in range(7))
    return Plan(profile, days, supplements)
