"""The plan repository over the real USDA database: storing, reading, listing, deleting.

Every test works on a private copy of the loaded database (``db``) and counts rows in the
plan tables directly, so that a write that leaves orphans or half a plan is seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import text

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, PlanError, Profile, Supplement
from planner.db.plans import PlanConflictError, PlanNotFoundError, PlanRepository, PlanSummary
from planner.services.database import Database

EGG = FoodRef("usda-sr28", "01123")
SPINACH = FoodRef("usda-sr28", "11457")
WHITE_RICE = FoodRef("usda-sr28", "20045")
OATS = FoodRef("usda-sr28", "08120")
UNKNOWN_FOOD = FoodRef("usda-sr28", "99999")

PLAN_TABLES = ("profile", "plan", "plan_day", "meal", "entry", "supplement")
MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)
WEDNESDAY = dt.date(2026, 11, 25)


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (*PLAN_TABLES, "food")
        }


def _empty_counts(db: Database) -> dict[str, int]:
    return {**dict.fromkeys(PLAN_TABLES, 0), "food": _counts(db)["food"]}


def _without_ids(plan: Plan) -> Plan:
    """``plan`` with every database id cleared, to compare what it holds."""
    return replace(
        plan,
        id=None,
        profile=replace(plan.profile, id=None),
        days=tuple(
            replace(
                day,
                id=None,
                meals=tuple(
                    replace(meal, id=None, entries=tuple(replace(e, id=None) for e in meal.entries))
                    for meal in day.meals
                ),
            )
            for day in plan.days
        ),
        supplements=tuple(replace(s, id=None) for s in plan.supplements),
    )


def _plan(name: str | None = "Ana's week") -> Plan:
    # Meals in an order that is not alphabetical and entries that repeat a food, so that
    # positions, not names or food ids, must decide the order read back.
    monday = Day(
        MONDAY,
        (
            Meal("Lunch", (Entry(WHITE_RICE, 1.5, "cup"), Entry(SPINACH, 60, "g"))),
            Meal("Breakfast", (Entry(EGG, 2, "large"), Entry(OATS, 40, "g"), Entry(EGG, 1, "g"))),
            Meal("Snacks"),
        ),
    )
    tuesday = Day(TUESDAY, (Meal("Dinner", (Entry(SPINACH, 2, "cup"),)),))
    supplements = (
        Supplement("Vitamin D3 2000 IU", "vitamin_d", 2000, "IU"),
        Supplement("Vitamin D3 50000 IU", "vitamin_d", 50000, "IU", "weekly", "sun"),
        Supplement("Magnesium glycinate", "magnesium", 200, "mg", form="glycinate"),
    )
    profile = Profile("Ana", "female", 45, "none", {"magnesium_mg.ear": 300, "vitamin_d_ug": 20})
    return Plan(profile, (tuesday, monday), supplements, name)


def _create(db: Database, plan: Plan) -> int:
    with db.sessions.begin() as session:
        return PlanRepository(session).create(plan)


def _get(db: Database, plan_id: int) -> Plan:
    with db.sessions() as session:
        return PlanRepository(session).get(plan_id)


def test_create_then_get_returns_an_equal_plan(db: Database) -> None:
    plan = _plan()
    plan_id = _create(db, plan)

    stored = _get(db, plan_id)

    assert _without_ids(stored) == plan
    assert stored.id == plan_id
    assert [day.date for day in stored.days] == [MONDAY, TUESDAY]
    assert [meal.name for meal in stored.days[0].meals] == ["Lunch", "Breakfast", "Snacks"]
    assert stored.profile.target_overrides == {"magnesium_mg.ear": 300.0, "vitamin_d_ug": 20.0}
    assert stored.supplements[1].weekday == "sun"
    assert stored.supplements[2].form == "glycinate"


def test_get_gives_every_stored_row_its_id(db: Database) -> None:
    plan_id = _create(db, _plan())
    stored = _get(db, plan_id)

    day_ids = [day.id for day in stored.days]
    meal_ids = [meal.id for day in stored.days for meal in day.meals]
    entry_ids = [entry.id for day in stored.days for entry in day.entries]
    supplement_ids = [s.id for s in stored.supplements]

    assert stored.profile.id is not None
    for ids in (day_ids, meal_ids, entry_ids, supplement_ids):
        assert None not in ids
        assert len(set(ids)) == len(ids)
    assert (len(day_ids), len(meal_ids), len(entry_ids), len(supplement_ids)) == (2, 4, 6, 3)
    assert _counts(db) == {
        **_empty_counts(db), "profile": 1, "plan": 1, "plan_day": 2, "meal": 4, "entry": 6,
        "supplement": 3,
    }


def test_list_summarises_every_plan(db: Database) -> None:
    first = _create(db, _plan())
    empty = _create(db, Plan(Profile("Ben", "male", 30), name=None))

    with db.sessions() as session:
        summaries = PlanRepository(session).list()

    assert summaries == [
        PlanSummary(first, "Ana's week", "Ana", MONDAY, TUESDAY, 2, 1),
        PlanSummary(empty, None, "Ben", None, None, 0, 1),
    ]
    assert [summary.title for summary in summaries] == ["Ana's week", "Ben's plan"]


def test_list_of_an_empty_database_is_empty(db: Database) -> None:
    with db.sessions() as session:
        assert PlanRepository(session).list() == []


def test_bump_revision_claims_the_next_revision(db: Database) -> None:
    plan_id = _create(db, _plan())
    with db.sessions.begin() as session:
        repository = PlanRepository(session)
        assert repository.revision(plan_id) == 1
        assert repository.bump_revision(plan_id, 1) == 2
        assert repository.bump_revision(plan_id, None) == 3
    with db.sessions() as session:
        assert PlanRepository(session).revision(plan_id) == 3


def test_bump_revision_with_a_stale_revision_raises_and_changes_nothing(db: Database) -> None:
    plan_id = _create(db, _plan())
    with db.sessions.begin() as session:
        PlanRepository(session).bump_revision(plan_id, 1)

    with (
        pytest.raises(PlanConflictError, match=r"revision 2, this window has 1"),
        db.sessions.begin() as session,
    ):
        PlanRepository(session).bump_revision(plan_id, 1)

    with db.sessions() as session:
        assert PlanRepository(session).revision(plan_id) == 2


def test_write_days_replaces_the_given_dates_and_removes_others(db: Database) -> None:
    plan_id = _create(db, _plan())
    before = _get(db, plan_id)
    wednesday = Day(WEDNESDAY, (Meal("Breakfast", (Entry(OATS, 50, "g"),)),))
    new_tuesday = Day(TUESDAY, (Meal("Dinner", (Entry(SPINACH, 3, "cup"),)),))

    with db.sessions.begin() as session:
        PlanRepository(session).write_days(plan_id, [new_tuesday, wednesday], remove=[MONDAY])

    after = _get(db, plan_id)
    assert [day.date for day in after.days] == [TUESDAY, WEDNESDAY]
    assert _without_ids(after).days == (new_tuesday, wednesday)
    # Monday's meals and entries went with it: no orphans.
    assert _counts(db)["plan_day"] == 2
    assert _counts(db)["meal"] == 2
    assert _counts(db)["entry"] == 2
    assert after.supplements == before.supplements
    assert after.profile == before.profile


def test_delete_removes_the_plan_its_rows_and_its_profile(db: Database) -> None:
    empty = _empty_counts(db)
    kept_id = _create(db, _plan("Kept"))
    counts_of_kept = _counts(db)
    kept = _get(db, kept_id)
    deleted_id = _create(db, _plan("Deleted"))
    assert _counts(db)["entry"] == 2 * counts_of_kept["entry"]

    with db.sessions.begin() as session:
        PlanRepository(session).delete(deleted_id)

    assert _counts(db) == counts_of_kept
    assert _get(db, kept_id) == kept
    with db.sessions.begin() as session:
        PlanRepository(session).delete(kept_id)
    assert _counts(db) == empty


def test_deleting_a_plan_row_cascades_in_the_schema(db: Database) -> None:
    # The migration's ON DELETE CASCADE (foreign keys on in SQLite) removes days, meals,
    # entries and supplements even when a plan is deleted outside the ORM.
    plan_id = _create(db, _plan())
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM plan WHERE id = :id"), {"id": plan_id})
    assert _counts(db) == {**_empty_counts(db), "profile": 1}


Call = Callable[[PlanRepository], object]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda r: r.get(999), id="get"),
        pytest.param(lambda r: r.revision(999), id="revision"),
        pytest.param(lambda r: r.delete(999), id="delete"),
        pytest.param(lambda r: r.bump_revision(999, 1), id="bump_revision"),
        pytest.param(lambda r: r.write_header(999, _plan()), id="write_header"),
    ],
)
def test_a_missing_plan_raises_plan_not_found(db: Database, call: Call) -> None:
    _create(db, _plan())
    with db.sessions() as session, pytest.raises(PlanNotFoundError) as error:
        call(PlanRepository(session))
    assert error.value.plan_id == 999
    assert str(error.value) == "there is no plan 999"


def test_an_entry_with_a_food_not_in_the_database_stores_nothing(db: Database) -> None:
    empty = _empty_counts(db)
    plan = _plan()
    tuesday = plan.days[1].add_entry(0, Entry(UNKNOWN_FOOD, 100, "g"))

    with (
        pytest.raises(PlanError, match=r"^no food usda:99999 in the database$"),
        db.sessions.begin() as session,
    ):
        PlanRepository(session).create(plan.with_day(tuesday))

    assert _counts(db) == empty


def test_food_ids_names_every_missing_food(db: Database) -> None:
    refs = [EGG, FoodRef("usda-sr28", "99999"), FoodRef("usda-sr28", "99998"), SPINACH]
    with db.sessions() as session:
        repository = PlanRepository(session)
        with pytest.raises(PlanError) as error:
            repository.food_ids(refs)
        found = repository.food_ids([EGG, SPINACH, EGG])
    assert str(error.value) == "no food usda:99998, usda:99999 in the database"
    assert set(found) == {EGG, SPINACH}
    assert len(set(found.values())) == 2


def test_write_header_changes_name_and_profile_only(db: Database) -> None:
    plan = _plan()
    plan_id = _create(db, plan)
    renamed = replace(plan, name="Ana, pregnant", profile=Profile("Ana", "female", 33, "pregnancy"))

    with db.sessions.begin() as session:
        PlanRepository(session).write_header(plan_id, renamed)

    stored = _get(db, plan_id)
    assert stored.name == "Ana, pregnant"
    assert (stored.profile.age, stored.profile.life_stage) == (33, "pregnancy")
    assert stored.profile.target_overrides == {}
    assert _without_ids(stored).days == plan.days
    assert _counts(db)["profile"] == 1


def test_repository_never_commits(db: Database) -> None:
    # The caller owns the transaction: a session closed without commit keeps nothing.
    empty = _empty_counts(db)
    with db.sessions() as session:
        PlanRepository(session).create(_plan())
    assert _counts(db) == empty
