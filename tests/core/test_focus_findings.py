"""The focus nutrients (magnesium, vitamin D, calcium): below the EAR on a day is a
warning of its own; calcium above the UL an alert; the Ca:Mg advice depends on the side."""

from __future__ import annotations

import pytest

from planner.core.analysis import analyze
from planner.core.plan import Meal, Profile, Supplement
from planner.core.targets import DriTables

from .foods_fixture import FOODS_BY_REF, PUMPKIN_SEEDS
from .plans import MONDAY, VITAMIN_D_2000_IU, entry, week_of

TOM = Profile("Tom", "male", 40)


def _codes(findings: tuple) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in findings]


def test_a_man_of_40_at_180_mg_magnesium_without_vitamin_d_is_warned(
    dri_tables: DriTables,
) -> None:
    """The acceptance of the supplements issue: 180 mg is below his 350 mg EAR."""
    seeds = (Meal("Snacks", (entry(PUMPKIN_SEEDS, 180 / 5.92, "g"),)),)
    analysis = analyze(week_of(TOM, seeds), FOODS_BY_REF, TOM.targets(dri_tables))
    day = analysis.day(MONDAY)
    assert day.totals["magnesium_mg"].value == pytest.approx(180)
    (finding,) = [f for f in day.findings if f.code == "below_ear:magnesium_mg"]
    assert finding.severity == "warning" and finding.day == MONDAY
    assert finding.message == "Magnesium is 180 mg on this day, below the 350 mg EAR."
    assert "cofactor of the enzymes that make vitamin D active" in finding.explanation
    assert (finding.advice or "").startswith("Pumpkin seeds, almonds, cashews")
    assert "below_ear:magnesium_mg" in _codes(analysis.week.findings)


def test_the_stronger_finding_explains_low_magnesium_on_its_own(dri_tables: DriTables) -> None:
    seeds = (Meal("Snacks", (entry(PUMPKIN_SEEDS, 180 / 5.92, "g"),)),)
    plan = week_of(TOM, seeds, VITAMIN_D_2000_IU)
    day = analyze(plan, FOODS_BY_REF, TOM.targets(dri_tables)).day(MONDAY)
    assert "vitd_high_mg_low" in _codes(day.findings)
    assert "below_ear:magnesium_mg" not in _codes(day.findings)
    assert day.findings[0].message.startswith(
        "Vitamin D 50.0 µg is at or above your RDA (15 µg) while magnesium is 180 mg")


def test_calcium_above_the_ul_is_an_alert_on_the_day(dri_tables: DriTables) -> None:
    seeds = (Meal("Snacks", (entry(PUMPKIN_SEEDS, 400 / 5.92, "g"),)),)
    calcium = Supplement.of_compound("Calcium carbonate", "calcium", "carbonate", 6500)
    plan = week_of(TOM, seeds, calcium)
    analysis = analyze(plan, FOODS_BY_REF, TOM.targets(dri_tables))
    day = analysis.day(MONDAY)
    (alert,) = [f for f in day.findings if f.code == "above_ul:calcium_mg"]
    assert alert.severity == "alert" and alert.day == MONDAY
    # 6500 mg calcium carbonate: 2,602.6 mg of calcium, with the seeds' 31 mg: 2,634 mg.
    assert alert.message == "Calcium is 2634 mg on this day, above the 2500 mg UL."
    assert "above_ul:calcium_mg" in _codes(analysis.week.findings)


def test_the_calcium_to_magnesium_advice_depends_on_the_side(dri_tables: DriTables) -> None:
    targets = TOM.targets(dri_tables)
    calcium = Supplement.of_compound("Calcium carbonate", "calcium", "carbonate", 4000)
    low = week_of(TOM, (Meal("Snacks", (entry(PUMPKIN_SEEDS, 100 / 5.92, "g"),)),), calcium)
    ample = week_of(TOM, (Meal("Snacks", (entry(PUMPKIN_SEEDS, 450 / 5.92, "g"),)),), calcium)
    for plan, advice in ((low, "More magnesium-rich foods"), (ample, "Magnesium is at your RDA")):
        day = analyze(plan, FOODS_BY_REF, targets).day(MONDAY)
        (ratio,) = [f for f in day.findings if f.code == "ca_mg_ratio_high"]
        assert (ratio.advice or "").startswith(advice)
