"""The chart values: day bars, thresholds, findings, magnesium sources, ratio and shares.

Expected figures are worked out by hand from the SR28 values in ``foods_fixture`` (the
sums are in ``plans.py``): a low-magnesium day has 138.93 mg magnesium and 757.28 mg
calcium (bread 87 g x 144 + eggs 100 g x 56 + pizza 300 g x 179 + cola 740 g x 1 + rice
316 g x 10, per 100 g).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.core.analysis import Analysis, analyze
from planner.core.chart_data import TOP_FOODS, ChartData, build_chart_data
from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Supplement
from planner.core.targets import DriTables, Targets, targets_for
from planner.core.units import grams_for
from planner.core.weeks import week_days as week_dates

from .foods_fixture import (
    CHEESE_PIZZA,
    COLA,
    EGG,
    FOODS_BY_REF,
    SALMON,
    WHITE_BREAD,
    WHITE_RICE,
)
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

LOW_MG = 138.93
LOW_CA = 757.28
MID_MG = 282.4
MAGNESIUM_200_MG = Supplement("Magnesium citrate", "magnesium", 200, "mg", form="citrate")
WEDNESDAY = MONDAY + timedelta(days=2)


def _charts(
    plan: Plan, targets: Targets, day: date | None = None, *, top: int = TOP_FOODS
) -> tuple[Analysis, ChartData]:
    analysis = analyze(plan, FOODS_BY_REF, targets)
    return analysis, build_chart_data(analysis, FOODS_BY_REF, day, top=top)


@pytest.fixture
def low_week(woman_45: Targets) -> tuple[Analysis, ChartData]:
    """Mon-Sat low in magnesium, Sunday mid; 2000 IU (50 µg) vitamin D a day."""
    days = [Day(MONDAY + timedelta(days=n), LOW_MAGNESIUM_MEALS) for n in range(6)]
    days.append(Day(MONDAY + timedelta(days=6), MID_MAGNESIUM_MEALS))
    return _charts(Plan(ANA, tuple(days), (VITAMIN_D_2000_IU,)), woman_45, WEDNESDAY)


def test_week_dates_run_monday_to_sunday() -> None:
    assert week_dates(WEDNESDAY) == tuple(MONDAY + timedelta(days=n) for n in range(7))
    assert week_dates(MONDAY) == week_dates(MONDAY + timedelta(days=6))


def test_day_amounts_are_the_daily_totals(low_week: tuple[Analysis, ChartData]) -> None:
    analysis, data = low_week
    week = data.week
    assert week.dates == tuple(d.date for d in analysis.days)
    assert week.planned == (True,) * 7
    for nutrient in (week.magnesium, week.vitamin_d):
        for amount, day in zip(nutrient.days, analysis.days, strict=True):
            total = day.totals[nutrient.key]
            assert amount.total == pytest.approx(total.value)
            assert amount.food == pytest.approx(total.from_food)
            assert amount.supplements == pytest.approx(total.from_supplements)
    assert week.magnesium.totals[:6] == pytest.approx([LOW_MG] * 6)
    assert week.magnesium.totals[6] == pytest.approx(MID_MG)
    # 2000 IU = 50 µg from the supplement, plus 2 µg from the eggs.
    assert [d.supplements for d in week.vitamin_d.days] == pytest.approx([50.0] * 7)
    assert week.vitamin_d.totals[0] == pytest.approx(52.0)


def test_thresholds_of_a_woman_of_45(low_week: tuple[Analysis, ChartData]) -> None:
    magnesium, vitamin_d = low_week[1].week.magnesium, low_week[1].week.vitamin_d
    assert (magnesium.ear, magnesium.recommended, magnesium.ul) == (265, 320, 350)
    assert magnesium.recommended_label == "RDA"
    assert magnesium.ul_applies_to == "supplements"
    assert (magnesium.unit, vitamin_d.unit) == ("mg", "µg")
    assert (vitamin_d.recommended, vitamin_d.ul) == (15, 100)
    assert vitamin_d.ul_applies_to == "total"


def test_a_user_target_is_labelled_as_such(dri_tables: DriTables) -> None:
    own = targets_for(dri_tables, age=45, sex="female", overrides={"magnesium_mg": 400})
    _, data = _charts(week_of(ANA, LOW_MAGNESIUM_MEALS), own)
    assert (data.week.magnesium.recommended, data.week.magnesium.recommended_label) == (
        400, "Target")


def test_days_with_findings_carry_their_most_severe_finding(
    low_week: tuple[Analysis, ChartData], woman_45: Targets
) -> None:
    analysis, data = low_week
    # Vitamin D at the RDA with magnesium under the EAR: a warning on Mon-Sat; Sunday's
    # 282.4 mg is above the EAR, its ratio 1.4 is fine, but its calcium is below the EAR.
    assert data.week.severities == ("warning",) * 7
    assert data.week.flagged_dates == data.week.dates
    assert data.week.findings[6] == ("below_ear:calcium_mg",)
    assert data.week.findings[0] == tuple(f.code for f in analysis.days[0].findings)
    assert "vitd_high_mg_low" in data.week.findings[0]

    _, weekly = _charts(week_of(ANA, MAGNESIUM_RICH_MEALS, VITAMIN_D_50000_IU_WEEKLY), woman_45)
    # 50,000 IU a week is 178.6 µg a day, above the UL of 100 µg: an alert every day.
    assert weekly.week.severities == ("alert",) * 7


def test_days_not_planned_carry_no_amounts(woman_45: Targets) -> None:
    plan = Plan.week(ANA, MONDAY).with_day(Day(WEDNESDAY, LOW_MAGNESIUM_MEALS))
    plan = plan.add_supplement(VITAMIN_D_2000_IU)
    analysis, data = _charts(plan, woman_45)
    assert data.day == MONDAY  # the plan's first day by default
    assert data.week.planned == (False, False, True, False, False, False, False)
    assert data.week.magnesium.totals == (None, None, pytest.approx(LOW_MG)) + (None,) * 4
    assert data.week.severities[0] is None
    assert not data.is_empty
    assert data.day_sources.is_empty and data.day_shares.is_empty
    # The week figures are the one planned day's.
    assert data.week_sources.days_counted == 1
    assert data.week_sources.food_mg == pytest.approx(LOW_MG)
    assert analysis.week.averaged_days == 1


def test_an_empty_plan_gives_empty_charts(woman_45: Targets) -> None:
    _, data = _charts(Plan(ANA), woman_45)
    assert data.day is None and data.week.dates == ()
    assert data.is_empty and data.week_sources.is_empty and data.week_shares.is_empty

    _, unplanned = _charts(Plan.week(ANA, MONDAY, name="Empty"), woman_45, WEDNESDAY)
    assert unplanned.is_empty
    assert unplanned.week.magnesium.totals == (None,) * 7
    assert unplanned.ratio.ratios == (None,) * 7
    assert unplanned.week.severities == (None,) * 7


def test_a_day_outside_the_plan_shows_its_week_unplanned(
    low_week: tuple[Analysis, ChartData],
) -> None:
    analysis = low_week[0]
    later = MONDAY + timedelta(days=9)
    data = build_chart_data(analysis, FOODS_BY_REF, later)
    assert data.week.dates[0] == MONDAY + timedelta(days=7)
    assert data.is_empty and data.day_sources.is_empty


def test_magnesium_sources_of_a_day_by_hand(low_week: tuple[Analysis, ChartData]) -> None:
    analysis, data = low_week
    sources = data.day_sources
    assert sources.scope == "day" and sources.dates == (WEDNESDAY,)
    expected: dict[FoodRef, float] = {}
    for meal in LOW_MAGNESIUM_MEALS:
        for item in meal.entries:
            food = FOODS_BY_REF[item.food]
            mg = grams_for(food, item.amount, item.unit) * food.nutrients["magnesium_mg"] / 100
            expected[item.food] = expected.get(item.food, 0.0) + mg
    # Pizza 300 g (69), rice 316 g (37.92), bread 87 g (20.01), eggs 100 g (12), cola (0).
    assert [c.food for c in sources.foods] == [
        CHEESE_PIZZA.ref, WHITE_RICE.ref, WHITE_BREAD.ref, EGG.ref, COLA.ref,
    ]
    assert [c.magnesium_mg for c in sources.foods] == pytest.approx(
        [69.0, 37.92, 20.01, 12.0, 0.0])
    for contribution in sources.foods:
        assert contribution.magnesium_mg == pytest.approx(expected[contribution.food])
    mg = [c.magnesium_mg for c in sources.foods]
    assert mg == sorted(mg, reverse=True)
    cola = sources.foods[-1]
    assert (cola.entries, cola.grams) == (2, pytest.approx(740.0))
    assert cola.name == COLA.name
    assert sources.food_mg == pytest.approx(LOW_MG)
    assert sources.food_mg == pytest.approx(analysis.day(WEDNESDAY).totals["magnesium_mg"].value)
    assert (sources.other_mg, sources.other_foods, sources.unknown_entries) == (0.0, 0, 0)
    assert sources.supplements_mg == 0.0


def test_foods_beyond_the_top_are_summed_as_other(woman_45: Targets) -> None:
    _, data = _charts(week_of(ANA, LOW_MAGNESIUM_MEALS), woman_45, MONDAY, top=2)
    sources = data.day_sources
    assert [c.food for c in sources.foods] == [CHEESE_PIZZA.ref, WHITE_RICE.ref]
    assert sources.other_foods == 3
    assert sources.other_mg == pytest.approx(20.01 + 12.0)
    assert sum(c.magnesium_mg for c in sources.foods) + sources.other_mg == pytest.approx(LOW_MG)


def test_week_sources_are_averages_a_day(low_week: tuple[Analysis, ChartData]) -> None:
    analysis, data = low_week
    sources = data.week_sources
    assert sources.scope == "week" and sources.days_counted == 7
    assert sources.food_mg == pytest.approx(analysis.week.average["magnesium_mg"].value)
    assert sources.food_mg == pytest.approx((6 * LOW_MG + MID_MG) / 7)
    pizza = next(c for c in sources.foods if c.food == CHEESE_PIZZA.ref)
    # Pizza on six days of seven: 6 x 69 mg / 7 a day, 6 x 300 g / 7.
    assert pizza.magnesium_mg == pytest.approx(6 * 69.0 / 7)
    assert pizza.grams == pytest.approx(6 * 300.0 / 7)
    assert pizza.entries == 6


def test_unknown_and_unweighable_entries_are_counted(woman_45: Targets) -> None:
    missing = FoodRef("usda-sr28", "99999")
    meals = (
        Meal("Lunch", (entry(SALMON, 100, "g"), Entry(missing, 100, "g"),
                       entry(EGG, 2, "slice"))),
    )
    _, data = _charts(week_of(ANA, meals), woman_45, MONDAY)
    sources = data.day_sources
    # Salmon has a magnesium value (29 mg/100 g; its vitamin D is unknown).
    assert [c.food for c in sources.foods] == [SALMON.ref]
    assert sources.food_mg == pytest.approx(29.0)
    assert sources.unknown_entries == 2


def test_calcium_to_magnesium_ratio_per_day(low_week: tuple[Analysis, ChartData]) -> None:
    analysis, data = low_week
    ratio = data.ratio
    assert ratio.limit == 2.6
    for day, value in zip(analysis.days, ratio.ratios, strict=True):
        calcium = day.totals["calcium_mg"].value
        magnesium = day.totals["magnesium_mg"].value
        assert value == pytest.approx(calcium / magnesium)
    assert ratio.ratios[0] == pytest.approx(LOW_CA / LOW_MG)
    assert ratio.ratios[0] > 2.6


def test_supplement_shares_of_a_day_and_the_week(woman_45: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU, MAGNESIUM_200_MG)
    _, data = _charts(plan, woman_45, WEDNESDAY)
    vitamin_d, magnesium = data.day_shares.nutrients
    assert (vitamin_d.key, magnesium.key) == ("vitamin_d_ug", "magnesium_mg")
    # 50 µg from the supplement, 2 µg from two eggs.
    assert (vitamin_d.supplements, vitamin_d.food) == (pytest.approx(50.0), pytest.approx(2.0))
    assert vitamin_d.supplement_share == pytest.approx(50.0 / 52.0)
    assert vitamin_d.food_share == pytest.approx(2.0 / 52.0)
    assert magnesium.supplement_share == pytest.approx(200.0 / (200.0 + LOW_MG))
    assert magnesium.total == pytest.approx(200.0 + LOW_MG)
    assert data.day_sources.supplements_mg == pytest.approx(200.0)
    # Every day is the same: the week's average a day is the day.
    for week, day in zip(data.week_shares.nutrients, data.day_shares.nutrients, strict=True):
        assert (week.food, week.supplements) == (pytest.approx(day.food), day.supplements)


def test_weekly_supplement_counts_a_seventh_a_day(woman_45: Targets) -> None:
    plan = week_of(ANA, MID_MAGNESIUM_MEALS, VITAMIN_D_50000_IU_WEEKLY)
    _, data = _charts(plan, woman_45)
    vitamin_d = data.week_shares.nutrients[0]
    assert vitamin_d.supplements == pytest.approx(50000 / 40 / 7)
    assert data.week.vitamin_d.days[0].supplements == pytest.approx(50000 / 40 / 7)


def test_no_value_at_all_has_no_share(woman_45: Targets) -> None:
    # Salmon alone: no vitamin D value, no supplement.
    plan = week_of(ANA, (Meal("Dinner", (entry(SALMON, 100, "g"),)),))
    _, data = _charts(plan, woman_45)
    vitamin_d = data.day_shares.nutrients[0]
    assert vitamin_d.food is None and vitamin_d.supplement_share is None
    assert data.week.vitamin_d.days[0].total is None
    assert data.week.vitamin_d.days[0].unknown == 1
