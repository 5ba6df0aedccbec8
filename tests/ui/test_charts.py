"""The Charts tab on the demo week over the real USDA database.

The plotted values are read back from the matplotlib artists (bar heights and widths,
line positions, marker positions) and compared with the document's analysis, and the
magnesium sources with a sum worked out entry by entry (grams x mg per 100 g / 100).
Screenshots of every chart go to ``/tmp/planner-shots/chart_*.png`` to be looked at.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from demo_dates import MONDAY
from matplotlib.colors import to_hex
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from planner.app import Services
from planner.core.chart_data import build_chart_data
from planner.core.foods import FoodRef
from planner.core.plan import Plan, Profile
from planner.core.units import grams_for
from planner.reports.charts import (
    CHART_KINDS,
    NOTHING_PLANNED,
    RatioChart,
    SharesChart,
    SourcesChart,
    WeekChart,
    figure_bytes,
)
from planner.services.outputs import ProtectedFileError
from planner.ui.common.document import PlanDocument
from planner.ui.plan.charts import ChartsView, chart_style

SHOTS = Path("/tmp/planner-shots")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
PUMPKIN_SEEDS = "usda:12014"


def save_shot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    """Grab ``widget`` into ``tmp_path`` and ``/tmp/planner-shots`` (to look at by eye)."""
    image = widget.grab()
    assert not image.isNull()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / name))
    path = tmp_path / name
    assert image.save(str(path))
    return path


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#3a3a3a"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Mid, "#5a5a5a"), (QPalette.ColorRole.Highlight, "#3d7dd8"),
        (QPalette.ColorRole.PlaceholderText, "#a0a0a0"),
    ):
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def view(qtbot: QtBot, demo_document: PlanDocument) -> ChartsView:
    widget = ChartsView()
    qtbot.addWidget(widget)
    widget.set_analysis(demo_document.analysis, demo_document.foods, WEDNESDAY)
    return widget


def _week(view: ChartsView) -> WeekChart:
    chart = view.chart("week")
    assert isinstance(chart, WeekChart)
    return chart


def _bar_totals(chart: WeekChart, key: str) -> list[float]:
    return [
        food.get_height() + supplements.get_height()
        for food, supplements in zip(chart.food_bars[key], chart.supplement_bars[key],
                                     strict=True)
    ]


def test_bars_are_the_daily_totals_of_the_demo_week(
    view: ChartsView, demo_document: PlanDocument
) -> None:
    chart = _week(view)
    days = demo_document.analysis.days
    assert [d.date for d in days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    for key in ("magnesium_mg", "vitamin_d_ug"):
        expected = [day.totals[key].value for day in days]
        assert _bar_totals(chart, key) == pytest.approx(expected)
        supplements = [bar.get_height() for bar in chart.supplement_bars[key]]
        assert supplements == pytest.approx([d.totals[key].from_supplements for d in days])
    # The demo's 2000 IU of vitamin D a day is 50 µg, the hatched bottom of every bar.
    assert [bar.get_height() for bar in chart.supplement_bars["vitamin_d_ug"]] == [50.0] * 7
    # The bars sit on the days, labelled Monday to Sunday.
    ax = chart.axes["vitamin_d_ug"]
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [bar.get_x() + bar.get_width() / 2 for bar in chart.food_bars["magnesium_mg"]] == (
        pytest.approx(list(range(7))))
    # The selected day (the day of the other charts) is named in bold.
    weights = [t.get_fontweight() for t in ax.get_xticklabels()]
    assert weights == ["normal", "normal", "bold", "normal", "normal", "normal", "normal"]


def test_threshold_lines_of_a_woman_of_45(view: ChartsView) -> None:
    chart = _week(view)
    mg, vitamin_d = chart.threshold_lines["magnesium_mg"], chart.threshold_lines["vitamin_d_ug"]
    assert mg["ear"].get_ydata()[0] == 265  # type: ignore[index]
    assert mg["recommended"].get_ydata()[0] == 320  # type: ignore[index]
    assert "ul" not in mg  # the magnesium UL counts supplements only; the demo has none
    assert "UL 350 mg applies to supplements only" in chart.axes["magnesium_mg"].get_title(
        loc="right")
    assert vitamin_d["recommended"].get_ydata()[0] == 15  # type: ignore[index]
    assert vitamin_d["ul"].get_ydata()[0] == 100  # type: ignore[index]
    labels = [t.get_text() for t in chart.axes["magnesium_mg"].get_legend().get_texts()]  # type: ignore[union-attr]
    assert {"EAR 265 mg", "RDA 320 mg", "Food", "Supplements"} <= set(labels)
    labels = [t.get_text() for t in chart.axes["vitamin_d_ug"].get_legend().get_texts()]  # type: ignore[union-attr]
    assert {"RDA 15 µg", "UL 100 µg"} <= set(labels)
    # Units on the axes.
    assert chart.axes["magnesium_mg"].get_ylabel() == "mg a day"
    assert chart.axes["vitamin_d_ug"].get_ylabel() == "µg a day"
    # Every bar and line fits under the top of the axes.
    for key, ax in chart.axes.items():
        assert ax.get_ylim()[1] > max([*_bar_totals(chart, key), 320 if key[0] == "m" else 100])


def test_days_with_findings_are_marked(
    qtbot: QtBot, view: ChartsView, demo_document: PlanDocument, services: Services
) -> None:
    flagged = [i for i, day in enumerate(demo_document.analysis.days)
               if any(f.severity == "warning" for f in day.findings)]
    assert flagged == list(range(7))  # the demo: vitamin D high, magnesium low, every day
    markers = _week(view).finding_markers["magnesium_mg"]
    assert set(markers) == {"warning"}
    assert list(markers["warning"].get_xdata()) == flagged  # type: ignore[arg-type]
    # Each marker sits on its bar (and is lifted above it by an offset in points).
    assert list(markers["warning"].get_ydata()) == pytest.approx(  # type: ignore[arg-type]
        [demo_document.analysis.days[i].totals["magnesium_mg"].value for i in flagged])

    # 30 g of pumpkin seeds (592 mg/100 g) lifts Monday above the EAR: its magnesium
    # warning goes, and the markers follow the days' findings (calcium may stay low).
    foods = services.foods
    demo_document.changed.connect(
        lambda: view.set_analysis(demo_document.analysis, demo_document.foods, WEDNESDAY))
    bars = _week(view).food_bars["magnesium_mg"]
    before = bars[0].get_height()
    with qtbot.waitSignal(demo_document.changed):
        assert demo_document.add_entry(MONDAY, 3, foods.get(PUMPKIN_SEEDS), 30, "g")
    chart = _week(view)
    assert chart.food_bars["magnesium_mg"] is bars  # updated in place, not rebuilt
    assert bars[0].get_height() == pytest.approx(before + 30 * 5.92)
    assert "vitd_high_mg_low" not in {f.code for f in demo_document.analysis.days[0].findings}
    warned = [i for i, day in enumerate(demo_document.analysis.days)
              if any(f.severity == "warning" for f in day.findings)]
    assert list(chart.finding_markers["magnesium_mg"]["warning"].get_xdata()) == warned  # type: ignore[arg-type]


def test_top_magnesium_foods_sorted_and_summed_by_hand(
    view: ChartsView, demo_document: PlanDocument
) -> None:
    view.set_chart("sources")
    chart = view.chart()
    assert isinstance(chart, SourcesChart) and chart.bars is not None
    by_food: dict[FoodRef, float] = {}
    for item in demo_document.plan.day(WEDNESDAY).entries:
        food = demo_document.foods[item.food]
        per_100_g = food.nutrients["magnesium_mg"]
        assert per_100_g is not None
        mg = grams_for(food, item.amount, item.unit) * per_100_g / 100
        by_food[item.food] = by_food.get(item.food, 0.0) + mg
    expected = sorted(by_food.values(), reverse=True)
    widths = [bar.get_width() for bar in chart.bars]
    assert widths[:8] == pytest.approx(expected[:8])
    assert widths[:8] == sorted(widths[:8], reverse=True)
    assert widths[8] == pytest.approx(sum(expected[8:]))  # "3 other foods"
    assert chart.labels[8] == f"{len(expected) - 8} other foods"
    total = demo_document.analysis.day(WEDNESDAY).totals["magnesium_mg"].value
    assert sum(widths) == pytest.approx(total)
    top = max(by_food, key=lambda ref: by_food[ref])
    assert chart.labels[0].replace("\n", " ") == demo_document.foods[top].name
    axes = chart.figure.axes[0]
    assert axes.get_xlabel() == "Magnesium (mg a day)"

    # The week: averages a day over the seven planned days.
    view.set_scope("week")
    chart = view.chart()
    assert isinstance(chart, SourcesChart) and chart.bars is not None
    week = demo_document.analysis.week.average["magnesium_mg"].value
    assert sum(bar.get_width() for bar in chart.bars) == pytest.approx(week)


def test_calcium_to_magnesium_ratio_per_day(
    view: ChartsView, demo_document: PlanDocument
) -> None:
    view.set_chart("ratio")
    chart = view.chart()
    assert isinstance(chart, RatioChart) and chart.bars is not None
    expected = [
        day.totals["calcium_mg"].value / day.totals["magnesium_mg"].value  # type: ignore[operator]
        for day in demo_document.analysis.days
    ]
    assert [bar.get_height() for bar in chart.bars] == pytest.approx(expected)
    assert chart.limit_line is not None and chart.limit_line.get_ydata()[0] == 2.6  # type: ignore[index]


def test_supplement_shares(view: ChartsView, demo_document: PlanDocument) -> None:
    view.set_chart("shares")
    assert view.scope_combo.isEnabled()
    chart = view.chart()
    assert isinstance(chart, SharesChart)
    assert chart.supplement_bars is not None and chart.food_bars is not None
    totals = demo_document.analysis.day(WEDNESDAY).totals
    vitamin_d, magnesium = totals["vitamin_d_ug"], totals["magnesium_mg"]
    assert vitamin_d.value is not None
    supplement = [bar.get_width() for bar in chart.supplement_bars]
    food = [bar.get_width() for bar in chart.food_bars]
    assert supplement == pytest.approx([100 * 50.0 / vitamin_d.value, 0.0])
    assert food == pytest.approx([100 - supplement[0], 100.0])
    assert chart.food_bars[0].get_x() == pytest.approx(supplement[0])
    assert magnesium.from_supplements == 0.0


def test_nothing_planned(
    qtbot: QtBot, view: ChartsView, services: Services, tmp_path: Path
) -> None:
    plans = services.plans
    empty = plans.analyze(Plan.week(Profile("Ana", "female", 45), MONDAY), {})
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    for analysis in (empty, None):
        view.set_analysis(analysis, {}, WEDNESDAY)
        for kind in CHART_KINDS:
            view.set_chart(kind)
            assert view.message_text().startswith(NOTHING_PLANNED)
            view.canvas().draw()  # renders without error
    view.set_analysis(empty, {}, WEDNESDAY)
    view.set_chart("week")
    # A week without any entry: the heading and the message, no empty axes.
    assert not any(ax.get_visible() for ax in view.figure().axes)
    save_shot(view, "chart_nothing_planned.png", tmp_path)
    view.set_chart("sources")
    assert view.message_text() == f"{NOTHING_PLANNED} on Wed 25 Nov 2026"


def test_a_day_outside_the_plan(view: ChartsView, demo_document: PlanDocument) -> None:
    later = MONDAY + dt.timedelta(days=8)
    view.set_analysis(demo_document.analysis, demo_document.foods, later)
    view.set_chart("shares")
    assert view.message_text() == f"{NOTHING_PLANNED} on Tue 1 Dec 2026"
    view.set_chart("week")
    assert view.message_text() == NOTHING_PLANNED


def test_save_png_and_svg(view: ChartsView, tmp_path: Path) -> None:
    png = view.save(tmp_path / "week.png")
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    view.set_chart("sources")
    svg = view.save(tmp_path / "sources.svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "<!-- Where the magnesium comes from, Wed 25 Nov 2026 -->" in text
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        view.save(tmp_path / "chart.bmp")


def test_save_button_asks_for_a_file(
    qtbot: QtBot, view: ChartsView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def get_save_file_name(*args: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(tmp_path / "chart"), "SVG image (*.svg)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    with qtbot.waitSignal(view.saved) as saved:
        view.save_button.click()
    assert asked and asked[0].endswith("magnesium-vitamin-d-2026-11-23.png")
    assert saved.args == [str(tmp_path / "chart.svg")]
    assert "<svg" in (tmp_path / "chart.svg").read_text(encoding="utf-8")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    assert view.save_dialog() is None


def test_dark_palette_is_applied(qtbot: QtBot, view: ChartsView, tmp_path: Path) -> None:
    light = view.palette()
    assert to_hex(view.figure().get_facecolor()) == light.color(QPalette.ColorRole.Window).name()
    view.setPalette(dark_palette())
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    for kind in CHART_KINDS:
        figure = view.figure(kind)
        assert to_hex(figure.get_facecolor()) == "#2b2b2b"
        assert to_hex(figure.axes[0].get_facecolor()) == "#1e1e1e"
    chart = _week(view)
    text = chart.axes["magnesium_mg"].get_yticklabels()[0].get_color()
    assert to_hex(text) == "#e6e6e6"
    style = chart_style(dark_palette())
    assert to_hex(chart.food_bars["magnesium_mg"][0].get_facecolor()) == style.food
    save_shot(view, "chart_week_dark.png", tmp_path)


def test_hidden_charts_catch_up_when_shown(
    qtbot: QtBot, view: ChartsView, demo_document: PlanDocument
) -> None:
    data = build_chart_data(demo_document.analysis, demo_document.foods, MONDAY)
    view.set_data(data)
    assert view.data() is data
    assert view.chart("shares").data is data

    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    chart = view.chart("week")
    assert chart.data is data
    # An equal value again (the window refreshes on tab changes too) is not drawn anew.
    view.set_data(build_chart_data(demo_document.analysis, demo_document.foods, MONDAY))
    assert view.data() is data and chart.data is data


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_screenshots(qtbot: QtBot, view: ChartsView, kind: str, tmp_path: Path) -> None:
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_chart(kind)  # type: ignore[arg-type]
    assert save_shot(view, f"chart_{kind}.png", tmp_path).exists()
    if kind in ("sources", "shares"):
        view.set_scope("week")
        save_shot(view, f"chart_{kind}_week.png", tmp_path)


def test_save_never_replaces_the_database(view: ChartsView, isolated_paths: Path,
                                          tmp_path: Path) -> None:
    live = isolated_paths / "planner.sqlite3"
    before = live.read_bytes()
    link = tmp_path / "week.png"
    link.symlink_to(live)
    with pytest.raises(ProtectedFileError, match="the planner database"):
        view.save(link)
    assert live.read_bytes() == before and link.is_symlink()
    mine = tmp_path / "old.svg"
    mine.write_text("<svg/>", encoding="utf-8")
    assert view.save(mine).read_text(encoding="utf-8") != "<svg/>"  # the dialog asked


def _shown_view(qtbot: QtBot, view: ChartsView, demo_document: PlanDocument) -> None:
    """``view`` on screen, following the document as the window makes it."""
    demo_document.changed.connect(
        lambda: view.set_analysis(demo_document.analysis, demo_document.foods, WEDNESDAY))
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.renders[view.current_chart()] > 0)


def _pixels_of_a_full_drawing(view: ChartsView) -> np.ndarray:
    """The chart on show as a new full rendering of its figure (a PNG file) has it."""
    image = mpimg.imread(io.BytesIO(figure_bytes(view.figure(), "png")), format="png")
    return np.asarray((image * 255).round(), dtype=np.uint8)


@pytest.mark.parametrize("grams", [5, 30], ids=["same-scale", "new-scale"])
def test_an_edit_redraws_the_bars_at_the_new_totals(
    qtbot: QtBot, view: ChartsView, demo_document: PlanDocument, services: Services,
    grams: int,
) -> None:
    _shown_view(qtbot, view, demo_document)
    chart = _week(view)
    bars = chart.food_bars["magnesium_mg"]
    top = chart.axes["magnesium_mg"].get_ylim()[1]
    renders, blits = view.renders["week"], view.blits["week"]

    # Pumpkin seeds (592 mg/100 g) on Monday: 5 g stays within the magnesium scale, 30 g
    # lifts Monday's bar over its top (400 mg), so the scale is drawn again too.
    pumpkin_seeds = services.foods.get(PUMPKIN_SEEDS)
    with qtbot.waitSignal(demo_document.changed):
        assert demo_document.add_entry(MONDAY, 3, pumpkin_seeds, grams, "g")
    qtbot.waitUntil(lambda: view.blits["week"] > blits)
    assert (chart.axes["magnesium_mg"].get_ylim()[1] > top) == (grams == 30)

    # The same artists, at the new totals of the analysis to the last digit.
    assert view.chart("week") is chart and chart.food_bars["magnesium_mg"] is bars
    for key in chart.KEYS:
        for index, day in enumerate(demo_document.analysis.days):
            total = day.totals[key]
            assert chart.food_bars[key][index].get_height() == total.from_food
            assert chart.supplement_bars[key][index].get_height() == total.from_supplements
        assert _bar_totals(chart, key) == pytest.approx(
            [day.totals[key].value for day in demo_document.analysis.days], rel=1e-12)
    monday = demo_document.analysis.day(MONDAY).totals["magnesium_mg"].value
    assert monday is not None
    assert chart.value_labels["magnesium_mg"][0].get_text() == f"{monday:.0f}"
    # Only the changed artists were drawn (on the picture kept of the rest), and the
    # canvas shows exactly what a full drawing of the figure does.
    assert view.renders["week"] == renders and view.blits["week"] == blits + 1
    assert np.array_equal(np.asarray(view.canvas().buffer_rgba()),
                          _pixels_of_a_full_drawing(view))


def test_a_change_around_the_bars_renders_the_whole_chart(
    qtbot: QtBot, view: ChartsView, demo_document: PlanDocument,
) -> None:
    _shown_view(qtbot, view, demo_document)
    renders = view.renders["week"]
    # Another selected day (its name in bold): no picture kept is right any more.
    view.set_analysis(demo_document.analysis, demo_document.foods, MONDAY)
    qtbot.waitUntil(lambda: view.renders["week"] > renders)
    weights = [t.get_fontweight() for t in _week(view).axes["vitamin_d_ug"].get_xticklabels()]
    assert weights[:3] == ["bold", "normal", "normal"]
    assert np.array_equal(np.asarray(view.canvas().buffer_rgba()),
                          _pixels_of_a_full_drawing(view))


def test_a_hidden_chart_is_not_redrawn_until_shown(
    qtbot: QtBot, view: ChartsView, demo_document: PlanDocument, services: Services,
) -> None:
    view.set_chart("sources")
    _shown_view(qtbot, view, demo_document)
    week = _week(view)  # drawn from the data, not rendered: it is not on show
    shown_before = week.data
    heights = [bar.get_height() for bar in week.food_bars["magnesium_mg"]]
    counts = {kind: (view.renders[kind], view.blits[kind]) for kind in CHART_KINDS}

    pumpkin_seeds = services.foods.get(PUMPKIN_SEEDS)
    with qtbot.waitSignal(demo_document.changed):
        assert demo_document.add_entry(MONDAY, 3, pumpkin_seeds, 30, "g")
    # The chart on show is drawn again; the week chart is left as it was, stale.
    qtbot.waitUntil(lambda: view.renders["sources"] > counts["sources"][0])
    qtbot.wait(50)
    assert week.data is shown_before
    assert [bar.get_height() for bar in week.food_bars["magnesium_mg"]] == heights
    for kind in ("week", "ratio", "shares"):
        assert (view.renders[kind], view.blits[kind]) == counts[kind]

    # Shown, it catches up: the new totals, drawn once.
    view.set_chart("week")
    assert week.data is view.data()
    qtbot.waitUntil(lambda: view.renders["week"] + view.blits["week"] > sum(counts["week"]))
    monday = demo_document.analysis.day(MONDAY).totals["magnesium_mg"]
    assert week.food_bars["magnesium_mg"][0].get_height() == monday.from_food
    assert np.array_equal(np.asarray(view.canvas().buffer_rgba()),
                          _pixels_of_a_full_drawing(view))

    # A view not on screen (another tab) draws nothing either, until it is shown again.
    view.hide()
    counts = {kind: (view.renders[kind], view.blits[kind]) for kind in CHART_KINDS}
    with qtbot.waitSignal(demo_document.changed):
        assert demo_document.add_entry(TUESDAY, 3, pumpkin_seeds, 30, "g")
    qtbot.wait(50)
    assert {kind: (view.renders[kind], view.blits[kind]) for kind in CHART_KINDS} == counts
    assert week.data is not view.data()
    view.show()
    qtbot.waitUntil(lambda: view.renders["week"] + view.blits["week"] > sum(counts["week"]))
    tuesday = demo_document.analysis.day(TUESDAY).totals["magnesium_mg"]
    assert week.food_bars["magnesium_mg"][1].get_height() == tuesday.from_food
