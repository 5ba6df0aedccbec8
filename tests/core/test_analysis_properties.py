"""Properties of the analysis: additive totals, scaling, silence on an empty plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.analysis import analyze
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import (
    MAGNESIUM_FORMS,
    WEEKDAYS,
    Day,
    Entry,
    Meal,
    Plan,
    Profile,
    Schedule,
    Supplement,
)
from planner.core.rules import RuleSettings, evaluate
from planner.core.targets import LIFE_STAGES, SEXES, DriTables, LifeStage, Sex, Targets
from planner.core.units import unit_names

from .foods_fixture import ALL_FOODS, FOODS_BY_REF
from .plans import ANA, MONDAY

examples = settings(max_examples=75, deadline=None, database=None)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    food = draw(st.sampled_from(ALL_FOODS))
    unit = draw(st.sampled_from(unit_names(food)))
    amount = draw(st.floats(min_value=0.01, max_value=20, allow_nan=False))
    return Entry(food.ref, amount, unit)


entry_lists = st.lists(entries(), max_size=12)


def _day_totals(items: list[Entry], targets: Targets) -> dict[str, tuple[float, int, int]]:
    plan = Plan(ANA, (Day(MONDAY, (Meal("Lunch", tuple(items)),)),))
    totals = analyze(plan, FOODS_BY_REF, targets).days[0].totals
    return {key: (total.value or 0.0, total.known, total.unknown) for key, total in totals.items()}


@examples
@given(entry_lists, entry_lists)
def test_totals_are_additive(woman_45: Targets, first: list[Entry], second: list[Entry]) -> None:
    both = _day_totals(first + second, woman_45)
    one, other = _day_totals(first, woman_45), _day_totals(second, woman_45)
    for key in NUTRIENT_KEYS:
        assert both[key][0] == pytest.approx(one[key][0] + other[key][0], rel=1e-9, abs=1e-9)
        assert both[key][1:] == (one[key][1] + other[key][1], one[key][2] + other[key][2])


@examples
@given(entry_lists, st.floats(min_value=0.1, max_value=10))
def test_totals_scale_with_amounts(woman_45: Targets, items: list[Entry], factor: float) -> None:
    scaled = [Entry(item.food, item.amount * factor, item.unit) for item in items]
    base, bigger = _day_totals(items, woman_45), _day_totals(scaled, woman_45)
    for key in NUTRIENT_KEYS:
        assert bigger[key][0] == pytest.approx(base[key][0] * factor, rel=1e-9, abs=1e-9)
        assert bigger[key][1:] == base[key][1:]


@st.composite
def supplements(draw: st.DrawFn) -> Supplement:
    weekly = draw(st.booleans())
    weekday = draw(st.sampled_from(WEEKDAYS)) if weekly else None
    schedule: Schedule = "weekly" if weekly else "daily"
    if draw(st.booleans()):
        iu = draw(st.floats(min_value=100, max_value=100_000))
        return Supplement("D", "vitamin_d", iu, "IU", schedule, weekday)
    mg = draw(st.floats(min_value=10, max_value=2000))
    form = draw(st.sampled_from(MAGNESIUM_FORMS))
    return Supplement("Mg", "magnesium", mg, "mg", schedule, weekday, form)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    sex: Sex = draw(st.sampled_from(SEXES))
    stage: LifeStage = draw(st.sampled_from(LIFE_STAGES)) if sex == "female" else "none"
    return Profile("P", sex, draw(st.integers(min_value=1, max_value=120)), stage)


@examples
@given(profiles(), st.lists(supplements(), max_size=4), st.integers(min_value=0, max_value=9))
def test_no_rule_fires_on_an_empty_plan(
    dri_tables: DriTables, profile: Profile, taken: list[Supplement], day_count: int
) -> None:
    days = tuple(Day.with_default_meals(MONDAY + timedelta(days=n)) for n in range(day_count))
    plan = Plan(profile, days, tuple(taken))
    settings_ = RuleSettings(mg_low_share_of_ear=5.0, ca_mg_ratio_max=0.01, low_coverage_share=0.01)
    analysis = analyze(plan, FOODS_BY_REF, profile.targets(dri_tables), settings_)
    assert analysis.findings == ()
    assert analysis.week.averaged_days == 0


def test_evaluate_is_silent_without_entries(woman_45: Targets) -> None:
    busy = Plan(ANA, (Day(date(2026, 1, 1), (Meal("M", (Entry(ALL_FOODS[0].ref, 50, "g"),)),)),),
                (Supplement("D", "vitamin_d", 50000, "IU"),))
    totals = analyze(busy, FOODS_BY_REF, woman_45).days[0].totals
    assert evaluate(totals, woman_45, RuleSettings(), day=None, entry_count=1) != ()
    assert evaluate(totals, woman_45, RuleSettings(), day=None, entry_count=0) == ()
