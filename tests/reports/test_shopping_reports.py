"""Shopping list renderings: JSON data, CSV, Markdown, plain text and printable HTML."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Mapping
from datetime import date, timedelta

import pytest

from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list, extra_item
from planner.core.targets import DriTables, Targets, targets_for
from planner.paths import read_shipped_text
from planner.reports.shopping import (
    CSV_COLUMNS,
    FOOTER,
    SHOPPING_FORMAT,
    nutrition_sentence,
    range_text,
    shopping_list_to_json,
    to_csv,
    to_html,
    to_markdown,
    to_text,
)

MONDAY = date(2026, 11, 23)
EGG = FoodRef("usda-sr28", "01123")
SPINACH = FoodRef("usda-sr28", "11457")
RICE = FoodRef("usda-sr28", "20045")
ALMONDS = FoodRef("usda-sr28", "12061")


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@pytest.fixture(scope="module")
def aisles() -> Aisles:
    return Aisles.from_json(read_shipped_text("aisles.json"))


@pytest.fixture(scope="module")
def targets() -> Targets:
    tables = DriTables.from_csv(read_shipped_text("dri_all.csv"))
    return targets_for(tables, age=45, sex="female")


def _week() -> Plan:
    # Per day: 2 large eggs (100 g: 12 mg magnesium, 2.0 µg vitamin D), 60 g spinach
    # (47.4 mg), 200 g cooked white rice (24 mg), 30 g almonds (81 mg).
    meals = (
        Meal("Breakfast", (Entry(EGG, 2, "large"),)),
        Meal("Lunch", (Entry(SPINACH, 60, "g"), Entry(RICE, 200, "g"))),
        Meal("Snacks", (Entry(ALMONDS, 30, "g"),)),
    )
    days = tuple(Day(MONDAY + timedelta(days=n), meals) for n in range(7))
    return Plan(Profile("Ana", "female", 45), days)


@pytest.fixture(scope="module")
def week_list(foods: Mapping[FoodRef, Food], aisles: Aisles, targets: Targets) -> ShoppingList:
    extras = [
        extra_item("<script>alert('x')</script> & co", quantity="1"),
        extra_item("Dish soap, lemon", aisle="other", checked=True, note="the big one"),
    ]
    return build_shopping_list(_week(), foods, aisles, targets=targets, extra_items=extras,
                               checked={"usda:20045"})


def test_the_list_under_test(week_list: ShoppingList) -> None:
    assert [item.display for item in week_list.items] == [
        "2 packages spinach (568 g)",
        "14 large eggs, 1 dozen + 2 (700 g)",
        "1.4 kg cooked white rice",
        "210 g almonds",
        "1 <script>alert('x')</script> & co",
        "Dish soap, lemon",
    ]


def test_json_lists_every_item_with_its_food_reference(week_list: ShoppingList) -> None:
    data = shopping_list_to_json(week_list)

    assert json.loads(json.dumps(data)) == data
    assert data["format"] == SHOPPING_FORMAT
    assert (data["start"], data["end"], data["factor"]) == ("2026-11-23", "2026-11-29", 1.0)
    assert data["items"][1] == {
        "food": "usda:01123", "name": "Egg, whole, raw, fresh", "grams": 700.0,
        "display": "14 large eggs, 1 dozen + 2 (700 g)",
        "buy": "14 large eggs, 1 dozen + 2 (700 g)", "buy_food": None,
        "from": [{"food": "usda:01123", "grams": 700.0}],
        "aisle": "dairy and eggs", "checked": False, "note": "",
    }
    assert data["items"][2]["checked"] is True
    soap = data["items"][5]
    assert (soap["food"], soap["grams"], soap["checked"]) == (None, None, True)
    assert data["nutrition"]["days"] == 7
    assert data["nutrition"]["vitamin_d_ug"] == pytest.approx(14.0)
    assert data["notes"] == []


def test_csv_parses_back_with_every_item(week_list: ShoppingList) -> None:
    text = to_csv(week_list)

    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS == (
        "aisle", "item", "quantity", "grams", "food", "checked"
    )
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(records) == len(week_list.items)
    for record, item in zip(records, week_list.items, strict=True):
        assert record["aisle"] == item.aisle
        assert record["item"] == item.name
        assert record["quantity"] == item.display
        assert record["food"] == ("" if item.food is None else str(item.food))
        assert record["checked"] == ("yes" if item.checked else "no")
        if item.grams is None:
            assert record["grams"] == ""
        else:
            assert float(record["grams"]) == pytest.approx(item.grams, abs=0.05)
    assert records[2]["grams"] == "1400"
    # A comma in a name is quoted, not a new column.
    assert records[5]["item"] == "Dish soap, lemon"


def test_markdown_is_a_task_list_per_aisle(week_list: ShoppingList) -> None:
    text = to_markdown(week_list, title="Week of 23 November")

    assert text.startswith("# Week of 23 November\n")
    assert "## Produce\n" in text and "## Dairy and eggs\n" in text and "## Other\n" in text
    assert "- [ ] 14 large eggs, 1 dozen + 2 (700 g) \u2014 Egg, whole, raw, fresh\n" in text
    assert "- [x] 1.4 kg cooked white rice" in text
    assert "- [x] Dish soap, lemon *(the big one)*" in text
    for item in week_list.items[:4]:
        assert item.display in text
    # Markup in a name is escaped, not rendered.
    assert "\\<script\\>" in text and "<script>" not in text
    assert "This list supplies" in text
    assert text.rstrip().endswith(FOOTER)


def test_text_lists_every_item_under_its_aisle(week_list: ShoppingList) -> None:
    text = to_text(week_list)
    lines = text.splitlines()

    assert lines[0] == "Shopping list"
    assert lines[1] == "2026-11-23 to 2026-11-29 \u00b7 6 items"
    for item in week_list.items:
        assert item.display in text
    produce = lines.index("PRODUCE")
    assert lines[produce + 1] == "  [ ] 2 packages spinach (568 g) \u2014 Spinach, raw"
    assert lines.index("PRODUCE") < lines.index("DAIRY AND EGGS") < lines.index("OTHER")
    assert text.rstrip().endswith(FOOTER)


def test_html_is_a_printable_page_that_escapes_user_text(week_list: ShoppingList) -> None:
    page = to_html(week_list, title="Ana's <week> & more")

    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Ana's &lt;week&gt; &amp; more</title>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; co" in page
    assert "2026-11-23 to 2026-11-29" in page
    assert "<h2>Produce</h2>" in page and "<h2>Nuts and seeds</h2>" in page
    assert page.count("\u2610") == 4 and page.count("\u2611") == 2
    assert page.index("<h2>Produce</h2>") < page.index("<h2>Dairy and eggs</h2>")
    assert f'<p class="footer">{FOOTER}</p>' in page


def test_the_nutrition_line_gives_the_shares_of_the_weeks_targets(
    week_list: ShoppingList,
) -> None:
    # Magnesium: 7 x (12 + 47.4 + 24 (rice, 12 mg/100 g) + 81 (almonds, 270 mg/100 g))
    # = 1150.8 mg of 7 x 320 mg: 51 %. Vitamin D 14 µg of 7 x 15 µg: 13 %.
    sentence = nutrition_sentence(week_list)

    assert sentence == ("This list supplies 51 % of the week's magnesium target and "
                        "13 % of vitamin D.")
    assert week_list.nutrition is not None
    assert week_list.nutrition.magnesium_mg == pytest.approx(1150.8)
    assert sentence is not None and sentence in to_html(week_list, title="Week")


def test_the_nutrition_line_with_a_factor_without_targets_and_with_gaps(
    foods: Mapping[FoodRef, Food], aisles: Aisles, targets: Targets
) -> None:
    plan = _week()
    doubled = build_shopping_list(plan, foods, aisles, factor=2, targets=targets)
    no_targets = build_shopping_list(plan, foods, aisles, end=MONDAY)
    gaps = plan.with_day(plan.days[0].add_entry(0, Entry(FoodRef("usda-sr28", "99999"), 1, "g")))
    with_gaps = build_shopping_list(gaps, foods, aisles, targets=targets)

    assert nutrition_sentence(doubled) == (
        "This list supplies 51 % of the week's magnesium target and 13 % of vitamin D "
        "(targets \u00d7 2 for the household)."
    )
    assert nutrition_sentence(no_targets) == (
        "This list supplies 164 mg of magnesium and 2.0 \u00b5g of vitamin D."
    )
    assert nutrition_sentence(with_gaps) == (
        "This list supplies 51 % of the week's magnesium target and 13 % of vitamin D. "
        "These are lower bounds: 1 entry has no magnesium value and 1 no vitamin D value."
    )


def test_an_empty_list_renders_with_its_note(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    empty = build_shopping_list(_week(), foods, aisles, start=date(2026, 12, 1),
                                end=date(2026, 12, 7))
    note = "No meals planned between 2026-12-01 and 2026-12-07."

    page = to_html(empty, title="December")

    assert nutrition_sentence(empty) is None
    assert "<p>Nothing to buy.</p>" in page and note in page
    assert note in to_text(empty) and note in to_markdown(empty)
    assert to_csv(empty) == "aisle,item,quantity,grams,food,checked\n"
    assert shopping_list_to_json(empty)["items"] == []


def test_one_day_and_open_ranges_read_well(
    foods: Mapping[FoodRef, Food], aisles: Aisles
) -> None:
    one_day = build_shopping_list(_week(), foods, aisles, start=MONDAY, end=MONDAY)

    assert range_text(one_day) == "2026-11-23"
    assert range_text(ShoppingList(None, None, 1.0, ())) == ""
    assert range_text(ShoppingList(MONDAY, None, 1.0, ())) == "from 2026-11-23"


def test_reports_import_neither_qt_nor_the_database() -> None:
    code = ("import json, sys, planner.reports.shopping\n"
            "print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) & {"PySide6", "shiboken6", "sqlalchemy"} == set()
