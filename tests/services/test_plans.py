"""Plan use cases over the real USDA database: create, save an edit, delete, files, demo.

An edit is saved as the difference to the plan the window holds; these tests check that
only the changed days are rewritten, that a stale window gets a conflict instead of
overwriting, and that a failed or killed save leaves the stored plan exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, PlanError, Profile, Supplement
from planner.core.rules import VITD_HIGH_MG_LOW
from planner.core.units import grams_for
from planner.db.plans import PlanRepository
from planner.services.database import Database
from planner.services.plans import (
    PlanConflictError,
    PlanNotFoundError,
    PlanService,
    SavedPlan,
    dri_tables,
)
from planner.sources.plan_file import PlanFileError

DATA = Path(__file__).resolve().parent.parent / "data"
LOW_MAGNESIUM_WEEK = DATA / "low_magnesium_week.json"

EGG = FoodRef("usda-sr28", "01123")
SPINACH = FoodRef("usda-sr28", "11457")
OATS = FoodRef("usda-sr28", "08120")
UNKNOWN_FOOD = FoodRef("usda-sr28", "99999")
MONDAY = dt.date(2026, 11, 23)
PLAN_TABLES = ("profile", "plan", "plan_day", "meal", "entry", "supplement")


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in PLAN_TABLES
        }


def _rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the plan tables, for before/after comparisons."""
    with db.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in PLAN_TABLES
        }


def _entry_ids(day: Day) -> list[int | None]:
    return [entry.id for entry in day.entries]


@pytest.fixture
def service(db: Database) -> PlanService:
    return PlanService(db)


@pytest.fixture
def week(service: PlanService) -> SavedPlan:
    """The low-magnesium week of ``tests/data``, stored."""
    return service.import_text(LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8"))


# -- analysis over the real foods ------------------------------------------------------


def test_two_large_eggs_are_100_g_and_2_ug_vitamin_d(service: PlanService) -> None:
    plan = Plan(
        Profile("Ana", "female", 45),
        (Day(MONDAY, (Meal("Breakfast", (Entry(EGG, 2, "large"),)),)),),
    )
    foods = service.foods_for(plan)
    assert grams_for(foods[EGG], 2, "large") == 100.0

    totals = service.analyze(plan).day(MONDAY).totals

    # 100 g of USDA 01123 (per 100 g: 2.0 µg vitamin D, 12 mg magnesium, 143 kcal).
    assert totals["vitamin_d_ug"].value == 2.0
    assert totals["vitamin_d_ug"].from_supplements == 0.0
    assert totals["magnesium_mg"].value == 12.0
    assert totals["energy_kcal"].value == 143.0


def test_the_issue_example_totals_are_exact(service: PlanService) -> None:
    loaded = service.load_file_text((DATA / "issue_example.json").read_text(encoding="utf-8"))

    totals = service.analyze(loaded.plan, dict(loaded.foods)).day(MONDAY).totals

    weekly_ug = 50000 / 7 / 40  # 178.571428...: the Sunday dose counts a seventh every day
    # 2 large eggs (100 g x 2.0 µg) + 60 g spinach (0 µg) + 2000 IU (50 µg) + the weekly dose.
    assert totals["vitamin_d_ug"].value == pytest.approx(2.0 + 0.0 + 50.0 + weekly_ug, rel=1e-12)
    assert totals["vitamin_d_ug"].from_supplements == pytest.approx(50.0 + weekly_ug, rel=1e-12)
    # Eggs 100 g x 12 mg/100 g + spinach 60 g x 79 mg/100 g + 200 mg glycinate.
    assert totals["magnesium_mg"].value == pytest.approx(12 + 47.4 + 200, rel=1e-12)
    assert totals["magnesium_mg"].from_supplements == 200.0
    assert (totals["magnesium_mg"].known, totals["magnesium_mg"].unknown) == (2, 0)


def test_successive_edits_each_save_on_the_last_saved_plan(
    service: PlanService, week: SavedPlan
) -> None:
    # The window keeps the SavedPlan that save returns and saves the next edit on it.
    first = week.plan.with_day(week.plan.days[0].add_entry(0, Entry(SPINACH, 60, "g")))
    saved = service.save(week, first)
    second = saved.plan.with_day(saved.plan.days[0].add_entry(1, Entry(OATS, 40, "g")))
    saved = service.save(saved, second)
    undone = service.save(saved, week.plan)

    assert (saved.revision, undone.revision) == (3, 4)
    stored = service.get(week.id)
    assert stored.revision == 4
    assert service.export_text(week.id) == LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8")


def test_analyze_looks_up_the_foods_it_is_not_given(service: PlanService) -> None:
    plan = service.load_file_text(LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8")).plan
    with_foods = service.analyze(plan, service.foods_for(plan))
    without = service.analyze(plan)
    assert without.days == with_foods.days
    assert without.week == with_foods.week
    assert without.unresolved == ()


def test_dri_tables_are_read_once_and_give_the_adult_ear() -> None:
    assert dri_tables() is dri_tables()
    targets = Profile("Ana", "female", 45).targets(dri_tables())
    assert targets.get("magnesium_mg").ear == 265  # type: ignore[union-attr]


# -- create, get, delete ---------------------------------------------------------------


def test_create_then_get_returns_an_equal_plan(service: PlanService) -> None:
    plan = service.load_file_text(LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8")).plan
    saved = service.create(plan)
    fetched = service.get(saved.id)

    assert fetched == saved
    assert fetched.revision == 1
    # Equal ignoring ids: the canonical file of both is the same text.
    assert service.export_text(saved.id) == LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8")
    assert fetched.plan.profile == replace(plan.profile, id=fetched.plan.profile.id)
    assert [d.date for d in fetched.plan.days] == [d.date for d in plan.days]
    assert [(e.food, e.amount, e.unit) for d in fetched.plan.days for e in d.entries] == [
        (e.food, e.amount, e.unit) for d in plan.days for e in d.entries
    ]


def test_delete_removes_the_plan_with_all_its_rows(service: PlanService, db: Database) -> None:
    kept = service.create_demo(MONDAY)
    counts_with_one = _counts(db)
    deleted = service.import_text(LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8"))
    assert _counts(db)["entry"] > counts_with_one["entry"]

    service.delete(deleted.id)

    assert _counts(db) == counts_with_one
    assert [summary.id for summary in service.list()] == [kept.id]
    assert service.get(kept.id) == kept
    with pytest.raises(PlanNotFoundError):
        service.get(deleted.id)
    service.delete(kept.id)
    assert _counts(db) == dict.fromkeys(PLAN_TABLES, 0)


def test_a_missing_plan_raises_plan_not_found(service: PlanService, week: SavedPlan) -> None:
    for call in (service.get, service.delete, service.export_text):
        with pytest.raises(PlanNotFoundError, match=r"^there is no plan 42$"):
            call(42)
    with pytest.raises(PlanNotFoundError):
        service.save(replace(week, id=42), week.plan)


def test_creating_a_plan_with_an_unknown_food_stores_nothing(
    service: PlanService, db: Database
) -> None:
    plan = Plan(
        Profile("Ana", "female", 45),
        (Day(MONDAY, (Meal("Lunch", (Entry(SPINACH, 60, "g"), Entry(UNKNOWN_FOOD, 1, "g"))),)),),
    )
    with pytest.raises(PlanError, match=r"^no food usda:99999 in the database$"):
        service.create(plan)
    assert service.list() == []
    assert _counts(db) == dict.fromkeys(PLAN_TABLES, 0)


# -- saving an edit --------------------------------------------------------------------


def test_save_rewrites_only_the_changed_day(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    wednesday = week.plan.days[2]
    edited = wednesday.add_entry(0, Entry(SPINACH, 60, "g"))

    saved = service.save(week, week.plan.with_day(edited))

    assert saved.revision == 2
    reopened = Database.open(db.engine.url.render_as_string(hide_password=False))
    try:
        stored = PlanService(reopened).get(week.id)
    finally:
        reopened.close()
    assert stored.revision == 2
    for before, after in zip(week.plan.days, stored.plan.days, strict=True):
        if before.date == wednesday.date:
            continue
        assert after.id == before.id
        assert [meal.id for meal in after.meals] == [meal.id for meal in before.meals]
        assert _entry_ids(after) == _entry_ids(before)
    stored_wednesday = stored.plan.day(wednesday.date)
    breakfast = stored_wednesday.meals[0]
    assert [(e.food, e.amount, e.unit) for e in breakfast.entries] == [
        (FoodRef("usda-sr28", "18069"), 2.0, "slice"),
        (SPINACH, 60.0, "g"),
    ]
    assert stored_wednesday.entry_count == wednesday.entry_count + 1


def test_save_of_an_unchanged_plan_writes_no_day(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    before = _rows(db)
    saved = service.save(week, week.plan)
    after = _rows(db)
    assert saved.revision == 2
    assert {table: rows for table, rows in after.items() if table != "plan"} == {
        table: rows for table, rows in before.items() if table != "plan"
    }


def test_save_stores_header_supplements_and_removed_days(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    sunday = week.plan.days[-1].date
    weekly = Supplement("Vitamin D3 50000 IU", "vitamin_d", 50000, "IU", "weekly", "sun")
    new = replace(
        week.plan.remove_day(sunday).add_supplement(weekly),
        name="Maria, pregnant",
        profile=Profile("Maria", "female", 30, "pregnancy", {"magnesium_mg": 400}),
    )

    service.save(week, new)

    reopened = Database.open(db.engine.url.render_as_string(hide_password=False))
    try:
        stored = PlanService(reopened).get(week.id).plan
        summary = PlanService(reopened).list()[0]
    finally:
        reopened.close()
    assert stored.name == "Maria, pregnant"
    assert (stored.profile.age, stored.profile.life_stage) == (30, "pregnancy")
    assert stored.profile.target_overrides == {"magnesium_mg": 400.0}
    assert [s.name for s in stored.supplements] == ["Vitamin D3 2000 IU", "Vitamin D3 50000 IU"]
    assert stored.supplements[1].weekday == "sun"
    assert [day.date for day in stored.days] == [day.date for day in week.plan.days[:-1]]
    saturday = sunday - dt.timedelta(days=1)
    assert (summary.day_count, summary.last_date, summary.revision) == (6, saturday, 2)


def test_save_with_a_stale_plan_raises_a_conflict_and_writes_nothing(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    # Two windows hold revision 1; the first saves, the second must not overwrite it.
    first_edit = week.plan.with_day(week.plan.days[0].add_entry(0, Entry(OATS, 40, "g")))
    service.save(week, first_edit)
    rows = _rows(db)
    second_edit = week.plan.with_day(week.plan.days[1].add_entry(0, Entry(EGG, 2, "large")))

    with pytest.raises(PlanConflictError, match=r"revision 2, this window has 1"):
        service.save(week, second_edit)

    assert _rows(db) == rows
    stored = service.get(week.id)
    assert stored.revision == 2
    assert stored.plan.days[1].entry_count == week.plan.days[1].entry_count


def test_save_with_an_unknown_food_after_a_valid_day_stores_nothing(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    rows = _rows(db)
    days = week.plan.days
    new = week.plan.with_day(days[0].add_entry(0, Entry(SPINACH, 60, "g"))).with_day(
        days[1].add_entry(1, Entry(UNKNOWN_FOOD, 100, "g"))
    )

    with pytest.raises(PlanError, match=r"^no food usda:99999 in the database$"):
        service.save(week, new)

    assert _rows(db) == rows
    assert service.get(week.id) == week


def test_a_save_failing_halfway_through_the_days_rolls_back_whole(
    service: PlanService, week: SavedPlan, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_days = PlanRepository.write_days

    def fail_after_first_day(
        self: PlanRepository, plan_id: int, days: Any, remove: Any = ()
    ) -> None:
        days = list(days)
        write_days(self, plan_id, days[:1], remove)
        self.session.flush()
        raise OSError("disk I/O error")

    monkeypatch.setattr(PlanRepository, "write_days", fail_after_first_day)
    rows = _rows(db)
    days = week.plan.days
    new = week.plan.with_day(days[0].add_entry(0, Entry(SPINACH, 60, "g"))).with_day(
        days[3].add_entry(0, Entry(OATS, 40, "g"))
    )

    with pytest.raises(OSError, match="disk I/O error"):
        service.save(week, new)

    assert _rows(db) == rows


_KILLED_SAVE = textwrap.dedent(
    """
    import os, sys
    from planner.core.foods import FoodRef
    from planner.core.plan import Entry
    from planner.db.plans import PlanRepository
    from planner.services.database import Database
    from planner.services.plans import PlanService

    write_days = PlanRepository.write_days

    def die_after_first_day(self, plan_id, days, remove=()):
        days = list(days)
        write_days(self, plan_id, days[:1], remove)
        self.session.flush()
        os._exit(3)  # the process is killed mid-transaction: no rollback, no commit

    PlanRepository.write_days = die_after_first_day
    service = PlanService(Database.open(sys.argv[1]))
    saved = service.get(int(sys.argv[2]))
    spinach = Entry(FoodRef("usda-sr28", "11457"), 60, "g")
    days = saved.plan.days
    service.save(saved, saved.plan.with_day(days[0].add_entry(0, spinach))
                 .with_day(days[4].add_entry(1, spinach)))
    """
)


def test_a_save_killed_midway_leaves_the_plan_as_it_was(
    service: PlanService, week: SavedPlan, db: Database
) -> None:
    rows = _rows(db)
    db.engine.dispose()  # no connection of ours holds the file while the other writes

    result = subprocess.run(
        [sys.executable, "-c", _KILLED_SAVE, db.engine.url.render_as_string(False), str(week.id)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )

    assert result.returncode == 3, result.stderr
    assert _rows(db) == rows
    assert service.get(week.id) == week
    # And the database takes the next save normally.
    assert service.save(week, week.plan.remove_day(MONDAY)).revision == 2


# -- files -----------------------------------------------------------------------------


def test_import_then_export_gives_back_the_canonical_file(
    service: PlanService, week: SavedPlan
) -> None:
    assert service.export_text(week.id) == LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8")
    assert service.list()[0].title == "Low magnesium week"


def test_load_file_text_resolves_the_foods_and_stores_nothing(
    service: PlanService, db: Database
) -> None:
    loaded = service.load_file_text(LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8"))
    assert {str(ref) for ref in loaded.foods} == {
        "usda:18069", "usda:21224", "usda:14148", "usda:20045"
    }
    assert loaded.foods[FoodRef("usda-sr28", "20045")].name == (
        "Rice, white, long-grain, regular, enriched, cooked"
    )
    assert len(loaded.plan.days) == 7
    assert _counts(db) == dict.fromkeys(PLAN_TABLES, 0)


def test_importing_a_broken_file_stores_nothing(service: PlanService, db: Database) -> None:
    text_ = LOW_MAGNESIUM_WEEK.read_text(encoding="utf-8").replace('"usda:14148"', '"usda:99999"')
    with pytest.raises(PlanFileError) as error:
        service.import_text(text_)
    assert error.value.location == "day 2026-11-23, meal 'Lunch', entry 2"
    assert service.list() == []
    assert _counts(db) == dict.fromkeys(PLAN_TABLES, 0)


# -- the demo week ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (dt.date(2026, 11, 25), dt.date(2026, 11, 23)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 23)),
        (dt.date(2026, 11, 29), dt.date(2026, 11, 23)),
        (dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
        (dt.date(2027, 1, 1), dt.date(2026, 12, 28)),
    ],
)
def test_create_demo_puts_the_week_of_today(
    service: PlanService, today: dt.date, monday: dt.date
) -> None:
    demo = service.create_demo(today)

    stored = service.get(demo.id).plan
    assert [day.date for day in stored.days] == [monday + dt.timedelta(n) for n in range(7)]
    assert stored.days[0].date.weekday() == 0
    assert stored.name == "Demo week"
    assert [s.name for s in stored.supplements] == ["Vitamin D3 2000 IU"]


def test_the_demo_week_warns_of_vitamin_d_with_low_magnesium_every_day(
    service: PlanService,
) -> None:
    demo = service.create_demo(dt.date(2026, 11, 25))

    analysis = service.analyze(service.get(demo.id).plan)

    assert len(analysis.days) == 7
    for day in analysis.days:
        assert VITD_HIGH_MG_LOW in [finding.code for finding in day.findings], day.date
    assert VITD_HIGH_MG_LOW in [finding.code for finding in analysis.week.findings]
    assert analysis.unresolved == ()


def test_ensure_demo_creates_the_demo_only_on_an_empty_database(service: PlanService) -> None:
    first = service.ensure_demo(dt.date(2026, 11, 25))
    assert first is not None
    assert service.ensure_demo(dt.date(2026, 11, 25)) is None
    assert [summary.id for summary in service.list()] == [first.id]


def test_ensure_demo_leaves_a_database_with_plans_alone(
    service: PlanService, week: SavedPlan
) -> None:
    assert service.ensure_demo(dt.date(2026, 11, 25)) is None
    assert [summary.title for summary in service.list()] == ["Low magnesium week"]


def test_a_plan_with_recipes_round_trips(db) -> None:
    """The recipes a plan uses travel in its file and are stored on import (not dropped)."""
    plans = PlanService(db)
    text = json.dumps(
        {
            "format": "planner.plan/1",
            "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
            "days": [{"date": "2026-11-23", "meals": [{"name": "Breakfast", "entries": [
                {"food": "recipe:oats", "amount": 1, "unit": "serving"}]}]}],
            "recipes": [{"id": "recipe:oats", "name": "Oat porridge", "servings": 2,
                         "ingredients": [{"food": "usda:08120", "amount": 1, "unit": "cup"},
                                         {"food": "usda:01079", "amount": 2, "unit": "cup"}]}],
        }
    )
    saved = plans.import_text(text)
    exported = plans.export_text(saved.id)
    data = json.loads(exported)
    (recipe,) = data["recipes"]
    stored_id = recipe.pop("id")
    assert recipe == {"name": "Oat porridge", "servings": 2, "ingredients": [
        {"food": "usda:08120", "amount": 1, "unit": "cup"},
        {"food": "usda:01079", "amount": 2, "unit": "cup"}]}
    assert data["days"][0]["meals"][0]["entries"] == [
        {"food": stored_id, "amount": 1, "unit": "serving"}]
    # Importing the export again reuses the recipe, and exports the same text.
    again = plans.import_text(exported)
    assert plans.export_text(again.id) == exported
