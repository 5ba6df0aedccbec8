"""The charts drawn with matplotlib alone (no Qt, no pyplot) and rendered to PNG and SVG.

The plans are the hand-checked ones of ``tests/core/plans.py`` (a low-magnesium day has
138.93 mg magnesium; 2000 IU of vitamin D is 50 µg).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from core.foods_fixture import FOODS_BY_REF
from core.plans import (
    ANA,
    LOW_MAGNESIUM_MEALS,
    MID_MAGNESIUM_MEALS,
    MONDAY,
    VITAMIN_D_2000_IU,
    week_of,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from planner.core.analysis import analyze
from planner.core.chart_data import ChartData, build_chart_data
from planner.core.plan import Day, Plan, Supplement
from planner.core.targets import DriTables, Targets
from planner.paths import read_shipped_text
from planner.reports.charts import (
    CHART_KINDS,
    DARK,
    LIGHT,
    NOTHING_PLANNED,
    SourcesChart,
    WeekChart,
    image_format,
    render_all_charts,
    render_chart,
    render_week_charts,
    save_figure,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LOW_MG = 138.93
MID_MG = 282.4
MAGNESIUM_400_MG = Supplement("Magnesium oxide", "magnesium", 400, "mg", form="oxide")


@pytest.fixture(scope="module")
def targets() -> Targets:
    tables = DriTables.from_csv(read_shipped_text("dri_all.csv"))
    return ANA.targets(tables)


def _data(plan: Plan, targets: Targets, day: date | None = MONDAY) -> ChartData:
    return build_chart_data(analyze(plan, FOODS_BY_REF, targets), FOODS_BY_REF, day)


@pytest.fixture
def low_week(targets: Targets) -> ChartData:
    """Mon-Sat 138.93 mg magnesium, Sunday 282.4 mg; 50 µg vitamin D a day."""
    days = [Day(MONDAY + timedelta(days=n), LOW_MAGNESIUM_MEALS) for n in range(6)]
    days.append(Day(MONDAY + timedelta(days=6), MID_MAGNESIUM_MEALS))
    return _data(Plan(ANA, tuple(days), (VITAMIN_D_2000_IU,)), targets)


def _png_size(image: bytes) -> tuple[int, int]:
    assert image.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", image[16:24])
    return width, height


def _week_chart(data: ChartData | None) -> WeekChart:
    figure = Figure(figsize=(9, 6), dpi=100)
    FigureCanvasAgg(figure)
    chart = WeekChart(figure)
    chart.set_data(data)
    return chart


def test_week_charts_render_as_png_and_svg(low_week: ChartData) -> None:
    png = render_week_charts(low_week, fmt="png", dpi=100)
    assert _png_size(png) == (900, 600)
    svg = render_week_charts(low_week, fmt="svg")
    text = svg.decode("utf-8")
    assert "<svg" in text and "</svg>" in text
    # Text is drawn as outlines (no font needed to view it), each piece named in a comment.
    assert "<!-- Magnesium -->" in text and "<!-- RDA 15 µg -->" in text


def test_every_chart_renders_for_day_and_week(low_week: ChartData) -> None:
    for scope in ("day", "week"):
        images = render_all_charts(low_week, scope=scope, fmt="png", dpi=50)
        assert list(images) == list(CHART_KINDS)
        for image in images.values():
            assert _png_size(image) == (450, 300)


def test_nothing_planned_renders(targets: Targets) -> None:
    for data in (None, _data(Plan(ANA), targets, None), _data(Plan.week(ANA, MONDAY), targets)):
        for kind in CHART_KINDS:
            assert render_chart(data, kind, fmt="png", dpi=40).startswith(PNG_SIGNATURE)
        assert "<svg" in render_chart(data, "sources", fmt="svg").decode()
    chart = _week_chart(_data(Plan.week(ANA, MONDAY), targets))
    assert chart.message_text() == NOTHING_PLANNED
    nothing = _week_chart(None)
    assert nothing.message_text() == NOTHING_PLANNED
    assert nothing.figure.axes == []


def test_bars_thresholds_and_markers_of_the_week(low_week: ChartData) -> None:
    chart = _week_chart(low_week)
    assert chart.message_text() == ""
    mg = "magnesium_mg"
    food = [bar.get_height() for bar in chart.food_bars[mg]]
    supplements = [bar.get_height() for bar in chart.supplement_bars[mg]]
    assert food == pytest.approx([LOW_MG] * 6 + [MID_MG])
    assert supplements == [0.0] * 7
    vitamin_d = "vitamin_d_ug"
    # The supplement part at the bottom, the eggs' 2 µg on top of it.
    assert [b.get_height() for b in chart.supplement_bars[vitamin_d]] == pytest.approx([50.0] * 7)
    assert [b.get_y() for b in chart.food_bars[vitamin_d]] == pytest.approx([50.0] * 7)
    assert chart.food_bars[vitamin_d][0].get_height() == pytest.approx(2.0)
    lines = {key: {name: line.get_ydata()[0] for name, line in chart.threshold_lines[key].items()}  # type: ignore[index]
             for key in chart.KEYS}
    # No magnesium supplement: its UL (supplements only) is named, not drawn.
    assert lines == {
        mg: {"ear": 265, "recommended": 320}, vitamin_d: {"recommended": 15, "ul": 100},
    }
    assert "supplements only" in chart.axes[mg].get_title(loc="right")
    marker = chart.finding_markers[mg]["warning"]
    # Mon-Sat: vitamin D high while magnesium is low; Sunday: calcium below its EAR.
    assert list(marker.get_xdata()) == [0, 1, 2, 3, 4, 5, 6]  # type: ignore[arg-type]


def test_magnesium_supplements_bring_their_upper_limit_line(targets: Targets) -> None:
    plan = week_of(ANA, LOW_MAGNESIUM_MEALS, MAGNESIUM_400_MG)
    chart = _week_chart(_data(plan, targets))
    ul = chart.threshold_lines["magnesium_mg"]["ul"]
    assert ul.get_ydata()[0] == 350  # type: ignore[index]
    assert "supplements" in str(ul.get_label())
    # Hatched at the bottom: the part the UL is about; 400 mg is above it.
    assert chart.supplement_bars["magnesium_mg"][0].get_height() == pytest.approx(400.0)
    assert chart.supplement_bars["magnesium_mg"][0].get_hatch() == "///"
    assert "warning" in chart.finding_markers["magnesium_mg"]


def test_a_new_value_updates_the_same_artists(low_week: ChartData, targets: Targets) -> None:
    chart = _week_chart(low_week)
    bars = chart.food_bars["magnesium_mg"]
    axes = chart.axes["magnesium_mg"]
    days = [Day(MONDAY + timedelta(days=n), MID_MAGNESIUM_MEALS) for n in range(6)]
    days.append(Day(MONDAY + timedelta(days=6), LOW_MAGNESIUM_MEALS))
    edited = _data(Plan(ANA, tuple(days), (VITAMIN_D_2000_IU,)), targets)
    chart.set_data(edited)
    assert chart.food_bars["magnesium_mg"] is bars and chart.axes["magnesium_mg"] is axes
    assert [bar.get_height() for bar in bars] == pytest.approx([MID_MG] * 6 + [LOW_MG])
    # The markers move with the findings: calcium is now below its EAR on every day.
    assert list(chart.finding_markers["magnesium_mg"]["warning"].get_xdata()) == [  # type: ignore[arg-type]
        0, 1, 2, 3, 4, 5, 6]
    assert chart.value_labels["magnesium_mg"][0].get_text() == "282"


def test_sources_chart_names_the_foods_largest_first(low_week: ChartData) -> None:
    figure = Figure()
    chart = SourcesChart(figure)
    chart.set_data(low_week, "day")
    assert chart.bars is not None
    widths = [bar.get_width() for bar in chart.bars]
    assert widths == pytest.approx([69.0, 37.92, 20.01, 12.0, 0.0])
    assert chart.labels[0].startswith("Pizza")
    chart.set_scope("week")
    assert sum(bar.get_width() for bar in chart.bars) == pytest.approx((6 * LOW_MG + MID_MG) / 7)


def test_dark_style_colours_the_figure(low_week: ChartData) -> None:
    figure = Figure()
    chart = WeekChart(figure, DARK)
    chart.set_data(low_week)
    assert to_hex(figure.get_facecolor()) == DARK.background
    assert to_hex(chart.axes["magnesium_mg"].get_facecolor()) == DARK.plot_background
    chart.set_style(LIGHT)
    assert to_hex(figure.get_facecolor()) == LIGHT.background


def test_save_figure_picks_the_format_by_suffix(low_week: ChartData, tmp_path: Path) -> None:
    chart = _week_chart(low_week)
    save_figure(chart.figure, tmp_path / "week.PNG")
    assert (tmp_path / "week.PNG").read_bytes().startswith(PNG_SIGNATURE)
    save_figure(chart.figure, tmp_path / "week.svg")
    assert "<svg" in (tmp_path / "week.svg").read_text(encoding="utf-8")
    assert image_format("a.svg") == "svg"
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save_figure(chart.figure, tmp_path / "week.jpg")
    with pytest.raises(ValueError, match="png or svg"):
        render_chart(low_week, fmt="pdf")  # type: ignore[arg-type]


def test_rendering_loads_neither_qt_nor_pyplot() -> None:
    code = (
        "import json, sys\n"
        "from planner.reports.charts import render_week_charts\n"
        "assert render_week_charts(None, dpi=20).startswith(b'\\x89PNG')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "matplotlib.pyplot" not in loaded
    assert not {name for name in loaded if name.startswith(("PySide6", "shiboken6"))}
