"""The Charts tab: the plan's charts on matplotlib canvases, in the window's colours.

:class:`ChartsView` shows one chart at a time (chosen in a combo box): magnesium and
vitamin D by day, where the magnesium comes from, the calcium-to-magnesium ratio, and
the supplement share. It gets plain values (:meth:`ChartsView.set_data` with a
:class:`~planner.core.chart_data.ChartData`, or :meth:`ChartsView.set_analysis`, which
builds one from the document's analysis) and never queries anything itself.

The drawing is :mod:`planner.reports.charts`, the same as in the weekly report; here each
chart keeps its own :class:`~matplotlib.figure.Figure` on a ``FigureCanvasQTAgg`` for the
life of the view. A new value updates only the chart on show, in place (the artists keep
their places and take the new heights and texts), and asks for one render on the next
turn of the event loop, so a burst of edits costs one render; charts not on show, or a
view not on screen, are marked stale and brought up to date when they are shown.

Only what changed is drawn again. The artists a new value changes (the week chart's
``dynamic_artists``: bars, threshold lines, value labels, markers and its y axes) are
matplotlib ``animated`` artists: a full render leaves them out, the view keeps a picture
of what it drew, then draws them on top. While the rest stays the same (the chart's
``background_signature``: days, titles, legends, layout; and the canvas size), an edit
puts that picture back and draws only them on it (blitting), the y axes too only when
the scale changed (a second picture has them); anything else is a full render. Either
way the canvas shows the pixels of a full drawing. Colours follow the palette (light or
dark) through :func:`chart_style`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Final

from matplotlib.artist import Artist
from matplotlib.backend_bases import DrawEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner.core.analysis import Analysis
from planner.core.chart_data import CHART_SCOPES, ChartData, ChartScope, build_chart_data
from planner.core.foods import Food, FoodRef
from planner.reports.charts import (
    CHART_KINDS,
    CHART_TITLES,
    Chart,
    ChartKind,
    ChartStyle,
    chart_class,
    figure_bytes,
    image_format,
)
from planner.services.outputs import write_output
from planner.ui.common.widgets import signal_color

__all__ = ["SAVE_DPI", "ChartsView", "chart_style"]

#: Resolution of a saved PNG (the SVG is resolution-free).
SAVE_DPI: Final = 150.0
#: The charts whose figures differ between the selected day and the whole week.
_SCOPED: Final[frozenset[ChartKind]] = frozenset({"sources", "shares"})
_SCOPE_NAMES: Final[dict[ChartScope, str]] = {"day": "Selected day", "week": "Whole week"}
_FILE_NAMES: Final[dict[ChartKind, str]] = {
    "week": "magnesium-vitamin-d", "sources": "magnesium-sources",
    "ratio": "calcium-magnesium-ratio", "shares": "supplement-share",
}
_FILE_FILTERS: Final = "PNG image (*.png);;SVG image (*.svg)"


@dataclass(frozen=True, slots=True)
class _Picture:
    """A chart rendered in part, and what that part showed."""

    #: The pixels (a matplotlib ``BufferRegion`` of the whole figure).
    region: object
    #: The chart's background (or scale) signature at the time.
    signature: object
    #: Physical width and height of the canvas, and the figure's dpi.
    size: tuple[int, int, float]


def _canvas_size(canvas: FigureCanvasQTAgg) -> tuple[int, int, float]:
    width, height = canvas.get_width_height(physical=True)
    return int(width), int(height), float(canvas.figure.dpi)


def _mix(color: QColor, other: QColor, share: float) -> str:
    """``share`` of ``color`` blended with the rest of ``other``, as ``#rrggbb``."""
    red = color.redF() * share + other.redF() * (1 - share)
    green = color.greenF() * share + other.greenF() * (1 - share)
    blue = color.blueF() * share + other.blueF() * (1 - share)
    return QColor.fromRgbF(red, green, blue).name()


def chart_style(palette: QPalette) -> ChartStyle:
    """Chart colours for ``palette``: its window and text colours, signal shades that suit it."""
    window = palette.color(QPalette.ColorRole.Window)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)
    muted = _mix(text, window, 0.55)
    red, amber, green, blue = (
        signal_color(name, palette).name() for name in ("red", "amber", "green", "blue")
    )
    return ChartStyle(
        background=window.name(), plot_background=base.name(), text=text.name(), muted=muted,
        food=blue, supplements=blue, ear=amber, recommended=green, upper_limit=red,
        alert=red, warning=amber, info=blue, high=amber, other=muted,
    )


class ChartsView(QWidget):
    """The charts of the open plan, one at a time, with a Save button."""

    #: A chart was written to this file (by the Save button).
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: ChartData | None = None
        self._scope: ChartScope = "day"
        self._style = chart_style(self.palette())
        # Charts whose drawing is older than the data, scope or style (brought up to date
        # when shown), and canvases that need a render once on screen.
        self._stale: set[ChartKind] = set(CHART_KINDS)
        self._unrendered: set[ChartKind] = set(CHART_KINDS)
        # The last full render of each chart without its dynamic artists (see the module),
        # and the same with the scale artists drawn (the scale changes less often).
        self._backgrounds: dict[ChartKind, _Picture] = {}
        self._scales: dict[ChartKind, _Picture] = {}
        # Charts to render on the next turn of the event loop.
        self._pending: set[ChartKind] = set()
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self.flush)
        #: How often each chart was rendered on screen in full, and by blitting.
        self.renders: dict[ChartKind, int] = dict.fromkeys(CHART_KINDS, 0)
        self.blits: dict[ChartKind, int] = dict.fromkeys(CHART_KINDS, 0)

        self.chart_combo = QComboBox(self)
        for kind in CHART_KINDS:
            self.chart_combo.addItem(CHART_TITLES[kind], kind)
        self.chart_combo.setToolTip("Which chart to show")
        # Long titles shrink (elided) instead of widening the window past a small screen.
        self.chart_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chart_combo.setMinimumContentsLength(18)
        self.chart_combo.setAccessibleName("Chart")
        self.scope_label = QLabel("For:", self)
        self.scope_combo = QComboBox(self)
        for scope in CHART_SCOPES:
            self.scope_combo.addItem(_SCOPE_NAMES[scope], scope)
        self.scope_combo.setToolTip("The selected day, or the average of the week's planned days")
        self.scope_label.setBuddy(self.scope_combo)
        self.scope_combo.setAccessibleName("Day or week")
        self.save_button = QPushButton("Save chart…", self)
        self.save_button.setToolTip("Save the chart shown as a PNG or SVG image")

        self.stack = QStackedWidget(self)
        self.canvases: dict[ChartKind, FigureCanvasQTAgg] = {}
        self._charts: dict[ChartKind, Chart] = {}
        for kind in CHART_KINDS:
            figure = Figure(figsize=(9.0, 6.0), dpi=100)
            canvas = FigureCanvasQTAgg(figure)
            canvas.setParent(self.stack)
            canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            canvas.setMinimumSize(360, 260)
            self.canvases[kind] = canvas
            self._charts[kind] = chart_class(kind)(figure, self._style)
            self.stack.addWidget(canvas)
            canvas.mpl_connect("draw_event", partial(self._on_drawn, kind))

        bar = QHBoxLayout()
        bar.addWidget(self.chart_combo, 1)
        bar.addSpacing(12)
        bar.addWidget(self.scope_label)
        bar.addWidget(self.scope_combo)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.chart_combo.currentIndexChanged.connect(self._on_chart_chosen)
        self.scope_combo.currentIndexChanged.connect(self._on_scope_chosen)
        self.save_button.clicked.connect(self.save_dialog)
        self._update_controls()
        self._refresh()

    # -- API ----------------------------------------------------------------------------

    def set_analysis(
        self,
        analysis: Analysis | None,
        foods: Mapping[FoodRef, Food],
        day: date | None,
    ) -> None:
        """Show the charts of ``analysis`` (its plan) for ``day`` and the week of ``day``."""
        self.set_data(None if analysis is None else build_chart_data(analysis, foods, day))

    def set_data(self, data: ChartData | None) -> None:
        """Show ``data``; ``None`` shows "Nothing planned"."""
        if data == self._data and data is not None:
            return  # the window refreshes on tab and day changes too: nothing to redraw
        self._data = data
        self._stale = set(CHART_KINDS)
        self._refresh()

    def data(self) -> ChartData | None:
        return self._data

    def set_chart(self, kind: ChartKind) -> None:
        """Show the chart ``kind`` (``week``, ``sources``, ``ratio`` or ``shares``)."""
        if kind not in CHART_KINDS:
            raise ValueError(f"no chart {kind!r}; charts: {', '.join(CHART_KINDS)}")
        self.chart_combo.setCurrentIndex(CHART_KINDS.index(kind))

    def current_chart(self) -> ChartKind:
        return CHART_KINDS[max(self.chart_combo.currentIndex(), 0)]

    def set_scope(self, scope: ChartScope) -> None:
        """``day`` or ``week``: what the sources and supplement-share charts show."""
        if scope not in CHART_SCOPES:
            raise ValueError(f"scope must be day or week, not {scope!r}")
        self.scope_combo.setCurrentIndex(CHART_SCOPES.index(scope))

    def scope(self) -> ChartScope:
        return self._scope

    def chart(self, kind: ChartKind | None = None) -> Chart:
        """The chart ``kind`` (default: the one shown), drawn from the latest data."""
        kind = kind or self.current_chart()
        self._bring_up_to_date(kind)
        return self._charts[kind]

    def figure(self, kind: ChartKind | None = None) -> Figure:
        return self.chart(kind).figure

    def canvas(self, kind: ChartKind | None = None) -> FigureCanvasQTAgg:
        return self.canvases[kind or self.current_chart()]

    def message_text(self) -> str:
        """The text over the chart shown ("Nothing planned"), empty when there is none."""
        return self.chart().message_text()

    def flush(self) -> None:
        """Render now what waits for the next turn of the event loop: the chart on show,
        by blitting when only its dynamic artists changed, else in full."""
        self._render_timer.stop()
        pending, self._pending = self._pending, set()
        for kind in pending:
            if self._can_blit(kind):
                self._blit(kind)
            else:
                self.canvases[kind].draw()

    def save(self, path: Path | str, kind: ChartKind | None = None) -> Path:
        """Write the chart shown (or ``kind``) to ``path``: PNG or SVG by the suffix."""
        target = Path(path)
        fmt = image_format(target)
        chart = self.chart(kind)
        data = figure_bytes(chart.figure, fmt, dpi=SAVE_DPI if fmt == "png" else None)
        # The save dialog asked before replacing a file; the database never is.
        write_output(target, data, force=True)
        # Saving renders the figure at another resolution; the screen gets its own again
        # (before the canvas is painted next: matplotlib's draw_idle sees to that).
        self._forget_pictures(chart.kind)
        self.canvases[chart.kind].draw_idle()
        return target

    def suggested_file_name(self, kind: ChartKind | None = None) -> str:
        kind = kind or self.current_chart()
        name = _FILE_NAMES[kind]
        data = self._data
        if data is not None and data.day is not None:
            when = data.day if kind in _SCOPED and self._scope == "day" else data.week.dates[0]
            name = f"{name}-{when.isoformat()}"
        return f"{name}.png"

    def save_dialog(self) -> Path | None:
        """Ask where to save the chart shown and save it; ``None`` when cancelled or failed."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        suggested = str(Path(folder) / self.suggested_file_name()) if folder else (
            self.suggested_file_name())
        path, selected = QFileDialog.getSaveFileName(
            self, "Save chart", suggested, _FILE_FILTERS
        )
        if not path:
            return None
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in selected.lower() else ".png"
        try:
            target = self.save(path)
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, "Save chart", f"The chart could not be saved:\n\n{error}")
            return None
        self.saved.emit(str(target))
        return target

    # -- Qt -----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            style = chart_style(self.palette())
            if style != self._style:
                self._style = style
                self._stale = set(CHART_KINDS)
                self._refresh()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh()

    # -- internals ----------------------------------------------------------------------

    def _on_chart_chosen(self, index: int) -> None:
        self.stack.setCurrentIndex(max(index, 0))
        self._update_controls()
        self._refresh()

    def _on_scope_chosen(self, index: int) -> None:
        self._scope = CHART_SCOPES[max(index, 0)]
        self._stale |= _SCOPED
        self._refresh()

    def _update_controls(self) -> None:
        scoped = self.current_chart() in _SCOPED
        self.scope_combo.setEnabled(scoped)
        self.scope_label.setEnabled(scoped)

    def _bring_up_to_date(self, kind: ChartKind) -> None:
        if kind in self._stale:
            chart = self._charts[kind]
            chart.set_data(self._data, self._scope, style=self._style)
            # Left out of full renders, drawn over them (_on_drawn) or over a picture of
            # the rest (_blit); a rebuilt figure has new ones.
            for artist in chart.dynamic_artists():
                artist.set_animated(True)
            self._stale.discard(kind)
            self._unrendered.add(kind)

    def _refresh(self) -> None:
        """Bring the chart on show up to date and render it, if the view is on screen."""
        if not self.isVisible():
            return
        kind = self.current_chart()
        self._bring_up_to_date(kind)
        if kind in self._unrendered:
            self._unrendered.discard(kind)
            self._schedule(kind)

    def _schedule(self, kind: ChartKind) -> None:
        """Render ``kind`` on the next turn of the event loop (once for a burst of edits)."""
        self._pending.add(kind)
        self._render_timer.start()

    def _can_blit(self, kind: ChartKind) -> bool:
        """Whether the picture kept of ``kind`` still shows all but its dynamic artists."""
        background = self._backgrounds.get(kind)
        return (background is not None
                and background.size == _canvas_size(self.canvases[kind])
                and background.signature == self._charts[kind].background_signature())

    def _blit(self, kind: ChartKind) -> None:
        """Put the picture back (with the scale when it is still right), draw the dynamic
        artists on it and show the result."""
        canvas = self.canvases[kind]
        scale = self._scales.get(kind)
        if scale is not None and scale.signature == self._charts[kind].scale_signature():
            canvas.restore_region(scale.region)
            self._draw_dynamic(kind, with_scale=False)
        else:
            canvas.restore_region(self._backgrounds[kind].region)
            self._draw_dynamic(kind, with_scale=True)
        canvas.blit(canvas.figure.bbox)
        self.blits[kind] += 1

    def _on_drawn(self, kind: ChartKind, event: DrawEvent) -> None:
        """After a full render on screen: keep a picture of it, then draw the dynamic
        artists on it (a saved file draws them itself, in their places)."""
        canvas = self.canvases[kind]
        if event.canvas is not canvas or canvas.is_saving():
            return
        self.renders[kind] += 1
        chart = self._charts[kind]
        signature = chart.background_signature()
        if signature is None or not chart.dynamic_artists():
            self._forget_pictures(kind)
            return
        region = canvas.copy_from_bbox(canvas.figure.bbox)
        self._backgrounds[kind] = _Picture(region, signature, _canvas_size(canvas))
        self._draw_dynamic(kind, with_scale=True)

    def _forget_pictures(self, kind: ChartKind) -> None:
        self._backgrounds.pop(kind, None)
        self._scales.pop(kind, None)

    def _draw_dynamic(self, kind: ChartKind, *, with_scale: bool) -> None:
        """Draw the dynamic artists on the renderer's picture; ``with_scale``: the scale
        artists first, and keep a picture with them."""
        chart = self._charts[kind]
        canvas = self.canvases[kind]
        scale = set(chart.scale_artists())
        if with_scale:
            self._draw_animated(kind, scale)
            self._scales[kind] = _Picture(canvas.copy_from_bbox(canvas.figure.bbox),
                                          chart.scale_signature(), _canvas_size(canvas))
        self._draw_animated(kind, set(chart.dynamic_artists()) - scale)

    def _draw_animated(self, kind: ChartKind, chosen: set[Artist]) -> None:
        """The ``chosen`` animated artists of the visible axes, in the order of a full
        render (axes by axes, each by zorder)."""
        figure = self.canvases[kind].figure
        for ax in sorted(figure.axes, key=attrgetter("zorder")):
            if not ax.get_visible():
                continue
            artists: list[Artist] = sorted(ax.get_children(), key=attrgetter("zorder"))
            for artist in artists:
                if artist.get_animated() and artist in chosen:
                    figure.draw_artist(artist)
