"""A food arrives in its natural household measure (issue 17, item 3), chosen by rules over
the measure names of the shipped USDA foods, not by SR28's order of them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.foods import Food
from planner.core.portions import default_amount, serving_grams
from planner.core.units import grams_for
from planner.paths import shipped
from planner.sources.food_dataset import read_dataset_dir


@pytest.fixture(scope="module")
def foods() -> dict[str, Food]:
    return {food.ref.source_id: food for food in read_dataset_dir(shipped("foods")).foods}


@pytest.mark.parametrize(
    ("ndb", "amount", "unit", "grams"),
    [
        ("09040", 1, "medium", 118),  # a banana, not "1 cup, mashed" (225 g)
        ("09003", 1, "medium", 182),  # an apple, not a cup of chopped apple
        ("01123", 1, "large", 50),  # an egg
        ("18069", 1, "slice", 29),  # white bread
        ("01077", 1, "cup", 244),  # whole milk
        ("14209", 1, "cup", 237),  # brewed coffee, a cup (8 fl oz), not 1 fl oz
        ("04053", 1, "tablespoon", 13.5),  # olive oil
        ("16098", 2, "tbsp", 32),  # peanut butter, not a cup (258 g)
        ("01145", 1, "pat", 5),  # butter, not a cup (227 g)
        ("12061", 1, "oz", 28.35),  # almonds: an ounce (23 kernels), not a cup
        ("01009", 1, "slice", 28),  # cheddar: a slice (1 oz), not a cup diced
        ("05062", 3, "oz", 85.05),  # chicken breast: 3 oz, not a whole piece (272 g)
        ("11124", 1, "medium", 61),  # a carrot
        ("09316", 1, "cup", 152),  # strawberries: a cup, not one berry (27 g)
        ("01116", 1, "container", 170),  # yogurt: a 6 oz container
        ("20045", 1, "cup", 158),  # cooked white rice
    ],
)
def test_a_food_starts_in_its_natural_measure(
    foods: dict[str, Food], ndb: str, amount: float, unit: str, grams: float,
) -> None:
    food = foods[ndb]
    assert default_amount(food) == (amount, unit)
    assert grams_for(food, amount, unit) == pytest.approx(grams, abs=0.01)


def test_a_food_without_a_serving_measure_starts_at_100_g(foods: dict[str, Food]) -> None:
    food = foods["11457"]
    bare = Food(food.ref, food.name, food.group_code, food.nutrients, ())
    assert default_amount(bare) == (100.0, "g")


def test_a_serving_in_grams_and_the_cup_for_a_drink_without_measures(
    foods: dict[str, Food],
) -> None:
    assert serving_grams(foods["09040"]) == 118  # 1 medium banana
    assert serving_grams(foods["19034"]) == 28.35  # popcorn, air-popped: 1 oz, not 1 cup (8 g)
    kefir = foods["01289"]  # Kefir, lowfat, plain, LIFEWAY: SR28 gives no measure
    assert kefir.portions == () and serving_grams(kefir) == 240
    assert serving_grams(replace(foods["20045"], portions=())) is None  # rice: no guess
