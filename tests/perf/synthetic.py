"""Synthetic foods for search benchmarks: realistic names made from real USDA words."""

from __future__ import annotations

import random
from collections.abc import Iterator

from planner.core.foods import Food, FoodRef, nutrient_map
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
