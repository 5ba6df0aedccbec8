"""The declared ranges: their messages, their use by every validator, and the README."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.core import bounds
from planner.core.bounds import BOUNDS, Bound, clip, nutrient_limit, quote
from planner.core.foods import FoodRef, nutrient_map
from planner.core.plan import Entry, PlanError, Profile, Supplement
from planner.core.recipes import Recipe, RecipeError
from planner.core.rules import RuleSettings
from planner.core.shopping import check_household_factor
from planner.core.units import AmountError, check_amount

README = Path(__file__).resolve().parents[2] / "README.md"
SPINACH = FoodRef("usda-sr28", "11457")


def test_the_readme_lists_every_bound_as_declared() -> None:
    text = README.read_text(encoding="utf-8")
    for bound in BOUNDS:
        row = f"| {bound.meaning} | {bound.range_text} | {bound.unit} |"
        assert row in text, row
    assert text.count("| 0.001 to 100,000 |") == 2  # amounts and targets; nothing stale


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-2, "amount must be more than zero, got -2"),
        (0, "amount must be more than zero, got 0"),
        (0.0005, "amount 0.0005 is too small (at least 0.001)"),
        (5e-324, "amount 5e-324 is too small (at least 0.001)"),
        (100_000.5, "amount 100000.5 is too large (at most 100,000)"),
        (10**400, "amount a number of 201+ digits is too large (at most 100,000)"),
        (math.nan, "amount is not a number (NaN)"),
        (-math.inf, "amount must be finite, got -inf"),
        (True, "amount must be a number, got True"),
        ("x" * 1000, "amount must be a number, got '" + "x" * 59 + "…'"),
        ([[[]]], "amount must be a number, got a list"),
    ],
)
def test_a_bound_says_what_is_wrong_in_one_short_line(value: object, message: str) -> None:
    with pytest.raises(AmountError) as caught:
        check_amount(value)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_the_edges_are_accepted() -> None:
    for bound in BOUNDS:
        low = bound.minimum if bound.above is None else bound.above + 1e-9
        assert bound.check(low) == low and bound.check(bound.maximum) == bound.maximum
        assert not bound.contains(bound.maximum * (1 + 1e-12) + 1e-12)
        assert not bound.contains(math.inf) and not bound.contains(math.nan)


def test_quote_cuts_long_values_and_never_recurses() -> None:
    assert quote("spinach") == "'spinach'"
    long = quote("é" * 10_000_000)
    assert long == "'" + "é" * 59 + "…'" and len(long) == 62
    nested: list[Any] = []
    for _ in range(100_000):
        nested = [nested]
    assert quote(nested) == "a list"  # repr() of this raises RecursionError
    assert quote({"a": 1}) == "an object"
    assert quote(12.5) == "12.5" and quote(None) == "None"
    assert clip("abc", 2) == "a…" and clip("abc", 3) == "abc"


def test_impossible_nutrient_values_are_unknown() -> None:
    values = nutrient_map({"magnesium_mg": 1e308, "vitamin_d_ug": math.inf,
                           "energy_kcal": 1001.0, "calcium_mg": -1.0, "iron_mg": math.nan,
                           "zinc_mg": 100_000.0, "protein_g": 100.0})
    assert values["magnesium_mg"] is None and values["vitamin_d_ug"] is None
    assert values["energy_kcal"] is None and values["calcium_mg"] is None
    assert values["iron_mg"] is None
    assert values["zinc_mg"] == 100_000.0 and values["protein_g"] == 100.0
    assert nutrient_limit("vitamin_d_ug") == 1e8 and nutrient_limit("energy_kcal") == 1000


def _outside(bound: Bound) -> list[float]:
    low = bound.above if bound.above is not None else bound.minimum / 2
    return [low, bound.maximum * 1.01, math.inf]


# Each validator and the bound it checks with: the edges pass, just outside is refused.
VALIDATORS: list[tuple[Bound, Callable[[float], object], type[Exception]]] = [
    (bounds.AMOUNT, lambda v: Entry(SPINACH, v, "g"), PlanError),
    (bounds.SERVINGS, lambda v: Recipe("Soup", servings=v), RecipeError),
    (bounds.COOKED_WEIGHT, lambda v: Recipe("Soup", cooked_grams=v), RecipeError),
    (bounds.DOSE["vitamin_d_ug"], lambda v: Supplement("D3", "vitamin_d", v, "ug"), PlanError),
    (bounds.DOSE["magnesium_mg"], lambda v: Supplement("Mg", "magnesium", v, "mg"), PlanError),
    (bounds.TARGET, lambda v: Profile("Ana", "female", 45, "none", {"magnesium_mg.ul": v}),
     PlanError),
    (bounds.HOUSEHOLD_FACTOR, check_household_factor, ValueError),
    (bounds.VITD_HIGH_SHARE_OF_RDA, lambda v: RuleSettings(vitd_high_share_of_rda=v),
     ValueError),
    (bounds.MG_LOW_SHARE_OF_EAR, lambda v: RuleSettings(mg_low_share_of_ear=v), ValueError),
    (bounds.CA_MG_RATIO_MAX, lambda v: RuleSettings(ca_mg_ratio_max=v), ValueError),
    (bounds.LOW_COVERAGE_SHARE, lambda v: RuleSettings(low_coverage_share=v), ValueError),
]


@pytest.mark.parametrize(("bound", "make", "error"), VALIDATORS,
                         ids=[f"{b.name}-{i}" for i, (b, _, _) in enumerate(VALIDATORS)])
def test_every_validator_checks_with_its_declared_bound(
    bound: Bound, make: Callable[[float], object], error: type[Exception]
) -> None:
    make(bound.minimum)
    make(bound.maximum)
    for value in _outside(bound):
        with pytest.raises(error):
            make(value)
