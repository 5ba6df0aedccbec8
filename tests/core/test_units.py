"""Units: amounts people type, grams of household measures, nutrient unit conversions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.units import (
    MASS_UNITS,
    AmountError,
    UnitError,
    check_amount,
    convert_mass,
    find_portion,
    format_nutrient,
    from_nutrient_unit,
    grams_for,
    grams_per_unit,
    parse_amount,
    to_nutrient_unit,
    unit_names,
)

from .foods_fixture import ALMONDS, COLA, EGG, OATS, SPINACH, WHITE_BREAD

quick = settings(max_examples=200, deadline=None, database=None)


def test_two_large_eggs_are_100_g_and_2_ug_vitamin_d() -> None:
    grams = grams_for(EGG, 2, "large")
    assert grams == 100.0
    vitamin_d = EGG.value("vitamin_d_ug")
    assert vitamin_d is not None
    assert vitamin_d * grams / 100 == 2.0


def test_spinach_measures() -> None:
    assert grams_for(SPINACH, 1, "cup") == 30.0
    assert grams_for(SPINACH, 1, "bunch") == 340.0
    assert grams_for(SPINACH, 2, "cups") == 60.0
    assert grams_for(SPINACH, 1, "package") == 284.0
    assert grams_for(SPINACH, 1, "package (10 oz)") == 284.0
    # 60 g of spinach: 79 mg Mg per 100 g.
    assert grams_for(SPINACH, 60, "g") * 79 / 100 == pytest.approx(47.4)


def test_a_measure_is_matched_by_the_start_of_its_description() -> None:
    # "cup" is the first description starting with the word cup: "cup, whole".
    assert grams_per_unit(ALMONDS, "cup") == 143.0
    assert grams_per_unit(ALMONDS, "cup, ground") == 95.0
    assert grams_per_unit(ALMONDS, "Cup,  Sliced") == 92.0
    # An exact description wins over an earlier one that merely starts with it.
    assert grams_per_unit(WHITE_BREAD, "slice") == 29.0
    assert grams_per_unit(WHITE_BREAD, "slice, thin") == 20.0
    assert grams_per_unit(EGG, "large") == 50.0
    assert grams_per_unit(EGG, "extra large") == 56.0
    assert grams_per_unit(EGG, "medium") == 44.0
    assert grams_per_unit(COLA, "can") == 370.0
    assert find_portion(EGG, "larg") is None


def test_a_portion_of_several_units_is_divided() -> None:
    # Oats: ".333 cup" weighs 27 g, but the first cup portion (1 cup = 81 g) is chosen.
    assert grams_per_unit(OATS, "cup") == 81.0


def test_mass_units_win_over_measures_of_the_same_name() -> None:
    # White bread has a portion "1 oz = 28.35 g"; the ounce is the exact mass unit.
    assert grams_per_unit(WHITE_BREAD, "oz") == 28.349523125
    assert grams_for(SPINACH, 1, "lb") == 453.59237
    assert grams_for(SPINACH, 0.5, "kg") == 500.0
    assert grams_for(SPINACH, 3, "ounces") == pytest.approx(85.048569375)


def test_unknown_unit_lists_the_food_units() -> None:
    with pytest.raises(UnitError) as caught:
        grams_for(SPINACH, 1, "slice")
    assert str(caught.value) == (
        "Spinach, raw (usda:11457) has no unit 'slice'; its units: g, kg, oz, lb, cup, bunch, "
        "leaf, package, package (10 oz)"
    )
    assert isinstance(caught.value, ValueError)


def test_unit_names_have_short_and_full_measures() -> None:
    assert unit_names(EGG) == (
        "g", "kg", "oz", "lb", "large", "extra large", "jumbo", "cup", "cup (4.86 large eggs)",
        "medium", "small",
    )
    # Every offered unit resolves.
    for food in (EGG, SPINACH, WHITE_BREAD, ALMONDS, COLA):
        for unit in unit_names(food):
            assert grams_per_unit(food, unit) > 0


@pytest.mark.parametrize(
    ("text", "value"),
    [("60", 60.0), ("1.5", 1.5), ("1,5", 1.5), ("1/2", 0.5), ("1 1/2", 1.5), (" 2  1/4 ", 2.25),
     (".5", 0.5), ("3/4", 0.75), ("100000", 100000.0)],
)
def test_parse_amount(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no amount given"),
        ("-5", "amount must be more than zero, got '-5'"),
        ("0", "amount must be more than zero, got 0"),
        ("0/4", "amount must be more than zero"),
        ("1/0", "'1/0' divides by zero"),
        ("nan", "'nan' is not an amount"),
        ("inf", "'inf' is not an amount"),
        ("1e400", "'1e400' is not an amount"),
        ("two", "'two' is not an amount; write e.g. 60"),
        ("1,500", "'1,500' is ambiguous; write 1500 or 1.5"),
        ("1,000,000", "'1,000,000' is ambiguous; write 1000000$"),
        ("100001", "amount 100001 is too large"),
    ],
)
def test_parse_amount_refuses(text: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [(math.nan, "not a number"), (math.inf, "must be finite"), (-1.0, "more than zero"),
     (True, "must be a number"), (10**400, "too large")],
)
def test_check_amount_refuses(value: float, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        check_amount(value)


def test_more_than_100_kg_of_food_is_refused() -> None:
    with pytest.raises(AmountError, match="300 bunch of Spinach, raw is 102.0 kg"):
        grams_for(SPINACH, 300, "bunch")


def test_vitamin_d_and_magnesium_units() -> None:
    assert to_nutrient_unit("vitamin_d_ug", 2000, "IU") == 50.0
    assert to_nutrient_unit("vitamin_d_ug", 50000, "iu") == 1250.0
    assert to_nutrient_unit("vitamin_d_ug", 25, "mcg") == 25.0
    assert to_nutrient_unit("vitamin_d_ug", 25, "µg") == 25.0
    assert from_nutrient_unit("vitamin_d_ug", 15, "IU") == 600.0
    assert to_nutrient_unit("magnesium_mg", 0.4, "g") == 400.0
    assert to_nutrient_unit("energy_kcal", 4184, "kJ") == pytest.approx(1000.0)
    with pytest.raises(UnitError, match="'IU' is not a unit for magnesium; use mg, g, ug"):
        to_nutrient_unit("magnesium_mg", 100, "IU")
    with pytest.raises(UnitError, match="unknown nutrient"):
        to_nutrient_unit("lutein_ug", 100, "mg")


def test_format_nutrient() -> None:
    assert format_nutrient("vitamin_d_ug", 55) == "55.0 µg"
    assert format_nutrient("magnesium_mg", 211.6) == "212 mg"
    assert format_nutrient("energy_kcal", 1850.4, unit=False) == "1850"


amounts = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False, allow_infinity=False)
mass_units = st.sampled_from(sorted(MASS_UNITS))


@quick
@given(amounts, mass_units, mass_units, mass_units)
def test_mass_conversions_round_trip(value: float, first: str, second: str, third: str) -> None:
    there = convert_mass(convert_mass(value, "g", first), first, second)
    back = convert_mass(convert_mass(there, second, third), third, "g")
    assert back == pytest.approx(value, rel=1e-12)


@quick
@given(amounts, st.sampled_from(["ug", "IU", "mcg", "mg"]))
def test_vitamin_d_units_round_trip(value: float, unit: str) -> None:
    assert from_nutrient_unit("vitamin_d_ug", to_nutrient_unit("vitamin_d_ug", value, unit),
                              unit) == pytest.approx(value, rel=1e-12)


@quick
@given(amounts)
def test_iu_is_a_fortieth_of_a_microgram(iu: float) -> None:
    assert to_nutrient_unit("vitamin_d_ug", iu, "IU") * 40 == pytest.approx(iu, rel=1e-12)


@quick
@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=16),
       st.integers(min_value=1, max_value=16))
def test_mixed_fractions_parse(whole: int, numerator: int, denominator: int) -> None:
    text = f"{whole} {numerator}/{denominator}" if whole else f"{numerator}/{denominator}"
    assert parse_amount(text) == pytest.approx(whole + numerator / denominator)


@quick
@given(st.text(max_size=20))
def test_parse_amount_gives_a_positive_float_or_amount_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountError:
        return
    assert 0 < value <= 100_000 and math.isfinite(value)
