"""Magnesium swaps on the real USDA SR28 foods and the shipped swap groups."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.foods import Food, FoodRef
from planner.core.portions import serving_grams
from planner.core.search_rank import is_branded
from planner.core.swaps import (
    MAX_AMOUNT_RATIO,
    MAX_SERVINGS,
    MIN_MAGNESIUM_GAIN_MG,
    MIN_RELATIVE_GAIN,
    Absorption,
    Swap,
    SwapGroup,
    SwapGroups,
    SwapGroupsError,
    SwapIndex,
    SwapOptions,
    find_swaps,
    kind_key,
)
from planner.core.units import grams_for
from planner.paths import read_shipped_text

_NO_RULE = Absorption("$^", 1.0, "no rule", "none")
# The excluded USDA food groups: baby, fast, American Indian/Alaska Native, restaurant foods.
EXCLUDED = {"0300", "2100", "3500", "3600"}


@functools.cache
def _shipped() -> tuple[Mapping[str, Food], SwapGroups, SwapIndex]:
    """The shipped foods by NDB number, swap groups and index, read once per test run.

    The property test reads them through here rather than through fixtures: Hypothesis
    would print the 8,789 foods in every example's description.
    """
    from planner.services.database import read_shipped_dataset

    foods = {food.ref.source_id: food for food in read_shipped_dataset().foods}
    groups = SwapGroups.from_json(read_shipped_text("swap_groups.json"))
    return foods, groups, SwapIndex.build(foods.values(), groups)


@pytest.fixture(scope="module")
def foods() -> Mapping[str, Food]:
    return _shipped()[0]


@pytest.fixture(scope="module")
def groups() -> SwapGroups:
    return _shipped()[1]


@pytest.fixture(scope="module")
def index() -> SwapIndex:
    return _shipped()[2]


def _ndbs(swaps: list[Swap]) -> list[str]:
    return [swap.food.ref.source_id for swap in swaps]


def _check_swaps(
    food: Food, grams: float, swaps: list[Swap], groups: SwapGroups, options: SwapOptions
) -> None:
    """What every suggestion must satisfy, whatever the entry."""
    group = groups.group_of(food.name, food.group_code, include_excluded=True)
    assert group is not None
    allowed = {g.key for g in groups.candidates_groups(group)}
    old_energy = food.value("energy_kcal")
    assert len(swaps) <= options.limit
    # The obvious swaps first, then by score; each kind of food once.
    order = [(not s.obvious, -s.score) for s in swaps]
    assert order == sorted(order)
    assert len({kind_key(s.food.name) for s in swaps}) == len(swaps)
    old_total = (food.value("magnesium_mg") or 0) * grams / 100
    by_volume = group.key in groups.by_volume
    for swap in swaps:
        assert swap.food.ref != food.ref
        assert swap.group in allowed
        assert groups.group_of(
            swap.food.name, swap.food.group_code, include_excluded=True
        ) == groups.group(swap.group)
        assert swap.magnesium_gain_mg >= max(MIN_MAGNESIUM_GAIN_MG,
                                             MIN_RELATIVE_GAIN * old_total) - 1e-9
        assert swap.why
        new_magnesium = swap.food.value("magnesium_mg")
        old_magnesium = food.value("magnesium_mg")
        assert new_magnesium is not None and old_magnesium is not None
        assert swap.magnesium_gain_mg == pytest.approx(
            (new_magnesium * swap.grams - old_magnesium * grams) / 100
        )
        # The absorbable gain counts each side's magnesium at the share absorbed.
        new_factor = (groups.absorption_of(swap.food.name) or _NO_RULE).factor
        old_factor = (groups.absorption_of(food.name) or _NO_RULE).factor
        assert swap.absorbable_gain_mg == pytest.approx(
            new_factor * new_magnesium * swap.grams / 100 - old_factor * old_total)
        # The amount and unit give back the grams through the units module.
        assert grams_for(swap.food, swap.amount, swap.unit) == pytest.approx(swap.grams)
        if options.keep == "energy" and old_energy:
            assert swap.energy_change_kcal is not None
            energy_allowed = options.max_energy_change * old_energy * grams / 100 + 1e-9
            if by_volume:  # a drink may bring less energy, never more than the band
                assert swap.energy_change_kcal <= energy_allowed
            else:
                assert abs(swap.energy_change_kcal) <= energy_allowed
        if options.keep == "energy":
            assert 1 / MAX_AMOUNT_RATIO <= swap.grams / grams <= MAX_AMOUNT_RATIO + 1e-9
            serving = serving_grams(swap.food)
            if serving is not None and not by_volume:
                assert swap.grams <= MAX_SERVINGS * serving + 1e-9
        else:
            assert swap.grams == pytest.approx(grams)
        if not options.include_excluded:
            assert swap.food.group_code not in EXCLUDED
            assert swap.food.survey or groups.is_generic(swap.food.name)
            if not is_branded(food.name, food.group_code):
                assert not groups.is_branded(swap.food.name, swap.food.group_code)
        assert swap.summary.startswith("Magnesium +")


# --- the shipped file ---------------------------------------------------------------------


def test_the_shipped_swap_groups_load_and_sort_most_foods(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    assert set(groups.excluded_food_groups) == EXCLUDED
    indexed = sum(len(group_foods) for group_foods in index.foods_by_group.values())
    assert indexed > 2 / 3 * len(foods)
    # Every group of the file has foods, and a food is in one group only.
    assert {g.key for g in groups.groups} == set(index.foods_by_group)
    refs = [f.ref for group_foods in index.foods_by_group.values() for f in group_foods]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize(
    ("ndb", "key"),
    [
        ("20045", "cooked_grains"),  # Rice, white, long-grain, regular, enriched, cooked
        ("20044", "dry_grains"),  # Rice, white, long-grain, regular, raw, enriched
        ("20081", "flours_brans"),  # Wheat flour, white, all-purpose, enriched, bleached
        ("20034", "cereals_cooked"),  # Oat bran, cooked
        ("08120", "cereals_dry_hot"),  # Cereals, oats, regular and quick, not fortified, dry
        ("18069", "sliced_breads"),  # Bread, white, commercially prepared
        ("18070", "toasted_breads"),  # Bread, white, commercially prepared, toasted
        ("19411", "salty_snacks"),  # Snacks, potato chips, plain, salted
        ("18228", "salty_snacks"),  # Crackers, saltines
        ("12061", "nuts_seeds"),  # Nuts, almonds
        ("16390", "nuts_seeds"),  # Peanuts, all types, dry-roasted, without salt
        ("12195", "nut_butters"),  # Nuts, almond butter, plain, without salt added
        ("19120", "candies_chocolate"),  # Candies, milk chocolate
        ("19904", "candies_chocolate"),  # Chocolate, dark, 70-85% cacao solids
        ("01079", "milk_drinks"),  # Milk, reduced fat, fluid, 2% milkfat
        ("16139", "milk_drinks"),  # Soymilk, original and vanilla, with added calcium
        ("11457", "leafy_greens_raw"),  # Spinach, raw
        ("11458", "leafy_greens_cooked"),  # Spinach, cooked, boiled, drained, without salt
        ("15076", "fish_raw"),  # Fish, salmon, Atlantic, wild, raw
        ("14411", "water"),  # Beverages, water, tap, drinking
    ],
)
def test_foods_fall_into_the_expected_group(
    foods: Mapping[str, Food], groups: SwapGroups, ndb: str, key: str
) -> None:
    food = foods[ndb]
    group = groups.group_of(food.name, food.group_code)
    assert group is not None and group.key == key, food.name


def test_cooked_grains_never_meet_dry_grains_or_flours(index: SwapIndex) -> None:
    for food in index.foods_by_group["cooked_grains"]:
        assert not {"raw", "uncooked", "dry"} & set(food.name.split(", ")), food.name
    for key in ("dry_grains", "flours_brans"):
        assert not any(re.search(r"\bcooked\b", f.name) for f in index.foods_by_group[key])


def test_excluded_food_groups_have_no_swap_group_unless_asked(
    foods: Mapping[str, Food], groups: SwapGroups
) -> None:
    fries = foods["21238"]  # McDONALD'S, french fries (Fast Foods)
    assert groups.is_excluded("2100") and not groups.is_excluded("2000")
    assert not groups.is_excluded(None)
    assert groups.group_of(fries.name, fries.group_code) is None
    asked = groups.group_of(fries.name, fries.group_code, include_excluded=True)
    assert asked is not None and asked.key == "potatoes_starchy_cooked"


def test_a_food_without_a_usda_group_has_no_swap_group(groups: SwapGroups) -> None:
    assert groups.group_of("Quinoa, cooked", None, include_excluded=True) is None


def test_candidate_groups_and_their_usda_codes(groups: SwapGroups) -> None:
    chips = groups.group("salty_snacks")
    assert [g.key for g in groups.candidates_groups(chips)] == ["salty_snacks", "nuts_seeds"]
    assert groups.food_group_codes(groups.candidates_groups(chips)) == {
        "2500", "1800", "1200", "1600"
    }
    potatoes = groups.candidates_groups(groups.group("potatoes_starchy_cooked"))
    assert groups.food_group_codes(potatoes) == {"1100"}
    assert groups.food_group_codes(potatoes, include_excluded=True) == {"1100", "2100", "3600"}
    # also_from is one way: nuts are not replaced by chips.
    assert groups.candidates_groups(groups.group("nuts_seeds")) == (groups.group("nuts_seeds"),)


# --- the four examples of the issue ---------------------------------------------------------


def test_cooked_white_rice_leads_to_quinoa_buckwheat_and_brown_rice(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice = foods["20045"]
    swaps = find_swaps(rice, 200, index, groups)
    _check_swaps(rice, 200, swaps, groups, SwapOptions())
    top = _ndbs(swaps)
    # Brown rice, the obvious swap, first (it gains least of the whole grains); then
    # quinoa and buckwheat groats, cooked.
    assert top[0] == "20037" and swaps[0].obvious
    assert swaps[0].why.startswith("The whole grain of the same rice")
    assert {"20137", "20010"} <= set(top[1:5])
    assert all(s.group == "cooked_grains" for s in swaps)
    # Each kind once: no second brown rice.
    assert "20041" not in top


def test_white_bread_leads_to_whole_wheat_bread(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    bread = foods["18069"]
    swaps = find_swaps(bread, 60, index, groups)
    _check_swaps(bread, 60, swaps, groups, SwapOptions())
    assert _ndbs(swaps)[0] == "18075"
    whole_wheat = swaps[0]
    # 60 g x 266/252 kcal = 63.3 g = 1.98 slices of 32 g: two slices, 64 g.
    assert (whole_wheat.amount, whole_wheat.unit, whole_wheat.grams) == (2, "slice", 64)
    # Magnesium 76 x 0.64 - 23 x 0.60 = 34.2 mg; energy 252 x 0.64 - 266 x 0.60 = +1.68.
    assert whole_wheat.magnesium_gain_mg == pytest.approx(34.2)
    assert whole_wheat.energy_change_kcal == pytest.approx(1.68)
    # Toasted bread is a form of its own.
    assert all("toasted" not in s.food.name for s in swaps)


def test_milk_chocolate_leads_to_dark_chocolate(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    chocolate = foods["19120"]
    swaps = find_swaps(chocolate, 40, index, groups)
    _check_swaps(chocolate, 40, swaps, groups, SwapOptions())
    assert all(s.obvious for s in swaps[:3])
    dark = swaps[0]
    assert dark.food.name.startswith("Candies, chocolate, dark")
    # 40 g x 535/546 kcal = 39.2 g = 1.38 oz: 1.5 oz (42.52 g), in half ounces.
    assert (dark.amount, dark.unit) == (1.5, "oz")
    assert dark.grams == pytest.approx(42.52428)
    # 152 x 0.4252428 - 63 x 0.40 = 39.44 mg.
    assert dark.magnesium_gain_mg == pytest.approx(152 * 0.4252428 - 63 * 0.4, rel=1e-6)


def test_potato_chips_lead_to_seeds_and_nuts(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    chips = foods["19411"]
    swaps = find_swaps(chips, 30, index, groups)
    _check_swaps(chips, 30, swaps, groups, SwapOptions())
    assert all(s.group == "nuts_seeds" and s.obvious for s in swaps[:5])
    assert _ndbs(swaps)[0] == "12014"  # pumpkin seed kernels, 1 oz
    assert (swaps[0].amount, swaps[0].unit) == (1, "oz")
    # Almonds, 1 oz, in the top 3.
    assert any(s.food.name.startswith("Nuts, almonds") for s in swaps[:3])
    # Flax and sesame seeds are eaten by the spoon, not by the handful instead of chips.
    assert not any(re.search("flax|sesame|chia", s.food.name) for s in swaps)


def test_salt_variants_count_once_and_the_better_one_stays(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    swaps = find_swaps(foods["19411"], 30, index, groups, SwapOptions(limit=50))
    ndbs = _ndbs(swaps)
    # Pumpkin seed kernels count once (dried is best): neither roasted variant is shown.
    assert "12014" in ndbs and not {"12016", "12516"} & set(ndbs)
    # Variants of the entry itself are no swap: unsalted potato chips are the same chips.
    rice = find_swaps(foods["20045"], 200, index, groups, SwapOptions(limit=50))
    assert not {"20345", "20445", "20545"} & set(_ndbs(rice))


# --- exact numbers, worked by hand from the USDA values ------------------------------------


def test_200_g_white_rice_to_quinoa_by_hand(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice, quinoa = foods["20045"], foods["20137"]
    # SR28 per 100 g: rice 130 kcal, 12 mg Mg, 1 mg Na, 0.05 g sugars, 0 µg D;
    # quinoa 120 kcal, 64 mg Mg, 7 mg Na, 0.87 g sugars, 0 µg D, 1 cup = 185 g.
    assert [rice.value(k) for k in ("energy_kcal", "magnesium_mg", "sodium_mg")] == [130, 12, 1]
    assert [quinoa.value(k) for k in ("energy_kcal", "magnesium_mg", "sodium_mg")] == [120, 64, 7]

    swap = next(s for s in find_swaps(rice, 200, index, groups) if s.food == quinoa)

    # 200 g x 130/120 = 216.7 g = 1.17 cup of 185 g: 1 1/4 cup = 231.25 g (cups go in
    # quarters and thirds; a quarter is nearer).
    assert (swap.amount, swap.unit, swap.grams) == (1.25, "cup", 231.25)
    # Magnesium: 64 x 2.3125 - 12 x 2 = 148 - 24 = 124 mg.
    assert swap.magnesium_gain_mg == pytest.approx(124)
    # Energy: 120 x 2.3125 - 130 x 2 = 277.5 - 260 = +17.5 kcal, within ±25 %.
    assert swap.energy_change_kcal == pytest.approx(17.5)
    # Sodium: 7 x 2.3125 - 1 x 2 = +14.1875 mg; sugars: 0.87 x 2.3125 - 0.05 x 2.
    assert swap.changes["sodium_mg"] == pytest.approx(14.1875)
    assert swap.changes["sugars_g"] == pytest.approx(0.87 * 2.3125 - 0.1)
    assert swap.changes["vitamin_d_ug"] == 0
    assert swap.changes["protein_g"] == pytest.approx(4.4 * 2.3125 - 2.69 * 2)
    assert "magnesium_mg" not in swap.changes and "energy_kcal" not in swap.changes
    # Score: nothing of quinoa's magnesium is bound (no absorption rule): the gain less
    # 14.1875 mg sodium x 400/2300 and 1.912 g sugars x 400/90.
    assert swap.absorbable_gain_mg == pytest.approx(124)
    sugars = 0.87 * 2.3125 - 0.1
    assert swap.score == pytest.approx(124 - 14.1875 * 400 / 2300 - sugars * 400 / 90)
    assert swap.summary == (
        "Magnesium +124 mg, energy +18 kcal; sodium +14 mg, sugars +1.9 g, vitamin D ±0 µg"
    )
    assert swap.common and not swap.obvious


def test_a_round_household_measure_is_used_when_close(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice = foods["20045"]
    swaps = {s.food.ref.source_id: s for s in find_swaps(rice, 200, index, groups)}
    buckwheat = swaps["20010"]
    # 200 g x 130/92 = 282.6 g = 1.68 cup of 168 g: 1 2/3 cup = 280 g, 0.9 % less.
    assert buckwheat.unit == "cup" and buckwheat.amount == pytest.approx(5 / 3)
    assert buckwheat.grams == pytest.approx(280)
    assert buckwheat.energy_change_kcal == pytest.approx(92 * 2.8 - 260)


# --- options --------------------------------------------------------------------------------


def test_keeping_grams_offers_the_same_weight(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice = foods["20045"]
    options = SwapOptions(keep="grams", limit=20)
    swaps = find_swaps(rice, 200, index, groups, options)
    _check_swaps(rice, 200, swaps, groups, options)
    assert swaps
    for swap in swaps:
        assert (swap.amount, swap.unit, swap.grams) == (200, "g", 200)
    quinoa = next(s for s in swaps if s.food.ref.source_id == "20137")
    assert quinoa.magnesium_gain_mg == pytest.approx(64 * 2 - 12 * 2)
    assert quinoa.energy_change_kcal == pytest.approx(120 * 2 - 130 * 2)


def test_the_limit_and_the_energy_tolerance_are_honoured(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice = foods["20045"]
    assert len(find_swaps(rice, 200, index, groups, SwapOptions(limit=3))) == 3
    narrow = SwapOptions(max_energy_change=0.05, limit=50)
    for swap in find_swaps(rice, 200, index, groups, narrow):
        assert abs(swap.energy_change_kcal or 0) <= 0.05 * 260 + 1e-9


def test_excluded_foods_are_suggested_only_when_asked(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    pork = foods["10023"]  # Pork, fresh, loin, whole, separable lean and fat, cooked, roasted
    buffalo = FoodRef("usda-sr28", "35176")  # Buffalo, free range, top round steak, cooked
    default = find_swaps(pork, 100, index, groups, SwapOptions(limit=100))
    assert buffalo not in {s.food.ref for s in default}
    asked = SwapOptions(include_excluded=True, limit=100)
    with_excluded = find_swaps(pork, 100, index, groups, asked)
    assert buffalo in {s.food.ref for s in with_excluded}
    _check_swaps(pork, 100, with_excluded, groups, asked)
    # Showing all foods brings foods outside the dietary survey and excluded groups.
    assert any(not s.common for s in with_excluded)
    assert any(s.food.group_code in EXCLUDED for s in with_excluded)


def test_an_entry_from_an_excluded_group_still_gets_suggestions(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    fries = foods["21238"]  # McDONALD'S, french fries
    swaps = find_swaps(fries, 100, index, groups)
    assert swaps
    _check_swaps(fries, 100, swaps, groups, SwapOptions())


@pytest.mark.parametrize("step", range(0, 8789, 97))
def test_no_excluded_food_is_ever_suggested_by_default(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex, step: int
) -> None:
    food = list(foods.values())[step]
    for swap in find_swaps(food, 100, index, groups, SwapOptions(limit=50)):
        assert swap.food.group_code not in EXCLUDED


def test_zero_energy_entries_keep_their_grams(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    tap = foods["14411"]  # Beverages, water, tap, drinking: 0 kcal, 1 mg Mg
    swaps = find_swaps(tap, 500, index, groups)
    # SR28's mineral water is a brand that stands for its kind: 10 mg Mg per 100 g.
    assert swaps[0].food.name.startswith("Beverages, GEROLSTEINER")
    assert swaps[0].common
    assert all(s.grams == pytest.approx(500, rel=0.02) for s in swaps)


def test_weights_far_from_the_entrys_are_not_offered(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    # Taro (44 kcal) would need 7 times the weight of McDonald's fries (323 kcal).
    swaps = find_swaps(foods["21238"], 100, index, groups, SwapOptions(limit=50))
    assert "11526" not in _ndbs(swaps)


def test_index_and_plain_food_list_give_the_same_swaps(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    for ndb, grams in (("20045", 200), ("19411", 30), ("19120", 40), ("18069", 60)):
        food = foods[ndb]
        assert find_swaps(food, grams, foods.values(), groups) == find_swaps(
            food, grams, index, groups
        )
    chips = foods["19411"]
    candidates = {f.ref for f in index.candidates_for(chips)}
    assert candidates >= {f.ref for f in index.foods_by_group["nuts_seeds"]}
    assert chips.ref not in candidates


def test_no_swaps_without_a_group_or_a_magnesium_value(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    rice = foods["20045"]
    assert find_swaps(replace(rice, group_code=None), 200, index, groups) == []
    unknown = replace(rice, nutrients={**rice.nutrients, "magnesium_mg": None})
    assert find_swaps(unknown, 200, index, groups) == []
    assert find_swaps(foods["20045"], 200, [], groups) == []


def test_bad_arguments_are_refused(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    with pytest.raises(ValueError, match="grams must be more than zero"):
        find_swaps(foods["20045"], 0, index, groups)
    with pytest.raises(ValueError, match="other swap groups"):
        find_swaps(foods["20045"], 200, index, SwapGroups.from_json(_file([_group()])))
    with pytest.raises(ValueError, match="keep must be"):
        SwapOptions(keep="calories")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        SwapOptions(limit=0)
    with pytest.raises(ValueError, match="max_energy_change"):
        SwapOptions(max_energy_change=-0.1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(0, 8788),
    grams=st.floats(1, 1000),
    keep=st.sampled_from(["energy", "grams"]),
)
def test_every_suggestion_keeps_the_promises(position: int, grams: float, keep: str) -> None:
    foods, groups, index = _shipped()
    food = list(foods.values())[position]
    if groups.group_of(food.name, food.group_code, include_excluded=True) is None:
        return
    options = SwapOptions(keep=keep, limit=25)  # type: ignore[arg-type]
    _check_swaps(food, grams, find_swaps(food, grams, index, groups, options), groups, options)


# --- reading a swap groups file ----------------------------------------------------------


def _group(**fields: object) -> dict[str, object]:
    group: dict[str, object] = {
        "key": "grains", "label": "Grains", "food_groups": ["2000"],
        "include": ["cooked"], "exclude": [], "also_from": [],
    }
    group.update(fields)
    return group


def _file(groups: list[object], **fields: object) -> str:
    data: dict[str, object] = {"format": "planner.swap_groups/1", "groups": groups}
    data.update(fields)
    return json.dumps(data)


def test_a_small_file_reads_and_matches_case_insensitively() -> None:
    text = _file(
        [_group(exclude=["\\braw\\b"], also_from=["nuts"]),
         _group(key="nuts", label="Nuts", food_groups=["1200"], include=[])],
        excluded_food_groups={"0300": "Baby Foods"},
    )
    groups = SwapGroups.from_json(text)
    grains = groups.group_of("QUINOA, COOKED", "2000")
    assert grains is not None and grains.key == "grains"
    assert groups.group_of("Quinoa, raw, cooked later", "2000") is None
    assert groups.group_of("Quinoa, cooked", "1100") is None
    assert groups.group_of("Anything", "1200") == groups.group("nuts")
    assert groups.is_excluded("0300")
    assert [g.key for g in groups.candidates_groups(grains)] == ["grains", "nuts"]
    with pytest.raises(KeyError, match="no swap group 'fish'"):
        groups.group("fish")
    # The fields include, exclude and also_from may be left out.
    minimal = SwapGroups.from_json(_file([{"key": "a", "label": "A", "food_groups": ["0100"]}]))
    assert minimal.group("a") == SwapGroup("a", "A", ("0100",))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "the swap groups file is not valid JSON: Expecting"),
        ("[]", 'must hold a JSON object with "format" and "groups"'),
        (json.dumps({"format": "planner.swap_groups/2", "groups": []}),
         "has format 'planner.swap_groups/2'; expected 'planner.swap_groups/1'"),
        (_file([]), 'needs a non-empty "groups" list'),
        (_file([_group()], colour="red"), "unknown fields: colour"),
        (_file([_group()], about=7), '"about" must be a string or a list of strings'),
        (_file([_group()], excluded_food_groups=["0300"]), "excluded_food_groups must map codes"),
        (_file([_group()], excluded_food_groups={"300": "Baby"}), "'300' is not a four-digit"),
        (_file(["grains"]), "swap group 1 is not a JSON object"),
        (_file([_group(colour="red")]), "swap group 1 ('grains') has unknown fields: colour"),
        (_file([_group(label=None)]), "swap group 1 ('grains') needs a label (a string)"),
        (_file([{"key": "grains", "label": "Grains"}]), "needs food_groups"),
        (_file([_group(food_groups="2000")]), "food_groups must be a list of strings"),
        (_file([_group(food_groups=["20"])]), "food group '20' is not a four-digit USDA code"),
        (_file([_group(food_groups=[])]), "lists no food groups"),
        (_file([_group(key="Grains!")]), "key 'Grains!' must be lower-case letters"),
        (_file([_group(include=["(cooked"])]),
         "swap group 1 ('grains'), include: '(cooked' is not a valid "
         "regular expression (missing ), unterminated subpattern at position 0)"),
        (_file([_group(exclude=["[raw"])]), "'[raw' is not a valid regular expression"),
        (_file([_group(also_from=["nuts"])]), "also_from names 'nuts', which is not a swap group"),
        (_file([_group(also_from=["grains"])]), "lists itself in also_from"),
        (_file([_group(), _group()]), "swap group key 'grains' is used twice"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(SwapGroupsError) as error:
        SwapGroups.from_json(text)
    assert message in str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_serving_past_a_daily_upper_limit_is_never_offered(
    foods: Mapping[str, Food], groups: SwapGroups, index: SwapIndex
) -> None:
    chips = foods["19411"]
    brazil = "12078"  # Nuts, brazilnuts, dried, unblanched: 1917 µg selenium per 100 g
    assert foods[brazil].value("selenium_ug") == 1917
    unlimited = _ndbs(find_swaps(chips, 30, index, groups))
    assert brazil in unlimited  # 1 oz: +88 mg magnesium...
    # ... and 543 µg selenium, above the adult UL of 400 µg.
    limited = SwapOptions(upper_limits={"selenium_ug": 400})
    swaps = find_swaps(chips, 30, index, groups, limited)
    assert brazil not in _ndbs(swaps) and swaps
    assert all((s.food.value("selenium_ug") or 0) * s.grams / 100 <= 400 for s in swaps)


def test_the_service_uses_the_profiles_upper_limits() -> None:
    from planner.core.plan import Profile
    from planner.services.swaps import upper_limits

    adult = upper_limits(Profile("Ana", "female", 45))
    assert adult["selenium_ug"] == 400 and adult["zinc_mg"] == 40
    assert "magnesium_mg" not in adult  # its UL counts supplements only
    assert adult["retinol_ug"] == 3000  # vitamin A's UL is on preformed vitamin A
    child = upper_limits(Profile("Tom", "male", 5))
    assert child["selenium_ug"] == 150
