"""The printed week plan: days, meals with entries and amounts, daily totals with units,
findings, targets, where the data comes from and the not-medical-advice note.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.references import DISCLAIMER
from planner.core.targets import DriTables
from planner.paths import read_shipped_text
from planner.reports.plan import data_sources, plan_title, plan_to_html, plan_to_text
from planner.sources.plan_file import load_plan

DEMO_WEEK = Path(__file__).resolve().parent.parent.parent / "data" / "demo_week.json"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONDAY = dt.date(2026, 11, 23)
RICE = FoodRef("usda-sr28", "20045")
UNKNOWN = FoodRef("usda-sr28", "99999")


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@pytest.fixture(scope="module")
def tables() -> DriTables:
    return DriTables.from_csv(read_shipped_text("dri_all.csv"))


def _analysis(plan: Plan, foods: Mapping[FoodRef, Food], tables: DriTables) -> Analysis:
    return analyze(plan, foods, plan.profile.targets(tables))


@pytest.fixture(scope="module")
def demo(foods: Mapping[FoodRef, Food], tables: DriTables) -> Analysis:
    plan = load_plan(DEMO_WEEK.read_text(encoding="utf-8"), foods.get).plan
    return _analysis(plan, foods, tables)


def _text_of(page: str) -> str:
    """The words of an HTML page as a reader sees them (tags out, entities decoded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_html_has_the_days_meals_and_entries(demo: Analysis,
                                             foods: Mapping[FoodRef, Food]) -> None:
    page = plan_to_html(demo, foods)
    words = _text_of(page)

    assert page.startswith("<!DOCTYPE html>")
    for number, name in enumerate(DAY_NAMES):
        assert f"{name} {23 + number} November 2026" in words
    for meal in ("Breakfast", "Lunch", "Dinner", "Snacks"):
        assert meal in words
    # Monday's breakfast: 2 slices of white bread (29 g each, 23 mg magnesium per 100 g).
    assert "2 slice White bread 58 g 13 0.0" in words
    assert "1 cup Cooked white rice 158 g 19 0.0" in words


def test_html_has_totals_with_units_and_targets(demo: Analysis,
                                                foods: Mapping[FoodRef, Food]) -> None:
    words = _text_of(plan_to_html(demo, foods))
    monday = demo.day(MONDAY).totals

    magnesium = monday["magnesium_mg"].value
    assert magnesium is not None
    percent = monday["magnesium_mg"].percent
    assert f"Mon 23 Nov 1,548 kcal {magnesium:.0f} mg ({percent:.0f} %) 64.5 µg 511 mg" in words
    assert "Energy Magnesium Vitamin D Calcium" in words
    assert "Target a day 2,000 kcal (default) 320 mg (RDA) 15.0 µg (RDA) 1,000 mg (RDA)" in words
    assert "Magnesium: RDA 320 mg a day, EAR 265 mg, UL 350 mg (supplements only)" in words
    assert f"Day total (with supplements): Energy 1,548 kcal, Magnesium {magnesium:.0f} mg" \
        in words
    assert "Vitamin D3 2000 IU: 2000 IU, daily" in words


def test_html_has_the_findings_source_and_disclaimer(demo: Analysis,
                                                     foods: Mapping[FoodRef, Food]) -> None:
    words = _text_of(plan_to_html(demo, foods))

    assert demo.week.findings
    for finding in demo.findings:
        assert " ".join(finding.message.split()) in words
    assert "Findings for the week" in words
    assert "Food data: USDA National Nutrient Database for Standard Reference, Release 28" \
        in words
    assert "Dietary Reference Intakes" in words
    assert "not medical advice" in words
    assert " ".join(DISCLAIMER.split()) in words


def test_text_report(demo: Analysis, foods: Mapping[FoodRef, Food]) -> None:
    report = plan_to_text(demo, foods)

    assert report.splitlines()[0] == "Demo week"
    assert "Ana (female, 45 years) · Monday 23 November to Sunday 29 November 2026" in report
    for name in DAY_NAMES:
        assert name.upper() in report
    assert re.search(r"Mon 23 Nov +1,548 kcal +\d+ mg \(\d+ %\) +64\.5 µg +511 mg", report)
    assert "2 slice  White bread (58 g) — magnesium 13 mg, vitamin D 0.0 µg" in report
    assert "Not medical advice." in report
    assert max(len(line) for line in report.splitlines()) <= 100


def test_user_text_is_escaped(foods: Mapping[FoodRef, Food], tables: DriTables) -> None:
    day = Day(MONDAY, (Meal("<b>Lunch</b> & co", (Entry(RICE, 1, "cup"),)),))
    plan = Plan(Profile("Ana <3", "female", 45), (day,), name="<script>x</script>")
    page = plan_to_html(_analysis(plan, foods, tables), foods)

    assert "<script>" not in page and "<b>Lunch" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;Lunch&lt;/b&gt; &amp; co" in page
    assert "Ana &lt;3" in page


def test_unknown_foods_and_units_show_as_unknown(foods: Mapping[FoodRef, Food],
                                                 tables: DriTables) -> None:
    day = Day(MONDAY, (Meal("Lunch", (Entry(UNKNOWN, 100, "g"), Entry(RICE, 2, "bunch"))),))
    plan = Plan(Profile("Ana", "female", 45), (day,))
    analysis = _analysis(plan, foods, tables)
    words = _text_of(plan_to_html(analysis, foods))

    assert "100 g usda:99999 ? ?" in words
    assert "2 bunch Cooked white rice ? ?" in words
    # Nothing weighed: the day's magnesium is unknown; energy shows as unknown too.
    assert "Mon 23 Nov ? ? ? ?" in words


def test_an_empty_plan_and_an_empty_day(foods: Mapping[FoodRef, Food],
                                        tables: DriTables) -> None:
    empty = Plan(Profile("Ana", "female", 45))
    assert "The plan has no days." in _text_of(plan_to_html(_analysis(empty, foods, tables),
                                                            foods))
    assert "The plan has no days." in plan_to_text(_analysis(empty, foods, tables), foods)

    week = Plan.week(Profile("Ana", "female", 45), MONDAY)
    words = _text_of(plan_to_html(_analysis(week, foods, tables), foods))
    assert "Mon 23 Nov – – – –" in words
    assert "Nothing planned." in words
    assert "None for the week average." in words


def test_titles_and_sources(foods: Mapping[FoodRef, Food]) -> None:
    assert plan_title(Plan(Profile("Ana", "female", 45))) == "Ana's plan"
    assert plan_title(Plan(Profile("Ana", "female", 45), name="Week 48")) == "Week 48"
    assert data_sources([]).startswith("Food data: none used.")
    fdc = Food(FoodRef("fdc", "1"), "Test food", None, {},
               attribution="FoodData Central, USDA.")
    text = data_sources([foods[RICE], fdc])
    assert text.startswith("Food data: USDA National Nutrient Database")
    assert "USDA FoodData Central (public domain)" in text
    assert "FoodData Central, USDA." in text
