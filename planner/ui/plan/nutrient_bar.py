"""A nutrient's total as a bar against its EAR, RDA/AI and UL marks.

:class:`NutrientBar` draws one total; the big bars of the totals panel name their marks
above or below the bar, the compact ones of the full panel draw the ticks only (the
tooltip names them). Where the total stands (the bar's colour) is decided by
:func:`planner.core.status.nutrient_status`; the colour of each status comes from
:func:`signal_color`, which picks shades that stand out on the widget's palette.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from planner.core.nutrients import BY_KEY
from planner.core.status import amount_for_ul, nutrient_status, ul_applies_note, ul_short_label
from planner.core.targets import Target
from planner.core.totals import NutrientTotal
from planner.core.units import format_nutrient
from planner.ui.common.widgets import SignalColor, signal_color

__all__ = [
    "NO_VALUE",
    "STATUS_COLORS",
    "BarMark",
    "BarStatus",
    "NutrientBar",
    "bar_status",
    "coverage_text",
    "marks_for",
    "recommended_label",
    "value_text",
]

#: ``empty``: nothing to show; ``neutral``: a value without a judgement (no target, or a
#: default goal such as energy); ``low``: below the EAR; ``below_target``: under the RDA/AI;
#: ``ok``: at or above it; ``above_ul``: above the upper limit.
BarStatus = Literal["empty", "neutral", "low", "below_target", "ok", "above_ul"]

#: The colour of each status.
STATUS_COLORS: Final[dict[BarStatus, SignalColor]] = {
    "low": "red", "below_target": "amber", "ok": "green", "above_ul": "red",
}
#: What a row shows for a total that is not known (nothing planned, or no value).
NO_VALUE: Final = "–"


def coverage_text(total: NutrientTotal, *, week: bool = False) -> str:
    """``3 of 9 foods have no vitamin D value``; empty when every food has one."""
    if not total.unknown:
        return ""
    name = BY_KEY[total.key].in_sentence
    where = " in the plan" if week else ""
    if not total.known:
        return f"No food{where} has a {name} value"
    verb = "has" if total.unknown == 1 else "have"
    return f"{total.unknown} of {total.entries} foods{where} {verb} no {name} value"


def value_text(total: NutrientTotal | None) -> str:
    """``139 mg``; ``≥52.0 µg`` when some foods have no value (a lower bound); ``–``
    when nothing is known."""
    if total is None or total.value is None:
        return NO_VALUE
    text = format_nutrient(total.key, total.value)
    return f"≥{text}" if total.unknown else text  # a lower bound, as in the text report


def _amount(key: str, value: float) -> str:
    return f"{value:g} {BY_KEY[key].unit}"


@dataclass(frozen=True, slots=True)
class BarMark:
    """A labelled tick on a bar: ``EAR``, ``RDA``, ``AI``, ``UL (suppl.)``..."""

    label: str
    value: float
    kind: Literal["ear", "recommended", "ul"]


def recommended_label(target: Target) -> str:
    """``RDA``, ``AI``, ``Goal`` (a default such as energy) or ``Target`` (the user's)."""
    return {"default": "Goal", "user": "Target"}.get(target.kind, target.kind)


def marks_for(target: Target | None) -> tuple[BarMark, ...]:
    """The ticks of a target, lowest first."""
    if target is None:
        return ()
    marks = []
    if target.ear is not None:
        marks.append(BarMark("EAR", target.ear, "ear"))
    if target.recommended is not None:
        marks.append(BarMark(recommended_label(target), target.recommended, "recommended"))
    if target.ul is not None:
        marks.append(BarMark(ul_short_label(target), target.ul, "ul"))
    return tuple(sorted(marks, key=lambda mark: mark.value))


def bar_status(total: NutrientTotal | None, target: Target | None,
               totals: Mapping[str, NutrientTotal] | None = None) -> BarStatus:
    """How a total stands against its target (what colour its bar has): core decides.
    ``totals``, the other totals of the day, let a UL on a part (folic acid) be judged."""
    return nutrient_status(total, target, totals).value


def _total_lines(total: NutrientTotal | None, target: Target | None, key: str) -> list[str]:
    label = BY_KEY[key].label
    if total is None:
        return [f"{label}: nothing planned"]
    if total.value is None:
        return [f"{label}: unknown"]
    amount = format_nutrient(key, total.value)
    if total.unknown:
        amount = f"at least {amount}"
    if total.percent is not None and target is not None:
        kind = recommended_label(target)
        lines = [f"{label}: {amount} ({total.percent:.0f} % of the {kind})"]
    else:
        lines = [f"{label}: {amount}"]
    if total.from_supplements:
        lines.append(f"From supplements: {format_nutrient(key, total.from_supplements)}")
    return lines


def _target_lines(target: Target | None, key: str) -> list[str]:
    if target is None:
        return ["No target"]
    lines = []
    if target.recommended is not None:
        lines.append(f"{recommended_label(target)}: {_amount(key, target.recommended)}")
    if target.ear is not None:
        lines.append(f"EAR: {_amount(key, target.ear)}")
    if target.ul is not None:
        lines.append(f"{target.ul_kind}: {_amount(key, target.ul)}{ul_applies_note(target)}")
    return lines


class NutrientBar(QWidget):
    """A horizontal bar: one total against its EAR, RDA/AI and UL marks.

    The hatched start of the bar is the part from supplements, so a UL that applies to
    supplements only (magnesium) can be compared with it. A UL far beyond the rest of the
    scale (vitamin D: 100 µg against an RDA of 15 µg) is named at the right end instead of
    squeezing every other mark to the left (a compact bar puts a small arrow there).
    """

    _BAR_HEIGHT: Final = 10
    _COMPACT_BAR_HEIGHT: Final = 8
    _LABEL_GAP: Final = 4
    _HINT_WIDTH: Final = 240
    _COMPACT_WIDTH: Final = 56

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact
        self._total: NutrientTotal | None = None
        self._target: Target | None = None
        self._totals: Mapping[str, NutrientTotal] | None = None
        self._marks: tuple[BarMark, ...] = ()
        self._shown: tuple[object, ...] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(not compact)
        self.setSizePolicy(policy)
        if compact:
            self.setFixedHeight(self._COMPACT_BAR_HEIGHT + 6)
            self.setMinimumWidth(self._COMPACT_WIDTH)
        else:
            self.setMinimumWidth(120)

    # -- data ---------------------------------------------------------------------------

    def set_total(self, total: NutrientTotal | None, target: Target | None,
                  totals: Mapping[str, NutrientTotal] | None = None) -> None:
        """Show ``total`` (``None``: an empty bar) against ``target`` (``None``: no marks);
        ``totals`` are the day's (or week's) others, for a UL on a part of the intake."""
        # What the picture depends on: a total that did not change repaints nothing.
        part = None
        if target is not None and target.ul_applies_to not in ("total", "supplements"):
            part = None if totals is None else totals.get(target.ul_applies_to)
        shown = (total, target, part)
        self._totals = totals
        if shown == self._shown:
            return
        self._shown = shown
        self._total = total
        if target != self._target or not self._marks:
            self._marks = marks_for(target)
        self._target = target
        self.setToolTip(self.tooltip_text())
        if not self._compact:
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

    def is_compact(self) -> bool:
        return self._compact

    def status(self) -> BarStatus:
        return bar_status(self._total, self._target, self._totals)

    def fill_color(self) -> QColor:
        status = self.status()
        if status in STATUS_COLORS:
            return signal_color(STATUS_COLORS[status], self.palette())
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
        lines = [*_total_lines(total, target, key), *_target_lines(target, key)]
        if total is not None and total.unknown:
            coverage = coverage_text(total)
            lines.append(coverage if total.value is None
                         else f"{coverage}: the total is a lower bound")
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
        if self._total is None or self._target is None:
            return 0.0 if self._total is None else self._total.value or 0.0
        return amount_for_ul(self._total, self._target, self._totals) or 0.0

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        return font

    def _x_of(self, amount: float, width: float) -> float:
        return 0.5 + (width - 1.0) * min(amount / self.scale_max(), 1.0)

    def _label_layout(self, width: float) -> list[_PlacedLabel]:
        """Where each mark's label goes: above the bar, or below it when crowded.

        A label is centred on its tick where it fits, else set beside it; a UL off the
        scale is named at the right end with its amount. A compact bar has no labels.
        """
        if self._compact:
            return []
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
        if self._compact:
            return QSize(self._COMPACT_WIDTH * 2, self._COMPACT_BAR_HEIGHT + 6)
        return QSize(self._HINT_WIDTH, self.heightForWidth(self._HINT_WIDTH))

    def minimumSizeHint(self) -> QSize:
        if self._compact:
            return QSize(self._COMPACT_WIDTH, self._COMPACT_BAR_HEIGHT + 6)
        return QSize(120, self.heightForWidth(self._HINT_WIDTH))

    def hasHeightForWidth(self) -> bool:
        return not self._compact

    def heightForWidth(self, width: int) -> int:
        if self._compact:
            return self._COMPACT_BAR_HEIGHT + 6
        # Labels that fit in one row above a wide bar need a second row below a narrow one.
        rows = 1 + max((label.row for label in self._label_layout(float(width))), default=-1)
        return int(self._BAR_HEIGHT + 3 + rows * self._line_height())

    # -- painting -----------------------------------------------------------------------

    def _bar_rect(self, width: float, labels: list[_PlacedLabel]) -> QRectF:
        if self._compact:
            return QRectF(0.5, (self.height() - self._COMPACT_BAR_HEIGHT) / 2, width - 1.0,
                          self._COMPACT_BAR_HEIGHT)
        top = self._line_height() if labels else 1.5
        return QRectF(0.5, top, width - 1.0, self._BAR_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        width = float(self.width())
        labels = self._label_layout(width)
        bar = self._bar_rect(width, labels)
        radius = 2 if self._compact else 3

        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(70)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(track)
        painter.drawRoundedRect(bar, radius, radius)

        value = self._value()
        if value is not None and value > 0:
            fill = QRectF(bar)
            fill.setRight(self._x_of(value, width))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.fill_color())
            painter.drawRoundedRect(fill, radius, radius)
            supplements = self._total.from_supplements if self._total is not None else 0.0
            if supplements > 0:
                part = QRectF(bar)
                part.setRight(self._x_of(min(supplements, value), width))
                hatch = QColor(palette.color(QPalette.ColorRole.Base))
                hatch.setAlpha(170)
                painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
                painter.drawRoundedRect(part, radius, radius)

        if self._compact:
            self._paint_ticks(painter, bar, width)
        else:
            self._paint_labels(painter, bar, width, labels)
        painter.end()

    def _paint_labels(self, painter: QPainter, bar: QRectF, width: float,
                      labels: list[_PlacedLabel]) -> None:
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        line = self._line_height()
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

    def _paint_ticks(self, painter: QPainter, bar: QRectF, width: float) -> None:
        """The marks of a compact bar: EAR thin, RDA/AI thick, the UL in red; a UL beyond
        the scale is a small grey arrow at the right end (far away, nothing to mind)."""
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        red = signal_color("red", palette)
        for mark in self._marks:
            color = red if mark.kind == "ul" else text_color
            if not self._on_scale(mark):
                right = bar.right()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawPolygon(QPolygonF([
                    QPointF(right - 5, bar.top() - 1), QPointF(right + 0.5, bar.center().y()),
                    QPointF(right - 5, bar.bottom() + 1),
                ]))
                continue
            x = self._x_of(mark.value, width)
            painter.setPen(QPen(color, 1.0 if mark.kind == "ear" else 2.0))
            painter.drawLine(QPointF(x, bar.top() - 2.5), QPointF(x, bar.bottom() + 2.5))


class _PlacedLabel(NamedTuple):
    text: str
    #: 0 above the bar, 1 below it.
    row: int
    left: float
    #: Where the tick is, or ``None`` for a mark beyond the scale.
    tick: float | None
