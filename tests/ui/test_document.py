"""The plan document: edits saved at once, analysis refreshed, undo and redo."""

from __future__ import annotations

import pytest
from demo_dates import MONDAY

from planner.core.foods import FoodRef
from planner.core.plan import Entry
from planner.services.plans import PlanService

SPINACH = FoodRef("usda-sr28", "11457")


def day_codes(document, when) -> set[str]:
    return {f.code for f in document.analysis.day(when).findings}


def test_add_entry_saves_and_reanalyses(qtbot, demo_document, services) -> None:
    foods, plans = services.foods, services.plans
    before = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    spinach = foods.get(SPINACH)
    with qtbot.waitSignal(demo_document.changed):
        assert demo_document.add_entry(MONDAY, 0, spinach, 1, "cup")
    after = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    # 1 cup raw spinach = 30 g x 79 mg / 100 g = 23.7 mg.
    assert after - before == pytest.approx(23.7)
    stored = plans.get(demo_document.plan_id).plan
    breakfast = stored.day(MONDAY).meals[0]
    assert (breakfast.entries[-1].food, breakfast.entries[-1].amount) == (SPINACH, 1.0)
    assert breakfast.entries[-1].unit == "cup"


def test_undo_and_redo_restore_database_and_totals(qtbot, demo_document, services) -> None:
    foods, plans = services.foods, services.plans
    original = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    demo_document.add_entry(MONDAY, 2, foods.get(SPINACH), 100, "g")
    assert demo_document.undo_stack.undoText() == "Add Spinach, raw"
    demo_document.undo_stack.undo()
    magnesium = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    assert magnesium == pytest.approx(original)
    stored = plans.get(demo_document.plan_id).plan.day(MONDAY)
    assert SPINACH not in {e.food for e in stored.entries}
    demo_document.undo_stack.redo()
    assert demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value == pytest.approx(
        original + 79.0
    )
    assert SPINACH in {e.food for e in plans.get(demo_document.plan_id).plan.day(MONDAY).entries}


def test_enough_magnesium_clears_the_warning(qtbot, demo_document, services) -> None:
    foods = services.foods
    assert "vitd_high_mg_low" in day_codes(demo_document, MONDAY)
    # Pumpkin seeds, dried (usda:12014): 592 mg magnesium per 100 g.
    seeds = foods.get("usda:12014")
    demo_document.add_entry(MONDAY, 3, seeds, 30, "g")
    assert "vitd_high_mg_low" not in day_codes(demo_document, MONDAY)


def test_copy_day_is_one_undo_step(qtbot, demo_document) -> None:
    import datetime as dt

    def content(when):  # type: ignore[no-untyped-def]
        return [(m.name, [e.food for e in m.entries]) for m in demo_document.day(when).meals]

    tuesday, wednesday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
    assert content(tuesday) != content(MONDAY)
    demo_document.copy_day(MONDAY, [tuesday, wednesday])
    assert content(tuesday) == content(MONDAY) == content(wednesday)
    assert demo_document.undo_stack.count() == 1
    demo_document.undo_stack.undo()
    assert content(tuesday) != content(MONDAY)


def test_move_entry_between_meals(qtbot, demo_document) -> None:
    first = demo_document.day(MONDAY).meals[0].entries[0]
    count = len(demo_document.day(MONDAY).meals[2].entries)
    demo_document.move_entry(MONDAY, 0, 0, 2)
    dinner = demo_document.day(MONDAY).meals[2]
    assert len(dinner.entries) == count + 1
    assert dinner.entries[-1].food == first.food


def test_failed_save_keeps_the_window_state(qtbot, demo_document, services) -> None:
    plans = services.plans
    # Another window saves first: this document's revision is now stale.
    other = plans.get(demo_document.plan_id)
    plans.save(other, other.plan.with_day(other.plan.day(MONDAY).add_entry(
        0, Entry(SPINACH, 10, "g"))))
    before = demo_document.plan
    with qtbot.waitSignal(demo_document.failed) as blocker:
        assert not demo_document.rename("Renamed")
    assert "changed elsewhere" in blocker.args[0]
    assert demo_document.plan == before
    assert demo_document.undo_stack.count() == 0


def test_profile_change_moves_thresholds(qtbot, demo_document) -> None:
    from dataclasses import replace

    profile = demo_document.plan.profile
    assert demo_document.analysis.targets["magnesium_mg"].ear == 265
    demo_document.set_profile(replace(profile, age=25, life_stage="pregnancy"))
    assert demo_document.analysis.targets["magnesium_mg"].ear == 290
    demo_document.undo_stack.undo()
    assert demo_document.analysis.targets["magnesium_mg"].ear == 265
    assert isinstance(demo_document.plans, PlanService)
