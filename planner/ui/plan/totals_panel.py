"""The totals panel: a day's totals (or the week average) against personal targets.

On top, big bars for the nutrients the planner is about (magnesium, vitamin D, calcium,
energy) and for those the user chose to highlight ("Show on top" in a row's context menu,
kept in the ``highlighted_nutrients`` setting). Each shows the amount with its unit, the
percent of the recommended amount, a :class:`NutrientBar` with the EAR, RDA/AI and UL
marks and, when some foods have no value for the nutrient, how many (the total is then a
lower bound). Under them, the whole panel (:class:`FullPanel`): every nutrient in
collapsible groups, and the ratios.

The panel gets a finished :class:`~planner.core.analysis.Analysis` through
:meth:`TotalsPanel.set_analysis` and never computes or queries anything itself: every row
is made once and new totals only change texts and bars.

Colours come from :func:`signal_color`, which picks red, amber, green or blue shades that
stand out on the widget's own palette, light or dark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from planner.core.analysis import Analysis
from planner.core.nutrients import BY_KEY, FOCUS_KEYS, PANEL
from planner.core.targets import Target, Targets
from planner.core.totals import NutrientTotal
from planner.ui.plan.nutrient_bar import (
    NO_VALUE,
    BarMark,
    BarStatus,
    NutrientBar,
    bar_status,
    coverage_text,
    marks_for,
    value_text,
)
from planner.ui.plan.nutrient_panel import KEY_PROPERTY, FullPanel

if TYPE_CHECKING:
    from planner.services.settings import SettingsService

__all__ = [
    "MODES",
    "PANEL_KEYS",
    "BarMark",
    "BarStatus",
    "NutrientBar",
    "TotalsPanel",
    "bar_status",
    "coverage_text",
    "marks_for",
]

Mode = Literal["day", "week"]
MODES: Final[tuple[Mode, ...]] = ("day", "week")
#: Every nutrient of the panel, in display order (group by group).
PANEL_KEYS: Final = tuple(key for _group, keys in PANEL for key in keys)
#: Shorter row names where the nutrient's label is long for a side panel.
_ROW_NAMES: Final = {"carbs_g": "Carbs"}
_Totals = Mapping[str, NutrientTotal]


class _TopRow(QWidget):
    """A nutrient on top: name, amount, percent, a big bar and the coverage."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.name = QLabel(_ROW_NAMES.get(key, BY_KEY[key].label), self)
        bold = QFont(self.name.font())
        bold.setBold(True)
        self.name.setFont(bold)
        self.name.setWordWrap(True)
        self.value = QLabel(NO_VALUE, self)
        self.percent = QLabel("", self)
        for label in (self.value, self.percent):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.value.fontMetrics()
        self.value.setMinimumWidth(metrics.horizontalAdvance("≥0000 kcal"))
        self.percent.setMinimumWidth(metrics.horizontalAdvance("0000 %"))
        self.bar = NutrientBar(self)
        self.coverage = QLabel("", self)
        self.coverage.setWordWrap(True)
        small = QFont(self.coverage.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small.setItalic(True)
        self.coverage.setFont(small)
        self.coverage.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.coverage.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(0, 1)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.value, 0, 1)
        grid.addWidget(self.percent, 0, 2)
        grid.addWidget(self.bar, 1, 0, 1, 3)
        grid.addWidget(self.coverage, 2, 0, 1, 3)
        for widget in (self, self.name, self.value, self.percent, self.bar, self.coverage):
            widget.setProperty(KEY_PROPERTY, key)

    def show_total(self, total: NutrientTotal | None, target: Target | None,
                   totals: _Totals | None, *, week: bool) -> None:
        self.bar.set_total(total, target, totals)
        known = total is not None and total.value is not None
        self.value.setText(value_text(total))
        percent = None if total is None or not known else total.percent
        self.percent.setText("" if percent is None else f"{percent:.0f} %")
        coverage = "" if total is None else coverage_text(total, week=week)
        # Without a target (fat, carbohydrate) a bar would only say "this much of itself".
        self.bar.setVisible(target is not None)
        self.coverage.setText(coverage)
        self.coverage.setVisible(bool(coverage))
        tooltip = self.bar.toolTip()
        if self.name.toolTip() != tooltip:
            for widget in (self.name, self.value, self.percent):
                widget.setToolTip(tooltip)

    def texts(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "value": self.value.text(),
            "percent": self.percent.text(),
            "coverage": self.coverage.text(),
        }


def _valid_highlights(keys: Iterable[str]) -> tuple[str, ...]:
    """Known nutrients that are not on top anyway, each once, in the order given."""
    return tuple(dict.fromkeys(key for key in keys if key in BY_KEY and key not in FOCUS_KEYS))


class TotalsPanel(QWidget):
    """Totals of the shown day, or the week average: the key nutrients on top, then all."""

    #: ``"day"`` or ``"week"``, whenever the mode changes (by the toggle or :meth:`set_mode`).
    mode_changed = Signal(str)
    #: The highlighted nutrient keys (a tuple), whenever the user changes them.
    highlighted_changed = Signal(tuple)

    def __init__(self, parent: QWidget | None = None, *,
                 settings: SettingsService | None = None) -> None:
        super().__init__(parent)
        self._analysis: Analysis | None = None
        self._day: date | None = None
        self._mode: Mode = "day"
        self._settings: SettingsService | None = None
        self._highlighted: tuple[str, ...] = ()
        self._shown: tuple[_Totals | None, Targets | None, bool] = (None, None, False)

        self.day_button = QPushButton("Day", self)
        self.week_button = QPushButton("Week average", self)
        self._mode_buttons = QButtonGroup(self)
        self._mode_buttons.setExclusive(True)
        for mode, button in zip(MODES, (self.day_button, self.week_button), strict=True):
            button.setCheckable(True)
            button.setToolTip(
                "Totals of the selected day" if mode == "day"
                else "Average of the days that have something planned"
            )
            self._mode_buttons.addButton(button)
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
        self.day_button.setChecked(True)

        self.caption = QLabel("Nothing planned", self)
        caption_font = QFont(self.caption.font())
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setWordWrap(True)

        toggle = QHBoxLayout()
        toggle.setSpacing(0)
        toggle.addWidget(self.day_button)
        toggle.addWidget(self.week_button)
        toggle.addStretch(1)

        content = QWidget()
        self._top = QWidget(content)
        self._top_layout = QVBoxLayout(self._top)
        self._top_layout.setContentsMargins(0, 0, 0, 0)
        self._top_layout.setSpacing(8)
        self._top_rows: dict[str, _TopRow] = {}
        separator = QFrame(content)
        separator.setFrameShape(QFrame.Shape.HLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        self.full = FullPanel(content)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 2, 4)
        inner.setSpacing(6)
        inner.addWidget(self._top)
        inner.addWidget(separator)
        inner.addWidget(self.full)
        inner.addStretch(1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        # Narrow enough for a small window, wide enough for every name on one line.
        self.scroll_area.setMinimumWidth(self.full.narrow_width() + 2 + scrollbar)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 8)
        layout.setSpacing(6)
        layout.addLayout(toggle)
        layout.addWidget(self.caption)
        layout.addWidget(self.scroll_area, 1)
        self._update_mode_buttons()
        self.set_settings(settings)

    # -- API ----------------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis | None, day: date | None = None) -> None:
        """Show ``analysis``: the totals of ``day`` in day mode, the week average in week mode."""
        self._analysis = analysis
        self._day = day
        self._refresh()

    def set_mode(self, mode: str) -> None:
        """``"day"`` or ``"week"``; emits :attr:`mode_changed` when the mode changes."""
        if mode not in MODES:
            raise ValueError(f"mode must be day or week, not {mode!r}")
        button = self.day_button if mode == "day" else self.week_button
        button.setChecked(True)
        if mode == self._mode:
            return
        self._mode = "day" if mode == "day" else "week"
        self._update_mode_buttons()
        self._refresh()
        self.mode_changed.emit(mode)

    def mode(self) -> str:
        return self._mode

    def set_settings(self, settings: SettingsService | None) -> None:
        """Keep the highlighted nutrients in ``settings`` (``None``: in this panel only),
        and show the ones it holds."""
        self._settings = settings
        stored = () if settings is None else settings.current.highlighted_nutrients
        self._show_highlighted(_valid_highlights(stored))

    def highlighted(self) -> tuple[str, ...]:
        """The nutrients the user put on top (the focus nutrients are always there)."""
        return self._highlighted

    def top_keys(self) -> tuple[str, ...]:
        """The nutrients with big bars, in display order."""
        return (*FOCUS_KEYS, *self._highlighted)

    def set_highlighted(self, keys: Iterable[str]) -> None:
        """Put ``keys`` on top after the focus nutrients and save them in the settings."""
        wanted = _valid_highlights(keys)
        if wanted == self._highlighted:
            return
        self._show_highlighted(wanted)
        if self._settings is not None:
            self._settings.update(highlighted_nutrients=wanted)
        self.highlighted_changed.emit(wanted)

    def show_on_top(self, key: str) -> None:
        self.set_highlighted((*self._highlighted, key))

    def remove_from_top(self, key: str) -> None:
        self.set_highlighted(k for k in self._highlighted if k != key)

    def context_menu(self, key: str) -> QMenu:
        """The menu of a nutrient's row: show it on top or remove it from there, copy it."""
        menu = QMenu(self)
        if key in FOCUS_KEYS:
            always = menu.addAction("Always shown on top")
            always.setEnabled(False)
        elif key in BY_KEY:
            if key in self._highlighted:
                menu.addAction("Remove from top").triggered.connect(
                    lambda: self.remove_from_top(key))
            else:
                menu.addAction("Show on top").triggered.connect(lambda: self.show_on_top(key))
        tooltip = self._tooltip_of(key)
        if tooltip:
            menu.addSeparator()
            menu.addAction("Copy").triggered.connect(
                lambda: QGuiApplication.clipboard().setText(tooltip.splitlines()[0]))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        key = self._key_at(event.pos())
        if key is None:
            super().contextMenuEvent(event)
            return
        self.context_menu(key).exec(event.globalPos())

    def row_text(self, key: str) -> dict[str, str]:
        """What a nutrient shows: ``name``, ``value``, ``percent`` and ``coverage`` text
        (its big row when it is on top, else its row in the full panel)."""
        row = self._top_rows.get(key)
        return row.texts() if row is not None else self.full.rows[key].texts()

    def panel_row_text(self, key: str) -> dict[str, str]:
        """What the nutrient's row in the full panel shows."""
        return self.full.rows[key].texts()

    def ratio_text(self, key: str) -> dict[str, str]:
        """What a ratio row shows: ``name``, ``value``, ``mark`` and ``range``."""
        return self.full.ratios[key].texts()

    def bar(self, key: str) -> NutrientBar:
        """The nutrient's bar: the big one when it is on top, else the compact one."""
        row = self._top_rows.get(key)
        return row.bar if row is not None else self.full.rows[key].bar

    def is_on_top(self, key: str) -> bool:
        return key in self._top_rows

    def is_row_shown(self, key: str) -> bool:
        """Whether the nutrient's row of the full panel is shown (its group expanded)."""
        return self.full.rows[key].name.isVisibleTo(self)

    def set_group_collapsed(self, group: str, collapsed: bool) -> None:
        self.full.set_collapsed(group, collapsed)

    def is_group_collapsed(self, group: str) -> bool:
        return self.full.is_collapsed(group)

    def caption_text(self) -> str:
        return self.caption.text()

    # -- display ------------------------------------------------------------------------

    def _key_at(self, pos: QPoint) -> str | None:
        widget = self.childAt(pos)
        while widget is not None and widget is not self:
            key = widget.property(KEY_PROPERTY)
            if isinstance(key, str) and key:
                return key
            widget = widget.parentWidget()
        return None

    def _tooltip_of(self, key: str) -> str:
        if key in self.full.ratios:
            return self.full.ratios[key].name.toolTip()
        return self.bar(key).toolTip() if key in BY_KEY else ""

    def _show_highlighted(self, keys: tuple[str, ...]) -> None:
        """Big rows for the focus nutrients and ``keys``: made for a new key, dropped for
        one no longer on top, the others kept as they are."""
        self._highlighted = keys
        wanted = self.top_keys()
        for key in [key for key in self._top_rows if key not in wanted]:
            dropped = self._top_rows.pop(key)
            self._top_layout.removeWidget(dropped)
            dropped.deleteLater()
        totals, targets, week = self._shown
        for index, key in enumerate(wanted):
            row = self._top_rows.get(key)
            if row is None:
                row = self._top_rows[key] = _TopRow(key, self._top)
                row.show_total(None if totals is None else totals.get(key),
                               None if targets is None else targets.get(key), totals, week=week)
            if self._top_layout.indexOf(row) != index:
                self._top_layout.removeWidget(row)
                self._top_layout.insertWidget(index, row)

    def _update_mode_buttons(self) -> None:
        # A pressed button alone is easy to misread as the unselected one in some themes.
        for button in (self.day_button, self.week_button):
            font = QFont(button.font())
            font.setBold(button.isChecked())
            button.setFont(font)

    def _caption_and_totals(self) -> tuple[str, _Totals | None]:
        analysis = self._analysis
        if analysis is None:
            return "Nothing planned", None
        if self._mode == "week":
            days = analysis.week.averaged_days
            if not days:
                return "Week average: nothing planned yet", None
            plural = "day" if days == 1 else "days"
            return f"Week average over {days} planned {plural}", analysis.week.average
        if self._day is None:
            return "No day selected", None
        shown = QDate(self._day.year, self._day.month, self._day.day)
        name = QLocale().toString(shown, "ddd d MMM yyyy")
        try:
            day = analysis.day(self._day)
        except KeyError:
            return f"{name} is not in the plan", None
        if day.is_empty:
            return f"{name}: nothing planned", None
        return name, day.totals

    def _refresh(self) -> None:
        caption, totals = self._caption_and_totals()
        targets = self._analysis.targets if self._analysis is not None else None
        week = self._mode == "week"
        self._shown = (totals, targets, week)
        self.caption.setText(caption)
        for key, row in self._top_rows.items():
            target = targets.get(key) if targets is not None else None
            row.show_total(None if totals is None else totals.get(key), target, totals,
                           week=week)
        self.full.show_totals(totals, targets, week=week)
