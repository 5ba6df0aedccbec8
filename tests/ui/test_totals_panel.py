"""The totals panel and its bars, on analyses of real USDA foods for a woman of 45.

The expected texts are worked out by hand from the SR28 values in ``foods_fixture`` (see
the sums in ``tests/core/plans.py``), so a change in rounding or wording shows up here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from core.foods_fixture import FOODS_BY_REF, SALMON
from core.plans import (
    ANA,
    LOW_MAGNESIUM_MEALS,
    MAGNESIUM_RICH_MEALS,
    MID_MAGNESIUM_MEALS,
    MONDAY,
    VITAMIN_D_2000_IU,
    entry,
    week_of,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from planner.core.analysis import Analysis, analyze
from planner.core.plan import Day, Meal, Plan, Supplement
from planner.core.targets import Targets
from planner.services.plans import dri_tables
from planner.ui.common.widgets import signal_color
from planner.ui.plan.totals_panel import NutrientBar, TotalsPanel

SHOTS = Path("/tmp/planner-shots")
SUNDAY = MONDAY + timedelta(days=6)




@pytest.fixture(scope="module")
def targets() -> Targets:
    return ANA.targets(dri_tables())


def _analysis(plan: Plan, targets: Targets) -> Analysis:
    return analyze(plan, FOODS_BY_REF, targets)


@pytest.fixture
def low_magnesium(targets: Targets) -> Analysis:
    """Mon-Sat 138.93 mg magnesium, Sunday 282.4 mg; 2000 IU (50 µg) vitamin D daily."""
    days = [Day(MONDAY + timedelta(days=n), LOW_MAGNESIUM_MEALS) for n in range(6)]
    days.append(Day(SUNDAY, MID_MAGNESIUM_MEALS))
    return _analysis(Plan(ANA, tuple(days), (VITAMIN_D_2000_IU,)), targets)


@pytest.fixture
def panel(qtbot: QtBot) -> TotalsPanel:
    widget = TotalsPanel()
    qtbot.addWidget(widget)
    return widget


def save_shot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    """Grab ``widget`` into ``tmp_path`` and ``/tmp/planner-shots`` (to look at by eye)."""
    image = widget.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / name))
    path = tmp_path / name
    assert image.save(str(path))
    return path


def test_day_shows_low_magnesium_against_rda(panel: TotalsPanel, low_magnesium: Analysis) -> None:
    panel.set_analysis(low_magnesium, MONDAY)

    # 138.93 mg of an RDA of 320 mg = 43.4 %.
    assert panel.row_text("magnesium_mg") == {
        "name": "Magnesium", "value": "139 mg", "percent": "43 %", "coverage": "",
    }
    # 50 µg from the supplement + 2.0 µg from two eggs, against an RDA of 15 µg.
    assert panel.row_text("vitamin_d_ug") == {
        "name": "Vitamin D", "value": "52.0 µg", "percent": "347 %", "coverage": "",
    }
    assert panel.caption_text() == "Mon 23 Nov 2026"
    assert panel.bar("magnesium_mg").status() == "low"
    assert panel.bar("vitamin_d_ug").status() == "ok"


def test_week_average_toggle(
    qtbot: QtBot, panel: TotalsPanel, low_magnesium: Analysis
) -> None:
    panel.set_analysis(low_magnesium, MONDAY)

    with qtbot.waitSignal(panel.mode_changed) as blocker:
        qtbot.mouseClick(panel.week_button, Qt.MouseButton.LeftButton)

    assert blocker.args == ["week"]
    assert panel.mode() == "week"
    assert panel.week_button.isChecked() and not panel.day_button.isChecked()
    assert panel.caption_text() == "Week average over 7 planned days"
    # (6 x 138.93 + 282.4) / 7 = 159.43 mg = 49.8 % of 320 mg.
    assert panel.row_text("magnesium_mg")["value"] == "159 mg"
    assert panel.row_text("magnesium_mg")["percent"] == "50 %"
    assert panel.row_text("vitamin_d_ug")["value"] == "52.0 µg"

    with qtbot.waitSignal(panel.mode_changed) as blocker:
        panel.set_mode("day")
    assert blocker.args == ["day"]
    assert panel.day_button.isChecked()
    assert panel.row_text("magnesium_mg")["value"] == "139 mg"


def test_set_mode_to_the_same_mode_is_quiet(qtbot: QtBot, panel: TotalsPanel) -> None:
    with qtbot.assertNotEmitted(panel.mode_changed):
        panel.set_mode("day")
    with pytest.raises(ValueError, match="day or week"):
        panel.set_mode("month")


def test_another_day_shows_its_own_totals(panel: TotalsPanel, low_magnesium: Analysis) -> None:
    panel.set_analysis(low_magnesium, SUNDAY)

    # Quinoa, black beans, eggs and spinach: 282.4 mg, above the 265 mg EAR, below the RDA.
    assert panel.row_text("magnesium_mg")["value"] == "282 mg"
    assert panel.row_text("magnesium_mg")["percent"] == "88 %"
    assert panel.bar("magnesium_mg").status() == "below_target"


def test_coverage_counts_foods_without_vitamin_d(
    panel: TotalsPanel, targets: Targets
) -> None:
    # Wild Atlantic salmon (usda:15076) has no vitamin D value in SR28.
    salmon_day = Day(MONDAY, (
        *LOW_MAGNESIUM_MEALS[:2],
        Meal("Dinner", (entry(SALMON, 150, "g"), *LOW_MAGNESIUM_MEALS[2].entries)),
        Meal("Snacks", (entry(SALMON, 85, "g"),)),
    ))
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU).with_day(salmon_day)
    panel.set_analysis(_analysis(plan, targets), MONDAY)

    vitamin_d = panel.row_text("vitamin_d_ug")
    assert vitamin_d["coverage"] == "2 of 8 foods have no vitamin D value"
    # What is known is a lower bound.
    assert vitamin_d["value"] == "≥52.0 µg"
    assert panel.row_text("magnesium_mg")["coverage"] == ""

    panel.set_mode("week")
    # Monday's 8 entries and 6 on each of the other six days; salmon twice.
    assert panel.row_text("vitamin_d_ug")["coverage"] == (
        "2 of 44 foods in the plan have no vitamin D value"
    )


def test_one_unknown_food_is_singular(panel: TotalsPanel, targets: Targets) -> None:
    day = Day(MONDAY, (Meal("Dinner", (entry(SALMON, 1, "fillet"),
                                       *LOW_MAGNESIUM_MEALS[0].entries)),))
    panel.set_analysis(_analysis(Plan(ANA, (day,)), targets), MONDAY)

    assert panel.row_text("vitamin_d_ug")["coverage"] == "1 of 3 foods has no vitamin D value"


def test_empty_day_says_nothing_planned(panel: TotalsPanel, targets: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU)
    plan = plan.with_day(Day.with_default_meals(MONDAY))
    panel.set_analysis(_analysis(plan, targets), MONDAY)

    assert panel.caption_text() == "Mon 23 Nov 2026: nothing planned"
    assert panel.row_text("magnesium_mg") == {
        "name": "Magnesium", "value": "–", "percent": "", "coverage": "",
    }
    assert panel.bar("vitamin_d_ug").status() == "empty"
    # The targets still show where the marks are.
    assert [mark.label for mark in panel.bar("magnesium_mg").marks()] == [
        "EAR", "RDA", "UL (suppl.)",
    ]


def test_no_analysis_and_missing_day(panel: TotalsPanel, low_magnesium: Analysis) -> None:
    assert panel.caption_text() == "Nothing planned"
    panel.set_analysis(low_magnesium, None)
    assert panel.caption_text() == "No day selected"
    panel.set_analysis(low_magnesium, MONDAY - timedelta(days=1))
    assert panel.caption_text() == "Sun 22 Nov 2026 is not in the plan"
    assert panel.row_text("magnesium_mg")["value"] == "–"


def test_magnesium_ul_counts_supplements_only(
    qtbot: QtBot, panel: TotalsPanel, targets: Targets
) -> None:
    # 641 mg of magnesium from food is far above the 350 mg UL, and fine.
    rich = week_of(ANA, MAGNESIUM_RICH_MEALS)
    panel.set_analysis(_analysis(rich, targets), MONDAY)
    bar = panel.bar("magnesium_mg")
    assert panel.row_text("magnesium_mg")["value"] == "641 mg"
    assert bar.status() == "ok"

    # 400 mg from a supplement is above it, whatever the food adds.
    supplement = Supplement("Magnesium citrate", "magnesium", 400, "mg", form="citrate")
    panel.set_analysis(_analysis(rich.add_supplement(supplement), targets), MONDAY)
    assert bar.status() == "above_ul"
    assert "UL: 350 mg (supplements only)" in bar.toolTip()
    assert "From supplements: 400 mg" in bar.toolTip()


def test_bar_tooltip_and_marks(panel: TotalsPanel, low_magnesium: Analysis) -> None:
    panel.set_analysis(low_magnesium, MONDAY)

    vitamin_d = panel.bar("vitamin_d_ug")
    assert [(mark.label, mark.value) for mark in vitamin_d.marks()] == [
        ("EAR", 10.0), ("RDA", 15.0), ("UL", 100.0),
    ]
    assert vitamin_d.toolTip().splitlines() == [
        "Vitamin D: 52.0 µg (347 % of the RDA)",
        "From supplements: 50.0 µg",
        "RDA: 15 µg",
        "EAR: 10 µg",
        "UL: 100 µg",
    ]
    # Fat has no target: no bar, no percent.
    assert panel.bar("fat_g").isHidden()
    assert panel.row_text("fat_g")["percent"] == ""
    assert panel.bar("energy_kcal").marks()[0].label == "Goal"


def test_bar_colours_follow_the_palette(qtbot: QtBot) -> None:
    bar = NutrientBar()
    qtbot.addWidget(bar)
    light = signal_color("red", bar.palette())
    dark_palette = QPalette(bar.palette())
    dark_palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark = signal_color("red", dark_palette)
    # The dark-theme red is lighter, so it stands out on a dark window.
    assert dark.lightness() > light.lightness()


def test_screenshots(
    qtbot: QtBot, panel: TotalsPanel, low_magnesium: Analysis, tmp_path: Path
) -> None:
    panel.set_analysis(low_magnesium, MONDAY)
    panel.resize(360, 420)
    panel.show()
    qtbot.waitExposed(panel)
    # Nothing is squeezed: the panel fits (about) the side-panel size it is designed for.
    assert panel.minimumSizeHint().height() <= 440
    assert save_shot(panel, "totals_panel.png", tmp_path).exists()

    panel.set_mode("week")
    save_shot(panel, "totals_panel_week.png", tmp_path)

    dark = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#3a3a3a"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Mid, "#5a5a5a"), (QPalette.ColorRole.Highlight, "#3d7dd8"),
        (QPalette.ColorRole.PlaceholderText, "#a0a0a0"),
    ):
        dark.setColor(role, QColor(color))
    panel.setPalette(dark)
    panel.set_mode("day")
    save_shot(panel, "totals_panel_dark.png", tmp_path)
