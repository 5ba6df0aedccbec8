"""What is bought for what is eaten, on the real SR28 foods and the shipped table."""

from __future__ import annotations

import functools

import pytest

from planner.core.foods import Food, FoodRef
from planner.core.purchase import Purchase, PurchaseRules, PurchaseRulesError, purchase_index
from planner.paths import read_shipped_text
from planner.services.database import read_shipped_dataset


@functools.cache
def _index() -> tuple[dict[str, Food], dict[FoodRef, Purchase]]:
    foods = {food.ref.source_id: food for food in read_shipped_dataset().foods}
    rules = PurchaseRules.from_json(read_shipped_text("purchase.json"))
    return foods, purchase_index(foods.values(), rules)


def _bought(ndb: str) -> Purchase | None:
    foods, index = _index()
    return index.get(foods[ndb].ref)


def test_cooked_rice_pasta_and_beans_are_bought_dry_by_their_water_free_mass() -> None:
    foods, _index_ = _index()
    rice = _bought("20045")  # Rice, white, long-grain, regular, enriched, cooked
    assert rice is not None and rice.food is not None
    assert rice.food.ref.source_id == "20044"  # ..., raw, enriched
    assert (rice.form, rice.method, rice.eaten_form) == ("dry", "water-free mass", "cooked")
    # Water 68.44 g cooked, 11.62 g raw per 100 g: 31.56 / 88.38 g dry per g cooked.
    assert rice.factor == pytest.approx((100 - 68.44) / (100 - 11.62))
    pasta = _bought("20121")  # Pasta, cooked, enriched, without added salt
    assert pasta is not None and pasta.food is not None
    assert pasta.food.name == "Pasta, dry, enriched"
    assert pasta.factor == pytest.approx((100 - 62.13) / (100 - 9.9))
    beans = _bought("16015")  # Beans, black, mature seeds, cooked, boiled, without salt
    assert beans is not None and beans.food is not None
    assert beans.food.name == "Beans, black, mature seeds, raw"
    assert _bought("20137").food.name == "Quinoa, uncooked"  # type: ignore[union-attr]
    del foods


def test_meat_and_fish_are_bought_raw_by_their_protein() -> None:
    beef = _bought("23576")  # Beef, ground, 80% lean meat / 20% fat, loaf, cooked, baked
    assert beef is not None and beef.food is not None
    assert beef.food.name == "Beef, ground, 80% lean meat / 20% fat, raw"
    assert beef.method == "protein" and beef.form == "raw"
    foods, _ = _index()
    cooked, raw = foods["23576"], beef.food
    assert beef.factor == pytest.approx(cooked.value("protein_g") / raw.value("protein_g"))
    assert 1.2 < beef.factor < 1.7  # a cooked loaf is about 70 % of the raw meat
    tilapia = _bought("15262")
    assert tilapia is not None and tilapia.food.name == "Fish, tilapia, raw"  # type: ignore[union-attr]


def test_the_table_pairs_what_sr28_names_apart_and_brews() -> None:
    chicken = _bought("05064")  # Chicken, broilers or fryers, breast, meat only, roasted
    assert chicken is not None and chicken.method == "table"
    assert chicken.food.ref.source_id == "05062"  # type: ignore[union-attr]
    # Protein 31.02 g roasted, 22.5 g raw: 1.38 g raw per g roasted.
    assert chicken.factor == pytest.approx(31.02 / 22.5)
    coffee = _bought("14209")  # Beverages, coffee, brewed, prepared with tap water
    assert coffee is not None and coffee.food is None
    assert (coffee.name, coffee.form, coffee.factor) == ("ground coffee", "ground", 0.055)
    assert "55 g of ground coffee per litre" in coffee.why
    tea = _bought("14355")
    assert tea is not None and tea.name == "tea (leaves or bags)"


def test_drinks_made_up_from_a_concentrate_buy_the_concentrate() -> None:
    lemonade = _bought("14293")  # Lemonade, frozen concentrate, white, prepared with water
    assert lemonade is not None and lemonade.food is not None
    assert lemonade.food.name == "Lemonade, frozen concentrate, white"
    assert lemonade.form == "concentrate" and 0.1 < lemonade.factor < 0.4


def test_foods_bought_as_eaten_have_no_purchase() -> None:
    for ndb in ("20044", "01123", "09003", "18069", "19411", "11457"):
        assert _bought(ndb) is None, ndb


@pytest.mark.parametrize("text, message", [
    ("not json", "not valid JSON"),
    ('{"format": "other"}', "planner.purchase/1"),
    ('{"format": "planner.purchase/1", "brews": [{"match": "("}]}', "brew 1"),
    ('{"format": "planner.purchase/1", "brews": [{"match": "x", "name": "n", '
     '"grams_per_100g": 0, "form": "f", "why": "w"}]}', "above 0"),
    ('{"format": "planner.purchase/1", "pairs": [{"eaten": "1"}]}', "pair 1"),
])
def test_a_broken_purchase_file_says_where(text: str, message: str) -> None:
    with pytest.raises(PurchaseRulesError, match=message):
        PurchaseRules.from_json(text)
