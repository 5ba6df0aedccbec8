"""The foods highest in a nutrient, over the real USDA SR28 foods in a real database file.

The expected foods are the true ones of the shipped data (found with plain SQL over the
food table): per 100 g vitamin C is led by a fortified baby food and two drink powders,
with acerola the first fruit; per 100 kcal the leafy greens rise. The portion ranking is
checked against :func:`planner.core.portions.default_amount` food by food, on the real
foods and on foods with awkward measures made for the test.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from planner.core.foods import Food, FoodGroup, FoodRef, Portion, nutrient_map
from planner.core.nutrients import NUTRIENT_KEYS
from planner.db import foods as db_foods
from planner.db.foods import BASES, Basis, FoodRepository, Ranking
from planner.services.database import Database
from planner.services.foods import (
    FoodService,
    UnknownGroupError,
    UnknownNutrientError,
    check_basis,
    check_top_limit,
    nutrient_for,
)

VEGETABLES = "1100"
FRUITS = "0900"
TEST_GROUP = "9900"


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.reading() as reading:
        yield reading


@pytest.fixture
def repository(session: Session) -> FoodRepository:
    return FoodRepository(session)


def names(ranking: Ranking) -> list[str]:
    return [item.hit.name for item in ranking.foods]


#: The shipped foods as each backend stores them (the same in every test database of a
#: backend: they are copies of one loaded database), read once.
_SHIPPED: dict[str, list[Food]] = {}


def shipped_foods(repository: FoodRepository) -> list[Food]:
    backend = repository.session.get_bind().dialect.name
    if backend not in _SHIPPED:
        _SHIPPED[backend] = repository.all_foods()
    return _SHIPPED[backend]


def expected(foods: list[Food], key: str, per: str, group: str | None = None,
             limit: int = 20) -> tuple[list[tuple[float, str]], int, int]:
    """The ranking worked out food by food in Python: (value, name) best first, the
    foods with no value and the foods left out."""
    pool = [f for f in foods if group is None or f.group_code == group]
    known = [f for f in pool if f.value(key) is not None]
    unknown = len(pool) - len(known)
    values: list[tuple[float, str, int]] = []
    for food in known:
        value = food.value(key)
        assert value is not None and food.id is not None
        if per == "100g":
            values.append((value, food.name, food.id))
        elif per == "100kcal":
            energy = food.value("energy_kcal")
            if energy is not None and energy >= db_foods.MIN_ENERGY_KCAL:
                values.append((value * 100.0 / energy, food.name, food.id))
        else:
            measure = db_foods._food_default_grams(food)
            if measure is not None:
                values.append((value * measure[2] / 100.0, food.name, food.id))
    values.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [(v, n) for v, n, _id in values[:limit]], unknown, len(known) - len(values)


def assert_same(ranking: Ranking, wanted: tuple[list[tuple[float, str]], int, int]) -> None:
    foods, unknown, left_out = wanted
    assert [item.hit.name for item in ranking.foods] == [name for _v, name in foods]
    for item, (value, _name) in zip(ranking.foods, foods, strict=True):
        assert math.isclose(item.value, value, rel_tol=1e-12)
    assert (ranking.unknown, ranking.left_out) == (unknown, left_out)


# -- per 100 g -------------------------------------------------------------------------


def test_vitamin_c_per_100g_top_three_are_the_real_ones(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("vitamin_c_mg", per="100g", limit=6)
    assert names(ranking)[:3] == [
        "Babyfood, GERBER, 2nd Foods, apple, carrot and squash, organic",
        "Beverages, Orange-flavor drink, breakfast type, low calorie, powder",
        "Beverages, fruit-flavored drink, powder, with high vitamin C with other added "
        "vitamins, low calorie",
    ]
    assert [item.value for item in ranking.foods] == [2732, 2400, 2400, 1900, 1900, 1677.6]
    # Acerola, the richest food that is not fortified or dried, comes sixth.
    assert names(ranking)[5] == "Acerola, (west indian cherry), raw"
    assert all(item.per_100g == item.value for item in ranking.foods)
    assert all(item.measure is None for item in ranking.foods)
    assert ranking.unknown == 818  # SR28 has no vitamin C value for these: never zero


def test_acerola_leads_the_fruits(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("vitamin_c_mg", per="100g", group=FRUITS, limit=3)
    assert names(ranking) == [
        "Acerola, (west indian cherry), raw", "Acerola juice, raw", "Guavas, common, raw",
    ]
    assert [item.value for item in ranking.foods] == [1677.6, 1600, 228.3]


def test_magnesium_per_100g_top_three(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("magnesium_mg", limit=3)
    assert names(ranking) == [
        "Rice bran, crude",
        "Seaweed, agar, dried",
        "Seeds, cottonseed meal, partially defatted (glandless)",
    ]
    assert [item.value for item in ranking.foods] == [781, 770, 760]


def test_ties_are_in_name_order(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("vitamin_c_mg", per="100g", group=VEGETABLES, limit=2)
    assert names(ranking) == [
        "Peppers, sweet, green, freeze-dried", "Peppers, sweet, red, freeze-dried",
    ]
    assert ranking.foods[0].value == ranking.foods[1].value == 1900


# -- per 100 kcal ----------------------------------------------------------------------


def test_vitamin_k_per_100_kcal_differs_from_per_100g(repository: FoodRepository) -> None:
    per_kcal = repository.top_by_nutrient("vitamin_k_ug", per="100kcal", limit=20)
    per_100g = repository.top_by_nutrient("vitamin_k_ug", per="100g", limit=20)
    assert names(per_kcal)[:3] == ["Amaranth leaves, raw", "Parsley, fresh", "Chard, swiss, raw"]
    assert math.isclose(per_kcal.foods[0].value, 1140 * 100 / 23)  # 1140 µg in 23 kcal
    assert per_kcal.foods[0].per_100g == 1140
    # Dried herbs lead per 100 g; per 100 kcal the leafy greens do, raw spinach among them.
    assert names(per_100g)[0] == "Spices, basil, dried"
    assert "Spices, basil, dried" not in names(per_kcal)
    assert "Spinach, raw" in names(per_kcal)
    assert "Spinach, raw" not in names(per_100g)
    spinach = next(i for i in per_kcal.foods if i.hit.name == "Spinach, raw")
    assert math.isclose(spinach.value, 482.9 * 100 / 23)
    assert spinach.hit.ref == FoodRef.parse("usda:11457")


def test_per_100_kcal_leaves_out_foods_without_energy(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("vitamin_c_mg", per="100kcal", limit=500)
    assert ranking.left_out == 30  # a value for vitamin C, but 0 kcal (or no energy)
    assert all(item.hit.energy_kcal for item in ranking.foods)
    assert "Beverages, tea, green, ready-to-drink, diet" not in names(ranking)
    assert names(ranking)[:2] == ["Acerola juice, raw", "Acerola, (west indian cherry), raw"]


# -- the group filter, unknown values, limits ---------------------------------------------


@pytest.mark.parametrize("per", ["100g", "100kcal", "portion"])
def test_group_filter_keeps_vegetables_only(repository: FoodRepository, per: Basis) -> None:
    ranking = repository.top_by_nutrient("vitamin_k_ug", per=per, group=VEGETABLES, limit=200)
    assert len(ranking.foods) == 200
    assert {item.hit.group_code for item in ranking.foods} == {VEGETABLES}
    assert {item.hit.group_name for item in ranking.foods} == {
        "Vegetables and Vegetable Products"
    }
    everywhere = repository.top_by_nutrient("vitamin_k_ug", per=per, limit=200)
    assert {item.hit.group_code for item in everywhere.foods} != {VEGETABLES}


@pytest.mark.parametrize("per", ["100g", "100kcal", "portion"])
def test_unknown_values_never_rank(
    repository: FoodRepository, session: Session, per: Basis
) -> None:
    # Fluoride: SR28 measures it for 554 foods only; the others are unknown, not zero.
    ranking = repository.top_by_nutrient("fluoride_mg", per=per, limit=500)
    assert ranking.unknown == 8789 - 554
    assert len(ranking.foods) == 500 if per == "100g" else len(ranking.foods) <= 500
    refs = [item.hit.ref for item in ranking.foods]
    foods = repository.get_many(refs)
    assert all(foods[ref].value("fluoride_mg") is not None for ref in refs)
    values = [item.value for item in ranking.foods]
    assert values == sorted(values, reverse=True)
    # Zeros are known values: they rank (last), unknown ones never do.
    everything = repository.top_by_nutrient("fluoride_mg", per="100g", group="0100", limit=500)
    in_group = [f for f in repository.all_foods() if f.group_code == "0100"]
    assert len(everything.foods) == sum(f.value("fluoride_mg") is not None for f in in_group)


def test_nutrient_no_usda_food_has(repository: FoodRepository) -> None:
    for per in BASES:
        ranking = repository.top_by_nutrient("biotin_ug", per=per)
        assert ranking.foods == ()
        assert (ranking.unknown, ranking.left_out) == (8789, 0)


def test_limit_is_clipped_and_bad_keys_refused(repository: FoodRepository) -> None:
    assert len(repository.top_by_nutrient("iron_mg", limit=0).foods) == 1
    assert len(repository.top_by_nutrient("iron_mg", limit=10_000).foods) == 500
    with pytest.raises(ValueError, match="unknown nutrient key"):
        repository.top_by_nutrient("name")
    with pytest.raises(ValueError, match="unknown basis"):
        repository.top_by_nutrient("iron_mg", per="cup")  # type: ignore[arg-type]


@pytest.mark.parametrize("group", ["", "x" * 100, "1100; DROP TABLE food", "\x00", "9999"])
def test_odd_group_codes_find_nothing(repository: FoodRepository, group: str) -> None:
    ranking = repository.top_by_nutrient("iron_mg", group=group)
    assert ranking.foods == ()


# -- per portion -------------------------------------------------------------------------


def test_vitamin_k_per_portion_in_vegetables(repository: FoodRepository) -> None:
    ranking = repository.top_by_nutrient("vitamin_k_ug", per="portion", group=VEGETABLES,
                                         limit=3)
    assert names(ranking) == [
        "Kale, frozen, cooked, boiled, drained, with salt",
        "Kale, frozen, cooked, boiled, drained, without salt",
        "Kale, cooked, boiled, drained, without salt",
    ]
    first = ranking.foods[0]
    assert first.measure == (1.0, "cup", 130.0)
    assert math.isclose(first.value, first.per_100g * 1.3)
    # Vegetables with a vitamin K value but no measure that is one serving (only a head,
    # a bunch or a package): 33.
    assert ranking.left_out == 33


def test_portion_is_the_one_adding_the_food_gives(repository: FoodRepository) -> None:
    # SR28 gives this turkey "3 oz" as 28 g; adding 3 oz of it weighs 85.05 g.
    ranking = repository.top_by_nutrient("protein_g", per="portion", group="0500", limit=500)
    turkey = next(i for i in ranking.foods
                  if i.hit.name == "Turkey, whole, meat only, with added solution, roasted")
    assert turkey.measure is not None
    amount, unit, grams = turkey.measure
    assert (amount, unit) == (3.0, "oz")
    assert math.isclose(grams, 3 * 28.349523125)
    assert math.isclose(turkey.value, 26.61 * grams / 100)


@pytest.mark.parametrize(
    ("key", "group"),
    [("vitamin_c_mg", None), ("magnesium_mg", None), ("energy_kcal", VEGETABLES),
     ("vitamin_d_ug", None), ("protein_g", "0500")],
)
def test_portion_ranking_matches_default_amount_food_by_food(
    repository: FoodRepository, key: str, group: str | None
) -> None:
    foods = shipped_foods(repository)
    for limit in (1, 20, 500):
        ranking = repository.top_by_nutrient(key, per="portion", group=group, limit=limit)
        assert_same(ranking, expected(foods, key, "portion", group, limit))


@pytest.mark.parametrize("per", ["100g", "100kcal"])
@pytest.mark.parametrize("key", ["vitamin_c_mg", "alpha_linolenic_acid_g", "sodium_mg"])
def test_sql_rankings_match_python(repository: FoodRepository, key: str, per: Basis) -> None:
    ranking = repository.top_by_nutrient(key, per=per, limit=100)
    assert_same(ranking, expected(shipped_foods(repository), key, per, None, 100))


def _odd_foods() -> list[Food]:
    """Foods whose measures take every path of :func:`default_amount`."""
    def food(number: int, vitamin_c: float, *portions: tuple[float, str, float]) -> Food:
        return Food(
            ref=FoodRef("user", f"top-{number}"),
            name=f"Test food {number:02d}",
            group_code=TEST_GROUP,
            nutrients=nutrient_map({"vitamin_c_mg": vitamin_c, "energy_kcal": 50.0}),
            portions=tuple(Portion(a, d, g) for a, d, g in portions),
        )

    return [
        food(1, 900, (1, "cup, chopped", 50), (1, "cup", 200)),  # "cup": the 200 g one
        food(2, 800, (3, "oz", 28)),  # a mass unit: 85.05 g
        food(3, 700, (2, " oz", 10)),  # its name starts with a space: still 2 oz
        food(4, 600, (0, "cup", 100), (1, "slice", 30)),  # the first unusable: a slice
        food(5, 950, (1, "piece", 0)),  # nothing usable: left out
        food(6, 990),  # no measure: left out
        food(7, 500, (0.5, "KG", 1)),  # half a kilogram
        food(8, 400, (1, "\u212ag", 5)),  # the Kelvin sign: Python reads "kg"
        food(9, 300, (2, "cups", 100)),  # "cups" is its own name: 100 g
        food(10, 200, (1, "tub (100 kg)", 150_000), (1, "cup", 240)),  # too heavy: a cup
        food(11, 100, (1, "serving (3 oz)", 85), (1, "serving", 90)),  # the 90 g one
        food(12, 150, (1.5, "cup (1 NLEA serving)", 33), (1, "cup", 29)),  # 1.5 x 29 g
        food(13, 120, (4000, "g", 4000)),  # 4 kg in grams: heavier than simple allows
    ]


@pytest.fixture
def odd_db(db: Database) -> Database:
    with db.writing() as session:
        FoodRepository(session).store_foods(_odd_foods(), [FoodGroup(TEST_GROUP, "Test")])
    return db


def test_awkward_measures_rank_as_adding_them_weighs(odd_db: Database) -> None:
    with odd_db.reading() as session:
        repository = FoodRepository(session)
        foods = repository.all_foods()
        ranking = repository.top_by_nutrient("vitamin_c_mg", per="portion", group=TEST_GROUP)
        assert_same(ranking, expected(foods, "vitamin_c_mg", "portion", TEST_GROUP))
        # Without a serving measure (5 to 500 g): no measures, none usable, 1 kg, 4 kg.
        assert ranking.left_out == 4
        measures = {item.hit.name: item.measure for item in ranking.foods}
        assert measures["Test food 01"] == (1, "cup", 200)
        assert measures["Test food 04"] == (1, "slice", 30)
        assert measures["Test food 10"] == (1, "cup", 240)
        assert measures["Test food 11"] == (1, "serving", 90)
        assert "Test food 05" not in measures and "Test food 06" not in measures
        # Among every food too: a kilogram is no serving, so real foods lead.
        everywhere = repository.top_by_nutrient("vitamin_c_mg", per="portion", limit=300)
        assert_same(everywhere, expected(foods, "vitamin_c_mg", "portion", None, 300))
        assert "Test food 13" not in names(everywhere)


# -- the service -------------------------------------------------------------------------


def test_service_labels_values_and_notes(db: Database) -> None:
    top = FoodService(db).top("vitamin_c_mg", per="100kcal", group=FRUITS, limit=2)
    assert top.title == "Vitamin C per 100 kcal, in Fruits and Fruit Juices"
    assert [item.rank for item in top.foods] == [1, 2]
    first = top.foods[0]
    assert first.hit.name == "Acerola juice, raw"
    assert (first.unit, first.per) == ("mg", "100 kcal")
    assert first.value_text == "6957 mg"  # 1600 mg in 23 kcal
    assert top.notes[0].endswith("with no Vitamin C value (unknown, not zero) are not ranked.")
    portion = FoodService(db).top("vitamin_k_ug", per="portion", group=VEGETABLES, limit=1)
    assert portion.foods[0].per == "1 cup (130 g)"
    assert portion.notes[-1] == ("33 foods with a Vitamin K value but no household measure are "
                                 "left out of the ranking per portion.")


def test_service_refuses_bad_requests(db: Database) -> None:
    service = FoodService(db)
    with pytest.raises(UnknownNutrientError, match="did you mean vitamin_c_mg"):
        service.top("vitamin_c")
    with pytest.raises(UnknownGroupError, match="1100 \\(Vegetables and Vegetable Products\\)"):
        service.top("vitamin_c_mg", group="1199")
    with pytest.raises(ValueError, match="unknown basis"):
        service.top("vitamin_c_mg", per="serving")
    for bad in (0, 501, -1):
        with pytest.raises(ValueError, match="from 1 to 500"):
            service.top("vitamin_c_mg", limit=bad)


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("vitamin_c", ["vitamin_c_mg"]),
        ("Vitamin C", ["vitamin_c_mg"]),
        ("vitamin_c_ug", ["vitamin_c_mg"]),
        ("vitmin_k_ug", ["vitamin_k_ug"]),
        ("magnesium", ["magnesium_mg"]),
        ("omega-3", ["alpha_linolenic_acid_g", "epa_g", "dpa_g", "dha_g"]),
    ],
)
def test_unknown_keys_suggest_the_close_ones(text: str, suggested: list[str]) -> None:
    with pytest.raises(UnknownNutrientError) as error:
        nutrient_for(text)
    assert error.value.suggestions[: len(suggested)] == suggested


def test_keys_and_their_checks() -> None:
    assert nutrient_for(" VITAMIN_C_MG ").key == "vitamin_c_mg"
    assert all(nutrient_for(key).key == key for key in NUTRIENT_KEYS)
    with pytest.raises(UnknownNutrientError, match="the keys are energy_kcal"):
        nutrient_for("zzz")
    assert check_basis("portion") == "portion"
    with pytest.raises(ValueError):
        check_basis("100 g")
    assert check_top_limit(500) == 500
    with pytest.raises(ValueError):
        check_top_limit(True)
