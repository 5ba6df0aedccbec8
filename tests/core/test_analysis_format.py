"""The analysis as JSON data and as a text table."""

from __future__ import annotations

import json

import pytest

from planner.core.analysis import analyze
from planner.core.analysis_format import analysis_to_json, analysis_to_text
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.plan import Meal, Plan, Profile
from planner.core.targets import DriTables, Targets

from .foods_fixture import EGG, FOODS_BY_REF, SALMON
from .plans import (
    ANA,
    LOW_MAGNESIUM_MEALS,
    MONDAY,
    VITAMIN_D_2000_IU,
    VITAMIN_D_50000_IU_WEEKLY,
    entry,
    week_of,
)


def test_json_shape(woman_45: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU, VITAMIN_D_50000_IU_WEEKLY)
    data = analysis_to_json(analyze(plan, FOODS_BY_REF, woman_45))
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert data["format"] == "planner.analysis/1"
    assert data["targets"]["magnesium_mg"] == {
        "unit": "mg", "recommended": 320.0, "kind": "RDA", "ear": 265.0, "ul": 350.0,
        "ul_kind": "UL", "ul_applies_to": "supplements",
        "ul_basis": "supplements and medicines",
        "source": "IOM 1997 (Ca, P, Mg, D, F)", "overridden": [],
    }
    assert len(data["days"]) == 7
    monday = data["days"][0]
    assert monday["date"] == "2026-11-23" and monday["entries"] == 6
    assert list(monday["totals"]) == list(NUTRIENT_KEYS)
    assert monday["totals"]["vitamin_d_ug"] == {
        "value": 230.5714, "known": 6, "unknown": 0, "from_supplements": 228.5714,
        "percent": 1537.1429,
    }
    assert [f["code"] for f in monday["findings"]] == [
        "vitd_above_ul", "vitd_high_mg_low", "below_ear:calcium_mg", "ca_mg_ratio_high",
    ]
    finding = monday["findings"][1]
    assert finding["severity"] == "warning" and finding["scope"] == "2026-11-23"
    assert finding["message"].startswith("Vitamin D 230.6 µg is at or above your RDA (15 µg) "
        "while magnesium")
    assert finding["references"][0] == (
        "Uwitonze AM, Razzaque MS. Role of Magnesium in Vitamin D Activation and Function. "
        "J Am Osteopath Assoc. 2018;118(3):181-9."
    )
    week = data["week"]
    assert (week["days"], week["averaged_days"], week["entries"]) == (7, 7, 42)
    assert week["average"]["magnesium_mg"]["value"] == pytest.approx(138.93)
    assert week["average"]["magnesium_mg"]["known"] == 42
    assert [f["scope"] for f in week["findings"]] == ["week"] * len(week["findings"])
    assert [f["code"] for f in week["findings"] if f["severity"] != "info"] == [
        "vitd_above_ul", "vitd_high_mg_low", "below_ear:calcium_mg"]
    assert week["ratios"]["ca_mg"]["value"] == pytest.approx(
        week["average"]["calcium_mg"]["value"] / 138.93, rel=1e-3)
    assert "not medical advice" in data["disclaimer"]


def test_text_report(dri_tables: DriTables) -> None:
    bea = Profile("Bea", "female", 30, "pregnancy")
    dinner = (Meal("Dinner", (entry(SALMON, 100, "g"), entry(EGG, 2, "large"))),)
    plan = week_of(bea, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU)
    plan = plan.with_day(plan.days[1].add_entry(2, entry(SALMON, 100, "g")))
    plan = plan.with_day(plan.days[2].replace_meal(0, Meal("Breakfast")))
    plan = plan.with_day(plan.days[3].replace_meal(0, dinner[0]))
    empty_sunday = plan.days[6]
    plan = plan.with_day(type(empty_sunday)(empty_sunday.date, ()))
    text = analysis_to_text(analyze(plan, FOODS_BY_REF, bea.targets(dri_tables)))
    lines = text.splitlines()
    assert lines[0] == "Plan: Bea, female, 30 y, pregnancy"
    header = lines[2].split()
    assert header[:3] == ["Nutrient", "Unit", "Target"]
    assert header[3:5] == ["Mon", "11-23"] and header[-1] == "Average"
    magnesium = next(line for line in lines if line.startswith("Magnesium"))
    # Monday 138.93; Tuesday + salmon 29 = 167.93; Wednesday without breakfast (- bread 20.01,
    # - eggs 12) = 106.92; Thursday salmon instead of bread = 147.92; Sunday not planned:
    # the average is over six days, 839.56 / 6 = 139.93.
    assert magnesium.split() == ["Magnesium", "mg", "350", "139", "168", "107", "148", "139",
                                 "139", "-", "140"]
    vitamin_d = next(line for line in lines if line.startswith("Vitamin D"))
    assert vitamin_d.split()[4:8] == ["52.0", "≥52.0", "50.0", "≥52.0"]
    assert any(line.startswith("  Magnesium ") and line.split(None, 1)[1].strip()
               == "RDA 350 mg, EAR 290 mg, UL 350 mg (supplements only)" for line in lines)
    assert any("Week average  warning  Vitamin D" in line for line in lines)
    assert "not medical advice" in text and text.endswith("\n")
    table_end = lines.index("", 3)
    assert max(len(line) for line in lines[table_end:]) <= 100
    assert max(len(line) for line in lines[:table_end]) <= 120


def test_text_report_of_an_empty_plan(woman_45: Targets) -> None:
    text = analysis_to_text(analyze(Plan(ANA, name="Nothing yet"), FOODS_BY_REF, woman_45))
    assert text.startswith("Nothing yet: Ana, female, 45 y\n\nThe plan has no days.\n")
    assert "Findings: none" in text
    assert MONDAY.isoformat() not in text
