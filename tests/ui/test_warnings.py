"""The warnings banner and the finding dialog, on findings of real plans for a woman of 45."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from core.foods_fixture import FOODS_BY_REF
from core.plans import (
    ANA,
    LOW_MAGNESIUM_MEALS,
    MAGNESIUM_RICH_MEALS,
    MID_MAGNESIUM_MEALS,
    MONDAY,
    VITAMIN_D_2000_IU,
    week_of,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from planner.core.analysis import Analysis, analyze
from planner.core.plan import Day, Plan, Supplement
from planner.core.rules import (
    CA_MG_RATIO_HIGH,
    MG_SUPPLEMENT_ABOVE_UL,
    VITD_ABOVE_UL,
    VITD_HIGH_MG_LOW,
    Finding,
)
from planner.core.targets import Targets
from planner.services.plans import dri_tables
from planner.ui.plan.warnings import NOT_ADVICE, FindingDialog, WarningsBanner

SHOTS = Path("/tmp/planner-shots")
SUNDAY = MONDAY + timedelta(days=6)


# Mon-Sat 138.93 mg magnesium, Sunday 282.4 mg: a week average of 159.43 mg.
CALCIUM_LOW = "below_ear:calcium_mg"
LOW_MESSAGE = ("Vitamin D 52.0 µg is at or above your RDA (15 µg) "
        "while magnesium is 139 mg, "
               "below the 265 mg EAR.")
WEEK_MESSAGE = ("Vitamin D 52.0 µg is at or above your RDA (15 µg) "
        "while magnesium is 159 mg, "
                "below the 265 mg EAR.")


@pytest.fixture(scope="module")
def targets() -> Targets:
    return ANA.targets(dri_tables())


@pytest.fixture
def low_magnesium(targets: Targets) -> Analysis:
    """2000 IU (50 µg) vitamin D daily on low-magnesium days: ``vitd_high_mg_low`` fires."""
    days = [Day(MONDAY + timedelta(days=n), LOW_MAGNESIUM_MEALS) for n in range(6)]
    days.append(Day(SUNDAY, MID_MAGNESIUM_MEALS))
    return analyze(Plan(ANA, tuple(days), (VITAMIN_D_2000_IU,)), FOODS_BY_REF, targets)


@pytest.fixture
def banner(qtbot: QtBot) -> WarningsBanner:
    widget = WarningsBanner()
    qtbot.addWidget(widget)
    return widget


def _finding(findings: tuple[Finding, ...], code: str) -> Finding:
    return next(finding for finding in findings if finding.code == code)


def save_shot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    """Grab ``widget`` into ``tmp_path`` and ``/tmp/planner-shots`` (to look at by eye)."""
    image = widget.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / name))
    path = tmp_path / name
    assert image.save(str(path))
    return path


def test_banner_lists_the_day_and_week_warnings(
    banner: WarningsBanner, low_magnesium: Analysis
) -> None:
    day = low_magnesium.day(MONDAY)
    banner.set_findings(day.findings, low_magnesium.week.findings)

    day_warning = _finding(day.findings, VITD_HIGH_MG_LOW)
    week_warning = _finding(low_magnesium.week.findings, VITD_HIGH_MG_LOW)
    assert day_warning.message == LOW_MESSAGE
    assert week_warning.message == WEEK_MESSAGE
    # Warnings before notes; the day's before the week's.
    # Calcium, a focus nutrient, is below its EAR on Monday (the week's average is not).
    assert [f.code for f in banner.findings()] == [
        VITD_HIGH_MG_LOW, CALCIUM_LOW, VITD_HIGH_MG_LOW, CA_MG_RATIO_HIGH, CA_MG_RATIO_HIGH,
    ]
    assert banner.visible_messages() == [
        LOW_MESSAGE, "Calcium is 757 mg on this day, below the 800 mg EAR.", WEEK_MESSAGE,
    ]
    assert banner.empty_row.isHidden()


def test_more_expander(qtbot: QtBot, banner: WarningsBanner, low_magnesium: Analysis) -> None:
    day = low_magnesium.day(MONDAY)
    banner.set_findings(day.findings, low_magnesium.week.findings)
    assert banner.more_button.text() == "Show 2 more findings…"

    qtbot.mouseClick(banner.more_button, Qt.MouseButton.LeftButton)
    assert banner.is_expanded()
    assert len(banner.visible_messages()) == 5
    assert banner.more_button.text() == "Show fewer"

    qtbot.mouseClick(banner.more_button, Qt.MouseButton.LeftButton)
    assert len(banner.visible_messages()) == 3


def test_alert_comes_first_and_repeats_are_shown_once(
    banner: WarningsBanner, targets: Targets
) -> None:
    # 5000 IU + 2000 IU vitamin D (175 µg) and 400 mg magnesium from supplements.
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, VITAMIN_D_2000_IU,
                   Supplement("Vitamin D3 5000 IU", "vitamin_d", 5000, "IU"),
                   Supplement("Magnesium citrate", "magnesium", 400, "mg", form="citrate"))
    analysis = analyze(plan, FOODS_BY_REF, targets)
    banner.set_findings(analysis.day(MONDAY).findings, analysis.week.findings)

    # Every day is the same, so the week says what the day says: shown once.
    assert [f.code for f in banner.findings()] == [VITD_ABOVE_UL, MG_SUPPLEMENT_ABOVE_UL,
                                                   CALCIUM_LOW]
    assert banner.visible_messages()[0] == (
        "Vitamin D 177.0 µg is above the 100 µg tolerable upper intake level (UL); "
        "175.0 µg of it is from supplements."
    )
    assert banner.more_button.isHidden()


def test_magnesium_rich_plan_has_no_magnesium_warning(
    banner: WarningsBanner, targets: Targets
) -> None:
    analysis = analyze(week_of(ANA, MAGNESIUM_RICH_MEALS, VITAMIN_D_2000_IU), FOODS_BY_REF,
                       targets)
    banner.set_findings(analysis.day(MONDAY).findings, analysis.week.findings)

    # Only what the plan lacks: calcium (its meals hold 268 mg a day).
    assert [f.code for f in banner.findings()] == [CALCIUM_LOW]
    assert banner.visible_messages() == ["Calcium is 268 mg on this day, below the 800 mg EAR."]
    assert banner.more_button.isHidden()


def test_a_day_without_findings_says_so(banner: WarningsBanner) -> None:
    banner.set_findings((), ())
    assert banner.findings() == ()
    assert not banner.empty_row.isHidden()
    assert banner.empty_label.text() == "No warnings for this day."
    assert banner.visible_messages() == []


def test_why_opens_the_dialog(
    qtbot: QtBot, banner: WarningsBanner, low_magnesium: Analysis, targets: Targets
) -> None:
    day = low_magnesium.day(MONDAY)
    banner.set_findings(day.findings, low_magnesium.week.findings, targets=targets)
    banner.show()

    with qtbot.waitSignal(banner.finding_activated) as blocker:
        qtbot.mouseClick(banner.why_buttons()[0], Qt.MouseButton.LeftButton)

    assert blocker.args == [_finding(day.findings, VITD_HIGH_MG_LOW)]
    dialog = banner.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Vitamin D high, magnesium low – Mon 23 Nov"
    text = dialog.text()
    assert LOW_MESSAGE in text
    # The numbers and the thresholds they were held against.
    assert "Vitamin D: 52.0 µg – RDA 15 µg, high at or above" in text
    assert "Magnesium: 139 mg – EAR 265 mg, low below" in text
    # What to do: 265 - 138.93 = 126.07 mg short.
    assert "about 127 mg more magnesium on this day" in text
    assert "spinach, pumpkin seeds, almonds or black beans" in text
    assert "Swaps" in text
    assert "activate vitamin D" in text
    assert ("Uwitonze AM, Razzaque MS. Role of Magnesium in Vitamin D Activation and Function. "
            "J Am Osteopath Assoc. 2018;118(3):181-9.") in text
    assert NOT_ADVICE == "This is information, not medical advice."
    assert NOT_ADVICE in text
    # What the window shows is the same content; the note stays in view below the text.
    shown = dialog.body.toPlainText()
    for part in ("52.0 µg", "RDA 15 µg", "139 mg", "EAR 265 mg", "Uwitonze"):
        assert part in shown
    assert dialog.note.isVisible()
    assert dialog.note.text().startswith(f"<b>{NOT_ADVICE}</b>")

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_banner_without_dialogs_only_signals(
    qtbot: QtBot, low_magnesium: Analysis
) -> None:
    banner = WarningsBanner(opens_dialogs=False)
    qtbot.addWidget(banner)
    banner.set_findings((), low_magnesium.week.findings)

    with qtbot.waitSignal(banner.finding_activated) as blocker:
        qtbot.mouseClick(banner.why_buttons()[0], Qt.MouseButton.LeftButton)
    assert blocker.args[0].day is None
    assert banner.dialog is None


def test_dialog_of_the_week_finding(qtbot: QtBot, low_magnesium: Analysis) -> None:
    finding = _finding(low_magnesium.week.findings, VITD_HIGH_MG_LOW)
    dialog = FindingDialog(finding)
    qtbot.addWidget(dialog)

    assert dialog.windowTitle() == "Vitamin D high, magnesium low – Week average"
    assert dialog.subtitle.text() == "Warning · week average"
    # 265 - 159.43 = 105.57 mg short.
    assert "about 106 mg more magnesium on an average day" in dialog.text()
    assert "Magnesium: 159 mg – EAR 265 mg, low below" in dialog.text()


def test_dialog_text_is_selectable_wrapped_and_copyable(
    qtbot: QtBot, low_magnesium: Analysis
) -> None:
    dialog = FindingDialog(_finding(low_magnesium.day(MONDAY).findings, VITD_HIGH_MG_LOW))
    qtbot.addWidget(dialog)

    assert dialog.body.isReadOnly()
    assert dialog.body.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert dialog.body.lineWrapMode() == QTextBrowser.LineWrapMode.WidgetWidth
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.text()


def test_dialog_of_other_findings(qtbot: QtBot, targets: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS,
                   Supplement("Vitamin D3 5000 IU", "vitamin_d", 5000, "IU"),
                   Supplement("Magnesium oxide", "magnesium", 400, "mg", form="oxide"))
    findings = analyze(plan, FOODS_BY_REF, targets).day(MONDAY).findings

    above_ul = FindingDialog(_finding(findings, VITD_ABOVE_UL))
    qtbot.addWidget(above_ul)
    assert above_ul.title.text() == "Vitamin D above the upper limit"
    assert "Vitamin D: 127.0 µg – UL 100 µg" in above_ul.text()
    assert "of it from supplements: 125.0 µg" in above_ul.text()
    # Every finding says what could be done (core decides; the dialog only shows it).
    assert "What you can do\nA lower supplement dose keeps the total at or below the UL." in (
        above_ul.text()
    )

    magnesium = FindingDialog(_finding(findings, MG_SUPPLEMENT_ABOVE_UL))
    qtbot.addWidget(magnesium)
    assert "Magnesium from supplements: 400 mg – UL 350 mg (supplements only)" in (
        magnesium.text()
    )
    assert NOT_ADVICE in magnesium.text()


def test_screenshots(
    qtbot: QtBot, low_magnesium: Analysis, targets: Targets, tmp_path: Path
) -> None:
    # In a window 900 wide, as above the week grid: the layout gives it the height it asks.
    window = QWidget()
    qtbot.addWidget(window)
    banner = WarningsBanner(window)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(banner)
    layout.addStretch(1)
    window.resize(900, 300)
    day = low_magnesium.day(MONDAY)
    banner.set_findings(day.findings, low_magnesium.week.findings, targets=targets)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: banner.height() <= 130)
    save_shot(banner, "warnings_banner.png", tmp_path)

    dialog = FindingDialog(_finding(day.findings, VITD_HIGH_MG_LOW), targets=targets)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    save_shot(dialog, "finding_dialog.png", tmp_path)

    banner.set_findings((), ())
    # Collapsed to one slim line.
    qtbot.waitUntil(lambda: banner.height() <= 32)
    save_shot(banner, "warnings_banner_empty.png", tmp_path)
