"""The findings of the full panel: below the EAR and above the UL for any nutrient, each UL
judged on what it counts (folic acid, retinol, supplements), and the nutrient ratios.

Foods are the shipped USDA SR28 dataset; the expected figures are worked out by hand from
their values per 100 g.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.ratios import ratio_values
from planner.core.rules import FOCUS_BELOW_EAR, RuleSettings
from planner.core.targets import DriTables
from planner.paths import shipped
from planner.sources.food_dataset import read_dataset_dir

from .plans import MONDAY

ANA_40 = Profile("Ana", "female", 40)


@pytest.fixture(scope="module")
def foods() -> dict[FoodRef, Food]:
    return {food.ref: food for food in read_dataset_dir(shipped("foods")).foods}


def _ref(ndb: str) -> FoodRef:
    return FoodRef("usda-sr28", ndb)


def _week(*entries: tuple[str, float], days: int = 7) -> Plan:
    meal = Meal("Meals", tuple(Entry(_ref(ndb), grams, "g") for ndb, grams in entries))
    return Plan(ANA_40, tuple(Day(MONDAY + timedelta(days=n), (meal,)) for n in range(days)))


def _analyze(plan: Plan, foods: dict[FoodRef, Food], tables: DriTables,
             settings: RuleSettings | None = None) -> Analysis:
    return analyze(plan, foods, plan.profile.targets(tables), settings or RuleSettings())


def _week_codes(analysis: Analysis) -> list[str]:
    return [finding.code for finding in analysis.week.findings]


def test_vitamin_c_below_the_ear_on_a_week_of_bread_and_cheese(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    # 200 g white bread (18062: vitamin C 0) and 100 g cheddar (01009: 0): no vitamin C.
    analysis = _analyze(_week(("18069", 200), ("01009", 100)), foods, dri_tables)
    finding = next(f for f in analysis.week.findings if f.code == "below_ear:vitamin_c_mg")
    assert finding.severity == "info" and finding.day is None
    assert finding.message == ("Vitamin C: the week's average of 0 mg a day is below the EAR "
                               "of 60 mg.")
    assert "planner foods top vitamin_c_mg" in finding.advice
    assert [ref.key for ref in finding.references] == ["iom2000"]
    # One finding per nutrient, on the week only: none on a single day.
    # The panel's other nutrients are judged on the week only; the focus nutrients (magnesium,
    # vitamin D, calcium) day by day too.
    assert not any(f.code.startswith("below_ear:") and f.code.split(":")[1] not in
                   FOCUS_BELOW_EAR for day in analysis.days for f in day.findings)


def test_no_below_ear_finding_when_the_week_meets_it(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    # 300 g raw spinach a day: 84.3 mg vitamin C (EAR 60), 8.13 mg iron (EAR 8.1).
    analysis = _analyze(_week(("11457", 300)), foods, dri_tables)
    codes = _week_codes(analysis)
    assert "below_ear:vitamin_c_mg" not in codes and "below_ear:iron_mg" not in codes
    assert "below_ear:vitamin_b12_ug" in codes  # spinach has none


def test_food_folate_never_counts_towards_the_folic_acid_ul(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    # 600 g spinach: 1164 µg DFE of food folate, 0 µg folic acid. Far above 1000 µg, no finding.
    spinach = _analyze(_week(("11457", 600)), foods, dri_tables)
    assert spinach.week.average["folate_dfe_ug"].value == pytest.approx(1164.0)
    assert "above_ul:folate_dfe_ug" not in _week_codes(spinach)
    # 100 g All-Bran (08001): 1269 µg folic acid, above the UL of 1000 µg (folic acid only).
    cereal = _analyze(_week(("08001", 100)), foods, dri_tables)
    finding = next(f for f in cereal.week.findings if f.code == "above_ul:folate_dfe_ug")
    assert finding.severity == "alert"
    assert finding.message == (
        "Folic acid averages 1269 µg a day (the folate UL counts synthetic folic acid from "
        "supplements and fortified foods only), above the 1000 µg UL.")


def test_carotenes_never_count_towards_the_vitamin_a_ul(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    # 500 g raw carrots: 4175 µg RAE, all from carotene (retinol 0): no finding.
    carrots = _analyze(_week(("11124", 500)), foods, dri_tables)
    assert carrots.week.average["vitamin_a_rae_ug"].value == pytest.approx(4175.0)
    assert "above_ul:vitamin_a_rae_ug" not in _week_codes(carrots)
    # 100 g raw beef liver (13325): 4948 µg retinol, above the UL of 3000 µg (preformed).
    liver = _analyze(_week(("13325", 100)), foods, dri_tables)
    finding = next(f for f in liver.week.findings if f.code == "above_ul:vitamin_a_rae_ug")
    assert "Retinol averages 4948 µg a day" in finding.message
    assert "preformed vitamin A (retinol) only" in finding.message


def test_sodium_above_the_cdrr_is_a_warning_not_a_ul(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    # 10 g table salt (02047: 38,758 mg sodium per 100 g): 3,876 mg a day.
    analysis = _analyze(_week(("02047", 10)), foods, dri_tables)
    finding = next(f for f in analysis.week.findings if f.code == "above_ul:sodium_mg")
    assert finding.severity == "warning"
    assert finding.message == ("Sodium averages 3876 mg a day, above the 2300 mg CDRR "
                               "(chronic disease risk reduction intake).")


def test_a_family_or_one_nutrient_can_be_switched_off(
    foods: dict[FoodRef, Food], dri_tables: DriTables,
) -> None:
    plan = _week(("18069", 200), ("01009", 100))
    some = _analyze(plan, foods, dri_tables,
                    RuleSettings(disabled=frozenset({"below_ear:vitamin_c_mg"})))
    assert "below_ear:vitamin_c_mg" not in _week_codes(some)
    assert any(code.startswith("below_ear:") for code in _week_codes(some))
    none = _analyze(plan, foods, dri_tables, RuleSettings(disabled=frozenset({"below_ear"})))
    assert not any(code.startswith("below_ear:") for code in _week_codes(none))
    with pytest.raises(ValueError, match="unknown rule codes: below_ear:lutein_ug"):
        RuleSettings(disabled=frozenset({"below_ear:lutein_ug"}))


def test_the_ratios_of_a_day(foods: dict[FoodRef, Food], dri_tables: DriTables) -> None:
    # 300 g spinach: K 1674 mg / Na 237 mg = 7.06; Zn 1.59 mg / Cu 390 µg = 4.08;
    # omega-6 LA 0.078 g / omega-3 ALA 0.414 g = 0.19; Ca 297 / Mg 237 = 1.25.
    analysis = _analyze(_week(("11457", 300), days=1), foods, dri_tables)
    values = {value.ratio.key: value for value in ratio_values(analysis.days[0].totals)}
    assert values["k_na"].value == pytest.approx(558 / 79)
    assert values["zn_cu"].value == pytest.approx(0.53 / 0.130)
    assert values["n6_n3"].value == pytest.approx(0.026 / 0.138)
    assert values["ca_mg"].value == pytest.approx(99 / 79)
    assert values["k_na"].in_range and values["n6_n3"].in_range
    assert not values["zn_cu"].in_range  # below 8 : 1
    assert values["k_na"].text == "7.1 : 1"
