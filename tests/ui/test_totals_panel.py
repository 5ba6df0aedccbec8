"""The totals panel and its bars, on analyses of real USDA foods for a woman of 45 (40
for the full panel's day).

The expected texts are worked out by hand from the SR28 values in ``foods_fixture`` (see
the sums in ``tests/core/plans.py``) and, for the full panel, from the SR28 rows of the
loaded database quoted beside each test, so a change in rounding or wording shows up here.
"""

from __future__ import annotations

from dataclasses import replace
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
from demo_dates import DEMO_DAY
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot
from windows import launched

from planner.app import Services
from planner.core.analysis import Analysis, analyze
from planner.core.foods import FoodRef
from planner.core.nutrients import FOCUS_KEYS
from planner.core.plan import Day, Entry, Meal, Plan, Supplement
from planner.core.ratios import ratio_values
from planner.core.targets import Targets
from planner.core.totals import NutrientTotal
from planner.core.units import format_nutrient
from planner.services.plans import dri_tables
from planner.services.settings import SettingsService
from planner.settings import load_settings
from planner.ui.common.widgets import signal_color
from planner.ui.plan.nutrient_panel import GROUPS
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


def _action(menu: QMenu, text: str) -> QAction:
    found = [action for action in menu.actions() if action.text() == text]
    assert found, [action.text() for action in menu.actions()]
    return found[0]


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


# -- the full panel, on the demo week in the real database --------------------------------

#: SR28 per 100 g: vitamin C (401), iron (303), calcium (301), magnesium (304), folate DFE
#: (435). Spinach, raw (11457): 28.1 mg, 2.71 mg, 99 mg, 79 mg, 194 µg. Orange juice with
#: added calcium and vitamin D (09210): 33.6, 0.13, 140, 11, 19. Egg, whole, raw (01123):
#: 0.0, 1.75, 56, 12, 47. RALSTON Corn Flakes (08506): 65.0, 19.40, 2, 7, and no folate
#: DFE row (only total folate, 417).
SPINACH_DAY_FOODS = (
    (FoodRef("usda-sr28", "11457"), 60, "g"),       # 60 g
    (FoodRef("usda-sr28", "09210"), 1, "cup"),      # 249 g
    (FoodRef("usda-sr28", "01123"), 2, "large"),    # 2 x 50 g
    (FoodRef("usda-sr28", "08506"), 1, "cup"),      # 28 g
)
#: 0.6 x 28.1 + 2.49 x 33.6 + 1.0 x 0.0 + 0.28 x 65.0
SPINACH_DAY_VITAMIN_C = 16.86 + 83.664 + 0.0 + 18.2
#: 0.6 x 2.71 + 2.49 x 0.13 + 1.0 x 1.75 + 0.28 x 19.40
SPINACH_DAY_IRON = 1.626 + 0.3237 + 1.75 + 5.432
#: Calcium 59.4 + 348.6 + 56 + 0.56 over magnesium 47.4 + 27.39 + 12 + 1.96.
SPINACH_DAY_CA_MG = (59.4 + 348.6 + 56 + 0.56) / (47.4 + 27.39 + 12 + 1.96)


@pytest.fixture
def spinach_week(services: Services) -> Analysis:
    """The demo week for a woman of 40, its Wednesday replaced by the spinach day."""
    plan = services.plans.create_demo(DEMO_DAY).plan
    entries = tuple(Entry(ref, amount, unit) for ref, amount, unit in SPINACH_DAY_FOODS)
    plan = plan.with_day(Day(DEMO_DAY, (Meal("Breakfast", entries),)))
    plan = Plan(replace(plan.profile, age=40), plan.days, plan.supplements, plan.name)
    return services.plans.analyze(plan)


@pytest.fixture
def full_panel(qtbot: QtBot, services: Services) -> TotalsPanel:
    widget = TotalsPanel(settings=services.settings)
    qtbot.addWidget(widget)
    return widget


def test_spinach_day_in_the_full_panel(full_panel: TotalsPanel, spinach_week: Analysis) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)

    # 118.724 mg of the 75 mg RDA for a woman: 158 %.
    assert full_panel.row_text("vitamin_c_mg") == {
        "name": "Vitamin C", "value": "119 mg", "percent": "158 %", "coverage": "",
    }
    vitamin_c = full_panel.bar("vitamin_c_mg")
    assert vitamin_c.is_compact()
    total = vitamin_c.total()
    assert total is not None and total.value == pytest.approx(SPINACH_DAY_VITAMIN_C)
    assert vitamin_c.status() == "ok"

    # 9.1317 mg of the 18 mg RDA of a woman of 19 to 50: 50.7 %, between EAR 8.1 and RDA.
    iron = full_panel.bar("iron_mg")
    assert full_panel.row_text("iron_mg")["value"] == "9.1 mg"
    assert full_panel.row_text("iron_mg")["percent"] == "51 %"
    assert iron.target() is not None and iron.target().recommended == 18  # type: ignore[union-attr]
    assert iron.total().value == pytest.approx(SPINACH_DAY_IRON)  # type: ignore[union-attr]
    assert [(mark.label, mark.value) for mark in iron.marks()] == [
        ("EAR", 8.1), ("RDA", 18.0), ("UL", 45.0),
    ]
    assert iron.status() == "below_target"
    assert iron.toolTip().splitlines()[0] == "Iron: 9.1 mg (51 % of the RDA)"


def test_folate_ul_is_labelled_for_folic_acid(
    full_panel: TotalsPanel, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)

    folate = full_panel.bar("folate_dfe_ug")
    assert [mark.label for mark in folate.marks()] == ["EAR", "RDA", "UL (folic acid)"]
    assert "UL: 1000 µg (folic acid only)" in folate.toolTip().splitlines()
    # The corn flakes have no folate DFE value: the total is a lower bound, and says so.
    row = full_panel.row_text("folate_dfe_ug")
    assert row["value"].startswith("≥")
    assert row["coverage"] == "1 of 4 foods has no folate value"
    assert "1 of 4 foods has no folate value: the total is a lower bound" in folate.toolTip()
    # Folic acid, a part of folate, is indented under it.
    part = full_panel.full.rows["folic_acid_ug"]
    assert part.is_part and part.name.indent() > 0
    assert not full_panel.full.rows["folate_dfe_ug"].is_part


def test_a_nutrient_without_any_value_shows_a_dash(
    full_panel: TotalsPanel, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)

    # SR28 has no biotin: no food of the day has a value (unknown, never zero).
    assert full_panel.row_text("biotin_ug") == {
        "name": "Biotin", "value": "–", "percent": "", "coverage": "No food has a biotin value",
    }
    biotin = full_panel.bar("biotin_ug")
    assert biotin.status() == "empty"
    assert biotin.toolTip().splitlines()[0] == "Biotin: unknown"
    assert biotin.toolTip().splitlines()[-1] == "No food has a biotin value"
    # The AI is still marked.
    assert [mark.label for mark in biotin.marks()] == ["AI"]


def test_folic_acid_ul_is_judged_on_folic_acid_only(qtbot: QtBot, targets: Targets) -> None:
    bar = NutrientBar(compact=True)
    qtbot.addWidget(bar)
    folate = targets["folate_dfe_ug"]
    food_folate = NutrientTotal("folate_dfe_ug", 1500.0, 5, 0, percent=375.0)
    # 1500 µg DFE from food, none of it folic acid: fine.
    bar.set_total(food_folate, folate,
                  {"folic_acid_ug": NutrientTotal("folic_acid_ug", 0.0, 5, 0)})
    assert bar.status() == "ok"
    # 1200 µg of folic acid (fortified foods) is above the 1000 µg UL.
    bar.set_total(food_folate, folate,
                  {"folic_acid_ug": NutrientTotal("folic_acid_ug", 1200.0, 5, 0)})
    assert bar.status() == "above_ul"


def test_groups_collapse_and_keep_their_state(
    qtbot: QtBot, full_panel: TotalsPanel, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)
    full_panel.resize(300, 700)
    full_panel.show()
    qtbot.waitExposed(full_panel)

    # Vitamins, minerals and ratios open; energy (on top already) and lipids closed.
    assert [g for g, _t in GROUPS if full_panel.is_group_collapsed(g)] == ["energy", "lipids"]
    assert full_panel.is_row_shown("iron_mg")
    assert not full_panel.is_row_shown("saturated_fat_g")

    with qtbot.waitSignal(full_panel.full.group_toggled) as blocker:
        qtbot.mouseClick(full_panel.full.header("minerals"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["minerals", True]
    assert not full_panel.is_row_shown("iron_mg")
    assert not full_panel.full.rows["iron_mg"].bar.isVisibleTo(full_panel)
    assert full_panel.is_row_shown("vitamin_c_mg")

    # A new analysis, the week average: the group stays as the user left it.
    full_panel.set_analysis(spinach_week, MONDAY)
    full_panel.set_mode("week")
    assert full_panel.is_group_collapsed("minerals")
    assert not full_panel.is_row_shown("iron_mg")

    full_panel.set_group_collapsed("lipids", False)
    assert full_panel.full.header("lipids").isChecked()
    assert full_panel.is_row_shown("saturated_fat_g")
    # Saturated fat has no target: no bar and no percent, the amount only.
    assert not full_panel.full.rows["saturated_fat_g"].bar.isVisibleTo(full_panel)


def test_highlighting_iron_moves_it_on_top_and_persists(
    qtbot: QtBot, full_panel: TotalsPanel, services: Services, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)
    assert full_panel.top_keys() == FOCUS_KEYS
    assert not full_panel.is_on_top("iron_mg")
    assert full_panel.bar("iron_mg").is_compact()

    menu = full_panel.context_menu("iron_mg")
    show = _action(menu, "Show on top")
    with qtbot.waitSignal(full_panel.highlighted_changed) as blocker:
        show.trigger()
    assert blocker.args == [("iron_mg",)]

    assert full_panel.is_on_top("iron_mg")
    assert full_panel.top_keys() == (*FOCUS_KEYS, "iron_mg")
    # The big row shows the same totals, with its big bar and its marks named.
    assert full_panel.row_text("iron_mg") == {
        "name": "Iron", "value": "9.1 mg", "percent": "51 %", "coverage": "",
    }
    assert not full_panel.bar("iron_mg").is_compact()
    assert full_panel.panel_row_text("iron_mg")["value"] == "9.1 mg"
    # Saved through the settings service, in the file.
    assert services.settings.current.highlighted_nutrients == ("iron_mg",)
    assert load_settings().highlighted_nutrients == ("iron_mg",)

    # A new window (a new panel over the file's settings) shows iron on top again.
    again = TotalsPanel(settings=SettingsService())
    qtbot.addWidget(again)
    again.set_analysis(spinach_week, DEMO_DAY)
    assert again.top_keys() == (*FOCUS_KEYS, "iron_mg")
    assert again.row_text("iron_mg")["value"] == "9.1 mg"

    _action(full_panel.context_menu("iron_mg"), "Remove from top").trigger()
    assert not full_panel.is_on_top("iron_mg")
    assert load_settings().highlighted_nutrients == ()
    # The focus nutrients stay on top.
    always = _action(full_panel.context_menu("magnesium_mg"), "Always shown on top")
    assert not always.isEnabled()


def test_the_context_menu_opens_on_a_row(
    qtbot: QtBot, full_panel: TotalsPanel, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)
    full_panel.resize(300, 700)
    full_panel.show()
    qtbot.waitExposed(full_panel)
    name = full_panel.full.rows["zinc_mg"].name
    full_panel.scroll_area.ensureWidgetVisible(name)
    opened: list[QMenu] = []

    def close_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        opened.append(menu)
        menu.close()

    QTimer.singleShot(0, close_menu)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                              name.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(name, event)
    assert [action.text() for action in opened[0].actions() if action.text()] == [
        "Show on top", "Copy",
    ]


def test_ratios_show_their_range_and_mark(
    full_panel: TotalsPanel, spinach_week: Analysis
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)

    # 464.56 mg calcium over 88.75 mg magnesium = 5.23, above the 2.6 : 1 of Rosanoff 2016.
    assert pytest.approx(5.23, abs=0.01) == SPINACH_DAY_CA_MG
    assert full_panel.ratio_text("ca_mg") == {
        "name": "Calcium : magnesium", "value": "5.2 : 1", "mark": "⚠", "range": "≤ 2.6 : 1",
    }
    ca_mg = full_panel.full.ratios["ca_mg"]
    assert ca_mg.in_range() is False
    tooltip = ca_mg.name.toolTip()
    assert "Calcium : magnesium: 5.2 : 1, outside the range" in tooltip
    assert f"Range: {ca_mg.ratio.range_text} (Rosanoff et al. 2016)" in tooltip.splitlines()
    # The marks are core's judgement, row by row.
    totals = spinach_week.day(DEMO_DAY).totals
    for value in ratio_values(totals):
        row = full_panel.ratio_text(value.ratio.key)
        assert row["value"] == value.text
        assert row["mark"] == ("✓" if value.in_range else "⚠")
    assert full_panel.ratio_text("zn_cu")["range"] == "8–15 : 1"


def test_an_update_reuses_the_rows(
    full_panel: TotalsPanel, spinach_week: Analysis, services: Services
) -> None:
    full_panel.set_analysis(spinach_week, DEMO_DAY)
    widgets = full_panel.findChildren(QWidget)
    label = full_panel.full.rows["vitamin_c_mg"].value

    # Another day: every row shows it, and nothing was made or dropped.
    full_panel.set_analysis(spinach_week, MONDAY)
    assert full_panel.findChildren(QWidget) == widgets
    assert full_panel.full.rows["vitamin_c_mg"].value is label
    monday = spinach_week.day(MONDAY).totals["vitamin_c_mg"]
    assert monday.value is not None
    assert label.text() == format_nutrient("vitamin_c_mg", monday.value)

    # Nothing planned: every row empty, the targets still marked.
    full_panel.set_analysis(None)
    assert full_panel.row_text("vitamin_c_mg")["value"] == "–"
    assert full_panel.ratio_text("ca_mg")["value"] == "–"
    assert full_panel.findChildren(QWidget) == widgets


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)], ids=["1024x700", "1920x1080"])
def test_window_screenshots(qtbot: QtBot, size: tuple[int, int], tmp_path: Path) -> None:
    with launched(qtbot, size=size) as window:
        window.show()
        qtbot.waitExposed(window)
        window.finish_start()
        panel = window.totals_panel
        panel.set_settings(window.services.settings)
        panel.show_on_top("iron_mg")
        qtbot.wait(20)
        name = f"totals_window_{size[0]}x{size[1]}.png"
        save_shot(window, name, tmp_path)
        for group, _title in GROUPS:
            panel.set_group_collapsed(group, False)
        qtbot.wait(20)
        content = panel.scroll_area.widget()
        assert content is not None
        save_shot(content, f"totals_panel_all_{size[0]}x{size[1]}.png", tmp_path)

        # Readable: every name on one line, every amount and percent whole.
        assert panel.full.is_wide() == (size[0] >= 1920)
        for row in panel.full.rows.values():
            assert row.name.height() <= row.name.fontMetrics().height() + 2, row.key
            for label in (row.value, row.percent):
                assert label.width() >= label.sizeHint().width(), (row.key, label.text())
        for ratio in panel.full.ratios.values():
            assert ratio.name.height() <= ratio.name.fontMetrics().height() + 2, ratio.key
        assert content.width() <= panel.scroll_area.viewport().width()
