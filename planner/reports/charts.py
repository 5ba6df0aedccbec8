"""The charts of a plan drawn with matplotlib: one drawing for the window and the report.

Each chart class draws a :class:`~planner.core.chart_data.ChartData` on a
:class:`~matplotlib.figure.Figure` it is given and keeps its artists, so that a new value
(after every edit in the window) updates bar heights and labels in place instead of
building the figure again; the week chart is built again only when its structure changes
(a new style, or a week of another number of days). It also names the artists a new
value changes (:meth:`Chart.dynamic_artists`) and what the rest of the figure depends on
(:meth:`Chart.background_signature`), so that the window can keep a picture of the rest
and draw only those again. The window puts the figure on a Qt canvas
(:mod:`planner.ui.plan.charts`); the report renders it to PNG or SVG bytes here with the Agg
and SVG backends (:func:`render_chart`, :func:`render_week_charts`). Nothing here
imports Qt or ``matplotlib.pyplot``: pyplot keeps global figures and picks a GUI backend,
neither of which a library should do.

Colours come from a :class:`ChartStyle`; the window builds one from its palette (light
or dark), the report uses :data:`LIGHT`.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar, Final, Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from planner.core.chart_data import (
    ChartData,
    ChartScope,
    MagnesiumSources,
    NutrientWeek,
)
from planner.core.rules import Severity

__all__ = [
    "CHART_KINDS",
    "CHART_TITLES",
    "DARK",
    "IMAGE_FORMATS",
    "LIGHT",
    "NOTHING_PLANNED",
    "Chart",
    "ChartKind",
    "ChartStyle",
    "ImageFormat",
    "RatioChart",
    "SharesChart",
    "SourcesChart",
    "WeekChart",
    "chart_class",
    "figure_bytes",
    "image_format",
    "render_all_charts",
    "render_chart",
    "render_week_charts",
    "save_figure",
]

ChartKind = Literal["week", "sources", "ratio", "shares"]
CHART_KINDS: Final[tuple[ChartKind, ...]] = ("week", "sources", "ratio", "shares")
CHART_TITLES: Final[dict[ChartKind, str]] = {
    "week": "Magnesium and vitamin D by day",
    "sources": "Where the magnesium comes from",
    "ratio": "Calcium to magnesium ratio",
    "shares": "Supplements and food",
}
ImageFormat = Literal["png", "svg"]
IMAGE_FORMATS: Final[tuple[ImageFormat, ...]] = ("png", "svg")
NOTHING_PLANNED: Final = "Nothing planned"
#: Inches: 900 x 600 pixels at 100 dpi, the size the window shows the charts at.
DEFAULT_SIZE: Final = (9.0, 6.0)
_NAME_WIDTH: Final = 34
_BAR_WIDTH: Final = 0.62
_HATCH: Final = "///"
_SHARE_BAR_HEIGHT: Final = 0.42
# A backing for value labels, so that a threshold line through one leaves it readable.
_LABEL_BOX: Final = {"boxstyle": "square,pad=0.1", "edgecolor": "none", "alpha": 0.8}


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """The colours of a chart (any matplotlib colour: ``#rrggbb`` here)."""

    background: str
    plot_background: str
    text: str
    muted: str
    food: str
    supplements: str
    ear: str
    recommended: str
    upper_limit: str
    alert: str
    warning: str
    info: str
    high: str
    other: str
    font_size: float = 9.0

    def severity(self, severity: Severity) -> str:
        return {"alert": self.alert, "warning": self.warning, "info": self.info}[severity]


# The light and dark shades of planner.ui.plan.totals_panel.signal_color (blue, red, amber,
# green), so the report matches the window.
LIGHT: Final = ChartStyle(
    background="#ffffff", plot_background="#ffffff", text="#202020", muted="#8a8a8a",
    food="#1565c0", supplements="#1565c0", ear="#d08700", recommended="#2e7d32",
    upper_limit="#c62828", alert="#c62828", warning="#d08700", info="#1565c0",
    high="#d08700", other="#9e9e9e",
)
DARK: Final = ChartStyle(
    background="#2b2b2b", plot_background="#1e1e1e", text="#e6e6e6", muted="#8c8c8c",
    food="#64a8f0", supplements="#64a8f0", ear="#f2b33d", recommended="#6cc070",
    upper_limit="#ef6f6c", alert="#ef6f6c", warning="#f2b33d", info="#64a8f0",
    high="#f2b33d", other="#7a7a7a",
)

_SEVERITY_NAMES: Final[dict[Severity, str]] = {
    "alert": "Alert that day", "warning": "Warning that day", "info": "Note that day",
}
# As in the warnings banner: a triangle for a warning, a round badge otherwise.
_SEVERITY_MARKERS: Final[dict[Severity, str]] = {"alert": "o", "warning": "^", "info": "o"}
_SEVERITY_ORDER: Final[tuple[Severity, ...]] = ("alert", "warning", "info")


def _day_label(day: date) -> str:
    return f"{day:%a}\n{day.day} {day:%b}"


def _short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b} {day.year}"


def _amount(value: float, unit: str) -> str:
    return f"{value:.0f} {unit}" if unit == "mg" else f"{value:.1f} {unit}"


def _wrap(name: str, width: int = _NAME_WIDTH, lines: int = 2) -> str:
    """A long food name on at most ``lines`` lines, cut with an ellipsis beyond them."""
    wrapped = textwrap.wrap(name, width) or [name]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip(" ,") + "…"
    return "\n".join(wrapped)


def _round_up(value: float) -> float:
    """``value`` rounded up to the next tick of a 1-2-2.5-5 scale (1.0 for nothing)."""
    if value <= 0:
        return 1.0
    ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(0.0, value)
    return float(next((tick for tick in ticks if tick >= value), value))


class _LayoutWhenChanged(ConstrainedLayoutEngine):
    """Constrained layout, worked out again only when what it depends on changed.

    Matplotlib lays a constrained figure out on every draw, a third of the time of a
    redraw here; the axes keep their places between draws, so the layout is done again
    only for a new size or resolution or when the chart's :meth:`Chart.layout_signature`
    (the texts and scales around the axes) changed.
    """

    def __init__(self, chart: Chart) -> None:
        super().__init__()
        self._chart = chart
        self._done_for: object = None

    def execute(self, fig: Figure) -> None:
        key = (fig.bbox.width, fig.bbox.height, fig.dpi, self._chart.layout_signature())
        if key != self._done_for:
            # From the places of a new figure, so that a figure laid out again ends where
            # one built for its value would (the layout is iterative).
            for ax in fig.axes:
                spec = ax.get_subplotspec()
                if spec is not None:
                    ax.set_position(spec.get_position(fig))
                    ax.set_in_layout(True)  # which set_position turns off
            super().execute(fig)
            self._done_for = key


class Chart:
    """One chart on a figure: :meth:`set_data` draws, a new value updates the drawing."""

    kind: ClassVar[ChartKind]

    def __init__(self, figure: Figure, style: ChartStyle = LIGHT) -> None:
        self.figure = figure
        self.style = style
        self.data: ChartData | None = None
        self.scope: ChartScope = "day"
        figure.set_layout_engine(_LayoutWhenChanged(self))
        self.message: Text | None = None
        self._layout: object = None
        # Counts the drawings (set_data calls); see layout_signature.
        self._drawn = 0
        # Counts the times the figure was built (cleared and its artists made anew).
        self._builds = 0

    @property
    def title(self) -> str:
        return CHART_TITLES[self.kind]

    def set_data(
        self,
        data: ChartData | None,
        scope: ChartScope | None = None,
        *,
        style: ChartStyle | None = None,
    ) -> None:
        """Draw ``data`` (``None``: nothing planned) on the figure; nothing is rendered yet.

        ``scope`` picks the day or week figures of the sources and shares charts; a new
        ``style`` redraws everything in its colours. The caller renders the figure (on
        the next turn of the event loop in the window, ``savefig`` in a report).
        """
        self.data = data
        if scope is not None:
            self.scope = scope
        if style is not None and style != self.style:
            self.style = style
            self._layout = None
        self._draw()

    def set_scope(self, scope: ChartScope) -> None:
        if scope != self.scope:
            self.scope = scope
            self._draw()

    def set_style(self, style: ChartStyle) -> None:
        """Colours changed (the palette): everything is drawn again in the new ones."""
        self.set_data(self.data, style=style)

    def layout_signature(self) -> object:
        """What the layout of the figure depends on beyond its size: when it changes, the
        figure is laid out again. By default, everything drawn so far (no caching)."""
        return self._drawn

    def dynamic_artists(self) -> list[Artist]:
        """The artists a new value changes while :meth:`background_signature` stays the
        same (bars, value labels...): a window may keep a picture of the rest of the
        figure and draw only these on it again. Empty: the whole figure is drawn."""
        return []

    def background_signature(self) -> object:
        """What everything but :meth:`dynamic_artists` shows: while it is unchanged, a
        picture of the rest drawn before is still right. ``None``: keep no picture."""
        return None

    def scale_artists(self) -> list[Artist]:
        """Those of :meth:`dynamic_artists` that lie under all the others and change only
        with :meth:`scale_signature` (the week chart's y axes): a picture taken with them
        serves until the scale changes."""
        return []

    def scale_signature(self) -> object:
        return None

    def message_text(self) -> str:
        """The text over the chart ("Nothing planned"), empty when none is shown."""
        if self.message is None or not self.message.get_visible():
            return ""
        return self.message.get_text()

    # -- drawing -----------------------------------------------------------------------

    def _draw(self) -> None:
        self._drawn += 1
        layout = self._layout_key()
        if layout != self._layout:
            self.figure.clear()
            self.figure.set_facecolor(self.style.background)
            self.message = self.figure.text(
                0.5, 0.5, NOTHING_PLANNED, ha="center", va="center",
                fontsize=self.style.font_size * 1.8, color=self.style.muted, zorder=10,
            )
            self.message.set_in_layout(False)
            self._build()
            self._layout = layout
            self._builds += 1
        self._update()

    def _layout_key(self) -> object:
        """What the artists depend on; when it changes the figure is built again."""
        return (self.style,)

    def _build(self) -> None:
        raise NotImplementedError

    def _update(self) -> None:
        raise NotImplementedError

    def _show_message(self, text: str | None) -> None:
        assert self.message is not None
        self.message.set_visible(text is not None)
        if text is not None:
            self.message.set_text(text)

    def _style_axes(self, ax: Axes) -> None:
        style = self.style
        ax.set_facecolor(style.plot_background)
        ax.tick_params(colors=style.muted, labelcolor=style.text, labelsize=style.font_size)
        for spine in ax.spines.values():
            spine.set_edgecolor(style.muted)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.xaxis.label.set_color(style.text)
        ax.yaxis.label.set_color(style.text)
        ax.xaxis.label.set_fontsize(style.font_size)
        ax.yaxis.label.set_fontsize(style.font_size)
        ax.set_axisbelow(True)

    def _heading(self, text: str) -> None:
        """The chart's heading, over the whole figure at its left edge."""
        self.figure.suptitle(text, x=0.01, ha="left", color=self.style.text,
                             fontsize=self.style.font_size * 1.3, fontweight="bold")

    # Titles are placed at y=1 (the top of the axes) explicitly: left to place them itself,
    # matplotlib measures the axes on every draw looking for tick labels above them, which
    # these charts never have.
    def _subtitle(self, ax: Axes, text: str) -> None:
        ax.set_title(text, loc="left", y=1.0, color=self.style.muted,
                     fontsize=self.style.font_size)

    def _title(self, ax: Axes, left: str, right: str = "") -> None:
        ax.set_title(left, loc="left", y=1.0, color=self.style.text,
                     fontsize=self.style.font_size * 1.15, fontweight="bold")
        ax.set_title(right, loc="right", y=1.0, color=self.style.muted,
                     fontsize=self.style.font_size * 0.9)

    def _legend(self, ax: Axes, handles: Sequence[Patch | Line2D]) -> None:
        # Outside the plot on the right: a legend never covers a bar.
        legend = ax.legend(
            handles=list(handles), loc="upper left", bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0, frameon=False, fontsize=self.style.font_size * 0.9,
            labelcolor=self.style.text, handlelength=1.8,
        )
        legend.set_in_layout(True)

    def _supplement_patch(self, label: str) -> Patch:
        return Patch(facecolor=self.style.plot_background, edgecolor=self.style.supplements,
                     hatch=_HATCH, label=label)


class WeekChart(Chart):
    """Magnesium and vitamin D per day against the EAR, RDA/AI and UL (two axes).

    Each bar is the day's total: the hatched bottom part from supplements, the solid part
    on top from food. A UL compared with a part of the total only (the magnesium UL: the
    supplements, as :func:`planner.core.status.amount_for_ul` has it) is named over the
    axes, and its line drawn (against the hatched part) only when some day has an amount
    it counts. Days with findings carry a marker in the colour of their most severe
    finding.

    The figure is built for a number of days; a new value of as many days (every edit,
    another week, other targets) moves the bars, lines, labels and markers it has, and
    changes the titles and legends only when their text changes.
    """

    kind: ClassVar[ChartKind] = "week"
    KEYS: ClassVar[tuple[str, str]] = ("magnesium_mg", "vitamin_d_ug")

    def __init__(self, figure: Figure, style: ChartStyle = LIGHT) -> None:
        self.axes: dict[str, Axes] = {}
        self.food_bars: dict[str, BarContainer] = {}
        self.supplement_bars: dict[str, BarContainer] = {}
        #: Per nutrient key: the ``ear``, ``recommended`` and ``ul`` lines shown (those it has).
        self.threshold_lines: dict[str, dict[str, Line2D]] = {}
        #: Per nutrient key and severity: markers above the bars of the days concerned
        #: (the severities found in the week).
        self.finding_markers: dict[str, dict[Severity, Line2D]] = {}
        self.value_labels: dict[str, list[Annotation]] = {}
        self.not_planned_labels: dict[str, list[Text]] = {}
        # Every threshold line and marker of an axes, shown or not.
        self._lines: dict[str, dict[str, Line2D]] = {}
        self._markers: dict[str, dict[Severity, Line2D]] = {}
        # The y of each threshold line shown, for the height of the axes.
        self._levels: dict[str, list[float]] = {}
        # The texts of each legend, to make a legend anew only when they change.
        self._legend_texts: dict[str, tuple[str, ...]] = {}
        self._dates: tuple[date, ...] = ()
        # What the figure shows around the bars: days, titles, legends (see _update).
        self._frame: object = None
        super().__init__(figure, style)

    def layout_signature(self) -> object:
        # A new scale moves the layout only if its tick labels get longer or shorter.
        scales = tuple(_tick_widths(ax) for ax in self.axes.values())
        return (self._builds, scales, self._frame)

    def background_signature(self) -> object:
        # The scales are drawn with the bars (a new one is no new layout unless its tick
        # labels are longer or shorter, which the layout signature has).
        return self.layout_signature() if self.axes else None

    def scale_artists(self) -> list[Artist]:
        return [ax.yaxis for ax in self.axes.values()]

    def scale_signature(self) -> object:
        return tuple(ax.get_ylim() for ax in self.axes.values())

    def dynamic_artists(self) -> list[Artist]:
        """The y axes (scale, grid and unit), bars, threshold lines, value labels and
        markers, and the spines: they lie over the foot of the bars and under the lines,
        so they are drawn among them."""
        artists: list[Artist] = []
        for key, ax in self.axes.items():
            artists.append(ax.yaxis)
            artists.extend(self.supplement_bars[key].patches)
            artists.extend(self.food_bars[key].patches)
            artists.extend(self._lines[key].values())
            artists.extend(self.value_labels[key])
            artists.extend(self.not_planned_labels[key])
            artists.extend(self._markers[key].values())
            artists.extend(ax.spines.values())
        return artists

    def _nutrients(self) -> tuple[NutrientWeek, NutrientWeek] | None:
        if self.data is None:
            return None
        return self.data.week.magnesium, self.data.week.vitamin_d

    def _layout_key(self) -> object:
        """The structure: the style and the number of days (none: the message alone)."""
        days = len(self.data.week.dates) if self.data is not None else 0
        return (self.style, days)

    def _build(self) -> None:
        for artists in (self.axes, self.food_bars, self.supplement_bars, self.threshold_lines,
                        self.finding_markers, self.value_labels, self.not_planned_labels,
                        self._lines, self._markers, self._levels, self._legend_texts):
            artists.clear()
        self._dates = ()
        self._frame = None
        days = len(self.data.week.dates) if self.data is not None else 0
        if not days:
            return  # no week at all: the message alone
        top, bottom = self.figure.subplots(2, 1, sharex=True)
        self.axes = dict(zip(self.KEYS, (top, bottom), strict=True))
        positions = list(range(days))
        for key, ax in self.axes.items():
            self._build_axes(key, ax, positions)
        bottom.set_xticks(positions)
        bottom.set_xlim(-0.6, days - 0.4)

    def _build_axes(self, key: str, ax: Axes, positions: list[int]) -> None:
        style = self.style
        zeros = [0.0] * len(positions)
        self._style_axes(ax)
        ax.grid(axis="y", color=style.muted, alpha=0.25, linewidth=0.6)
        self.supplement_bars[key] = ax.bar(
            positions, zeros, _BAR_WIDTH, facecolor=style.plot_background,
            edgecolor=style.supplements, hatch=_HATCH, linewidth=0.8, zorder=2,
        )
        self.food_bars[key] = ax.bar(
            positions, zeros, _BAR_WIDTH, bottom=zeros, color=style.food, zorder=2,
        )
        # Placed and labelled, or hidden, by each value (_update_thresholds).
        self._lines[key] = {
            "ear": ax.axhline(0.0, color=style.ear, linestyle="--", linewidth=1.4, zorder=3,
                              visible=False),
            "recommended": ax.axhline(0.0, color=style.recommended, linestyle="-",
                                      linewidth=1.4, zorder=3, visible=False),
            "ul": ax.axhline(0.0, color=style.upper_limit, linestyle=":", linewidth=1.6,
                             zorder=3, visible=False),
        }
        self.value_labels[key] = [
            ax.annotate("", (x, 0.0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=style.font_size * 0.85,
                        color=style.text, zorder=4, bbox=_LABEL_BOX | {
                            "facecolor": style.plot_background})
            for x in positions
        ]
        self.not_planned_labels[key] = [
            ax.text(x, 0.0, "not planned", rotation=90, ha="center", va="bottom",
                    fontsize=style.font_size * 0.85, color=style.muted, zorder=4)
            for x in positions
        ]
        above = offset_copy(ax.transData, fig=self.figure, y=17, units="points")
        markers: dict[Severity, Line2D] = {}
        for severity in _SEVERITY_ORDER:
            (markers[severity],) = ax.plot(
                [], [], linestyle="none", marker=_SEVERITY_MARKERS[severity],
                markersize=8, color=style.severity(severity), transform=above,
                label=_SEVERITY_NAMES[severity], zorder=5, clip_on=False,
            )
        self._markers[key] = markers

    def _update(self) -> None:
        nutrients = self._nutrients()
        data = self.data
        if data is None or nutrients is None or not self.axes:
            self._frame = None
            self._show_message(NOTHING_PLANNED)
            return
        self._show_message(None if not data.is_empty else NOTHING_PLANNED)
        week = data.week
        self._update_days(week.dates, data.day)
        present = {s for s in week.severities if s is not None}
        frame: list[object] = [week.dates, data.day, data.is_empty]
        for index, (key, nutrient) in enumerate(zip(self.KEYS, nutrients, strict=True)):
            ax = self.axes[key]
            # A week with nothing planned shows its heading and the message, not empty axes.
            ax.set_visible(not data.is_empty)
            self.finding_markers[key] = {
                s: self._markers[key][s] for s in _SEVERITY_ORDER if s in present}
            # The markers first: the legend copies them as they are.
            self._update_markers(key, nutrient, week.severities)
            frame.append(self._update_thresholds(key, nutrient, with_markers=index == 0))
            highest = self._update_bars(key, nutrient)
            highest = max([highest, *self._levels[key]])
            # Room above the highest bar for its label and marker, up to a round number, so
            # that the scale (and the layout) stays put while the plan is edited.
            ax.set_ylim(0.0, _round_up(highest * 1.2))
        self._frame = tuple(frame)

    def _update_days(self, dates: tuple[date, ...], selected: date | None) -> None:
        """The day names under the bars, the selected one in bold, and the heading."""
        bottom = self.axes[self.KEYS[-1]]
        if dates != self._dates:
            bottom.set_xticks(list(range(len(dates))), [_day_label(d) for d in dates])
            self._heading(f"Magnesium and vitamin D, week of {_short_date(dates[0])}")
            self._dates = dates
        _mark_selected_day(bottom, dates, selected)

    def _update_thresholds(self, key: str, nutrient: NutrientWeek, *,
                           with_markers: bool) -> object:
        """The threshold lines, the titles and the legend of one axes; returns their texts."""
        ax = self.axes[key]
        levels = _threshold_levels(nutrient)
        for name, line in self._lines[key].items():
            level = levels.get(name)
            line.set_visible(level is not None)
            if level is not None:
                line.set_ydata([level[0], level[0]])
                line.set_label(level[1])
        shown = {name: self._lines[key][name] for name in levels}
        self.threshold_lines[key] = shown
        self._levels[key] = [level for level, _label in levels.values()]
        note = _ul_note(nutrient)
        self._title(ax, nutrient.label, note)
        ax.set_ylabel(f"{nutrient.unit} a day")
        handles: list[Patch | Line2D] = [
            Patch(color=self.style.food, label="Food"), self._supplement_patch("Supplements"),
            *shown.values(),
        ]
        if with_markers:
            handles.extend(self.finding_markers[key].values())
        texts = tuple(str(handle.get_label()) for handle in handles)
        if texts != self._legend_texts.get(key):
            self._legend(ax, handles)
            self._legend_texts[key] = texts
        return (nutrient.label, nutrient.unit, note, texts)

    def _update_bars(self, key: str, nutrient: NutrientWeek) -> float:
        """The bars and value labels of one nutrient; returns the highest total."""
        highest = 0.0
        for index, day in enumerate(nutrient.days):
            supplements = day.supplements if day.planned else 0.0
            food = (day.food or 0.0) if day.planned else 0.0
            self.supplement_bars[key].patches[index].set_height(supplements)
            food_bar = self.food_bars[key].patches[index]
            food_bar.set_y(supplements)
            food_bar.set_height(food)
            total = day.total
            label = self.value_labels[key][index]
            label.xy = (index, total or 0.0)
            if total is None:
                label.set_text("?" if day.planned else "")
            else:
                shown = f"{total:.0f}" if nutrient.unit == "mg" else f"{total:.1f}"
                label.set_text(("≥" if day.unknown else "") + shown)
                highest = max(highest, total)
            self.not_planned_labels[key][index].set_visible(not day.planned)
        return highest

    def _update_markers(self, key: str, nutrient: NutrientWeek,
                        severities: tuple[Severity | None, ...]) -> None:
        for severity, marker in self._markers[key].items():
            flagged = [i for i, s in enumerate(severities) if s == severity]
            heights = [nutrient.days[i].total or 0.0 for i in flagged]
            marker.set_data(flagged, heights)
            # Hidden when empty: an empty line would count the corner of the figure into
            # the constrained layout.
            marker.set_visible(bool(flagged))


def _threshold_levels(nutrient: NutrientWeek) -> dict[str, tuple[float, str]]:
    """The threshold lines a nutrient has: their y and legend label, by name."""
    unit = nutrient.unit
    levels: dict[str, tuple[float, str]] = {}
    if nutrient.ear is not None and nutrient.key == "magnesium_mg":
        # The EAR is the cut-point of the magnesium rule; vitamin D is judged by its RDA.
        levels["ear"] = (nutrient.ear, f"EAR {nutrient.ear:g} {unit}")
    if nutrient.recommended is not None:
        levels["recommended"] = (
            nutrient.recommended,
            f"{nutrient.recommended_label} {nutrient.recommended:g} {unit}",
        )
    # A UL on a part of the total (supplements) is drawn against that part only when some
    # day has an amount it counts; a UL on the whole total is always drawn.
    if nutrient.ul is not None and (not nutrient.ul_on_part or nutrient.has_ul_amount):
        part = " (supplements)" if nutrient.ul_on_part else ""
        levels["ul"] = (nutrient.ul, f"UL {nutrient.ul:g} {unit}{part}")
    return levels


def _ul_note(nutrient: NutrientWeek) -> str:
    """Over the axes, for a UL compared with the supplements only."""
    if nutrient.ul is None or not nutrient.ul_on_part:
        return ""
    return f"UL {nutrient.ul:g} {nutrient.unit} applies to supplements only"


def _tick_widths(ax: Axes) -> int:
    """The length of the longest y tick label (digits are equally wide in the font)."""
    low, high = ax.get_ylim()
    ticks = ax.yaxis.get_major_locator().tick_values(low, high)
    return max((len(f"{tick:g}") for tick in ticks), default=0)


def _mark_selected_day(ax: Axes, dates: tuple[date, ...], selected: date | None) -> None:
    """The selected day's name in bold under its bar (the day the other charts show)."""
    for label, day in zip(ax.get_xticklabels(), dates, strict=False):
        label.set_fontweight("bold" if day == selected else "normal")


class SourcesChart(Chart):
    """The foods that gave the most magnesium (horizontal bars, mg), largest on top."""

    kind: ClassVar[ChartKind] = "sources"

    def __init__(self, figure: Figure, style: ChartStyle = LIGHT) -> None:
        self.ax: Axes | None = None
        self.bars: BarContainer | None = None
        #: The food names on the bars, top to bottom (``Other foods (n)`` last).
        self.labels: list[str] = []
        super().__init__(figure, style)

    def layout_signature(self) -> object:
        ax = self.ax
        if ax is None or self.bars is None:
            return (self._builds, self.message_text())
        return (self._builds, tuple(self.labels), ax.get_xlim(), ax.get_title(loc="left"),
                self.figure.get_suptitle())

    def _build(self) -> None:
        self.ax = self.figure.subplots()

    def _update(self) -> None:
        ax = self.ax
        assert ax is not None
        ax.clear()
        self._style_axes(ax)
        self.bars = None
        self.labels = []
        data = self.data
        sources = data.sources(self.scope) if data is not None else None
        if data is None or sources is None or sources.is_empty:
            ax.set_axis_off()
            self._show_message(self._empty_text(data))
            return
        ax.set_axis_on()
        self._show_message(None)
        style = self.style
        names = [_wrap(c.name) for c in sources.foods]
        values = [c.magnesium_mg for c in sources.foods]
        colors = [style.food] * len(values)
        if sources.other_foods:
            plural = "food" if sources.other_foods == 1 else "foods"
            names.append(f"{sources.other_foods} other {plural}")
            values.append(sources.other_mg)
            colors.append(style.other)
        positions = list(range(len(values)))
        self.bars = ax.barh(positions, values, 0.66, color=colors, zorder=2)
        self.labels = names
        ax.set_yticks(positions, names)
        ax.invert_yaxis()
        ax.grid(axis="x", color=style.muted, alpha=0.25, linewidth=0.6)
        for position, value in zip(positions, values, strict=True):
            share = f" ({value / sources.food_mg:.0%})" if sources.food_mg else ""
            ax.annotate(f"{value:.0f} mg{share}", (value, position), xytext=(4, 0),
                        textcoords="offset points", va="center",
                        fontsize=style.font_size * 0.85, color=style.text)
        # Room for the value text beyond the longest bar.
        ax.set_xlim(0.0, _round_up(max(values, default=0.0) * 1.3))
        per_day = "mg a day" if self.scope == "day" else "mg a day, average of the week"
        ax.set_xlabel(f"Magnesium ({per_day})")
        if sources.scope == "day":
            self._heading(f"Where the magnesium comes from, {_short_date(sources.dates[0])}")
        else:
            self._heading("Where the magnesium comes from, week of "
                          f"{_short_date(data.week.dates[0])}")
        self._subtitle(ax, self._summary(data, sources))

    def _summary(self, data: ChartData, sources: MagnesiumSources) -> str:
        days = sources.days_counted
        average = (f"Average of {days} planned day{'s' if days != 1 else ''}: "
                   if sources.scope == "week" else "")
        food = "food" if average else "Food"
        parts = [f"{average}{food} {sources.food_mg:.0f} mg a day"]
        if sources.supplements_mg:
            parts.append(f"supplements {sources.supplements_mg:.0f} mg")
        magnesium = data.week.magnesium
        if magnesium.recommended is not None:
            parts.append(f"{magnesium.recommended_label} {magnesium.recommended:g} mg")
        if sources.unknown_entries:
            count = sources.unknown_entries
            parts.append(f"{count} entr{'ies' if count != 1 else 'y'} without a value")
        return ", ".join(parts)

    def _empty_text(self, data: ChartData | None) -> str:
        if data is not None and self.scope == "day" and data.day is not None:
            return f"{NOTHING_PLANNED} on {_short_date(data.day)}"
        return NOTHING_PLANNED


class RatioChart(Chart):
    """The calcium-to-magnesium ratio of each day against the limit of the rules."""

    kind: ClassVar[ChartKind] = "ratio"

    def __init__(self, figure: Figure, style: ChartStyle = LIGHT) -> None:
        self.ax: Axes | None = None
        self.bars: BarContainer | None = None
        self.limit_line: Line2D | None = None
        super().__init__(figure, style)

    def layout_signature(self) -> object:
        data = self.data
        if self.ax is None or data is None or self.bars is None:
            return (self._builds, self.message_text())
        return (self._builds, data.week.dates, data.day, data.ratio.limit, self.ax.get_ylim())

    def _build(self) -> None:
        self.ax = self.figure.subplots()

    def _update(self) -> None:
        ax = self.ax
        assert ax is not None
        ax.clear()
        self._style_axes(ax)
        data = self.data
        style = self.style
        if data is None or not data.week.dates:
            self.bars = self.limit_line = None
            ax.set_axis_off()
            self._show_message(NOTHING_PLANNED)
            return
        ax.set_axis_on()
        self._show_message(NOTHING_PLANNED if data.is_empty else None)
        ratio = data.ratio
        values = [r or 0.0 for r in ratio.ratios]
        colors = [style.high if (r or 0.0) > ratio.limit else style.food for r in ratio.ratios]
        positions = list(range(len(values)))
        self.bars = ax.bar(positions, values, _BAR_WIDTH, color=colors, zorder=2)
        self.limit_line = ax.axhline(ratio.limit, color=style.upper_limit, linestyle="--",
                                     linewidth=1.4, zorder=3, label=f"Limit {ratio.limit:g}")
        for position, day in enumerate(ratio.days):
            value = day.ratio
            if value is not None:
                text = f"{value:.1f}"
            else:
                text = "no value" if day.planned else "not planned"
            if value is None:
                ax.text(position, 0.0, text, rotation=90, ha="center", va="bottom",
                        fontsize=style.font_size * 0.85, color=style.muted)
            else:
                ax.annotate(text, (position, value), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=style.font_size * 0.85,
                            color=style.text)
        ax.set_xticks(positions, [_day_label(d) for d in data.week.dates])
        _mark_selected_day(ax, data.week.dates, data.day)
        ax.set_xlim(-0.6, len(positions) - 0.4)
        ax.set_ylim(0.0, _round_up(max([*values, ratio.limit]) * 1.12))
        ax.set_ylabel("mg calcium per mg magnesium")
        ax.grid(axis="y", color=style.muted, alpha=0.25, linewidth=0.6)
        self._heading(f"Calcium to magnesium ratio, week of {_short_date(data.week.dates[0])}")
        self._subtitle(ax, f"Calcium and magnesium from food and supplements. Above "
                           f"{ratio.limit:g}, magnesium-rich foods lower the ratio best.")
        self._legend(ax, [
            Patch(color=style.food, label=f"At most {ratio.limit:g}"),
            Patch(color=style.high, label=f"Above {ratio.limit:g}"),
            self.limit_line,
        ])


class SharesChart(Chart):
    """How much of the vitamin D and the magnesium came from supplements (100 % bars)."""

    kind: ClassVar[ChartKind] = "shares"

    def __init__(self, figure: Figure, style: ChartStyle = LIGHT) -> None:
        self.ax: Axes | None = None
        self.supplement_bars: BarContainer | None = None
        self.food_bars: BarContainer | None = None
        super().__init__(figure, style)

    def layout_signature(self) -> object:
        if self.ax is None or self.food_bars is None:
            return (self._builds, self.message_text())
        rows = tuple(label.get_text() for label in self.ax.get_yticklabels())
        return (self._builds, rows, self.ax.get_title(loc="left"), self.figure.get_suptitle())

    def _build(self) -> None:
        self.ax = self.figure.subplots()

    def _update(self) -> None:
        ax = self.ax
        assert ax is not None
        ax.clear()
        self._style_axes(ax)
        data = self.data
        shares = data.shares(self.scope) if data is not None else None
        if data is None or shares is None or shares.is_empty:
            self.supplement_bars = self.food_bars = None
            ax.set_axis_off()
            text = NOTHING_PLANNED
            if data is not None and self.scope == "day" and data.day is not None:
                text = f"{NOTHING_PLANNED} on {_short_date(data.day)}"
            self._show_message(text)
            return
        ax.set_axis_on()
        self._show_message(None)
        style = self.style
        nutrients = shares.nutrients
        supplement = [100.0 * (n.supplement_share or 0.0) for n in nutrients]
        food = [100.0 * (n.food_share or 0.0) for n in nutrients]
        positions = list(range(len(nutrients)))
        self.supplement_bars = ax.barh(
            positions, supplement, _SHARE_BAR_HEIGHT, facecolor=style.plot_background,
            edgecolor=style.supplements, hatch=_HATCH, linewidth=0.8, zorder=2,
        )
        self.food_bars = ax.barh(positions, food, _SHARE_BAR_HEIGHT, left=supplement,
                                 color=style.food, zorder=2)
        for position, nutrient in enumerate(nutrients):
            if nutrient.total <= 0:
                ax.text(1.0, position, f"No {nutrient.label.lower()} value", va="center",
                        fontsize=style.font_size, color=style.muted)
                continue
            self._segment_text(ax, position, 0.0, supplement[position], "Supplements",
                               nutrient.supplements, nutrient.unit, style.text)
            self._segment_text(ax, position, supplement[position], food[position], "Food",
                               nutrient.food or 0.0, nutrient.unit, style.background)
        ax.set_yticks(positions, [
            f"{n.label}\n{_amount(n.total, n.unit)} a day" for n in nutrients
        ])
        # Top to bottom, with room above each bar for the text of a narrow part.
        ax.set_ylim(len(positions) - 0.4, -0.9)
        ax.set_xlim(0.0, 100.0)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Share of the total (%)")
        if shares.scope == "day":
            self._heading(f"Supplements and food, {_short_date(shares.dates[0])}")
            self._subtitle(ax, "The part of each total that came from supplements")
        else:
            days = shares.days_counted
            self._heading(f"Supplements and food, week of {_short_date(data.week.dates[0])}")
            self._subtitle(ax, f"Average of {days} planned day{'s' if days != 1 else ''}: "
                               "the part of each total that came from supplements")
        self._legend(ax, [Patch(color=style.food, label="Food"),
                          self._supplement_patch("Supplements")])

    def _segment_text(
        self, ax: Axes, row: int, left: float, width: float, name: str, amount: float,
        unit: str, inside_color: str,
    ) -> None:
        if width <= 0:
            return
        text = f"{name}\n{_amount(amount, unit)} ({width:.0f}%)"
        if width >= 22:
            # Hatched supplements show the plot background, so their text takes the text colour.
            color = self.style.text if name == "Supplements" else inside_color
            ax.text(left + width / 2, row, text, ha="center", va="center",
                    fontsize=self.style.font_size * 0.9, color=color, zorder=4,
                    bbox={"facecolor": self.style.plot_background, "edgecolor": "none",
                          "alpha": 0.85, "pad": 1.5} if name == "Supplements" else None)
        else:
            # Too narrow to hold its text: the text goes above the bar, kept inside the axes.
            middle = left + width / 2
            x, align = ((left + width, "right") if middle > 80 else
                        (left, "left") if middle < 20 else (middle, "center"))
            ax.annotate(text.replace("\n", " "), (x, row - _SHARE_BAR_HEIGHT / 2),
                        xytext=(0, 3), textcoords="offset points", ha=align,
                        va="bottom", fontsize=self.style.font_size * 0.9,
                        color=self.style.text)


_CHART_CLASSES: Final[dict[ChartKind, type[Chart]]] = {
    "week": WeekChart, "sources": SourcesChart, "ratio": RatioChart, "shares": SharesChart,
}


def chart_class(kind: ChartKind) -> type[Chart]:
    """The class that draws the chart ``kind``."""
    return _CHART_CLASSES[kind]


def image_format(path: Path | str) -> ImageFormat:
    """``png`` or ``svg`` from the file name's suffix; anything else is a ValueError."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "png":
        return "png"
    if suffix == "svg":
        return "svg"
    raise ValueError(f"charts are saved as .png or .svg, not {Path(path).name!r}")


def _save(figure: Figure, target: Path | str | io.BytesIO, fmt: ImageFormat,
          dpi: float | None) -> None:
    # No creation date in an SVG: the same chart gives the same file.
    metadata = {"Date": None} if fmt == "svg" else None
    figure.savefig(target, format=fmt, dpi=dpi if dpi is not None else "figure",
                   facecolor=figure.get_facecolor(), metadata=metadata)


def save_figure(figure: Figure, path: Path | str, *, dpi: float | None = None) -> None:
    """Write ``figure`` to ``path`` as PNG or SVG, chosen by the suffix."""
    _save(figure, path, image_format(path), dpi)


def figure_bytes(figure: Figure, fmt: ImageFormat, *, dpi: float | None = None) -> bytes:
    """``figure`` as the bytes of a PNG or SVG file (what :func:`save_figure` writes)."""
    buffer = io.BytesIO()
    _save(figure, buffer, fmt, dpi)
    return buffer.getvalue()


def render_chart(
    data: ChartData | None,
    kind: ChartKind = "week",
    *,
    scope: ChartScope = "week",
    fmt: ImageFormat = "png",
    dpi: float = 150.0,
    size: tuple[float, float] = DEFAULT_SIZE,
    style: ChartStyle = LIGHT,
) -> bytes:
    """One chart as PNG or SVG bytes (Agg and SVG backends: no window, no Qt)."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    figure = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(figure)
    chart_class(kind)(figure, style).set_data(data, scope)
    buffer = io.BytesIO()
    _save(figure, buffer, fmt, dpi)
    return buffer.getvalue()


def render_week_charts(
    data: ChartData | None, *, fmt: ImageFormat = "png", dpi: float = 150.0,
    size: tuple[float, float] = DEFAULT_SIZE, style: ChartStyle = LIGHT,
) -> bytes:
    """The week chart (magnesium and vitamin D by day) as PNG or SVG bytes."""
    return render_chart(data, "week", fmt=fmt, dpi=dpi, size=size, style=style)


def render_all_charts(
    data: ChartData | None, *, scope: ChartScope = "week", fmt: ImageFormat = "png",
    dpi: float = 150.0, size: tuple[float, float] = DEFAULT_SIZE, style: ChartStyle = LIGHT,
) -> dict[ChartKind, bytes]:
    """Every chart as PNG or SVG bytes, by kind, in :data:`CHART_KINDS` order."""
    return {
        kind: render_chart(data, kind, scope=scope, fmt=fmt, dpi=dpi, size=size, style=style)
        for kind in CHART_KINDS
    }
