"""Shopping list use cases over the real USDA database, on SQLite and on PostgreSQL.

The grams of each food must be the sum over the plan's entries (computed here from the
SR28 portion weights, independently of the shopping code); what the user does to a list
(ticks, items added by hand, factor and units) is stored per plan and range, one
transaction per action, and goes with its plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.units import grams_for
from planner.db.plans import PlanNotFoundError
from planner.services.database import Database
from planner.services.plans import PlanService, SavedPlan
from planner.services.shopping import EXPORT_FORMATS, ShoppingService, plan_between

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_WEEK = ROOT / "data" / "demo_week.json"
MONDAY = dt.date(2026, 11, 23)
SUNDAY = MONDAY + dt.timedelta(days=6)
RICE = FoodRef("usda-sr28", "20045")  # Rice, white, long-grain, regular, enriched, cooked
EGG = FoodRef("usda-sr28", "01123")  # Egg, whole, raw, fresh; "large" = 50 g
POUND_G = 453.59237
RAW_RICE = FoodRef("usda-sr28", "20044")  # Rice, white, long-grain, regular, raw, enriched
#: Cooked rice is bought dry: its water-free mass, 31.56 % cooked and 88.38 % dry (SR28).
DRY_PER_COOKED = (100 - 68.44) / (100 - 11.62)


@pytest.fixture
def plans(db: Database) -> PlanService:
    return PlanService(db)


@pytest.fixture
def service(db: Database) -> ShoppingService:
    return ShoppingService(db)


def rice_week() -> Plan:
    """200 g of cooked white rice at lunch and 2 large eggs at breakfast, every day."""
    meals = (
        Meal("Breakfast", (Entry(EGG, 2, "large"),)),
        Meal("Lunch", (Entry(RICE, 200, "g"),)),
    )
    days = tuple(Day(MONDAY + dt.timedelta(days=n), meals) for n in range(7))
    return Plan(Profile("Ana", "female", 45), days, name="Rice week")


@pytest.fixture
def stored_week(plans: PlanService) -> SavedPlan:
    return plans.create(rice_week())


@pytest.fixture
def demo(plans: PlanService) -> SavedPlan:
    return plans.import_text(DEMO_WEEK.read_text(encoding="utf-8"))


def _rows(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT plan_id, start_date, end_date, factor, units, checked, extra_items "
            "FROM shopping_list ORDER BY id"
        ))]


# -- what to buy -----------------------------------------------------------------------


def test_200_g_rice_on_7_days_is_1400_g(service: ShoppingService) -> None:
    sl = service.build(rice_week(), None, MONDAY, SUNDAY)

    rice = next(item for item in sl.items if item.food == RICE)
    # 1.4 kg cooked is 500 g of dry rice: what is bought, with what it is for.
    assert rice.grams == pytest.approx(1400.0 * DRY_PER_COOKED)
    assert rice.display == "500 g white rice, dry (for 1.4 kg cooked)"
    assert (rice.buy_food, rice.sources, rice.key) == (RAW_RICE, ((RICE, 1400.0),),
                                                       "usda:20044")
    assert rice.aisle == "grains and pasta"
    eggs = next(item for item in sl.items if item.food == EGG)
    assert eggs.grams == pytest.approx(14 * 50.0)
    assert eggs.display == "14 large eggs, 1 dozen + 2 (700 g)"
    assert eggs.buy_food is None and eggs.sources == ((EGG, 700.0),)


def test_grams_are_the_sum_over_the_plans_entries(
    service: ShoppingService, plans: PlanService, demo: SavedPlan
) -> None:
    foods = plans.foods_for(demo.plan)
    expected: dict[FoodRef, float] = defaultdict(float)
    for day in demo.plan.days:
        for entry in day.entries:
            expected[entry.food] += grams_for(foods[entry.food], entry.amount, entry.unit)

    sl = service.build(demo.plan, None, MONDAY, SUNDAY)

    # What each item covers adds up, food by food, to what the plan eats.
    covered: dict[FoodRef, float] = defaultdict(float)
    for item in sl.items:
        for ref, grams in item.sources:
            covered[ref] += grams
    assert covered == pytest.approx(dict(expected), rel=1e-9)
    assert len(sl.items) == len(expected) == 24
    assert not sl.notes
    # The list supplies the food's share only (no supplements): a lower figure than the plan's.
    assert sl.nutrition is not None and sl.nutrition.days == 7


def test_a_range_takes_only_its_days(service: ShoppingService) -> None:
    sl = service.build(rice_week(), None, MONDAY, MONDAY + dt.timedelta(days=2))
    rice = next(item for item in sl.items if item.food == RICE)
    assert rice.sources == ((RICE, pytest.approx(600.0)),)
    assert rice.grams == pytest.approx(600.0 * DRY_PER_COOKED)
    assert sl.nutrition is not None and sl.nutrition.days == 3


def test_us_units_and_household_factor(service: ShoppingService) -> None:
    sl = service.build(rice_week(), None, MONDAY, SUNDAY, 2.0, "us")

    rice = next(item for item in sl.items if item.food == RICE)
    assert rice.grams == pytest.approx(2800.0 * DRY_PER_COOKED)
    # 2800 g cooked = 6.17 lb; 999.9 g dry = 2.20 lb, each rounded up to a tenth.
    assert pytest.approx(6.1729, abs=1e-4) == 2800 / POUND_G
    assert rice.display == "2.3 lb white rice, dry (for 6.2 lb cooked)"
    eggs = next(item for item in sl.items if item.food == EGG)
    # 28 large eggs of 50 g = 1400 g = 3.09 lb.
    assert eggs.display == "28 large eggs, 2 dozen + 4 (3.1 lb)"
    assert sl.units == "us" and sl.factor == 2.0


def test_an_empty_range_is_an_empty_list_with_a_note(service: ShoppingService) -> None:
    start = MONDAY + dt.timedelta(days=7)
    sl = service.build(rice_week(), None, start, start + dt.timedelta(days=6))

    assert sl.items == ()
    assert sl.nutrition is None
    assert sl.notes == ("No meals planned between 2026-11-30 and 2026-12-06.",)


def test_a_start_after_the_end_is_an_error(service: ShoppingService) -> None:
    with pytest.raises(ValueError, match="swap the dates"):
        service.build(rice_week(), None, SUNDAY, MONDAY)
    with pytest.raises(ValueError, match="swap the dates"):
        plan_between(rice_week(), SUNDAY, MONDAY)


def test_a_stored_list_needs_both_dates(service: ShoppingService,
                                        stored_week: SavedPlan) -> None:
    with pytest.raises(ValueError, match="start and an end"):
        service.build(stored_week.plan, None, MONDAY, None, plan_id=stored_week.id)


def test_targets_come_from_the_profile(service: ShoppingService) -> None:
    sl = service.build(rice_week(), None, MONDAY, SUNDAY)
    assert sl.nutrition is not None
    # Women 31-50: magnesium RDA 320 mg, vitamin D RDA 15 µg; a week of them.
    assert sl.nutrition.magnesium_target_mg == pytest.approx(7 * 320)
    assert sl.nutrition.vitamin_d_target_ug == pytest.approx(7 * 15)
    # Rice 1400 g x 12 mg/100 g + eggs 700 g x 12 mg/100 g.
    assert sl.nutrition.magnesium_mg == pytest.approx(168 + 84)


def test_aisles_are_the_shipped_ones_read_once(service: ShoppingService) -> None:
    assert service.aisles() is service.aisles()
    assert service.aisles().order[0] == "produce"
    assert service.aisles().default == "other"


# -- ticks, items added by hand, options --------------------------------------------------


def test_a_tick_is_saved_at_once_and_applied_to_the_list(
    db: Database, service: ShoppingService, stored_week: SavedPlan
) -> None:
    plan_id = stored_week.id
    service.set_checked(plan_id, MONDAY, SUNDAY, "usda:01123")

    # Another service over another connection pool sees it: it is committed.
    other = Database.open(db.engine.url.render_as_string(hide_password=False))
    try:
        sl = ShoppingService(other).build(stored_week.plan, None, MONDAY, SUNDAY,
                                          plan_id=plan_id)
    finally:
        other.close()
    assert sl.checked_keys == {"usda:01123"}
    assert _rows(db) == [(plan_id, "2026-11-23", "2026-11-29", None, None,
                          '["usda:01123"]', "[]")]
    # Rice is bought dry: its tick is the dry rice's.
    service.set_checked(plan_id, MONDAY, SUNDAY, "usda:20044")
    sl = service.build(stored_week.plan, None, MONDAY, SUNDAY, plan_id=plan_id)
    assert next(i for i in sl.items if i.food == RICE).checked
    service.set_checked(plan_id, MONDAY, SUNDAY, "usda:20044", False)

    service.set_checked(plan_id, MONDAY, SUNDAY, "usda:01123", False)
    sl = service.build(stored_week.plan, None, MONDAY, SUNDAY, plan_id=plan_id)
    assert sl.checked_keys == frozenset()


def test_ticks_belong_to_their_range(service: ShoppingService,
                                     stored_week: SavedPlan) -> None:
    service.set_checked(stored_week.id, MONDAY, SUNDAY, "usda:01123")

    other_range = service.build(stored_week.plan, None, MONDAY, MONDAY,
                                plan_id=stored_week.id)
    without_id = service.build(stored_week.plan, None, MONDAY, SUNDAY)

    assert other_range.checked_keys == frozenset()
    assert without_id.checked_keys == frozenset()


def test_ticks_from_two_windows_are_both_kept(
    db: Database, service: ShoppingService, stored_week: SavedPlan
) -> None:
    other = Database.open(db.engine.url.render_as_string(hide_password=False))
    try:
        ShoppingService(other).set_checked(stored_week.id, MONDAY, SUNDAY, "usda:20045")
        service.set_checked(stored_week.id, MONDAY, SUNDAY, "usda:01123")
    finally:
        other.close()
    stored = service.stored(stored_week.id, MONDAY, SUNDAY)
    assert stored is not None
    assert stored.checked == {"usda:20045", "usda:01123"}


def test_items_added_by_hand(service: ShoppingService, stored_week: SavedPlan) -> None:
    plan_id = stored_week.id
    soap = service.add_extra(plan_id, MONDAY, SUNDAY, "  Dish   soap ")
    limes = service.add_extra(plan_id, MONDAY, SUNDAY, "Limes", "2", "produce")

    assert (soap.key, soap.display, soap.aisle) == ("extra:dish soap", "Dish soap", "other")
    assert (limes.display, limes.aisle) == ("2 Limes", "produce")
    sl = service.build(stored_week.plan, None, MONDAY, SUNDAY, plan_id=plan_id)
    assert [item.display for item in sl.items] == [
        "2 Limes", "14 large eggs, 1 dozen + 2 (700 g)",
        "500 g white rice, dry (for 1.4 kg cooked)", "Dish soap",
    ]

    service.set_checked(plan_id, MONDAY, SUNDAY, limes.key)
    again = service.add_extra(plan_id, MONDAY, SUNDAY, "limes", "3", "produce")
    assert again.checked and again.display == "3 limes"
    stored = service.stored(plan_id, MONDAY, SUNDAY)
    assert stored is not None
    assert [e.name for e in stored.extras] == ["Dish soap", "limes"]

    assert service.remove_extra(plan_id, MONDAY, SUNDAY, limes.key)
    assert not service.remove_extra(plan_id, MONDAY, SUNDAY, limes.key)
    stored = service.stored(plan_id, MONDAY, SUNDAY)
    assert stored is not None
    assert [e.name for e in stored.extras] == ["Dish soap"]
    assert stored.checked == frozenset()


def test_a_refused_item_writes_nothing(db: Database, service: ShoppingService,
                                       stored_week: SavedPlan) -> None:
    with pytest.raises(ValueError, match="unknown aisle 'garden'"):
        service.add_extra(stored_week.id, MONDAY, SUNDAY, "Seeds", aisle="garden")
    with pytest.raises(ValueError, match="needs a name"):
        service.add_extra(stored_week.id, MONDAY, SUNDAY, "   ")
    with pytest.raises(ValueError, match="swap the dates"):
        service.set_checked(stored_week.id, SUNDAY, MONDAY, "usda:20045")
    with pytest.raises(ValueError, match="household factor"):
        service.set_options(stored_week.id, MONDAY, SUNDAY, 0, "metric")
    with pytest.raises(ValueError, match="units"):
        service.set_options(stored_week.id, MONDAY, SUNDAY, 2, "imperial")  # type: ignore[arg-type]
    assert _rows(db) == []


def test_a_plan_that_does_not_exist(db: Database, service: ShoppingService) -> None:
    with pytest.raises(PlanNotFoundError):
        service.set_checked(999, MONDAY, SUNDAY, "usda:20045")
    assert service.stored(999, MONDAY, SUNDAY) is None
    assert _rows(db) == []


def test_options_are_remembered_per_range(service: ShoppingService,
                                          stored_week: SavedPlan) -> None:
    assert service.stored(stored_week.id, MONDAY, SUNDAY) is None
    service.set_options(stored_week.id, MONDAY, SUNDAY, 2.5, "us")
    stored = service.stored(stored_week.id, MONDAY, SUNDAY)
    assert stored is not None
    assert (stored.factor, stored.units) == (2.5, "us")
    assert service.stored(stored_week.id, MONDAY, MONDAY) is None


def test_the_list_goes_with_its_plan(db: Database, plans: PlanService,
                                     service: ShoppingService, stored_week: SavedPlan) -> None:
    service.set_checked(stored_week.id, MONDAY, SUNDAY, "usda:20045")
    service.add_extra(stored_week.id, MONDAY, SUNDAY, "Dish soap")
    assert len(_rows(db)) == 1

    plans.delete(stored_week.id)

    assert _rows(db) == []


def test_a_row_edited_into_nonsense_loses_only_what_cannot_be_read(
    db: Database, service: ShoppingService, stored_week: SavedPlan
) -> None:
    service.add_extra(stored_week.id, MONDAY, SUNDAY, "Dish soap")
    with db.engine.begin() as connection:
        connection.execute(text(
            "UPDATE shopping_list SET checked = 'not json', "
            "extra_items = '[{\"name\": \"Limes\", \"quantity\": 2}, {\"name\": \"\"}, 7]'"
        ))

    sl = service.build(stored_week.plan, None, MONDAY, SUNDAY, plan_id=stored_week.id)

    assert sl.checked_keys == frozenset()
    assert [item.display for item in sl.items if item.food is None] == ["Limes"]


# -- output ------------------------------------------------------------------------------


def test_exports(service: ShoppingService) -> None:
    sl = service.build(rice_week(), None, MONDAY, SUNDAY)

    data = json.loads(service.export(sl, "json"))
    rice = next(item for item in data["items"] if item["food"] == "usda:20045")
    assert rice == {
        "food": "usda:20045",
        "name": "Rice, white, long-grain, regular, raw, enriched",
        "grams": round(1400 * DRY_PER_COOKED, 4),
        "display": "500 g white rice, dry (for 1.4 kg cooked)",
        "buy": "500 g white rice, dry (for 1.4 kg cooked)",
        "buy_food": "usda:20044",
        "from": [{"food": "usda:20045", "grams": 1400.0}],
        "aisle": "grains and pasta",
        "checked": False,
        "note": "",
    }
    rows = list(csv.DictReader(io.StringIO(service.export(sl, "csv"))))
    assert {row["food"]: row["grams"] for row in rows} == {"usda:01123": "700",
                                                           "usda:20045": "499.9"}
    assert "- [ ] 500 g white rice, dry (for 1.4 kg cooked)" in service.export(sl, "md")
    assert "[ ] 500 g white rice, dry (for 1.4 kg cooked)" in service.export(
        sl, "txt", title="Week")
    page = service.export(sl, "html", title="Rice & eggs")
    assert "<title>Rice &amp; eggs</title>" in page
    assert set(EXPORT_FORMATS) == {"json", "csv", "md", "txt", "html"}
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        service.export(sl, "pdf")  # type: ignore[arg-type]


def test_the_week_plan_report(service: ShoppingService, demo: SavedPlan) -> None:
    page = service.plan_report(demo.plan, None, MONDAY, MONDAY + dt.timedelta(days=1))

    assert "Monday 23 November 2026" in page and "Tuesday 24 November 2026" in page
    assert "Wednesday" not in page
    assert "Cooked white rice" in page
    assert "not medical advice" in page
    report = service.plan_report(demo.plan, None, fmt="txt")
    assert "SUNDAY 29 NOVEMBER 2026" in report
    with pytest.raises(ValueError, match="unknown format"):
        service.plan_report(demo.plan, fmt="pdf")  # type: ignore[arg-type]


def test_the_range_analysis_averages_its_own_days(service: ShoppingService,
                                                  demo: SavedPlan) -> None:
    whole = service.analyze_range(demo.plan)
    monday = service.analyze_range(demo.plan, None, MONDAY, MONDAY)

    assert len(monday.days) == 1
    assert monday.week.average["magnesium_mg"].value == pytest.approx(
        whole.day(MONDAY).totals["magnesium_mg"].value
    )
