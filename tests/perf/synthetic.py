"""Synthetic foods for search benchmarks: realistic names made from real USDA words."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from planner.core.foods import Food, FoodRef, nutrient_map
from planner.core.plan import DEFAULT_MEALS, Day, Entry, Meal, Plan, Profile, Supplement
from planner.db.foods import FoodRepository
from planner.services.database import Database


def synthetic_foods(count: int, seed: int = 28) -> Iterator[Food]:
    """``count`` foods whose names recombine the words of the shipped dataset."""
    from planner.services.database import read_shipped_dataset

    release = read_shipped_dataset()
    names = [food.name.split(", ") for food in release.foods]
    parts = sorted({part for name in names for part in name})
    rng = random.Random(seed)
    for index in range(count):
        head = rng.choice(names)[0]
        tail = rng.sample(parts, k=rng.randint(1, 4))
        yield Food(
            ref=FoodRef("user", f"synthetic-{index}"),
            name=", ".join([head, *tail]),
            group_code=None,
            nutrients=nutrient_map(
                {"magnesium_mg": rng.uniform(0, 400), "energy_kcal": rng.uniform(10, 900)}
            ),
        )


def add_synthetic_foods(db: Database, count: int) -> None:
    foods = list(synthetic_foods(count))
    with db.sessions.begin() as session:
        FoodRepository(session).store_foods(foods)


#: What people type, including the prefixes of search-as-you-type.
QUERIES: tuple[str, ...] = (
    "sp", "spi", "spin", "spinach", "spinach r", "spinach raw",
    "mi", "mil", "milk", "milk 2", "milk whole",
    "ric", "rice", "rice white", "rice brown cooked",
    "al", "alm", "almonds", "oat", "oats", "quinoa cooked",
    "salmon", "salmon atlantic", "mackerel", "egg", "egg whole raw",
    "bread", "bread whole wheat", "chocolate dark", "beans black",
    "chick", "chicken breast", "cheese cheddar", "pumpkin seeds", "broccoli raw",
)


#: The heavy week of the shopping and report benchmarks: 200 entries of 40 foods.
HEAVY_FOOD_COUNT = 40
HEAVY_ENTRY_COUNT = 200
HEAVY_MONDAY = date(2026, 11, 23)


def spread_foods(foods: Iterable[Food], count: int = HEAVY_FOOD_COUNT) -> list[Food]:
    """``count`` foods with household measures, spread evenly over the dataset's order
    (so over the food groups)."""
    with_portions = [food for food in foods if food.portions]
    return with_portions[:: len(with_portions) // count][:count]


def heavy_week(
    chosen: list[Food],
    *,
    supplements: tuple[Supplement, ...] = (),
    name: str | None = None,
) -> Plan:
    """200 entries over 28 meals, alternately in grams and in each food's first measure."""
    position = 0
    days = []
    for offset in range(7):
        meals = []
        for meal_index, meal_name in enumerate(DEFAULT_MEALS):
            slot = offset * len(DEFAULT_MEALS) + meal_index
            count = HEAVY_ENTRY_COUNT * (slot + 1) // 28 - HEAVY_ENTRY_COUNT * slot // 28
            entries = []
            for _ in range(count):
                food = chosen[position % len(chosen)]
                if position % 2:
                    entries.append(
                        Entry(food.ref, 1 + position % 3, food.portions[0].description)
                    )
                else:
                    entries.append(Entry(food.ref, 40 + position % 90, "g"))
                position += 1
            meals.append(Meal(meal_name, tuple(entries)))
        days.append(Day(HEAVY_MONDAY + timedelta(days=offset), tuple(meals)))
    return Plan(Profile("Ana", "female", 45), tuple(days), supplements, name=name)
