"""The totals panel: a day's totals (or the week average) as bars against personal targets.

Each row shows one nutrient: its name, a :class:`NutrientBar` with the EAR, RDA/AI and UL
marks, the amount with its unit, the percent of the recommended amount and, when some
foods have no value for the nutrient, how many (the total is then a lower bound).

The panel gets a finished :class:`~planner.core.analysis.Analysis` through
:meth:`TotalsPanel.set_analysis` and never computes or queries anything itself.

Colours come from :func:`signal_color`, which picks red, amber, green or blue shades that
stand out on the widget's own palette, light or dark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, NamedTuple

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from planner.core.analysis import Analysis
from planner.core.nutrients import BY_KEY
from planner.core.status import nutrient_status, ul_applies_note, ul_short_label
from planner.core.targets import Target
from planner.core.totals import NutrientTotal
from planner.core.units import format_nutrient
from planner.ui.common.widgets import SignalColor, signal_color

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
#: The rows of the panel, in display order: the two nutrients the planner is about first.
PANEL_KEYS: Final = (
    "magnesium_mg", "vitamin_d_ug", "calcium_mg", "energy_kcal", "protein_g", "fat_g",
    "carbs_g", "fiber_g",
)
#: Shorter row names where the nutrient's label is long for a side panel.
_ROW_NAMES: Final = {"carbs_g": "Carbs"}

#: ``empty``: nothing to show; ``neutral``: a value without a judgement (no target, or a
#: default goal such as energy); ``low``: below the EAR; ``below_target``: under the RDA/AI;
#: ``ok``: at or above it; ``above_ul``: above the upper limit.
BarStatus = Literal["empty", "neutral", "low", "below_target", "ok", "above_ul"]

#: The colour of each status.
_STATUS_COLORS: Final[dict[BarStatus, SignalColor]] = {
    "low": "red", "below_target": "amber", "ok": "green", "above_ul": "red",
}
_NO_VALUE: Final = "–"


def _lower_first(label: str) -> str:
    """``Vitamin D`` -> ``vitamin D`` (in a sentence), keeping the rest as it is."""
    return label[:1].lower() + label[1:]


def coverage_text(total: NutrientTotal, *, week: bool = False) -> str:
    """``3 of 9 foods have no vitamin D value``; empty when every food has one."""
    if not total.unknown:
        return ""
    name = _lower_first(BY_KEY[total.key].label)
    where = " in the plan" if week else ""
    if not total.known:
        return f"No food{where} has a {name} value"
    verb = "has" if total.unknown == 1 else "have"
    return f"{total.unknown} of {total.entries} foods{where} {verb} no {name} value"


def _amount(key: str, value: float) -> str:
    return f"{value:g} {BY_KEY[key].unit}"


@dataclass(frozen=True, slots=True)
class BarMark:
    """A labelled tick on a bar: ``EAR``, ``RDA``, ``AI``, ``UL (suppl.)``..."""

    label: str
    value: float
    kind: Literal["ear", "recommended", "ul"]


def _recommended_label(target: Target) -> str:
    return {"default": "Goal", "user": "Target"}.get(target.kind, target.kind)


def marks_for(target: Target | None) -> tuple[BarMark, ...]:
    """The ticks of a target, lowest first."""
    if target is None:
        return ()
    marks = []
    if target.ear is not None:
        marks.append(BarMark("EAR", target.ear, "ear"))
    if target.recommended is not None:
        marks.append(BarMark(_recommended_label(target), target.recommended, "recommended"))
    if target.ul is not None:
        marks.append(BarMark(ul_short_label(target), target.ul, "ul"))
    return tuple(sorted(marks, key=lambda mark: mark.value))


def bar_status(total: NutrientTotal | None, target: Target | None) -> BarStatus:
    """How a total stands against its target (what colour its bar has): core decides."""
    return nutrient_status(total, target).value


class NutrientBar(QWidget):
    """A horizontal bar: one total against its EAR, RDA/AI and UL marks.

    The hatched start of the bar is the part from supplements, so a UL that applies to
    supplements only (magnesium) can be compared with it. A UL far beyond the rest of the
    scale (vitamin D: 100 µg against an RDA of 15 µg) is named at the right end instead of
    squeezing every other mark to the left.
    """

    _BAR_HEIGHT: Final = 10
    _LABEL_GAP: Final = 4
    _HINT_WIDTH: Final = 240

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._total: NutrientTotal | None = None
        self._target: Target | None = None
        self._marks: tuple[BarMark, ...] = ()
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(120)

    # -- data ---------------------------------------------------------------------------

    def set_total(self, total: NutrientTotal | None, target: Target | None) -> None:
        """Show ``total`` (``None``: an empty bar) against ``target`` (``None``: no marks)."""
        self._total = total
        self._target = target
        self._marks = marks_for(target)
        self.setToolTip(self.tooltip_text())
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        """An empty bar that keeps its marks (a day with nothing planned still has targets)."""
        self.set_total(None, self._target)

    def total(self) -> NutrientTotal | None:
        return self._total

    def target(self) -> Target | None:
        return self._target

    def marks(self) -> tuple[BarMark, ...]:
        return self._marks

    def status(self) -> BarStatus:
        return bar_status(self._total, self._target)

    def fill_color(self) -> QColor:
        status = self.status()
        if status in _STATUS_COLORS:
            return signal_color(_STATUS_COLORS[status], self.palette())
        return self.palette().color(QPalette.ColorRole.Highlight)

    def scale_max(self) -> float:
        """The amount at the right end of the bar."""
        value = self._value() or 0.0
        on_scale = [mark.value for mark in self._marks if self._on_scale(mark)]
        if not on_scale:
            return max(value * 1.1, 1.0)
        return max(max(on_scale) * 1.2, value * 1.05)

    def tooltip_text(self) -> str:
        """The numbers behind the bar, one fact per line."""
        total, target = self._total, self._target
        key = total.key if total is not None else target.key if target is not None else None
        if key is None:
            return ""
        label = BY_KEY[key].label
        lines = []
        if total is None:
            lines.append(f"{label}: nothing planned")
        elif total.value is None:
            lines.append(f"{label}: unknown")
        else:
            amount = format_nutrient(key, total.value)
            if total.unknown:
                amount = f"at least {amount}"
            if total.percent is not None and target is not None:
                kind = _recommended_label(target)
                lines.append(f"{label}: {amount} ({total.percent:.0f} % of the {kind})")
            else:
                lines.append(f"{label}: {amount}")
            if total.from_supplements:
                lines.append(f"From supplements: {format_nutrient(key, total.from_supplements)}")
        if target is not None:
            if target.recommended is not None:
                lines.append(f"{_recommended_label(target)}: {_amount(key, target.recommended)}")
            if target.ear is not None:
                lines.append(f"EAR: {_amount(key, target.ear)}")
            if target.ul is not None:
                lines.append(f"{target.ul_kind}: {_amount(key, target.ul)}"
                             f"{ul_applies_note(target)}")
        else:
            lines.append("No target")
        if total is not None and total.unknown:
            lines.append(coverage_text(total) + ": the total is a lower bound")
        return "\n".join(lines)

    # -- geometry -----------------------------------------------------------------------

    def _key(self) -> str:
        """The nutrient key of what the bar shows (for the unit in a label)."""
        if self._target is not None:
            return self._target.key
        assert self._total is not None
        return self._total.key

    def _value(self) -> float | None:
        return None if self._total is None else self._total.value

    def _on_scale(self, mark: BarMark) -> bool:
        if mark.kind != "ul" or self._target is None:
            return True
        base = max((m.value for m in self._marks if m.kind != "ul"), default=mark.value)
        compared = self._compared_with_ul()
        return mark.value <= base * 2.0 or compared >= mark.value * 0.75

    def _compared_with_ul(self) -> float:
        if self._total is None or self._total.value is None:
            return 0.0
        if self._target is not None and self._target.ul_applies_to == "supplements":
            return self._total.from_supplements
        return self._total.value

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        return font

    def _x_of(self, amount: float, width: float) -> float:
        return 0.5 + (width - 1.0) * min(amount / self.scale_max(), 1.0)

    def _label_layout(self, width: float) -> list[_PlacedLabel]:
        """Where each mark's label goes: above the bar, or below it when crowded.

        A label is centred on its tick where it fits, else set beside it; a UL off the
        scale is named at the right end with its amount.
        """
        metrics = QFontMetricsF(self._label_font())
        placed: list[list[tuple[float, float]]] = [[], []]
        labels = []
        for mark in self._marks:
            if self._on_scale(mark):
                tick: float | None = self._x_of(mark.value, width)
                text = mark.label
            else:
                tick = None
                text = f"{mark.label} {_amount(self._key(), mark.value)} ▸"
            text_width = metrics.horizontalAdvance(text)
            x = width if tick is None else tick
            row, left = self._place(placed, x, text_width, width)
            placed[row].append((left, left + text_width))
            labels.append(_PlacedLabel(text, row, left, tick))
        return labels

    def _place(
        self, placed: list[list[tuple[float, float]]], x: float, text_width: float, width: float
    ) -> tuple[int, float]:
        """Row and left edge of a label for a tick at ``x``."""
        gap = self._LABEL_GAP
        for left in (x - text_width / 2, x + 3, x - text_width - 3):
            left = min(max(left, 0.0), width - text_width)
            for row, taken in enumerate(placed):
                if all(left + text_width + gap <= a or left >= b + gap for a, b in taken):
                    return row, left
        return 0, min(max(x - text_width / 2, 0.0), width - text_width)

    def _line_height(self) -> float:
        return QFontMetricsF(self._label_font()).height() + 1

    def sizeHint(self) -> QSize:
        return QSize(self._HINT_WIDTH, self.heightForWidth(self._HINT_WIDTH))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.heightForWidth(self._HINT_WIDTH))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # Labels that fit in one row above a wide bar need a second row below a narrow one.
        rows = 1 + max((label.row for label in self._label_layout(float(width))), default=-1)
        return int(self._BAR_HEIGHT + 3 + rows * self._line_height())

    # -- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        width = float(self.width())
        labels = self._label_layout(width)
        line = self._line_height()
        top = line if labels else 1.5
        bar = QRectF(0.5, top, width - 1.0, self._BAR_HEIGHT)

        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(70)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)

        value = self._value()
        if value is not None and value > 0:
            fill = QRectF(bar)
            fill.setRight(self._x_of(value, width))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.fill_color())
            painter.drawRoundedRect(fill, 3, 3)
            supplements = self._total.from_supplements if self._total is not None else 0.0
            if supplements > 0:
                part = QRectF(bar)
                part.setRight(self._x_of(min(supplements, value), width))
                hatch = QColor(palette.color(QPalette.ColorRole.Base))
                hatch.setAlpha(170)
                painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
                painter.drawRoundedRect(part, 3, 3)

        text_color = palette.color(QPalette.ColorRole.WindowText)
        painter.setFont(self._label_font())
        for label in labels:
            if label.tick is not None:
                painter.setPen(QPen(text_color, 1.5))
                painter.drawLine(QPointF(label.tick, bar.top() - 2),
                                 QPointF(label.tick, bar.bottom() + 2))
            y = 0.0 if label.row == 0 else bar.bottom() + 2
            painter.setPen(text_color)
            painter.drawText(QRectF(label.left, y, width - label.left, line),
                             Qt.AlignmentFlag.AlignLeft, label.text)
        painter.end()


class _PlacedLabel(NamedTuple):
    text: str
    #: 0 above the bar, 1 below it.
    row: int
    left: float
    #: Where the tick is, or ``None`` for a mark beyond the scale.
    tick: float | None


class _Row:
    """The widgets of one nutrient: name, bar, amount, percent and coverage."""

    def __init__(self, key: str, parent: QWidget) -> None:
        self.key = key
        self.name = QLabel(_ROW_NAMES.get(key, BY_KEY[key].label), parent)
        bold = QFont(self.name.font())
        bold.setBold(True)
        self.name.setFont(bold)
        self.value = QLabel(_NO_VALUE, parent)
        self.percent = QLabel("", parent)
        for label in (self.value, self.percent):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        metrics = self.value.fontMetrics()
        self.value.setMinimumWidth(metrics.horizontalAdvance("≥0000.0 kcal"))
        self.percent.setMinimumWidth(metrics.horizontalAdvance("0000 %"))
        self.bar = NutrientBar(parent)
        self.coverage = QLabel("", parent)
        self.coverage.setWordWrap(True)
        small = QFont(self.coverage.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small.setItalic(True)
        self.coverage.setFont(small)
        self.coverage.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.coverage.hide()

    def show_total(self, total: NutrientTotal | None, target: Target | None, week: bool) -> None:
        self.bar.set_total(total, target)
        if total is None:
            value, percent, coverage = _NO_VALUE, "", ""
        elif total.value is None:
            value, percent, coverage = "unknown", "", coverage_text(total, week=week)
        else:
            value = format_nutrient(self.key, total.value)
            if total.unknown:
                value = f"≥{value}"  # a lower bound, as in the text report
            percent = "" if total.percent is None else f"{total.percent:.0f} %"
            coverage = coverage_text(total, week=week)
        self.value.setText(value)
        self.percent.setText(percent)
        # Without a target (fat, carbohydrate) a bar would only say "this much of itself".
        self.bar.setVisible(target is not None)
        self.coverage.setText(coverage)
        self.coverage.setVisible(bool(coverage))
        tooltip = self.bar.toolTip()
        for widget in (self.name, self.value, self.percent):
            widget.setToolTip(tooltip)

    def texts(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "value": self.value.text(),
            "percent": self.percent.text(),
            "coverage": self.coverage.text(),
        }


class TotalsPanel(QWidget):
    """Totals of the shown day, or the week average, for the planner's key nutrients."""

    #: ``"day"`` or ``"week"``, whenever the mode changes (by the toggle or :meth:`set_mode`).
    mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._analysis: Analysis | None = None
        self._day: date | None = None
        self._mode: Mode = "day"

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

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        grid.setColumnStretch(0, 1)
        self._rows: dict[str, _Row] = {}
        for index, key in enumerate(PANEL_KEYS):
            row = _Row(key, self)
            self._rows[key] = row
            base = index * 4
            grid.addWidget(row.name, base, 0)
            grid.addWidget(row.value, base, 1)
            grid.addWidget(row.percent, base, 2)
            grid.addWidget(row.bar, base + 1, 0, 1, 3)
            grid.addWidget(row.coverage, base + 2, 0, 1, 3)
            grid.setRowMinimumHeight(base + 3, 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(toggle)
        layout.addWidget(self.caption)
        layout.addLayout(grid)
        layout.addStretch(1)
        self._refresh()

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
        self._refresh()
        self.mode_changed.emit(mode)

    def mode(self) -> str:
        return self._mode

    def row_text(self, key: str) -> dict[str, str]:
        """What a row shows: ``name``, ``value``, ``percent`` and ``coverage`` text."""
        return self._rows[key].texts()

    def bar(self, key: str) -> NutrientBar:
        return self._rows[key].bar

    def caption_text(self) -> str:
        return self.caption.text()

    # -- display ------------------------------------------------------------------------

    def _refresh(self) -> None:
        analysis = self._analysis
        targets = analysis.targets if analysis is not None else None
        totals = None
        week = self._mode == "week"
        if analysis is None:
            caption = "Nothing planned"
        elif week:
            days = analysis.week.averaged_days
            if days:
                plural = "day" if days == 1 else "days"
                caption = f"Week average over {days} planned {plural}"
                totals = analysis.week.average
            else:
                caption = "Week average: nothing planned yet"
        elif self._day is None:
            caption = "No day selected"
        else:
            shown = QDate(self._day.year, self._day.month, self._day.day)
            name = QLocale().toString(shown, "ddd d MMM yyyy")
            try:
                day = analysis.day(self._day)
            except KeyError:
                caption = f"{name} is not in the plan"
            else:
                if day.is_empty:
                    caption = f"{name}: nothing planned"
                else:
                    caption = name
                    totals = day.totals
        self.caption.setText(caption)
        # A pressed button alone is easy to misread as the unselected one in some themes.
        for button in (self.day_button, self.week_button):
            font = QFont(button.font())
            font.setBold(button.isChecked())
            button.setFont(font)
        for key, row in self._rows.items():
            target = targets.get(key) if targets is not None else None
            row.show_total(None if totals is None else totals[key], target, week)
