"""Acceptance tests of the analysis: totals, the week average and the findings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.core.analysis import analyze
from planner.core.foods import FoodRef
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import Day, Meal, Plan, Profile, Supplement
from planner.core.rules import RuleSettings
from planner.core.targets import DriTables, Targets

from .foods_fixture import EGG, FOODS_BY_REF, MACKEREL, PUMPKIN_SEEDS, SALMON, SPINACH
from .plans import (
    ANA,
    LOW_MAGNESIUM_MEALS,
    MAGNESIUM_RICH_MEALS,
    MID_MAGNESIUM_MEALS,
    MONDAY,
    VITAMIN_D_2000_IU,
    VITAMIN_D_50000_IU_WEEKLY,
    entry,
    week_of,
)

LOW_MG_MESSAGE = (
    "Vitamin D 52.0 µg is at or above your RDA (15 µg) "
        "while magnesium is 139 mg, below the 265 mg EAR."
)


def codes(findings: tuple) -> list[str]:
    return [finding.code for finding in findings]


def test_low_magnesium_week_with_vitamin_d_warns_every_day_and_on_the_week(
    woman_45: Targets,
) -> None:
    analysis = analyze(week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU), FOODS_BY_REF,
                       woman_45)
    for day in analysis.days:
        mg, vitd = day.totals["magnesium_mg"], day.totals["vitamin_d_ug"]
        assert mg.value == pytest.approx(138.93)
        assert vitd.value == pytest.approx(52.0)
        assert vitd.from_supplements == 50.0
        assert (mg.known, mg.unknown) == (6, 0)
        warnings = [f for f in day.findings if f.code == "vitd_high_mg_low"]
        assert len(warnings) == 1
        warning = warnings[0]
        assert warning.severity == "warning"
        assert warning.day == day.date and warning.scope == day.date.isoformat()
        assert warning.message == LOW_MG_MESSAGE
        assert warning.numbers["magnesium_mg"] == pytest.approx(138.93)
        assert warning.numbers["magnesium_threshold_mg"] == 265
        assert warning.numbers["vitamin_d_threshold_ug"] == 15
    week = [f for f in analysis.week.findings if f.code == "vitd_high_mg_low"]
    assert len(week) == 1 and week[0].scope == "week" and week[0].message == LOW_MG_MESSAGE
    explanation = week[0].explanation
    for words in ("25-hydroxylase", "1-alpha-hydroxylase", "24-hydroxylase", "inactive",
                  "other way", "not medical advice"):
        assert words in explanation
    assert {ref.key for ref in week[0].references} >= {"uwitonze2018", "dai2018", "deng2013"}
    assert analysis.week.averaged_days == 7
    assert analysis.week.average["magnesium_mg"].value == pytest.approx(138.93)
    assert analysis.week.average["magnesium_mg"].percent == pytest.approx(138.93 / 320 * 100)


def test_magnesium_rich_week_does_not_warn(woman_45: Targets) -> None:
    analysis = analyze(week_of(ANA, MAGNESIUM_RICH_MEALS, VITAMIN_D_2000_IU), FOODS_BY_REF,
                       woman_45)
    assert analysis.week.average["magnesium_mg"].value == pytest.approx(640.9741769)
    assert analysis.week.average["vitamin_d_ug"].value == pytest.approx(50.0)
    # Nothing about magnesium or vitamin D; what this plan truly lacks is calcium, a focus
    # nutrient: a warning on the week and on every day.
    assert codes(analysis.week.findings) == ["below_ear:calcium_mg"]
    assert {(f.code, f.severity) for f in analysis.findings} == {
        ("below_ear:calcium_mg", "warning")}
    for day in analysis.days:
        assert codes(day.findings) == ["below_ear:calcium_mg"]
        (finding,) = day.findings
        assert finding.day == day.date and finding.message.startswith("Calcium is ")
        assert finding.message.endswith("on this day, below the 800 mg EAR.")
        assert "Milk, yogurt, cheese" in (finding.advice or "")


def test_pregnancy_raises_the_ear_and_flips_the_warning(dri_tables: DriTables) -> None:
    woman_25 = Profile("Bea", "female", 25)
    pregnant = replace(woman_25, life_stage="pregnancy")
    plan = week_of(woman_25, MID_MAGNESIUM_MEALS, VITAMIN_D_2000_IU)
    not_pregnant = analyze(plan, FOODS_BY_REF, woman_25.targets(dri_tables))
    assert not_pregnant.week.average["magnesium_mg"].value == pytest.approx(282.4)
    assert "vitd_high_mg_low" not in codes(not_pregnant.findings)

    flipped = analyze(plan.with_profile(pregnant), FOODS_BY_REF, pregnant.targets(dri_tables))
    warnings = [f for f in flipped.findings if f.code == "vitd_high_mg_low"]
    assert len(warnings) == 8  # seven days and the week
    assert warnings[0].message == (
        "Vitamin D 52.0 µg is at or above your RDA (15 µg) "
        "while magnesium is 282 mg, below the 290 mg EAR."
    )


def test_weekly_50000_iu_counts_a_seventh_on_every_day(woman_45: Targets) -> None:
    breakfast = (Meal("Breakfast", (entry(EGG, 2, "large"),)),)
    analysis = analyze(week_of(ANA, breakfast, VITAMIN_D_50000_IU_WEEKLY), FOODS_BY_REF,
                       woman_45)
    for day in analysis.days:  # Sunday included: no spike on the day it is taken
        vitd = day.totals["vitamin_d_ug"]
        assert vitd.from_supplements == pytest.approx(178.5714285714)
        assert vitd.from_supplements * 40 == pytest.approx(7142.857142857)
        assert vitd.value == pytest.approx(180.5714285714)
        above = [f for f in day.findings if f.code == "vitd_above_ul"]
        assert [f.severity for f in above] == ["alert"]
        assert above[0].message == (
            "Vitamin D 180.6 µg is above the 100 µg tolerable upper intake level (UL); "
            "178.6 µg of it is from supplements."
        )
    assert analysis.week.average["vitamin_d_ug"].value == pytest.approx(180.5714285714)
    assert codes(analysis.week.findings)[0] == "vitd_above_ul"


def test_supplemental_magnesium_above_the_ul_warns_but_food_magnesium_never(
    woman_45: Targets,
) -> None:
    supplement = Supplement("Magnesium oxide 400 mg", "magnesium", 400, "mg", form="oxide")
    eggs = (Meal("Breakfast", (entry(EGG, 2, "large"),)),)
    with_supplement = analyze(week_of(ANA, eggs, supplement), FOODS_BY_REF, woman_45)
    day = with_supplement.days[0]
    found = [f for f in day.findings if f.code == "mg_supplement_above_ul"]
    assert len(found) == 1
    assert found[0].message == (
        "Magnesium from supplements is 400 mg a day, above the 350 mg upper limit for "
        "supplemental magnesium (magnesium in food does not count)."
    )
    assert day.totals["magnesium_mg"].value == pytest.approx(412.0)

    # 67.5676 g of pumpkin seeds carry 400 mg of magnesium (592 mg per 100 g).
    seeds = (Meal("Snacks", (entry(PUMPKIN_SEEDS, 400 / 5.92, "g"),)),)
    from_food = analyze(week_of(ANA, seeds), FOODS_BY_REF, woman_45)
    assert from_food.days[0].totals["magnesium_mg"].value == pytest.approx(400.0)
    assert "mg_supplement_above_ul" not in codes(from_food.findings)


def test_unknown_values_count_as_unknown_not_zero(woman_45: Targets) -> None:
    fish = (Meal("Dinner", (entry(SALMON, 3, "oz"), entry(EGG, 1, "large"))),)
    analysis = analyze(week_of(ANA, fish), FOODS_BY_REF, woman_45)
    vitd = analysis.days[0].totals["vitamin_d_ug"]
    # 3 oz of salmon is 85 g by its SR portion, but "oz" is the exact mass unit: 85.05 g.
    assert (vitd.value, vitd.known, vitd.unknown) == (1.0, 1, 1)
    assert vitd.coverage == 0.5 and not vitd.is_complete
    low = [f for f in analysis.days[0].findings if f.code == "low_coverage"]
    assert [f.message for f in low] == [
        "Vitamin D is unknown for 1 of 2 entries, so the total of 1.0 µg is probably too low."
    ]
    only_salmon = analyze(week_of(ANA, (Meal("Dinner", (entry(SALMON, 100, "g"),)),)),
                          FOODS_BY_REF, woman_45)
    total = only_salmon.days[0].totals["vitamin_d_ug"]
    assert (total.value, total.known, total.unknown, total.percent) == (None, 0, 1, None)
    assert "Vitamin D is unknown for all 1 entries." in [
        f.message for f in only_salmon.days[0].findings
    ]


def test_coverage_threshold_is_a_third_of_the_entries(woman_45: Targets) -> None:
    def vitamin_d_coverage_findings(known_eggs: int) -> int:
        entries = (entry(SALMON, 100, "g"), *(entry(EGG, 1, "large") for _ in range(known_eggs)))
        analysis = analyze(week_of(ANA, (Meal("Dinner", entries),)), FOODS_BY_REF, woman_45)
        return sum(f.code == "low_coverage" for f in analysis.days[0].findings)

    assert vitamin_d_coverage_findings(2) == 1  # 1 of 3 unknown: a third
    assert vitamin_d_coverage_findings(3) == 0  # 1 of 4


def test_mackerel_vitamin_d(woman_45: Targets) -> None:
    dinner = (Meal("Dinner", (entry(MACKEREL, 1, "fillet"),)),)
    analysis = analyze(week_of(ANA, dinner), FOODS_BY_REF, woman_45)
    # 112 g x 16.1 µg / 100 g
    assert analysis.days[0].totals["vitamin_d_ug"].value == pytest.approx(18.032)


def test_week_average_is_over_days_with_entries(woman_45: Targets) -> None:
    plan = Plan.week(ANA, MONDAY).add_supplement(VITAMIN_D_2000_IU)
    monday = plan.days[0].add_entry(0, entry(SPINACH, 100, "g"))
    tuesday = plan.days[1].add_entry(1, entry(SPINACH, 300, "g"))
    analysis = analyze(plan.with_day(monday).with_day(tuesday), FOODS_BY_REF, woman_45)
    assert analysis.week.averaged_days == 2
    average = analysis.week.average["magnesium_mg"]
    assert (average.value, average.known, average.unknown) == (pytest.approx(158.0), 2, 0)
    assert analysis.week.average["vitamin_d_ug"].value == 50.0
    # A day without entries shows what the supplements add, and no findings.
    wednesday = analysis.days[2]
    assert wednesday.is_empty and wednesday.findings == ()
    assert wednesday.totals["vitamin_d_ug"].value == 50.0
    assert wednesday.totals["magnesium_mg"].value == 0.0


def test_every_nutrient_key_is_totalled(woman_45: Targets) -> None:
    analysis = analyze(week_of(ANA, MAGNESIUM_RICH_MEALS), FOODS_BY_REF, woman_45)
    assert tuple(analysis.days[0].totals) == NUTRIENT_KEYS
    assert tuple(analysis.week.average) == NUTRIENT_KEYS
    energy = analysis.days[0].totals["energy_kcal"]
    assert energy.value is not None
    assert energy.percent == pytest.approx(energy.value / 2000 * 100)
    # Iron has an RDA (18 mg for a woman of 45): its percent is of that; lutein has none.
    iron = analysis.days[0].totals["iron_mg"]
    assert iron.value is not None and iron.percent == pytest.approx(iron.value / 18 * 100)
    assert analysis.days[0].totals["biotin_ug"].percent is None  # no food value at all


def test_entries_that_cannot_be_weighed_are_reported_not_fatal(woman_45: Targets) -> None:
    ghost = FoodRef("usda-sr28", "99999")
    meals = (Meal("Lunch", (entry(SPINACH, 2, "slice"), entry(EGG, 1, "large"))),)
    plan = week_of(ANA, meals)
    day = plan.days[0].add_entry(0, replace(meals[0].entries[1], food=ghost))
    analysis = analyze(plan.with_day(day), FOODS_BY_REF, woman_45)
    first = analysis.days[0].totals["magnesium_mg"]
    assert (first.known, first.unknown, first.value) == (1, 2, 6.0)
    reasons = [(u.day, u.meal, u.position, u.reason) for u in analysis.unresolved[:2]]
    assert reasons[0][:3] == (MONDAY, "Lunch", 1)
    assert reasons[0][3].startswith("Spinach, raw (usda:11457) has no unit 'slice'; its units: g")
    assert reasons[1] == (MONDAY, "Lunch", 3, "food usda:99999 is not in the database")
    assert len(analysis.unresolved) == 8


def test_disabled_rules_and_thresholds(woman_45: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU)
    quiet = analyze(plan, FOODS_BY_REF, woman_45,
                    RuleSettings(disabled=frozenset({"vitd_high_mg_low", "ca_mg_ratio_high",
                                                     "below_ear", "above_ul"})))
    assert quiet.findings == ()
    strict = analyze(plan, FOODS_BY_REF, woman_45, RuleSettings(vitd_high_share_of_rda=4.0))
    assert "vitd_high_mg_low" not in codes(strict.findings)
    with pytest.raises(ValueError, match="unknown rule codes: nope"):
        RuleSettings(disabled=frozenset({"nope"}))


def test_calcium_magnesium_ratio(woman_45: Targets) -> None:
    analysis = analyze(week_of(ANA, LOW_MAGNESIUM_MEALS), FOODS_BY_REF, woman_45)
    ratio = [f for f in analysis.days[0].findings if f.code == "ca_mg_ratio_high"]
    # Calcium: bread 125.28 + eggs 56 + pizza 537 + cola 7.4 + rice 31.6 = 757.28 mg.
    assert ratio[0].numbers["ratio"] == pytest.approx(757.28 / 138.93)
    assert ratio[0].message == (
        "Calcium to magnesium ratio is 5.5 (calcium 757 mg, magnesium 139 mg), above 2.6."
    )
    assert ratio[0].severity == "info"


def test_magnesium_just_under_the_ear_is_not_shown_as_equal(woman_45: Targets) -> None:
    # 264.6 mg rounds to 265, the EAR: the message keeps a decimal instead.
    seeds = (Meal("Snacks", (entry(PUMPKIN_SEEDS, 264.6 / 5.92, "g"),)),)
    analysis = analyze(week_of(ANA, seeds, VITAMIN_D_2000_IU), FOODS_BY_REF, woman_45)
    message = next(f.message for f in analysis.findings if f.code == "vitd_high_mg_low")
    assert "magnesium is 264.6 mg, below the 265 mg EAR" in message


def test_a_day_per_date_in_order(woman_45: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS)
    plan = plan.with_day(Day(MONDAY + timedelta(days=10), LOW_MAGNESIUM_MEALS))
    analysis = analyze(plan, FOODS_BY_REF, woman_45)
    assert [day.date for day in analysis.days] == list(plan.dates)
    assert analysis.day(MONDAY).entry_count == 6
